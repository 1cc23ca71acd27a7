//! Validated settings, built from the command line. The stages see only
//! these: every range and combination is checked once, here.

use anyhow::{bail, Result};

use crate::cli::{ClusterArgs, InputArgs, KeepArg};
use crate::events::{EventParams, Weights};
use crate::neardup::{lsh, NearDupParams};
use crate::read::{Fields, ReadOptions};
use crate::report::Keep;

/// How to compare and cluster a corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Remove boilerplate before comparing.
    pub clean: bool,
    pub neardup: NearDupParams,
    /// `None` with `--no-events`: near-duplicate groups only.
    pub events: Option<EventParams>,
    pub keep: Keep,
}

pub fn read_options(args: &InputArgs) -> ReadOptions {
    ReadOptions {
        glob: args.glob.clone(),
        fields: Fields {
            id: args.id_field.clone(),
            text: args.text_field.clone(),
            title: args.title_field.clone(),
            date: args.date_field.clone(),
            source: args.source_field.clone(),
            url: args.url_field.clone(),
        },
        max_bytes: args.max_bytes,
        spool_stdin: false,
    }
}

pub fn pipeline(args: &ClusterArgs) -> Result<Pipeline> {
    unit_interval("--threshold", args.threshold, false)?;
    unit_interval("--containment", args.containment, false)?;
    unit_interval("--event-threshold", args.event_threshold, true)?;
    if args.event_weights.iter().any(|w| !(0.0..=1.0).contains(w))
        || args.event_weights.iter().sum::<f64>() <= 0.0
    {
        bail!(
            "--event-weights must be three numbers in [0, 1], not all 0, got {:?}",
            args.event_weights
        );
    }
    if args.ngram == 0 || args.ngram > 64 {
        bail!("--ngram must be between 1 and 64, got {}", args.ngram);
    }
    if args.num_perm == 0 || args.num_perm > 1024 {
        bail!(
            "--num-perm must be between 1 and 1024, got {}",
            args.num_perm
        );
    }
    let (bands, rows) = match (args.bands, args.rows) {
        (Some(b), Some(r)) => {
            if b == 0 || r == 0 || b.checked_mul(r).is_none_or(|n| n > args.num_perm) {
                bail!(
                    "--bands {b} × --rows {r} must be at least 1 and at most --num-perm {}; \
                     leave both out to derive them from --threshold",
                    args.num_perm
                );
            }
            (b, r)
        }
        _ => lsh::optimal_params(args.threshold, args.num_perm),
    };
    Ok(Pipeline {
        clean: !args.no_clean,
        neardup: NearDupParams {
            ngram: args.ngram,
            num_perm: args.num_perm,
            seed: args.seed,
            threshold: args.threshold,
            containment: args.containment,
            bands,
            rows,
        },
        events: (!args.no_events).then_some(EventParams {
            threshold: args.event_threshold,
            // Relative weights: the report echoes them summing to 1, the
            // scale every event score is on.
            weights: Weights {
                terms: args.event_weights[0],
                names: args.event_weights[1],
                anchors: args.event_weights[2],
            }
            .normalised(),
            ..EventParams::default()
        }),
        keep: match args.keep {
            KeepArg::Longest => Keep::Longest,
            KeepArg::First => Keep::First,
            KeepArg::Earliest => Keep::Earliest,
        },
    })
}

fn unit_interval(flag: &str, value: f64, zero_ok: bool) -> Result<()> {
    let low_ok = if zero_ok { value >= 0.0 } else { value > 0.0 };
    if !(low_ok && value <= 1.0) {
        let range = if zero_ok { "[0, 1]" } else { "(0, 1]" };
        bail!("{flag} must be in {range}, got {value}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Pipeline> {
        let cli = Cli::try_parse_from([&["dedup"], args, &["x.txt"]].concat()).unwrap();
        pipeline(&cli.run.cluster)
    }

    #[test]
    fn defaults_derive_bands_from_the_threshold() {
        let p = parse(&[]).unwrap();
        assert_eq!((p.neardup.bands, p.neardup.rows), (30, 4));
        assert!(p.clean);
        assert_eq!(p.events, Some(EventParams::default()));
    }

    #[test]
    fn out_of_range_values_name_the_flag() {
        let err = parse(&["--threshold", "1.5"]).unwrap_err().to_string();
        assert_eq!(err, "--threshold must be in (0, 1], got 1.5");
        let err = parse(&["--bands", "40", "--rows", "4"])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("--bands 40 × --rows 4 must be"), "{err}");
        assert!(parse(&["--ngram", "0"]).is_err());
        let err = parse(&["--event-weights", "0,0,0"])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("--event-weights must be"), "{err}");
    }
}
