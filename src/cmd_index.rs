//! The command-line edge of the persistent index: `dedup index add|stats|
//! expire|compact`, `dedup query` and `dedup explain --index`. Library
//! errors become `dedup: <index>: <problem>` lines and exit code 2.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Serialize;

use crate::cli::{
    AddArgs, EvalFormat, ExpireArgs, ExplainArgs, Format, IndexArgs, IndexCommand, IndexPath,
    IndexRunArgs, QueryArgs, StatsArgs,
};
use dedup::events::dates;
use dedup::exit::Exit;
use dedup::explain;
use dedup::index::{self, Answer, Index, IndexError, IndexParams, Stats, Window};
use dedup::progress::thousands;
use dedup::report::plural;

/// The schema tag of `query` and `index add` JSON output.
pub const SCHEMA: &str = "dedup-query/1";

/// Whether the user named the flag with clap id `id` (not its default).
fn given(matches: &ArgMatches) -> impl Fn(&str) -> bool + '_ {
    move |id| {
        matches.try_get_raw(id).is_ok_and(|v| v.is_some())
            && matches.value_source(id) == Some(ValueSource::CommandLine)
    }
}

fn index_error(path: &str, err: IndexError) -> anyhow::Error {
    anyhow!("{path}: {err}")
}

pub fn run_index(args: &IndexArgs, matches: &ArgMatches) -> Result<Exit> {
    match &args.command {
        IndexCommand::Add(add_args) => {
            let sub = matches.subcommand_matches("add").unwrap_or(matches);
            add(add_args, sub)
        }
        IndexCommand::Stats(stats_args) => stats(stats_args),
        IndexCommand::Expire(expire_args) => expire(expire_args),
        IndexCommand::Compact(path) => compact(path),
    }
}

fn window(run: &IndexRunArgs) -> Option<Window> {
    run.window.map(|days| Window { days })
}

fn asked(run: &IndexRunArgs) -> Result<IndexParams> {
    Ok(IndexParams::from_pipeline(
        &run.cluster.config().validate()?,
    ))
}

fn read(run: &IndexRunArgs) -> dedup::read::Corpus<'static> {
    let corpus = dedup::read::read_inputs(&run.inputs, &run.input.read_options());
    crate::report_problems(&corpus);
    corpus
}

fn add(args: &AddArgs, matches: &ArgMatches) -> Result<Exit> {
    let run = &args.run;
    let path = run.path.index.as_str();
    let asked = asked(run)?;
    let mut index = Index::open_for_writing(Path::new(path), &asked, &given(matches))
        .map_err(|e| index_error(path, e))?;
    let show = !run.quiet && io::stderr().is_terminal();
    let inputs = dedup::read::Inputs::new(&run.inputs);
    let options = run.input.read_options();
    let ingested = index.add_inputs(
        &inputs,
        &options,
        window(run),
        args.commit_every,
        &mut |n| {
            if show {
                eprint!("\r\x1b[2Kdedup: committed {} articles", thousands(n));
            }
        },
    );
    if show {
        eprint!("\r\x1b[2K");
    }
    let corpus = ingested.problems;
    crate::report_problems(&corpus);
    let added = ingested.added.map_err(|e| index_error(path, e))?;
    write_answers(&added.answers, run.format, path, Listed::Copies)?;
    let copies = added
        .answers
        .iter()
        .filter(|a| !a.near_duplicates.is_empty())
        .count();
    if !run.quiet {
        let count = added.answers.len();
        eprintln!(
            "dedup: added {} {} to {path} ({} already stored, skipped); {} {} \
             another article",
            thousands(count),
            plural(count, "article", "articles"),
            thousands(added.skipped),
            thousands(copies),
            plural(copies, "copies", "copy"),
        );
    }
    Ok(Exit::of(
        !corpus.errors.is_empty(),
        run.fail_on_duplicates && copies > 0,
    ))
}

pub fn run_query(args: &QueryArgs, matches: &ArgMatches) -> Result<Exit> {
    let run = &args.run;
    let path = run.path.index.as_str();
    let index = Index::open(Path::new(path)).map_err(|e| index_error(path, e))?;
    if let Some(m) = index.params().mismatch(&asked(run)?, &given(matches)) {
        return Err(index_error(path, IndexError::Mismatch(m)));
    }
    let corpus = read(run);
    let prepared = index::prepare(&corpus.articles, index.params())?;
    let answers = index
        .query(&prepared, window(run))
        .map_err(|e| index_error(path, e))?;
    write_answers(&answers, run.format, path, Listed::All)?;
    let copies = answers
        .iter()
        .filter(|a| !a.near_duplicates.is_empty())
        .count();
    if !run.quiet {
        let joined = answers.iter().filter(|a| a.event.is_some()).count();
        let count = answers.len();
        eprintln!(
            "dedup: {} {} queried against {path}: {} {} a stored article, {} {} a stored \
             event",
            thousands(count),
            plural(count, "article", "articles"),
            thousands(copies),
            plural(copies, "copies", "copy"),
            thousands(joined),
            plural(joined, "joins", "join"),
        );
    }
    Ok(Exit::of(
        !corpus.errors.is_empty(),
        run.fail_on_duplicates && copies > 0,
    ))
}

/// The name and version of `dedup index stats --format json` documents.
const STATS_SCHEMA: &str = "dedup-index-stats/1";

/// The `dedup-index-stats/1` document: the stats, named.
#[derive(Serialize)]
struct StatsDocument<'a> {
    schema: &'static str,
    #[serde(flatten)]
    stats: &'a Stats,
}

/// The `dedup-query/1` document.
#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    index: &'a str,
    articles: &'a [Answer],
}

/// Which articles the text format lists: an add lists the ones that copy
/// another (the summary line counts the rest), a query every one.
#[derive(Clone, Copy, PartialEq)]
enum Listed {
    Copies,
    All,
}

fn write_answers(answers: &[Answer], format: Format, path: &str, listed: Listed) -> Result<()> {
    let mut out = crate::stdout();
    match format {
        Format::Jsonl => {
            for answer in answers {
                serde_json::to_writer(&mut out, answer)?;
                writeln!(out)?;
            }
        }
        Format::Json => {
            let document = Document {
                schema: SCHEMA,
                index: path,
                articles: answers,
            };
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
        Format::Text => {
            let shown = answers
                .iter()
                .filter(|a| listed == Listed::All || !a.near_duplicates.is_empty());
            for answer in shown {
                writeln!(out, "{}", answer.id)?;
                for copy in &answer.near_duplicates {
                    writeln!(
                        out,
                        "  copies  {}  (Jaccard {:.2}, containment {:.2})",
                        copy.id, copy.jaccard, copy.containment
                    )?;
                }
                match (answer.event, answer.event_score) {
                    (Some(e), Some(s)) => writeln!(out, "  event   {e}  (score {s:.3})")?,
                    (Some(e), None) if !answer.near_duplicates.is_empty() => {
                        writeln!(out, "  event   {e}  (through its copy)")?
                    }
                    // An add puts an article alone in a new event; a query
                    // scores none for an article stored already.
                    (Some(e), None) if listed == Listed::Copies => {
                        writeln!(out, "  event   {e}  (new)")?
                    }
                    (Some(e), None) => writeln!(out, "  event   {e}  (stored already)")?,
                    (None, _) => writeln!(out, "  event   none stored")?,
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn stats(args: &StatsArgs) -> Result<Exit> {
    let path = args.path.index.as_str();
    let index = Index::open(Path::new(path)).map_err(|e| index_error(path, e))?;
    let stats = index.stats().map_err(|e| index_error(path, e))?;
    let mut out = crate::stdout();
    match args.format {
        EvalFormat::Json => {
            let document = StatsDocument {
                schema: STATS_SCHEMA,
                stats: &stats,
            };
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
        EvalFormat::Text => write_stats(&mut out, path, &stats)?,
    }
    out.flush()?;
    Ok(Exit::Success)
}

fn write_stats(out: &mut dyn Write, path: &str, s: &Stats) -> io::Result<()> {
    let per = |bytes: u64| bytes as f64 / s.articles.max(1) as f64;
    writeln!(out, "index       {path}")?;
    let range = match (&s.first_day, &s.last_day) {
        (Some(a), Some(b)) => format!(" dated {a} to {b}"),
        _ => String::new(),
    };
    writeln!(out, "articles    {}{range}", s.articles)?;
    writeln!(out, "segments    {}", s.segments)?;
    writeln!(out, "events      {}", s.events)?;
    writeln!(
        out,
        "file        {} bytes, {:.0} per article",
        s.file_bytes,
        per(s.file_bytes)
    )?;
    for (part, bytes) in &s.parts {
        writeln!(
            out,
            "  {part:<15} {bytes:>12} bytes, {:>6.0} per article",
            per(*bytes)
        )?;
    }
    let p = &s.params;
    let events = match &p.events {
        None => "events off".to_string(),
        Some(e) => format!(
            "events: --event-threshold {} --event-weights {},{},{}",
            e.threshold, e.weights[0], e.weights[1], e.weights[2]
        ),
    };
    writeln!(
        out,
        "settings    --ngram {} --num-perm {} --seed {} --threshold {} --containment {} \
         --bands {} --rows {}, cleaning {}, {events}; tokenizer {}, cleaner {}",
        p.ngram,
        p.num_perm,
        p.seed,
        p.threshold,
        p.containment,
        p.bands,
        p.rows,
        if p.clean { "on" } else { "off" },
        p.tokenizer,
        p.cleaner
    )
}

fn expire(args: &ExpireArgs) -> Result<Exit> {
    let path = args.path.index.as_str();
    let Some(day) = dates::parse(&args.before) else {
        bail!(
            "--before: '{}' is not a date (example: 2024-01-01)",
            args.before
        );
    };
    let mut index = open_existing_for_writing(path)?;
    let removed = index.expire(day).map_err(|e| index_error(path, e))?;
    eprintln!(
        "dedup: removed {removed} articles dated before {} from {path}",
        args.before
    );
    Ok(Exit::Success)
}

fn compact(args: &IndexPath) -> Result<Exit> {
    let path = args.index.as_str();
    let before = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut index = open_existing_for_writing(path)?;
    index.compact().map_err(|e| index_error(path, e))?;
    drop(index);
    let after = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    eprintln!("dedup: compacted {path}: {before} → {after} bytes");
    Ok(Exit::Success)
}

/// Opens an index that must exist, for expire or compact, with its own settings.
fn open_existing_for_writing(path: &str) -> Result<Index> {
    let stored = Index::open(Path::new(path))
        .map_err(|e| index_error(path, e))?
        .params()
        .clone();
    Index::open_for_writing(Path::new(path), &stored, &|_| false).map_err(|e| index_error(path, e))
}

/// `dedup explain --index PATH NEW STORED`: a new article against a stored one.
pub fn run_explain(args: &ExplainArgs, path: &str, matches: &ArgMatches) -> Result<Exit> {
    let index = Index::open(Path::new(path)).map_err(|e| index_error(path, e))?;
    let asked = IndexParams::from_pipeline(&args.cluster.config().validate()?);
    if let Some(m) = index.params().mismatch(&asked, &given(matches)) {
        return Err(index_error(path, IndexError::Mismatch(m)));
    }
    let inputs = if args.inputs.is_empty() {
        vec![args.a.clone()]
    } else {
        args.inputs.clone()
    };
    let corpus = dedup::read::read_inputs(&inputs, &args.input.read_options());
    for problem in corpus.warnings.iter().chain(&corpus.errors) {
        eprintln!("dedup: {problem}");
    }
    let prepared = index::prepare(&corpus.articles, index.params())?;
    let new = prepared
        .iter()
        .find(|p| p.id.as_str() == args.a)
        .with_context(|| format!("{}: no such article among the inputs", args.a))?;
    let (stored, text) = index.stored(&args.b).map_err(|e| index_error(path, e))?;
    let near = explain::near_duplicate(&new.text, &text, &index.params().neardup());
    let mut out = crate::stdout();
    match args.format {
        EvalFormat::Json => {
            let value = serde_json::json!({
                "schema": explain::SCHEMA,
                "a": args.a,
                "b": args.b,
                "index": path,
                "near_duplicate": near,
                "b_event": stored.event.map(index::shown_event),
            });
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        EvalFormat::Text => {
            crate::write_near_duplicate(&mut out, &args.a, &args.b, &near)?;
            if let Some(event) = stored.event.map(index::shown_event) {
                writeln!(out, "B is stored in event {event}")?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}
