//! LSH banding: cut each MinHash signature into `bands` bands of `rows`
//! values; two sets that agree on a whole band become a candidate pair.
//!
//! Input: one [`BandKeys`] per set. Output: candidate pairs `(i, j)`, `i < j`,
//! sorted and unique. Invariants: a pair of Jaccard similarity `s` is a
//! candidate with probability [`candidate_probability`]`(s, bands, rows)`;
//! the output depends only on the keys, never on thread scheduling.

use std::io;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::minhash::Signature;

/// The hash of each band of a signature, in band order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandKeys(Vec<u64>);

impl BandKeys {
    /// Keys of the first `bands · rows` values of `signature` (at most its
    /// length, checked by the configuration).
    pub fn new(signature: &Signature, bands: usize, rows: usize) -> Self {
        let mut bytes = Vec::with_capacity(rows * 8);
        let keys = signature.as_slice()[..bands * rows]
            .chunks_exact(rows)
            .map(|band| {
                bytes.clear();
                bytes.extend(band.iter().flat_map(|v| v.to_le_bytes()));
                xxh3_64(&bytes)
            })
            .collect();
        BandKeys(keys)
    }

    /// Keys as stored elsewhere (a sketch file), in band order.
    pub fn from_keys(keys: Vec<u64>) -> Self {
        BandKeys(keys)
    }

    pub fn as_slice(&self) -> &[u64] {
        &self.0
    }
}

/// Pairs of sets equal in at least one band, from each band's keys of
/// every set in set order as `column(band)` gives them: one band in memory
/// per thread at a time. Two bands are never compared with each other:
/// each is bucketed on its own.
pub(crate) fn candidate_pairs_by_band(
    bands: usize,
    column: impl Fn(usize) -> io::Result<Vec<u64>> + Sync,
) -> io::Result<Vec<(u32, u32)>> {
    // Each band's pairs sorted, then merged into the pairs so far, a band
    // per thread at a time: a pair that agrees in many bands (a close copy)
    // is held once, not once a band.
    let mut pairs = Vec::new();
    let at_once = rayon::current_num_threads().max(1);
    let all: Vec<usize> = (0..bands).collect();
    for some in all.chunks(at_once) {
        let found: Vec<Vec<(u32, u32)>> = some
            .par_iter()
            .map(|&band| {
                let mut buckets: Vec<(u64, u32)> = column(band)?
                    .into_iter()
                    .enumerate()
                    .map(|(set, key)| (key, set as u32))
                    .collect();
                buckets.sort_unstable();
                let mut pairs = pairs_within_runs(&buckets);
                pairs.sort_unstable();
                pairs.dedup();
                Ok(pairs)
            })
            .collect::<io::Result<_>>()?;
        for band in found {
            pairs = merged(pairs, band);
        }
    }
    Ok(pairs)
}

/// The union of two sorted lists without repeats, sorted.
pub(super) fn merged(x: Vec<(u32, u32)>, y: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    if x.is_empty() || y.is_empty() {
        return if x.is_empty() { y } else { x };
    }
    let mut out = Vec::with_capacity(x.len().max(y.len()));
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => {
                out.push(x[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(y[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(x[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&x[i..]);
    out.extend_from_slice(&y[j..]);
    out
}

/// Every pair of sets inside each run of equal keys of a sorted bucket list.
fn pairs_within_runs(buckets: &[(u64, u32)]) -> Vec<(u32, u32)> {
    buckets
        .chunk_by(|x, y| x.0 == y.0)
        .flat_map(|run| {
            run.iter()
                .enumerate()
                .flat_map(move |(i, &(_, a))| run[i + 1..].iter().map(move |&(_, b)| (a, b)))
        })
        .collect()
}

/// Weights of false positives and false negatives when choosing bands and
/// rows. Every candidate is verified exactly, so a false positive costs a
/// comparison while a false negative loses a duplicate: weigh recall.
pub const FALSE_POSITIVE_WEIGHT: f64 = 0.2;
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.8;

/// Probability that a pair of Jaccard similarity `s` shares at least one band.
pub fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// The (bands, rows) with `bands·rows ≤ num_perm` that minimise the weighted
/// area of false positives below `threshold` and false negatives above it
/// (datasketch's `_optimal_param`).
pub fn optimal_params(threshold: f64, num_perm: usize) -> (usize, usize) {
    let mut best = (1, 1);
    let mut best_error = f64::INFINITY;
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let fp = integrate(|s| candidate_probability(s, bands, rows), 0.0, threshold);
            let fn_ = integrate(
                |s| 1.0 - candidate_probability(s, bands, rows),
                threshold,
                1.0,
            );
            let error = FALSE_POSITIVE_WEIGHT * fp + FALSE_NEGATIVE_WEIGHT * fn_;
            if error < best_error {
                best_error = error;
                best = (bands, rows);
            }
        }
    }
    best
}

/// Midpoint rule; the integrands are smooth and monotone.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (b - a) / STEPS as f64;
    (0..STEPS).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::minhash::MinHasher;
    use crate::neardup::shingle::Shingles;
    use crate::synth::SplitMix64;

    fn pairs_of(keys: &[BandKeys]) -> Vec<(u32, u32)> {
        let column = |band: usize| Ok(keys.iter().map(|k| k.0[band]).collect());
        candidate_pairs_by_band(keys[0].0.len(), column).unwrap()
    }

    #[test]
    fn default_threshold_gives_the_recall_weighted_bands() {
        assert_eq!(optimal_params(0.5, 128), (30, 4));
        let (b, r) = optimal_params(0.8, 128);
        assert!(b * r <= 128);
        assert!(candidate_probability(0.8, b, r) > 0.7);
    }

    #[test]
    fn candidate_probability_is_an_s_curve() {
        let p = |s| candidate_probability(s, 30, 4);
        assert!(p(0.2) < 0.05);
        assert!(p(0.5) > 0.85);
        assert!(p(0.7) > 0.999);
    }

    /// The fraction of `trials` set pairs of Jaccard similarity `s` that
    /// become candidates, each pair with its own seed.
    fn measured_probability(s: f64, bands: usize, rows: usize, trials: u64) -> f64 {
        let union = 400;
        let shared = (s * union as f64) as usize;
        let hits = (0..trials)
            .filter(|&seed| {
                let mut rng = SplitMix64::new(seed);
                let elements: Vec<u64> = (0..union).map(|_| rng.next_u64()).collect();
                let (common, rest) = elements.split_at(shared);
                let (only_a, only_b) = rest.split_at(rest.len() / 2);
                let a: Shingles = common.iter().chain(only_a).copied().collect();
                let b: Shingles = common.iter().chain(only_b).copied().collect();
                let hasher = MinHasher::new(bands * rows, seed);
                let keys = [&a, &b].map(|set| BandKeys::new(&hasher.signature(set), bands, rows));
                !pairs_of(&keys).is_empty()
            })
            .count();
        hits as f64 / trials as f64
    }

    #[test]
    fn measured_candidate_probability_follows_the_s_curve() {
        let trials = 300;
        for (bands, rows) in [(30, 4), (9, 13)] {
            for s in [0.2, 0.4, 0.5, 0.6, 0.8] {
                let want = candidate_probability(s, bands, rows);
                let got = measured_probability(s, bands, rows, trials);
                // Four binomial standard deviations, plus 0.02 for the
                // dependence between bands of one signature.
                let tolerance = 4.0 * (want * (1.0 - want) / trials as f64).sqrt() + 0.02;
                assert!(
                    (got - want).abs() <= tolerance,
                    "(b, r) = ({bands}, {rows}), s = {s}: measured {got:.3}, expected {want:.3}"
                );
            }
        }
    }

    #[test]
    fn only_sets_equal_in_a_band_are_paired() {
        let keys = [
            BandKeys(vec![1, 2]),
            BandKeys(vec![3, 4]),
            BandKeys(vec![1, 5]),
            BandKeys(vec![6, 4]),
            BandKeys(vec![2, 1]),
        ];
        assert_eq!(pairs_of(&keys), vec![(0, 2), (1, 3)]);
    }
}
