//! Builds the event stage's background document-frequency table
//! (`data/background_df.tsv`) from a JSONL corpus, using the event stage's own
//! term and name extraction so that the keys match exactly.
//!
//! Usage: `cargo run --release --example build_background_df -- CORPUS.jsonl
//! [SPLIT] [MIN_DF] > data/background_df.tsv`. Only rows whose `split` field
//! equals SPLIT (default `train`) are counted; keys found in fewer than MIN_DF
//! (default 3) articles are left out to keep the table small. Run it through
//! `scripts/build-background-df.sh`, which also writes the credit header.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, BufRead, Write};

use anyhow::{bail, Context, Result};

use dedup::article::guess_title;
use dedup::events::{features, EventDoc};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        bail!("usage: build_background_df CORPUS.jsonl [SPLIT] [MIN_DF]");
    };
    let split = args.get(1).map_or("train", String::as_str);
    let min_df: u32 = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let file = std::fs::File::open(path).with_context(|| path.clone())?;
    let (mut docs, mut terms, mut names) = (0u32, HashMap::new(), HashMap::new());
    for line in io::BufReader::new(file).lines() {
        let row: serde_json::Value = serde_json::from_str(&line?)?;
        if row["split"].as_str() != Some(split) {
            continue;
        }
        let text = row["text"].as_str().context("a row without text")?;
        let title = guess_title(text);
        let f = features::extract(&EventDoc {
            id: row["id"].as_str().unwrap_or(""),
            title: title.as_deref(),
            text,
            raw: text,
            date: None,
        });
        docs += 1;
        let unique: BTreeSet<&str> = f.terms.iter().map(|(t, _)| t.as_str()).collect();
        for t in unique {
            *terms.entry(t.to_string()).or_insert(0u32) += 1;
        }
        for (n, _) in &f.names {
            *names.entry(n.clone()).or_insert(0u32) += 1;
        }
    }
    if docs == 0 {
        bail!("no row with \"split\": \"{split}\" in {path}");
    }
    let mut out = io::stdout().lock();
    writeln!(out, "# docs\t{docs}")?;
    writeln!(out, "# split\t{split}\tmin_df\t{min_df}")?;
    for (kind, counts) in [("t", terms), ("n", names)] {
        let mut rows: Vec<(String, u32)> =
            counts.into_iter().filter(|&(_, df)| df >= min_df).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (key, df) in rows {
            writeln!(out, "{kind}\t{key}\t{df}")?;
        }
    }
    Ok(())
}
