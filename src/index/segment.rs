//! Segments: the articles of one committed batch, and their shingle
//! postings.
//!
//! A segment's postings say, for each *block* of the 64-bit shingle space
//! (the hash's top `block_bits` bits), which of its articles have a shingle
//! in it: the sorted local article numbers, delta-coded, one value per
//! `(segment, block)` key. A query looks up the blocks of its own shingles
//! and counts, per stored article, how many of its shingles fall in blocks
//! the article has: an upper bound of the shingles the two share, exact
//! up to block collisions. The rule is monotone in the shared count, so a
//! bound below it rules a pair out, and every pair that meets it is found:
//! the filter is exact, however low the Jaccard similarity (a short article
//! inside a long one), which LSH bands are not.
//!
//! Why blocks and not shingles: a posting per (shingle, article) costs
//! 12 bytes or more in any B-tree, 7 KB an article. A block holds about
//! [`POSTINGS_PER_BLOCK`] articles, so each costs one to two bytes and the
//! key is shared; collisions add a few false counts, which the exact check
//! removes. Segments are written once and never changed (expiry drops a
//! whole segment, a merge or compaction writes new ones), so no posting
//! list is ever read, changed and rewritten on insert.

use std::ops::ControlFlow;

use super::codec::{put_day, put_varint, Bytes, Corrupt};
use crate::events::dates::Day;
use crate::neardup::shingle::Shingles;

/// Articles a block holds on average: fewer costs more keys, more costs
/// more false counts to decode per looked-up block.
pub const POSTINGS_PER_BLOCK: usize = 32;

/// What a segment holds, besides its postings: its articles (global
/// numbers, ascending), their set sizes and days, and its block width.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentInfo {
    pub block_bits: u8,
    pub docs: Vec<u32>,
    pub sizes: Vec<u32>,
    pub days: Vec<Option<Day>>,
}

impl SegmentInfo {
    pub fn new(docs: Vec<u32>, sizes: Vec<u32>, days: Vec<Option<Day>>) -> Self {
        let postings: usize = sizes.iter().map(|&s| s as usize).sum();
        SegmentInfo {
            block_bits: block_bits(postings),
            docs,
            sizes,
            days,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![self.block_bits];
        put_varint(&mut out, self.docs.len() as u64);
        let mut previous = 0;
        for &doc in &self.docs {
            put_varint(&mut out, u64::from(doc - previous));
            previous = doc;
        }
        for &size in &self.sizes {
            put_varint(&mut out, u64::from(size));
        }
        for &day in &self.days {
            put_day(&mut out, day);
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, Corrupt> {
        let (&block_bits, rest) = bytes.split_first().ok_or(Corrupt)?;
        if block_bits > 32 {
            return Err(Corrupt);
        }
        let mut b = Bytes::new(rest);
        let n = b.varint()? as usize;
        if n > rest.len() {
            return Err(Corrupt);
        }
        let mut docs = Vec::with_capacity(n);
        let mut doc = 0u32;
        for _ in 0..n {
            doc = doc.checked_add(b.u32()?).ok_or(Corrupt)?;
            docs.push(doc);
        }
        let sizes = (0..n).map(|_| b.u32()).collect::<Result<_, _>>()?;
        let days = (0..n).map(|_| b.day()).collect::<Result<_, _>>()?;
        Ok(SegmentInfo {
            block_bits,
            docs,
            sizes,
            days,
        })
    }

    /// The earliest and latest day of its dated articles.
    pub fn day_range(&self) -> Option<(Day, Day)> {
        let mut days = self.days.iter().flatten();
        let first = *days.next()?;
        Some(days.fold((first, first), |(lo, hi), &d| (lo.min(d), hi.max(d))))
    }
}

/// Block width for a segment of `postings` shingles: about
/// [`POSTINGS_PER_BLOCK`] to a block, at least 16 blocks, at most 2^32.
pub fn block_bits(postings: usize) -> u8 {
    let blocks = (postings / POSTINGS_PER_BLOCK).max(16);
    (usize::BITS - (blocks - 1).leading_zeros()).min(32) as u8
}

pub fn block_of(shingle: u64, bits: u8) -> u32 {
    // `bits` is at least 4 (16 blocks), so the shift is below 64.
    (shingle >> (64 - u32::from(bits))) as u32
}

/// The blocks a set's shingles fall in, ascending, each with how many of
/// its shingles fall there.
pub fn blocks(set: &Shingles, bits: u8) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &shingle in set.as_slice() {
        let block = block_of(shingle, bits);
        match out.last_mut() {
            Some((last, n)) if *last == block => *n += 1,
            _ => out.push((block, 1)),
        }
    }
    out
}

/// The postings of a segment whose articles have these sets (in local
/// order): each block with an article, and its encoded article list.
pub fn postings(sets: &[&Shingles], bits: u8) -> Vec<(u32, Vec<u8>)> {
    let mut builder = PostingsBuilder::new(bits, sets.iter().map(|s| s.len()).sum());
    for set in sets {
        builder.push(set);
    }
    builder.finish()
}

/// The postings of a segment, an article's set at a time: a merge
/// re-shingles its articles a batch at a time and keeps only this, 8 bytes
/// a (block, article) entry, rather than every set too.
pub struct PostingsBuilder {
    bits: u8,
    /// `block << 32 | local`, one per block an article has.
    entries: Vec<u64>,
    articles: u32,
}

impl PostingsBuilder {
    /// For articles of `shingles` shingles in all, which bounds the
    /// entries: room for them all at once, not twice that while growing.
    pub fn new(bits: u8, shingles: usize) -> Self {
        PostingsBuilder {
            bits,
            entries: Vec::with_capacity(shingles),
            articles: 0,
        }
    }

    /// Adds the next article (local number: those pushed before it).
    pub fn push(&mut self, set: &Shingles) {
        let local = u64::from(self.articles);
        // A set is sorted, so its blocks come in order and repeat in runs.
        let mut last = None;
        for &shingle in set.as_slice() {
            let block = block_of(shingle, self.bits);
            if last != Some(block) {
                self.entries.push((u64::from(block) << 32) | local);
                last = Some(block);
            }
        }
        self.articles += 1;
    }

    /// Each block with an article, and its encoded article list.
    pub fn finish(self) -> Vec<(u32, Vec<u8>)> {
        // A counting sort by block, stable: articles were pushed in order,
        // so each block's list comes out ascending, as a sort of the whole
        // entries would leave it, in two passes over them rather than a
        // comparison sort of millions (a 10,000-article chunk: 6M entries,
        // a tenth of an add's time). The counts take 2^bits entries, and
        // `bits` comes from `block_bits` of all the shingles, so a few
        // bytes an article.
        let mut starts = vec![0u32; (1usize << self.bits) + 1];
        for &entry in &self.entries {
            starts[(entry >> 32) as usize + 1] += 1;
        }
        for block in 0..1usize << self.bits {
            starts[block + 1] += starts[block];
        }
        let mut next = starts.clone();
        let mut locals = vec![0u32; self.entries.len()];
        for &entry in &self.entries {
            let at = &mut next[(entry >> 32) as usize];
            locals[*at as usize] = entry as u32;
            *at += 1;
        }
        (starts.windows(2).enumerate())
            .filter(|(_, run)| run[0] < run[1])
            .map(|(block, run)| {
                let run = &locals[run[0] as usize..run[1] as usize];
                let mut value = Vec::with_capacity(run.len() * 2);
                let mut previous = 0u32;
                for &local in run {
                    put_varint(&mut value, u64::from(local - previous));
                    previous = local;
                }
                (block as u32, value)
            })
            .collect()
    }
}

/// Some blocks of a segment with their encoded postings, one after
/// another in one buffer, found by number: through a table by block number
/// when they are a good share of the segment's, else by binary search. A
/// batch's counts look up every block of every article; a binary search
/// over a segment's 200,000 blocks, each its own allocation, was most of
/// an add's time (a cache miss a step).
#[derive(Default)]
pub struct Blocks {
    /// The postings of every block held, ascending by block.
    data: Vec<u8>,
    /// The blocks held, ascending, each with where its postings start in
    /// `data` (they end where the next block's start).
    starts: Vec<(u32, usize)>,
    /// Where each block number's postings start in `data`, `2^bits + 1`
    /// entries (an absent block starts where it ends); empty when the
    /// blocks held are few.
    table: Vec<usize>,
}

/// The table costs 8 bytes a block number; it is built when at least one
/// number in this many is held, so it costs at most 128 bytes a block
/// held, about what a block's postings take.
const TABLE_SHARE: u64 = 16;

impl Blocks {
    /// Appends `block`'s postings; blocks come in ascending order.
    pub fn push(&mut self, block: u32, postings: &[u8]) {
        debug_assert!(self.starts.last().is_none_or(|&(last, _)| last < block));
        self.starts.push((block, self.data.len()));
        self.data.extend_from_slice(postings);
    }

    /// The postings of a segment ([`postings`]), held for lookups.
    #[cfg(test)]
    fn of(postings: &[(u32, Vec<u8>)], bits: u8) -> Blocks {
        let mut blocks = Blocks::default();
        for (block, value) in postings {
            blocks.push(*block, value);
        }
        blocks.index(bits)
    }

    /// Ready for [`Blocks::get`], in a segment of `2^bits` block numbers.
    pub fn index(mut self, bits: u8) -> Blocks {
        if self.starts.len() as u64 * TABLE_SHARE >= 1u64 << bits {
            let mut table = Vec::with_capacity((1usize << bits) + 1);
            for &(block, start) in &self.starts {
                table.resize(block as usize + 1, start);
            }
            table.resize((1usize << bits) + 1, self.data.len());
            self.table = table;
        }
        self
    }

    /// Every block held with its postings, in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[u8])> {
        let ends = (self.starts.iter().skip(1).map(|&(_, start)| start)).chain([self.data.len()]);
        (self.starts.iter().zip(ends)).map(|(&(block, start), end)| (block, &self.data[start..end]))
    }

    /// The postings of `block`, if it is held.
    pub fn get(&self, block: u32) -> Option<&[u8]> {
        let (start, end) = if self.table.is_empty() {
            let at = self.starts.binary_search_by_key(&block, |&(b, _)| b).ok()?;
            let end = self.starts.get(at + 1).map_or(self.data.len(), |&(_, s)| s);
            (self.starts[at].1, end)
        } else {
            let b = block as usize;
            (*self.table.get(b)?, *self.table.get(b + 1)?)
        };
        (start < end).then(|| &self.data[start..end])
    }
}

/// Calls `f` with each local article number of an encoded block, in
/// ascending order, until it breaks.
pub fn for_each_posting(
    value: &[u8],
    mut f: impl FnMut(u32) -> ControlFlow<()>,
) -> Result<(), Corrupt> {
    let mut b = Bytes::new(value);
    let mut local = 0u32;
    let mut first = true;
    while !b.is_empty() {
        let delta = b.u32()?;
        local = if first {
            delta
        } else {
            local.checked_add(delta).ok_or(Corrupt)?
        };
        first = false;
        if f(local).is_break() {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::verify::overlap;
    use crate::synth::SplitMix64;

    #[test]
    fn block_counts_bound_the_shared_shingles_from_above() {
        let mut rng = SplitMix64::new(5);
        let pool: Vec<u64> = (0..4_000).map(|_| rng.next_u64()).collect();
        let sets: Vec<Shingles> = (0..50)
            .map(|_| {
                let len = rng.below(400);
                (0..len).map(|_| pool[rng.below(pool.len())]).collect()
            })
            .collect();
        let refs: Vec<&Shingles> = sets.iter().collect();
        let postings_total = sets.iter().map(Shingles::len).sum();
        let bits = block_bits(postings_total);
        let stored = postings(&refs, bits);
        let query = &sets[7];
        let mut counts = vec![0u32; sets.len()];
        for (block, n) in blocks(query, bits) {
            if let Ok(i) = stored.binary_search_by_key(&block, |(b, _)| *b) {
                for_each_posting(&stored[i].1, |local| {
                    counts[local as usize] += n;
                    ControlFlow::Continue(())
                })
                .unwrap();
            }
        }
        for (i, set) in sets.iter().enumerate() {
            let shared = overlap(query.as_slice(), set.as_slice()) as u32;
            assert!(
                counts[i] >= shared,
                "set {i}: bound {} < {shared}",
                counts[i]
            );
        }
        assert_eq!(counts[7], query.len() as u32);
    }

    #[test]
    fn postings_list_each_block_once_with_its_articles_ascending() {
        let mut rng = SplitMix64::new(11);
        let sets: Vec<Shingles> = (0..300)
            .map(|_| (0..rng.below(120)).map(|_| rng.next_u64()).collect())
            .collect();
        let refs: Vec<&Shingles> = sets.iter().collect();
        let bits = block_bits(sets.iter().map(Shingles::len).sum());
        let mut want: Vec<(u32, u32)> = (sets.iter().enumerate())
            .flat_map(|(local, set)| {
                let blocks = set.as_slice().iter().map(move |&s| block_of(s, bits));
                blocks.map(move |block| (block, local as u32))
            })
            .collect();
        want.sort_unstable();
        want.dedup();
        let mut got = Vec::new();
        let stored = postings(&refs, bits);
        assert!(stored.windows(2).all(|w| w[0].0 < w[1].0));
        for (block, value) in &stored {
            assert!(!value.is_empty(), "block {block} listed with no article");
            for_each_posting(value, |local| {
                got.push((*block, local));
                ControlFlow::Continue(())
            })
            .unwrap();
        }
        assert_eq!(got, want);
    }

    #[test]
    fn blocks_are_found_by_number_with_or_without_a_table() {
        let stored: Vec<(u32, Vec<u8>)> = [3u32, 4, 9, 15]
            .iter()
            .map(|&b| (b, vec![b as u8; b as usize % 3 + 1]))
            .collect();
        // 16 numbers, 4 held: a table; 2^20 numbers: a binary search.
        for bits in [4, 20] {
            let blocks = Blocks::of(&stored, bits);
            assert_eq!(blocks.table.is_empty(), bits == 20);
            for block in 0..40u32 {
                let want = stored
                    .iter()
                    .find(|(b, _)| *b == block)
                    .map(|(_, v)| &v[..]);
                assert_eq!(blocks.get(block), want, "block {block}, {bits} bits");
            }
        }
    }

    #[test]
    fn segment_info_reads_back_and_rejects_garbage() {
        let info = SegmentInfo::new(
            vec![3, 4, 90],
            vec![10, 0, 700],
            vec![Some(19_000), None, Some(18_990)],
        );
        assert_eq!(SegmentInfo::decode(&info.encode()), Ok(info.clone()));
        assert_eq!(info.day_range(), Some((18_990, 19_000)));
        assert!(SegmentInfo::decode(&[40, 1]).is_err());
        assert!(SegmentInfo::decode(&info.encode()[..5]).is_err());
    }

    #[test]
    fn blocks_hold_about_the_intended_number_of_postings() {
        assert_eq!(block_bits(0), 4);
        assert_eq!(block_bits(32 * 1024), 10);
        assert_eq!(block_bits(usize::MAX), 32);
    }
}
