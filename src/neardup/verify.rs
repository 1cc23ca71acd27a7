//! Exact verification: the similarity of two shingle sets, and the rule that
//! makes a pair near-duplicates.
//!
//! Input: candidate pairs of sets. Output: the pairs that meet the
//! [`EdgeRule`], with their exact [`Similarity`], sorted. Invariants: every
//! number here is computed from the full sets, never estimated; the rule is
//! the one the exhaustive reference uses too, so the two can be compared.
//!
//! The rule: Jaccard ≥ `threshold`, or containment (shared shingles over the
//! smaller set) ≥ `containment` with enough shared shingles. Enough is
//! [`MIN_SHARED`]: a coincidental overlap that long is implausible. A text
//! with fewer shingles than that counts as contained only when all of it is,
//! and never below [`MIN_CONTAINED`] shingles: so short a text is a quote or
//! a headline, not an article.

use std::io;

use rayon::prelude::*;

use super::distinct::SetStore;
use super::shingle::Shingles;

/// Shared shingles a containment edge needs.
pub const MIN_SHARED: usize = 50;
/// Shingles a text needs before it can count as contained in another.
pub const MIN_CONTAINED: usize = 20;

/// How alike two shingle sets are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub shared: usize,
    /// Shingles of the smaller set.
    pub smaller: usize,
    pub jaccard: f64,
    /// `shared` over the size of the smaller set.
    pub containment: f64,
}

impl Similarity {
    pub fn between(a: &Shingles, b: &Shingles) -> Self {
        Similarity::of_counts(overlap(a.as_slice(), b.as_slice()), a.len(), b.len())
    }

    /// The similarity of sets of `a` and `b` shingles that share `shared`
    /// (at most the smaller size). The persistent index bounds `shared`
    /// from its postings before it loads a set, and the rule is monotone in
    /// it, so a bound that fails the rule rules the pair out.
    pub fn of_counts(shared: usize, a: usize, b: usize) -> Self {
        let union = a + b - shared;
        let smaller = a.min(b);
        Similarity {
            shared,
            smaller,
            jaccard: ratio(shared, union),
            containment: ratio(shared, smaller),
        }
    }
}

/// `part / whole`, and 0 for an empty whole.
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The size of the intersection of two sorted, duplicate-free slices.
/// The walk advances by comparison results rather than by a three-way
/// branch: which side moves is a coin toss for random hashes, and a
/// mispredicted branch a step was most of verification's time.
pub fn overlap(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        shared += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    shared
}

/// The size of the intersection of two sorted, duplicate-free slices if it
/// is at least `need`, else `None`, found as soon as what is left of the
/// shorter walk cannot make up the difference: a candidate that is not an
/// edge (a follow-up story quoting a paragraph) is given up part of the way
/// in, while an edge's count is exact.
pub fn overlap_reaching(a: &[u64], b: &[u64], need: usize) -> Option<usize> {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    loop {
        // Checked every STRIDE steps, so the walk itself stays branchless.
        let left = (a.len() - i).min(b.len() - j);
        if shared + left < need {
            return None;
        }
        if left == 0 {
            return Some(shared);
        }
        let end = (i + j + STRIDE).min(a.len() + b.len());
        while i < a.len() && j < b.len() && i + j < end {
            let (x, y) = (a[i], b[j]);
            shared += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
    }
}

/// Steps of [`overlap_reaching`]'s walk between checks of what is left.
const STRIDE: usize = 64;

/// When a pair of sets is a near-duplicate edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeRule {
    /// Jaccard similarity at or above which a pair is an edge.
    pub jaccard: f64,
    /// Containment at or above which a pair is an edge, given enough shared
    /// shingles.
    pub containment: f64,
}

impl EdgeRule {
    pub fn is_edge(&self, similarity: &Similarity) -> bool {
        similarity.jaccard >= self.jaccard
            || self
                .contained_overlap(similarity.smaller)
                .is_some_and(|needed| similarity.shared >= needed)
    }

    /// The fewest shared shingles that make sets of `a` and `b` shingles an
    /// edge, or `None` when none do: [`EdgeRule::is_edge`] is monotone in
    /// the shared count, so it is its own test of where the edge starts.
    pub fn least_edge(&self, a: usize, b: usize) -> Option<usize> {
        let edge = |shared| self.is_edge(&Similarity::of_counts(shared, a, b));
        let smaller = a.min(b);
        if !edge(smaller) {
            return None;
        }
        // Jaccard reaches j when shared ≥ j·(a + b)/(1 + j); start there
        // (or at the containment bound, if lower) and step to the exact
        // count, which floating point can put one off.
        let by_jaccard = (self.jaccard * (a + b) as f64 / (1.0 + self.jaccard)).ceil() as usize;
        let by_containment = self.contained_overlap(smaller).unwrap_or(usize::MAX);
        let mut shared = by_jaccard.min(by_containment).min(smaller);
        while shared > 0 && edge(shared - 1) {
            shared -= 1;
        }
        while !edge(shared) {
            shared += 1;
        }
        Some(shared)
    }

    /// How many of its first shingles (in any one order of all shingles) a
    /// set of `len` must share with every set no smaller it makes an edge
    /// with: what it needs to share with a set of its own size is the
    /// least (Jaccard asks more of a larger one, containment the same), and
    /// only `len − need` of its shingles can be missing from the other.
    /// 0 when it makes no edge with any such set.
    pub fn edge_prefix_len(&self, len: usize) -> usize {
        self.least_edge(len, len)
            .map_or(0, |need| len - need.max(1) + 1)
    }

    /// The fewest shingles a set of `len` shares with any set it makes an
    /// edge with, whatever that set's size (at least 1): a count below it
    /// rules a pair out before the other set's size is looked up.
    pub fn least_shared(&self, len: usize) -> usize {
        // Jaccard is at most shared / len, the other set's shingles being
        // at least the shared ones; a containment edge's smaller set has at
        // least MIN_CONTAINED shingles, and what it must share grows with it.
        let by_jaccard = least_reaching(self.jaccard, len);
        let by_containment = self.contained_overlap(MIN_CONTAINED).unwrap_or(usize::MAX);
        by_jaccard.min(by_containment).max(1)
    }

    /// The fewest shingles a set of `len` must share with a set at least as
    /// large to be contained in it; `None` when it is too short to count.
    pub fn contained_overlap(&self, len: usize) -> Option<usize> {
        (len >= MIN_CONTAINED).then(|| {
            let by_ratio = least_reaching(self.containment, len);
            by_ratio.max(MIN_SHARED.min(len))
        })
    }
}

/// The least `shared` with `shared / len ≥ threshold` in floating point, the
/// comparison [`Similarity`] makes: a ceiling computed as `threshold · len`
/// can be one off (0.8 · 5 = 4.000000000000001), and the containment
/// candidates rely on this count being exact.
fn least_reaching(threshold: f64, len: usize) -> usize {
    let reaches = |shared: usize| ratio(shared, len) >= threshold;
    let mut shared = (threshold * len as f64).ceil().clamp(0.0, len as f64) as usize;
    while shared > 0 && reaches(shared - 1) {
        shared -= 1;
    }
    while shared < len && !reaches(shared) {
        shared += 1;
    }
    shared
}

/// A verified pair of sets (`a < b`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub similarity: Similarity,
}

/// The candidates that are edges, in candidate order. Candidates sorted by
/// their first set load that set once for all its pairs.
pub fn edges(
    store: &impl SetStore,
    candidates: &[(u32, u32)],
    rule: &EdgeRule,
) -> io::Result<Vec<Edge>> {
    edges_counted(store, candidates, rule, &|_| {})
}

/// [`edges`], telling `verified` how many candidates each step verified.
pub fn edges_counted(
    store: &impl SetStore,
    candidates: &[(u32, u32)],
    rule: &EdgeRule,
    verified: &(dyn Fn(usize) + Sync),
) -> io::Result<Vec<Edge>> {
    // A block of candidates at a time: the edges found are held once, not
    // once in pieces and again whole.
    let mut edges = Vec::new();
    for block in candidates.chunks(VERIFIED_AT_ONCE) {
        let found: Vec<Vec<Edge>> = block
            .par_chunks(1024)
            .map(|chunk| {
                let (mut edges, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
                for run in chunk.chunk_by(|x, y| x.0 == y.0) {
                    store.load_into(run[0].0 as usize, &mut a)?;
                    for &(_, other) in run {
                        // Sizes alone can rule a pair out, before a load.
                        let Some(need) = rule.least_edge(a.len(), store.size(other as usize))
                        else {
                            continue;
                        };
                        store.load_into(other as usize, &mut b)?;
                        if let Some(shared) = overlap_reaching(&a, &b, need) {
                            edges.push(Edge {
                                a: run[0].0,
                                b: other,
                                similarity: Similarity::of_counts(shared, a.len(), b.len()),
                            });
                        }
                    }
                }
                verified(chunk.len());
                Ok(edges)
            })
            .collect::<io::Result<_>>()?;
        edges.extend(found.into_iter().flatten());
    }
    Ok(edges)
}

/// Candidates verified at a time.
const VERIFIED_AT_ONCE: usize = 1 << 18;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(range: std::ops::Range<u64>) -> Shingles {
        range.collect()
    }

    proptest! {
        /// The branchless walk counts what a set intersection counts,
        /// including at the ends of either slice and at `u64::MAX`.
        #[test]
        fn prop_overlap_is_the_intersection_size(
            a in proptest::collection::btree_set(any::<u64>().prop_map(|x| u64::MAX - x % 64), 0..40),
            b in proptest::collection::btree_set(any::<u64>().prop_map(|x| u64::MAX - x % 64), 0..40),
        ) {
            let (va, vb): (Vec<u64>, Vec<u64>) = (a.iter().copied().collect(), b.iter().copied().collect());
            prop_assert_eq!(overlap(&va, &vb), a.intersection(&b).count());
        }

        /// The early-stopping walk gives the exact count whenever it reaches
        /// what is asked, and gives up only when the count falls short.
        #[test]
        fn prop_overlap_reaching_is_exact_or_short(
            a in proptest::collection::btree_set(0u64..400, 0..300),
            b in proptest::collection::btree_set(0u64..400, 0..300),
            need in 0usize..320,
        ) {
            let (va, vb): (Vec<u64>, Vec<u64>) = (a.iter().copied().collect(), b.iter().copied().collect());
            let shared = overlap(&va, &vb);
            let expected = (shared >= need).then_some(shared);
            prop_assert_eq!(overlap_reaching(&va, &vb, need), expected);
        }

        /// The least edge is where the rule starts to hold, for any sizes.
        #[test]
        fn prop_least_edge_is_where_the_rule_starts(a in 0usize..2000, b in 0usize..2000) {
            let edge = |shared| RULE.is_edge(&Similarity::of_counts(shared, a, b));
            match RULE.least_edge(a, b) {
                Some(least) => {
                    prop_assert!(edge(least));
                    prop_assert!(least == 0 || !edge(least - 1));
                }
                None => prop_assert!(!edge(a.min(b))),
            }
        }
    }

    const RULE: EdgeRule = EdgeRule {
        jaccard: 0.5,
        containment: 0.8,
    };

    #[test]
    fn similarity_is_exact() {
        let s = Similarity::between(&set(0..100), &set(50..300));
        assert_eq!(s.shared, 50);
        assert_eq!(s.jaccard, 50.0 / 300.0);
        assert_eq!(s.containment, 0.5);
        assert_eq!(Similarity::between(&set(0..0), &set(0..3)).jaccard, 0.0);
    }

    #[test]
    fn a_long_text_inside_a_longer_one_is_an_edge() {
        let (small, large) = (set(0..100), set(10..1000));
        let s = Similarity::between(&small, &large);
        assert!(s.jaccard < 0.1);
        assert!(RULE.is_edge(&s));
    }

    #[test]
    fn short_texts_are_contained_only_whole_and_never_below_the_floor() {
        assert_eq!(RULE.contained_overlap(19), None);
        assert_eq!(RULE.contained_overlap(20), Some(20));
        assert_eq!(RULE.contained_overlap(49), Some(49));
        assert_eq!(RULE.contained_overlap(55), Some(50));
        assert_eq!(RULE.contained_overlap(1000), Some(800));
        let large = set(0..1000);
        let whole = set(0..30);
        let most = set(0..29)
            .as_slice()
            .iter()
            .copied()
            .chain([5000])
            .collect();
        assert!(RULE.is_edge(&Similarity::between(&whole, &large)));
        assert!(!RULE.is_edge(&Similarity::between(&most, &large)));
    }

    proptest! {
        #[test]
        fn prop_no_edge_shares_fewer_than_the_least_shared(
            jaccard in 0.0f64..=1.0,
            containment in 0.0f64..=1.0,
            a in 0usize..400,
            b in 0usize..400,
            shared in 0usize..400,
        ) {
            let rule = EdgeRule { jaccard, containment };
            let shared = shared.min(a).min(b);
            if rule.is_edge(&Similarity::of_counts(shared, a, b)) {
                prop_assert!(shared >= rule.least_shared(a) || shared == 0);
                prop_assert!(shared >= rule.least_shared(b) || shared == 0);
            }
        }
    }

    #[test]
    fn least_reaching_matches_the_float_comparison() {
        for len in 1..200 {
            for threshold in [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0] {
                let least = least_reaching(threshold, len);
                assert!(ratio(least, len) >= threshold);
                assert!(least == 0 || ratio(least - 1, len) < threshold);
            }
        }
    }
}
