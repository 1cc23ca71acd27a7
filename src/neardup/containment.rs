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

/// Pairs where the smaller set may be contained in the larger (indices into
/// `sets`).
pub fn candidate_pairs(sets: &[Shingles], rule: &EdgeRule) -> Vec<(u32, u32)> {
    let postings = Postings::build(sets);
    let wanted: Vec<usize> = (0..sets.len())
        .map(|set| shared_prefix_len(sets[set].len(), postings.shared(set), rule))
        .collect();
    // (set, frequency, shingle, run): a set's entries sort in the global
    // order, so its prefix is its first `wanted` entries.
    let mut entries: Vec<(u32, u32, u64, usize)> = postings
        .runs()
        .par_iter()
        .enumerate()
        .flat_map_iter(|(r, run)| {
            postings
                .sets(run)
                .iter()
                .filter(|&&set| wanted[set as usize] > 0)
                .map(move |&set| (set, run.frequency(), run.shingle, r))
        })
        .collect();
    entries.par_sort_unstable();
    let mut pairs: Vec<(u32, u32)> = entries
        .par_chunk_by(|x, y| x.0 == y.0)
        .flat_map_iter(|entries| {
            let set = entries[0].0;
            let size = sets[set as usize].len();
            let mut found: Vec<u32> = entries
                .iter()
                .take(wanted[set as usize])
                .flat_map(|&(_, _, _, run)| postings.sets(&postings.runs()[run]))
                .copied()
                .filter(|&other| other != set && sets[other as usize].len() >= size)
                .collect();
            found.sort_unstable();
            found.dedup();
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
    let prefix = rule
        .contained_overlap(len)
        .map_or(0, |needed| len - needed + 1);
    prefix.saturating_sub(len - shared)
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
