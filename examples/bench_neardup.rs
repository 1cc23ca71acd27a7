//! Throughput of the near-duplicate stage on a generated corpus.
//!
//! ```sh
//! cargo run --release --example bench_neardup -- 100000
//! ```
//! Generates the given number of articles (default 100,000; about 3.7 KB
//! each, events told by several outlets and copies of their reports, see
//! `dedup::synth`, the generator behind `gencorpus` too) in memory, runs
//! `find_groups` once with the default parameters on all cores, and prints
//! articles/s and MB/s. Generation is not timed. On Linux it also prints the
//! CPU time the stage used, summed over threads: on a machine shared with
//! other work, articles per CPU-second move much less than wall time.

use std::process::ExitCode;
use std::time::Instant;

use dedup::neardup::find_groups;

fn main() -> ExitCode {
    let articles = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 100_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: bench_neardup [ARTICLES]");
            return ExitCode::from(2);
        }
    };
    let params = dedup::config::Config::default()
        .validate()
        .expect("the defaults are valid")
        .neardup;
    let corpus = dedup::synth::news_corpus(articles, 1);
    let texts: Vec<&str> = corpus.iter().map(|a| a.text.as_str()).collect();
    let megabytes = texts.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;

    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let groups = find_groups(&texts, &params).expect("temporary files");
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_start.zip(cpu_seconds()).map(|(start, end)| end - start);

    let grouped: usize = groups.iter().map(|g| g.members.len()).sum();
    println!(
        "{articles} articles, {megabytes:.1} MB, {} threads: {} groups of {grouped} articles",
        rayon::current_num_threads(),
        groups.len()
    );
    println!(
        "{seconds:.2} s: {:.0} articles/s, {:.1} MB/s",
        articles as f64 / seconds,
        megabytes / seconds
    );
    if let Some(cpu) = cpu {
        println!(
            "CPU {cpu:.2} s: {:.0} articles per CPU-second",
            articles as f64 / cpu
        );
    }
    ExitCode::SUCCESS
}

/// CPU time of this process so far, from the scheduler's per-thread
/// counters (the first field of `/proc/self/task/*/schedstat`, in ns);
/// `None` where there is no such file.
fn cpu_seconds() -> Option<f64> {
    let mut nanoseconds: u64 = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        nanoseconds += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(nanoseconds as f64 / 1e9)
}
