//! JSONL corpora: one JSON object per line, fields named by [`Fields`].
//! Lines are read one at a time with a length limit, so a corpus of any size
//! streams through and one monstrous line cannot exhaust memory.

use std::io::BufRead;

use serde_json::{Map, Value};

use super::{text::decode, Corpus, ReadOptions};
use crate::article::Article;
use crate::error::Problem;

/// Which JSON field holds each part of an article.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: String,
    pub text: String,
    pub title: String,
    pub date: String,
    pub source: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
            date: "date".into(),
            source: "source".into(),
        }
    }
}

pub(super) fn read(
    mut reader: impl BufRead,
    name: &str,
    options: &ReadOptions,
    corpus: &mut Corpus,
) {
    let mut buf = Vec::new();
    for number in 1.. {
        let origin = format!("{name}:{number}");
        buf.clear();
        match read_line(&mut reader, &mut buf, options.max_bytes) {
            Ok(Line::End) => break,
            Ok(Line::TooLarge(size)) => corpus.error(
                origin,
                Problem::TooLarge {
                    size,
                    limit: options.max_bytes,
                },
            ),
            Ok(Line::Read) => {
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let Some(line) = decode(&buf, &origin, corpus) else {
                    continue;
                };
                match parse(&line, &origin, &options.fields) {
                    Ok(article) => corpus.articles.push(article),
                    Err(problem) => corpus.error(origin, problem),
                }
            }
            Err(e) => {
                corpus.error(origin, Problem::Unreadable(e.to_string()));
                break;
            }
        }
    }
}

enum Line {
    Read,
    TooLarge(u64),
    End,
}

/// One line into `buf` (without its newline), or its size when it is over
/// `limit`, in which case the rest of it is skipped without being kept.
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, limit: u64) -> std::io::Result<Line> {
    let n = std::io::Read::take(&mut *reader, limit + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Line::Read);
    }
    if (n as u64) <= limit {
        return Ok(Line::Read); // the last line, with no newline
    }
    let mut size = n as u64;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        size += used as u64;
        reader.consume(used);
        if done {
            break;
        }
    }
    Ok(Line::TooLarge(size))
}

fn parse(line: &str, origin: &str, fields: &Fields) -> Result<Article, Problem> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| Problem::MalformedJson(e.to_string()))?;
    let Value::Object(object) = value else {
        return Err(Problem::MalformedJson(format!(
            "expected an object, found {}",
            type_name(&value)
        )));
    };
    let text = string_field(&object, &fields.text)?
        .ok_or_else(|| Problem::MissingField(fields.text.clone()))?;
    let id = match object.get(&fields.id) {
        None | Some(Value::Null) => origin.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => return Err(wrong_type(&fields.id, "a string or a number", other)),
    };
    let title = string_field(&object, &fields.title)?;
    Ok(Article {
        id,
        origin: origin.to_string(),
        source: string_field(&object, &fields.source)?,
        title,
        date: string_field(&object, &fields.date)?,
        text,
    })
}

/// A string field; absent and `null` are both `None`.
fn string_field(object: &Map<String, Value>, field: &str) -> Result<Option<String>, Problem> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong_type(field, "a string", other)),
    }
}

fn wrong_type(field: &str, expected: &'static str, found: &Value) -> Problem {
    Problem::WrongType {
        field: field.to_string(),
        expected,
        found: type_name(found),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(input: &str, max_bytes: u64) -> Corpus {
        let mut corpus = Corpus::default();
        let options = ReadOptions {
            max_bytes,
            ..ReadOptions::default()
        };
        read(input.as_bytes(), "c.jsonl", &options, &mut corpus);
        corpus
    }

    #[test]
    fn reads_fields_and_defaults_missing_ids_to_their_line() {
        let corpus = read_str(
            "{\"id\":\"a\",\"text\":\"Body.\",\"title\":\"T\",\"date\":\"2021-12-30\"}\n\n{\"text\":\"Second\\nmore.\"}",
            1 << 20,
        );
        assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
        let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "c.jsonl:3"]);
        assert_eq!(corpus.articles[0].date.as_deref(), Some("2021-12-30"));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number_and_the_rest_is_read() {
        let corpus = read_str(
            "{\"id\":1,\"text\":\"ok\"}\n{not json\n{\"text\":5}\n[1]\n{\"id\":\"z\"}\n{\"id\":\"y\",\"text\":\"fine\"}\n",
            1 << 20,
        );
        let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "y"]);
        let errors: Vec<String> = corpus.errors.iter().map(ToString::to_string).collect();
        assert!(
            errors[0].starts_with("c.jsonl:2: malformed JSON"),
            "{errors:?}"
        );
        assert_eq!(
            errors[1],
            "c.jsonl:3: field \"text\" is a number, expected a string"
        );
        assert_eq!(
            errors[2],
            "c.jsonl:4: malformed JSON: expected an object, found an array"
        );
        assert_eq!(errors[3], "c.jsonl:5: no \"text\" field, skipped");
    }

    #[test]
    fn an_oversized_line_is_skipped_whole() {
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(200));
        let corpus = read_str(&format!("{long}\n{{\"text\":\"short\"}}\n"), 64);
        assert_eq!(corpus.articles.len(), 1);
        assert_eq!(corpus.articles[0].id, "c.jsonl:2");
        assert!(matches!(
            corpus.errors[0].problem,
            Problem::TooLarge {
                size: 212,
                limit: 64
            }
        ));
    }
}
