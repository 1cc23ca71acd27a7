//! Stage 1, read: turn the inputs a user names into [`Article`]s.
//!
//! Inputs are text files (one article each), directories (searched
//! recursively for names matching `--glob`, `*.txt` by default), `.jsonl` /
//! `.ndjson` corpora (one article per line) and `-` for JSONL on stdin.
//! Nothing here writes anywhere: inputs are only ever opened for reading.
//!
//! A bad input never stops the run: it becomes an [`InputError`] in
//! [`Corpus::errors`] and the other inputs are still read. Invalid UTF-8 is
//! decoded lossily and noted in [`Corpus::warnings`].

mod jsonl;
mod text;
mod walk;

use std::collections::HashMap;
use std::path::Path;

use crate::article::Article;
use crate::error::{InputError, Problem};

pub use jsonl::Fields;

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// File-name pattern for files found inside directories.
    pub glob: String,
    pub fields: Fields,
    /// Largest article (a text file, or one JSONL line) read, in bytes.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            glob: "*.txt".into(),
            fields: Fields::default(),
            max_bytes: 16 << 20,
        }
    }
}

/// Everything read from the inputs, in input order.
#[derive(Default)]
pub struct Corpus<'s> {
    /// The articles read; with a sink ([`read_batches`]), only those not yet
    /// handed on.
    pub articles: Vec<Article>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<InputError>,
    /// Where articles go as they are read, instead of `articles`.
    sink: Option<&'s mut Sink<'s>>,
    /// Ids seen so far, with the place each was first seen (with a sink).
    seen: HashMap<String, String>,
    /// Repeated ids, reported after the inputs' own problems (with a sink).
    repeated: Vec<InputError>,
    /// A copy of standard input to read instead of it.
    stdin: Option<&'s Path>,
}

/// The inputs of a run, readable more than once: standard input (`-`) is
/// copied to a temporary file first, deleted when this is dropped.
#[derive(Debug)]
pub struct Inputs {
    names: Vec<String>,
    stdin: Option<tempfile::NamedTempFile>,
}

impl Inputs {
    pub fn new(names: &[String]) -> std::io::Result<Inputs> {
        let stdin = match names.iter().any(|name| name == "-") {
            true => {
                let mut file = tempfile::NamedTempFile::new()?;
                std::io::copy(&mut std::io::stdin().lock(), &mut file)?;
                Some(file)
            }
            false => None,
        };
        Ok(Inputs {
            names: names.to_vec(),
            stdin,
        })
    }
}

/// What receives the articles of [`read_batches`], a batch at a time.
pub type Sink<'s> = dyn FnMut(Vec<Article>) + Send + 's;

impl std::fmt::Debug for Corpus<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus")
            .field("articles", &self.articles)
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Corpus<'_> {
    /// Hands the articles read so far to the sink, if there is one, less
    /// those whose id was seen before.
    fn flush(&mut self) {
        let Some(sink) = self.sink.as_deref_mut() else {
            return;
        };
        let mut batch = std::mem::take(&mut self.articles);
        batch.retain(|article| match self.seen.get(&article.id) {
            Some(first) => {
                self.repeated.push(InputError {
                    input: article.origin.clone(),
                    problem: Problem::DuplicateId {
                        id: article.id.clone(),
                        first: first.clone(),
                    },
                });
                false
            }
            None => {
                self.seen.insert(article.id.clone(), article.origin.clone());
                true
            }
        });
        if !batch.is_empty() {
            sink(batch);
        }
    }

    fn error(&mut self, input: impl Into<String>, problem: Problem) {
        self.errors.push(InputError {
            input: input.into(),
            problem,
        });
    }

    fn warn(&mut self, input: impl Into<String>, problem: Problem) {
        self.warnings.push(InputError {
            input: input.into(),
            problem,
        });
    }
}

/// Reads every input in order. Ids must be unique: a repeated id is an error
/// that names both places, and only the first article keeps it.
pub fn read_inputs(inputs: &[String], options: &ReadOptions) -> Corpus<'static> {
    let mut corpus = Corpus::default();
    read_into(inputs, options, &mut corpus);
    drop_duplicate_ids(&mut corpus);
    corpus
}

/// Reads every input in order, as [`read_inputs`] does, but hands the
/// articles to `sink` a batch at a time (in input order) instead of keeping
/// them: memory holds one batch, not the corpus. Returns the problems found;
/// its `articles` are empty.
pub fn read_batches<'s>(
    inputs: &Inputs,
    options: &ReadOptions,
    sink: &'s mut Sink<'s>,
) -> Corpus<'static> {
    let mut corpus = Corpus {
        sink: Some(sink),
        stdin: inputs.stdin.as_ref().map(|file| file.path()),
        ..Corpus::default()
    };
    read_into(&inputs.names, options, &mut corpus);
    corpus.flush();
    let mut errors = std::mem::take(&mut corpus.errors);
    errors.append(&mut corpus.repeated);
    Corpus {
        errors,
        warnings: std::mem::take(&mut corpus.warnings),
        ..Corpus::default()
    }
}

fn read_into(inputs: &[String], options: &ReadOptions, corpus: &mut Corpus) {
    for input in inputs {
        if input == "-" {
            // Read once, as standard input can only be: a second `-` finds it at its end.
            match corpus.stdin.take().map(std::fs::File::open) {
                Some(Ok(file)) => {
                    jsonl::read(std::io::BufReader::new(file), "stdin", options, corpus)
                }
                Some(Err(e)) => corpus.error("stdin", Problem::Unreadable(e.to_string())),
                None if corpus.sink.is_some() => {} // already read
                None => jsonl::read(std::io::stdin().lock(), "stdin", options, corpus),
            }
            corpus.flush();
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                corpus.error(input.as_str(), Problem::NotFound);
            }
            Err(e) => corpus.error(input.as_str(), Problem::Unreadable(e.to_string())),
            Ok(meta) if meta.is_dir() => {
                let files = walk::files_in(path, &options.glob, corpus);
                if files.is_empty() {
                    corpus.error(
                        input.as_str(),
                        Problem::NoMatch {
                            glob: options.glob.clone(),
                        },
                    );
                }
                for file in files {
                    read_file(&file, options, corpus);
                    if corpus.articles.len() >= TEXT_BATCH {
                        corpus.flush();
                    }
                }
            }
            Ok(_) => read_file(path, options, corpus),
        }
        corpus.flush();
    }
}

/// Text files read before their articles are handed on, with a sink.
const TEXT_BATCH: usize = 1024;

fn read_file(path: &Path, options: &ReadOptions, corpus: &mut Corpus) {
    if is_jsonl(path) {
        let name = path.display().to_string();
        match std::fs::File::open(path) {
            Ok(file) => jsonl::read(std::io::BufReader::new(file), &name, options, corpus),
            Err(e) => corpus.error(name, Problem::Unreadable(e.to_string())),
        }
    } else {
        text::read(path, options, corpus);
    }
}

/// JSONL corpora are recognised by their extension.
pub fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

fn drop_duplicate_ids(corpus: &mut Corpus) {
    let mut first_seen: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(corpus.articles.len());
    for article in std::mem::take(&mut corpus.articles) {
        if let Some(first) = first_seen.get(&article.id) {
            let problem = Problem::DuplicateId {
                id: article.id.clone(),
                first: first.clone(),
            };
            corpus.error(article.origin.clone(), problem);
        } else {
            first_seen.insert(article.id.clone(), article.origin.clone());
            kept.push(article);
        }
    }
    corpus.articles = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_is_known_by_extension() {
        assert!(is_jsonl(Path::new("a/corpus.jsonl")));
        assert!(is_jsonl(Path::new("corpus.ndjson")));
        assert!(!is_jsonl(Path::new("story.txt")));
    }

    #[test]
    fn a_repeated_id_is_an_error_naming_both_places() {
        let article = |origin: &str| Article {
            id: "x".into(),
            origin: origin.into(),
            source: None,
            title: None,
            date: None,
            text: "t".into(),
        };
        let mut corpus = Corpus {
            articles: vec![article("a.jsonl:1"), article("b.jsonl:7")],
            ..Corpus::default()
        };
        drop_duplicate_ids(&mut corpus);
        assert_eq!(corpus.articles.len(), 1);
        assert_eq!(
            corpus.errors[0].to_string(),
            "b.jsonl:7: duplicate id \"x\" (first seen at a.jsonl:1), skipped"
        );
    }
}
