//! Near-duplicate search against the stored articles: block counts bound
//! each stored article's shared shingles (see `segment.rs`), the articles
//! whose bound can meet the rule are verified exactly on their stored text,
//! with the batch path's own shingler, similarity and edge rule.
//!
//! The answer is every stored article the rule accepts: the same rule the
//! batch path applies to its candidates, so a query finds each pair a batch
//! run over the union verifies (see the README's "Daily ingest").

use std::collections::HashMap;
use std::ops::ControlFlow;

use rayon::prelude::*;
use redb::{ReadOnlyTable, ReadTransaction};
use serde::Serialize;

use super::codec::Corrupt;
use super::segment::{blocks, for_each_posting, Blocks, SegmentInfo};
use super::store::{
    decompress, read_segments, store_error, StoredDoc, DOCS, POSTINGS, SEGMENTS, TEXTS,
};
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

/// What one B-tree lookup of a value costs, in values read in key order:
/// below one wanted value in this many, lookups win. A group's value is a
/// fraction of a page, so a lookup costs a leaf page, as a pass reads a
/// few values, plus branch pages, mostly cached. One article wants about
/// 300 groups of a 10,000-article segment's 16,384, far below it; with
/// groups of 64 blocks (4,096 a segment) a 1-article query of a 30k index
/// took 0.020 to 0.027 s in a fresh process at 1, 2, 4 or 8, and 0.05 to
/// 0.066 s at 16, which read whole segments (3 runs each). A batch wants
/// every group either way.
const LOOKUP_COST: u64 = 4;

/// [`LOOKUP_COST`] for segments written a value a block, which hold
/// dozens of values a page: not tuned (one article wants about 300 blocks
/// of 131,072; an add wants most of them).
const LOOKUP_COST_A_BLOCK: u64 = 16;

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
    /// The articles whose count has reached `least`, each once.
    reached: Vec<u32>,
    /// The fewest shared shingles of any edge of the query
    /// ([`EdgeRule::least_shared`]): an article counted below it is ruled
    /// out without a look at its size. Most articles a query's blocks touch
    /// share a block or two with it by chance.
    least: u32,
}

impl Scratch {
    /// Counts the articles of an encoded block, those numbered below
    /// `below` only, `n` each.
    pub(super) fn tally(&mut self, value: &[u8], n: u32, below: u32) -> Result<(), Corrupt> {
        for_each_posting(value, |local| {
            // Postings ascend: the rest are numbered `below` or more.
            if local >= below {
                return ControlFlow::Break(());
            }
            self.add(local, n);
            ControlFlow::Continue(())
        })
    }

    /// Counts each of `locals` (a block's articles), `n` each.
    fn tally_locals(&mut self, locals: &[u32], n: u32) {
        locals.iter().for_each(|&local| self.add(local, n));
    }

    /// Adds `n` to article `local`'s count, noting it once it reaches
    /// `least`.
    fn add(&mut self, local: u32, n: u32) {
        if let Some(count) = self.counts.get_mut(local as usize) {
            if *count < self.least && *count + n >= self.least {
                self.reached.push(local);
            }
            *count += n;
        }
    }

    pub(super) fn count(&self, local: usize) -> u32 {
        self.counts[local]
    }

    /// The articles counted up to the query's least shared shingles.
    pub(super) fn reached(&self) -> &[u32] {
        &self.reached
    }

    /// Ready to count a query of `least` shared shingles at least
    /// ([`EdgeRule::least_shared`]) against `len` articles.
    pub(super) fn reset(&mut self, len: usize, least: usize) {
        self.counts.clear();
        self.counts.resize(len, 0);
        self.reached.clear();
        self.least = u32::try_from(least).unwrap_or(u32::MAX);
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
        let segments: Vec<Segment> = read_segments(&table)?
            .into_iter()
            .map(|(id, info)| Segment {
                id,
                range: info.day_range(),
                has_undated: info.days.iter().any(Option::is_none),
                info,
            })
            .collect();
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

    /// Every stored article that meets the rule with each of `queries` (an
    /// article's set and day), the most similar first (ties by id).
    ///
    /// A segment at a time: the blocks the whole batch needs of a segment
    /// are read once, in key order, and every article counts from them.
    /// Read article by article, each block was looked up in redb once per
    /// article that has it, and those lookups were most of an add's time.
    pub fn near_duplicates(
        &self,
        queries: &[(&Shingles, Option<Day>)],
        window: Option<Window>,
    ) -> Result<Vec<Vec<Copy>>, IndexError> {
        let mut found: Vec<Vec<Copy>> = vec![Vec::new(); queries.len()];
        for segment in &self.segments {
            let active: Vec<usize> = (0..queries.len())
                .filter(|&q| {
                    !queries[q].0.is_empty() && self.compares(segment, queries[q].1, window)
                })
                .collect();
            if active.is_empty() {
                continue;
            }
            let info = &segment.info;
            let mut wanted: Vec<u32> = active
                .iter()
                .flat_map(|&q| {
                    blocks(queries[q].0, info.block_bits)
                        .into_iter()
                        .map(|(block, _)| block)
                })
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            let read = Read::new(self.read_blocks(segment.id, info, &wanted)?, info)
                .map_err(|_| super::store::damaged("postings", segment.id))?;
            let results: Vec<(usize, Vec<Copy>)> = active
                .par_iter()
                .map_init(
                    || (Scratch::default(), self.shingler()),
                    |(scratch, shingler), &q| {
                        let (set, day) = queries[q];
                        let copies =
                            self.in_segment(segment, &read, set, day, window, scratch, shingler)?;
                        Ok((q, copies))
                    },
                )
                .collect::<Result<_, IndexError>>()?;
            for (q, copies) in results {
                found[q].extend(copies);
            }
        }
        for copies in &mut found {
            sort_copies(copies);
        }
        Ok(found)
    }

    /// Whether an article of `day` is compared with `segment` at all: not
    /// when the window leaves out every dated article of it and it has no
    /// undated one.
    fn compares(&self, segment: &Segment, day: Option<Day>, window: Option<Window>) -> bool {
        match (window, segment.range, day.or(self.latest)) {
            (Some(w), Some((lo, hi)), Some(r)) => {
                let outside = hi < r - w.days as i32 || lo > r + w.days as i32;
                !outside || segment.has_undated
            }
            _ => true,
        }
    }

    /// The stored postings of `wanted` (sorted) blocks of the segment `id`
    /// that `info` describes, each block with its encoded postings: read in
    /// one pass over the segment's keys when the batch wants a good share
    /// of them, looked up one by one when it wants few (one article's
    /// query).
    fn read_blocks(
        &self,
        id: u32,
        info: &SegmentInfo,
        wanted: &[u32],
    ) -> Result<Blocks, IndexError> {
        let mut read = Blocks::default();
        let mut next = wanted.iter().peekable();
        let mut take = |key: u32, value: &[u8]| {
            (info.for_each_block(key, value, |block, postings| {
                while next.next_if(|&&w| w < block).is_some() {}
                if next.next_if_eq(&&block).is_some() {
                    read.push(block, postings);
                }
            }))
            .map_err(|_| super::store::damaged("postings", id))
        };
        let mut keys: Vec<u32> = wanted.iter().map(|&block| info.key_of(block)).collect();
        keys.dedup();
        let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else {
            return Ok(read);
        };
        let cost = match info.group_bits {
            Some(_) => LOOKUP_COST,
            None => LOOKUP_COST_A_BLOCK,
        };
        if (keys.len() as u64) * cost < info.keys() {
            for key in keys {
                if let Some(value) = self.postings.get((id, key)).map_err(store_error)? {
                    take(key, value.value())?;
                }
            }
        } else {
            let range = self.postings.range((id, first)..=(id, last));
            for entry in range.map_err(store_error)? {
                let (key, value) = entry.map_err(store_error)?;
                take(key.value().1, value.value())?;
            }
        }
        Ok(read.index(info.block_bits))
    }

    /// The stored articles of `segment` that meet the rule with `set`,
    /// counted from its `read` blocks.
    ///
    /// The blocks most stored articles hold (a sentence thousands of
    /// articles share: in the kit corpus, the 133 of an article's shingles
    /// held most often are 94% of what its blocks list) are counted for
    /// short stored articles only, as long as what they could add,
    /// `skipped` shingles, leaves any pair with a longer article ([`LONG`])
    /// needing at least the usual least count in the other blocks; its
    /// bound is that count plus `skipped`. A short article is counted in
    /// every block, as before, so no pair is lost.
    #[allow(clippy::too_many_arguments)]
    fn in_segment(
        &self,
        segment: &Segment,
        read: &Read,
        set: &Shingles,
        day: Option<Day>,
        window: Option<Window>,
        scratch: &mut Scratch,
        shingler: &mut Shingler,
    ) -> Result<Vec<Copy>, IndexError> {
        let reference = day.or(self.latest);
        let within = |d: Option<Day>| match (window, d, reference) {
            (Some(w), Some(d), Some(r)) => (d - r).unsigned_abs() <= w.days,
            _ => true,
        };
        let info = &segment.info;
        let mut held: Vec<(u32, u32, &[u8])> = blocks(set, info.block_bits)
            .into_iter()
            .filter_map(|(block, n)| read.blocks.get(block).map(|postings| (block, n, postings)))
            .collect();
        // What a pair with a long article needs at least: the rule asks
        // more of a longer one (`EdgeRule::least_edge` grows with either
        // size).
        let long_needs = self.rule.least_edge(set.len(), LONG).unwrap_or(usize::MAX);
        held.sort_by_key(|&(_, _, postings)| std::cmp::Reverse(postings.len()));
        // Skipped, while a pair with a long article still needs `least`
        // in the blocks counted: the articles counted that far stay as few
        // as without skipping.
        let least = self.rule.least_shared(set.len());
        let skippable = long_needs.saturating_sub(least);
        let mut skipped = 0usize;
        let mut skips = 0;
        for &(block, n, _) in &held {
            if !read.short.contains_key(&block) || skipped + n as usize > skippable {
                break;
            }
            skipped += n as usize;
            skips += 1;
        }
        scratch.reset(info.docs.len(), least);
        for (i, &(block, n, postings)) in held.iter().enumerate() {
            if i < skips {
                scratch.tally_locals(&read.short[&block], n);
            } else {
                scratch
                    .tally(postings, n, u32::MAX)
                    .map_err(|_| super::store::damaged("postings", segment.id))?;
            }
        }
        let mut found = Vec::new();
        for &local in scratch.reached() {
            let l = local as usize;
            let size = info.sizes[l] as usize;
            let unseen = if size >= LONG { skipped } else { 0 };
            let bound = (scratch.count(l) as usize + unseen)
                .min(size)
                .min(set.len());
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
        decompress(value.value()).map_err(|_| super::store::damaged("texts", doc))
    }

    /// The latest day of a stored article, if any is dated.
    pub fn latest(&self) -> Option<Day> {
        self.latest
    }
}

/// Stored articles of at least this many shingles are long: a pair with
/// one needs more shared shingles than the blocks a query skips for them
/// can hold. 200 shingles is a brief of about 200 words; any value gives
/// the same answers, it only moves work between the two kinds.
const LONG: usize = 200;

/// Blocks of more postings than this (bytes, one or two a posting) are
/// long enough that a query may count them for short articles only: their
/// short articles are listed once per batch.
const SKIPPABLE_BYTES: usize = 64;

/// The blocks a batch reads of a segment, and for each long one its short
/// articles ([`LONG`]), decoded once for every article of the batch.
struct Read {
    blocks: Blocks,
    short: HashMap<u32, Vec<u32>>,
}

impl Read {
    fn new(blocks: Blocks, info: &SegmentInfo) -> Result<Read, Corrupt> {
        let long: Vec<(u32, &[u8])> = (blocks.iter())
            .filter(|(_, postings)| postings.len() > SKIPPABLE_BYTES)
            .collect();
        let short = long
            .into_par_iter()
            .map(|(block, postings)| {
                let mut locals = Vec::new();
                for_each_posting(postings, |local| {
                    if info
                        .sizes
                        .get(local as usize)
                        .is_some_and(|&s| (s as usize) < LONG)
                    {
                        locals.push(local);
                    }
                    ControlFlow::Continue(())
                })?;
                Ok((block, locals))
            })
            .collect::<Result<_, Corrupt>>()?;
        Ok(Read { blocks, short })
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
