//! Settings of a run as plain data. [`Config`] is what a caller (the command
//! line, a program using the library) fills in; [`Config::validate`] checks
//! every range and combination once and gives the [`Pipeline`] the stages
//! run on. Nothing here knows about the command line.

use std::fmt;

use crate::events::{EventParams, Weights, DEFAULT_WEIGHTS};
use crate::neardup::{lsh, NearDupParams};
use crate::report::Keep;

/// Most worker threads: far beyond any machine's cores, where more threads
/// only queue. Each starts with its own buffers: 1,024 take about 1.7 s to
/// start on 16 small files, and 20,000 did not finish in 20 s.
pub const MAX_THREADS: usize = 1024;

/// What a caller asks for; every field has the command line's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Remove boilerplate before comparing.
    pub clean: bool,
    /// Words per shingle.
    pub ngram: usize,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Seed of the shingle hash and the MinHash permutations.
    pub seed: u64,
    /// Jaccard similarity at or above which two articles are near-duplicates.
    pub threshold: f64,
    /// Containment at or above which the smaller article is a copy inside the larger.
    pub containment: f64,
    /// LSH bands and rows per band; `None` derives them from `threshold`.
    pub bands_rows: Option<(usize, usize)>,
    /// Cluster articles into events (off: near-duplicate groups only).
    pub events: bool,
    /// Least similarity of an article to the centroid of the event it joins.
    pub event_threshold: f64,
    /// Weights of the terms, names and anchors channels.
    pub event_weights: [f64; 3],
    /// Least similarity of two events' centroids that merge.
    pub event_merge_threshold: f64,
    /// See [`crate::events::DEFAULT_JOIN_RATIO`].
    pub event_join_ratio: f64,
    /// See [`crate::events::DEFAULT_COHESION_RATIO`].
    pub event_cohesion_ratio: f64,
    /// See [`crate::events::DEFAULT_EVICT_RATIO`].
    pub event_evict_ratio: f64,
    /// Which copy of a group is kept.
    pub keep: Keep,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        let events = EventParams::default();
        Config {
            clean: true,
            ngram: 5,
            num_perm: 128,
            seed: 42,
            threshold: 0.5,
            containment: 0.8,
            bands_rows: None,
            events: true,
            event_threshold: events.threshold,
            // Relative, as the command line gives them: validation normalises.
            event_weights: [
                DEFAULT_WEIGHTS.terms,
                DEFAULT_WEIGHTS.names,
                DEFAULT_WEIGHTS.anchors,
            ],
            event_merge_threshold: events.merge_threshold,
            event_join_ratio: events.join_ratio,
            event_cohesion_ratio: events.cohesion_ratio,
            event_evict_ratio: events.evict_ratio,
            keep: Keep::default(),
            threads: None,
        }
    }
}

/// A setting out of its range, or two that do not go together. The message
/// names the setting by its command-line flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// How to compare and cluster a corpus: a validated [`Config`].
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Remove boilerplate before comparing.
    pub clean: bool,
    pub neardup: NearDupParams,
    /// `None` with `--no-events`: near-duplicate groups only.
    pub events: Option<EventParams>,
    pub keep: Keep,
    /// Worker threads, at least one; `None` uses every core.
    pub threads: Option<usize>,
}

impl Config {
    /// Checks every setting and derives the LSH shape when not given.
    pub fn validate(&self) -> Result<Pipeline, ConfigError> {
        unit_interval("--threshold", self.threshold, false)?;
        unit_interval("--containment", self.containment, false)?;
        unit_interval("--event-threshold", self.event_threshold, true)?;
        // No flags of their own: `dedup eval --sweep` names them.
        unit_interval("merge-threshold", self.event_merge_threshold, true)?;
        unit_interval("join-ratio", self.event_join_ratio, true)?;
        unit_interval("cohesion-ratio", self.event_cohesion_ratio, true)?;
        unit_interval("evict-ratio", self.event_evict_ratio, true)?;
        let weights = self.event_weights;
        if weights.iter().any(|w| !(0.0..=1.0).contains(w)) || weights.iter().sum::<f64>() <= 0.0 {
            return Err(error(format!(
                "--event-weights must be three numbers in [0, 1], not all 0, got {weights:?}"
            )));
        }
        if self.ngram == 0 || self.ngram > 64 {
            return Err(error(format!(
                "--ngram must be between 1 and 64, got {}",
                self.ngram
            )));
        }
        if self.num_perm == 0 || self.num_perm > 1024 {
            return Err(error(format!(
                "--num-perm must be between 1 and 1024, got {}",
                self.num_perm
            )));
        }
        if let Some(threads) = self.threads.filter(|t| !(1..=MAX_THREADS).contains(t)) {
            return Err(error(format!(
                "--threads must be between 1 and {MAX_THREADS}, got {threads}"
            )));
        }
        let (bands, rows) = match self.bands_rows {
            Some((b, r)) => {
                if b == 0 || r == 0 || b.checked_mul(r).is_none_or(|n| n > self.num_perm) {
                    return Err(error(format!(
                        "--bands {b} × --rows {r} must be at least 1 and at most --num-perm {}; \
                         leave both out to derive them from --threshold",
                        self.num_perm
                    )));
                }
                (b, r)
            }
            None => lsh::optimal_params(self.threshold, self.num_perm),
        };
        Ok(Pipeline {
            clean: self.clean,
            neardup: NearDupParams {
                ngram: self.ngram,
                num_perm: self.num_perm,
                seed: self.seed,
                threshold: self.threshold,
                containment: self.containment,
                bands,
                rows,
            },
            events: self.events.then_some(EventParams {
                threshold: self.event_threshold,
                // Relative weights: the report echoes them summing to 1, the
                // scale every event score is on.
                weights: Weights {
                    terms: weights[0],
                    names: weights[1],
                    anchors: weights[2],
                }
                .normalised(),
                merge_threshold: self.event_merge_threshold,
                join_ratio: self.event_join_ratio,
                cohesion_ratio: self.event_cohesion_ratio,
                evict_ratio: self.event_evict_ratio,
            }),
            keep: self.keep,
            threads: self.threads,
        })
    }
}

fn error(message: String) -> ConfigError {
    ConfigError(message)
}

fn unit_interval(flag: &str, value: f64, zero_ok: bool) -> Result<(), ConfigError> {
    let low_ok = if zero_ok { value >= 0.0 } else { value > 0.0 };
    if !(low_ok && value <= 1.0) {
        let range = if zero_ok { "[0, 1]" } else { "(0, 1]" };
        return Err(error(format!("{flag} must be in {range}, got {value}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_derive_bands_from_the_threshold() {
        let p = Config::default().validate().unwrap();
        assert_eq!((p.neardup.bands, p.neardup.rows), (30, 4));
        assert!(p.clean);
        assert_eq!(p.events, Some(EventParams::default()));
        assert_eq!(p.threads, None);
    }

    #[test]
    fn out_of_range_values_name_the_flag() {
        let with = |change: fn(&mut Config)| {
            let mut config = Config::default();
            change(&mut config);
            config.validate().unwrap_err().to_string()
        };
        assert_eq!(
            with(|c| c.threshold = 1.5),
            "--threshold must be in (0, 1], got 1.5"
        );
        let err = with(|c| c.bands_rows = Some((40, 4)));
        assert!(err.starts_with("--bands 40 × --rows 4 must be"), "{err}");
        assert!(with(|c| c.ngram = 0).starts_with("--ngram"));
        let err = with(|c| c.event_weights = [0.0; 3]);
        assert!(err.starts_with("--event-weights must be"), "{err}");
        assert_eq!(
            with(|c| c.threads = Some(0)),
            "--threads must be between 1 and 1024, got 0"
        );
        assert_eq!(
            with(|c| c.threads = Some(20_000)),
            "--threads must be between 1 and 1024, got 20000"
        );
    }
}
