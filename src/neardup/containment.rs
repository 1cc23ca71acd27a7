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
//! missing. So every set no smaller that has a shingle of a set's prefix
//! makes a candidate with it. At containment 0.8 a prefix is a fifth of its
//! set.
//!
//! The order is by document frequency, then by hash ([`Postings`] counts it
//! exactly). Shingles in one set only come first and can match nothing, so
//! most articles, whose prefix holds only such shingles, cannot be contained
//! in anything and cost nothing more. Boilerplate comes last: it enters only
//! the prefixes of texts made of little else, so no shingle has to be
//! dropped to keep candidates few.
//!
//! Why not a second, low-threshold band set: containment 0.8 of a text a
//! tenth the size of the other is Jaccard 0.07, which no banding separates
//! from unrelated pairs. Why not skip shingles in more than 50 texts: a wire
//! story carried by 60 outlets is made of nothing else.

use rayon::prelude::*;

use super::postings::Postings;
use super::shingle::Shingles;
use super::verify::EdgeRule;

/// A shingle a set shares: `(frequency, shingle, run index)`.
type Shared = (u32, u64, u32);

/// Pairs where the smaller set may be contained in the larger (indices into
/// `sets`).
pub fn candidate_pairs(sets: &[Shingles], rule: &EdgeRule) -> Vec<(u32, u32)> {
    let postings = Postings::build(sets);
    let wanted: Vec<usize> = (0..sets.len())
        .map(|set| shared_prefix_len(sets[set].len(), postings.shared(set), rule))
        .collect();
    // (set, frequency, shingle, run): a set's entries sort in the global
    // order, so its prefix is its first `wanted` entries.
    // Each wanted set's shared shingles as (frequency, shingle, run), one
    // slice per set, scattered in one pass over the runs; each set then
    // picks its prefix on its own instead of the corpus sorting every
    // (set, shingle) entry.
    let mut start = vec![0usize; sets.len() + 1];
    for set in 0..sets.len() {
        let shared = if wanted[set] > 0 {
            postings.shared(set)
        } else {
            0
        };
        start[set + 1] = start[set] + shared;
    }
    let mut slots: Vec<Shared> = vec![(0, 0, 0); start[sets.len()]];
    let mut fill = start.clone();
    for (r, run) in postings.runs().iter().enumerate() {
        let r = u32::try_from(r).expect("fewer than 2^32 shared shingles");
        for &set in postings.sets(run) {
            let set = set as usize;
            if wanted[set] > 0 {
                slots[fill[set]] = (run.frequency(), run.shingle, r);
                fill[set] += 1;
            }
        }
    }
    let mut prefixes: Vec<(usize, &mut [Shared])> = Vec::new();
    let mut rest = slots.as_mut_slice();
    for set in 0..sets.len() {
        let (mine, tail) = std::mem::take(&mut rest).split_at_mut(start[set + 1] - start[set]);
        rest = tail;
        if !mine.is_empty() {
            prefixes.push((set, mine));
        }
    }
    let mut pairs: Vec<(u32, u32)> = prefixes
        .into_par_iter()
        .flat_map_iter(|(set, shared)| {
            // The prefix: the set's `wanted` rarest shared shingles, ties by
            // hash (a set holds a hash once, so the choice is unique).
            let k = wanted[set].min(shared.len());
            if k < shared.len() {
                shared
                    .select_nth_unstable_by_key(k, |&(frequency, shingle, _)| (frequency, shingle));
            }
            let size = sets[set].len();
            let mut found: Vec<u32> = shared[..k]
                .iter()
                .flat_map(|&(_, _, run)| postings.sets(&postings.runs()[run as usize]))
                .copied()
                .filter(|&other| other as usize != set && sets[other as usize].len() >= size)
                .collect();
            found.sort_unstable();
            found.dedup();
            let set = set as u32;
            found
                .into_iter()
                .map(move |other| (other.min(set), other.max(set)))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// How many of a set's shared shingles are in its prefix: the prefix's
/// length less the shingles in no other set, which come first.
fn shared_prefix_len(len: usize, shared: usize, rule: &EdgeRule) -> usize {
    prefix_len(len, rule).saturating_sub(len - shared)
}

/// The prefix a set of `len` shingles must have a shingle of in common with
/// any set it is contained in: `len − needed + 1`, or 0 when it is too short
/// to be contained at all. Sketch files carry it, so that a join elsewhere
/// (Spark) filters exactly as this module does.
pub fn prefix_len(len: usize, rule: &EdgeRule) -> usize {
    rule.contained_overlap(len)
        .map_or(0, |needed| len - needed + 1)
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
}
