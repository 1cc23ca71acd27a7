//! A deterministic corpus of news-like articles with known answers, for
//! benchmarks and for checking quality at scale: a thin command line over
//! `dedup::synth` (see there for what the articles are like).
//!
//! ```text
//! cargo run --release --example gencorpus -- --articles 100000 --out /tmp/corpus [--txt] [--seed 7]
//! ```
//! writes `corpus.jsonl` (`id`, `title`, `date`, `source`, `text`), `gold.jsonl`
//! (`id`, `cluster` = event, `group` = the id of the original a copy was
//! made from, or the article's own id) and, with `--txt`, one `.txt` file
//! per article under `txt/`. Articles are about 3.7 KB. The same seed
//! always writes the same bytes.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use dedup::synth::Generator;

struct Args {
    articles: usize,
    out: PathBuf,
    txt: bool,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        articles: 10_000,
        out: PathBuf::from("corpus"),
        txt: false,
        seed: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--articles" => {
                args.articles = value()?.parse().map_err(|e| format!("--articles: {e}"))?
            }
            "--out" => args.out = PathBuf::from(value()?),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--txt" => args.txt = true,
            other => {
                return Err(format!(
                    "unknown argument {other}; use --articles N --out DIR [--txt] [--seed S]"
                ))
            }
        }
    }
    Ok(args)
}

fn main() -> std::io::Result<()> {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gencorpus: {e}");
            std::process::exit(2);
        }
    };
    fs::create_dir_all(&args.out)?;
    if args.txt {
        fs::create_dir_all(args.out.join("txt"))?;
    }
    let mut corpus = BufWriter::new(File::create(args.out.join("corpus.jsonl"))?);
    let mut gold = BufWriter::new(File::create(args.out.join("gold.jsonl"))?);
    let mut events = 0;
    for (i, article) in Generator::new(args.seed).take(args.articles).enumerate() {
        let row = serde_json::json!({
            "id": article.id, "title": article.title, "date": article.date,
            "source": article.source, "text": article.text,
        });
        writeln!(corpus, "{row}")?;
        let group = article.origin.of().unwrap_or(i);
        writeln!(
            gold,
            "{}",
            serde_json::json!({
                "id": article.id, "cluster": format!("e{}", article.event),
                "group": format!("a{group:07}"),
            })
        )?;
        if args.txt {
            fs::write(
                args.out.join("txt").join(format!("{}.txt", article.id)),
                &article.text,
            )?;
        }
        events = article.event;
    }
    corpus.flush()?;
    gold.flush()?;
    eprintln!(
        "gencorpus: {} articles in {events} events written to {}",
        args.articles,
        args.out.display()
    );
    Ok(())
}
