//! The sketch file format, `dedup-sketch/2`: what one shard of a corpus
//! leaves for the join (Spark, or `dedup join`) and for `dedup merge`.
//!
//! A sketch file is JSONL, one object a line:
//! 1. a [`Header`]: the format, the shard, the parameters and hash seeds the
//!    records were made with, the corpus they came from (its article count
//!    and a fingerprint of its ids, so shards of different corpora or reads
//!    are never mixed), and the input errors of the read;
//! 2. one [`Record`] per article of the shard, in corpus order;
//! 3. a [`Trailer`] with the record count: a file cut short has none.
//!
//! Lists of 64-bit hashes (`shingles`, `bands`) are the base64 (standard
//! alphabet, padded) of their big-endian 8-byte values, so that the hex of
//! the decoded bytes cut in 16-digit pieces gives the values in order, and
//! comparing pieces as strings compares the values as unsigned numbers.
//! Readers refuse any other `format`; fields may be added only under a new
//! version.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::events::features::{self, Features};
use crate::events::{dates, EventDoc};
use crate::id::Id;
use crate::neardup::NearDupParams;
use crate::stopwords;

/// Version 2 added the publication day (`event.published`), without which
/// a merge dated groups by their story days and clustered events unlike a
/// run.
pub const FORMAT: &str = "dedup-sketch/2";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    /// `dedup <version>` that wrote the file.
    pub tool: String,
    pub shard: usize,
    pub shards: usize,
    /// How articles were assigned to shards ([`super::ShardKey::describe`]).
    pub shard_key: String,
    pub params: SketchParams,
    pub corpus: CorpusInfo,
    /// Problems reading the inputs (every shard reads them all, so every
    /// shard lists the same ones).
    pub errors: Vec<ErrorLine>,
}

/// The parameters a record depends on: cleaning, shingling, MinHash and its
/// seed, banding, and the edge rule (the containment prefix depends on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SketchParams {
    pub clean: bool,
    pub ngram: usize,
    pub num_perm: usize,
    pub seed: u64,
    pub bands: usize,
    pub rows: usize,
    pub threshold: f64,
    pub containment: f64,
}

impl SketchParams {
    pub fn new(clean: bool, neardup: &NearDupParams) -> Self {
        SketchParams {
            clean,
            ngram: neardup.ngram,
            num_perm: neardup.num_perm,
            seed: neardup.seed,
            bands: neardup.bands,
            rows: neardup.rows,
            threshold: neardup.threshold,
            containment: neardup.containment,
        }
    }

    /// What differs from `want`, as flags: `--num-perm 64 (this run: 128)`.
    pub fn differences(&self, want: &SketchParams) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |flag: &str, got: String, wanted: String| {
            if got != wanted {
                out.push(format!("{flag} {got} (this run: {wanted})"));
            }
        };
        let clean = |c: bool| if c { "on" } else { "off" }.to_string();
        check("cleaning", clean(self.clean), clean(want.clean));
        check("--ngram", self.ngram.to_string(), want.ngram.to_string());
        check(
            "--num-perm",
            self.num_perm.to_string(),
            want.num_perm.to_string(),
        );
        check("--seed", self.seed.to_string(), want.seed.to_string());
        check("--bands", self.bands.to_string(), want.bands.to_string());
        check("--rows", self.rows.to_string(), want.rows.to_string());
        check(
            "--threshold",
            self.threshold.to_string(),
            want.threshold.to_string(),
        );
        check(
            "--containment",
            self.containment.to_string(),
            want.containment.to_string(),
        );
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusInfo {
    /// Articles in the whole corpus, every shard's.
    pub articles: usize,
    /// xxh3-64 of every article id in corpus order, each followed by a NUL.
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorLine {
    pub input: String,
    pub message: String,
}

/// One article of the shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Position in the whole corpus (input order), the article's number in
    /// candidate pairs.
    pub ordinal: usize,
    /// Exactly as given: a JSON number stays a number.
    pub id: Id,
    /// The title the report shows: the input's, else guessed from the text.
    pub title: Option<String>,
    /// The publication date as given.
    pub date: Option<String>,
    /// The outlet or site the input names, for the report's member lines
    /// (absent from sketches written before it was added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Bytes of the compared (cleaned) text.
    pub length: usize,
    /// xxh3-128 of `shingles` (32 hex digits): equal sets, equal keys.
    /// `null` for a text without words, which is compared with nothing.
    pub set: Option<String>,
    /// The sorted shingle hashes, exact verification's input.
    pub shingles: String,
    /// How many of its first shingles (in the join's order) a set must share
    /// with a set containing it (0: too short to be contained).
    pub prefix: usize,
    /// The LSH band keys, in band order (empty for a text without words).
    pub bands: String,
    pub event: EventLine,
}

/// The event stage's features of one article (see
/// [`crate::events::features::Features`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventLine {
    pub language: String,
    pub terms: Vec<(String, f32)>,
    pub names: Vec<(String, u32)>,
    pub anchors: Vec<String>,
    /// The story's day ([`Features::date`]), days since 1970-01-01.
    pub day: Option<i32>,
    /// The publication day ([`dates::published`]), days since 1970-01-01:
    /// a group is dated by its members' publication days.
    pub published: Option<i32>,
}

impl EventLine {
    /// The features of `doc` and its publication day.
    pub fn new(doc: &EventDoc) -> Self {
        let f = features::extract(doc);
        EventLine {
            language: f.language.to_string(),
            terms: f.terms,
            names: f.names,
            anchors: f.anchors,
            day: f.date,
            published: dates::published(doc.date, doc.raw),
        }
    }

    pub fn features(&self) -> Features {
        Features {
            language: stopwords::for_language(&self.language).language,
            terms: self.terms.clone(),
            names: self.names.clone(),
            anchors: self.anchors.clone(),
            years: crate::events::features::years(&self.anchors),
            date: self.day,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trailer {
    pub end: End,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct End {
    pub records: usize,
}

pub fn encode_u64s(values: &[u64]) -> String {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
    STANDARD.encode(bytes)
}

pub fn decode_u64s(text: &str) -> Result<Vec<u64>, String> {
    let bytes = STANDARD.decode(text).map_err(|e| e.to_string())?;
    if bytes.len() % 8 != 0 {
        return Err(format!(
            "{} bytes is not a list of 8-byte values",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| u64::from_be_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

/// The header of the sketch file at `path`.
pub fn read_header(path: &Path) -> Result<Header> {
    let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let mut line = String::new();
    BufReader::new(file)
        .read_line(&mut line)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    parse_header(&line).with_context(|| format!("{}", path.display()))
}

fn parse_header(line: &str) -> Result<Header> {
    if line.trim().is_empty() {
        bail!("empty: not a sketch file");
    }
    let value: serde_json::Value =
        serde_json::from_str(line).context("not a sketch file (its first line is not JSON)")?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => bail!("format {other}, this dedup reads {FORMAT}"),
        None => bail!("not a sketch file (no \"format\" in its first line)"),
    }
    serde_json::from_value(value).context("malformed header")
}

/// Calls `each` with every record of the sketch file at `path`, in order,
/// and checks the file ends with its trailer and holds as many records as
/// the trailer says. Errors name the file (and line).
pub fn read_records(path: &Path, mut each: impl FnMut(Record) -> Result<()>) -> Result<usize> {
    let name = path.display();
    let file = File::open(path).with_context(|| format!("{name}: cannot open"))?;
    let mut lines = BufReader::new(file).lines();
    lines
        .next()
        .transpose()
        .with_context(|| format!("{name}: cannot read"))?;
    let mut records = 0;
    for (number, line) in (2..).zip(lines) {
        let line = line.with_context(|| format!("{name}: cannot read"))?;
        if line.starts_with("{\"end\"") {
            let trailer: Trailer = serde_json::from_str(&line)
                .with_context(|| format!("{name}:{number}: malformed end line"))?;
            if trailer.end.records != records {
                bail!(
                    "{name}: truncated: {records} records, the end line says {}",
                    trailer.end.records
                );
            }
            return Ok(records);
        }
        let record: Record = serde_json::from_str(&line).map_err(|e| {
            if e.is_eof() {
                anyhow::anyhow!("{name}:{number}: truncated: the line is cut short")
            } else {
                anyhow::anyhow!("{name}:{number}: malformed record: {e}")
            }
        })?;
        each(record)?;
        records += 1;
    }
    bail!("{name}: truncated: no end line after {records} records")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_lists_round_trip_and_read_as_big_endian_hex() {
        let values = [0, 1, u64::MAX, 0x0123_4567_89ab_cdef];
        let text = encode_u64s(&values);
        assert_eq!(decode_u64s(&text).unwrap(), values);
        let bytes = STANDARD.decode(&text).unwrap();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(&hex[48..], "0123456789abcdef");
        assert!(decode_u64s("AAAA").is_err());
    }

    #[test]
    fn headers_of_other_formats_are_refused() {
        let err = parse_header(r#"{"format":"dedup-sketch/9"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "format dedup-sketch/9, this dedup reads dedup-sketch/2"
        );
        assert!(parse_header("{\"id\":1}").is_err());
        assert!(parse_header("").is_err());
    }

    #[test]
    fn event_lines_keep_the_publication_day_beside_the_story_day() {
        let doc = EventDoc {
            id: "a",
            title: Some("Quake hits Lindenau"),
            text: "A quake hit Lindenau on Tuesday. Officials in Lindenau said 40 were hurt.",
            raw: "",
            date: Some("2024-03-14"),
        };
        let line = EventLine::new(&doc);
        // Published on Thursday 14 March, about "Tuesday": the 12th.
        assert_eq!(line.published, dates::days_from_civil(2024, 3, 14));
        assert_eq!(line.day, dates::days_from_civil(2024, 3, 12));
        assert_eq!(line.features(), features::extract(&doc));
    }

    #[test]
    fn differences_name_the_flags() {
        let params = NearDupParams {
            ngram: 5,
            num_perm: 128,
            seed: 42,
            threshold: 0.5,
            containment: 0.8,
            bands: 30,
            rows: 4,
        };
        let a = SketchParams::new(true, &params);
        let b = SketchParams::new(
            true,
            &NearDupParams {
                num_perm: 64,
                ..params
            },
        );
        assert!(a.differences(&a).is_empty());
        assert_eq!(b.differences(&a), ["--num-perm 64 (this run: 128)"]);
    }
}
