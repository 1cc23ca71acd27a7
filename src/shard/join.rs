//! `dedup join`: the candidate pairs of a sharded corpus on one machine,
//! what `contrib/spark/dedup_join.py` computes on a cluster.
//!
//! Input: the [`Sketches`]. Output: candidate pairs of ordinals `(a, b)`,
//! `a < b`, sorted and unique: every two articles with identical shingle
//! sets (first of the set with each other one), and the distinct sets'
//! candidates of the single run ([`neardup::candidates`]: equal in a band,
//! or one may contain the other), each set named by its first article.

use std::path::Path;

use anyhow::{anyhow, bail, Result};

use super::format::{decode_u64s, Record};
use super::sketches::Sketches;
use crate::neardup::distinct::DistinctSets;
use crate::neardup::lsh::BandKeys;
use crate::neardup::shingle::Shingles;
use crate::neardup::{self, NearDupParams};

pub fn candidates(sketches: &Sketches, params: &NearDupParams) -> Result<Vec<(usize, usize)>> {
    let mut sets = Vec::new();
    let mut keys: Vec<Option<BandKeys>> = vec![None; sketches.articles()];
    sketches.for_each(|path, record| {
        if record.set.is_some() {
            let (shingles, bands) = decoded(path, &record)?;
            if bands.len() != params.bands {
                bail!(
                    "{}: article {} ({}): {} band keys, the header says {}",
                    path.display(),
                    record.ordinal,
                    record.id,
                    bands.len(),
                    params.bands
                );
            }
            keys[record.ordinal] = Some(BandKeys::from_keys(bands));
            sets.push((record.ordinal, shingles));
        }
        Ok(())
    })?;
    let distinct = DistinctSets::from_indexed(sets);
    let first = |set: usize| distinct.texts[set][0];
    let keys: Vec<BandKeys> = (0..distinct.sets.len())
        .map(|set| {
            keys[first(set)]
                .take()
                .expect("a set's first text has keys")
        })
        .collect();
    let rule = params.edge_rule();
    let mut pairs: Vec<(usize, usize)> = neardup::candidates(&distinct, &keys, &rule)?
        .into_iter()
        .map(|(x, y)| {
            let (a, b) = (first(x as usize), first(y as usize));
            (a.min(b), a.max(b))
        })
        .collect();
    for texts in &distinct.texts {
        pairs.extend(texts[1..].iter().map(|&other| (texts[0], other)));
    }
    pairs.sort_unstable();
    pairs.dedup();
    Ok(pairs)
}

/// A record's shingle set and band keys, decoded.
pub fn decoded(path: &Path, record: &Record) -> Result<(Shingles, Vec<u64>)> {
    let bad = |what: &str, e: String| {
        anyhow!(
            "{}: article {} ({}): bad {what}: {e}",
            path.display(),
            record.ordinal,
            record.id
        )
    };
    let shingles = decode_u64s(&record.shingles).map_err(|e| bad("shingles", e))?;
    let bands = decode_u64s(&record.bands).map_err(|e| bad("bands", e))?;
    Ok((shingles.into_iter().collect(), bands))
}
