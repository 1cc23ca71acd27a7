//! Stage 5, report: the clustering as data ([`Report`], the `dedup/1` JSON
//! contract) and its renderings for people and programs. The writers work
//! from a [`Layout`] (order and numbering, on corpus indices) and build one
//! cluster at a time: the ids, titles and pairs of one cluster are held, not
//! those of the whole report.
//!
//! ## Wire format `dedup/1`
//! `--format json` prints one [`Report`] object. Every article is a member of
//! exactly one cluster (singletons are clusters of size 1). Clusters are
//! ordered by size (largest first), then by representative id; members by id;
//! near-duplicate groups by representative id, and numbered in output order.
//! `--format jsonl` prints one [`ArticleLine`] per article. Fields may be
//! added within `dedup/1`; renaming or removing one needs `dedup/2`.

pub mod csv;
pub mod json;
pub mod jsonl;
mod layout;
pub mod text;

pub use layout::Layout;

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::events::Event;
use crate::id::Id;
use crate::neardup::{Group, NearDupParams, Pair};
use crate::record::Record;

pub const SCHEMA: &str = "dedup/1";

/// One output format: writes a report to `out` as it is produced, a cluster
/// or an article at a time. Each format is a file of this module
/// ([`json::Json`], [`jsonl::Jsonl`], [`text::Text`]).
pub trait Reporter {
    fn write(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()>;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub params: Params,
    pub summary: Summary,
    pub clusters: Vec<Cluster>,
    /// Pairs whose compared texts met the copy rule but were kept apart,
    /// with why; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_apart: Vec<KeptApartEntry>,
    pub errors: Vec<ErrorEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The effective parameters of the run, so a result can be reproduced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub ngram: usize,
    pub num_perm: usize,
    pub bands: usize,
    pub rows: usize,
    pub threshold: f64,
    pub containment: f64,
    /// `null` when event clustering is off (`--no-events`).
    pub event_threshold: Option<f64>,
    /// Weights of the terms, names and anchors channels (`--event-weights`);
    /// `null` with `--no-events`.
    pub event_weights: Option<[f64; 3]>,
    pub seed: u64,
}

impl Params {
    pub fn new(
        p: &NearDupParams,
        event_threshold: Option<f64>,
        event_weights: Option<[f64; 3]>,
    ) -> Params {
        Params {
            ngram: p.ngram,
            num_perm: p.num_perm,
            bands: p.bands,
            rows: p.rows,
            threshold: p.threshold,
            containment: p.containment,
            event_threshold,
            event_weights,
            seed: p.seed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub articles: usize,
    pub clusters: usize,
    pub near_duplicate_groups: usize,
    /// Articles that are a copy of their group's representative.
    pub duplicates: usize,
    pub errors: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub id: usize,
    pub size: usize,
    pub title: Option<String>,
    pub representative: Id,
    pub members: Vec<Member>,
    pub near_duplicate_groups: Vec<GroupEntry>,
    /// Mean similarity of the cluster's members to its centroid, in [0, 1]
    /// (copies counted once); `null` for one article, a group of copies or
    /// `--no-events`.
    /// A low value marks a weak cluster.
    #[serde(default)]
    pub cohesion: Option<f64>,
    /// Earliest and latest story day of a member (ISO); `null` when none is dated.
    #[serde(default)]
    pub dates: Option<[String; 2]>,
    /// Content terms most members share, most telling first (at most 5).
    #[serde(default)]
    pub shared_terms: Vec<String>,
    /// Names most members share (at most 5).
    #[serde(default)]
    pub shared_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: Id,
    pub title: Option<String>,
    /// The near-duplicate group the article belongs to, if any.
    pub group: Option<usize>,
    /// The kept article this one is a copy of (its group's representative);
    /// `null` for a kept article.
    #[serde(default)]
    pub duplicate_of: Option<Id>,
    /// Event similarity to the event's centroid; `null` when alone.
    pub score: Option<f64>,
    /// The outlet or site the input names (`--source-field`); absent when
    /// it names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The publication date as the input gives it (`--date-field`); absent
    /// when it gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub id: usize,
    /// The copy that is kept (see `--keep`); the others are its duplicates.
    pub representative: Id,
    pub members: Vec<Id>,
    /// Each member but the representative with the representative, and
    /// their exact similarity: linear in the group's size.
    pub pairs: Vec<PairEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairEntry {
    pub a: Id,
    pub b: Id,
    pub jaccard: f64,
    pub containment: f64,
}

/// Two articles alike only through their site's furniture: two pages of one
/// template, neither a copy of the other (`--write-unique` keeps both).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeptApartEntry {
    pub a: Id,
    pub b: Id,
    pub jaccard: f64,
    pub containment: f64,
    /// What their likeness rests on: `"furniture"`, the frame of lines
    /// both pages share around their own texts.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEntry {
    pub input: String,
    pub message: String,
}

/// One line of `--format jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleLine {
    pub id: Id,
    pub cluster: usize,
    pub group: Option<usize>,
    /// The representative of the article's group, unless it is that representative.
    pub duplicate_of: Option<Id>,
}

/// Which copy of a near-duplicate group is its representative (the one kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// The first in input order.
    First,
    /// The longest cleaned text (the most complete copy).
    #[default]
    Longest,
    /// The earliest date; undated articles come last.
    Earliest,
}

impl Keep {
    /// The preferred article of `members` (corpus indices): ties go to the
    /// smallest id, so the choice never depends on anything but the data.
    pub fn choose(self, members: &[usize], records: &[Record]) -> usize {
        let key = |&i: &usize| {
            let a = &records[i];
            let primary: (usize, Option<&str>, usize) = match self {
                Keep::First => (i, None, 0),
                Keep::Longest => (usize::MAX - a.length, None, 0),
                Keep::Earliest => (a.date.is_none() as usize, a.date.as_deref(), 0),
            };
            (primary, a.id.as_str())
        };
        *members
            .iter()
            .min_by(|x, y| key(x).cmp(&key(y)))
            .expect("a group has members")
    }
}

/// What the report is built from.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// One per article, in corpus order.
    pub records: &'a [Record],
    pub groups: &'a [Group],
    /// Pairs kept apart as two pages of one template.
    pub kept_apart: &'a [Pair],
    pub events: &'a [Event],
    pub errors: &'a [InputError],
    pub neardup: &'a NearDupParams,
    pub event_threshold: Option<f64>,
    pub event_weights: Option<[f64; 3]>,
    pub keep: Keep,
}

/// The whole `dedup/1` report in memory; writers stream from a [`Layout`]
/// instead.
pub fn build(inputs: &Inputs) -> Report {
    Layout::new(*inputs).report()
}

fn tool() -> Tool {
    Tool {
        name: "dedup".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// `YYYY-MM-DD` of a day.
fn iso_day(day: crate::events::dates::Day) -> String {
    let (y, m, d) = crate::events::dates::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `one` for a count of 1, else `many`: "1 article", "2 articles".
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Scores are printed to 4 decimals: enough to compare, stable to read.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Serialises a score to 4 decimals ([`round4`]), as every report prints
/// its scores; the value kept in memory stays exact (for sorting).
pub(crate) fn rounded<S: serde::Serializer>(x: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(round4(*x))
}

/// [`rounded`] of an optional score (`null` stays `null`).
pub(crate) fn rounded_opt<S: serde::Serializer>(
    x: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => rounded(x, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::read::{read_inputs, ReadOptions};

    /// The fixtures' report written by `reporter`, with and without events,
    /// next to the same report held whole.
    fn written(reporter: &dyn Reporter) -> Vec<(Report, String)> {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let corpus = read_inputs(&[fixtures.into()], &ReadOptions::default());
        let mut runs = Vec::new();
        for events in [true, false] {
            let mut pipeline = Config::default().validate().unwrap();
            if !events {
                pipeline.events = None;
            }
            let c = crate::cluster(&corpus.articles, &pipeline, &Default::default()).unwrap();
            let inputs = Inputs {
                records: &c.records,
                groups: &c.groups,
                kept_apart: &c.kept_apart,
                events: &c.events,
                errors: &corpus.errors,
                neardup: &pipeline.neardup,
                event_threshold: None,
                event_weights: None,
                keep: pipeline.keep,
            };
            let mut out = Vec::new();
            reporter.write(&Layout::new(inputs), &mut out).unwrap();
            runs.push((build(&inputs), String::from_utf8(out).unwrap()));
        }
        runs
    }

    #[test]
    fn streamed_json_is_the_pretty_printed_report_byte_for_byte() {
        for (report, json) in written(&json::Json) {
            assert!(report.summary.near_duplicate_groups > 0);
            let whole = serde_json::to_string_pretty(&report).unwrap() + "\n";
            assert_eq!(json, whole);
        }
    }

    #[test]
    fn jsonl_lines_agree_with_the_report() {
        for (report, jsonl) in written(&jsonl::Jsonl) {
            let lines: Vec<ArticleLine> = jsonl
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let expected: Vec<ArticleLine> = report
                .clusters
                .iter()
                .flat_map(|c| {
                    c.members.iter().map(|m| {
                        let group = c
                            .near_duplicate_groups
                            .iter()
                            .find(|g| Some(g.id) == m.group);
                        ArticleLine {
                            id: m.id.clone(),
                            cluster: c.id,
                            group: m.group,
                            duplicate_of: group
                                .map(|g| g.representative.clone())
                                .filter(|r| *r != m.id),
                        }
                    })
                })
                .collect();
            assert_eq!(lines, expected);
            assert!(lines.iter().any(|l| l.duplicate_of.is_some()));
        }
    }
}
