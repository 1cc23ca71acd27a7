//! Stage 1, read: turn the inputs a user names into [`Article`]s.
//!
//! Inputs are text files (one article each), HTML pages (one article each,
//! [`html`]), directories (searched recursively for names matching `--glob`,
//! `*.txt` by default), `.jsonl` / `.ndjson` corpora (one article per line)
//! and `-` for JSONL on stdin. Any of them may be gzip or zstd compressed
//! ([`compressed`]).
//! Nothing here writes anywhere: inputs are only ever opened for reading.
//!
//! A bad input never stops the run: it becomes an [`InputError`] in
//! [`Corpus::errors`] and the other inputs are still read. Invalid UTF-8 is
//! decoded lossily and noted in [`Corpus::warnings`].

mod compressed;
mod html;
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
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<InputError>,
}

impl Corpus {
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
pub fn read_inputs(inputs: &[String], options: &ReadOptions) -> Corpus {
    let mut corpus = Corpus::default();
    for input in inputs {
        if input == "-" {
            match compressed::sniffed(std::io::stdin().lock()) {
                Ok(stdin) => jsonl::read(stdin, "stdin", options, &mut corpus),
                Err(e) => corpus.error("stdin", Problem::Unreadable(e.to_string())),
            }
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                corpus.error(input.as_str(), Problem::NotFound)
            }
            Err(e) => corpus.error(input.as_str(), Problem::Unreadable(e.to_string())),
            Ok(meta) if meta.is_dir() => {
                let files = walk::files_in(path, &options.glob, &mut corpus);
                if files.is_empty() {
                    corpus.error(
                        input.as_str(),
                        Problem::NoMatch {
                            glob: options.glob.clone(),
                        },
                    );
                }
                for file in files {
                    read_file(&file, options, &mut corpus);
                }
            }
            Ok(_) => read_file(path, options, &mut corpus),
        }
    }
    drop_duplicate_ids(&mut corpus);
    corpus
}

fn read_file(path: &Path, options: &ReadOptions, corpus: &mut Corpus) {
    // A file that cannot be opened is reported by the plain readers.
    if let Ok(Some(codec)) = compressed::codec_of(path) {
        return compressed::read(path, codec, options, corpus);
    }
    if html::is_html(path) {
        return html::read(path, options, corpus);
    }
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
