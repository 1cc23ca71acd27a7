//! The exhaustive reference: the groups that verifying every pair gives,
//! and how far a result is from them.
//!
//! Input: the texts and parameters, or two results. Output: reference
//! [`Group`]s, or the [`Agreement`] of two results. Invariant: the reference
//! differs from [`super::find_groups`] only in its candidates (all pairs), so
//! any difference is a pair the candidate stages missed. Quadratic: for
//! checking on corpora of a few thousand texts.

use std::collections::BTreeSet;
use std::io;

use super::distinct::DistinctSets;
use super::verify::{self, Edge};
use super::{group, Group, NearDupParams, Pair};

/// The groups [`super::find_groups`] would give if every pair were a candidate.
pub fn find_groups_exhaustively(texts: &[&str], params: &NearDupParams) -> io::Result<Vec<Group>> {
    let (distinct, edges) = every_edge(texts, params)?;
    group::groups(&distinct, edges, &|members: &[usize]| members[0])
}

/// The pairs [`super::verified_pairs`] would give if every pair were a
/// candidate.
pub fn verified_pairs_exhaustively(
    texts: &[&str],
    params: &NearDupParams,
) -> io::Result<Vec<Pair>> {
    let (distinct, edges) = every_edge(texts, params)?;
    Ok(super::text_pairs(&distinct, &edges))
}

fn every_edge(texts: &[&str], params: &NearDupParams) -> io::Result<(DistinctSets, Vec<Edge>)> {
    let distinct = DistinctSets::new(texts, params.ngram, params.seed);
    let n = distinct.sets.len() as u32;
    let every_pair: Vec<(u32, u32)> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect();
    let edges = verify::edges(&distinct, &every_pair, &params.edge_rule())?;
    Ok((distinct, edges))
}

/// How many pairs of articles a result and the reference have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    pub found: usize,
    pub reference: usize,
    pub common: usize,
}

impl Agreement {
    /// Verified pairs ([`super::verified_pairs`] and
    /// [`verified_pairs_exhaustively`]).
    pub fn edges(found: &[Pair], reference: &[Pair]) -> Self {
        let pairs = |pairs: &[Pair]| -> BTreeSet<(usize, usize)> {
            pairs.iter().map(|p| (p.a, p.b)).collect()
        };
        Self::of(&pairs(found), &pairs(reference))
    }

    /// Pairs of articles in one group, joined by an edge or not.
    pub fn grouped(found: &[Group], reference: &[Group]) -> Self {
        let pairs = |groups: &[Group]| -> BTreeSet<(usize, usize)> {
            groups
                .iter()
                .flat_map(|g| {
                    let m = &g.members;
                    (0..m.len()).flat_map(move |i| m[i + 1..].iter().map(move |&b| (m[i], b)))
                })
                .collect()
        };
        Self::of(&pairs(found), &pairs(reference))
    }

    fn of(found: &BTreeSet<(usize, usize)>, reference: &BTreeSet<(usize, usize)>) -> Self {
        Agreement {
            found: found.len(),
            reference: reference.len(),
            common: found.intersection(reference).count(),
        }
    }

    /// Found pairs that the reference has too (1 when nothing was found).
    pub fn precision(&self) -> f64 {
        fraction(self.common, self.found)
    }

    /// Reference pairs that were found (1 when there are none).
    pub fn recall(&self) -> f64 {
        fraction(self.common, self.reference)
    }
}

fn fraction(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}
