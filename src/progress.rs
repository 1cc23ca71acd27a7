//! How far a run is: the pipeline marks each stage's start, its items done
//! and its end; the CLI draws a bar from that on a terminal and prints stage
//! timings with `--timings`. Counting is a relaxed atomic add, cheap enough to
//! call from parallel loops.
//!
//! With [`Progress::measuring_memory`], each stage also records its peak
//! resident memory (Linux only): a thread samples the resident size every
//! few milliseconds, and each stage keeps the highest it saw, with the
//! sizes at its start and end. The kernel's own high-water mark is left
//! alone (resetting it would falsify `time`'s figure for the whole run), so
//! a spike shorter than the sampling interval can go unseen.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    state: Mutex<State>,
    /// The highest resident size sampled in the current stage, when stages
    /// record their peak memory.
    sampled: Option<Arc<AtomicU64>>,
}

/// How often the resident size is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(5);

#[derive(Debug, Default)]
struct State {
    current: Option<Current>,
    finished: Vec<Timing>,
}

#[derive(Debug, Clone, Copy)]
struct Current {
    stage: &'static str,
    total: usize,
    started: Instant,
}

/// A finished stage: its wall time, the items it counted and, when
/// measured, its peak resident memory in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub stage: &'static str,
    pub time: Duration,
    /// What its bar had counted when it ended.
    pub items: usize,
    pub peak: Option<u64>,
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
    /// A progress whose stages also record their peak resident memory,
    /// sampled by a thread of its own (it stops when the progress is
    /// dropped).
    pub fn measuring_memory() -> Progress {
        let sampled = Arc::new(AtomicU64::new(0));
        let sampler = Arc::downgrade(&sampled);
        std::thread::spawn(move || {
            while let Some(sampled) = sampler.upgrade() {
                if let Some(bytes) = peak::read() {
                    sampled.fetch_max(bytes, Ordering::Relaxed);
                }
                drop(sampled);
                std::thread::sleep(SAMPLE_EVERY);
            }
        });
        Progress {
            sampled: Some(sampled),
            ..Progress::default()
        }
    }

    /// Starts `stage` over `total` items, ending the stage before it.
    pub fn start(&self, stage: &'static str, total: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.end(&mut state);
        self.done.store(0, Ordering::Relaxed);
        if let Some(sampled) = &self.sampled {
            sampled.store(peak::read().unwrap_or(0), Ordering::Relaxed);
        }
        state.current = Some(Current {
            stage,
            total,
            started: Instant::now(),
        });
    }

    pub fn advance(&self, items: usize) {
        self.done.fetch_add(items, Ordering::Relaxed);
    }

    /// Ends the current stage.
    pub fn finish(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.end(&mut state);
    }

    fn end(&self, state: &mut State) {
        if let Some(current) = state.current.take() {
            let time = current.started.elapsed();
            let peak = self.sampled.as_ref().and_then(|sampled| {
                let now = peak::read()?;
                Some(sampled.load(Ordering::Relaxed).max(now))
            });
            state.finished.push(Timing {
                stage: current.stage,
                time,
                items: self.done.load(Ordering::Relaxed),
                peak,
            });
        }
    }

    pub fn snapshot(&self) -> Option<Snapshot> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.current.map(|c| Snapshot {
            stage: c.stage,
            // A stage of unknown size (total 0) shows its count as it is.
            done: match (self.done.load(Ordering::Relaxed), c.total) {
                (done, 0) => done,
                (done, total) => done.min(total),
            },
            total: c.total,
            elapsed: c.started.elapsed(),
        })
    }

    /// Finished stages, in order.
    pub fn timings(&self) -> Vec<Timing> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .finished
            .clone()
    }
}

/// This process's resident memory (Linux; elsewhere there is no figure,
/// and stages carry none).
mod peak {
    /// The resident size in bytes now (`VmRSS`).
    #[cfg(target_os = "linux")]
    pub fn read() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    #[cfg(not(target_os = "linux"))]
    pub fn read() -> Option<u64> {
        None
    }
}

/// One line of a progress bar, `width` columns at most:
/// `verify [#########.........]  45,000/100,000  21,300/s  ETA 3s`.
pub fn bar(snapshot: &Snapshot, width: usize) -> String {
    let seconds = snapshot.elapsed.as_secs_f64().max(1e-3);
    let rate = snapshot.done as f64 / seconds;
    if snapshot.total == 0 && snapshot.done == 0 {
        // A stage that counts nothing (finding candidates) shows its time.
        return format!("{}  {}", snapshot.stage, duration(snapshot.elapsed));
    }
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

/// The stage timings for `--timings`: `read 0.52s (peak 45 MiB), clean
/// 0.31s (peak 60 MiB)`; no memory where it is not measured.
pub fn format_timings(timings: &[Timing]) -> String {
    let mib = |bytes: u64| (bytes as f64 / (1 << 20) as f64).round();
    timings
        .iter()
        .map(|t| {
            let time = format!("{} {:.2}s", t.stage, t.time.as_secs_f64());
            match t.peak {
                Some(bytes) => format!("{time} (peak {} MiB)", mib(bytes)),
                None => time,
            }
        })
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
        let names: Vec<_> = progress.timings().iter().map(|t| t.stage).collect();
        assert_eq!(names, ["read", "clean"]);
        assert!(progress.timings().iter().all(|t| t.peak.is_none()));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_measured_stage_records_its_peak_memory() {
        let progress = Progress::measuring_memory();
        progress.start("grow", 0);
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        progress.finish();
        let bytes = progress.timings()[0].peak.expect("a peak on Linux");
        assert!(bytes >= 64 << 20, "{bytes}");
    }

    #[test]
    fn timings_give_the_peak_where_measured() {
        let timing = |peak| Timing {
            stage: "read",
            time: Duration::from_millis(520),
            items: 0,
            peak,
        };
        let timings = [timing(Some(45 << 20)), timing(None)];
        assert_eq!(
            format_timings(&timings),
            "read 0.52s (peak 45 MiB), read 0.52s"
        );
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
        let unsized_ = Snapshot { total: 0, ..start };
        assert_eq!(
            bar(&unsized_, 80),
            "events  2s",
            "nothing counted: the time"
        );
        let counting = Snapshot { total: 0, ..snap };
        assert_eq!(bar(&counting, 80), "events  50,000  25,000/s");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
