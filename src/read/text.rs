//! Plain-text files: one article per file, the path as its id.

use std::io::Read;
use std::path::Path;

use super::{Corpus, ReadOptions};
use crate::article::Article;
use crate::error::Problem;

pub(super) fn read(path: &Path, options: &ReadOptions, corpus: &mut Corpus) {
    let name = path.display().to_string();
    match load(path, options.max_bytes) {
        Ok(bytes) => push(name, &bytes, corpus),
        Err(problem) => corpus.error(name, problem),
    }
}

/// The article held in `bytes`, read from the file `name`.
pub(super) fn push(name: String, bytes: &[u8], corpus: &mut Corpus) {
    if let Some(text) = decode(bytes, &name, corpus) {
        corpus.articles.push(Article {
            id: name.clone(),
            origin: name,
            source: None,
            title: None,
            date: None,
            text,
        });
    }
}

/// Reads at most `limit` bytes; a larger file is refused before it is loaded.
pub(super) fn load(path: &Path, limit: u64) -> Result<Vec<u8>, Problem> {
    let unreadable = |e: std::io::Error| Problem::Unreadable(e.to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > limit {
        return Err(Problem::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows while it is read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Problem::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Text from an article's bytes: `None` (with an error) for empty or binary
/// input; invalid UTF-8 is replaced and noted as a warning.
pub(super) fn decode(bytes: &[u8], input: &str, corpus: &mut Corpus) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        corpus.error(input, Problem::Binary);
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            corpus.warn(input, Problem::InvalidUtf8);
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    if text.trim().is_empty() {
        corpus.error(input, Problem::Empty);
        return None;
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_sorts_bytes_into_text_errors_and_warnings() {
        let mut corpus = Corpus::default();
        assert_eq!(
            decode(b"\xEF\xBB\xBFhello", "a", &mut corpus).as_deref(),
            Some("hello")
        );
        assert_eq!(
            decode(b"caf\xE9", "b", &mut corpus).as_deref(),
            Some("caf\u{FFFD}")
        );
        assert_eq!(decode(b"x\0y", "c", &mut corpus), None);
        assert_eq!(decode(b" \n\t", "d", &mut corpus), None);
        let errors: Vec<String> = corpus.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "c: binary file (NUL bytes), skipped",
                "d: empty input, skipped"
            ]
        );
        assert_eq!(corpus.warnings.len(), 1);
        assert_eq!(corpus.warnings[0].input, "b");
    }
}
