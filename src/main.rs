//! The `dedup` binary: parse the command line, run the pipeline, print, exit.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use dedup::cli::{CleanArgs, CleanFormat, Cli, Command, EvalArgs, EvalFormat, Format, RunArgs};
use dedup::exit::Exit;
use dedup::read::Corpus;
use dedup::{clean, config, eval, read, report};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        None => run(&cli.run),
        Some(Command::Clean(args)) => run_clean(args),
        Some(Command::Eval(args)) => run_eval(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(err) if is_broken_pipe(&err) => Exit::Success.into(),
        Err(err) => {
            eprintln!("dedup: {err:#}");
            Exit::Error.into()
        }
    }
}

/// The main job: read, cluster, report.
fn run(args: &RunArgs) -> Result<Exit> {
    let pipeline = config::pipeline(&args.cluster)?;
    let mut corpus = read_corpus(&args.inputs, &config::read_options(&args.input));
    let clustering = dedup::cluster(&mut corpus.articles, &pipeline);
    let report = report::build(&report::Inputs {
        articles: &corpus.articles,
        groups: &clustering.groups,
        events: &clustering.events,
        errors: &corpus.errors,
        neardup: &pipeline.neardup,
        event_threshold: pipeline.events.as_ref().map(|e| e.threshold),
        keep: pipeline.keep,
    });
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => report::text::write(&report, &mut out)?,
        Format::Json => report::json::write(&report, &mut out)?,
        Format::Jsonl => report::jsonl::write(&report, &mut out)?,
    }
    out.flush()?;
    if !args.quiet {
        eprintln!("dedup: {}", report.summary_line());
    }
    let found = args.fail_on_duplicates && !clustering.groups.is_empty();
    Ok(Exit::of(!corpus.errors.is_empty(), found))
}

/// One line of `dedup clean --format jsonl`, fields in this order.
#[derive(serde::Serialize)]
struct CleanedLine<'a> {
    id: &'a str,
    text: &'a str,
    removed: &'a [clean::Removed],
}

/// `dedup clean`: the cleaner's work, article by article.
fn run_clean(args: &CleanArgs) -> Result<Exit> {
    let corpus = read_corpus(&args.inputs, &config::read_options(&args.input));
    let cleaned = clean::clean_corpus(&corpus.articles);
    let mut out = io::stdout().lock();
    for (article, cleaned) in corpus.articles.iter().zip(&cleaned) {
        match args.format {
            CleanFormat::Jsonl => {
                let line = CleanedLine {
                    id: &article.id,
                    text: &cleaned.text,
                    removed: &cleaned.removed,
                };
                serde_json::to_writer(&mut out, &line)?;
                writeln!(out)?;
            }
            CleanFormat::Text if args.explain => {
                writeln!(out, "==> {} <==", article.id)?;
                let mut removed = cleaned.removed.iter().peekable();
                for (n, line) in article.text.lines().enumerate() {
                    match removed.next_if(|r| r.line == n + 1) {
                        Some(r) => writeln!(out, "- [{}] {line}", r.rule)?,
                        None if line.trim().is_empty() => writeln!(out)?,
                        None => writeln!(out, "  {line}")?,
                    }
                }
                writeln!(out)?;
            }
            CleanFormat::Text => {
                writeln!(out, "==> {} <==", article.id)?;
                writeln!(out, "{}", cleaned.text.trim_end())?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}

/// `dedup eval`: cluster, then score against gold labels.
fn run_eval(args: &EvalArgs) -> Result<Exit> {
    let pipeline = config::pipeline(&args.cluster)?;
    let gold = eval::Gold::load(&args.gold).with_context(|| args.gold.clone())?;
    let mut corpus = read_corpus(&args.inputs, &config::read_options(&args.input));
    let clustering = dedup::cluster(&mut corpus.articles, &pipeline);
    let scores = eval::evaluate(&gold, &corpus.articles, &clustering)?;
    let mut out = io::stdout().lock();
    match args.format {
        EvalFormat::Text => eval::write_text(&scores, &mut out)?,
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &scores)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}

/// Reads the inputs and reports every problem on stderr as it goes.
fn read_corpus(inputs: &[String], options: &read::ReadOptions) -> Corpus {
    let corpus = read::read_inputs(inputs, options);
    for problem in corpus.warnings.iter().chain(&corpus.errors) {
        eprintln!("dedup: {problem}");
    }
    corpus
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
