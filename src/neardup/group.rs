//! Groups: verified edges joined into near-duplicate groups, guarded against
//! chains of edits that drift apart.
//!
//! Input: the [`DistinctSets`] and the verified [`Edge`]s between them.
//! Output: [`Group`]s of corpus indices with every verified pair inside
//! them. Invariants: members are sorted and groups ordered by first member;
//! texts with identical shingles are always in one group; every choice is
//! made on the sets' contents, never on their indices, so the groups do not
//! depend on input order.
//!
//! The guard: each set of a group must have containment at least
//! [`DRIFT_FLOOR`] in the group's anchor, its set with the most shingles (as
//! containment is never below Jaccard, this is "Jaccard or containment ≥ 0.3").
//! Sets below it are split off and grouped again by the edges among them,
//! under the same guard. Without it, union-find joins A ~ B ~ C ~ … into one
//! group even when small edits have left its ends with nothing in common.

use rayon::prelude::*;

use super::distinct::DistinctSets;
use super::union_find::UnionFind;
use super::verify::{Edge, Similarity};
use super::{Group, Pair};

/// Containment in the anchor below which a set is split off its group.
pub const DRIFT_FLOOR: f64 = 0.3;

pub fn groups(distinct: &DistinctSets, edges: &[Edge]) -> Vec<Group> {
    let sets = distinct.sets.len();
    let mut union_find = UnionFind::new(sets);
    for edge in edges {
        union_find.union(edge.a as usize, edge.b as usize);
    }
    let components = union_find.components();
    let mut component_of = vec![0; sets];
    for (c, members) in components.iter().enumerate() {
        members.iter().for_each(|&set| component_of[set] = c);
    }
    let mut edges_of: Vec<Vec<Edge>> = vec![Vec::new(); components.len()];
    for edge in edges {
        edges_of[component_of[edge.a as usize]].push(*edge);
    }
    let mut groups: Vec<Group> = components
        .into_par_iter()
        .zip(edges_of)
        .flat_map_iter(|(members, edges)| {
            without_drift(members, &edges, distinct)
                .into_iter()
                .map(move |part| assemble(&part, &edges, distinct))
        })
        .filter(|group| group.members.len() > 1)
        .collect();
    groups.sort_unstable_by_key(|group| group.members[0]);
    groups
}

/// `members` (sorted sets of one component) split until every part passes
/// the guard.
fn without_drift(members: Vec<usize>, edges: &[Edge], distinct: &DistinctSets) -> Vec<Vec<usize>> {
    let sets = &distinct.sets;
    let mut parts = Vec::new();
    let mut pending = vec![members];
    while let Some(members) = pending.pop() {
        let anchor = *members
            .iter()
            .max_by(|&&x, &&y| (sets[x].len(), &sets[x]).cmp(&(sets[y].len(), &sets[y])))
            .expect("a component has members");
        let (kept, drifted): (Vec<usize>, Vec<usize>) = members.iter().partition(|&&set| {
            set == anchor
                || Similarity::between(&sets[set], &sets[anchor]).containment >= DRIFT_FLOOR
        });
        parts.push(kept);
        pending.extend(connected(&drifted, edges));
    }
    parts
}

/// The components of the sorted sets `subset` under the edges among them.
fn connected(subset: &[usize], edges: &[Edge]) -> Vec<Vec<usize>> {
    let local = |set: u32| subset.binary_search(&(set as usize)).ok();
    let mut union_find = UnionFind::new(subset.len());
    for edge in edges {
        if let (Some(a), Some(b)) = (local(edge.a), local(edge.b)) {
            union_find.union(a, b);
        }
    }
    union_find
        .components()
        .into_iter()
        .map(|component| component.into_iter().map(|i| subset[i]).collect())
        .collect()
}

/// The group of the texts of `part` (sorted sets), with a pair for every two
/// texts of one set and for every edge inside the part.
fn assemble(part: &[usize], edges: &[Edge], distinct: &DistinctSets) -> Group {
    let texts = |set: usize| distinct.texts[set].iter().copied();
    let mut members: Vec<usize> = part.iter().flat_map(|&set| texts(set)).collect();
    members.sort_unstable();
    let identical = part.iter().flat_map(|&set| {
        let same = &distinct.texts[set];
        same.iter()
            .enumerate()
            .flat_map(move |(i, &a)| same[i + 1..].iter().map(move |&b| pair(a, b, 1.0, 1.0)))
    });
    let inside = |set: u32| part.binary_search(&(set as usize)).is_ok();
    let similar = edges
        .iter()
        .filter(|edge| inside(edge.a) && inside(edge.b))
        .flat_map(|edge| {
            let s = edge.similarity;
            texts(edge.a as usize).flat_map(move |a| {
                texts(edge.b as usize).map(move |b| pair(a, b, s.jaccard, s.containment))
            })
        });
    let mut pairs: Vec<Pair> = identical.chain(similar).collect();
    pairs.sort_unstable_by_key(|p| (p.a, p.b));
    Group { members, pairs }
}

fn pair(x: usize, y: usize, jaccard: f64, containment: f64) -> Pair {
    Pair {
        a: x.min(y),
        b: x.max(y),
        jaccard,
        containment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::shingle::Shingles;
    use crate::neardup::verify::{self, EdgeRule};

    fn distinct(sets: Vec<Shingles>, texts: Vec<Vec<usize>>) -> DistinctSets {
        DistinctSets { sets, texts }
    }

    fn all_pairs(n: u32) -> Vec<(u32, u32)> {
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    }

    const RULE: EdgeRule = EdgeRule {
        jaccard: 0.5,
        containment: 0.8,
    };

    #[test]
    fn a_chain_of_edits_is_split_where_it_drifts_from_the_anchor() {
        // Windows of 100 sliding by 30: neighbours have J = 70/130 ≈ 0.54,
        // the ends share nothing.
        let sets: Vec<Shingles> = (0..5u64)
            .map(|i| (30 * i..30 * i + 100).collect())
            .collect();
        let d = distinct(sets, (0..5).map(|i| vec![i]).collect());
        let edges = verify::edges(&d.sets, &all_pairs(5), &RULE);
        assert_eq!(edges.len(), 4);
        let members: Vec<Vec<usize>> = groups(&d, &edges).into_iter().map(|g| g.members).collect();
        // All five sets are equally long; the anchor is the greatest by
        // content, window 4, which windows 0 and 1 overlap by 0 and 10%.
        assert_eq!(members, vec![vec![0, 1], vec![2, 3, 4]]);
    }

    #[test]
    fn identical_texts_are_paired_with_each_other_and_with_their_neighbours() {
        let sets: Vec<Shingles> = vec![(0..100).collect(), (10..100).collect()];
        let d = distinct(sets, vec![vec![0, 3], vec![1]]);
        let edges = verify::edges(&d.sets, &all_pairs(2), &RULE);
        let groups = groups(&d, &edges);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members, vec![0, 1, 3]);
        let pairs: Vec<(usize, usize, f64)> = groups[0]
            .pairs
            .iter()
            .map(|p| (p.a, p.b, p.jaccard))
            .collect();
        assert_eq!(pairs, vec![(0, 1, 0.9), (0, 3, 1.0), (1, 3, 0.9)]);
    }
}
