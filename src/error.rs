//! Typed errors of the library. The CLI edge turns them into `dedup: …` lines.

use std::fmt;

/// A problem with one input (a file, a JSONL line, stdin). The run goes on
/// with the other inputs and ends with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input as the user named it, with `:line` for JSONL lines.
    pub input: String,
    pub problem: Problem,
}

/// What went wrong with an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NotFound,
    Unreadable(String),
    Empty,
    Binary,
    TooLarge {
        size: u64,
        limit: u64,
    },
    MalformedJson(String),
    WrongType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    MissingField(String),
    DuplicateId {
        id: String,
        first: String,
    },
    /// A file opened again in one pass (the same device and inode): named
    /// twice, or inside a directory also named, or a hard link to one read.
    ReadTwice,
    NoMatch {
        glob: String,
    },
    /// Not a regular file or directory: a FIFO, socket or device, by kind.
    /// It is never opened, so it cannot hang the run.
    NotRegular(&'static str),
    /// The text field is empty or only whitespace.
    EmptyField(String),
    /// A JSONL input that is not JSONL: the rest of it is not read.
    NotJsonl {
        line: usize,
        why: &'static str,
    },
    /// A warning, not an error: the text was decoded with U+FFFD for bad bytes.
    InvalidUtf8,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotFound => write!(f, "no such file or directory"),
            Problem::Unreadable(why) => write!(f, "cannot read: {why}"),
            Problem::Empty => write!(f, "empty input, skipped"),
            Problem::Binary => write!(f, "binary file (NUL bytes), skipped"),
            Problem::TooLarge { size, limit } => write!(
                f,
                "{} is over the {} limit, skipped (raise it with --max-bytes)",
                human_bytes(*size),
                human_bytes(*limit)
            ),
            Problem::MalformedJson(why) => write!(f, "malformed JSON: {why}"),
            Problem::WrongType {
                field,
                expected,
                found,
            } => {
                write!(f, "field \"{field}\" is {found}, expected {expected}")
            }
            Problem::MissingField(field) => write!(f, "no \"{field}\" field, skipped"),
            Problem::DuplicateId { id, first } => {
                write!(f, "duplicate id \"{id}\" (first seen at {first}), skipped")
            }
            Problem::ReadTwice => write!(
                f,
                "read twice (named twice, or inside a directory also named), skipped"
            ),
            Problem::NoMatch { glob } => write!(f, "no file matches --glob '{glob}'"),
            Problem::NotRegular(kind) => write!(f, "{kind}, not a regular file, skipped"),
            Problem::EmptyField(field) => write!(f, "field \"{field}\" is empty, skipped"),
            Problem::NotJsonl { line, why } => {
                write!(f, "{why}, not JSONL: stopped reading at line {line}")
            }
            Problem::InvalidUtf8 => {
                write!(f, "warning: invalid UTF-8, bad bytes replaced with U+FFFD")
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.problem)
    }
}

impl std::error::Error for InputError {}

/// The temporary files a run keeps its bulky working data in could not be
/// written or read back (a full disk, say): the run cannot finish.
#[derive(Debug)]
pub struct SpillError(pub std::io::Error);

impl fmt::Display for SpillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot use temporary files in {} ({}); set TMPDIR to a disk with room",
            std::env::temp_dir().display(),
            self.0
        )
    }
}

impl std::error::Error for SpillError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl From<std::io::Error> for SpillError {
    fn from(e: std::io::Error) -> Self {
        SpillError(e)
    }
}

/// A size for people: `512 B`, `3.2 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_input_and_the_fix() {
        let e = InputError {
            input: "big.txt".into(),
            problem: Problem::TooLarge {
                size: 3 << 20,
                limit: 1 << 20,
            },
        };
        assert_eq!(
            e.to_string(),
            "big.txt: 3.0 MiB is over the 1.0 MiB limit, skipped (raise it with --max-bytes)"
        );
    }

    #[test]
    fn human_bytes_picks_a_unit() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }
}
