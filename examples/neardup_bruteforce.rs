//! Checks the near-duplicate stage against the exhaustive reference, which
//! verifies every pair with the same edge rule: the stage may only miss
//! pairs (recall below 1), never invent them (precision 1).
//!
//! ```sh
//! cargo run --release --example neardup_bruteforce -- corpus.jsonl [dedup flags]
//! ```
//! Inputs and flags are `dedup`'s own (`--threshold`, `--containment`,
//! `--text-field`, …). Texts are compared as read, without cleaning: this
//! measures the candidate stages, not the cleaner.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

mod common;

use dedup::neardup::reference::{find_groups_exhaustively, verified_pairs_exhaustively, Agreement};
use dedup::neardup::{find_groups, verified_pairs, Group, Pair};

fn main() -> ExitCode {
    common::exit("neardup_bruteforce", run())
}

fn run() -> Result<()> {
    let cli = common::parse()?;
    let params = cli.run.cluster.config().validate()?.neardup;
    let corpus = common::read("neardup_bruteforce", &cli);
    let texts: Vec<&str> = corpus.articles.iter().map(|a| a.text.as_str()).collect();

    let start = Instant::now();
    let found = find_groups(&texts, &params)?;
    let stage_time = start.elapsed();
    let start = Instant::now();
    let reference = find_groups_exhaustively(&texts, &params)?;
    let reference_time = start.elapsed();
    let verified = verified_pairs(&texts, &params)?;
    let every = verified_pairs_exhaustively(&texts, &params)?;

    println!("articles: {}", texts.len());
    println!(
        "groups: {} found, {} by every pair ({} and {} articles)",
        found.len(),
        reference.len(),
        members(&found),
        members(&reference)
    );
    report("verified pairs", Agreement::edges(&verified, &every));
    report("grouped pairs", Agreement::grouped(&found, &reference));
    println!(
        "time: {:.3} s stage, {:.3} s every pair",
        stage_time.as_secs_f64(),
        reference_time.as_secs_f64()
    );
    for pair in missed(&verified, &every).take(10) {
        println!(
            "missed: {} ~ {} (J {:.3}, C {:.3})",
            corpus.articles[pair.a].id, corpus.articles[pair.b].id, pair.jaccard, pair.containment
        );
    }
    Ok(())
}

fn members(groups: &[Group]) -> usize {
    groups.iter().map(|g| g.members.len()).sum()
}

fn report(what: &str, agreement: Agreement) {
    println!(
        "{what}: {} found, {} by every pair, {} in common: precision {:.4}, recall {:.4}",
        agreement.found,
        agreement.reference,
        agreement.common,
        agreement.precision(),
        agreement.recall()
    );
}

/// Reference pairs the stage did not verify.
fn missed<'r>(found: &[Pair], reference: &'r [Pair]) -> impl Iterator<Item = &'r Pair> {
    let found: std::collections::BTreeSet<(usize, usize)> =
        found.iter().map(|p| (p.a, p.b)).collect();
    reference
        .iter()
        .filter(move |p| !found.contains(&(p.a, p.b)))
}
