//! Near-duplicate search against the stored articles: block counts bound
//! each stored article's shared shingles (see `segment.rs`), the articles
//! whose bound can meet the rule are verified exactly on their stored text,
//! with the batch path's own shingler, similarity and edge rule.
//!
//! The answer is every stored article the rule accepts: the same rule the
//! batch path applies to its candidates, so a query finds each pair a batch
//! run over the union verifies (see the README's "Daily ingest").

use std::ops::ControlFlow;

use rayon::prelude::*;
use redb::{ReadOnlyTable, ReadTransaction};
use serde::Serialize;

use super::codec::Corrupt;
use super::segment::{block_of, blocks, for_each_posting, Blocks, SegmentInfo};
use super::store::{
    decompress, read_segments, store_error, StoredDoc, DOCS, POSTINGS, SEGMENTS, TEXTS,
};
use super::IndexError;
use crate::events::dates::Day;
use crate::id::Id;
use crate::keymap::KeyMap;
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
    /// The articles counted since the last reset, each once: a query
    /// counts a few thousand of a segment's hundreds of thousands, and
    /// clearing every count for each query was 4% of a query's samples
    /// at 990,000 stored (perf), a cost that grows with the segment.
    touched: Vec<u32>,
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
            if *count == 0 {
                self.touched.push(local);
            }
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
        if self.counts.len() == len {
            for &local in &self.touched {
                self.counts[local as usize] = 0;
            }
        } else {
            self.counts.clear();
            self.counts.resize(len, 0);
        }
        self.touched.clear();
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
            let wanted = wanted(active.iter().map(|&q| queries[q].0), info.block_bits);
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
    /// the smaller stored articles only. The rule asks more shared
    /// shingles of a pair the larger the stored article
    /// ([`EdgeRule::least_edge`] grows with either size), so the articles
    /// of each size class ([`SIZE_FLOORS`]) skip the most held blocks that
    /// still leave any pair with the class's smallest article needing at
    /// least the usual least count in the blocks counted; an article's
    /// bound is its count plus the shingles its class skipped. Short
    /// articles (below [`LONG`]) are counted in every block, so no pair is
    /// lost.
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
        let mut held: Vec<(u32, &[u8], Option<&Grouped>)> = blocks(set, info.block_bits)
            .into_iter()
            .filter_map(|(block, n)| {
                let postings = read.blocks.get(block)?;
                Some((n, postings, read.grouped.get(&u64::from(block))))
            })
            .collect();
        held.sort_unstable_by_key(|&(_, postings, _)| std::cmp::Reverse(postings.len()));
        let least = self.rule.least_shared(set.len());
        let skips = Skips::new(&self.rule, set.len(), least, &held);
        scratch.reset(info.docs.len(), least);
        for (i, &(n, postings, grouped)) in held.iter().enumerate() {
            match (grouped, skips.counted(i)) {
                (Some(grouped), classes) => scratch.tally_locals(grouped.of(classes), n),
                (None, _) => scratch
                    .tally(postings, n, u32::MAX)
                    .map_err(|_| super::store::damaged("postings", segment.id))?,
            }
        }
        let mut found = Vec::new();
        for &local in scratch.reached() {
            let l = local as usize;
            let size = info.sizes[l] as usize;
            let bound = (scratch.count(l) as usize + skips.skipped(size))
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

/// The smallest article of each size class of long stored articles: class
/// `c + 1` is from `SIZE_FLOORS[c]` shingles up to the next floor (class 0
/// is the short ones). A query skips more blocks for a class the larger
/// its floor, as a pair with a larger article needs more shared shingles;
/// an article is bounded as the smallest of its class, so finer classes
/// bound tighter and cost more lists to walk. Steps of √2 from [`LONG`]
/// (kit articles are 200 to 900 shingles, a query of 600 stops needing
/// more of a larger article at about 840): 10,000 queries against 990,000
/// stored counted 0.75 GB of postings skipping as for a 400-shingle
/// article, 0.41 GB as for a 566-shingle one, against 3.95 GB with one
/// class of long articles.
const SIZE_FLOORS: [usize; 6] = [LONG, 283, 400, 566, 800, 1131];

const CLASSES: usize = SIZE_FLOORS.len() + 1;

/// The size class of a stored article of `size` shingles: the floors it
/// reaches, counted without a branch. A batch finds the class of every
/// article of each segment, and a binary search's mispredicted branches
/// made that a tenth of a one-article query (perf, 990,000 stored).
fn class_of(size: usize) -> usize {
    SIZE_FLOORS
        .iter()
        .map(|&floor| usize::from(floor <= size))
        .sum()
}

/// Which of a query's held blocks (most postings first) each size class
/// skips: a leading run of them, longer the larger the class.
struct Skips {
    /// Per class, how many of the leading blocks it skips (nondecreasing).
    blocks: [usize; CLASSES],
    /// Per class, the query's shingles in the blocks it skips.
    shingles: [usize; CLASSES],
}

impl Skips {
    /// For a query of `len` shingles, `least` of them shared at least by
    /// any edge, and its `held` blocks, most postings first, each with its
    /// shingles and, if grouped by class ([`Grouped`]), its articles: each
    /// class skips grouped blocks as long as its smallest article still
    /// needs `least` shared shingles in the rest, so the articles counted
    /// up to `least` stay as few as without skipping.
    fn new(
        rule: &EdgeRule,
        len: usize,
        least: usize,
        held: &[(u32, &[u8], Option<&Grouped>)],
    ) -> Skips {
        // What each class may skip; never more than a larger class, so
        // that the classes a block is counted for are the smallest ones.
        let mut budgets = [0usize; CLASSES];
        let mut cap = usize::MAX;
        for c in (1..CLASSES).rev() {
            let needs = rule
                .least_edge(len, SIZE_FLOORS[c - 1])
                .unwrap_or(usize::MAX);
            cap = cap.min(needs.saturating_sub(least));
            budgets[c] = cap;
        }
        let mut skips = Skips {
            blocks: [0; CLASSES],
            shingles: [0; CLASSES],
        };
        let (mut i, mut shingles) = (0, 0);
        for (c, &budget) in budgets.iter().enumerate().skip(1) {
            while let Some(&(n, _, Some(_))) = held.get(i) {
                if shingles + n as usize > budget {
                    break;
                }
                shingles += n as usize;
                i += 1;
            }
            skips.blocks[c] = i;
            skips.shingles[c] = shingles;
        }
        skips
    }

    /// How many classes, the smallest first, count the `i`th held block.
    fn counted(&self, i: usize) -> usize {
        self.blocks.partition_point(|&skipped| skipped <= i)
    }

    /// The shingles skipped for an article of `size`.
    fn skipped(&self, size: usize) -> usize {
        self.shingles[class_of(size)]
    }
}

/// Blocks of more postings than this (bytes, one or two a posting) are
/// long enough that a query may skip them for some size classes: their
/// articles are grouped by class once per batch.
const SKIPPABLE_BYTES: usize = 64;

/// A long block's articles, decoded and grouped by size class, the
/// smallest class first.
struct Grouped {
    locals: Vec<u32>,
    /// Where each class's articles end in `locals`.
    ends: [u32; CLASSES],
}

impl Grouped {
    /// Groups the articles of an encoded block, `classes` giving each
    /// local article's class; `buffers` are emptied, one a class.
    fn new(
        postings: &[u8],
        classes: &[u8],
        buffers: &mut [Vec<u32>; CLASSES],
    ) -> Result<Grouped, Corrupt> {
        let mut stranger = false;
        for_each_posting(postings, |local| match classes.get(local as usize) {
            Some(&c) => {
                buffers[usize::from(c)].push(local);
                ControlFlow::Continue(())
            }
            None => {
                stranger = true;
                ControlFlow::Break(())
            }
        })?;
        if stranger {
            buffers.iter_mut().for_each(Vec::clear);
            return Err(Corrupt);
        }
        let mut locals = Vec::with_capacity(buffers.iter().map(Vec::len).sum());
        let mut ends = [0u32; CLASSES];
        for (end, buffer) in ends.iter_mut().zip(buffers.iter_mut()) {
            locals.append(buffer);
            *end = locals.len() as u32;
        }
        Ok(Grouped { locals, ends })
    }

    /// The articles of the `classes` smallest classes.
    fn of(&self, classes: usize) -> &[u32] {
        &self.locals[..self.ends[classes - 1] as usize]
    }
}

/// The blocks a batch reads of a segment, and each long one's articles
/// grouped by size class ([`Grouped`]), decoded once for every article of
/// the batch.
struct Read {
    blocks: Blocks,
    grouped: KeyMap<Grouped>,
}

impl Read {
    fn new(blocks: Blocks, info: &SegmentInfo) -> Result<Read, Corrupt> {
        let classes: Vec<u8> = (info.sizes.iter())
            .map(|&size| class_of(size as usize) as u8)
            .collect();
        let long: Vec<(u32, &[u8])> = (blocks.iter())
            .filter(|(_, postings)| postings.len() > SKIPPABLE_BYTES)
            .collect();
        let grouped = long
            .into_par_iter()
            .map_init(Default::default, |buffers, (block, postings)| {
                Ok((u64::from(block), Grouped::new(postings, &classes, buffers)?))
            })
            .collect::<Result<_, Corrupt>>()?;
        Ok(Read { blocks, grouped })
    }
}

/// The blocks of a segment of `2^bits` that any of `sets` has, ascending,
/// each once: marked in a bitmap when it takes no more words than the sets
/// have shingles (a batch), else sorted (a few articles). Sorting the
/// 6 million blocks of a 10,000-article batch took 4% of its query's
/// samples at 90,000 stored (perf), once for each segment.
fn wanted<'s>(sets: impl Iterator<Item = &'s Shingles> + Clone, bits: u8) -> Vec<u32> {
    let shingles: usize = sets.clone().map(Shingles::len).sum();
    let words = (1usize << bits).div_ceil(64);
    let blocks = sets.flat_map(|set| set.as_slice().iter().map(move |&s| block_of(s, bits)));
    if words > shingles {
        let mut wanted: Vec<u32> = blocks.collect();
        wanted.sort_unstable();
        wanted.dedup();
        return wanted;
    }
    let mut marks = vec![0u64; words];
    for block in blocks {
        marks[block as usize / 64] |= 1 << (block % 64);
    }
    let mut wanted = Vec::new();
    for (word, &mark) in marks.iter().enumerate() {
        let mut rest = mark;
        while rest != 0 {
            wanted.push((word * 64) as u32 + rest.trailing_zeros());
            rest &= rest - 1;
        }
    }
    wanted
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

#[cfg(test)]
mod tests {
    use super::super::codec::put_varint;
    use super::*;

    #[test]
    fn counts_start_from_zero_after_each_reset() {
        let mut scratch = Scratch::default();
        scratch.reset(10, 3);
        scratch.tally_locals(&[1, 4, 9], 2);
        scratch.tally_locals(&[4], 1);
        assert_eq!(scratch.reached(), [4]);
        assert_eq!(scratch.count(4), 3);
        scratch.reset(10, 2);
        assert!((0..10).all(|l| scratch.count(l) == 0));
        scratch.tally_locals(&[9], 2);
        assert_eq!(scratch.reached(), [9]);
        // Another segment, of another size.
        scratch.reset(12, 1);
        assert!((0..12).all(|l| scratch.count(l) == 0));
    }

    #[test]
    fn the_wanted_blocks_are_the_same_marked_or_sorted() {
        let mut rng = crate::synth::SplitMix64::new(3);
        let sets: Vec<Shingles> = (0..20)
            .map(|_| (0..rng.below(300)).map(|_| rng.next_u64()).collect())
            .collect();
        // 2^8 blocks: marked; 2^24: sorted.
        for bits in [8, 24] {
            let mut want: Vec<u32> = (sets.iter())
                .flat_map(|set| blocks(set, bits).into_iter().map(|(block, _)| block))
                .collect();
            want.sort_unstable();
            want.dedup();
            assert_eq!(wanted(sets.iter(), bits), want, "{bits} bits");
        }
        assert_eq!(wanted([].iter(), 8), Vec::<u32>::new());
    }

    #[test]
    fn size_classes_start_at_their_floors() {
        assert_eq!(class_of(0), 0);
        assert_eq!(class_of(LONG - 1), 0);
        assert_eq!(class_of(LONG), 1);
        assert_eq!(class_of(282), 1);
        assert_eq!(class_of(283), 2);
        assert_eq!(class_of(1_131), CLASSES - 1);
        assert_eq!(class_of(usize::MAX), CLASSES - 1);
    }

    /// An encoded block of `locals` (ascending).
    fn encoded(locals: &[u32]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut previous = 0;
        for &local in locals {
            put_varint(&mut out, u64::from(local - previous));
            previous = local;
        }
        out
    }

    #[test]
    fn a_block_is_grouped_by_class_and_a_stranger_is_corrupt() {
        let sizes = [10, 250, 5_000, 300, 199, 900, 400, 1_200, 600, 200];
        let classes: Vec<u8> = sizes.iter().map(|&s| class_of(s) as u8).collect();
        let locals = [0u32, 1, 2, 4, 5, 7, 9];
        let mut buffers = Default::default();
        let grouped = Grouped::new(&encoded(&locals), &classes, &mut buffers).unwrap();
        for counted in 1..=CLASSES {
            let mut got = grouped.of(counted).to_vec();
            got.sort_unstable();
            let want: Vec<u32> = (locals.iter().copied())
                .filter(|&l| usize::from(classes[l as usize]) < counted)
                .collect();
            assert_eq!(got, want, "{counted} classes");
        }
        // An article the segment does not have.
        assert!(Grouped::new(&encoded(&[3, 10]), &classes, &mut buffers).is_err());
    }

    #[test]
    fn each_class_skips_no_more_than_its_smallest_article_allows() {
        let rule = EdgeRule {
            jaccard: 0.5,
            containment: 0.8,
        };
        let grouped = Grouped {
            locals: Vec::new(),
            ends: [0; CLASSES],
        };
        // 60 grouped blocks of 1 to 13 shingles, then 20 that are not.
        let held: Vec<(u32, &[u8], Option<&Grouped>)> = (0..80u32)
            .map(|i| (1 + i * 7 % 13, &[][..], (i < 60).then_some(&grouped)))
            .collect();
        for len in [10, 150, 400, 700, 2_000] {
            let least = rule.least_shared(len);
            let skips = Skips::new(&rule, len, least, &held);
            assert_eq!((skips.blocks[0], skips.shingles[0]), (0, 0));
            for c in 1..CLASSES {
                assert!(skips.blocks[c - 1] <= skips.blocks[c] && skips.blocks[c] <= 60);
                let shingles: usize = held[..skips.blocks[c]].iter().map(|h| h.0 as usize).sum();
                assert_eq!(skips.shingles[c], shingles);
                // Every article of the class, not only its smallest, still
                // needs `least` in the blocks counted.
                let sizes = SIZE_FLOORS[c - 1]..SIZE_FLOORS.get(c).copied().unwrap_or(4_000);
                for size in sizes {
                    if let Some(needs) = rule.least_edge(len, size) {
                        assert!(needs >= least + shingles, "{len} against {size}");
                    }
                    assert_eq!(skips.skipped(size), shingles);
                }
            }
            for i in 0..held.len() {
                let counted = skips.counted(i);
                for c in 0..CLASSES {
                    assert_eq!(c < counted, skips.blocks[c] <= i, "block {i}, class {c}");
                }
            }
        }
    }
}
