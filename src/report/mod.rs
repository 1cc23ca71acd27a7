//! Stage 5, report: the clustering as data ([`Report`], the `dedup/1` JSON
//! contract) and its renderings for people and programs.
//!
//! ## Wire format `dedup/1`
//! `--format json` prints one [`Report`] object. Every article is a member of
//! exactly one cluster (singletons are clusters of size 1). Clusters are
//! ordered by size (largest first), then by representative id; members by id;
//! near-duplicate groups by representative id, and numbered in output order.
//! `--format jsonl` prints one [`ArticleLine`] per article. Fields may be
//! added within `dedup/1`; renaming or removing one needs `dedup/2`.

pub mod json;
pub mod jsonl;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::error::InputError;
use crate::events::Event;
use crate::id::Id;
use crate::neardup::{Group, NearDupParams};

pub const SCHEMA: &str = "dedup/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub params: Params,
    pub summary: Summary,
    pub clusters: Vec<Cluster>,
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
    /// Mean event score of the cluster's pairs, in [0, 1] (copies counted
    /// once); `null` for one article, a group of copies or `--no-events`.
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
    /// Mean event similarity to the other members; `null` when alone.
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub id: usize,
    /// The copy that is kept (see `--keep`); the others are its duplicates.
    pub representative: Id,
    pub members: Vec<Id>,
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
    pub fn choose(self, members: &[usize], articles: &[Article], lengths: &[usize]) -> usize {
        let key = |&i: &usize| {
            let a = &articles[i];
            let primary: (usize, Option<&str>, usize) = match self {
                Keep::First => (i, None, 0),
                Keep::Longest => (usize::MAX - lengths[i], None, 0),
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
pub struct Inputs<'a> {
    pub articles: &'a [Article],
    pub groups: &'a [Group],
    pub events: &'a [Event],
    /// Compared text length per article, for `Keep::Longest`.
    pub lengths: &'a [usize],
    pub errors: &'a [InputError],
    pub neardup: &'a NearDupParams,
    pub event_threshold: Option<f64>,
    pub event_weights: Option<[f64; 3]>,
    pub keep: Keep,
}

/// Builds the `dedup/1` report: numbering, representatives and order.
pub fn build(inputs: &Inputs) -> Report {
    let articles = inputs.articles;
    let id = |i: usize| articles[i].id.clone();
    let mut group_of = vec![None; articles.len()];
    for (g, group) in inputs.groups.iter().enumerate() {
        for &m in &group.members {
            group_of[m] = Some(g);
        }
    }
    let group_rep: Vec<usize> = inputs
        .groups
        .iter()
        .map(|g| inputs.keep.choose(&g.members, articles, inputs.lengths))
        .collect();

    struct Draft<'e> {
        representative: usize,
        members: Vec<(usize, Option<f64>)>,
        groups: Vec<usize>,
        evidence: &'e crate::events::evidence::Evidence,
    }
    let mut drafts: Vec<Draft> = inputs
        .events
        .iter()
        .map(|event| {
            let mut members: Vec<(usize, Option<f64>)> = event
                .members
                .iter()
                .copied()
                .zip(event.scores.iter().copied())
                .collect();
            members.sort_by(|x, y| articles[x.0].id.cmp(&articles[y.0].id));
            let mut groups: Vec<usize> = members.iter().filter_map(|m| group_of[m.0]).collect();
            groups.sort_by(|&x, &y| articles[group_rep[x]].id.cmp(&articles[group_rep[y]].id));
            groups.dedup();
            // The most central article that is not a removed copy stands for the event.
            let representative = members
                .iter()
                .filter(|m| group_of[m.0].is_none_or(|g| group_rep[g] == m.0))
                .max_by(|x, y| {
                    let score = |m: &(usize, Option<f64>)| m.1.unwrap_or(0.0);
                    score(x)
                        .total_cmp(&score(y))
                        .then_with(|| articles[y.0].id.cmp(&articles[x.0].id))
                })
                .map(|m| m.0)
                .expect("an event has a representative");
            Draft {
                representative,
                members,
                groups,
                evidence: &event.evidence,
            }
        })
        .collect();
    drafts.sort_by(|x, y| {
        y.members.len().cmp(&x.members.len()).then_with(|| {
            articles[x.representative]
                .id
                .cmp(&articles[y.representative].id)
        })
    });

    let mut group_number = vec![0; inputs.groups.len()];
    let mut next_group = 0;
    let mut clusters = Vec::with_capacity(drafts.len());
    for (c, draft) in drafts.iter().enumerate() {
        let mut entries = Vec::new();
        for &g in &draft.groups {
            next_group += 1;
            group_number[g] = next_group;
            let group = &inputs.groups[g];
            let mut members: Vec<Id> = group.members.iter().map(|&m| id(m)).collect();
            members.sort();
            let mut pairs: Vec<PairEntry> = group
                .pairs
                .iter()
                .map(|p| {
                    let (a, b) = (id(p.a), id(p.b));
                    let (a, b) = if a <= b { (a, b) } else { (b, a) };
                    PairEntry {
                        a,
                        b,
                        jaccard: round4(p.jaccard),
                        containment: round4(p.containment),
                    }
                })
                .collect();
            pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
            entries.push(GroupEntry {
                id: next_group,
                representative: id(group_rep[g]),
                members,
                pairs,
            });
        }
        let members = draft
            .members
            .iter()
            .map(|&(m, score)| Member {
                id: id(m),
                title: articles[m].title.clone(),
                group: group_of[m].map(|g| group_number[g]),
                score: score.map(round4),
            })
            .collect();
        clusters.push(Cluster {
            id: c + 1,
            size: draft.members.len(),
            title: articles[draft.representative].title.clone(),
            representative: id(draft.representative),
            members,
            near_duplicate_groups: entries,
            cohesion: draft.evidence.cohesion.map(round4),
            dates: draft.evidence.dates.map(|(a, b)| [iso_day(a), iso_day(b)]),
            shared_terms: draft.evidence.terms.clone(),
            shared_names: draft.evidence.names.clone(),
        });
    }

    Report {
        schema: SCHEMA.into(),
        tool: Tool {
            name: "dedup".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        params: Params::new(inputs.neardup, inputs.event_threshold, inputs.event_weights),
        summary: Summary {
            articles: articles.len(),
            clusters: clusters.len(),
            near_duplicate_groups: inputs.groups.len(),
            duplicates: inputs.groups.iter().map(|g| g.members.len() - 1).sum(),
            errors: inputs.errors.len(),
        },
        clusters,
        errors: inputs
            .errors
            .iter()
            .map(|e| ErrorEntry {
                input: e.input.clone(),
                message: e.problem.to_string(),
            })
            .collect(),
    }
}

/// `YYYY-MM-DD` of a day.
fn iso_day(day: crate::events::dates::Day) -> String {
    let (y, m, d) = crate::events::dates::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Report {
    /// One line per article, in report order.
    pub fn article_lines(&self) -> impl Iterator<Item = ArticleLine> + '_ {
        self.clusters.iter().flat_map(|cluster| {
            cluster.members.iter().map(move |member| {
                let group = member
                    .group
                    .and_then(|g| cluster.near_duplicate_groups.iter().find(|e| e.id == g));
                ArticleLine {
                    id: member.id.clone(),
                    cluster: cluster.id,
                    group: member.group,
                    duplicate_of: group
                        .filter(|g| g.representative != member.id)
                        .map(|g| g.representative.clone()),
                }
            })
        })
    }

    /// The one-line summary printed on stderr.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let multi = self.clusters.iter().filter(|c| c.size > 1).count();
        format!(
            "{} {}, {} {} ({} with more than one article), {} near-duplicate {} ({} {}), {} {}",
            s.articles,
            plural(s.articles, "article", "articles"),
            s.clusters,
            plural(s.clusters, "cluster", "clusters"),
            multi,
            s.near_duplicate_groups,
            plural(s.near_duplicate_groups, "group", "groups"),
            s.duplicates,
            plural(s.duplicates, "duplicate", "duplicates"),
            s.errors,
            plural(s.errors, "error", "errors"),
        )
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
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
