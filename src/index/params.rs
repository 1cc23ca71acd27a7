//! The settings an index is built with, stored in it, and the guard that
//! refuses a run asking for others: an index answers only for the settings
//! its postings, texts and features were computed with.

use serde::{Deserialize, Serialize};

use crate::config::Pipeline;
use crate::events::{EventParams, Weights};
use crate::neardup::NearDupParams;

/// Everything that decides what an index stores and how it is compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexParams {
    pub ngram: usize,
    pub num_perm: usize,
    pub seed: u64,
    pub bands: usize,
    pub rows: usize,
    pub threshold: f64,
    pub containment: f64,
    pub clean: bool,
    /// `None`: built with `--no-events`.
    pub events: Option<EventSettings>,
    /// [`crate::tokenize::VERSION`] and [`crate::clean::VERSION`] at creation.
    pub tokenizer: u32,
    pub cleaner: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSettings {
    pub threshold: f64,
    pub weights: [f64; 3],
}

impl EventSettings {
    /// The settings as compared and shown: the weights as shares of their
    /// sum, every value to 9 decimals. Weights are relative and normalised
    /// on the way in, so the same flags can arrive a rounding apart (0.5 of
    /// 1.1 stored as 0.4545454545454546, asked as 0.45454545454545453); no
    /// two settings a user can tell apart differ only past the ninth decimal.
    fn canonical(&self) -> String {
        let round = |x: f64| (x * 1e9).round() / 1e9;
        let sum: f64 = self.weights.iter().sum();
        let [t, n, a] = self.weights.map(|w| round(w / sum));
        format!(
            "threshold {} weights [{t}, {n}, {a}]",
            round(self.threshold)
        )
    }
}

/// A setting the stored index and this run disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The flag, or `tokenizer` / `cleaner` for the code versions.
    pub setting: String,
    pub stored: String,
    pub asked: String,
}

impl IndexParams {
    pub fn from_pipeline(pipeline: &Pipeline) -> Self {
        let n = &pipeline.neardup;
        IndexParams {
            ngram: n.ngram,
            num_perm: n.num_perm,
            seed: n.seed,
            bands: n.bands,
            rows: n.rows,
            threshold: n.threshold,
            containment: n.containment,
            clean: pipeline.clean,
            events: pipeline.events.as_ref().map(|e| EventSettings {
                threshold: e.threshold,
                weights: [e.weights.terms, e.weights.names, e.weights.anchors],
            }),
            tokenizer: crate::tokenize::VERSION,
            cleaner: crate::clean::VERSION,
        }
    }

    pub fn neardup(&self) -> NearDupParams {
        NearDupParams {
            ngram: self.ngram,
            num_perm: self.num_perm,
            seed: self.seed,
            threshold: self.threshold,
            containment: self.containment,
            bands: self.bands,
            rows: self.rows,
        }
    }

    pub fn events(&self) -> Option<EventParams> {
        self.events.as_ref().map(|e| EventParams {
            threshold: e.threshold,
            weights: Weights {
                terms: e.weights[0],
                names: e.weights[1],
                anchors: e.weights[2],
            },
            ..EventParams::default()
        })
    }

    /// The first setting where `asked` differs from these stored ones,
    /// looking only at the flags `given` says the user named (the others
    /// take the stored value), and always at the code versions that shape
    /// what is stored: the cleaner's only when the index cleans or keeps
    /// events, whose features take the language from the cleaner's
    /// stopword lists.
    pub fn mismatch(&self, asked: &IndexParams, given: &dyn Fn(&str) -> bool) -> Option<Mismatch> {
        let code = [
            ("tokenizer", self.tokenizer, crate::tokenize::VERSION),
            ("cleaner", self.cleaner, crate::clean::VERSION),
        ];
        let relevant = |setting: &str| setting != "cleaner" || self.clean || self.events.is_some();
        for (setting, stored, current) in code.into_iter().filter(|c| relevant(c.0)) {
            if stored != current {
                return Some(Mismatch {
                    setting: format!("{setting} version"),
                    stored: stored.to_string(),
                    asked: current.to_string(),
                });
            }
        }
        let show_events = |e: &Option<EventSettings>| match e {
            None => "off (--no-events)".to_string(),
            Some(e) => e.canonical(),
        };
        let flags: [(&str, &[&str], String, String); 9] = [
            (
                "--ngram",
                &["ngram"],
                self.ngram.to_string(),
                asked.ngram.to_string(),
            ),
            (
                "--num-perm",
                &["num_perm"],
                self.num_perm.to_string(),
                asked.num_perm.to_string(),
            ),
            (
                "--seed",
                &["seed"],
                self.seed.to_string(),
                asked.seed.to_string(),
            ),
            (
                "--threshold",
                &["threshold"],
                self.threshold.to_string(),
                asked.threshold.to_string(),
            ),
            (
                "--containment",
                &["containment"],
                self.containment.to_string(),
                asked.containment.to_string(),
            ),
            (
                "--bands/--rows",
                &["bands", "rows", "threshold", "num_perm"],
                format!("{}×{}", self.bands, self.rows),
                format!("{}×{}", asked.bands, asked.rows),
            ),
            (
                "--no-clean",
                &["no_clean"],
                if self.clean {
                    "cleaning on"
                } else {
                    "cleaning off"
                }
                .into(),
                if asked.clean {
                    "cleaning on"
                } else {
                    "cleaning off"
                }
                .into(),
            ),
            (
                "--no-events",
                &["no_events"],
                show_events(&self.events),
                show_events(&asked.events),
            ),
            (
                "--event-threshold/--event-weights",
                &["event_threshold", "event_weights"],
                show_events(&self.events),
                show_events(&asked.events),
            ),
        ];
        flags
            .into_iter()
            .find(|(_, ids, stored, asked)| stored != asked && ids.iter().any(|id| given(id)))
            .map(|(flag, _, stored, asked)| Mismatch {
                setting: flag.to_string(),
                stored,
                asked,
            })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Settings of a test index.
    pub(crate) fn params() -> IndexParams {
        IndexParams {
            ngram: 5,
            num_perm: 128,
            seed: 42,
            bands: 30,
            rows: 4,
            threshold: 0.5,
            containment: 0.8,
            clean: true,
            events: Some(EventSettings {
                threshold: 0.1,
                weights: [0.5, 0.3, 0.3],
            }),
            tokenizer: crate::tokenize::VERSION,
            cleaner: crate::clean::VERSION,
        }
    }

    #[test]
    fn only_named_flags_that_differ_are_refused() {
        let stored = params();
        let mut asked = params();
        asked.ngram = 3;
        assert_eq!(stored.mismatch(&asked, &|_| false), None);
        let m = stored.mismatch(&asked, &|id| id == "ngram").unwrap();
        assert_eq!((m.setting.as_str(), m.stored.as_str()), ("--ngram", "5"));
        assert_eq!(stored.mismatch(&params(), &|_| true), None);
    }

    #[test]
    fn event_weights_a_rounding_apart_are_the_same_setting() {
        let stored = params();
        let mut asked = params();
        let given = |id: &str| id == "event_weights" || id == "event_threshold";
        // 0.5 : 0.3 : 0.3 normalised once and twice.
        let once = [0.5 / 1.1, 0.3 / 1.1, 0.3 / 1.1];
        let twice = once.map(|w| w / once.iter().sum::<f64>());
        let mut a = stored.clone();
        a.events.as_mut().unwrap().weights = once;
        asked.events.as_mut().unwrap().weights = twice;
        assert_eq!(a.mismatch(&asked, &given), None);
        // Relative weights: 5:3:3 is 0.5:0.3:0.3.
        asked.events.as_mut().unwrap().weights = [5.0, 3.0, 3.0];
        assert_eq!(a.mismatch(&asked, &given), None);
        asked.events.as_mut().unwrap().weights = [0.6, 0.2, 0.2];
        let m = a.mismatch(&asked, &given).unwrap();
        assert_eq!(m.setting, "--event-threshold/--event-weights");
        assert!(m.stored.contains("0.454545455"), "{}", m.stored);
    }

    #[test]
    fn another_cleaner_is_refused_only_by_an_index_that_cleans_or_keeps_events() {
        let mut stored = params();
        assert!(stored.events.is_some());
        stored.cleaner += 1;
        let m = stored.mismatch(&params(), &|_| false).unwrap();
        assert_eq!(m.setting, "cleaner version");
        // Not cleaned, but events' languages come from the cleaner's lists.
        stored.clean = false;
        let mut asked = params();
        asked.clean = false;
        let m = stored.mismatch(&asked, &|_| true).unwrap();
        assert_eq!(m.setting, "cleaner version");
        stored.events = None;
        asked.events = None;
        assert_eq!(stored.mismatch(&asked, &|_| true), None);
    }

    #[test]
    fn another_tokenizer_is_always_refused() {
        let mut stored = params();
        stored.tokenizer += 1;
        let m = stored.mismatch(&params(), &|_| false).unwrap();
        assert_eq!(m.setting, "tokenizer version");
    }
}
