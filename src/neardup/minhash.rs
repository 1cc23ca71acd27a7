//! MinHash signatures by one-permutation hashing with optimal densification
//! (Shrivastava, ICML 2017).
//!
//! Input: a [`Shingles`] set. Output: a [`Signature`] of `num_perm` values;
//! two signatures agree at each position with probability equal to the
//! Jaccard similarity of their sets. Invariants: a signature depends only on
//! the set, `num_perm` and the seed; a value's bin is a function of the value,
//! so values in different bins never agree by accident; a set without
//! shingles has an all-[`EMPTY`] signature and must not be compared.
//!
//! Why not K independent permutations `(a·x + b) mod (2^61−1)`: on 10,000
//! generated articles (647 words each) that costs 224 µs an article, four
//! times the 51 µs of tokenizing and shingling, while this scheme costs
//! 2.7 µs. Its estimates are as accurate: at J = 0.5 and K = 128 the measured
//! standard deviation is 0.043 for 600-shingle sets (theory 0.044) and 0.050
//! for 20-shingle ones (K permutations: 0.047).

use super::shingle::Shingles;

/// The value of a bin no shingle fell into. A shingle whose mixed hash is
/// exactly `u64::MAX` (probability 2⁻⁶⁴) would look empty; that is harmless.
pub const EMPTY: u64 = u64::MAX;

/// A MinHash signature: the minimum mixed hash of each bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(Vec<u64>);

impl Signature {
    pub fn as_slice(&self) -> &[u64] {
        &self.0
    }

    /// The fraction of positions where the two signatures agree: an unbiased
    /// estimate of the Jaccard similarity of their sets.
    pub fn jaccard_estimate(&self, other: &Signature) -> f64 {
        let agree = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        agree as f64 / self.0.len().max(1) as f64
    }
}

/// Computes signatures of one length and seed.
#[derive(Debug, Clone)]
pub struct MinHasher {
    num_perm: usize,
    /// Picks the permutation: shingles are mixed with it before binning.
    permutation_key: u64,
    /// Picks the probe sequence an empty bin follows to find a donor.
    probe_key: u64,
}

impl MinHasher {
    /// `num_perm` must be at least 1 (checked by the configuration).
    pub fn new(num_perm: usize, seed: u64) -> Self {
        assert!(num_perm > 0, "a signature has at least one value");
        MinHasher {
            num_perm,
            permutation_key: mix(seed ^ 0x6d69_6e68_6173_6831),
            probe_key: mix(seed ^ 0x6465_6e73_6966_7931),
        }
    }

    pub fn signature(&self, shingles: &Shingles) -> Signature {
        let mut bins = vec![EMPTY; self.num_perm];
        for &shingle in shingles.as_slice() {
            // A bijective mix is a permutation of the 64-bit universe; its
            // high bits choose the bin, so each bin is a slice of it.
            let value = mix(shingle ^ self.permutation_key);
            let bin = &mut bins[scale(value, self.num_perm)];
            *bin = (*bin).min(value);
        }
        if shingles.is_empty() {
            return Signature(bins);
        }
        let mut densified = bins.clone();
        for (bin, slot) in densified.iter_mut().enumerate() {
            if *slot == EMPTY {
                *slot = bins[self.donor(bin, &bins)];
            }
        }
        Signature(densified)
    }

    /// The first non-empty bin on `bin`'s probe sequence. The sequence
    /// depends only on the bin and the seed, so two sets empty at the same
    /// bin probe alike, and agree exactly when the bin they land on agrees.
    fn donor(&self, bin: usize, bins: &[u64]) -> usize {
        (1u64..)
            .map(|attempt| {
                let probe = ((bin as u64) << 32) | attempt;
                scale(mix(probe ^ self.probe_key), bins.len())
            })
            .find(|&donor| bins[donor] != EMPTY)
            .expect("a non-empty set has a non-empty bin")
    }
}

/// The SplitMix64 finaliser: a bijection on u64 that scatters every input
/// bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `value` scaled to `0..n` by its high bits (Lemire's multiply-shift).
fn scale(value: u64, n: usize) -> usize {
    ((u128::from(value) * n as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SplitMix64;
    use proptest::prelude::*;

    /// Two sets of Jaccard similarity `shared / union` (elements are
    /// distinct: SplitMix64 is a bijection of its counter).
    fn set_pair(union: usize, shared: usize, seed: u64) -> (Shingles, Shingles) {
        let mut rng = SplitMix64::new(seed);
        let elements: Vec<u64> = (0..union).map(|_| rng.next_u64()).collect();
        let (common, rest) = elements.split_at(shared);
        let (only_a, only_b) = rest.split_at(rest.len() / 2);
        let a = common.iter().chain(only_a).copied().collect();
        let b = common.iter().chain(only_b).copied().collect();
        (a, b)
    }

    proptest! {
        // A fixed seed: the bound below fails in 0.27% of cases by design,
        // and CI must not flake. Sets of at least 64 shingles (an article of
        // 68 words): the s.d. of smaller sets is measured to be up to 15%
        // above the K-permutation one (see the module docs).
        #![proptest_config(ProptestConfig {
            cases: 48,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn estimate_is_within_three_standard_deviations(
            union in 64usize..2_000,
            share in 0.0f64..=1.0,
            seed in any::<u64>(),
        ) {
            let shared = (share * union as f64) as usize;
            let (a, b) = set_pair(union, shared, seed);
            let jaccard = shared as f64 / union as f64;
            let k = 128;
            let hasher = MinHasher::new(k, seed);
            let estimate = hasher.signature(&a).jaccard_estimate(&hasher.signature(&b));
            let sd = (jaccard * (1.0 - jaccard) / k as f64).sqrt();
            prop_assert!(
                (estimate - jaccard).abs() <= 3.0 * sd,
                "J {jaccard:.3}, estimate {estimate:.3}, 3 s.d. {:.3}", 3.0 * sd
            );
        }
    }

    #[test]
    fn identical_sets_agree_everywhere_and_disjoint_ones_nowhere() {
        let hasher = MinHasher::new(128, 1);
        for union in [1, 5, 300] {
            let (a, b) = set_pair(union, union, 3);
            assert_eq!(hasher.signature(&a), hasher.signature(&b));
            let (a, b) = set_pair(2 * union, 0, 3);
            let estimate = hasher.signature(&a).jaccard_estimate(&hasher.signature(&b));
            assert_eq!(estimate, 0.0);
        }
    }

    #[test]
    fn empty_sets_have_empty_signatures() {
        let signature = MinHasher::new(16, 1).signature(&Shingles::default());
        assert!(signature.as_slice().iter().all(|&v| v == EMPTY));
    }
}
