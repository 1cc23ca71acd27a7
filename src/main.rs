//! The `dedup` binary: parse the command line, run the pipeline, print, exit.

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches};

use dedup::clean::Removed;
mod cli;

use cli::{
    CleanArgs, CleanFormat, Cli, ClusterArgs, ColorWhen, Command, EvalArgs, EvalFormat,
    ExplainArgs, InputArgs, JoinArgs, MergeArgs, ReportFormat, RunArgs, ShardBy, SharedArgs,
    SketchArgs,
};
use dedup::article::Article;
use dedup::config::Pipeline;
use dedup::events;
use dedup::events::explain::{Explanation, Shared};
use dedup::exit::Exit;
use dedup::id::Id;
use dedup::progress::{format_timings, Progress};
use dedup::read::Corpus;
use dedup::report::Reporter;
use dedup::shard::{self, format::SketchParams, sketches::Sketches, ShardKey};
use dedup::show::printable;
use dedup::unique::{Kept, Target};
use dedup::{clean, eval, explain, read, report};

mod cmd_index;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The matches are kept: the index commands need to know which flags
    // were given, not only their values.
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return clap_error(err),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return clap_error(err),
    };
    if cli.command.is_none() {
        if let Some(exit) = mistyped_subcommand(&cli.run.inputs) {
            return exit;
        }
    }
    let shared = &cli.shared;
    let sub = |name: &str| matches.subcommand_matches(name).unwrap_or(&matches);
    let result = match &cli.command {
        None => run(&cli.run, shared),
        Some(Command::Clean(args)) => run_clean(args, shared),
        Some(Command::Eval(args)) => run_eval(args, shared),
        Some(Command::Explain(args)) => match &args.index {
            Some(index) => cmd_index::run_explain(args, index, sub("explain")),
            None => run_explain(args, shared),
        },
        Some(Command::Index(args)) => cmd_index::run_index(args, sub("index")),
        Some(Command::Query(args)) => cmd_index::run_query(args, sub("query")),
        Some(Command::Sketch(args)) => run_sketch(args, shared),
        Some(Command::Join(args)) => run_join(args),
        Some(Command::Merge(args)) => run_merge(args, shared),
        Some(Command::Man { subcommand }) => print_man(subcommand),
        Some(Command::Completions { shell }) => {
            // Made whole first: `generate` panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "dedup", &mut script);
            io::stdout()
                .write_all(&script)
                .map(|()| Exit::Success)
                .map_err(Into::into)
        }
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

/// A first input that is no file but nearly a subcommand's name (`dedup
/// expalin a b`) is a typo, not a corpus: say so and stop (exit 2) rather
/// than report every argument missing.
fn mistyped_subcommand(inputs: &[String]) -> Option<ExitCode> {
    let first = inputs.first()?;
    if first == "-" || Path::new(first).exists() {
        return None;
    }
    let command = Cli::command();
    let name = command
        .get_subcommands()
        .map(clap::Command::get_name)
        // A third of the name: `expalin`, `idnex`, `mna`; never `a` for `man`.
        .find(|name| strsim::osa_distance(first, name) <= (name.len() / 3).max(1))?;
    eprintln!(
        "dedup: {first}: no such file or directory, and no such subcommand; \
         did you mean `dedup {name}`?"
    );
    Some(Exit::Error.into())
}

/// clap's own errors read like ours: `dedup: …` on stderr, exit code 2.
/// Help and version are not errors: clap prints them as usual.
fn clap_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        err.exit();
    }
    let text = err.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    eprint!("dedup: {text}");
    Exit::Error.into()
}

/// The main job: read, cluster, report.
fn run(args: &RunArgs, shared: &SharedArgs) -> Result<Exit> {
    let pipeline = pipeline(&args.cluster)?;
    let unique = args
        .write_unique
        .as_deref()
        .map(|path| Target::new(path, &args.inputs))
        .transpose()?;
    let progress = progress(shared);
    let inputs = read::Inputs::new(&args.inputs);
    let read_options = args.input.read_options();
    let outcome = with_bars(&progress, shared, || {
        dedup::run(
            &inputs,
            &read_options,
            &pipeline,
            args.write_cleaned,
            &progress,
        )
    });
    let corpus = &outcome.problems;
    report_problems(corpus);
    let clustering = match &outcome.clustering {
        Ok(clustering) => clustering,
        Err(e) => anyhow::bail!("{e}"),
    };
    progress.start("report", 0);
    let layout = report::Layout::new(report_inputs(corpus, clustering, &pipeline));
    print_report(&layout, args.format, shared)?;
    progress.finish();
    if let Some(target) = unique {
        progress.start("write-unique", 0);
        // The kept articles, read once more, with the titles the report gave
        // them and, with --write-cleaned, the texts pass 2 cleaned. Articles
        // are matched to their records by id.
        let records = &clustering.records;
        let index_of: HashMap<&Id, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.id, i))
            .collect();
        let cleaned = outcome.cleaned.as_ref();
        // Each kept article is written as this pass reads it: memory holds
        // a batch, never the unique corpus. A JSONL target copies the lines
        // as they were read.
        let mut writer = target.writer(&read_options.fields)?;
        let mut failed = None;
        let rereadable = read::ReadOptions {
            keep_lines: matches!(target, Target::Jsonl(_)),
            ..read_options.clone()
        };
        read::read_batches(&inputs, &rereadable, &mut |batch| {
            for article in batch {
                let kept = index_of.get(&article.id).filter(|&&i| layout.is_kept(i));
                let Some(&i) = kept.filter(|_| failed.is_none()) else {
                    continue;
                };
                let written = cleaned
                    .map(|c| c.get(i))
                    .transpose()
                    .map_err(anyhow::Error::from)
                    .and_then(|text| {
                        let title = records[i].title.clone();
                        let article = Article { title, ..article };
                        writer.add(&Kept {
                            article: &article,
                            cleaned: text.as_deref(),
                        })
                    });
                if let Err(e) = written {
                    failed = Some(e);
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        let written = writer.finish()?;
        progress.finish();
        if !shared.quiet {
            eprintln!(
                "dedup: wrote {written} unique articles to {}",
                target.path().display()
            );
        }
    }
    print_timings(&progress, shared);
    let found = (args.fail_on_duplicates && !clustering.groups.is_empty())
        || (args.fail_on_events && clustering.events.iter().any(|e| e.members.len() > 1));
    Ok(Exit::of(!corpus.errors.is_empty(), found))
}

/// What the `dedup/1` report of a clustering made with `pipeline` is built from.
fn report_inputs<'a>(
    corpus: &'a Corpus,
    clustering: &'a dedup::Clustering,
    pipeline: &'a Pipeline,
) -> report::Inputs<'a> {
    report::Inputs {
        records: &clustering.records,
        groups: &clustering.groups,
        kept_apart: &clustering.kept_apart,
        events: &clustering.events,
        errors: &corpus.errors,
        neardup: &pipeline.neardup,
        event_threshold: pipeline.events.as_ref().map(|e| e.threshold),
        event_weights: event_weights(pipeline),
        keep: pipeline.keep,
    }
}

/// Prints the report laid out in `layout` on stdout in `format`, as it is
/// produced, and its summary line on stderr unless `--quiet`.
fn print_report(layout: &report::Layout, format: ReportFormat, shared: &SharedArgs) -> Result<()> {
    let reporter: Box<dyn Reporter> = match format {
        ReportFormat::Text => Box::new(report::text::Text {
            color: use_color(shared.color),
            width: text_width(),
        }),
        ReportFormat::Json => Box::new(report::json::Json),
        ReportFormat::Jsonl => Box::new(report::jsonl::Jsonl),
        ReportFormat::Csv => Box::new(report::csv::Csv),
    };
    let mut out = stdout();
    reporter.write(layout, &mut out)?;
    out.flush()?;
    if !shared.quiet {
        eprintln!("dedup: {}", layout.summary_line());
    }
    Ok(())
}

/// Standard output for a command's answer, buffered: a locked stdout alone
/// flushes at every newline, so a report was a write call a line (the
/// pretty JSON report of the 100k kit corpus took 1.8 s, most of it in
/// those calls). Every caller flushes at its end, where an error shows.
pub(crate) fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(1 << 16, io::stdout().lock())
}

/// The width of the terminal stdout is, else 80 columns (a pipe, a file).
/// A very narrow terminal still gets 40, where a line says something.
fn text_width() -> usize {
    let stdout = io::stdout();
    if !stdout.is_terminal() {
        return report::text::WIDTH;
    }
    terminal_size::terminal_size_of(&stdout).map_or(report::text::WIDTH, |(width, _)| {
        usize::from(width.0).max(40)
    })
}

/// `dedup sketch`: one shard's records, written to its sketch file.
fn run_sketch(args: &SketchArgs, shared: &SharedArgs) -> Result<Exit> {
    let pipeline = pipeline(&args.cluster)?;
    let progress = progress(shared);
    let key = args.shard_by.map(|by| match by {
        ShardBy::Source => ShardKey::Source,
        ShardBy::Id => ShardKey::Id,
    });
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create the directory", args.out.display()))?;
    let path = args.shard.path(&args.out);
    let inputs = read::Inputs::new(&args.inputs);
    let options = args.input.read_options();
    let sketched = with_bars(&progress, shared, || {
        let sketched = shard::sketch::sketch(
            &inputs,
            &options,
            (args.shard, key),
            &pipeline,
            &path,
            &progress,
        );
        progress.finish();
        sketched
    })?;
    report_problems(&sketched.problems);
    print_timings(&progress, shared);
    if !shared.quiet {
        // A few sources, by source, leave some shards empty: say how to
        // spread them.
        let hint =
            if sketched.records == 0 && sketched.articles > 0 && sketched.key == ShardKey::Source {
                " (every article's source falls in another shard; --shard-by id spreads them)"
            } else {
                ""
            };
        eprintln!(
            "dedup: shard {} holds {} of {} articles: {}{hint}",
            args.shard,
            sketched.records,
            sketched.articles,
            path.display()
        );
    }
    Ok(Exit::of(!sketched.problems.errors.is_empty(), false))
}

/// `dedup join`: candidate pairs of the sketches, on this machine.
fn run_join(args: &JoinArgs) -> Result<Exit> {
    let pipeline = pipeline(&args.cluster)?;
    let params = SketchParams::new(pipeline.clean, &pipeline.neardup);
    let sketches = Sketches::open(&args.sketches, &params)?;
    let pairs = shard::join::candidates(&sketches, &pipeline.neardup)?;
    let mut text = String::with_capacity(pairs.len() * 12);
    for (a, b) in &pairs {
        text.push_str(&format!("{a} {b}\n"));
    }
    std::fs::write(&args.out, text)
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    Ok(Exit::Success)
}

/// `dedup merge`: verify candidate pairs against the sketches and report.
fn run_merge(args: &MergeArgs, shared: &SharedArgs) -> Result<Exit> {
    let pipeline = pipeline(&args.cluster)?;
    let params = SketchParams::new(pipeline.clean, &pipeline.neardup);
    let sketches = Sketches::open(&args.sketches, &params)?;
    let candidates = shard::merge::read_candidates(&args.candidates, sketches.articles())?;
    let merged = shard::merge::merge(&sketches, &candidates, &pipeline)?;
    for error in &merged.errors {
        eprintln!("dedup: {}: {}", error.input, error.message);
    }
    let clustering = &merged.clustering;
    let layout = report::Layout::new(report::Inputs {
        records: &clustering.records,
        groups: &clustering.groups,
        kept_apart: &clustering.kept_apart,
        events: &clustering.events,
        errors: &[],
        neardup: &pipeline.neardup,
        event_threshold: pipeline.events.as_ref().map(|e| e.threshold),
        event_weights: event_weights(&pipeline),
        keep: pipeline.keep,
    })
    // The read's errors, as the sketches recorded them.
    .with_errors(
        merged
            .errors
            .iter()
            .map(|e| report::ErrorEntry {
                input: e.input.clone(),
                message: e.message.clone(),
            })
            .collect(),
    );
    print_report(&layout, args.format, shared)?;
    let found = args.fail_on_duplicates && !clustering.groups.is_empty();
    Ok(Exit::of(!merged.errors.is_empty(), found))
}

/// One line of `dedup clean --format jsonl`, fields in this order.
#[derive(serde::Serialize)]
struct CleanedLine<'a> {
    id: &'a Id,
    text: &'a str,
    removed: &'a [clean::Removed],
}

/// `dedup clean`: the cleaner's work, article by article.
fn run_clean(args: &CleanArgs, shared: &SharedArgs) -> Result<Exit> {
    let progress = progress(shared);
    let (corpus, cleaned) = with_bars(&progress, shared, || {
        let corpus = read_stage(&args.inputs, &args.input, &progress);
        progress.start("clean", corpus.articles.len());
        let cleaned = clean::clean_corpus(&corpus.articles);
        progress.finish();
        (corpus, cleaned)
    });
    report_problems(&corpus);
    let cleaned = cleaned?;
    let mut out = stdout();
    if args.format == CleanFormat::Json {
        let articles: Vec<CleanedLine> = corpus
            .articles
            .iter()
            .zip(&cleaned)
            .map(|(article, cleaned)| CleanedLine {
                id: &article.id,
                text: &cleaned.text,
                removed: &cleaned.removed,
            })
            .collect();
        let document = serde_json::json!({"schema": clean::SCHEMA, "articles": articles});
        serde_json::to_writer_pretty(&mut out, &document)?;
        writeln!(out)?;
    }
    for (article, cleaned) in corpus.articles.iter().zip(&cleaned) {
        match args.format {
            CleanFormat::Json => break,
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
                writeln!(out, "==> {} <==", printable(&article.id))?;
                let mut removed = cleaned.removed.iter().peekable();
                for (n, line) in article.text.lines().enumerate() {
                    match removed.next_if(|r| r.line == n + 1) {
                        Some(Removed {
                            rule, why: None, ..
                        }) => writeln!(out, "- [{rule}] {line}")?,
                        Some(Removed {
                            rule,
                            why: Some(why),
                            ..
                        }) => writeln!(out, "- [{rule}: {why}] {line}")?,
                        None if line.trim().is_empty() => writeln!(out)?,
                        None => writeln!(out, "  {line}")?,
                    }
                }
                writeln!(out)?;
            }
            CleanFormat::Text => {
                writeln!(out, "==> {} <==", printable(&article.id))?;
                writeln!(out, "{}", cleaned.text.trim_end())?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    print_timings(&progress, shared);
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}

/// The effective parameters, as the JSON documents echo them.
fn report_params(pipeline: &Pipeline) -> report::Params {
    report::Params::new(
        &pipeline.neardup,
        pipeline.events.as_ref().map(|e| e.threshold),
        event_weights(pipeline),
    )
}

fn event_weights(pipeline: &Pipeline) -> Option<[f64; 3]> {
    pipeline
        .events
        .as_ref()
        .map(|e| [e.weights.terms, e.weights.names, e.weights.anchors])
}

/// `dedup eval`: cluster, then score against gold labels.
fn run_eval(args: &EvalArgs, shared: &SharedArgs) -> Result<Exit> {
    let pipeline = pipeline(&args.cluster)?;
    let gold = eval::Gold::load(&args.gold).with_context(|| args.gold.clone())?;
    if !args.sweep.is_empty() {
        return run_sweep(args, &gold, shared);
    }
    let progress = progress(shared);
    let (corpus, clustering) = with_bars(&progress, shared, || {
        let corpus = read_stage(&args.inputs, &args.input, &progress);
        let clustering = dedup::cluster(&corpus.articles, &pipeline, &progress);
        (corpus, clustering)
    });
    report_problems(&corpus);
    let scores = eval::evaluate(&gold, &clustering?)?;
    let mut out = stdout();
    match args.format {
        EvalFormat::Text => eval::write_text(&scores, &mut out)?,
        EvalFormat::Json => {
            let params = report_params(&pipeline);
            serde_json::to_writer_pretty(&mut out, &eval::Document::new(&params, &scores))?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    print_timings(&progress, shared);
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}

/// `dedup eval --sweep`: the corpus read once, clustered and scored at each
/// setting of the swept parameters.
fn run_sweep(args: &EvalArgs, gold: &eval::Gold, shared: &SharedArgs) -> Result<Exit> {
    let base = args.cluster.config();
    let settings = eval::settings(&args.sweep).map_err(|e| anyhow::anyhow!(e))?;
    if !base.events {
        if let Some(s) = args.sweep.iter().find(|s| s.parameter.is_event()) {
            anyhow::bail!(
                "--sweep {} has no effect with --no-events",
                s.parameter.name()
            );
        }
    }
    let pipelines = settings
        .into_iter()
        .map(|setting| {
            let pipeline = eval::apply(&base, &setting).validate()?;
            Ok((setting, pipeline))
        })
        .collect::<Result<Vec<_>>>()?;
    let progress = progress(shared);
    let corpus = with_bars(&progress, shared, || {
        read_stage(&args.inputs, &args.input, &progress)
    });
    report_problems(&corpus);
    let mut out = stdout();
    let mut rows = Vec::new();
    for (setting, pipeline) in pipelines {
        let clustering = with_bars(&progress, shared, || {
            dedup::cluster(&corpus.articles, &pipeline, &progress)
        })?;
        let scores = eval::evaluate(gold, &clustering)?;
        if args.format == EvalFormat::Json {
            // A line as soon as its setting is scored.
            let params = report_params(&pipeline);
            let document = eval::Document::swept(&params, &scores, &setting);
            serde_json::to_writer(&mut out, &document)?;
            writeln!(out)?;
            out.flush()?;
        }
        rows.push((setting, scores));
    }
    if args.format == EvalFormat::Text {
        eval::write_sweep_text(&rows, &mut out)?;
    }
    out.flush()?;
    print_timings(&progress, shared);
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}

/// `dedup explain A B`: the evidence for (or against) one pair.
fn run_explain(args: &ExplainArgs, shared: &SharedArgs) -> Result<Exit> {
    let pipeline = pipeline(&args.cluster)?;
    let inputs = if args.inputs.is_empty() {
        vec![args.a.clone(), args.b.clone()]
    } else {
        args.inputs.clone()
    };
    let progress = progress(shared);
    let corpus = with_bars(&progress, shared, || {
        let corpus = read_stage(&inputs, &args.input, &progress);
        progress.finish();
        corpus
    });
    report_problems(&corpus);
    let find = |id: &str| {
        corpus
            .articles
            .iter()
            .position(|a| a.id == id)
            .with_context(|| format!("{id}: no such article among the inputs"))
    };
    let (a, b) = (find(&args.a)?, find(&args.b)?);
    let cleaned = match pipeline.clean {
        true => Some(clean::clean_corpus(&corpus.articles)?),
        false => None,
    };
    let texts: Vec<&str> = match &cleaned {
        Some(cleaned) => cleaned.iter().map(|c| c.text.as_str()).collect(),
        None => corpus.articles.iter().map(|a| a.text.as_str()).collect(),
    };
    let compared = dedup::compared(cleaned.as_deref(), &texts);
    let near = explain::near_duplicate(compared[a], compared[b], &pipeline.neardup);
    let event = pipeline.events.as_ref().map(|params| {
        let titles = dedup::titles(&corpus.articles, &texts, cleaned.as_deref());
        let docs = dedup::event_docs(&corpus.articles, &texts, &titles);
        (
            events::explain::explain(&docs, a, b, params),
            params.threshold,
        )
    });
    let mut out = stdout();
    match args.format {
        EvalFormat::Json => {
            let value = serde_json::json!({
                "schema": explain::SCHEMA,
                "params": report_params(&pipeline),
                "a": args.a,
                "b": args.b,
                "near_duplicate": near,
                "event": event.as_ref().map(|e| &e.0),
            });
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        EvalFormat::Text => {
            write_near_duplicate(&mut out, &args.a, &args.b, &near)?;
            if let Some((e, threshold)) = &event {
                write_event_explanation(&mut out, e, *threshold)?;
            }
        }
    }
    out.flush()?;
    print_timings(&progress, shared);
    Ok(Exit::of(!corpus.errors.is_empty(), false))
}

/// The near-duplicate evidence of one pair, for `dedup explain`.
fn write_near_duplicate(
    out: &mut dyn Write,
    a: &str,
    b: &str,
    near: &explain::NearDuplicate,
) -> io::Result<()> {
    let (a, b) = (printable(a), printable(b));
    writeln!(out, "A  {a}  ({} shingles)", near.shingles_a)?;
    writeln!(out, "B  {b}  ({} shingles)", near.shingles_b)?;
    writeln!(
        out,
        "near-duplicates: {}  (Jaccard {:.2}, containment {:.2}, {} shingles shared)",
        if near.is_near_duplicate { "yes" } else { "no" },
        near.jaccard,
        near.containment,
        near.shared
    )?;
    if !near.passages.is_empty() {
        writeln!(out, "shared passages, longest first:")?;
    }
    for passage in &near.passages {
        let text = format!("({} words) {}", passage.words, quote(&passage.text, 300));
        for line in wrap(&text, 76) {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// The event channels of one pair, for `dedup explain`.
fn write_event_explanation(out: &mut dyn Write, e: &Explanation, threshold: f64) -> io::Result<()> {
    let b = &e.breakdown;
    writeln!(
        out,
        "event pair score: {:.3}  (an article joins an event at ≥ {threshold})",
        b.total
    )?;
    // The weights each counted channel scores with: what an uncounted one
    // would have had is shared out among them.
    let counted = [b.same_language, b.names_counted, b.anchors_counted];
    let weights = e.weights.counted(counted);
    let channels = [
        (
            "terms  ",
            b.terms,
            format!("{} vs {}", e.language_a, e.language_b),
        ),
        ("names  ", b.names, "neither names anyone".into()),
        ("anchors", b.anchors, "neither has a number or date".into()),
    ];
    for ((name, value, why), (counts, weight)) in
        channels.into_iter().zip(counted.into_iter().zip(weights))
    {
        if counts {
            writeln!(out, "  {name} {value:.3} × {weight:.3}")?;
        } else {
            writeln!(out, "  {name} not counted ({why})")?;
        }
    }
    let date = |d: &Option<String>| {
        d.as_deref()
            .map_or("undated".into(), |d| printable(d).into_owned())
    };
    let neutral = if e.date_a.is_none() || e.date_b.is_none() {
        ", neutral: a date is unknown"
    } else {
        ""
    };
    writeln!(
        out,
        "  time    {:.3}  ({} / {}{neutral})",
        b.time,
        date(&e.date_a),
        date(&e.date_b)
    )?;
    let keys = |shared: &[Shared]| {
        shared
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (label, list) in [
        ("shared terms", keys(&e.shared_terms)),
        ("shared names", keys(&e.shared_names)),
        ("shared anchors", e.shared_anchors.join(", ")),
    ] {
        if !list.is_empty() {
            for (i, line) in wrap(&format!("{label}: {list}"), 76).iter().enumerate() {
                writeln!(out, "{}{line}", if i == 0 { "  " } else { "      " })?;
            }
        }
    }
    Ok(())
}

/// `text` in quotes, cut to `max` characters.
fn quote(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        format!("\"{text}\"")
    } else {
        format!("\"{}…\"", text.chars().take(max).collect::<String>())
    }
}

/// Words of `text` in lines of at most `width` characters, control
/// characters escaped.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let word = &*printable(word);
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// Bars appear only once a run has taken this long: a quick run draws none.
const BARS_AFTER: Duration = Duration::from_millis(500);
/// How often a bar is redrawn.
const FRAME: Duration = Duration::from_millis(100);

/// When bars start and how often they are redrawn: [`BARS_AFTER`] and
/// [`FRAME`], unless `DEDUP_BAR_FRAME_MS` asks for frames from the start
/// every so many milliseconds. That is the test suite's: on a fast machine
/// every stage of a known size ends within the first half second, and a
/// test that waits for a bar mid-stage must not depend on the machine's
/// speed.
fn bar_timing() -> (Duration, Duration) {
    std::env::var("DEDUP_BAR_FRAME_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        // At least a millisecond: 0 would redraw without pause.
        .map_or((BARS_AFTER, FRAME), |ms| {
            (Duration::ZERO, Duration::from_millis(ms.max(1)))
        })
}

/// The validated settings of a clustering command; the thread count takes
/// effect here, for the whole run.
fn pipeline(args: &ClusterArgs) -> Result<Pipeline> {
    let pipeline = args.config().validate()?;
    if let Some(threads) = pipeline.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("starting the worker threads")?;
    }
    Ok(pipeline)
}

/// Runs `work`, drawing a progress bar on stderr meanwhile when stderr is a
/// terminal and `--quiet` is not given.
fn with_bars<T>(progress: &Progress, shared: &SharedArgs, work: impl FnOnce() -> T) -> T {
    if shared.quiet || !io::stderr().is_terminal() {
        return work();
    }
    let done = AtomicBool::new(false);
    let started = Instant::now();
    let (after, frame) = bar_timing();
    std::thread::scope(|scope| {
        let drawer = scope.spawn(|| {
            let mut drawn = false;
            loop {
                std::thread::park_timeout(frame);
                if done.load(Ordering::Relaxed) {
                    break;
                }
                if started.elapsed() < after {
                    continue;
                }
                if let Some(snapshot) = progress.snapshot() {
                    eprint!("\r\x1b[2K{}", dedup::progress::bar(&snapshot, 79));
                    drawn = true;
                }
            }
            if drawn {
                eprint!("\r\x1b[2K");
            }
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        drawer.thread().unpark();
        result
    })
}

/// The read stage: the inputs as articles (problems are reported later,
/// once no bar is drawn over them).
fn read_stage(inputs: &[String], args: &InputArgs, progress: &Progress) -> Corpus<'static> {
    progress.start("read", 0);
    read::read_inputs(inputs, &args.read_options())
}

/// A command's progress; with `--timings`, its stages measure their peak
/// memory too.
fn progress(shared: &SharedArgs) -> Progress {
    if shared.timings {
        Progress::measuring_memory()
    } else {
        Progress::default()
    }
}

fn print_timings(progress: &Progress, shared: &SharedArgs) {
    if shared.timings {
        eprintln!("dedup: timings: {}", format_timings(&progress.timings()));
    }
}

/// `dedup man`: the manual page, generated from the same definition as `--help`.
/// The manual page of dedup, or of the subcommand at `path` (`index add`) as
/// dedup-index-add(1), the name its parent's list of subcommands refers to.
fn print_man(path: &[String]) -> Result<Exit> {
    // Built first, so that the global flags (--color, --quiet, --timings)
    // reach every subcommand's page as they reach its --help.
    let mut page = Cli::command();
    page.build();
    let mut names = vec!["dedup".to_string()];
    for name in path {
        let Some(sub) = page.find_subcommand(name).filter(|_| name != "help") else {
            let pages: Vec<&str> = page
                .get_subcommands()
                .map(clap::Command::get_name)
                .filter(|n| *n != "help")
                .collect();
            let what = match names.len() {
                1 => String::new(),
                _ => format!(" of '{}'", names[1..].join(" ")),
            };
            eprintln!(
                "dedup: man: no subcommand '{name}'{what}; pages: {}",
                pages.join(", ")
            );
            return Ok(Exit::Error);
        };
        page = sub.clone();
        names.push(name.clone());
    }
    // Each page is named as the pages that list it name it
    // (dedup-index-add(1)), carries the version in its footer, and lists no
    // `help` subcommand (it has no page: --help is on every page).
    let title = names.join("-");
    let mut page = page
        .display_name(&title)
        .bin_name(names.join(" "))
        .version(env!("CARGO_PKG_VERSION"));
    if page.find_subcommand("help").is_some() {
        page = page.mut_subcommand("help", |help| help.hide(true));
    }
    let mut out = stdout();
    clap_mangen::Man::new(page)
        .title(title)
        .source(format!("dedup {}", env!("CARGO_PKG_VERSION")))
        .render(&mut out)?;
    out.flush()?;
    Ok(Exit::Success)
}

/// Warnings and errors on stderr, in input order, control characters escaped.
pub(crate) fn report_problems(corpus: &Corpus) {
    for problem in corpus.problems() {
        eprintln!("dedup: {}", printable(&problem.to_string()));
    }
}

fn use_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        // NO_COLOR counts only when set and not empty (https://no-color.org).
        ColorWhen::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Whether writing failed because the reader went away (`dedup … | head`).
/// serde_json and csv wrap the `io::Error` without naming it as their
/// source, so each is asked for its own.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let kind = if let Some(e) = e.downcast_ref::<io::Error>() {
            Some(e.kind())
        } else if let Some(e) = e.downcast_ref::<serde_json::Error>() {
            e.io_error_kind()
        } else if let Some(csv::ErrorKind::Io(e)) =
            e.downcast_ref::<csv::Error>().map(csv::Error::kind)
        {
            Some(e.kind())
        } else {
            None
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}
