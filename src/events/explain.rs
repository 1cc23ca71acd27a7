//! Why two articles are (or are not) the same story: the pair score with its
//! channel breakdown and the evidence behind each channel, for people (a
//! `dedup explain A B` command prints it) and for tuning.
//!
//! Input: a corpus of [`EventDoc`]s (its document frequencies weigh the
//! terms), two indices into it and the [`EventParams`]. Output: an
//! [`Explanation`]: the same [`Breakdown`] clustering uses for that pair,
//! plus the shared terms and names that contributed most to their cosines,
//! and the shared anchors.
//!
//! Invariants: `breakdown.total` is exactly the score the clustering gives
//! the two articles when each is its own node in the same corpus.

use std::collections::HashMap;

use rayon::prelude::*;

use super::dates::{self, Day};
use super::features::{self, Features};
use super::score::{self, Breakdown, Weights};
use super::vectors::{self, key, Sparse};
use super::{background, EventDoc, EventParams};

/// How many shared terms and names an explanation lists.
pub const SHARED_SHOWN: usize = 10;

/// A key both articles have, and what it added to its channel's cosine.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Shared {
    pub key: String,
    pub contribution: f64,
}

/// A pair score, taken apart.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Explanation {
    pub breakdown: Breakdown,
    pub weights: Weights,
    /// Publication days (ISO), when known.
    pub date_a: Option<String>,
    pub date_b: Option<String>,
    pub language_a: &'static str,
    pub language_b: &'static str,
    /// Shared content terms, largest contribution first.
    pub shared_terms: Vec<Shared>,
    /// Shared names, largest contribution first.
    pub shared_names: Vec<Shared>,
    /// Shared anchors, sorted.
    pub shared_anchors: Vec<String>,
}

/// Explains the score of `docs[a]` and `docs[b]` within `docs`.
pub fn explain(docs: &[EventDoc], a: usize, b: usize, params: &EventParams) -> Explanation {
    let features: Vec<Features> = docs.par_iter().map(features::extract).collect();
    let nodes = vectors::build(&features, background::builtin());
    let (fa, fb) = (&features[a], &features[b]);
    let (na, nb) = (&nodes[a], &nodes[b]);
    let term_names: HashMap<u64, &str> =
        fa.terms.iter().map(|(t, _)| (key(t), t.as_str())).collect();
    let name_names: HashMap<u64, &str> =
        fa.names.iter().map(|(n, _)| (key(n), n.as_str())).collect();
    let shared_anchors = fa
        .anchors
        .iter()
        .filter(|x| fb.anchors.binary_search(x).is_ok())
        .cloned()
        .collect();
    Explanation {
        breakdown: score::score(na, nb, &params.weights),
        weights: params.weights,
        date_a: fa.date.map(iso),
        date_b: fb.date.map(iso),
        language_a: fa.language,
        language_b: fb.language,
        shared_terms: shared(&na.terms, &nb.terms, &term_names),
        shared_names: shared(&na.names, &nb.names, &name_names),
        shared_anchors,
    }
}

fn shared(a: &Sparse, b: &Sparse, names: &HashMap<u64, &str>) -> Vec<Shared> {
    let weights: HashMap<u64, f32> = b.iter().copied().collect();
    let mut shared: Vec<Shared> = a
        .iter()
        .filter_map(|&(k, wa)| {
            let wb = weights.get(&k)?;
            Some(Shared {
                key: names.get(&k).copied().unwrap_or("?").to_string(),
                contribution: wa as f64 * *wb as f64,
            })
        })
        .collect();
    shared.sort_by(|x, y| {
        y.contribution
            .total_cmp(&x.contribution)
            .then_with(|| x.key.cmp(&y.key))
    });
    shared.truncate(SHARED_SHOWN);
    shared
}

fn iso(day: Day) -> String {
    let (y, m, d) = dates::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(id: &'a str, text: &'a str) -> EventDoc<'a> {
        EventDoc {
            id,
            title: None,
            text,
            raw: text,
            date: None,
        }
    }

    #[test]
    fn explains_with_the_evidence_behind_each_channel() {
        let docs = [
            doc("a", "Kyiv | 30 December 2021\n\nPresident Vladimir Putin spoke to Joe Biden by telephone for 50 minutes at 20:30 GMT about Ukraine."),
            doc("b", "Moscow | 30 December 2021\n\nThe call between Vladimir Putin and Joe Biden began at 20:30 GMT and lasted 50 minutes."),
            doc("c", "A magnitude 6.4 earthquake struck the Serrano Highlands."),
        ];
        let params = EventParams::default();
        let e = explain(&docs, 0, 1, &params);
        assert!(e.breakdown.total > 0.2, "{e:?}");
        assert_eq!(e.date_a.as_deref(), Some("2021-12-30"));
        assert_eq!(e.breakdown.time, 1.0);
        assert!(
            e.shared_names.iter().any(|s| s.key == "vladimir putin"),
            "{e:?}"
        );
        assert!(e.shared_terms.iter().any(|s| s.key == "minute"), "{e:?}");
        assert_eq!(e.shared_anchors, ["d:dec-30", "n:2021", "n:50", "t:20:30"]);
        let sum: f64 = e.shared_terms.iter().map(|s| s.contribution).sum();
        assert!(sum <= e.breakdown.terms + 1e-9);
        let unrelated = explain(&docs, 0, 2, &params);
        assert!(unrelated.breakdown.total < 0.05, "{unrelated:?}");
    }
}
