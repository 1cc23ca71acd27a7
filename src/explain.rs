//! `dedup explain`: why two articles match, or why they do not.
//!
//! For the near-duplicate level: exact Jaccard and containment of the two
//! cleaned texts' shingle sets, whether that makes an edge, and the passages
//! they share (the longest runs of consecutive shared shingles, shown as the
//! first article's text). For the event level: the pair score channel by
//! channel, with the terms and names the two share.

use std::collections::HashSet;

use serde::Serialize;

use crate::neardup::shingle::Shingler;
use crate::neardup::verify::Similarity;
use crate::neardup::NearDupParams;
use crate::tokenize::words;

/// The name and version of `dedup explain --format json` documents.
pub const SCHEMA: &str = "dedup-explain/1";

/// How many shared passages are shown.
pub const PASSAGES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearDuplicate {
    pub shingles_a: usize,
    pub shingles_b: usize,
    pub shared: usize,
    pub jaccard: f64,
    pub containment: f64,
    /// Whether the pair meets the near-duplicate rule on its own.
    pub is_near_duplicate: bool,
    /// The longest shared passages, longest first.
    pub passages: Vec<Passage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    /// Words in the passage.
    pub words: usize,
    pub text: String,
}

/// Compares two cleaned texts at the near-duplicate level.
pub fn near_duplicate(a: &str, b: &str, params: &NearDupParams) -> NearDuplicate {
    let mut shingler = Shingler::new(params.ngram, params.seed);
    let set_a = shingler.shingles(a);
    let set_b = shingler.shingles(b);
    let similarity = Similarity::between(&set_a, &set_b);
    NearDuplicate {
        shingles_a: set_a.len(),
        shingles_b: set_b.len(),
        shared: similarity.shared,
        jaccard: similarity.jaccard,
        containment: similarity.containment,
        is_near_duplicate: params.edge_rule().is_edge(&similarity),
        passages: shared_passages(a, set_b.as_slice(), &mut shingler, params.ngram),
    }
}

/// Runs of consecutive shingles of `a` that are also in `b` (sorted hashes),
/// as text of `a`: a run of k shingles covers k + ngram − 1 words.
fn shared_passages(a: &str, b: &[u64], shingler: &mut Shingler, ngram: usize) -> Vec<Passage> {
    let in_b: Vec<bool> = shingler
        .sequence(a)
        .map(|h| b.binary_search(&h).is_ok())
        .collect();
    let spans: Vec<(usize, usize)> = words(a)
        .map(|w| {
            let start = w.as_ptr() as usize - a.as_ptr() as usize;
            (start, start + w.len())
        })
        .collect();
    let mut runs: Vec<(usize, usize)> = Vec::new(); // (first shingle, shingles)
    let mut i = 0;
    while i < in_b.len() {
        if !in_b[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < in_b.len() && in_b[i] {
            i += 1;
        }
        runs.push((start, i - start));
    }
    runs.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let mut seen = HashSet::new();
    runs.into_iter()
        .filter_map(|(first, count)| {
            let last_word = (first + count - 1 + ngram - 1).min(spans.len() - 1);
            let text = a[spans[first].0..spans[last_word].1]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            seen.insert(text.clone()).then_some(Passage {
                words: last_word - first + 1,
                text,
            })
        })
        .take(PASSAGES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> NearDupParams {
        NearDupParams {
            ngram: 3,
            num_perm: 128,
            seed: 42,
            threshold: 0.5,
            containment: 0.8,
            bands: 30,
            rows: 4,
        }
    }

    #[test]
    fn shows_the_longest_shared_passage_as_the_first_texts_words() {
        let a =
            "Breaking: the council voted on Tuesday to build the new tram line, officials said.";
        let b = "Officials confirmed THE COUNCIL voted on Tuesday to build the new tram line. More later.";
        let e = near_duplicate(a, b, &params());
        assert_eq!(
            e.passages[0].text,
            "the council voted on Tuesday to build the new tram line"
        );
        assert_eq!(e.passages[0].words, 11);
        assert!(e.jaccard > 0.4 && e.jaccard < 1.0, "{e:?}");
    }

    #[test]
    fn unrelated_texts_share_nothing() {
        let e = near_duplicate(
            "One story about ships.",
            "Another about trains and stations.",
            &params(),
        );
        assert_eq!((e.shared, e.jaccard), (0, 0.0));
        assert!(e.passages.is_empty() && !e.is_near_duplicate);
    }
}
