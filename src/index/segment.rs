//! Segments: the articles of one committed batch, and their shingle
//! postings.
//!
//! A segment's postings say, for each *block* of the 64-bit shingle space
//! (the hash's top `block_bits` bits), which of its articles have a shingle
//! in it: the sorted local article numbers, delta-coded. The blocks of a
//! *group*, `2^GROUP_BITS` consecutive numbers ([`GROUP_BITS`]), share one
//! value under the key `(segment, group)` (segments written before groups:
//! a value a block, under `(segment, block)`). A query looks up the blocks
//! of its own shingles and counts, per stored article, how many of its shingles fall in blocks
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

/// A group holds `2^GROUP_BITS` consecutive block numbers: a value per
/// block made a 10,000-article chunk some 190,000 redb inserts on one
/// core, 0.25 s of a chunk's 0.6 (perf, 30k kit articles). A 30k add,
/// alternated with a value a block, medians of 3: 3.62 s against 3.94 at
/// 16 blocks a value, 3.72 at 32, 3.55 at 64; postings of 1,183 bytes an
/// article against 1,341 at 16, 1,227 at 32 and 1,720 at 64 (values of
/// 3.5 KiB fill 4 KiB pages badly), 1,156 at 8.
pub const GROUP_BITS: u8 = 4;

/// What a segment holds, besides its postings: its articles (global
/// numbers, ascending), their set sizes and days, its block width, and how
/// its postings are keyed.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentInfo {
    pub block_bits: u8,
    /// The blocks of one value: `2^g` consecutive numbers, keyed by the
    /// group number; `None` for segments written a value per block, keyed
    /// by the block number.
    pub group_bits: Option<u8>,
    pub docs: Vec<u32>,
    pub sizes: Vec<u32>,
    pub days: Vec<Option<Day>>,
}

impl SegmentInfo {
    pub fn new(docs: Vec<u32>, sizes: Vec<u32>, days: Vec<Option<Day>>) -> Self {
        let postings: usize = sizes.iter().map(|&s| s as usize).sum();
        SegmentInfo {
            block_bits: block_bits(postings),
            group_bits: Some(GROUP_BITS),
            docs,
            sizes,
            days,
        }
    }

    /// A value per block was the only layout, and its first byte the block
    /// width, at most 32: a grouped segment's sets [`GROUPED`] in it, and
    /// its group width follows.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = match self.group_bits {
            None => vec![self.block_bits],
            Some(g) => vec![self.block_bits | GROUPED, g],
        };
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
        let (&first, rest) = bytes.split_first().ok_or(Corrupt)?;
        let block_bits = first & !GROUPED;
        let (group_bits, rest) = match first & GROUPED {
            0 => (None, rest),
            _ => {
                let (&g, rest) = rest.split_first().ok_or(Corrupt)?;
                (Some(g), rest)
            }
        };
        if block_bits > 32 || group_bits.is_some_and(|g| g > 32) {
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
            group_bits,
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

    /// The postings key of the value that holds `block`.
    pub fn key_of(&self, block: u32) -> u32 {
        self.group_bits.map_or(block, |g| block >> g)
    }

    /// How many postings keys the segment's blocks span.
    pub fn keys(&self) -> u64 {
        1u64 << self.block_bits.saturating_sub(self.group_bits.unwrap_or(0))
    }

    /// Calls `f` with each block, ascending, and its encoded postings, of
    /// the value stored under `key`.
    pub fn for_each_block<'v>(
        &self,
        key: u32,
        value: &'v [u8],
        mut f: impl FnMut(u32, &'v [u8]),
    ) -> Result<(), Corrupt> {
        let Some(g) = self.group_bits else {
            f(key, value);
            return Ok(());
        };
        let first = key.checked_shl(u32::from(g)).ok_or(Corrupt)?;
        let mut head = Bytes::new(value);
        let n = head.varint()?;
        // The header (each held block's offset and length) is read twice,
        // once to check it and find where the lists start, then beside the
        // lists: no buffer for it on the query's path, a value at a time.
        let mut lists = Bytes::new(head.rest());
        for _ in 0..n {
            first.checked_add(lists.u32()?).ok_or(Corrupt)?;
            lists.varint()?;
        }
        let mut data = Bytes::new(lists.rest());
        for _ in 0..n {
            let block = first + head.u32()?;
            let len = usize::try_from(head.varint()?).map_err(|_| Corrupt)?;
            f(block, data.take(len)?);
        }
        Ok(())
    }
}

/// The bit of an encoded [`SegmentInfo`]'s first byte that marks a grouped
/// segment (a block width is at most 32).
const GROUPED: u8 = 0x80;

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
/// order), as `info` keys them: each key with its value.
pub fn postings(sets: &[&Shingles], info: &SegmentInfo) -> Vec<(u32, Vec<u8>)> {
    let mut builder = PostingsBuilder::new(info);
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
    group_bits: u8,
    /// `block << 32 | local`, one per block an article has.
    entries: Vec<u64>,
    articles: u32,
}

impl PostingsBuilder {
    /// For the segment `info` describes (a grouped one): room for an entry
    /// per shingle of its articles, which bounds the entries, at once, not
    /// twice that while growing.
    pub fn new(info: &SegmentInfo) -> Self {
        PostingsBuilder {
            bits: info.block_bits,
            group_bits: info.group_bits.expect("segments are written grouped"),
            entries: Vec::with_capacity(info.sizes.iter().map(|&s| s as usize).sum()),
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

    /// Each group with an article, and its value: how many of its blocks
    /// have an article, each one's offset in the group and the length of
    /// its encoded article list (varints), then the lists.
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
        let mut out = Vec::new();
        let (mut head, mut lists) = (Vec::new(), Vec::new());
        let blocks = 1usize << self.bits;
        let per_group = 1usize << self.group_bits;
        for (group, first) in (0..blocks).step_by(per_group).enumerate() {
            head.clear();
            lists.clear();
            let mut held = 0u64;
            for offset in 0..per_group.min(blocks - first) {
                let block = first + offset;
                let run = &locals[starts[block] as usize..starts[block + 1] as usize];
                if run.is_empty() {
                    continue;
                }
                let before = lists.len();
                let mut previous = 0u32;
                for &local in run {
                    put_varint(&mut lists, u64::from(local - previous));
                    previous = local;
                }
                put_varint(&mut head, offset as u64);
                put_varint(&mut head, (lists.len() - before) as u64);
                held += 1;
            }
            if held == 0 {
                continue;
            }
            let mut value = Vec::with_capacity(head.len() + lists.len() + 2);
            put_varint(&mut value, held);
            value.extend_from_slice(&head);
            value.extend_from_slice(&lists);
            out.push((group as u32, value));
        }
        out
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

    /// The postings of a segment `info` describes, each key with its
    /// value, held for lookups.
    #[cfg(test)]
    fn of(postings: &[(u32, Vec<u8>)], info: &SegmentInfo) -> Blocks {
        let mut blocks = Blocks::default();
        for (key, value) in postings {
            (info.for_each_block(*key, value, |block, list| blocks.push(block, list))).unwrap();
        }
        blocks.index(info.block_bits)
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

    /// A segment of `sets`, local numbers as global ones, undated.
    fn info_of(sets: &[Shingles]) -> SegmentInfo {
        SegmentInfo::new(
            (0..sets.len() as u32).collect(),
            sets.iter().map(|s| s.len() as u32).collect(),
            vec![None; sets.len()],
        )
    }

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
        let info = info_of(&sets);
        let stored = Blocks::of(&postings(&refs, &info), &info);
        let query = &sets[7];
        let mut counts = vec![0u32; sets.len()];
        for (block, n) in blocks(query, info.block_bits) {
            if let Some(list) = stored.get(block) {
                for_each_posting(list, |local| {
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
        // Enough shingles for many groups, and a few sets of one group.
        for (sets, most) in [(300, 3_000), (5, 40)] {
            let sets: Vec<Shingles> = (0..sets)
                .map(|_| (0..rng.below(most)).map(|_| rng.next_u64()).collect())
                .collect();
            let refs: Vec<&Shingles> = sets.iter().collect();
            let info = info_of(&sets);
            let bits = info.block_bits;
            let mut want: Vec<(u32, u32)> = (sets.iter().enumerate())
                .flat_map(|(local, set)| {
                    let blocks = set.as_slice().iter().map(move |&s| block_of(s, bits));
                    blocks.map(move |block| (block, local as u32))
                })
                .collect();
            want.sort_unstable();
            want.dedup();
            let mut got = Vec::new();
            let stored = postings(&refs, &info);
            assert!(stored.windows(2).all(|w| w[0].0 < w[1].0));
            for (key, value) in &stored {
                let mut held = 0;
                info.for_each_block(*key, value, |block, list| {
                    assert_eq!(info.key_of(block), *key);
                    assert!(!list.is_empty(), "block {block} listed with no article");
                    held += 1;
                    for_each_posting(list, |local| {
                        got.push((block, local));
                        ControlFlow::Continue(())
                    })
                    .unwrap();
                })
                .unwrap();
                assert!(held > 0, "group {key} stored with no block");
                // A cut value is corrupt, not a panic.
                let cut = info.for_each_block(*key, &value[..value.len() / 2], |_, list| {
                    let _ = for_each_posting(list, |_| ControlFlow::Continue(()));
                });
                assert!(cut.is_err() || value.len() < 4);
            }
            assert_eq!(got, want);
            assert!(stored.len() as u64 <= info.keys());
        }
    }

    #[test]
    fn blocks_are_found_by_number_with_or_without_a_table() {
        let stored: Vec<(u32, Vec<u8>)> = [3u32, 4, 9, 15]
            .iter()
            .map(|&b| (b, vec![b as u8; b as usize % 3 + 1]))
            .collect();
        // 16 numbers, 4 held: a table; 2^20 numbers: a binary search. A
        // value a block, as segments were written before groups.
        for block_bits in [4, 20] {
            let info = SegmentInfo {
                block_bits,
                group_bits: None,
                ..info_of(&[])
            };
            let blocks = Blocks::of(&stored, &info);
            assert_eq!(blocks.table.is_empty(), block_bits == 20);
            for block in 0..40u32 {
                let want = stored
                    .iter()
                    .find(|(b, _)| *b == block)
                    .map(|(_, v)| &v[..]);
                assert_eq!(blocks.get(block), want, "block {block}, {block_bits} bits");
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
        // As segments were written before groups: no group width.
        let old = SegmentInfo {
            group_bits: None,
            ..info.clone()
        };
        assert_eq!(old.encode()[0], old.block_bits);
        assert_eq!(SegmentInfo::decode(&old.encode()), Ok(old));
        assert!(SegmentInfo::decode(&[GROUPED | 4]).is_err());
    }

    #[test]
    fn blocks_hold_about_the_intended_number_of_postings() {
        assert_eq!(block_bits(0), 4);
        assert_eq!(block_bits(32 * 1024), 10);
        assert_eq!(block_bits(usize::MAX), 32);
    }
}
