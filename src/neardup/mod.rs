//! Stage 3, near-duplicates: articles that are copies of each other.
//!
//! (Placeholder until MinHash/LSH lands: groups articles whose normalised
//! words are identical.)

pub mod lsh;
pub mod minhash;
pub mod shingle;

use std::collections::HashMap;

use crate::tokenize::normalised_words;

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

/// A verified pair of near-duplicates (indices into the corpus, `a < b`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub jaccard: f64,
    pub containment: f64,
}

/// Articles that are copies of each other, with the verified pairs that join them.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Sorted corpus indices, at least two.
    pub members: Vec<usize>,
    pub pairs: Vec<Pair>,
}

/// Groups of near-duplicates among `texts`, each group's members sorted, the
/// groups ordered by their first member.
pub fn find_groups(texts: &[&str], _params: &NearDupParams) -> Vec<Group> {
    let mut by_words: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (i, text) in texts.iter().enumerate() {
        by_words
            .entry(normalised_words(text).collect())
            .or_default()
            .push(i);
    }
    let mut groups: Vec<Group> = by_words
        .into_values()
        .filter(|m| m.len() > 1)
        .map(|members| {
            let pairs = members[1..]
                .iter()
                .map(|&b| Pair {
                    a: members[0],
                    b,
                    jaccard: 1.0,
                    containment: 1.0,
                })
                .collect();
            Group { members, pairs }
        })
        .collect();
    groups.sort_by_key(|g| g.members[0]);
    groups
}
