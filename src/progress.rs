//! How far a run is: the pipeline marks each stage's start, its items done
//! and its end; the CLI draws a bar from that on a terminal and prints stage
//! timings with `--timings`. Counting is a relaxed atomic add, cheap enough to
//! call from parallel loops.
//!
//! With [`Progress::measuring_memory`], each stage also records its peak
//! resident memory (Linux only): the kernel's high-water mark (`VmHWM`) is
//! reset as the stage starts (`/proc/self/clear_refs`) and read as it ends.
//! Where the reset is refused, the figure is the process's peak so far, and
//! is labelled so.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    state: Mutex<State>,
    /// Whether stages record their peak memory.
    memory: bool,
}

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
    /// The peak was reset as the stage started: its peak is its own.
    reset: bool,
}

/// A finished stage: its wall time and, when measured, its peak memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub stage: &'static str,
    pub time: Duration,
    pub peak: Option<Peak>,
}

/// Peak resident memory, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peak {
    /// The highest while the stage ran.
    Stage(u64),
    /// The process's highest from its start to the stage's end (the peak
    /// could not be reset when the stage started).
    SoFar(u64),
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
    /// A progress whose stages also record their peak resident memory. It
    /// resets the process's peak-memory mark at each stage, so it is for a
    /// program's own run (the CLI's `--timings`), not for a library's caller.
    pub fn measuring_memory() -> Progress {
        Progress {
            memory: true,
            ..Progress::default()
        }
    }

    /// Starts `stage` over `total` items, ending the stage before it.
    pub fn start(&self, stage: &'static str, total: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.end(&mut state);
        self.done.store(0, Ordering::Relaxed);
        state.current = Some(Current {
            stage,
            total,
            reset: self.memory && peak::reset(),
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
            let peak = self.memory.then(peak::read).flatten().map(|bytes| {
                if current.reset {
                    Peak::Stage(bytes)
                } else {
                    Peak::SoFar(bytes)
                }
            });
            state.finished.push(Timing {
                stage: current.stage,
                time,
                peak,
            });
        }
    }

    pub fn snapshot(&self) -> Option<Snapshot> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.current.map(|c| Snapshot {
            stage: c.stage,
            done: self.done.load(Ordering::Relaxed).min(c.total),
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

/// The kernel's peak-memory mark for this process (Linux; elsewhere there
/// is none, and stages carry no memory figure).
mod peak {
    /// Sets the peak to the current resident size; false when refused.
    #[cfg(target_os = "linux")]
    pub fn reset() -> bool {
        // "5" resets the peak RSS only (proc(5), /proc/pid/clear_refs).
        std::fs::write("/proc/self/clear_refs", "5").is_ok()
    }

    /// The peak resident size in bytes (`VmHWM`).
    #[cfg(target_os = "linux")]
    pub fn read() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    #[cfg(not(target_os = "linux"))]
    pub fn reset() -> bool {
        false
    }

    #[cfg(not(target_os = "linux"))]
    pub fn read() -> Option<u64> {
        None
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

/// The stage timings for `--timings`: `read 0.52s (peak 45 MiB), clean
/// 0.31s (peak 60 MiB)`; `peak so far` when the stage's own peak could not
/// be told apart from the earlier ones; no memory where it is not measured.
pub fn format_timings(timings: &[Timing]) -> String {
    let mib = |bytes: u64| (bytes as f64 / (1 << 20) as f64).round();
    timings
        .iter()
        .map(|t| {
            let time = format!("{} {:.2}s", t.stage, t.time.as_secs_f64());
            match t.peak {
                Some(Peak::Stage(bytes)) => format!("{time} (peak {} MiB)", mib(bytes)),
                Some(Peak::SoFar(bytes)) => format!("{time} (peak so far {} MiB)", mib(bytes)),
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
        let peak = progress.timings()[0].peak.expect("a peak on Linux");
        let (Peak::Stage(bytes) | Peak::SoFar(bytes)) = peak;
        assert!(bytes >= 64 << 20, "{bytes}");
    }

    #[test]
    fn timings_name_the_kind_of_peak() {
        let timing = |peak| Timing {
            stage: "read",
            time: Duration::from_millis(520),
            peak,
        };
        let timings = [
            timing(Some(Peak::Stage(45 << 20))),
            timing(Some(Peak::SoFar(812 << 20))),
            timing(None),
        ];
        assert_eq!(
            format_timings(&timings),
            "read 0.52s (peak 45 MiB), read 0.52s (peak so far 812 MiB), read 0.52s"
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
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
