//! Which pairs of nodes are worth scoring, and their scores: never all pairs.
//!
//! Input: every [`Node`] and the channel [`Weights`]. Output: [`Edge`]s,
//! the pairs whose content score (before the time factor, which linkage
//! applies per cluster) clears [`MIN_EDGE`], each `(a, b)` with `a < b`,
//! sorted by `(a, b)`.
//!
//! Candidates come from an inverted index over each node's most telling
//! keys: its [`TOP_TERMS`] heaviest content terms and [`TOP_NAMES`] heaviest
//! names. Two nodes are candidates when they share an indexed key whose
//! posting list holds at most [`MAX_POSTING`] nodes (a key on more nodes
//! than that says little about any one story and would cost quadratic
//! time). LSH is the wrong tool at similarities around 0.2.
//!
//! Invariants: the candidate relation is symmetric and depends only on the
//! nodes, not their order; each node's candidates are gathered and scored
//! in parallel, one small buffer per node, no allocation per pair.

use std::collections::HashMap;

use rayon::prelude::*;

use super::score::{score, Weights};
use super::vectors::Node;

/// Content terms of each node that go into the index.
pub const TOP_TERMS: usize = 30;
/// Names of each node that go into the index.
pub const TOP_NAMES: usize = 10;
/// Posting lists longer than this are not expanded into pairs.
pub const MAX_POSTING: usize = 200;
/// Pairs scoring below this are dropped: to average-link they are as good as 0.
pub const MIN_EDGE: f64 = 0.03;

/// Keeps name keys apart from term keys in the index.
const NAME_SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// A scored pair of nodes, `a < b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub score: f64,
}

/// The heaviest `n` keys of a vector, heavier first, ties to the smaller key.
fn top(v: &[(u64, f32)], n: usize) -> impl Iterator<Item = u64> {
    let mut v: Vec<(u64, f32)> = v.to_vec();
    v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v.into_iter().map(|(k, _)| k)
}

/// The keys a node is indexed under, sorted.
pub fn index_keys(node: &Node) -> Vec<u64> {
    let mut keys: Vec<u64> = top(&node.terms, TOP_TERMS)
        .chain(top(&node.names, TOP_NAMES).map(|k| k ^ NAME_SALT))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Top keys a pair must share to be scored.
pub const MIN_SHARED_KEYS: usize = 2;

/// Scored candidate pairs of `nodes`.
pub fn edges(nodes: &[Node], weights: &Weights) -> Vec<Edge> {
    let keys: Vec<Vec<u64>> = nodes.par_iter().map(index_keys).collect();
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, keys) in keys.iter().enumerate() {
        for &k in keys {
            postings.entry(k).or_default().push(i as u32);
        }
    }
    postings.retain(|_, p| p.len() > 1 && p.len() <= MAX_POSTING);
    keys.par_iter()
        .enumerate()
        .flat_map_iter(|(i, keys)| {
            let i = i as u32;
            let mut others: Vec<u32> = Vec::new();
            for k in keys {
                if let Some(p) = postings.get(k) {
                    // Postings are in node order: the later nodes are a suffix.
                    let from = p.partition_point(|&j| j <= i);
                    others.extend_from_slice(&p[from..]);
                }
            }
            others.sort_unstable();
            // A pair that shares a single top key is almost never one story
            // (a common term or a frequent name); scoring it is most of the
            // cost on a large corpus.
            let shared_twice: Vec<u32> = others
                .chunk_by(|x, y| x == y)
                .filter(|run| run.len() >= MIN_SHARED_KEYS)
                .map(|run| run[0])
                .collect();
            shared_twice.into_iter().filter_map(move |j| {
                let s = score(&nodes[i as usize], &nodes[j as usize], weights).content;
                (s >= MIN_EDGE).then_some(Edge {
                    a: i,
                    b: j,
                    score: s,
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Weights = Weights {
        terms: 1.0,
        names: 0.0,
        anchors: 0.0,
    };

    fn node(terms: &[u64]) -> Node {
        let w = 1.0 / (terms.len() as f32).sqrt();
        Node {
            terms: terms.iter().map(|&k| (k, w)).collect(),
            names: Vec::new(),
            anchors: Vec::new(),
            language: "en",
            date: None,
        }
    }

    #[test]
    fn pairs_sharing_two_indexed_keys_are_scored_once() {
        let nodes = [
            node(&[1, 2, 5]),
            node(&[2, 3, 5]),
            node(&[4]),
            node(&[1, 3, 6]),
            node(&[1, 2, 6]),
        ];
        let got: Vec<(u32, u32)> = edges(&nodes, &W).iter().map(|e| (e.a, e.b)).collect();
        // 0–3 and 1–3 share one key each: not candidates.
        assert_eq!(got, [(0, 1), (0, 4), (3, 4)]);
        let e = edges(&nodes, &W)[0];
        assert!((e.score - 2.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn overfull_postings_make_no_pairs() {
        let nodes: Vec<Node> = (0..MAX_POSTING as u64 + 1)
            .map(|i| node(&[0, 1000 + i]))
            .collect();
        assert!(edges(&nodes, &W).is_empty());
    }

    #[test]
    fn only_the_heaviest_keys_are_indexed() {
        let mut n = node(&[]);
        n.terms = (0..TOP_TERMS as u64 + 5)
            .map(|k| (k, 1.0 + k as f32))
            .collect();
        let keys = index_keys(&n);
        assert_eq!(keys.len(), TOP_TERMS);
        assert!(!keys.contains(&0) && keys.contains(&(TOP_TERMS as u64 + 4)));
    }
}
