//! Near-duplicate search against the stored articles: block counts bound
//! each stored article's shared shingles (see `segment.rs`), the articles
//! whose bound can meet the rule are verified exactly on their stored text,
//! with the batch path's own shingler, similarity and edge rule.
//!
//! The answer is every stored article the rule accepts: the same rule the
//! batch path applies to its candidates, so a query finds each pair a batch
//! run over the union verifies (see the README's "Daily ingest").

use redb::{ReadOnlyTable, ReadTransaction, ReadableTable};
use serde::Serialize;

use super::codec::Corrupt;
use super::segment::{blocks, for_each_posting, SegmentInfo};
use super::store::{inflate, store_error, StoredDoc, DOCS, POSTINGS, SEGMENTS, TEXTS};
use super::IndexError;
use crate::events::dates::Day;
use crate::id::Id;
use crate::neardup::shingle::{Shingler, Shingles};
use crate::neardup::verify::{EdgeRule, Similarity};
use crate::neardup::NearDupParams;

/// A stored article a query article copies or is copied by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Copy {
    #[serde(skip)]
    pub doc: u32,
    pub id: Id,
    #[serde(serialize_with = "crate::report::rounded")]
    pub jaccard: f64,
    #[serde(serialize_with = "crate::report::rounded")]
    pub containment: f64,
}

/// Compare only with stored articles dated within `days` of the query
/// article (or, for an undated one, of the latest stored day). Undated
/// stored articles are always compared: their age is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub days: u32,
}

/// A segment as the search sees it.
struct Segment {
    id: u32,
    info: SegmentInfo,
    range: Option<(Day, Day)>,
    has_undated: bool,
}

/// Per-thread buffers of the block counts.
#[derive(Default)]
pub struct Scratch {
    counts: Vec<u32>,
    touched: Vec<u32>,
}

impl Scratch {
    pub(super) fn tally(&mut self, value: &[u8], n: u32) -> Result<(), Corrupt> {
        let (counts, touched) = (&mut self.counts, &mut self.touched);
        for_each_posting(value, |local| {
            let Some(count) = counts.get_mut(local as usize) else {
                return;
            };
            if *count == 0 {
                touched.push(local);
            }
            *count += n;
        })
    }

    pub(super) fn count(&self, local: usize) -> u32 {
        self.counts[local]
    }

    pub(super) fn touched(&self) -> &[u32] {
        &self.touched
    }

    pub(super) fn reset(&mut self, len: usize) {
        self.counts.clear();
        self.counts.resize(len, 0);
        self.touched.clear();
    }
}

pub struct Searcher {
    segments: Vec<Segment>,
    postings: ReadOnlyTable<(u32, u32), &'static [u8]>,
    docs: ReadOnlyTable<u32, &'static [u8]>,
    texts: ReadOnlyTable<u32, &'static [u8]>,
    params: NearDupParams,
    rule: EdgeRule,
    latest: Option<Day>,
}

impl Searcher {
    pub fn new(txn: &ReadTransaction, params: NearDupParams) -> Result<Self, IndexError> {
        let table = txn.open_table(SEGMENTS).map_err(store_error)?;
        let mut segments = Vec::new();
        for entry in table.iter().map_err(store_error)? {
            let (id, value) = entry.map_err(store_error)?;
            let info = SegmentInfo::decode(value.value())
                .map_err(|_| super::store::damaged("segments", id.value()))?;
            segments.push(Segment {
                id: id.value(),
                range: info.day_range(),
                has_undated: info.days.iter().any(Option::is_none),
                info,
            });
        }
        let latest = segments.iter().filter_map(|s| s.range).map(|r| r.1).max();
        Ok(Searcher {
            segments,
            postings: txn.open_table(POSTINGS).map_err(store_error)?,
            docs: txn.open_table(DOCS).map_err(store_error)?,
            texts: txn.open_table(TEXTS).map_err(store_error)?,
            rule: params.edge_rule(),
            params,
            latest,
        })
    }

    pub fn shingler(&self) -> Shingler {
        Shingler::new(self.params.ngram, self.params.seed)
    }

    /// Every stored article that meets the rule with `set`, the most
    /// similar first (ties by id).
    pub fn near_duplicates(
        &self,
        set: &Shingles,
        day: Option<Day>,
        window: Option<Window>,
        scratch: &mut Scratch,
        shingler: &mut Shingler,
    ) -> Result<Vec<Copy>, IndexError> {
        let mut found = Vec::new();
        if set.is_empty() {
            return Ok(found);
        }
        let reference = day.or(self.latest);
        let within = |d: Option<Day>| match (window, d, reference) {
            (Some(w), Some(d), Some(r)) => (d - r).unsigned_abs() <= w.days,
            _ => true,
        };
        for segment in &self.segments {
            if let (Some(w), Some((lo, hi)), Some(r)) = (window, segment.range, reference) {
                let outside = hi < r - w.days as i32 || lo > r + w.days as i32;
                if outside && !segment.has_undated {
                    continue;
                }
            }
            let info = &segment.info;
            scratch.reset(info.docs.len());
            for (block, n) in blocks(set, info.block_bits) {
                if let Some(value) = self
                    .postings
                    .get((segment.id, block))
                    .map_err(store_error)?
                {
                    scratch
                        .tally(value.value(), n)
                        .map_err(|_| super::store::damaged("postings", segment.id))?;
                }
            }
            let touched = std::mem::take(&mut scratch.touched);
            for &local in &touched {
                let l = local as usize;
                let size = info.sizes[l] as usize;
                let bound = (scratch.counts[l] as usize).min(size).min(set.len());
                if !self
                    .rule
                    .is_edge(&Similarity::of_counts(bound, set.len(), size))
                    || !within(info.days[l])
                {
                    continue;
                }
                if let Some(copy) = self.verify(info.docs[l], set, shingler)? {
                    found.push(copy);
                }
            }
            scratch.touched = touched;
        }
        sort_copies(&mut found);
        Ok(found)
    }

    /// The stored article `doc` against `set`, exactly: `None` when it was
    /// expired or the rule rejects the pair.
    fn verify(
        &self,
        doc: u32,
        set: &Shingles,
        shingler: &mut Shingler,
    ) -> Result<Option<Copy>, IndexError> {
        let Some(stored) = self.doc(doc)? else {
            return Ok(None);
        };
        let other = shingler.shingles(&self.text(doc)?);
        let s = Similarity::between(set, &other);
        Ok(self.rule.is_edge(&s).then_some(Copy {
            doc,
            id: stored.id,
            jaccard: s.jaccard,
            containment: s.containment,
        }))
    }

    pub fn doc(&self, doc: u32) -> Result<Option<StoredDoc>, IndexError> {
        let value = self.docs.get(doc).map_err(store_error)?;
        value
            .map(|v| StoredDoc::decode(v.value()).map_err(|_| super::store::damaged("docs", doc)))
            .transpose()
    }

    /// The compared text of a stored article.
    pub fn text(&self, doc: u32) -> Result<String, IndexError> {
        let value = self
            .texts
            .get(doc)
            .map_err(store_error)?
            .ok_or_else(|| super::store::damaged("texts", doc))?;
        inflate(value.value()).map_err(|_| super::store::damaged("texts", doc))
    }

    /// The latest day of a stored article, if any is dated.
    pub fn latest(&self) -> Option<Day> {
        self.latest
    }
}

/// Most similar first: Jaccard, then containment, then id.
pub fn sort_copies(copies: &mut [Copy]) {
    copies.sort_by(|a, b| {
        b.jaccard
            .total_cmp(&a.jaccard)
            .then(b.containment.total_cmp(&a.containment))
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
}
