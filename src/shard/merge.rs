//! `dedup merge`: candidate pairs found elsewhere, verified exactly against
//! the sketches, grouped and clustered into the single run's result.
//!
//! Input: the [`Sketches`], candidate pairs of ordinals (from the Spark job
//! or `dedup join`) and the pipeline. Output: the articles as the report
//! needs them (id, title, date) and the [`Clustering`]. Only the shingle
//! sets of articles some pair names are kept in memory; the others can be
//! in no group. Verification, grouping and events are the single run's
//! code ([`neardup::verified_groups`], [`events::cluster_with`]).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::format::{ErrorLine, EventLine};
use super::join::decoded;
use super::sketches::Sketches;
use crate::article::Article;
use crate::config::Pipeline;
use crate::events::{self, EventArticle};
use crate::neardup::{self, distinct::DistinctSets};
use crate::record::Record;
use crate::Clustering;

/// What the report is built from.
#[derive(Debug)]
pub struct Merged {
    /// Every article of the corpus, in corpus order; texts are not kept.
    pub articles: Vec<Article>,
    pub clustering: Clustering,
    /// The input errors the sketches recorded.
    pub errors: Vec<ErrorLine>,
}

pub fn merge(
    sketches: &Sketches,
    candidates: &[(usize, usize)],
    pipeline: &Pipeline,
) -> Result<Merged> {
    let n = sketches.articles();
    let mut needed = vec![false; n];
    for &(a, b) in candidates {
        needed[a] = true;
        needed[b] = true;
    }
    let mut articles: Vec<Option<Article>> = vec![None; n];
    let mut lengths = vec![0; n];
    // Event features are most of a record's memory: kept only for events.
    let events_wanted = pipeline.events.is_some();
    let mut features: Vec<Option<EventLine>> = vec![None; n];
    let mut sets = Vec::new();
    sketches.for_each(|path, record| {
        let i = record.ordinal;
        if needed[i] && record.set.is_some() {
            sets.push((i, decoded(path, &record)?.0));
        }
        lengths[i] = record.length;
        if events_wanted {
            features[i] = Some(record.event);
        }
        articles[i] = Some(Article {
            line: None,
            id: record.id,
            origin: path.display().to_string(),
            source: record.source,
            url: None,
            title: record.title,
            date: record.date,
            text: String::new(),
            location: Default::default(),
        });
        Ok(())
    })?;
    let articles: Vec<Article> = articles
        .into_iter()
        .map(|a| a.expect("every article was read"))
        .collect();

    let distinct = DistinctSets::from_indexed(sets);
    let mut set_of = vec![u32::MAX; n];
    for (set, texts) in distinct.texts.iter().enumerate() {
        texts.iter().for_each(|&t| set_of[t] = set as u32);
    }
    let mut pairs: Vec<(u32, u32)> = candidates
        .iter()
        .map(|&(a, b)| (set_of[a], set_of[b]))
        .filter(|&(x, y)| x != y && x != u32::MAX && y != u32::MAX)
        .map(|(x, y)| (x.min(y), x.max(y)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let records: Vec<Record> = articles
        .iter()
        .zip(&lengths)
        .map(|(a, &length)| Record {
            id: a.id.clone(),
            location: a.location,
            source: a.source.clone(),
            date: a.date.clone(),
            title: a.title.clone(),
            length,
        })
        .collect();
    let keep = pipeline.keep;
    let groups = neardup::verified_groups(
        &distinct,
        &pairs,
        &pipeline.neardup.edge_rule(),
        &|members: &[usize]| keep.choose(members, &records),
    )?;

    let events = match &pipeline.events {
        Some(params) => {
            let features: Vec<EventLine> = features
                .into_iter()
                .map(|f| f.expect("every article was read"))
                .collect();
            let event_articles: Vec<EventArticle> = articles
                .iter()
                .zip(&lengths)
                .map(|(a, &length)| EventArticle { id: &a.id, length })
                .collect();
            events::cluster_with(
                &event_articles,
                &groups,
                params,
                |i| features[i].features(),
                |i| features[i].published,
            )
        }
        None => events::groups_only(n, &groups),
    };
    Ok(Merged {
        articles,
        clustering: Clustering {
            groups,
            // Sketches keep no page lines: a merge cannot tell template
            // pairs (README, "More than one machine").
            kept_apart: Vec::new(),
            events,
            records,
        },
        errors: sketches.header.errors.clone(),
    })
}

/// Candidate pairs of ordinals from `path`, a file or a directory of part
/// files (as Spark writes them; names starting with `_` or `.` are skipped).
/// A line is two ordinals separated by a comma or whitespace; blank lines
/// and lines starting with `#` are skipped. Every ordinal must be below
/// `articles`.
pub fn read_candidates(path: &Path, articles: usize) -> Result<Vec<(usize, usize)>> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = fs::read_dir(path)
            .with_context(|| format!("{}: cannot read the directory", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| !n.starts_with(['_', '.']))
            })
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut pairs = Vec::new();
    for file in &files {
        let name = file.display();
        let reader =
            BufReader::new(fs::File::open(file).with_context(|| format!("{name}: cannot open"))?);
        for (number, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("{name}: cannot read"))?;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|f| !f.is_empty())
                .collect();
            let ordinal = |f: &str| f.parse::<usize>().ok().filter(|&o| o < articles);
            match fields[..] {
                [a, b] => match (ordinal(a), ordinal(b)) {
                    (Some(a), Some(b)) => pairs.push((a.min(b), a.max(b))),
                    _ => bail!(
                        "{name}:{}: '{line}' is not two article numbers below {articles}",
                        number + 1
                    ),
                },
                _ => bail!(
                    "{name}:{}: '{line}' is not a pair of article numbers",
                    number + 1
                ),
            }
        }
    }
    Ok(pairs)
}
