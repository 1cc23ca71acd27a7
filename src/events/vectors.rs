//! From raw features to what pairs are scored on: hashed keys, TF-IDF
//! weights, unit length.
//!
//! Input: the [`Features`] of every node (a near-duplicate group counted
//! once, or a lone article) and the [`Background`] table. Output: one
//! [`Node`] per input, in the same order.
//!
//! Weights: `tf = 1 + ln(count)` (counts are title/lead weighted for terms),
//! `idf = ln((N' + 1) / (df' + 1)) + 1` with `df' = df + df_bg` and
//! `N' = N + N_bg` (the background blends in as extra documents). Each
//! channel is scaled to unit length, so a cosine is a plain dot product.
//!
//! Invariants: vectors are sorted by key with unique keys; keys are a
//! stable 64-bit FNV-1a hash of the string (the same on every machine and
//! run); a node's vector depends only on its features and the corpus
//! *counts*, never on the corpus order or the number of threads.

use crate::keymap::KeyMap;

use rayon::prelude::*;

use super::background::Background;
use super::dates::Day;
use super::features::Features;

/// A sparse vector: (key, weight), sorted by key, unit length (or empty).
pub type Sparse = Vec<(u64, f32)>;

/// Terms kept per node, the heaviest first. Bounds memory on long articles;
/// the tail of a long article's vector weighs little in a cosine.
pub const MAX_TERMS: usize = 200;

/// What one node is scored on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub terms: Sparse,
    pub names: Sparse,
    /// Anchor keys, sorted and unique.
    pub anchors: Vec<u64>,
    pub language: &'static str,
    pub date: Option<Day>,
}

/// The stable 64-bit key of a term, name or anchor (FNV-1a).
pub fn key(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A node's features with hashed keys, before weighting.
struct Keyed {
    terms: Vec<(u64, f32)>,
    names: Vec<(u64, f32)>,
    anchors: Vec<u64>,
}

fn keyed(f: &Features) -> Keyed {
    let sorted = |mut v: Vec<(u64, f32)>| {
        v.sort_unstable_by_key(|&(k, _)| k);
        v.dedup_by_key(|&mut (k, _)| k);
        v
    };
    let mut anchors: Vec<u64> = f.anchors.iter().map(|a| key(a)).collect();
    anchors.sort_unstable();
    anchors.dedup();
    Keyed {
        terms: sorted(f.terms.iter().map(|(t, c)| (key(t), *c)).collect()),
        names: sorted(f.names.iter().map(|(n, c)| (key(n), *c as f32)).collect()),
        anchors,
    }
}

/// Document frequencies of the corpus blended with the background.
pub struct Idf<'a> {
    docs: u32,
    terms: KeyMap<u32>,
    names: KeyMap<u32>,
    background: &'a Background,
}

impl Idf<'_> {
    fn weight(&self, df: u32, df_bg: u32) -> f64 {
        let n = (self.docs + self.background.docs) as f64;
        ((n + 1.0) / ((df + df_bg) as f64 + 1.0)).ln() + 1.0
    }

    pub fn term(&self, k: u64) -> f64 {
        let df = self.terms.get(&k).copied().unwrap_or(0);
        self.weight(df, self.background.terms.get(&k).copied().unwrap_or(0))
    }

    pub fn name(&self, k: u64) -> f64 {
        let df = self.names.get(&k).copied().unwrap_or(0);
        self.weight(df, self.background.names.get(&k).copied().unwrap_or(0))
    }
}

impl<'a> Idf<'a> {
    /// IDF from document frequencies counted elsewhere: the persistent
    /// index keeps them as articles are added.
    pub fn from_counts(
        docs: u32,
        terms: KeyMap<u32>,
        names: KeyMap<u32>,
        background: &'a Background,
    ) -> Self {
        Idf {
            docs,
            terms,
            names,
            background,
        }
    }
}

/// Weighted, unit-length vectors for every node.
pub fn build(features: &[Features], background: &Background) -> Vec<Node> {
    let (idf, _) = count_from(features.len(), |n| features[n].clone(), background, |_| ());
    features.par_iter().map(|f| node(f, &idf)).collect()
}

/// The document frequencies of the features of nodes `0..nodes`, as
/// `features_of(n)` gives them, so that no more than a chunk of nodes'
/// features is held at a time; with each node, what `keep` takes of its
/// features. A node's vector is then [`node`] of its features, made when
/// needed.
pub fn count_from<T: Send>(
    nodes: usize,
    features_of: impl Fn(usize) -> Features + Sync,
    background: &Background,
    keep: impl Fn(Features) -> T + Sync,
) -> (Idf<'_>, Vec<T>) {
    // Keyed in parallel a chunk at a time, counted into one table: a table
    // per thread's share would hold the vocabulary many times over.
    let mut counts = Counts::default();
    let mut kept = Vec::with_capacity(nodes);
    for chunk in (0..nodes).collect::<Vec<_>>().chunks(COUNTED_AT_ONCE) {
        let keyed: Vec<(Keyed, T)> = chunk
            .par_iter()
            .map(|&n| {
                let f = features_of(n);
                (keyed(&f), keep(f))
            })
            .collect();
        for (k, t) in keyed {
            counts.add(&k);
            kept.push(t);
        }
    }
    (counts.idf(nodes, background), kept)
}

/// Nodes whose keys are held at a time while counting.
const COUNTED_AT_ONCE: usize = 4096;

/// Document frequencies of terms and names among nodes.
#[derive(Default)]
struct Counts {
    terms: KeyMap<u32>,
    names: KeyMap<u32>,
}

impl Counts {
    fn add(&mut self, k: &Keyed) {
        for &(key, _) in &k.terms {
            *self.terms.entry(key).or_default() += 1;
        }
        for &(key, _) in &k.names {
            *self.names.entry(key).or_default() += 1;
        }
    }

    fn idf(self, docs: usize, background: &Background) -> Idf<'_> {
        Idf {
            docs: docs as u32,
            terms: self.terms,
            names: self.names,
            background,
        }
    }
}

/// One node's vector under `idf`, as [`build`] weighs every node.
pub fn node(features: &Features, idf: &Idf) -> Node {
    weighted(features, &keyed(features), idf)
}

fn weighted(f: &Features, k: &Keyed, idf: &Idf) -> Node {
    Node {
        terms: weigh(&k.terms, |key| idf.term(key), MAX_TERMS),
        names: weigh(&k.names, |key| idf.name(key), usize::MAX),
        anchors: k.anchors.clone(),
        language: f.language,
        date: f.date,
    }
}

/// `(1 + ln count) · idf`, the `keep` heaviest, scaled to unit length,
/// sorted by key. Ties in weight go to the smaller key.
fn weigh(counts: &[(u64, f32)], idf: impl Fn(u64) -> f64, keep: usize) -> Sparse {
    let mut weighted: Vec<(u64, f64)> = counts
        .iter()
        .filter(|&&(_, c)| c > 0.0)
        .map(|&(k, c)| (k, (1.0 + (c as f64).ln()) * idf(k)))
        .collect();
    if weighted.len() > keep {
        keep_heaviest(&mut weighted, keep);
        weighted.sort_unstable_by_key(|&(k, _)| k);
    }
    let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm == 0.0 {
        return Vec::new();
    }
    weighted
        .into_iter()
        .map(|(k, w)| (k, (w / norm) as f32))
        .collect()
}

/// Truncates `v` to its `n` heaviest entries (ties to the smaller key), in
/// no particular order. A selection, not a sort: node vectors and every
/// centroid an event's merges make keep their heaviest entries, and
/// sorting them whole was a third of the event clusterer's one-thread part
/// (100k kit corpus). Keys are unique, so the order is total and the
/// entries kept are the same whatever the selection does.
pub(crate) fn keep_heaviest<W: Into<f64> + Copy>(v: &mut Vec<(u64, W)>, n: usize) {
    if n == 0 {
        v.clear();
    } else if v.len() > n {
        v.select_nth_unstable_by(n - 1, heavier);
        v.truncate(n);
    }
}

/// The order of the heaviest entries first, ties to the smaller key.
pub(crate) fn heavier<W: Into<f64> + Copy>(a: &(u64, W), b: &(u64, W)) -> std::cmp::Ordering {
    let weight = |e: &(u64, W)| -> f64 { e.1.into() };
    weight(b).total_cmp(&weight(a)).then(a.0.cmp(&b.0))
}

/// The IDF a set of nodes gives (for explanations).
pub fn idf_of<'a>(features: &[Features], background: &'a Background) -> Idf<'a> {
    let mut counts = Counts::default();
    features.iter().for_each(|f| counts.add(&keyed(f)));
    counts.idf(features.len(), background)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(terms: &[(&str, f32)]) -> Features {
        Features {
            language: "en",
            terms: terms.iter().map(|&(t, c)| (t.to_string(), c)).collect(),
            names: Vec::new(),
            anchors: vec!["n:2021".into()],
            date: None,
            years: Vec::new(),
        }
    }

    #[test]
    fn keys_are_stable_across_runs_and_machines() {
        // FNV-1a test vectors.
        assert_eq!(key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(key("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn vectors_are_unit_length_and_rare_terms_weigh_more() {
        let bg = Background {
            docs: 10,
            terms: [(key("said"), 10)].into_iter().collect(),
            names: KeyMap::default(),
        };
        let nodes = build(
            &[features(&[("said", 1.0), ("ryabkov", 1.0)]), features(&[])],
            &bg,
        );
        let v = &nodes[0].terms;
        let norm: f32 = v.iter().map(|(_, w)| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-6);
        let weight = |t: &str| v.iter().find(|(k, _)| *k == key(t)).unwrap().1;
        assert!(weight("ryabkov") > 2.0 * weight("said"));
        assert!(nodes[1].terms.is_empty());
        assert_eq!(nodes[1].anchors, [key("n:2021")]);
    }

    #[test]
    fn long_vectors_keep_their_heaviest_terms() {
        let counts: Vec<(u64, f32)> = (0..10).map(|i| (i, 1.0 + i as f32)).collect();
        let v = weigh(&counts, |_| 1.0, 3);
        assert_eq!(v.iter().map(|&(k, _)| k).collect::<Vec<_>>(), [7, 8, 9]);
    }
}
