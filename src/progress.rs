//! How far a run is: the pipeline marks each stage's start, its items done
//! and its end; the CLI draws a bar from that on a terminal and prints stage
//! timings with `--timings`. Counting is a relaxed atomic add, cheap enough to
//! call from parallel loops.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    current: Option<(&'static str, usize, Instant)>,
    finished: Vec<(&'static str, Duration)>,
}

/// A snapshot for drawing: stage name, items done, items in all, time in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
    pub elapsed: Duration,
}

impl Progress {
    /// Starts `stage` over `total` items, ending the stage before it.
    pub fn start(&self, stage: &'static str, total: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, _, started)) = state.current.take() {
            state.finished.push((name, started.elapsed()));
        }
        self.done.store(0, Ordering::Relaxed);
        state.current = Some((stage, total, Instant::now()));
    }

    pub fn advance(&self, items: usize) {
        self.done.fetch_add(items, Ordering::Relaxed);
    }

    /// Ends the current stage.
    pub fn finish(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, _, started)) = state.current.take() {
            state.finished.push((name, started.elapsed()));
        }
    }

    pub fn snapshot(&self) -> Option<Snapshot> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.current.map(|(stage, total, started)| Snapshot {
            stage,
            done: self.done.load(Ordering::Relaxed).min(total),
            total,
            elapsed: started.elapsed(),
        })
    }

    /// Finished stages and their wall time, in order.
    pub fn timings(&self) -> Vec<(&'static str, Duration)> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .finished
            .clone()
    }
}

/// One line of a progress bar, `width` columns at most:
/// `near-duplicates [#########.........]  45,000/100,000  21,300/s  ETA 3s`.
pub fn bar(snapshot: &Snapshot, width: usize) -> String {
    let seconds = snapshot.elapsed.as_secs_f64().max(1e-3);
    let rate = snapshot.done as f64 / seconds;
    if snapshot.total == 0 {
        // A stage that cannot know its size up front (reading) shows a count.
        return format!(
            "{}  {}  {}/s",
            snapshot.stage,
            thousands(snapshot.done),
            thousands(rate as usize)
        );
    }
    let eta = match snapshot.done {
        0 => String::new(),
        done => {
            let left = (snapshot.total - done) as f64 / rate;
            format!("  ETA {}", duration(Duration::from_secs_f64(left.min(1e7))))
        }
    };
    let counts = format!(
        "{}/{}  {}/s{eta}",
        thousands(snapshot.done),
        thousands(snapshot.total),
        thousands(rate as usize)
    );
    let room = width
        .saturating_sub(snapshot.stage.len() + counts.len() + 6)
        .min(40);
    let filled = (room * snapshot.done)
        .checked_div(snapshot.total)
        .unwrap_or(0);
    format!(
        "{} [{}{}]  {counts}",
        snapshot.stage,
        "#".repeat(filled),
        ".".repeat(room - filled)
    )
}

/// A time left for people: `7s`, `3m05s`, `2h10m`.
fn duration(d: Duration) -> String {
    let s = d.as_secs_f64().ceil() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// The stage timings for `--timings`: `read 0.52s, clean 0.31s`.
pub fn format_timings(timings: &[(&'static str, Duration)]) -> String {
    timings
        .iter()
        .map(|(stage, time)| format!("{stage} {:.2}s", time.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_in_the_largest_units() {
        assert_eq!(duration(Duration::from_millis(6_200)), "7s");
        assert_eq!(duration(Duration::from_secs(185)), "3m05s");
        assert_eq!(duration(Duration::from_secs(7_800)), "2h10m");
    }

    #[test]
    fn stages_are_timed_in_order() {
        let progress = Progress::default();
        progress.start("read", 10);
        progress.advance(4);
        let snap = progress.snapshot().unwrap();
        assert_eq!((snap.stage, snap.done, snap.total), ("read", 4, 10));
        progress.start("clean", 10);
        assert_eq!(progress.snapshot().unwrap().done, 0);
        progress.finish();
        assert!(progress.snapshot().is_none());
        let names: Vec<_> = progress.timings().iter().map(|t| t.0).collect();
        assert_eq!(names, ["read", "clean"]);
    }

    #[test]
    fn a_bar_shows_counts_and_rate_within_its_width() {
        let snap = Snapshot {
            stage: "events",
            done: 50_000,
            total: 100_000,
            elapsed: Duration::from_secs(2),
        };
        let line = bar(&snap, 80);
        assert!(line.starts_with("events ["), "{line}");
        assert!(
            line.ends_with("]  50,000/100,000  25,000/s  ETA 2s"),
            "{line}"
        );
        assert_eq!(
            line.matches('#').count() * 2,
            line.matches(['#', '.']).count()
        );
        assert!(line.chars().count() <= 80);
        let start = Snapshot { done: 0, ..snap };
        assert!(
            bar(&start, 80).ends_with("0/100,000  0/s"),
            "no ETA before any progress"
        );
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
