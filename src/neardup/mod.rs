//! Stage 3, near-duplicates: articles that are copies of each other
//! (syndicated wire copy, reposts, light rewrites, a short article inside a
//! longer one), found without comparing all pairs.
//!
//! Input: the texts and [`NearDupParams`]. Output: [`Group`]s, see
//! [`find_groups`]. [`engine`] runs the stages on a corpus fed one article
//! at a time, in bounded memory ([`crate::spill`]). The stages, one file each:
//! 1. [`shingle`]: each text's set of hashed word shingles; [`distinct`]
//!    gathers texts with identical sets.
//! 2. [`minhash`] and [`lsh`]: signatures cut into bands; sets equal in a
//!    band are candidates (pairs near the Jaccard threshold).
//! 3. [`containment`]: candidates whose smaller set may lie inside the
//!    larger one, found exactly by prefix filtering.
//! 4. [`verify`]: the exact similarity of every candidate, and the edge rule.
//! 5. [`group`]: edges joined by [`union_find`] into groups, split where a
//!    chain of edits drifts apart.
//! 6. `apart`: texts cleaned from pages, linked only through their site's
//!    furniture (`frame`: two pages of one template), are kept apart.
//!
//! Invariants: the result depends only on the texts and the parameters, not
//! on their order or on the number of threads; [`reference`] computes the
//! same groups from every pair, to check this stage against.

pub(crate) mod apart;
pub mod containment;
pub mod distinct;
pub mod engine;
pub(crate) mod frame;
pub mod group;
pub mod lsh;
pub mod minhash;
pub mod reference;
pub mod shingle;
pub mod union_find;
pub mod verify;

use std::io;

use rayon::prelude::*;

use crate::error::SpillError;
use crate::progress::Progress;
use distinct::{DistinctSets, SetStore};
use group::Choose;
use lsh::BandKeys;
use minhash::MinHasher;
use verify::EdgeRule;

/// Parameters of the near-duplicate stage.
#[derive(Debug, Clone, PartialEq)]
pub struct NearDupParams {
    /// Words per shingle.
    pub ngram: usize,
    /// MinHash signature length.
    pub num_perm: usize,
    pub seed: u64,
    /// Jaccard similarity at or above which two articles are near-duplicates.
    pub threshold: f64,
    /// Containment at or above which the smaller article is a copy inside the larger.
    pub containment: f64,
    /// LSH bands and rows per band, derived from `threshold` unless given.
    pub bands: usize,
    pub rows: usize,
}

impl NearDupParams {
    pub fn edge_rule(&self) -> EdgeRule {
        EdgeRule {
            jaccard: self.threshold,
            containment: self.containment,
        }
    }
}

/// A verified pair of near-duplicates (indices into the corpus, `a < b`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub jaccard: f64,
    pub containment: f64,
}

impl Pair {
    /// The pair of `x` and `y`, in either order, with its similarity.
    pub fn new(x: usize, y: usize, jaccard: f64, containment: f64) -> Pair {
        Pair {
            a: x.min(y),
            b: x.max(y),
            jaccard,
            containment,
        }
    }
}

/// Articles that are copies of each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Sorted corpus indices, at least two.
    pub members: Vec<usize>,
    /// Each member but the representative (the copy kept) paired with the
    /// representative, with their exact similarity; sorted by `(a, b)`.
    pub pairs: Vec<Pair>,
}

/// What the stage found in a corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The groups of copies.
    pub groups: Vec<Group>,
    /// Pairs whose compared texts meet the copy rule only through their
    /// site's furniture: two pages of one template, kept apart (sorted by
    /// `(a, b)`; a pair only when its texts are in no group together).
    pub kept_apart: Vec<Pair>,
}

/// Groups of near-duplicates among `texts`, each group's members sorted, the
/// groups ordered by their first member, each represented by its first
/// member. Texts without words are in none.
pub fn find_groups(texts: &[&str], params: &NearDupParams) -> Result<Vec<Group>, SpillError> {
    let mut collector = engine::Collector::new(params)?;
    let sketches: Vec<engine::Sketch> = texts
        .par_iter()
        .map_init(
            || engine::Sketcher::new(params),
            |sketcher, text| sketcher.sketch(text),
        )
        .collect();
    for sketch in sketches {
        collector.add(sketch)?;
    }
    let found = collector.finish(&|members: &[usize]| members[0], &Progress::default())?;
    Ok(found.groups)
}

/// The LSH band keys of each distinct set.
fn band_keys(distinct: &DistinctSets, params: &NearDupParams) -> Vec<BandKeys> {
    let hasher = MinHasher::new(params.num_perm, params.seed);
    distinct
        .sets
        .par_iter()
        .map(|set| BandKeys::new(&hasher.signature(set), params.bands, params.rows))
        .collect()
}

/// Every pair of texts the stage verifies, sorted by `(a, b)`: texts with
/// identical shingles, and the verified edges between distinct sets, before
/// groups are formed (a group split for drift keeps fewer of them). What
/// the persistent index is checked against.
pub fn verified_pairs(texts: &[&str], params: &NearDupParams) -> io::Result<Vec<Pair>> {
    let distinct = DistinctSets::new(texts, params.ngram, params.seed);
    let rule = params.edge_rule();
    let candidates = candidates(&distinct, &band_keys(&distinct, params), &rule)?;
    Ok(text_pairs(
        &distinct,
        &verify::edges(&distinct, &candidates, &rule)?,
    ))
}

/// The pairs of texts that `edges` between distinct sets make, and those of
/// texts with one set, sorted by `(a, b)`.
fn text_pairs(distinct: &DistinctSets, edges: &[verify::Edge]) -> Vec<Pair> {
    let pair = Pair::new;
    let mut pairs: Vec<Pair> = distinct
        .texts
        .iter()
        .flat_map(|same| {
            same.iter()
                .enumerate()
                .flat_map(move |(i, &a)| same[i + 1..].iter().map(move |&b| pair(a, b, 1.0, 1.0)))
        })
        .collect();
    for edge in edges {
        let s = edge.similarity;
        for &a in &distinct.texts[edge.a as usize] {
            for &b in &distinct.texts[edge.b as usize] {
                pairs.push(pair(a, b, s.jaccard, s.containment));
            }
        }
    }
    pairs.sort_unstable_by_key(|p| (p.a, p.b));
    pairs
}

/// Candidate pairs of distinct sets (indices, `i < j`, sorted, unique):
/// those equal in an LSH band, and those where one may contain the other.
pub fn candidates(
    sets: &impl SetStore,
    keys: &[BandKeys],
    rule: &EdgeRule,
) -> io::Result<Vec<(u32, u32)>> {
    let bands = keys.first().map_or(0, |k| k.as_slice().len());
    let column = |band: usize| Ok(keys.iter().map(|k| k.as_slice()[band]).collect());
    candidates_by_band(sets, bands, column, rule)
}

/// [`candidates`], with each band's keys in set order as `column(band)`
/// gives them.
fn candidates_by_band(
    sets: &impl SetStore,
    bands: usize,
    column: impl Fn(usize) -> io::Result<Vec<u64>> + Sync,
    rule: &EdgeRule,
) -> io::Result<Vec<(u32, u32)>> {
    let banded = lsh::candidate_pairs_by_band(bands, column)?;
    Ok(lsh::merged(
        banded,
        containment::candidate_pairs(sets, rule)?,
    ))
}

/// The groups of the candidates that verify as edges, each represented by
/// the member `choose` picks.
pub fn verified_groups(
    distinct: &DistinctSets,
    candidates: &[(u32, u32)],
    rule: &EdgeRule,
    choose: &Choose,
) -> io::Result<Vec<Group>> {
    let edges = verify::edges(distinct, candidates, rule)?;
    group::groups(distinct, edges, choose)
}
