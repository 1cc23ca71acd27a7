//! Past one machine: the corpus analysed in shards, joined elsewhere, merged
//! back into the report a single run gives.
//!
//! 1. [`sketch`]: `dedup sketch --shard I/N` analyses the articles of shard
//!    I (cleaning, shingles, MinHash band keys, event features) into a
//!    sketch file ([`format`]). The cleaner's corpus evidence never crosses
//!    an evidence source, so a shard cleans every article of the sources
//!    its articles come from, and cleans them exactly as the whole corpus
//!    would. Assigned by source ([`ShardKey::Source`]), a shard cleans only
//!    its own articles; by id, shards are even. Without a choice, a corpus
//!    that names sites goes by source, one that names none by id
//!    ([`ShardKey::default_for`]).
//! 2. A join finds candidate pairs: `contrib/spark/dedup_join.py` on a
//!    cluster, or [`join`] (`dedup join`) on one machine. Both self-join band
//!    keys and filter containment prefixes exactly as [`crate::neardup`]
//!    does, over distinct shingle sets.
//! 3. [`merge`]: `dedup merge` reads the sketches and the candidate pairs,
//!    verifies the pairs exactly, groups, clusters events and reports.
//!
//! Invariant: for the same inputs and flags, sketch → join → merge reports
//! exactly what `dedup` reports in one run (tested against it).

pub mod format;
pub mod join;
pub mod merge;
pub mod sketch;
pub mod sketches;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use xxhash_rust::xxh3::xxh3_64;

use crate::article::Article;
use crate::clean;

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// What assigns an article to a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardKey {
    /// The cleaner's evidence source: a shard cleans only its own articles.
    Source,
    /// The article id: shards are even however few the sources, but a shard
    /// cleans every article of the sources its articles come from.
    Id,
}

impl ShardKey {
    /// The key for `articles` when none is asked for: by source when some
    /// article names its site, else by id, since then the evidence sources
    /// are the directories read, and a folder of files would be one shard.
    /// Every shard reads the whole corpus, so all choose the same.
    pub fn default_for(articles: &[Article]) -> ShardKey {
        match articles.iter().any(|a| a.site().is_some()) {
            true => ShardKey::Source,
            false => ShardKey::Id,
        }
    }

    /// The key as pinned in sketch headers.
    pub fn describe(self) -> &'static str {
        match self {
            ShardKey::Source => "xxh3_64(evidence source) mod shards",
            ShardKey::Id => "xxh3_64(id) mod shards",
        }
    }

    /// The shard of `article` among `count`.
    pub fn shard_of(self, article: &Article, count: usize) -> usize {
        let key = match self {
            ShardKey::Source => clean::evidence_source(article),
            ShardKey::Id => &article.id,
        };
        (xxh3_64(key.as_bytes()) % count as u64) as usize
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `3/8`: the fourth shard of eight.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("'{s}' is not I/N with 0 ≤ I < N (example: 3/8)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index >= count || count > 99_999 {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard's file in `dir`: `sketch-00003-of-00008.jsonl`.
    pub fn path(&self, dir: &Path) -> PathBuf {
        dir.join(format!(
            "sketch-{:05}-of-{:05}.jsonl",
            self.index, self.count
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_as_index_of_count() {
        assert_eq!("3/8".parse(), Ok(Shard { index: 3, count: 8 }));
        for bad in ["8/8", "1", "a/2", "-1/2", "0/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shard = Shard { index: 3, count: 8 };
        assert_eq!(
            shard.path(Path::new("out")),
            Path::new("out/sketch-00003-of-00008.jsonl")
        );
    }

    fn article(id: &str, source: Option<&str>) -> Article {
        Article {
            line: None,
            id: id.into(),
            origin: format!("corpus.jsonl:{id}"),
            source: source.map(str::to_string),
            url: None,
            title: None,
            date: None,
            text: String::new(),
            location: Default::default(),
        }
    }

    #[test]
    fn articles_of_one_source_share_a_shard() {
        let article = |id, source| article(id, Some(source));
        let by_source = |id, n| ShardKey::Source.shard_of(&article(id, "example.com"), n);
        for n in [1, 2, 7] {
            assert_eq!(by_source("1", n), by_source("2", n));
            assert!(by_source("1", n) < n);
        }
        // Pinned (values of this version): the keys are xxh3-64 with seed
        // 0, a fixed algorithm; a change would mix shards of two versions.
        assert_eq!(by_source("1", 1000), 347);
        assert_eq!(
            ShardKey::Id.shard_of(&article("1", "example.com"), 1000),
            464
        );
    }

    #[test]
    fn a_corpus_without_sites_is_sharded_by_id_unless_one_is_named() {
        let unnamed = [article("a.txt", None), article("b.txt", None)];
        assert_eq!(ShardKey::default_for(&unnamed), ShardKey::Id);
        let linked = article("https://www.example.com/story", None);
        assert_eq!(
            ShardKey::default_for(&[unnamed[0].clone(), linked]),
            ShardKey::Source
        );
        let named = article("c", Some("example.com"));
        assert_eq!(ShardKey::default_for(&[named]), ShardKey::Source);
    }
}
