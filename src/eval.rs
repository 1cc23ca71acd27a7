//! `dedup eval`: how well a clustering matches gold labels.
//!
//! Gold is JSONL, one `{"id", "cluster"}` object per article, with an optional
//! `"group"` for the near-duplicate level. Labels may be strings or numbers.
//! Scores: BCubed precision/recall/F1 (Bagga & Baldwin 1998; the headline, as
//! the only common metric meeting Amigó et al.'s four constraints), pairwise
//! precision/recall/F1 (what a user sees as wrong merges and missed links) and
//! the adjusted Rand index. Only articles both labelled and read are scored.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::config::Config;
use crate::id::Id;
use crate::report::{round4, rounded, Params};
use crate::Clustering;

/// The name and version of `dedup eval --format json` documents.
pub const SCHEMA: &str = "dedup-eval/1";

/// Gold labels by article id.
#[derive(Debug, Default)]
pub struct Gold {
    pub cluster: HashMap<String, String>,
    /// Near-duplicate group labels, when the gold file has them.
    pub group: HashMap<String, String>,
}

impl Gold {
    pub fn load(path: &str) -> Result<Gold> {
        let file = std::fs::File::open(path)?;
        Gold::parse(io::BufReader::new(file))
    }

    pub fn parse(reader: impl BufRead) -> Result<Gold> {
        let mut gold = Gold::default();
        for (n, line) in reader.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let parse = || -> Result<(String, String, Option<String>)> {
                // Raw values, so a numeric id keeps its literal, as on reading.
                let value: HashMap<String, Box<RawValue>> = serde_json::from_str(&line)?;
                let id = label(&value, "id")?.context("no \"id\" field")?;
                let cluster = label(&value, "cluster")?.context("no \"cluster\" field")?;
                Ok((id, cluster, label(&value, "group")?))
            };
            let (id, cluster, group) = parse().with_context(|| format!("line {}", n + 1))?;
            if let Some(group) = group {
                gold.group.insert(id.clone(), group);
            }
            if gold.cluster.insert(id.clone(), cluster).is_some() {
                bail!("line {}: id \"{id}\" is labelled twice", n + 1);
            }
        }
        Ok(gold)
    }
}

fn label(value: &HashMap<String, Box<RawValue>>, field: &str) -> Result<Option<String>> {
    match value.get(field).map(|raw| raw.get()) {
        None | Some("null") => Ok(None),
        Some(raw) => match Id::from_json(raw) {
            Some(id) => Ok(Some(id.to_string())),
            None => bail!("field \"{field}\" must be a string or a number"),
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    #[serde(serialize_with = "rounded")]
    pub precision: f64,
    #[serde(serialize_with = "rounded")]
    pub recall: f64,
    #[serde(serialize_with = "rounded")]
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// The scores of one level (events or near-duplicates).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelScores {
    pub gold_clusters: usize,
    pub predicted_clusters: usize,
    pub bcubed: Prf,
    pub pairwise: Prf,
    #[serde(serialize_with = "rounded")]
    pub adjusted_rand_index: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Articles both read and labelled: the ones scored.
    pub articles: usize,
    /// Articles read that the gold does not label.
    pub unlabelled: usize,
    /// Gold ids that were not among the articles read.
    pub missing: usize,
    pub events: LevelScores,
    /// Present when the gold labels near-duplicate groups.
    pub near_duplicates: Option<LevelScores>,
}

/// `dedup eval --format json`: the scores, named and with the parameters
/// that produced them, so a figure can be reproduced.
#[derive(Debug, Serialize)]
pub struct Document<'a> {
    pub schema: &'static str,
    pub params: &'a Params,
    /// With `--sweep`: each swept parameter's value, by name (the event
    /// ratios are not among `params`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<std::collections::BTreeMap<&'static str, f64>>,
    #[serde(flatten)]
    pub scores: &'a Scores,
}

impl<'a> Document<'a> {
    /// The `dedup-eval/1` document of `scores`, made with `params`.
    pub fn new(params: &'a Params, scores: &'a Scores) -> Self {
        Document {
            schema: SCHEMA,
            params,
            sweep: None,
            scores,
        }
    }

    /// [`Document::new`] of one setting of a sweep.
    pub fn swept(params: &'a Params, scores: &'a Scores, setting: &Setting) -> Self {
        Document {
            sweep: Some(setting.iter().map(|&(p, v)| (p.name(), v)).collect()),
            ..Document::new(params, scores)
        }
    }
}

/// A parameter swept by `dedup eval --sweep NAME=FROM:TO:STEP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Swept {
    Threshold,
    Containment,
    EventThreshold,
    MergeThreshold,
    JoinRatio,
    CohesionRatio,
    EvictRatio,
}

impl Swept {
    const ALL: [Swept; 7] = [
        Swept::Threshold,
        Swept::Containment,
        Swept::EventThreshold,
        Swept::MergeThreshold,
        Swept::JoinRatio,
        Swept::CohesionRatio,
        Swept::EvictRatio,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Swept::Threshold => "threshold",
            Swept::Containment => "containment",
            Swept::EventThreshold => "event-threshold",
            Swept::MergeThreshold => "merge-threshold",
            Swept::JoinRatio => "join-ratio",
            Swept::CohesionRatio => "cohesion-ratio",
            Swept::EvictRatio => "evict-ratio",
        }
    }

    /// Whether the parameter belongs to event clustering.
    pub fn is_event(self) -> bool {
        !matches!(self, Swept::Threshold | Swept::Containment)
    }

    /// `config` with this parameter at `value`.
    fn set(self, config: &mut Config, value: f64) {
        let field = match self {
            Swept::Threshold => &mut config.threshold,
            Swept::Containment => &mut config.containment,
            Swept::EventThreshold => &mut config.event_threshold,
            Swept::MergeThreshold => &mut config.event_merge_threshold,
            Swept::JoinRatio => &mut config.event_join_ratio,
            Swept::CohesionRatio => &mut config.event_cohesion_ratio,
            Swept::EvictRatio => &mut config.event_evict_ratio,
        };
        *field = value;
    }
}

/// `--sweep`: one parameter and the values it takes, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub parameter: Swept,
    pub values: Vec<f64>,
}

impl std::str::FromStr for Sweep {
    type Err = String;

    /// `threshold=0.3:0.9:0.1` → 0.3, 0.4, …, 0.9 (the end included when a
    /// step lands on it, up to rounding).
    fn from_str(s: &str) -> Result<Sweep, String> {
        let usage = || {
            let names: Vec<&str> = Swept::ALL.iter().map(|p| p.name()).collect();
            format!(
                "'{s}' is not NAME=FROM:TO:STEP with NAME one of {} (example: threshold=0.3:0.9:0.1)",
                names.join(", ")
            )
        };
        let (name, range) = s.split_once('=').ok_or_else(usage)?;
        let name = name.trim().replace('_', "-");
        let parameter = *Swept::ALL
            .iter()
            .find(|p| p.name() == name)
            .ok_or_else(usage)?;
        let numbers: Vec<f64> = range
            .split(':')
            .map(|n| n.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| usage())?;
        let [from, to, step] = numbers[..] else {
            return Err(usage());
        };
        if !(0.0..=1.0).contains(&from) || !(0.0..=1.0).contains(&to) || from > to {
            return Err(format!("'{s}': FROM and TO must lie in [0, 1], FROM ≤ TO"));
        }
        // The values are FROM, FROM + STEP, … up to TO, counted once and
        // checked as counted (a huge count saturates, and is refused; a
        // STEP that is not positive, NaN included, counts none).
        let count = if step > 0.0 {
            (((to - from) / step + 1e-9).floor() as usize).saturating_add(1)
        } else {
            0
        };
        if count == 0 || count > MAX_VALUES {
            return Err(format!(
                "'{s}': STEP must be positive, at most {MAX_VALUES} values"
            ));
        }
        let values = (0..count).map(|i| round4(from + i as f64 * step)).collect();
        Ok(Sweep { parameter, values })
    }
}

/// One setting of a sweep: each swept parameter with its value, in the
/// order the sweeps were given.
pub type Setting = Vec<(Swept, f64)>;

/// Most values one sweep takes.
const MAX_VALUES: usize = 1000;

/// Most settings one `dedup eval` scores: each clusters the whole corpus.
pub const MAX_SETTINGS: usize = 10_000;

/// Every combination of the `sweeps`' values, the first parameter varying
/// slowest. An error names a parameter swept twice or too many settings.
pub fn settings(sweeps: &[Sweep]) -> std::result::Result<Vec<Setting>, String> {
    for (i, a) in sweeps.iter().enumerate() {
        if sweeps[..i].iter().any(|b| b.parameter == a.parameter) {
            return Err(format!("--sweep {} is given twice", a.parameter.name()));
        }
    }
    let count = sweeps
        .iter()
        .try_fold(1usize, |n, s| n.checked_mul(s.values.len()))
        .filter(|&n| n <= MAX_SETTINGS)
        .ok_or_else(|| format!("the sweeps make more than {MAX_SETTINGS} settings"))?;
    let mut all: Vec<Setting> = Vec::with_capacity(count);
    all.push(Vec::new());
    for sweep in sweeps {
        all = all
            .into_iter()
            .flat_map(|setting| {
                sweep.values.iter().map(move |&v| {
                    let mut next = setting.clone();
                    next.push((sweep.parameter, v));
                    next
                })
            })
            .collect();
    }
    Ok(all)
}

/// `config` at `setting`.
pub fn apply(config: &Config, setting: &Setting) -> Config {
    let mut config = config.clone();
    for &(parameter, value) in setting {
        parameter.set(&mut config, value);
    }
    config
}

/// The table of a sweep: a row per setting and level, the swept values
/// first.
pub fn write_sweep_text(rows: &[(Setting, Scores)], out: &mut dyn Write) -> io::Result<()> {
    let Some((first_setting, first)) = rows.first() else {
        return Ok(());
    };
    write_counts(first, out)?;
    let names: String = first_setting
        .iter()
        .map(|(p, _)| format!("{:>15} ", p.name()))
        .collect();
    writeln!(out, "{names}{}", header())?;
    for (setting, scores) in rows {
        let values: String = setting
            .iter()
            .map(|(_, v)| format!("{:>15} ", format!("{v}")))
            .collect();
        for (name, level) in levels(scores) {
            writeln!(out, "{values}{}", row(name, level))?;
        }
    }
    Ok(())
}

/// Scores `clustering` of `articles` against `gold`.
pub fn evaluate(gold: &Gold, clustering: &Clustering) -> Result<Scores> {
    let articles = &clustering.records;
    let mut event_of = vec![0; articles.len()];
    for (e, event) in clustering.events.iter().enumerate() {
        for &m in &event.members {
            event_of[m] = e;
        }
    }
    // Articles outside every near-duplicate group are groups of one.
    let mut group_of: Vec<usize> = (0..articles.len()).collect();
    for group in &clustering.groups {
        for &m in &group.members {
            group_of[m] = group.members[0];
        }
    }
    let labelled: Vec<usize> = (0..articles.len())
        .filter(|&i| gold.cluster.contains_key(articles[i].id.as_str()))
        .collect();
    if labelled.is_empty() {
        bail!("no article read has a gold label: do the ids match the gold file's?");
    }
    let level = |truth: &HashMap<String, String>, predicted: &[usize]| {
        let pairs: Vec<(&str, usize)> = labelled
            .iter()
            .map(|&i| (truth[articles[i].id.as_str()].as_str(), predicted[i]))
            .collect();
        score(&pairs)
    };
    let near_duplicates = (!gold.group.is_empty())
        .then(|| {
            if labelled
                .iter()
                .any(|&i| !gold.group.contains_key(articles[i].id.as_str()))
            {
                bail!("the gold file labels \"group\" for some articles but not all");
            }
            Ok(level(&gold.group, &group_of))
        })
        .transpose()?;
    Ok(Scores {
        articles: labelled.len(),
        unlabelled: articles.len() - labelled.len(),
        missing: gold.cluster.len() - labelled.len(),
        events: level(&gold.cluster, &event_of),
        near_duplicates,
    })
}

/// Scores (gold label, predicted label) per item.
pub fn score<G: Eq + std::hash::Hash, P: Eq + std::hash::Hash>(items: &[(G, P)]) -> LevelScores {
    let mut cells: HashMap<(&G, &P), usize> = HashMap::new();
    let mut gold_sizes: HashMap<&G, usize> = HashMap::new();
    let mut pred_sizes: HashMap<&P, usize> = HashMap::new();
    for (g, p) in items {
        *cells.entry((g, p)).or_default() += 1;
        *gold_sizes.entry(g).or_default() += 1;
        *pred_sizes.entry(p).or_default() += 1;
    }
    let n = items.len() as f64;
    // BCubed: each item's precision is |its cell| / |its predicted cluster|,
    // summed per cell: Σ cell² / |pred|.
    let (mut bp, mut br) = (0.0, 0.0);
    for (&(g, p), &c) in &cells {
        let c = c as f64;
        bp += c * c / pred_sizes[p] as f64;
        br += c * c / gold_sizes[g] as f64;
    }
    let pairs = |k: usize| (k * k.saturating_sub(1) / 2) as f64;
    let together: f64 = cells.values().map(|&c| pairs(c)).sum();
    let gold_pairs: f64 = gold_sizes.values().map(|&c| pairs(c)).sum();
    let pred_pairs: f64 = pred_sizes.values().map(|&c| pairs(c)).sum();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    let expected = gold_pairs * pred_pairs / pairs(items.len()).max(1.0);
    let max_index = (gold_pairs + pred_pairs) / 2.0;
    let adjusted_rand_index = if (max_index - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (together - expected) / (max_index - expected)
    };
    LevelScores {
        gold_clusters: gold_sizes.len(),
        predicted_clusters: pred_sizes.len(),
        bcubed: Prf::new(bp / n, br / n),
        pairwise: Prf::new(ratio(together, pred_pairs), ratio(together, gold_pairs)),
        adjusted_rand_index,
    }
}

pub fn write_text(scores: &Scores, out: &mut dyn Write) -> io::Result<()> {
    write_counts(scores, out)?;
    writeln!(out, "{}", header())?;
    for (name, level) in levels(scores) {
        writeln!(out, "{}", row(name, level))?;
    }
    Ok(())
}

/// The line of how many articles were scored.
fn write_counts(scores: &Scores, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} articles scored ({} unlabelled, {} labelled but not read)",
        scores.articles, scores.unlabelled, scores.missing
    )
}

/// The levels scored, each named: events, and near-duplicates when the gold
/// labels groups.
fn levels(scores: &Scores) -> impl Iterator<Item = (&'static str, &LevelScores)> {
    std::iter::once(("events", &scores.events)).chain(
        scores
            .near_duplicates
            .iter()
            .map(|nd| ("near-duplicates", nd)),
    )
}

/// The table's column heads, and a level's row under them.
fn header() -> String {
    format!(
        "{:<16} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "level", "clusters", "B3 P", "B3 R", "B3 F1", "pair P", "pair R", "ARI"
    )
}

fn row(name: &str, s: &LevelScores) -> String {
    format!(
        "{:<16} {:>8} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>7.4}",
        name,
        format!("{}/{}", s.predicted_clusters, s.gold_clusters),
        s.bcubed.precision,
        s.bcubed.recall,
        s.bcubed.f1,
        s.pairwise.precision,
        s.pairwise.recall,
        s.adjusted_rand_index
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_lists_its_values_end_included() {
        let sweep: Sweep = "threshold=0.3:0.9:0.1".parse().unwrap();
        assert_eq!(sweep.parameter, Swept::Threshold);
        assert_eq!(sweep.values, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
        let sweep: Sweep = "event-threshold=0.05:0.2:0.05".parse().unwrap();
        assert_eq!(sweep.values, [0.05, 0.1, 0.15, 0.2]);
        let one: Sweep = "containment=0.8:0.8:0.1".parse().unwrap();
        assert_eq!(one.values, [0.8]);
        let ratio: Sweep = "join_ratio=0.2:0.3:0.05".parse().unwrap();
        assert_eq!(ratio.parameter, Swept::JoinRatio);
        for bad in [
            "ngram=1:5:1",
            "threshold=0.3:0.9",
            "threshold=0.9:0.3:0.1",
            "threshold=0:1:0",
        ] {
            assert!(bad.parse::<Sweep>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sweeps_combine_first_parameter_slowest_and_set_their_fields() {
        let sweeps: Vec<Sweep> = ["join-ratio=0.2:0.3:0.1", "evict-ratio=0.5:0.6:0.1"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let all = settings(&sweeps).unwrap();
        let values: Vec<Vec<f64>> = all
            .iter()
            .map(|s| s.iter().map(|&(_, v)| v).collect())
            .collect();
        assert_eq!(values, [[0.2, 0.5], [0.2, 0.6], [0.3, 0.5], [0.3, 0.6]]);
        let config = apply(&Config::default(), &all[3]);
        assert_eq!(
            (config.event_join_ratio, config.event_evict_ratio),
            (0.3, 0.6)
        );
        let events = config.validate().unwrap().events.unwrap();
        assert_eq!((events.join_ratio, events.evict_ratio), (0.3, 0.6));
        let twice = [sweeps[0].clone(), sweeps[0].clone()];
        assert!(settings(&twice).unwrap_err().contains("twice"));
        let wide: Sweep = "threshold=0:0.999:0.001".parse().unwrap();
        assert_eq!(wide.values.len(), 1000);
        assert!(settings(&[wide.clone(), wide.clone()]).is_err());
        let too_wide = "threshold=0:1:0.001".parse::<Sweep>().unwrap_err();
        assert!(too_wide.contains("at most 1000 values"), "{too_wide}");
    }

    #[test]
    fn a_perfect_clustering_scores_one() {
        let s = score(&[("a", 1), ("a", 1), ("b", 2)]);
        assert_eq!(s.bcubed, Prf::new(1.0, 1.0));
        assert_eq!(s.pairwise.f1, 1.0);
        assert!((s.adjusted_rand_index - 1.0).abs() < 1e-12);
    }

    #[test]
    fn merging_two_clusters_costs_precision_not_recall() {
        // Gold {a,a}{b,b}; predicted one cluster of four.
        let s = score(&[("a", 0), ("a", 0), ("b", 0), ("b", 0)]);
        assert!((s.bcubed.precision - 0.5).abs() < 1e-12);
        assert_eq!(s.bcubed.recall, 1.0);
        assert!((s.pairwise.precision - 2.0 / 6.0).abs() < 1e-12);
        assert_eq!(s.pairwise.recall, 1.0);
        assert!(s.adjusted_rand_index.abs() < 1e-12);
    }

    #[test]
    fn bcubed_matches_the_reference_scorer() {
        // Same numbers as ../shared/data/tools/score_clusters.py on this toy case:
        // gold {1,2,3}{4,5}, predicted {1,2}{3,4,5} → B3 P 0.7333, R 0.7333.
        let s = score(&[("x", 1), ("x", 1), ("x", 2), ("y", 2), ("y", 2)]);
        assert!((s.bcubed.precision - 11.0 / 15.0).abs() < 1e-12);
        assert!((s.bcubed.recall - 11.0 / 15.0).abs() < 1e-12);
    }

    #[test]
    fn gold_labels_may_be_numbers_and_groups_are_optional() {
        let gold = Gold::parse(
            "{\"id\":\"a\",\"cluster\":3}\n\n{\"id\":\"b\",\"cluster\":\"x\",\"group\":1}\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(gold.cluster["a"], "3");
        assert_eq!(gold.group["b"], "1");
        // A numeric id keeps its literal, as the reader keeps it.
        let gold =
            Gold::parse("{\"id\":1e2,\"cluster\":123456789012345678901}".as_bytes()).unwrap();
        assert_eq!(gold.cluster["1e2"], "123456789012345678901");
        let err = Gold::parse("{\"id\":\"a\"}".as_bytes()).unwrap_err();
        assert_eq!(format!("{err:#}"), "line 1: no \"cluster\" field");
    }
}
