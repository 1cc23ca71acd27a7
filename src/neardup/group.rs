//! Groups: verified edges joined into near-duplicate groups, guarded against
//! chains of edits that drift apart.
//!
//! Input: the distinct sets ([`SetStore`]) and the verified [`Edge`]s
//! between them. Output: [`Group`]s of corpus indices, each member paired
//! with the group's representative: linear in the group's size, where every
//! verified pair would be quadratic (1,500 copies of one text would list
//! over a million pairs). Invariants: members are sorted and groups ordered by first member;
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

use std::io;

use rayon::prelude::*;

use super::distinct::SetStore;
use super::union_find::UnionFind;
use super::verify::{Edge, Similarity};
use super::{Group, Pair};

/// Containment in the anchor below which a set is split off its group.
pub const DRIFT_FLOOR: f64 = 0.3;

/// Picks the representative of a group from its members (sorted corpus
/// indices): the copy that is kept.
pub type Choose<'c> = dyn Fn(&[usize]) -> usize + Sync + 'c;

/// The groups of the verified `edges` between `store`'s sets, each with its
/// representative picked by `choose` and paired with every other member.
pub fn groups(
    store: &impl SetStore,
    mut edges: Vec<Edge>,
    choose: &Choose,
) -> io::Result<Vec<Group>> {
    let sets = store.count();
    let mut union_find = UnionFind::new(sets);
    for edge in &edges {
        union_find.union(edge.a as usize, edge.b as usize);
    }
    // Only sets with an edge or with two texts can be in a group.
    let mut grouped: Vec<usize> = edges
        .iter()
        .flat_map(|e| [e.a as usize, e.b as usize])
        .chain((0..sets).filter(|&set| store.texts(set).len() > 1))
        .collect();
    grouped.sort_unstable();
    grouped.dedup();
    let components = union_find.components_of(&grouped);
    let mut component_of = vec![u32::MAX; sets];
    for (c, members) in components.iter().enumerate() {
        members.iter().for_each(|&set| component_of[set] = c as u32);
    }
    // Each component's edges, together: the edges sorted by component.
    edges.sort_unstable_by_key(|e| component_of[e.a as usize]);
    let mut starts = vec![0; components.len() + 1];
    for edge in &edges {
        starts[component_of[edge.a as usize] as usize + 1] += 1;
    }
    for c in 0..components.len() {
        starts[c + 1] += starts[c];
    }
    let parts: Vec<Vec<Vec<usize>>> = components
        .into_par_iter()
        .enumerate()
        .map(|(c, members)| without_drift(members, &edges[starts[c]..starts[c + 1]], store))
        .collect::<io::Result<_>>()?;
    drop(edges);
    let mut groups: Vec<Group> = parts
        .into_par_iter()
        .flatten()
        .map(|part| assemble(&part, store, choose))
        .filter(|group| !matches!(group, Ok(group) if group.members.len() < 2))
        .collect::<io::Result<_>>()?;
    groups.sort_unstable_by_key(|group| group.members[0]);
    Ok(groups)
}

/// `members` (sorted sets of one component) split until every part passes
/// the guard.
fn without_drift(
    members: Vec<usize>,
    edges: &[Edge],
    store: &impl SetStore,
) -> io::Result<Vec<Vec<usize>>> {
    let mut parts = Vec::new();
    let mut pending = vec![members];
    while let Some(members) = pending.pop() {
        // The anchor: the most shingles, ties to the greatest content.
        let largest = members.iter().map(|&set| store.size(set)).max();
        let mut anchor = None;
        for &set in members
            .iter()
            .filter(|&&set| Some(store.size(set)) == largest)
        {
            let loaded = store.load(set)?;
            if anchor.as_ref().is_none_or(|(_, best)| loaded > *best) {
                anchor = Some((set, loaded));
            }
        }
        let (anchor, anchored) = anchor.expect("a component has members");
        let (mut kept, mut drifted) = (Vec::new(), Vec::new());
        for &set in &members {
            let stays = set == anchor
                || Similarity::between(&*store.load(set)?, &anchored).containment >= DRIFT_FLOOR;
            if stays {
                kept.push(set);
            } else {
                drifted.push(set);
            }
        }
        parts.push(kept);
        pending.extend(connected(&drifted, edges));
    }
    Ok(parts)
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

/// The group of the texts of `part` (sorted sets): its members, and each
/// member but the representative paired with it, with their similarity.
fn assemble(part: &[usize], store: &impl SetStore, choose: &Choose) -> io::Result<Group> {
    let mut members: Vec<(usize, usize)> = part
        .iter()
        .flat_map(|&set| store.texts(set).iter().map(move |&text| (text, set)))
        .collect();
    members.sort_unstable();
    let texts: Vec<usize> = members.iter().map(|&(text, _)| text).collect();
    let representative = choose(&texts);
    let home = members[texts.binary_search(&representative).expect("a member")].1;
    let kept = store.load(home)?;
    let mut pairs = Vec::with_capacity(members.len().saturating_sub(1));
    for &(text, set) in members.iter().filter(|&&(text, _)| text != representative) {
        let (jaccard, containment) = if set == home {
            (1.0, 1.0)
        } else {
            let s = Similarity::between(&*store.load(set)?, &kept);
            (s.jaccard, s.containment)
        };
        pairs.push(Pair::new(text, representative, jaccard, containment));
    }
    Ok(Group {
        members: texts,
        pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::distinct::DistinctSets;
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
        let edges = verify::edges(&d, &all_pairs(5), &RULE).unwrap();
        assert_eq!(edges.len(), 4);
        let members: Vec<Vec<usize>> = groups(&d, edges, &FIRST)
            .unwrap()
            .into_iter()
            .map(|g| g.members)
            .collect();
        // All five sets are equally long; the anchor is the greatest by
        // content, window 4, which windows 0 and 1 overlap by 0 and 10%.
        assert_eq!(members, vec![vec![0, 1], vec![2, 3, 4]]);
    }

    const FIRST: &Choose = &|members: &[usize]| members[0];

    #[test]
    fn each_member_is_paired_with_the_representative_only() {
        let sets: Vec<Shingles> = vec![(0..100).collect(), (10..100).collect()];
        let d = distinct(sets, vec![vec![0, 3], vec![1]]);
        let edges = verify::edges(&d, &all_pairs(2), &RULE).unwrap();
        let pairs_with = |representative: usize| {
            let groups = groups(&d, edges.clone(), &|_: &[usize]| representative).unwrap();
            assert_eq!(groups.len(), 1);
            assert_eq!(groups[0].members, vec![0, 1, 3]);
            groups[0]
                .pairs
                .iter()
                .map(|p| (p.a, p.b, p.jaccard))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs_with(0), vec![(0, 1, 0.9), (0, 3, 1.0)]);
        assert_eq!(pairs_with(1), vec![(0, 1, 0.9), (1, 3, 0.9)]);
    }

    #[test]
    fn a_thousand_copies_make_a_linear_group() {
        let d = distinct(vec![(0..100).collect()], vec![(0..1000).collect()]);
        let groups = groups(&d, Vec::new(), FIRST).unwrap();
        assert_eq!(groups[0].members.len(), 1000);
        assert_eq!(groups[0].pairs.len(), 999);
        assert!(groups[0].pairs.iter().all(|p| p.a == 0 && p.jaccard == 1.0));
    }
}
