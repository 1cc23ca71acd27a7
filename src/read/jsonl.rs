//! JSONL corpora: one JSON object per line, fields named by [`Fields`].
//! Lines are read one at a time with a length limit, so a corpus of any size
//! streams through and one monstrous line cannot exhaust memory.

use std::io::BufRead;

use std::fmt;
use std::ops::Range;

use rayon::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::text::{lone_cr_to_lf, utf8};
use super::{Corpus, ReadOptions};
use crate::article::{Article, Location};
use crate::error::Problem;
use crate::id::Id;

/// Which JSON field holds each part of an article.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: String,
    pub text: String,
    pub title: String,
    pub date: String,
    pub source: String,
    pub url: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
            date: "date".into(),
            source: "source".into(),
            url: "url".into(),
        }
    }
}

/// Lines parsed together, in parallel: enough to keep the threads busy,
/// few enough (about 15 MB of news) to bound the memory held.
const BATCH: usize = 4096;

/// Bad lines in a row after which an input is taken not to be JSONL and the
/// rest of it is not read: `yes | dedup -` ends, and a wrong `--text-field`
/// on a large corpus gives a few thousand errors (it is checked once a
/// batch), not millions.
const GIVE_UP: usize = 1000;

pub(super) fn read(
    mut reader: impl BufRead,
    name: &str,
    input: usize,
    options: &ReadOptions,
    corpus: &mut Corpus,
) {
    // Lines are read in order into one buffer, reused from batch to batch,
    // and parsed a batch at a time in parallel; each line's outcome is a
    // corpus of its own, appended in line order, so the result does not
    // depend on the threads.
    let mut buf = Vec::new();
    let mut lines: Vec<Pending> = Vec::with_capacity(BATCH);
    let mut bad_run = 0;
    let mut offset = 0;
    for number in 1.. {
        let start = buf.len();
        let at = Location {
            input,
            offset,
            len: 0,
        };
        let stop = |why| Problem::NotJsonl { line: number, why };
        let line = read_line(&mut reader, &mut buf, options.max_bytes);
        if number == 1 && matches!(buf.get(start..start + 2), Some([0xFF, 0xFE] | [0xFE, 0xFF])) {
            corpus.error(name, stop("UTF-16 text (convert it to UTF-8)"));
            return;
        }
        match line {
            Ok(Line::End) => break,
            Ok(Line::TooLarge(size)) => {
                buf.truncate(start);
                offset += size;
                lines.push((
                    number,
                    at,
                    Err(Problem::TooLarge {
                        size,
                        limit: options.max_bytes,
                    }),
                ));
            }
            Ok(Line::Read(consumed)) => {
                offset += consumed;
                lines.push((number, at, Ok(start..buf.len())));
            }
            Ok(Line::Binary) => {
                buf.truncate(start);
                parse_batch(&buf, &mut lines, name, options, corpus, &mut bad_run);
                corpus.error(name, stop("binary data (NUL bytes)"));
                return;
            }
            Err(e) => {
                parse_batch(&buf, &mut lines, name, options, corpus, &mut bad_run);
                corpus.error(
                    format!("{name}:{number}"),
                    Problem::Unreadable(e.to_string()),
                );
                return;
            }
        }
        if lines.len() == BATCH {
            parse_batch(&buf, &mut lines, name, options, corpus, &mut bad_run);
            buf.clear();
            if bad_run >= GIVE_UP {
                corpus.error(name, stop("over a thousand bad lines in a row"));
                return;
            }
        }
    }
    parse_batch(&buf, &mut lines, name, options, corpus, &mut bad_run);
}

/// Parses and empties `lines` (spans of `buf`), appending their articles,
/// errors and warnings to `corpus` in line order. `bad_run` counts the lines
/// in a row that gave only an error (blank lines count neither way).
fn parse_batch(
    buf: &[u8],
    lines: &mut Vec<Pending>,
    name: &str,
    options: &ReadOptions,
    corpus: &mut Corpus,
    bad_run: &mut usize,
) {
    let parsed: Vec<Corpus> = lines
        .par_drain(..)
        .map(|(number, mut location, line)| {
            let origin = format!("{name}:{number}");
            let mut outcome = Corpus::default();
            match line.map(|span| &buf[span]) {
                Err(problem) => outcome.error(origin, problem),
                Ok(line) if line.iter().all(u8::is_ascii_whitespace) => {}
                Ok(line) => {
                    // The location spans the line as written, without a BOM.
                    let bom = if line.starts_with(BOM) { BOM.len() } else { 0 };
                    location.offset += bom as u64;
                    location.len = (line.len() - bom) as u64;
                    let kept = options.keep_lines.then(|| line[bom..].to_vec());
                    let line = utf8(line.to_vec(), &origin, &mut outcome);
                    match parse(&line, &origin, &options.fields) {
                        Ok(article) => outcome.articles.push(Article {
                            location,
                            line: kept,
                            ..article
                        }),
                        Err(problem) => outcome.error(origin, problem),
                    }
                }
            }
            outcome
        })
        .collect();
    for outcome in parsed {
        if !outcome.articles.is_empty() {
            *bad_run = 0;
        } else if !outcome.errors.is_empty() {
            *bad_run += 1;
        }
        corpus.append(outcome);
    }
    corpus.flush();
}

/// A line read but not yet parsed: its number, place, and span in the
/// batch buffer (or what was wrong with it).
type Pending = (usize, Location, Result<Range<usize>, Problem>);

const BOM: &[u8] = b"\xEF\xBB\xBF";

enum Line {
    /// A line, and the bytes it took from the input (with its line end).
    Read(u64),
    TooLarge(u64),
    /// The line holds a NUL byte, which no JSON text can.
    Binary,
    End,
}

/// One line appended to `buf` (without its newline), or its size when it is over
/// `limit`, in which case the rest of it is skipped without being kept.
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, limit: u64) -> std::io::Result<Line> {
    let start = buf.len();
    let n = std::io::Read::take(&mut *reader, limit.saturating_add(1)).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if buf[start..].contains(&0) {
        return Ok(Line::Binary);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        // Only this line's CR: an empty line must not eat the one before's.
        if buf.len() > start && buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Line::Read(n as u64));
    }
    if (n as u64) <= limit {
        return Ok(Line::Read(n as u64)); // the last line, with no newline
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
        if chunk[..used].contains(&0) {
            return Ok(Line::Binary);
        }
        size += used as u64;
        reader.consume(used);
        if done {
            break;
        }
    }
    Ok(Line::TooLarge(size))
}

/// Parses one line, deserialising only the fields named in `fields` (the
/// rest of the object is checked for syntax and skipped, never built).
fn parse(line: &str, origin: &str, fields: &Fields) -> Result<Article, Problem> {
    let malformed = |e: serde_json::Error| {
        // Plain text where JSONL was expected (text piped to `-`) fails on
        // its first character: say what the input is read as.
        Problem::MalformedJson(if e.line() == 1 && e.column() <= 1 {
            format!(
                "{e} (read as JSONL, one JSON object a line; give plain-text articles as files)"
            )
        } else {
            e.to_string()
        })
    };
    let mut de = serde_json::Deserializer::from_str(line);
    let parsed = RecordSeed(fields).deserialize(&mut de).map_err(malformed)?;
    de.end().map_err(malformed)?;
    let mut record = match parsed {
        Parsed::Object(record) => record,
        Parsed::Other(found) => {
            return Err(Problem::MalformedJson(format!(
                "expected an object, found {found}"
            )))
        }
    };
    let text = string_field(take(&mut record, TEXT), &fields.text)?
        .ok_or_else(|| Problem::MissingField(fields.text.clone()))?;
    if text.trim().is_empty() {
        return Err(Problem::EmptyField(fields.text.clone()));
    }
    let text = lone_cr_to_lf(text);
    let id = match take(&mut record, ID) {
        FieldValue::Absent | FieldValue::Null => Id::from(origin),
        FieldValue::Str(s) => Id::from(s),
        FieldValue::Number(literal) => Id::number(literal),
        other => return Err(wrong_type(&fields.id, "a string or a number", &other)),
    };
    let title = string_field(take(&mut record, TITLE), &fields.title)?;
    let source = string_field(take(&mut record, SOURCE), &fields.source)?;
    let date = string_field(take(&mut record, DATE), &fields.date)?;
    let url = string_field(take(&mut record, URL), &fields.url)?;
    Ok(Article {
        line: None,
        id,
        origin: origin.to_string(),
        source,
        url,
        title,
        date,
        text,
        location: Location::default(),
    })
}

/// `line` (a JSON object) with the value of its field `field` replaced by
/// the string `value`; every other byte stays as it was.
pub fn with_field(line: &str, field: &str, value: &str) -> Result<String, Problem> {
    struct Span<'f>(&'f str);
    impl<'de> Visitor<'de> for Span<'_> {
        type Value = Option<&'de str>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
                let raw = map.next_value::<&RawValue>()?;
                if key == self.0 {
                    found = Some(raw.get()); // the last of repeated keys, as on reading
                }
            }
            Ok(found)
        }
    }
    let malformed = |e: serde_json::Error| Problem::MalformedJson(e.to_string());
    let mut de = serde_json::Deserializer::from_str(line);
    let raw = de.deserialize_map(Span(field)).map_err(malformed)?;
    let raw = raw.ok_or_else(|| Problem::MissingField(field.to_string()))?;
    let start = raw.as_ptr() as usize - line.as_ptr() as usize;
    let value = serde_json::to_string(value).map_err(malformed)?;
    Ok(format!(
        "{}{value}{}",
        &line[..start],
        &line[start + raw.len()..]
    ))
}

/// Field roles, as bits: one key may fill several roles when two field
/// options name the same key.
const ID: u8 = 1;
const TEXT: u8 = 2;
const TITLE: u8 = 4;
const DATE: u8 = 8;
const SOURCE: u8 = 16;
const URL: u8 = 32;
const ROLES: [u8; 6] = [ID, TEXT, TITLE, DATE, SOURCE, URL];

/// The value of each role's field, by the role's bit position.
type Record = [FieldValue; 6];

fn take(record: &mut Record, role: u8) -> FieldValue {
    std::mem::take(&mut record[role.trailing_zeros() as usize])
}

/// A top-level JSON value: an object's wanted fields, or the kind of
/// anything else.
enum Parsed {
    Object(Record),
    Other(&'static str),
}

/// The value of a wanted field, kept only as far as the reader needs it.
#[derive(Debug, Clone, Default)]
enum FieldValue {
    #[default]
    Absent,
    Null,
    Str(String),
    /// A number's literal text, exactly as written.
    Number(String),
    /// Anything else, by its kind ("a boolean", "an array", ...).
    Other(&'static str),
}

impl FieldValue {
    /// The value a raw JSON value (as `serde_json` captured it) stands for.
    fn from_raw(raw: &str) -> Result<FieldValue, serde_json::Error> {
        let raw = raw.trim();
        Ok(match raw.as_bytes().first() {
            Some(b'n') => FieldValue::Null,
            Some(b'"') => FieldValue::Str(serde_json::from_str(raw)?),
            Some(b'-' | b'0'..=b'9') => FieldValue::Number(raw.to_string()),
            Some(b't' | b'f') => FieldValue::Other("a boolean"),
            Some(b'[') => FieldValue::Other("an array"),
            _ => FieldValue::Other("an object"),
        })
    }
}

struct RecordSeed<'f>(&'f Fields);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Parsed, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut record = Record::default();
        while let Some(roles) = map.next_key_seed(KeySeed(self.0))? {
            if roles == 0 {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            // Like a map, the last of repeated keys wins.
            let first = roles.trailing_zeros() as usize;
            record[first] = if roles & ID != 0 {
                // The id's raw text, so a number keeps its literal.
                FieldValue::from_raw(map.next_value::<&RawValue>()?.get())
                    .map_err(serde::de::Error::custom)?
            } else {
                map.next_value()?
            };
            for i in first + 1..ROLES.len() {
                if roles & ROLES[i] != 0 {
                    record[i] = record[first].clone();
                }
            }
        }
        Ok(Parsed::Object(record))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Parsed::Other("an array"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Parsed, E> {
        Ok(Parsed::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Parsed, E> {
        Ok(Parsed::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Parsed, E> {
        Ok(Parsed::Other("a string"))
    }

    fn visit_unit<E>(self) -> Result<Parsed, E> {
        Ok(Parsed::Other("null"))
    }
}

/// An object key, as the roles whose field it names (0: not wanted).
struct KeySeed<'f>(&'f Fields);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = u8;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<u8, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, key: &str) -> Result<u8, E> {
        let f = self.0;
        let names = [&f.id, &f.text, &f.title, &f.date, &f.source, &f.url];
        Ok(names
            .iter()
            .zip(ROLES)
            .filter(|(name, _)| name.as_str() == key)
            .fold(0, |roles, (_, role)| roles | role))
    }
}

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<FieldValue, D::Error> {
        de.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = FieldValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<FieldValue, E> {
        Ok(FieldValue::Str(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<FieldValue, E> {
        Ok(FieldValue::Str(s))
    }

    fn visit_i64<E>(self, n: i64) -> Result<FieldValue, E> {
        Ok(FieldValue::Number(n.to_string()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<FieldValue, E> {
        Ok(FieldValue::Number(n.to_string()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<FieldValue, E> {
        Ok(FieldValue::Number(n.to_string()))
    }

    fn visit_bool<E>(self, _: bool) -> Result<FieldValue, E> {
        Ok(FieldValue::Other("a boolean"))
    }

    fn visit_unit<E>(self) -> Result<FieldValue, E> {
        Ok(FieldValue::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldValue, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Other("an object"))
    }
}

/// A string field; absent and `null` are both `None`.
fn string_field(value: FieldValue, field: &str) -> Result<Option<String>, Problem> {
    match value {
        FieldValue::Absent | FieldValue::Null => Ok(None),
        FieldValue::Str(s) => Ok(Some(s)),
        other => Err(wrong_type(field, "a string", &other)),
    }
}

fn wrong_type(field: &str, expected: &'static str, found: &FieldValue) -> Problem {
    Problem::WrongType {
        field: field.to_string(),
        expected,
        found: match found {
            FieldValue::Absent | FieldValue::Null => "null",
            FieldValue::Str(_) => "a string",
            FieldValue::Number(_) => "a number",
            FieldValue::Other(kind) => kind,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(input: &str, max_bytes: u64) -> Corpus<'static> {
        let mut corpus = Corpus::default();
        let options = ReadOptions {
            max_bytes,
            ..ReadOptions::default()
        };
        read(input.as_bytes(), "c.jsonl", 0, &options, &mut corpus);
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
    fn an_empty_line_after_a_cr_keeps_the_line_before_whole() {
        // Found by the jsonl_reader fuzz target: the empty line's newline
        // was dropped, then the CR that ended the line before it.
        let corpus = read_str("{\"text\":\"a b\"}\r\r\n\n{\"text\":\"c d\"}\n", 1 << 20);
        let texts: Vec<&str> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["a b", "c d"]);
    }

    #[test]
    fn a_field_is_replaced_and_nothing_else_changes() {
        let line = r#"{"id":148, "text" : "old\ntext","url":"u","n":1.50}"#;
        assert_eq!(
            with_field(line, "text", "new \"one\"").unwrap(),
            r#"{"id":148, "text" : "new \"one\"","url":"u","n":1.50}"#
        );
        assert!(with_field(line, "body", "x").is_err());
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
