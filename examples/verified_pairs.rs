//! Every pair of articles the batch near-duplicate stage verifies, before
//! grouping: what `scripts/bench-index.py` checks the persistent index's
//! answers against.
//!
//! ```sh
//! cargo run --release --example verified_pairs -- corpus.jsonl [dedup flags] > pairs.tsv
//! ```
//! Prints `id_a<TAB>id_b<TAB>jaccard<TAB>containment`, one line a pair,
//! `id_a` the earlier in input order. Inputs and flags are `dedup`'s own;
//! texts are compared as read, without cleaning (the index's `--no-clean`
//! semantics).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;

mod common;

use dedup::neardup::verified_pairs;

fn main() -> ExitCode {
    common::exit("verified_pairs", run())
}

fn run() -> Result<()> {
    let cli = common::parse()?;
    let params = cli.run.cluster.config().validate()?.neardup;
    let corpus = common::read("verified_pairs", &cli);
    let texts: Vec<&str> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
    let mut out = BufWriter::new(io::stdout().lock());
    for p in verified_pairs(&texts, &params)? {
        let (a, b) = (&corpus.articles[p.a].id, &corpus.articles[p.b].id);
        writeln!(out, "{a}\t{b}\t{}\t{}", p.jaccard, p.containment)?;
    }
    out.flush()?;
    Ok(())
}
