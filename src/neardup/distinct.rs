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
        let shingles: Vec<(usize, Shingles)> = texts
            .par_iter()
            .map_init(
                || Shingler::new(ngram, seed),
                |shingler, text| shingler.shingles(text),
            )
            .enumerate()
            .collect();
        DistinctSets::from_indexed(shingles)
    }

    /// The distinct sets of some texts of a corpus, each given with its
    /// corpus index (unique): what `dedup merge` builds from the sets of the
    /// articles a candidate pair names, the others being in no group.
    pub fn from_indexed(mut shingles: Vec<(usize, Shingles)>) -> Self {
        shingles.retain(|(_, set)| !set.is_empty());
        shingles.par_sort_by(|(i, x), (j, y)| x.cmp(y).then(i.cmp(j)));
        let mut classes: Vec<(Vec<usize>, Shingles)> = shingles
            .chunk_by_mut(|(_, x), (_, y)| x == y)
            .map(|class| {
                let texts = class.iter().map(|&(i, _)| i).collect();
                (texts, std::mem::take(&mut class[0].1))
            })
            .collect();
        classes.sort_unstable_by_key(|(texts, _)| texts[0]);
        let (texts, sets) = classes.into_iter().unzip();
        DistinctSets { sets, texts }
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
