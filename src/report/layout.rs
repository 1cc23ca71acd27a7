//! The report's order and numbering, worked out on corpus indices before
//! anything is written: which event is which cluster, which article stands
//! for it, and each near-duplicate group's number. The clusters themselves
//! ([`Cluster`], with their ids, titles and pairs) are built one at a time
//! as they are written, so a report never holds all of them at once.

use super::{
    iso_day, plural, round4, tool, ArticleLine, Cluster, ErrorEntry, GroupEntry, Inputs,
    KeptApartEntry, Member, PairEntry, Params, Report, Summary, SCHEMA,
};
use crate::id::Id;
use crate::record::Record;

/// A clustering laid out for the `dedup/1` report; see the module docs.
pub struct Layout<'a> {
    inputs: Inputs<'a>,
    /// Each article's near-duplicate group (an index into `inputs.groups`).
    group_of: Vec<Option<usize>>,
    /// Each group's representative (`--keep`), as an article index.
    group_rep: Vec<usize>,
    /// Each group's number in the report, from 1.
    group_number: Vec<usize>,
    /// The clusters in report order: an index into `inputs.events` and the
    /// article that stands for it.
    order: Vec<(usize, usize)>,
    errors: Vec<ErrorEntry>,
}

impl<'a> Layout<'a> {
    /// Orders the clusters (size, then representative id) and numbers the
    /// groups in that order (within a cluster, by representative id).
    pub fn new(inputs: Inputs<'a>) -> Layout<'a> {
        let records = inputs.records;
        let mut group_of = vec![None; records.len()];
        for (g, group) in inputs.groups.iter().enumerate() {
            for &m in &group.members {
                group_of[m] = Some(g);
            }
        }
        let group_rep: Vec<usize> = inputs
            .groups
            .iter()
            .map(|g| inputs.keep.choose(&g.members, records))
            .collect();
        let mut order: Vec<(usize, usize)> = inputs
            .events
            .iter()
            .enumerate()
            .map(|(e, event)| {
                // The most central article that is not a removed copy stands
                // for the event; ids are unique, so the choice is total.
                let representative = event
                    .members
                    .iter()
                    .zip(&event.scores)
                    .filter(|(&m, _)| group_of[m].is_none_or(|g| group_rep[g] == m))
                    .max_by(|x, y| {
                        let score = |s: &Option<f64>| s.unwrap_or(0.0);
                        score(x.1)
                            .total_cmp(&score(y.1))
                            .then_with(|| records[*y.0].id.cmp(&records[*x.0].id))
                    })
                    .map(|(&m, _)| m)
                    .expect("an event has a representative");
                (e, representative)
            })
            .collect();
        order.sort_by(|&(x, x_rep), &(y, y_rep)| {
            let size = |e: usize| inputs.events[e].members.len();
            size(y)
                .cmp(&size(x))
                .then_with(|| records[x_rep].id.cmp(&records[y_rep].id))
        });
        let mut group_number = vec![0; inputs.groups.len()];
        let mut next = 0;
        for &(e, _) in &order {
            let mut groups: Vec<usize> = inputs.events[e]
                .members
                .iter()
                .filter_map(|&m| group_of[m])
                .collect();
            groups.sort_by(|&x, &y| records[group_rep[x]].id.cmp(&records[group_rep[y]].id));
            groups.dedup();
            for g in groups {
                next += 1;
                group_number[g] = next;
            }
        }
        let errors = inputs
            .errors
            .iter()
            .map(|e| ErrorEntry {
                input: e.input.clone(),
                message: e.problem.to_string(),
            })
            .collect();
        Layout {
            inputs,
            group_of,
            group_rep,
            group_number,
            order,
            errors,
        }
    }

    /// The same layout, reporting `errors` instead of the inputs' (a merge
    /// reports the errors its sketches recorded).
    pub fn with_errors(self, errors: Vec<ErrorEntry>) -> Layout<'a> {
        Layout { errors, ..self }
    }

    pub fn params(&self) -> Params {
        let i = &self.inputs;
        Params::new(i.neardup, i.event_threshold, i.event_weights)
    }

    pub fn summary(&self) -> Summary {
        let groups = self.inputs.groups;
        Summary {
            articles: self.inputs.records.len(),
            clusters: self.order.len(),
            near_duplicate_groups: groups.len(),
            duplicates: groups.iter().map(|g| g.members.len() - 1).sum(),
            errors: self.errors.len(),
        }
    }

    pub fn errors(&self) -> &[ErrorEntry] {
        &self.errors
    }

    /// The pairs kept apart as two pages of one template, each with its
    /// ids in order, sorted by them.
    pub fn kept_apart(&self) -> Vec<KeptApartEntry> {
        let mut entries: Vec<KeptApartEntry> = self
            .inputs
            .kept_apart
            .iter()
            .map(|p| {
                let (a, b) = (self.id(p.a), self.id(p.b));
                KeptApartEntry {
                    a: a.min(b).clone(),
                    b: a.max(b).clone(),
                    jaccard: round4(p.jaccard),
                    containment: round4(p.containment),
                    evidence: "furniture".into(),
                }
            })
            .collect();
        entries.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        entries
    }

    /// Clusters of more than one article; they come before the others.
    pub fn multi_clusters(&self) -> usize {
        let events = self.inputs.events;
        events.iter().filter(|e| e.members.len() > 1).count()
    }

    /// Whether the article at `index` is kept: it is in no group, or is its
    /// group's representative (its [`ArticleLine::duplicate_of`] is `null`).
    pub fn is_kept(&self, index: usize) -> bool {
        self.group_of[index].is_none_or(|g| self.group_rep[g] == index)
    }

    /// The id of the kept article `index` is a copy of; `None` when it is kept.
    fn duplicate_of(&self, index: usize) -> Option<Id> {
        self.group_of[index]
            .map(|g| self.group_rep[g])
            .filter(|&rep| rep != index)
            .map(|rep| self.id(rep).clone())
    }

    /// The clusters in report order, each built when it is asked for.
    pub fn clusters(&self) -> impl Iterator<Item = Cluster> + '_ {
        (0..self.order.len()).map(|k| self.cluster(k))
    }

    /// One line per article, in report order, without building clusters.
    pub fn article_lines(&self) -> impl Iterator<Item = ArticleLine> + '_ {
        self.article_rows().map(|(line, _)| line)
    }

    /// [`Layout::article_lines`], each with the article's record (its
    /// title, source and date).
    pub fn article_rows(&self) -> impl Iterator<Item = (ArticleLine, &Record)> + '_ {
        self.order.iter().enumerate().flat_map(move |(k, &(e, _))| {
            let mut members = self.inputs.events[e].members.clone();
            members.sort_by(|&x, &y| self.id(x).cmp(self.id(y)));
            members.into_iter().map(move |m| {
                let group = self.group_of[m];
                let line = ArticleLine {
                    id: self.id(m).clone(),
                    cluster: k + 1,
                    group: group.map(|g| self.group_number[g]),
                    duplicate_of: self.duplicate_of(m),
                };
                (line, &self.inputs.records[m])
            })
        })
    }

    /// The whole report in memory (for callers that want the value).
    pub fn report(&self) -> Report {
        Report {
            schema: SCHEMA.into(),
            tool: tool(),
            params: self.params(),
            summary: self.summary(),
            clusters: self.clusters().collect(),
            kept_apart: self.kept_apart(),
            errors: self.errors.clone(),
        }
    }

    /// The one-line summary printed on stderr, its counts grouped by
    /// thousands as the progress bars write them.
    pub fn summary_line(&self) -> String {
        let s = self.summary();
        let n = crate::progress::thousands;
        format!(
            "{} {}, {} {} ({} with more than one article), {} near-duplicate {} ({} {}), {} {}",
            n(s.articles),
            plural(s.articles, "article", "articles"),
            n(s.clusters),
            plural(s.clusters, "cluster", "clusters"),
            n(self.multi_clusters()),
            n(s.near_duplicate_groups),
            plural(s.near_duplicate_groups, "group", "groups"),
            n(s.duplicates),
            plural(s.duplicates, "duplicate", "duplicates"),
            n(s.errors),
            plural(s.errors, "error", "errors"),
        )
    }

    fn id(&self, article: usize) -> &'a Id {
        &self.inputs.records[article].id
    }

    /// The `k`th cluster of the report (from 0).
    fn cluster(&self, k: usize) -> Cluster {
        let (e, representative) = self.order[k];
        let (event, records) = (&self.inputs.events[e], self.inputs.records);
        let mut members: Vec<(usize, Option<f64>)> = event
            .members
            .iter()
            .copied()
            .zip(event.scores.iter().copied())
            .collect();
        members.sort_by(|x, y| self.id(x.0).cmp(self.id(y.0)));
        let mut groups: Vec<usize> = members.iter().filter_map(|m| self.group_of[m.0]).collect();
        groups.sort_by_key(|&g| self.group_number[g]);
        groups.dedup();
        let evidence = &event.evidence;
        Cluster {
            id: k + 1,
            size: members.len(),
            title: records[representative].title.clone(),
            representative: self.id(representative).clone(),
            members: members
                .iter()
                .map(|&(m, score)| Member {
                    id: self.id(m).clone(),
                    title: records[m].title.clone(),
                    group: self.group_of[m].map(|g| self.group_number[g]),
                    duplicate_of: self.duplicate_of(m),
                    score: score.map(round4),
                    source: records[m].source.clone(),
                    date: records[m].date.clone(),
                })
                .collect(),
            near_duplicate_groups: groups.into_iter().map(|g| self.group_entry(g)).collect(),
            cohesion: evidence.cohesion.map(round4),
            dates: evidence.dates.map(|(a, b)| [iso_day(a), iso_day(b)]),
            shared_terms: evidence.terms.clone(),
            shared_names: evidence.names.clone(),
        }
    }

    fn group_entry(&self, g: usize) -> GroupEntry {
        let group = &self.inputs.groups[g];
        let mut members: Vec<Id> = group.members.iter().map(|&m| self.id(m).clone()).collect();
        members.sort();
        let mut pairs: Vec<PairEntry> = group
            .pairs
            .iter()
            .map(|p| {
                let (a, b) = (self.id(p.a), self.id(p.b));
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                PairEntry {
                    a: a.clone(),
                    b: b.clone(),
                    jaccard: round4(p.jaccard),
                    containment: round4(p.containment),
                }
            })
            .collect();
        pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        GroupEntry {
            id: self.group_number[g],
            representative: self.id(self.group_rep[g]).clone(),
            members,
            pairs,
        }
    }
}
