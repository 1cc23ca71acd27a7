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
        let mut cursors = Cursors::default();
        entries_in_ranges(&self.sets, ranges, bits, &mut cursors, shingles, sets);
        Ok(())
    }

    fn range_weight(&self, _: u64, bits: u32) -> usize {
        let shingles: usize = self.sets.iter().map(Shingles::len).sum();
        shingles >> bits
    }
}

/// [`SetStore::range_entries`] of sets held in memory. Each set's entries
/// start where `cursors` left it when the sweep resumes where the last one
/// ended (`containment`'s sweeps go in order), else where a binary search
/// puts them; they end where the scan leaves the ranges. Two binary searches
/// per set and sweep were a cache miss a step: 7% of an index add's cycles
/// (perf, 30k kit articles), for a few dozen entries a set.
fn entries_in_ranges<S: std::borrow::Borrow<Shingles>>(
    held: &[S],
    ranges: Range<u64>,
    bits: u32,
    cursors: &mut Cursors,
    shingles: &mut Vec<u64>,
    sets: &mut Vec<u32>,
) {
    if cursors.next != Some(ranges.start) || cursors.at.len() != held.len() {
        cursors.at.clear();
        cursors.at.extend(held.iter().map(|set| {
            let set = set.borrow().as_slice();
            set.partition_point(|&s| range_of(s, bits) < ranges.start) as u32
        }));
    }
    for ((i, set), at) in held.iter().enumerate().zip(&mut cursors.at) {
        let set = &set.borrow().as_slice()[*at as usize..];
        let taken = set
            .iter()
            .take_while(|&&s| range_of(s, bits) < ranges.end)
            .count();
        shingles.extend_from_slice(&set[..taken]);
        sets.extend(std::iter::repeat_n(i as u32, taken));
        *at += taken as u32;
    }
    cursors.next = Some(ranges.end);
}

/// Where each set's entries of the next ranges start, and where those
/// ranges must start for that to hold.
#[derive(Debug, Default)]
struct Cursors {
    next: Option<u64>,
    at: Vec<u32>,
}

/// Sets held elsewhere, each the text of its own number, copies or not:
/// what an index add searches among itself before it stores them.
pub(crate) struct BorrowedSets<'a> {
    sets: &'a [&'a Shingles],
    numbers: Vec<usize>,
    /// Where the sweep stands in each set: one sweep reads at a time.
    cursors: std::sync::Mutex<Cursors>,
}

impl<'a> BorrowedSets<'a> {
    pub(crate) fn new(sets: &'a [&'a Shingles]) -> Self {
        BorrowedSets {
            sets,
            numbers: (0..sets.len()).collect(),
            cursors: Default::default(),
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
        let mut cursors = self.cursors.lock().unwrap_or_else(|p| p.into_inner());
        entries_in_ranges(self.sets, ranges, bits, &mut cursors, shingles, sets);
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

    #[test]
    fn borrowed_sets_give_each_range_its_entries_in_any_order_of_sweeps() {
        let mut rng = crate::synth::SplitMix64::new(3);
        let sets: Vec<Shingles> = (0..40)
            .map(|_| (0..rng.below(300)).map(|_| rng.next_u64()).collect())
            .collect();
        let refs: Vec<&Shingles> = sets.iter().collect();
        let store = BorrowedSets::new(&refs);
        let bits = 4;
        let expected = |ranges: &Range<u64>| -> (Vec<u64>, Vec<u32>) {
            let mut out = (Vec::new(), Vec::new());
            for (i, set) in sets.iter().enumerate() {
                for &s in set.as_slice() {
                    if ranges.contains(&range_of(s, bits)) {
                        out.0.push(s);
                        out.1.push(i as u32);
                    }
                }
            }
            out
        };
        // In order (the cursors carry on), then out of order, then the
        // first sweep again (each search starts afresh).
        let plan = [0..3, 3..4, 4..11, 11..16, 5..9, 0..2, 2..16];
        for ranges in plan {
            let (mut shingles, mut numbers) = (Vec::new(), Vec::new());
            store
                .range_entries(ranges.clone(), bits, &mut shingles, &mut numbers)
                .unwrap();
            assert_eq!((shingles, numbers), expected(&ranges), "{ranges:?}");
        }
    }
}
