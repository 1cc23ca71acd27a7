//! Candidates for containment edges: pairs whose smaller set may lie mostly
//! inside the larger one, however low their Jaccard similarity (a short
//! article inside a long one has J ≈ 0.25 or less, which LSH tuned to
//! J ≥ 0.5 cannot see).
//!
//! Input: the shingle sets and the [`EdgeRule`]. Output: candidate pairs
//! `(i, j)`, `i < j`, sorted and unique, that include every pair meeting the
//! rule's containment clause: the filter is exact, it loses no edge.
//!
//! How: prefix filtering (Chaudhuri et al., ICDE 2006; Bayardo et al.,
//! WWW 2007). Fix one order of all shingles. If a set of `n` shingles must
//! share `t` of them with a larger set, the larger set holds at least one of
//! its first `n − t + 1` shingles in that order, since only `n − t` can be
//! missing. So each set's prefix goes into an index, every shingle of every
//! set is looked up in it, and a hit on the prefix of a set no larger than
//! the prober makes a candidate. At containment 0.8 a prefix is a fifth of
//! its set.
//!
//! The order is by estimated document frequency, then by hash: a set's
//! prefix holds its rarest shingles, so boilerplate enters only the prefixes
//! of texts made of little else and posting lists stay short without
//! dropping any. A shingle in one text only can witness no pair, so it is
//! neither indexed nor looked up, though it still counts towards its set's
//! prefix; in news most shingles are such. Frequencies are counted in a table
//! of saturating counters indexed by hash bits. Collisions only overcount:
//! any fixed order keeps the filter exact, and a count of one is never an
//! overcount, so an estimate is enough.
//!
//! Why not a second, low-threshold band set: containment 0.8 of a text a
//! tenth the size of the other is Jaccard 0.07, which no banding separates
//! from unrelated pairs. Why not skip shingles in more than 50 texts: a wire
//! story carried by 60 outlets is made of nothing else.

use rayon::prelude::*;

use super::shingle::Shingles;
use super::verify::EdgeRule;

/// Pairs where the smaller set may be contained in the larger (indices into
/// `sets`).
pub fn candidate_pairs(sets: &[Shingles], rule: &EdgeRule) -> Vec<(u32, u32)> {
    let rarity = Rarity::count(sets);
    let shared: Vec<SharedShingles> = sets
        .par_iter()
        .map(|set| SharedShingles::new(set, rule, &rarity))
        .collect();
    drop(rarity);
    let index = PrefixIndex::build(&shared);
    let mut pairs: Vec<(u32, u32)> = shared
        .par_iter()
        .enumerate()
        .flat_map_iter(|(prober, probe)| {
            let size = sets[prober].len();
            let mut found: Vec<u32> = probe
                .all
                .iter()
                .flat_map(|&shingle| index.sets_with_prefix(shingle))
                .copied()
                .filter(|&other| other as usize != prober && sets[other as usize].len() <= size)
                .collect();
            found.sort_unstable();
            found.dedup();
            let prober = prober as u32;
            found
                .into_iter()
                .map(move |other| (other.min(prober), other.max(prober)))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Estimated document frequency of each shingle, saturating at 255.
struct Rarity {
    counts: Vec<u8>,
    shift: u32,
}

/// The counting table is cut into 2^PART_BITS parts counted in parallel, so
/// no counter is shared between threads and none needs to be atomic (atomic
/// increments would also serialise the cache misses that dominate here).
const PART_BITS: u32 = 3;

impl Rarity {
    /// About four counters per shingle occurrence (at most 2²⁸, 256 MiB),
    /// so that four in five shingles found in one text only are seen as
    /// such.
    fn count(sets: &[Shingles]) -> Self {
        let total: usize = sets.iter().map(Shingles::len).sum();
        let bits = (total.next_power_of_two().trailing_zeros() + 2).clamp(10, 28);
        let shift = 64 - bits;
        let mut counts = vec![0u8; 1 << bits];
        counts
            .par_chunks_mut(1 << (bits - PART_BITS))
            .enumerate()
            .for_each(|(part, counters)| {
                let part = part as u64;
                let mask = counters.len() - 1;
                for set in sets {
                    // A set is sorted, so its shingles in this part are one run.
                    let shingles = set.as_slice();
                    let start = shingles.partition_point(|&s| (s >> (64 - PART_BITS)) < part);
                    for &shingle in shingles[start..]
                        .iter()
                        .take_while(|&&s| (s >> (64 - PART_BITS)) == part)
                    {
                        let counter = &mut counters[(shingle >> shift) as usize & mask];
                        *counter = counter.saturating_add(1);
                    }
                }
            });
        Rarity { counts, shift }
    }

    fn frequency(&self, shingle: u64) -> u8 {
        self.counts[(shingle >> self.shift) as usize]
    }
}

/// The shingles of one set that another set may have too (estimated
/// frequency above one): all of them, which it probes the index with, and
/// those among its prefix, which the index holds.
struct SharedShingles {
    all: Vec<u64>,
    prefix: Vec<u64>,
}

impl SharedShingles {
    fn new(set: &Shingles, rule: &EdgeRule, rarity: &Rarity) -> Self {
        let mut keyed: Vec<(u8, u64)> = set
            .as_slice()
            .iter()
            .map(|&shingle| (rarity.frequency(shingle), shingle))
            .collect();
        // Sized exactly: these lists live until the probes end, and at
        // 100,000 articles a growth-doubled capacity costs hundreds of MB.
        let is_shared = |&&(frequency, _): &&(u8, u64)| frequency > 1;
        let mut all = Vec::with_capacity(keyed.iter().filter(is_shared).count());
        all.extend(keyed.iter().filter(is_shared).map(|&(_, shingle)| shingle));
        let len = rule
            .contained_overlap(set.len())
            .map_or(0, |needed| set.len() - needed + 1);
        // The first `len` in the global order: by frequency, then by hash.
        if len < keyed.len() {
            keyed.select_nth_unstable(len);
            keyed.truncate(len);
        }
        let prefix = keyed
            .into_iter()
            .filter(|&(frequency, _)| frequency > 1)
            .map(|(_, shingle)| shingle)
            .collect();
        SharedShingles { all, prefix }
    }
}

/// Which sets have a shingle in their prefix: the entries sorted by shingle,
/// with a directory on the top bits of the shingle (hashes are uniform, so a
/// directory slot holds about one entry).
struct PrefixIndex {
    shingles: Vec<u64>,
    sets: Vec<u32>,
    /// `directory[d]..directory[d + 1]` are the entries whose top bits are `d`.
    directory: Vec<u32>,
    shift: u32,
}

impl PrefixIndex {
    fn build(shared: &[SharedShingles]) -> Self {
        let mut entries: Vec<(u64, u32)> = shared
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, set)| set.prefix.iter().map(move |&shingle| (shingle, i as u32)))
            .collect();
        entries.par_sort_unstable();
        let bits = entries.len().next_power_of_two().trailing_zeros().max(1);
        let shift = 64 - bits;
        let mut directory = Vec::with_capacity((1 << bits) + 1);
        let mut entry = 0;
        for slot in 0..=1u64 << bits {
            while entry < entries.len() && (entries[entry].0 >> shift) < slot {
                entry += 1;
            }
            directory.push(entry as u32);
        }
        let (shingles, sets) = entries.into_iter().unzip();
        PrefixIndex {
            shingles,
            sets,
            directory,
            shift,
        }
    }

    fn sets_with_prefix(&self, shingle: u64) -> &[u32] {
        let slot = (shingle >> self.shift) as usize;
        let (start, end) = (
            self.directory[slot] as usize,
            self.directory[slot + 1] as usize,
        );
        let bucket = &self.shingles[start..end];
        let first = bucket.partition_point(|&s| s < shingle);
        let last = bucket.partition_point(|&s| s <= shingle);
        &self.sets[start + first..start + last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::verify::Similarity;
    use crate::synth::SplitMix64;

    const RULE: EdgeRule = EdgeRule {
        jaccard: 0.5,
        containment: 0.8,
    };

    fn random_set(rng: &mut SplitMix64, len: usize) -> Vec<u64> {
        (0..len).map(|_| rng.next_u64()).collect()
    }

    #[test]
    fn finds_every_contained_pair_even_at_low_jaccard() {
        let mut rng = SplitMix64::new(11);
        let boilerplate = random_set(&mut rng, 30);
        let mut sets: Vec<Shingles> = Vec::new();
        for _ in 0..60 {
            let len = 20 + rng.below(400);
            let body = random_set(&mut rng, len);
            // A text, the same text inside one five times as long, and a
            // copy of it missing a few shingles; all with shared boilerplate.
            let host: Vec<u64> = body
                .iter()
                .copied()
                .chain(random_set(&mut rng, 4 * len))
                .collect();
            let trimmed = body[..len - len / 6].iter().copied();
            for set in [
                body.iter()
                    .copied()
                    .chain(boilerplate.iter().copied())
                    .collect(),
                host.iter()
                    .copied()
                    .chain(boilerplate.iter().copied())
                    .collect(),
                trimmed.chain(random_set(&mut rng, 3)).collect(),
            ] {
                sets.push(set);
            }
        }
        let candidates = candidate_pairs(&sets, &RULE);
        let mut contained = 0;
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                let s = Similarity::between(&sets[i], &sets[j]);
                let needed = RULE.contained_overlap(s.smaller);
                if needed.is_some_and(|needed| s.shared >= needed) {
                    contained += 1;
                    let pair = (i as u32, j as u32);
                    assert!(candidates.binary_search(&pair).is_ok(), "{pair:?} {s:?}");
                }
            }
        }
        assert!(contained >= 100, "only {contained} contained pairs");
        assert!(
            candidates.len() < 4 * contained,
            "{} candidates",
            candidates.len()
        );
    }

    #[test]
    fn the_index_holds_the_shared_shingles_of_each_prefix() {
        let mut rng = SplitMix64::new(5);
        let twice: Shingles = random_set(&mut rng, 40).into_iter().collect();
        let once: Shingles = random_set(&mut rng, 100).into_iter().collect();
        let sets = vec![twice.clone(), twice.clone(), once.clone()];
        let rarity = Rarity::count(&sets);
        let shared: Vec<SharedShingles> = sets
            .iter()
            .map(|set| SharedShingles::new(set, &RULE, &rarity))
            .collect();
        let index = PrefixIndex::build(&shared);
        // A 40-shingle set must share all 40 to be contained: its prefix is
        // its first shingle in the order (by frequency, which collisions may
        // raise, then by hash).
        let mut order: Vec<(u8, u64)> = twice
            .as_slice()
            .iter()
            .map(|&s| (rarity.frequency(s), s))
            .collect();
        order.sort_unstable();
        assert_eq!(index.sets_with_prefix(order[0].1), [0, 1]);
        assert!(index.sets_with_prefix(order[1].1).is_empty());
        // Shingles counted once can witness no pair: not indexed, not probed.
        let single: Vec<u64> = once
            .as_slice()
            .iter()
            .copied()
            .filter(|&s| rarity.frequency(s) == 1)
            .collect();
        assert!(single.len() > 50, "{} counted once", single.len());
        for shingle in single {
            assert!(index.sets_with_prefix(shingle).is_empty());
            assert!(!shared[2].all.contains(&shingle));
        }
    }
}
