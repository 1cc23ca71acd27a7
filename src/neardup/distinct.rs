//! The distinct shingle sets of a corpus, and which texts have each.
//!
//! Input: the texts, words per shingle and seed. Output: [`DistinctSets`].
//! Invariants: every set is non-empty and different from every other; each
//! text with at least one word is in exactly one set's `texts`, sorted; sets
//! are ordered by their first text. Texts with identical shingles (reposts,
//! the commonest copy) are found here by sorting, so the later stages see
//! each set once: a thousand identical texts cost one signature and never a
//! quadratic bucket.

use rayon::prelude::*;

use super::shingle::{Shingler, Shingles};

#[derive(Debug, Clone, Default)]
pub struct DistinctSets {
    pub sets: Vec<Shingles>,
    /// `texts[i]`: the corpus indices whose shingles are `sets[i]`.
    pub texts: Vec<Vec<usize>>,
}

impl DistinctSets {
    pub fn new(texts: &[&str], ngram: usize, seed: u64) -> Self {
        let shingles: Vec<Shingles> = texts
            .par_iter()
            .map_init(
                || Shingler::new(ngram, seed),
                |shingler, text| shingler.shingles(text),
            )
            .collect();
        Self::from_sets(shingles)
    }

    /// The distinct sets among `shingles`, one per text in corpus order.
    pub fn from_sets(mut shingles: Vec<Shingles>) -> Self {
        let mut order: Vec<usize> = (0..shingles.len())
            .filter(|&i| !shingles[i].is_empty())
            .collect();
        order.par_sort_by(|&i, &j| shingles[i].cmp(&shingles[j]).then(i.cmp(&j)));
        let mut classes: Vec<Vec<usize>> = order
            .chunk_by(|&i, &j| shingles[i] == shingles[j])
            .map(<[usize]>::to_vec)
            .collect();
        classes.sort_unstable_by_key(|texts| texts[0]);
        let sets = classes
            .iter()
            .map(|texts| std::mem::take(&mut shingles[texts[0]]))
            .collect();
        DistinctSets {
            sets,
            texts: classes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_shingles_share_a_set_and_wordless_texts_have_none() {
        let texts = ["A b c d e f", "—", "x y z", "a, B c d e f!", "", "x y z"];
        let distinct = DistinctSets::new(&texts, 3, 1);
        assert_eq!(distinct.texts, vec![vec![0, 3], vec![2, 5]]);
        assert_eq!(distinct.sets.len(), 2);
        assert_eq!(distinct.sets[0].len(), 4);
    }
}
