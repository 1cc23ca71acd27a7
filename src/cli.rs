//! The command line as clap sees it, part of the binary only: the library
//! knows nothing of clap. Parsing lives here, and the conversion of the
//! parsed values into the library's plain [`Config`] and [`ReadOptions`],
//! which `Config::validate` then checks.

use clap::{Args, Parser, Subcommand, ValueEnum};

use dedup::config::Config;
use dedup::read::{Fields, ReadOptions};
use dedup::report::Keep;

const AFTER_HELP: &str = "\
Examples:
  dedup fixtures/*.txt                          cluster a folder's articles, for people
  dedup --format json corpus.jsonl > out.json   the dedup/1 report, for programs
  dedup --text-field body --id-field url -      JSONL on stdin with other field names
  dedup --threshold 0.8 --no-events articles/   near-verbatim copies only
  dedup --fail-on-duplicates articles/          exit 1 when a copy exists (CI)
  dedup --write-unique unique/ articles/        keep one article per group
  dedup explain a.txt b.txt                     why two articles match
  dedup clean --explain page.txt                what the cleaner removes, by rule
  dedup eval --gold gold.jsonl corpus.jsonl     BCubed, pairwise and ARI scores

Exit codes:
  0  success
  1  a check flag (--fail-on-duplicates, --fail-on-events) was given and found
     what it checks for
  2  an error: a bad flag, or an input that could not be read (reported on
     stderr as 'dedup: <input>: <problem>' after the other inputs were processed)

JSON output follows the versioned schema \"dedup/1\" described in the README.";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  dedup explain a.txt b.txt                        two article files
  dedup explain --in corpus.jsonl id-17 id-42      two ids of a JSONL corpus";

const INDEX_EXAMPLES: &str = "\
Examples:
  dedup index add --index news.idx today.jsonl     add a day's articles
  dedup index stats --index news.idx               its counts, size and dates";

/// Find duplicate and same-story news articles in a corpus.
///
/// Reads plain-text articles (files, directories, JSONL corpora or '-' for JSONL
/// on stdin), removes scraped boilerplate, finds near-duplicates (syndicated
/// copies, light rewrites) with MinHash and LSH, and groups articles that report
/// the same event. Near-duplicate groups nest inside event clusters.
#[derive(Debug, Parser)]
#[command(
    name = "dedup",
    version,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub run: RunArgs,

    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Flags every command takes (after the command's name).
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct SharedArgs {
    /// Colour in the text report: 'auto' when stdout is a terminal and NO_COLOR is unset or
    /// empty.
    ///
    /// Example: --color always | less -R
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorWhen::Auto,
        value_name = "WHEN"
    )]
    pub color: ColorWhen,

    /// Print no progress bars and no summary line on stderr (bars are only ever drawn when
    /// stderr is a terminal).
    ///
    /// Example: --quiet --format jsonl corpus.jsonl > out.jsonl
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print how long each stage took and its peak memory, on stderr.
    ///
    /// The peak is the most resident memory the process was seen to hold during the stage,
    /// sampled every 5 ms (Linux only).
    ///
    /// Example: --timings corpus.jsonl
    #[arg(long, global = true)]
    pub timings: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print each article's cleaned text and what the cleaner removed, by rule.
    Clean(CleanArgs),
    /// Score the clustering against gold labels (BCubed, pairwise, ARI).
    Eval(EvalArgs),
    /// Explain why two articles match: similarity, shared passages, event channel scores.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Keep articles in a persistent index: add a day's articles, see its counts, expire,
    /// compact.
    #[command(after_help = INDEX_EXAMPLES)]
    Index(IndexArgs),
    /// Compare articles with a persistent index, adding nothing: what each copies, which
    /// stored story it joins.
    ///
    /// Example: dedup query --index news.idx --format jsonl today.jsonl
    Query(QueryArgs),
    /// Analyse one shard of a corpus into a sketch file, for a join elsewhere and `dedup merge`.
    ///
    /// Every shard reads all the inputs and keeps the articles whose source (the cleaner's
    /// evidence source), or id (see --shard-by), hashes into it. Give sketch, join and merge the
    /// same matching flags.
    ///
    /// Example: dedup sketch --shard 3/8 --out sketches/ corpus.jsonl
    Sketch(SketchArgs),
    /// Find candidate pairs in sketch files on this machine (the Spark job does it on a cluster).
    ///
    /// Example: dedup join --sketches sketches/ --out candidates.txt
    Join(JoinArgs),
    /// Verify candidate pairs against the sketches and report, as one `dedup` run would.
    ///
    /// Example: dedup merge --sketches sketches/ --candidates candidates.txt --format json
    Merge(MergeArgs),
    /// Print the manual page (roff), for `man -l -` or a man directory.
    ///
    /// Example: dedup man | man -l -   (dedup man index add: the page of `dedup index add`)
    Man {
        /// The subcommand whose page to print, nested ones word by word (`index add`:
        /// dedup-index-add(1)).
        subcommand: Vec<String>,
    },
    /// Print a shell completion script.
    ///
    /// Example: dedup completions bash > /etc/bash_completion.d/dedup
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The main job: cluster the corpus.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Articles to read: files, directories, .jsonl/.ndjson corpora, or '-' for JSONL on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Output format: 'text' for people, 'json' for one dedup/1 document, 'jsonl' for one
    /// line per article ({"id","cluster","group","duplicate_of"}), 'csv' for a table of one
    /// row per article (id, cluster, group, kept, duplicate_of, title, source, date).
    ///
    /// Example: --format json > report.json
    #[arg(long, value_enum, default_value_t = ReportFormat::Text, help_heading = "Output")]
    pub format: ReportFormat,

    /// Exit with code 1 when any near-duplicate group is found (for CI).
    ///
    /// Example: --fail-on-duplicates articles/ (exit 1 if any copy exists)
    #[arg(long, help_heading = "Checks")]
    pub fail_on_duplicates: bool,

    /// Exit with code 1 when any event cluster holds more than one article (for CI).
    ///
    /// Example: --fail-on-events articles/
    #[arg(long, help_heading = "Checks")]
    pub fail_on_events: bool,

    /// Write the corpus without its duplicates: one article per near-duplicate group (the
    /// one --keep picks) and every article without a copy. A path ending in .jsonl gets one
    /// JSONL file (each kept input line exactly as read); any other path a directory of .txt
    /// files named after the ids, with index.jsonl mapping each id to its file, which must
    /// be new or empty. Written atomically; never over or inside an input (stdin included).
    ///
    /// Example: --write-unique unique/ or --write-unique unique.jsonl
    #[arg(long, value_name = "DIR|FILE.jsonl", help_heading = "Output")]
    pub write_unique: Option<String>,

    /// With --write-unique: write each article's cleaned text (boilerplate removed) instead
    /// of the text as read. In a .jsonl file only the text field changes.
    ///
    /// Example: --write-unique clean.jsonl --write-cleaned corpus.jsonl
    #[arg(long, requires = "write_unique", help_heading = "Output")]
    pub write_cleaned: bool,
}

/// How inputs are read.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Name pattern of the files read inside directories ('*' and '?' wildcards).
    ///
    /// Example: --glob '*.md' notes/
    #[arg(long, default_value = "*.txt", value_name = "PATTERN")]
    pub glob: String,

    /// JSONL field holding the article id (missing: 'path:line' is used).
    ///
    /// Example: --id-field url
    #[arg(long, default_value = "id", value_name = "FIELD")]
    pub id_field: String,

    /// JSONL field holding the article text.
    ///
    /// Example: --text-field body (or --text-field raw for scraped pages)
    #[arg(long, default_value = "text", value_name = "FIELD")]
    pub text_field: String,

    /// JSONL field holding the title (missing: the first short line of the text).
    ///
    /// Example: --title-field headline
    #[arg(long, default_value = "title", value_name = "FIELD")]
    pub title_field: String,

    /// JSONL field holding the publication date (ISO 8601 is understood best).
    ///
    /// Example: --date-field published_at
    #[arg(long, default_value = "date", value_name = "FIELD")]
    pub date_field: String,

    /// JSONL field holding the outlet or site name. The cleaner removes lines that recur
    /// across unrelated articles of one site: the source, else the host of the page's URL
    /// (--url-field, or an id that is a URL), else one directory (header and footer only).
    ///
    /// Example: --source-field domain
    #[arg(long, default_value = "source", value_name = "FIELD")]
    pub source_field: String,

    /// JSONL field holding the page's address; its host names the site when there is no
    /// source field.
    ///
    /// Example: --url-field link
    #[arg(long, default_value = "url", value_name = "FIELD")]
    pub url_field: String,

    /// Largest article read, in bytes (a text file, or one JSONL line); larger ones are
    /// reported and skipped. Accepts K, M and G suffixes (powers of 1024); 1 byte to 16 EiB.
    ///
    /// Example: --max-bytes 64M
    #[arg(long, default_value = "16M", value_name = "SIZE", value_parser = parse_size)]
    pub max_bytes: u64,
}

/// How articles are compared and clustered.
#[derive(Debug, Args)]
#[command(next_help_heading = "Matching")]
pub struct ClusterArgs {
    /// Do not remove boilerplate before comparing articles.
    ///
    /// Example: --no-clean (compare the text exactly as read)
    #[arg(long)]
    pub no_clean: bool,

    /// Words per shingle for near-duplicate detection (1 to 64).
    ///
    /// Example: --ngram 3 (more sensitive on short texts)
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub ngram: usize,

    /// Length of each MinHash signature (1 to 1024).
    ///
    /// Example: --num-perm 256 (tighter estimates, slower)
    #[arg(long, default_value_t = 128, value_name = "K")]
    pub num_perm: usize,

    /// Seed of the shingle hash and MinHash permutations (any number from 0 to 2^64 − 1);
    /// same seed, same result.
    ///
    /// Example: --seed 7
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// Jaccard similarity of word shingles at or above which two articles are
    /// near-duplicates, in (0, 1].
    ///
    /// Example: --threshold 0.8 (near-verbatim copies only)
    #[arg(long, default_value_t = 0.5, value_name = "J")]
    pub threshold: f64,

    /// Share of the smaller article's shingles found in the larger one at or above which
    /// it counts as a copy inside it (syndication with another site's wrapper), in (0, 1].
    ///
    /// Example: --containment 0.6 (excerpts with heavier edits)
    #[arg(long, default_value_t = 0.8, value_name = "C")]
    pub containment: f64,

    /// LSH bands (with --rows); derived from --threshold and --num-perm by default.
    ///
    /// Example: --bands 20 --rows 5
    #[arg(long, requires = "rows", value_name = "B")]
    pub bands: Option<usize>,

    /// LSH rows per band (with --bands); bands × rows must not exceed --num-perm.
    ///
    /// Example: --bands 20 --rows 5
    #[arg(long, requires = "bands", value_name = "R")]
    pub rows: Option<usize>,

    /// Least similarity of an article to the centroid of the event it joins, in [0, 1];
    /// lower joins more.
    ///
    /// Event scores lie in [0, 1]: the weights are divided by their sum, and a pair with
    /// a date unknown gets the neutral time factor 1/√2. Cross-validated on ECB+ train+dev
    /// (5 folds by topic, with the fixtures' seeds one story): BCubed F1 0.950 ± 0.015,
    /// flat from 0.06 to 0.09 (scripts/eval-events-cv.sh).
    ///
    /// Example: --event-threshold 0.2 (keep same-subject stories days apart)
    #[arg(
        long,
        default_value_t = 0.06,
        value_name = "S",
        help_heading = "Events"
    )]
    pub event_threshold: f64,

    /// Relative weights of the evidence in an event pair score: content terms, names
    /// (capitalised runs, acronyms), anchors (numbers, dates, times). Each weight is in
    /// [0, 1], not all 0; each channel is a similarity in [0, 1]; the report echoes the
    /// weights divided by their sum.
    ///
    /// The default was picked by cross-validation with --event-threshold (5:3:3 beat 2:1:1,
    /// 4:3:3 and 3:1:1; scripts/eval-events-cv.sh).
    ///
    /// Example: --event-weights 0.6,0.2,0.2
    #[arg(
        long,
        default_value = "0.5,0.3,0.3",
        value_name = "T,N,A",
        value_parser = parse_weights,
        help_heading = "Events"
    )]
    pub event_weights: [f64; 3],

    /// Report near-duplicate groups only: no event clustering.
    ///
    /// Example: --no-events --format jsonl big.jsonl
    #[arg(long, help_heading = "Events")]
    pub no_events: bool,

    /// Which copy of a near-duplicate group is kept as its representative: 'longest'
    /// text, 'first' in input order, or 'earliest' date. Ties go to the smallest id.
    ///
    /// Example: --keep earliest --write-unique unique.jsonl corpus.jsonl
    #[arg(long, value_enum, default_value_t = KeepArg::Longest, help_heading = "Output")]
    pub keep: KeepArg,

    /// Worker threads, 1 to 1024 (default: every core). The output is the same for any
    /// number.
    ///
    /// Example: --threads 1 (leave the other cores to other work)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

impl ClusterArgs {
    /// The library's settings, not yet validated.
    pub fn config(&self) -> Config {
        Config {
            clean: !self.no_clean,
            ngram: self.ngram,
            num_perm: self.num_perm,
            seed: self.seed,
            threshold: self.threshold,
            containment: self.containment,
            bands_rows: self.bands.zip(self.rows),
            events: !self.no_events,
            event_threshold: self.event_threshold,
            event_weights: self.event_weights,
            keep: match self.keep {
                KeepArg::Longest => Keep::Longest,
                KeepArg::First => Keep::First,
                KeepArg::Earliest => Keep::Earliest,
            },
            threads: self.threads,
            ..Config::default()
        }
    }
}

impl InputArgs {
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            glob: self.glob.clone(),
            fields: Fields {
                id: self.id_field.clone(),
                text: self.text_field.clone(),
                title: self.title_field.clone(),
                date: self.date_field.clone(),
                source: self.source_field.clone(),
                url: self.url_field.clone(),
            },
            max_bytes: self.max_bytes,
            keep_lines: false,
        }
    }
}

#[derive(Debug, Args)]
pub struct SketchArgs {
    /// Articles to read, as by the main command: every shard reads all of them.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Which shard to analyse: I of N (0-based).
    ///
    /// Example: --shard 3/8
    #[arg(long, value_name = "I/N")]
    pub shard: dedup::shard::Shard,

    /// What assigns an article to a shard: 'source' (the cleaner's evidence source: a shard
    /// cleans only its own articles) or 'id' (even shards however few the sources; a shard
    /// cleans every article of its articles' sources). Every shard must use the same. Without
    /// it, by source when some article names its site (a source field, a URL), else by id.
    ///
    /// Example: --shard-by id (a corpus of a few large sites)
    #[arg(long, value_enum)]
    pub shard_by: Option<ShardBy>,

    /// Directory the sketch file is written to (sketch-IIIII-of-NNNNN.jsonl), created if
    /// missing.
    ///
    /// Example: --out sketches/
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// Directory of the sketch files of every shard.
    ///
    /// Example: --sketches sketches/
    #[arg(long, value_name = "DIR")]
    pub sketches: std::path::PathBuf,

    /// File the candidate pairs are written to, one 'A B' line of article numbers each.
    ///
    /// Example: --out candidates.txt
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,

    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Directory of the sketch files of every shard.
    ///
    /// Example: --sketches sketches/
    #[arg(long, value_name = "DIR")]
    pub sketches: std::path::PathBuf,

    /// Candidate pairs: a file, or a directory of part files (Spark's output), of lines
    /// 'A B' or 'A,B' (article numbers).
    ///
    /// Example: --candidates candidates/
    #[arg(long, value_name = "FILE|DIR")]
    pub candidates: std::path::PathBuf,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Output format, as for the main command.
    ///
    /// Example: --format json > report.json
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Exit with code 1 when any near-duplicate group is found (for CI).
    ///
    /// Example: --fail-on-duplicates
    #[arg(long)]
    pub fail_on_duplicates: bool,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Articles to clean, read as by the main command.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Show every removed line, marked with the rule that removed it.
    #[arg(long, help_heading = "Output")]
    pub explain: bool,

    /// 'text' prints the cleaned articles; 'jsonl' one {"id","text","removed"} line each;
    /// 'json' one dedup-clean/1 document holding those lines as "articles".
    #[arg(long, value_enum, default_value_t = CleanFormat::Text, help_heading = "Output")]
    pub format: CleanFormat,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold labels: JSONL lines {"id", "cluster"} with an optional near-duplicate "group".
    #[arg(long, value_name = "FILE")]
    pub gold: String,

    /// Articles to cluster and score, read as by the main command.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// 'text' for a table, 'json' for scripts (with --sweep, one dedup-eval/1 document a
    /// line, a line per setting).
    #[arg(long, value_enum, default_value_t = EvalFormat::Text, help_heading = "Output")]
    pub format: EvalFormat,

    /// Score every setting of a parameter, NAME=FROM:TO:STEP with NAME threshold,
    /// containment, event-threshold, merge-threshold, join-ratio, cohesion-ratio or
    /// evict-ratio: a row per setting, to pick a value from. Given again for another
    /// parameter, every combination is scored (the first parameter varies slowest).
    ///
    /// Example: --sweep event-threshold=0.02:0.2:0.02
    #[arg(long, value_name = "NAME=FROM:TO:STEP", help_heading = "Output")]
    pub sweep: Vec<dedup::eval::Sweep>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The first article: a file, or an id in the --in inputs.
    #[arg(value_name = "A")]
    pub a: String,

    /// The second article: a file, or an id in the --in inputs.
    #[arg(value_name = "B")]
    pub b: String,

    /// Corpora (files, directories, JSONL) to look A and B up in by id; they also serve as
    /// the corpus for cleaning evidence and term weights. Repeat for several.
    #[arg(long = "in", value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Compare A (a new article: a file, or an id in the --in inputs) with B, an article
    /// stored in this index, with the index's settings.
    ///
    /// Example: dedup explain --index news.idx today/a.txt doc-17
    #[arg(long, value_name = "PATH")]
    pub index: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// 'text' for people, 'json' for scripts.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text, help_heading = "Output")]
    pub format: EvalFormat,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Add articles (those whose id is stored already are skipped), reporting what each
    /// copies and which event it joins. Creates the index, with the matching options
    /// given, when PATH does not exist.
    ///
    /// Example: dedup index add --index news.idx --fail-on-duplicates yesterday.jsonl
    Add(Box<AddArgs>),
    /// Counts, settings, size (by part) and date range of an index.
    ///
    /// Example: dedup index stats --index news.idx
    Stats(StatsArgs),
    /// Remove the articles dated before a day (undated articles are kept).
    ///
    /// Example: dedup index expire --index news.idx --before 2024-01-01
    Expire(ExpireArgs),
    /// Rewrite the postings of the live articles into few segments and shrink the file.
    ///
    /// Example: dedup index compact --index news.idx
    Compact(IndexPath),
}

/// The index file.
#[derive(Debug, Args)]
pub struct IndexPath {
    /// The index file (one redb database).
    ///
    /// Example: --index news.idx
    #[arg(long, value_name = "PATH")]
    pub index: String,
}

/// How an index is compared with: shared by `index add` and `query`.
#[derive(Debug, Args)]
pub struct IndexRunArgs {
    #[command(flatten)]
    pub path: IndexPath,

    /// Articles to read: files, directories, .jsonl/.ndjson corpora, or '-' for JSONL on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Settings of a new index; with an existing one, a flag given must equal the index's
    /// setting (the index answers only for the settings it was built with).
    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// Compare only with stored articles dated within DAYS (0 to 4294967295) of each
    /// article (undated ones are always compared).
    ///
    /// Example: --window 30
    #[arg(long, value_name = "DAYS")]
    pub window: Option<u32>,

    /// 'text' for people, 'json' for one dedup-query/1 document, 'jsonl' for one line per
    /// article ({"id","near_duplicates","event","event_score"}).
    ///
    /// Example: --format jsonl > answers.jsonl
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit with code 1 when any article copies a stored one (for CI and cron jobs).
    ///
    /// Example: --fail-on-duplicates yesterday.jsonl
    #[arg(long)]
    pub fail_on_duplicates: bool,

    /// Print no summary line on stderr.
    ///
    /// Example: --quiet --format jsonl today.jsonl
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub run: IndexRunArgs,

    /// Articles committed at a time, 1 or more: an interrupted add keeps every chunk
    /// committed before it, and running it again adds the rest.
    ///
    /// Example: --commit-every 50000
    #[arg(
        long,
        default_value_t = 10_000,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub commit_every: usize,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub run: IndexRunArgs,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub path: IndexPath,

    /// 'text' for people, 'json' for scripts.
    ///
    /// Example: --format json
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
}

#[derive(Debug, Args)]
pub struct ExpireArgs {
    #[command(flatten)]
    pub path: IndexPath,

    /// Remove the articles dated before this day (YYYY-MM-DD).
    ///
    /// Example: --before 2024-01-01
    #[arg(long, value_name = "DATE")]
    pub before: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
}

/// The report's formats: [`Format`]'s, and a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CleanFormat {
    Text,
    Json,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShardBy {
    Source,
    Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeepArg {
    Longest,
    First,
    Earliest,
}

/// `0.55,0.30,0.15` → three numbers.
fn parse_weights(s: &str) -> Result<[f64; 3], String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let numbers: Vec<f64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    match numbers[..] {
        [t, n, a] if parts.len() == 3 => Ok([t, n, a]),
        _ => Err(format!(
            "'{s}' is not three comma-separated numbers (example: 0.55,0.30,0.15)"
        )),
    }
}

/// `16M` → 16·2^20. Plain numbers are bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, shift) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 10),
        Some((i, 'm' | 'M')) => (&s[..i], 20),
        Some((i, 'g' | 'G')) => (&s[..i], 30),
        _ => (s, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (examples: 500000, 64K, 16M, 1G)"))?;
    n.checked_mul(1 << shift)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("'{s}' must be between 1 byte and 16 EiB"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    fn config(args: &[&str]) -> Config {
        let cli = Cli::try_parse_from([&["dedup"], args, &["x.txt"]].concat()).unwrap();
        cli.run.cluster.config()
    }

    #[test]
    fn no_flags_give_the_library_defaults() {
        assert_eq!(config(&[]), Config::default());
    }

    #[test]
    fn flags_reach_the_config() {
        let c = config(&[
            "--bands",
            "20",
            "--rows",
            "5",
            "--no-events",
            "--threads",
            "3",
        ]);
        assert_eq!(c.bands_rows, Some((20, 5)));
        assert!(!c.events);
        assert_eq!(c.threads, Some(3));
        assert_eq!(config(&["--keep", "first"]).keep, Keep::First);
    }

    #[test]
    fn weights_are_three_numbers() {
        assert_eq!(parse_weights("0.5, 0.3,0.2"), Ok([0.5, 0.3, 0.2]));
        assert!(parse_weights("0.5,0.3").is_err());
        assert!(parse_weights("0.5,x,0.2").is_err());
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("16m"), Ok(16 << 20));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
    }
}
