//! Plain-text files: one article per file, the path as its id.

use std::io::Read;

use super::{Corpus, ReadOptions};
use crate::article::{Article, Location};
use crate::error::Problem;
use crate::id::Id;

pub(super) fn read(
    file: impl Read,
    meta: &std::fs::Metadata,
    name: &str,
    input: usize,
    options: &ReadOptions,
    corpus: &mut Corpus,
) {
    match load(file, meta.len(), options.max_bytes) {
        Ok(bytes) => {
            let location = Location {
                input,
                offset: 0,
                len: bytes.len() as u64,
            };
            if let Some(text) = decode(bytes, name, corpus) {
                corpus.articles.push(article(name, text, location));
            }
        }
        Err(problem) => corpus.error(name, problem),
    }
}

/// The article of a text file: its path is its id.
pub(super) fn article(name: &str, text: String, location: Location) -> Article {
    Article {
        line: None,
        id: Id::from(name),
        origin: name.to_string(),
        source: None,
        url: None,
        title: None,
        date: None,
        text,
        location,
    }
}

/// Reads at most `limit` bytes; a larger file is refused before it is loaded.
pub(super) fn load(file: impl Read, size: u64, limit: u64) -> Result<Vec<u8>, Problem> {
    let unreadable = |e: std::io::Error| Problem::Unreadable(e.to_string());
    if size > limit {
        return Err(Problem::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows while it is read; one byte
    // past the limit tells that it did (saturating: the limit may be u64::MAX).
    file.take(limit.saturating_add(1))
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

/// Text from a file's bytes: UTF-8 (a BOM is dropped), or UTF-16 when it
/// starts with a UTF-16 BOM. `None` (with an error) for empty or binary
/// input; invalid UTF-8 or UTF-16 is replaced and noted as a warning. Line
/// ends made of a lone CR become LF, so old Mac files are split into lines.
pub(super) fn decode(bytes: Vec<u8>, input: &str, corpus: &mut Corpus) -> Option<String> {
    let text = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => utf16(&bytes[2..], u16::from_le_bytes, input, corpus),
        Some([0xFE, 0xFF]) => utf16(&bytes[2..], u16::from_be_bytes, input, corpus),
        _ => {
            if bytes.contains(&0) {
                corpus.error(input, Problem::Binary);
                return None;
            }
            utf8(bytes, input, corpus)
        }
    };
    if text.contains('\0') {
        corpus.error(input, Problem::Binary);
        return None;
    }
    if text.trim().is_empty() {
        corpus.error(input, Problem::Empty);
        return None;
    }
    Some(lone_cr_to_lf(text))
}

/// UTF-8 text, without a leading BOM; bad bytes become U+FFFD, with a warning.
pub(super) fn utf8(mut bytes: Vec<u8>, input: &str, corpus: &mut Corpus) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).unwrap_or_else(|e| {
        corpus.warn(input, Problem::InvalidUtf8);
        String::from_utf8_lossy(e.as_bytes()).into_owned()
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, input: &str, corpus: &mut Corpus) -> String {
    let units = bytes.chunks(2).map(|c| match *c {
        [a, b] => unit([a, b]),
        _ => 0xD800, // an odd byte at the end: an unpaired surrogate, replaced
    });
    let mut bad = false;
    let text = char::decode_utf16(units)
        .map(|c| {
            c.unwrap_or_else(|_| {
                bad = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    if bad {
        corpus.warn(input, Problem::InvalidUtf8);
    }
    text
}

/// `\r` not followed by `\n` becomes `\n`: the same length, so byte offsets
/// into the text stay valid. `\r\n` is left as it is (lines() splits it).
pub(super) fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("one ASCII byte replaced by another")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8], corpus: &mut Corpus) -> Option<String> {
        decode(bytes.to_vec(), "x", corpus)
    }

    #[test]
    fn decode_sorts_bytes_into_text_errors_and_warnings() {
        let mut corpus = Corpus::default();
        assert_eq!(
            decode(b"\xEF\xBB\xBFhello".to_vec(), "a", &mut corpus).as_deref(),
            Some("hello")
        );
        assert_eq!(
            decode(b"caf\xE9".to_vec(), "b", &mut corpus).as_deref(),
            Some("caf\u{FFFD}")
        );
        assert_eq!(decode(b"x\0y".to_vec(), "c", &mut corpus), None);
        assert_eq!(decode(b" \n\t".to_vec(), "d", &mut corpus), None);
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

    #[test]
    fn utf16_with_a_bom_is_text() {
        let mut corpus = Corpus::default();
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Grüße\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Grüße\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decoded(&le, &mut corpus).as_deref(), Some("Grüße\n"));
        assert_eq!(decoded(&be, &mut corpus).as_deref(), Some("Grüße\n"));
        assert!(corpus.errors.is_empty() && corpus.warnings.is_empty());
        // A lone surrogate is replaced, with a warning.
        assert_eq!(
            decoded(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8], &mut corpus).as_deref(),
            Some("a\u{FFFD}")
        );
        assert_eq!(corpus.warnings.len(), 1);
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        assert_eq!(lone_cr_to_lf("a\rb\r\nc\r".into()), "a\nb\r\nc\n");
    }
}
