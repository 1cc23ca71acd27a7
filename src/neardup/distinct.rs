//! The distinct shingle sets of a corpus, and which texts have each.
//!
//! Input: the texts, words per shingle and seed. Output: [`DistinctSets`].
//! Invariants: every set is non-empty and different from every other; each
//! text with at least one word is in exactly one set's `texts`, sorted; sets
//! are ordered by their first text. Texts with identical shingles (reposts,
//! the commonest copy) are found here by sorting, so the later stages see
//! each set once: a thousand identical texts cost one signature and never a
//! quadratic bucket.

use std::borrow::Cow;
use std::io;
use std::ops::Range;

use rayon::prelude::*;

use super::shingle::{Shingler, Shingles};

/// The distinct sets as the steps after sketching read them: held in
/// memory ([`DistinctSets`]) or spilled to disk ([`super::engine`]).
pub trait SetStore: Sync {
    /// How many distinct sets there are.
    fn count(&self) -> usize;
    /// Shingles in set `set`.
    fn size(&self, set: usize) -> usize;
    fn load(&self, set: usize) -> io::Result<Cow<'_, Shingles>>;
    /// Set `set`'s shingles, sorted, in `into` (a buffer reused from set to
    /// set: what verification reads, without an allocation a set).
    fn load_into(&self, set: usize, into: &mut Vec<u64>) -> io::Result<()> {
        into.clear();
        into.extend_from_slice(self.load(set)?.as_slice());
        Ok(())
    }
    /// The corpus indices whose shingles are set `set`, sorted.
    fn texts(&self, set: usize) -> &[usize];
    /// Appends every shingle of every set whose top `bits` bits are in
    /// `ranges` to `shingles`, and its set to `sets`, set by set, each set's
    /// in increasing order: one slice of the hash space, what the
    /// containment filter sorts at a time.
    fn range_entries(
        &self,
        ranges: Range<u64>,
        bits: u32,
        shingles: &mut Vec<u64>,
        sets: &mut Vec<u32>,
    ) -> io::Result<()>;
    /// About how many entries [`SetStore::range_entries`] gives for one
    /// range, to plan how many to take at a time.
    fn range_weight(&self, range: u64, bits: u32) -> usize;
}

/// The top `bits` bits of a shingle: its hash range.
pub(crate) fn range_of(shingle: u64, bits: u32) -> u64 {
    shingle >> (64 - bits)
}

impl SetStore for DistinctSets {
    fn count(&self) -> usize {
        self.sets.len()
    }

    fn size(&self, set: usize) -> usize {
        self.sets[set].len()
    }

    fn load(&self, set: usize) -> io::Result<Cow<'_, Shingles>> {
        Ok(Cow::Borrowed(&self.sets[set]))
    }

    fn texts(&self, set: usize) -> &[usize] {
        &self.texts[set]
    }

    fn range_entries(
        &self,
        ranges: Range<u64>,
        bits: u32,
        shingles: &mut Vec<u64>,
        sets: &mut Vec<u32>,
    ) -> io::Result<()> {
        entries_in_ranges(&self.sets, ranges, bits, shingles, sets);
        Ok(())
    }

    fn range_weight(&self, _: u64, bits: u32) -> usize {
        let shingles: usize = self.sets.iter().map(Shingles::len).sum();
        shingles >> bits
    }
}

/// [`SetStore::range_entries`] of sets held in memory.
fn entries_in_ranges<S: std::borrow::Borrow<Shingles>>(
    held: &[S],
    ranges: Range<u64>,
    bits: u32,
    shingles: &mut Vec<u64>,
    sets: &mut Vec<u32>,
) {
    for (i, set) in held.iter().enumerate() {
        let set = set.borrow().as_slice();
        let start = set.partition_point(|&s| range_of(s, bits) < ranges.start);
        let end = set.partition_point(|&s| range_of(s, bits) < ranges.end);
        shingles.extend_from_slice(&set[start..end]);
        sets.extend(std::iter::repeat_n(i as u32, end - start));
    }
}

/// Sets held elsewhere, each the text of its own number, copies or not:
/// what an index add searches among itself before it stores them.
pub(crate) struct BorrowedSets<'a> {
    sets: &'a [&'a Shingles],
    numbers: Vec<usize>,
}

impl<'a> BorrowedSets<'a> {
    pub(crate) fn new(sets: &'a [&'a Shingles]) -> Self {
        BorrowedSets {
            sets,
            numbers: (0..sets.len()).collect(),
        }
    }
}

impl SetStore for BorrowedSets<'_> {
    fn count(&self) -> usize {
        self.sets.len()
    }

    fn size(&self, set: usize) -> usize {
        self.sets[set].len()
    }

    fn load(&self, set: usize) -> io::Result<Cow<'_, Shingles>> {
        Ok(Cow::Borrowed(self.sets[set]))
    }

    fn texts(&self, set: usize) -> &[usize] {
        &self.numbers[set..set + 1]
    }

    fn range_entries(
        &self,
        ranges: Range<u64>,
        bits: u32,
        shingles: &mut Vec<u64>,
        sets: &mut Vec<u32>,
    ) -> io::Result<()> {
        entries_in_ranges(self.sets, ranges, bits, shingles, sets);
        Ok(())
    }

    fn range_weight(&self, _: u64, bits: u32) -> usize {
        let shingles: usize = self.sets.iter().map(|s| s.len()).sum();
        shingles >> bits
    }
}

#[derive(Debug, Clone, Default)]
pub struct DistinctSets {
    pub sets: Vec<Shingles>,
    /// `texts[i]`: the corpus indices whose shingles are `sets[i]`.
    pub texts: Vec<Vec<usize>>,
}

impl DistinctSets {
    pub fn new(texts: &[&str], ngram: usize, seed: u64) -> Self {
        let shingles: Vec<(usize, Shingles)> = texts
            .par_iter()
            .map_init(
                || Shingler::new(ngram, seed),
                |shingler, text| shingler.shingles(text),
            )
            .enumerate()
            .collect();
        DistinctSets::from_indexed(shingles)
    }

    /// The distinct sets among `shingles`, one per text in corpus order.
    pub fn from_sets(shingles: Vec<Shingles>) -> Self {
        DistinctSets::from_indexed(shingles.into_iter().enumerate().collect())
    }

    /// The distinct sets of some texts of a corpus, each given with its
    /// corpus index (unique): what `dedup merge` builds from the sets of the
    /// articles a candidate pair names, the others being in no group.
    pub fn from_indexed(mut shingles: Vec<(usize, Shingles)>) -> Self {
        shingles.retain(|(_, set)| !set.is_empty());
        shingles.par_sort_by(|(i, x), (j, y)| x.cmp(y).then(i.cmp(j)));
        let mut classes: Vec<(Vec<usize>, Shingles)> = shingles
            .chunk_by_mut(|(_, x), (_, y)| x == y)
            .map(|class| {
                let texts = class.iter().map(|&(i, _)| i).collect();
                (texts, std::mem::take(&mut class[0].1))
            })
            .collect();
        classes.sort_unstable_by_key(|(texts, _)| texts[0]);
        let (texts, sets) = classes.into_iter().unzip();
        DistinctSets { sets, texts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_shingles_share_a_set_and_wordless_texts_have_none() {
        let texts = ["A b c d e f", "—", "x y z", "a, B c d e f!", "", "x y z"];
        let distinct = DistinctSets::new(&texts, 3, 1);
        assert_eq!(distinct.texts, vec![vec![0, 3], vec![2, 5]]);
        assert_eq!(distinct.sets.len(), 2);
        assert_eq!(distinct.sets[0].len(), 4);
    }
}
