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

use anyhow::Result;

mod common;

use dedup::clean::{cleaner_of, FEATURE_NAMES};

fn main() -> ExitCode {
    common::exit("line_features", run())
}

fn run() -> Result<()> {
    let cli = common::parse()?;
    let corpus = common::read("line_features", &cli);
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
