//! What an analyst needs to judge one event cluster: how tight it is, when
//! it happened, and what its members share.
//!
//! Input: the story days, [`Features`] and [`Node`] vectors of one
//! cluster's nodes, one node at a time ([`Gather`]), and the cluster's
//! cohesion. Output: its [`Evidence`]. A weak cluster shows a low cohesion,
//! a wide date range or shared terms that name a topic rather than an
//! event.
//!
//! Invariants: depends on the cluster's nodes as a set (ties go to the
//! smaller string); a cluster of one shares nothing; at most [`SHARED`]
//! terms and names.

use std::collections::HashMap;

use super::dates::Day;
use super::features::Features;
use super::vectors::{key, Node};

/// Shared terms and names listed per cluster.
pub const SHARED: usize = 5;

/// The evidence of one cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    /// Mean score of the cluster's node pairs, in [0, 1] (pairs without an
    /// edge count 0); `None` for a single node.
    pub cohesion: Option<f64>,
    /// Earliest and latest story day of a member; `None` when none is dated.
    pub dates: Option<(Day, Day)>,
    /// Content terms most members share, the most shared and heaviest first.
    pub terms: Vec<String>,
    /// Names most members share, in the same order.
    pub names: Vec<String>,
}

/// A cluster's evidence gathered one node at a time, in the cluster's
/// order, so that no more than one node's features are held however large
/// the cluster (a 5,000-node event of the 100k kit corpus held 160 MB of
/// features at once).
#[derive(Debug, Default)]
pub struct Gather {
    nodes: usize,
    dates: Option<(Day, Day)>,
    terms: Tally,
    names: Tally,
}

/// How many nodes hold each string, and its summed TF-IDF weight.
type Tally = HashMap<String, (usize, f64)>;

impl Gather {
    /// Adds a node: its story day, and its features and vector, which a
    /// cluster of one need not read (it shares nothing).
    pub fn add(&mut self, day: Option<Day>, features: Option<(&Features, &Node)>) {
        self.nodes += 1;
        if let Some(d) = day {
            self.dates = Some(self.dates.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
        }
        if let Some((f, v)) = features {
            tally(
                &mut self.terms,
                f.terms.iter().map(|(t, _)| t.as_str()),
                &v.terms,
            );
            tally(
                &mut self.names,
                f.names.iter().map(|(t, _)| t.as_str()),
                &v.names,
            );
        }
    }

    /// The evidence of the nodes added, with the cluster's `cohesion`.
    pub fn finish(self, cohesion: Option<f64>) -> Evidence {
        if self.nodes < 2 {
            return Evidence {
                dates: self.dates,
                ..Evidence::default()
            };
        }
        Evidence {
            cohesion,
            dates: self.dates,
            terms: ranked(self.terms, self.nodes),
            names: ranked(self.names, self.nodes),
        }
    }
}

fn tally<'a>(seen: &mut Tally, strings: impl Iterator<Item = &'a str>, vector: &[(u64, f32)]) {
    for s in strings {
        let w = weight(vector, key(s));
        match seen.get_mut(s) {
            Some(entry) => {
                entry.0 += 1;
                entry.1 += w;
            }
            None => {
                seen.insert(s.to_string(), (1, w));
            }
        }
    }
}

/// The weight of `k` in a sorted sparse vector; 0 when absent.
fn weight(v: &[(u64, f32)], k: u64) -> f64 {
    v.binary_search_by_key(&k, |&(key, _)| key)
        .map_or(0.0, |i| v[i].1 as f64)
}

/// Strings at least half the `nodes` (and two) hold, ranked by how many
/// hold them, then by their summed TF-IDF weight, then alphabetically.
fn ranked(seen: Tally, nodes: usize) -> Vec<String> {
    let least = nodes.div_ceil(2).max(2);
    let mut ranked: Vec<(String, (usize, f64))> =
        seen.into_iter().filter(|(_, (c, _))| *c >= least).collect();
    ranked.sort_by(|a, b| {
        b.1 .0
            .cmp(&a.1 .0)
            .then(b.1 .1.total_cmp(&a.1 .1))
            .then(a.0.cmp(&b.0))
    });
    ranked.into_iter().take(SHARED).map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(terms: &[(&str, f32)], date: Option<Day>) -> (Features, Node) {
        let mut v: Vec<(u64, f32)> = terms.iter().map(|&(t, w)| (key(t), w)).collect();
        v.sort_unstable_by_key(|&(k, _)| k);
        (
            Features {
                language: "en",
                terms: terms.iter().map(|&(t, w)| (t.to_string(), w)).collect(),
                names: vec![("lindenau".into(), 1)],
                anchors: Vec::new(),
                date,
                years: Vec::new(),
            },
            Node {
                terms: v,
                names: vec![(key("lindenau"), 1.0)],
                anchors: Vec::new(),
                language: "en",
                date,
            },
        )
    }

    #[test]
    fn shared_terms_are_held_by_most_members_heaviest_first() {
        let (f, v): (Vec<Features>, Vec<Node>) = [
            node(
                &[("train", 0.5), ("derailed", 0.8), ("said", 0.1)],
                Some(10),
            ),
            node(&[("train", 0.4), ("derailed", 0.7), ("said", 0.1)], None),
            node(&[("train", 0.6), ("weather", 0.9)], Some(12)),
        ]
        .into_iter()
        .unzip();
        let mut all = Gather::default();
        for (f, v) in f.iter().zip(&v) {
            all.add(v.date, Some((f, v)));
        }
        let e = all.finish(Some(0.4));
        assert_eq!(e.terms, ["train", "derailed", "said"]);
        assert_eq!(e.names, ["lindenau"]);
        assert_eq!(e.dates, Some((10, 12)));
        assert_eq!(e.cohesion, Some(0.4));
        let mut alone = Gather::default();
        alone.add(v[2].date, None);
        let alone = alone.finish(None);
        assert!(alone.terms.is_empty() && alone.cohesion.is_none());
        assert_eq!(alone.dates, Some((12, 12)));
    }
}
