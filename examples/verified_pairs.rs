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

use anyhow::{bail, Result};
use clap::Parser;

// The command line of `dedup` itself, so that every flag means the same here.
#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

use cli::Cli;
use dedup::neardup::verified_pairs;
use dedup::read::read_inputs;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("verified_pairs: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    let cli =
        Cli::try_parse_from(std::iter::once("dedup".to_string()).chain(std::env::args().skip(1)))?;
    if cli.command.is_some() {
        bail!("give inputs and flags of the main `dedup` command, not a subcommand");
    }
    let params = cli.run.cluster.config().validate()?.neardup;
    let corpus = read_inputs(&cli.run.inputs, &cli.run.input.read_options());
    for error in &corpus.errors {
        eprintln!("verified_pairs: {}: {}", error.input, error.problem);
    }
    let texts: Vec<&str> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
    let mut out = BufWriter::new(io::stdout().lock());
    for p in verified_pairs(&texts, &params)? {
        let (a, b) = (&corpus.articles[p.a].id, &corpus.articles[p.b].id);
        writeln!(out, "{a}\t{b}\t{}\t{}", p.jaccard, p.containment)?;
    }
    out.flush()?;
    Ok(())
}
