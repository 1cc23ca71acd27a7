//! The features the cleaner's line model reads, for every line its block
//! classifier judged: what `scripts/fit-line-model.py` fits the model's
//! weights on.
//!
//! ```sh
//! cargo run --release --example line_features -- pages.jsonl > features.jsonl
//! ```
//! Reads JSONL articles (`--text-field` picks the text, as for `dedup`) and
//! prints one line an article: `{"id", "names", "lines": [[n, [f, …]], …]}`,
//! `n` the line's 0-based number in the text, the features as named in
//! `names`, measured before the line model has its say.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Parser;

// The command line of `dedup` itself, so that every flag means the same here.
#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

use cli::Cli;
use dedup::clean::{cleaner_of, FEATURE_NAMES};
use dedup::read::read_inputs;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("line_features: {err:#}");
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
    let corpus = read_inputs(&cli.run.inputs, &cli.run.input.read_options());
    for error in &corpus.errors {
        eprintln!("line_features: {}: {}", error.input, error.problem);
    }
    let cleaner = cleaner_of(&corpus.articles)?;
    let mut out = BufWriter::new(io::stdout().lock());
    for (i, article) in corpus.articles.iter().enumerate() {
        let lines = cleaner.line_features(i, article);
        let row = serde_json::json!({"id": article.id.to_string(), "names": FEATURE_NAMES, "lines": lines});
        writeln!(out, "{row}")?;
    }
    out.flush()?;
    Ok(())
}
