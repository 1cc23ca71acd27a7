//! How alike two nodes' stories are: one number, and its parts.
//!
//! Input: two [`Node`]s and the channel [`Weights`]. Output: a
//! [`Breakdown`], where
//! `total = g(Δt) · (w_terms·cos_terms + w_names·cos_names + w_anchors·J_anchors) / Σw`
//! and `g(Δt) = max(exp(−Δt² / 2σ²), `[`LONG_GAP_TIME`]`)` with σ =
//! [`TIME_SCALE_DAYS`] (Miranda et al., EMNLP 2018). The weights are
//! relative: they are divided by their sum, so every channel, the content
//! and the total lie in [0, 1]. When either date is unknown the time factor
//! is [`UNDATED_TIME`], neither the full credit of a same-day pair nor the
//! penalty of a far one. A channel the pair cannot carry (terms across
//! languages, names or anchors neither side has) is dropped and the others
//! scaled up to the same total weight ([`Weights::counted`]).
//!
//! Clustering scores an article against an event's centroid the same way
//! (`centroid.rs`), with the time factor of the event's date range.
//!
//! Invariants: symmetric (`score(a, b) == score(b, a)` bit for bit: sums
//! run in key order), in [0, 1], and free of allocation.

use super::dates::Day;
use super::vectors::Node;
use crate::neardup::verify::overlap;

/// Spread of the time factor in days: 3 days apart → 0.91, a week → 0.61,
/// two weeks → 0.14, three weeks → 0.01. (Miranda et al. use 3 days; ECB+
/// stories run on for a week or more with follow-ups, and 7 measured better.)
pub const TIME_SCALE_DAYS: f64 = 7.0;

/// The least time factor, however far apart two dates are: a story's
/// follow-ups (a trial, a verdict, an inquiry's report) come weeks after
/// its first days, and a Gaussian alone made them unreachable whatever
/// their words, cutting long stories into pieces. At this floor a pair
/// months apart meets only on content four times the threshold it would
/// need on one day. 0.25 from a dated stand-in for ECB+ (each event's
/// articles spread over two months, the two events of a topic 20 to 200
/// days apart: `scripts/eval-events-dated.py`): 0.1 changes nothing, 0.2
/// gains 0.02 BCubed F1, 0.25 gains 0.05 at nearly the same precision, 0.3
/// no more, and 0.35 joins the fixtures' two Biden–Putin calls 23 days apart.
pub const LONG_GAP_TIME: f64 = 0.25;

/// The time factor when a date is unknown: 1/√2, the mean of g(Δt) over
/// same-story pairs whose dates spread normally at the time scale
/// (E[exp(−Δ²/2σ²)] for Δ ~ N(0, σ²) is 1/√2). An undated pair has no time
/// evidence, so it gets what a typical same-story pair gets, not the full
/// credit of two articles of one day.
pub const UNDATED_TIME: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// Weights of the three channels, relative to each other (see [`Weights::normalised`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Weights {
    pub terms: f64,
    pub names: f64,
    pub anchors: f64,
}

impl Weights {
    /// The weights divided by their sum, so that a score is at most 1; all
    /// zero when they sum to 0 (no channel counts).
    pub fn normalised(&self) -> Weights {
        let sum = self.terms + self.names + self.anchors;
        if sum <= 0.0 {
            return Weights {
                terms: 0.0,
                names: 0.0,
                anchors: 0.0,
            };
        }
        Weights {
            terms: self.terms / sum,
            names: self.names / sum,
            anchors: self.anchors / sum,
        }
    }

    /// The weight each channel counts with when only the `counted` ones
    /// can say anything: the others' weight shared out among them in
    /// proportion, so the total stays the same. A channel is not counted
    /// when the pair cannot carry it: terms across languages, names when
    /// neither side has one (scripts without capitals: Chinese, Japanese,
    /// Arabic, Urdu), anchors when neither has a number or a date. Counting
    /// it as 0 would mark such pairs down for evidence that cannot exist:
    /// two Urdu reports of one bus crash scored 0.68 against each other
    /// where a Russian pair scores 0.91.
    pub fn counted(&self, counted: [bool; 3]) -> [f64; 3] {
        let w = [self.terms, self.names, self.anchors];
        let total: f64 = w.iter().sum();
        let kept: f64 = (0..3).filter(|&i| counted[i]).map(|i| w[i]).sum();
        if kept <= 0.0 {
            return [0.0; 3];
        }
        std::array::from_fn(|i| if counted[i] { w[i] * total / kept } else { 0.0 })
    }

    /// The blend of the channels' similarities (terms, names, anchors) the
    /// pair can carry ([`Weights::counted`]), in [0, 1].
    pub fn blend(&self, values: [f64; 3], counted: [bool; 3]) -> f64 {
        let w = self.counted(counted);
        (0..3).map(|i| w[i] * values[i]).sum::<f64>().min(1.0)
    }
}

/// Which of terms, names and anchors a pair can carry ([`Weights::counted`]):
/// terms within one language, names and anchors when either side `has`
/// some.
pub(crate) fn counted(same_language: bool, names: [bool; 2], anchors: [bool; 2]) -> [bool; 3] {
    [
        same_language,
        names[0] || names[1],
        anchors[0] || anchors[1],
    ]
}

/// A pair's score with its parts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Breakdown {
    /// Cosine of the TF-IDF content-term vectors.
    pub terms: f64,
    /// Cosine of the TF-IDF name vectors.
    pub names: f64,
    /// Jaccard similarity of the anchor sets.
    pub anchors: f64,
    /// Time factor g(Δt); [`UNDATED_TIME`] when a date is unknown.
    pub time: f64,
    /// Whether the terms channel counted (same language).
    pub same_language: bool,
    /// Whether the names channel counted (either side names someone).
    pub names_counted: bool,
    /// Whether the anchors channel counted (either side has an anchor).
    pub anchors_counted: bool,
    /// The weighted channels before the time factor, in [0, 1].
    pub content: f64,
    /// `time × content`.
    pub total: f64,
}

/// Dot product of two sorted sparse vectors (their cosine, as both have unit length).
pub fn cosine(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    dot.min(1.0)
}

/// Jaccard similarity of two sorted sets; 0 when both are empty.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let shared = overlap(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// g(Δt): [`UNDATED_TIME`] when either day is unknown.
pub fn time_factor(a: Option<Day>, b: Option<Day>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => gap_factor(a - b),
        _ => UNDATED_TIME,
    }
}

/// g of a gap of `days`.
pub fn gap_factor(days: Day) -> f64 {
    let days = days as f64;
    (-days * days / (2.0 * TIME_SCALE_DAYS * TIME_SCALE_DAYS))
        .exp()
        .max(LONG_GAP_TIME)
}

/// The score of a pair of nodes, in [0, 1].
pub fn score(a: &Node, b: &Node, w: &Weights) -> Breakdown {
    let w = &w.normalised();
    let time = time_factor(a.date, b.date);
    let names = cosine(&a.names, &b.names);
    let anchors = jaccard(&a.anchors, &b.anchors);
    let same_language = a.language == b.language;
    let terms = if same_language {
        cosine(&a.terms, &b.terms)
    } else {
        0.0
    };
    let counted = counted(
        same_language,
        [!a.names.is_empty(), !b.names.is_empty()],
        [!a.anchors.is_empty(), !b.anchors.is_empty()],
    );
    let content = w.blend([terms, names, anchors], counted);
    Breakdown {
        terms,
        names,
        anchors,
        time,
        same_language,
        names_counted: counted[1],
        anchors_counted: counted[2],
        content,
        total: time * content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_neither_side_carries_gives_its_weight_to_the_others() {
        let all = [true; 3];
        assert_eq!(W.counted(all), [W.terms, W.names, W.anchors]);
        let no_names = W.counted([true, false, true]);
        assert_eq!(no_names[1], 0.0);
        assert!((no_names.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((no_names[0] / no_names[2] - W.terms / W.anchors).abs() < 1e-12);
        // Perfect agreement on what can be compared scores 1, not 1 − w.
        assert!((W.blend([1.0, 0.0, 1.0], [true, false, true]) - 1.0).abs() < 1e-12);
        assert!((W.blend([1.0, 0.0, 1.0], all) - (W.terms + W.anchors)).abs() < 1e-12);
        assert_eq!(W.blend([1.0; 3], [false; 3]), 0.0);
    }

    #[test]
    fn pairs_without_names_score_on_terms_and_anchors() {
        let mut a = node(vec![(1, 1.0)], vec![5], "ur", Some(10));
        let mut b = node(vec![(1, 1.0)], vec![5], "ur", Some(10));
        a.names.clear();
        b.names.clear();
        let s = score(&a, &b, &W);
        assert!(!s.names_counted && s.anchors_counted && s.same_language);
        assert!((s.total - 1.0).abs() < 1e-9, "{s:?}");
        // One side naming someone the other does not is evidence: it counts.
        let c = node(vec![(1, 1.0)], vec![5], "ur", Some(10));
        let s = score(&a, &c, &W);
        assert!(s.names_counted && s.total < 1.0 - W.names + 1e-9, "{s:?}");
    }

    const W: Weights = Weights {
        terms: 0.55,
        names: 0.30,
        anchors: 0.15,
    };

    fn node(terms: Sparse, anchors: Vec<u64>, language: &'static str, date: Option<Day>) -> Node {
        Node {
            terms,
            names: vec![(7, 1.0)],
            anchors,
            language,
            date,
        }
    }
    use super::super::vectors::Sparse;

    #[test]
    fn cosine_and_jaccard_on_sorted_inputs() {
        let a = [(1, 0.6), (3, 0.8)];
        let b = [(3, 0.6), (4, 0.8)];
        assert!((cosine(&a, &b) - 0.48).abs() < 1e-6);
        assert_eq!(cosine(&a, &[]), 0.0);
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }

    #[test]
    fn time_apart_damps_the_score() {
        assert_eq!(time_factor(None, Some(5)), UNDATED_TIME);
        assert!(UNDATED_TIME < 1.0 && UNDATED_TIME > gap_factor(7));
        assert_eq!(time_factor(Some(5), Some(5)), 1.0);
        assert!((time_factor(Some(0), Some(3)) - 0.912).abs() < 1e-3);
        assert!((time_factor(Some(0), Some(7)) - 0.607).abs() < 1e-3);
        // Far apart, the factor stops at its floor: a follow-up weeks on
        // still meets its story on strong enough content.
        assert_eq!(time_factor(Some(0), Some(23)), LONG_GAP_TIME);
        assert_eq!(time_factor(Some(0), Some(400)), LONG_GAP_TIME);
        assert!(gap_factor(10) > LONG_GAP_TIME && gap_factor(10) < gap_factor(7));
    }

    #[test]
    fn the_score_blends_channels_and_is_symmetric() {
        let a = node(vec![(1, 0.6), (3, 0.8)], vec![1, 2], "en", Some(10));
        let b = node(vec![(3, 0.6), (4, 0.8)], vec![2, 3], "en", Some(11));
        let s = score(&a, &b, &W);
        assert_eq!(s, score(&b, &a, &W));
        let blend = 0.55 * s.terms + 0.30 * 1.0 + 0.15 * (1.0 / 3.0);
        assert!((s.total - s.time * blend).abs() < 1e-12);
        // Weights count relative to each other: doubled, the same score.
        let double = Weights {
            terms: 1.1,
            names: 0.6,
            anchors: 0.3,
        };
        assert!((score(&a, &b, &double).total - s.total).abs() < 1e-12);
        assert!(s.same_language);
    }

    #[test]
    fn other_languages_count_names_and_anchors_only() {
        let a = node(vec![(1, 1.0)], vec![1], "en", None);
        let b = node(vec![(1, 1.0)], vec![1], "de", None);
        let s = score(&a, &b, &W);
        assert!(!s.same_language);
        assert_eq!(s.terms, 0.0);
        assert!(
            (s.content - 1.0).abs() < 1e-12,
            "names and anchors agree fully"
        );
        assert_eq!(s.total, UNDATED_TIME * s.content, "undated: neutral time");
    }
}
