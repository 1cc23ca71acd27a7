//! A directory of sketch files, checked as a whole before any record is
//! used: one format, the parameters of this run, one corpus, every shard
//! present exactly once.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::format::{self, Header, Record, SketchParams};
use super::Shard;

#[derive(Debug)]
pub struct Sketches {
    /// One file per shard, in shard order.
    pub files: Vec<PathBuf>,
    /// The first shard's header (all agree on everything but the shard).
    pub header: Header,
}

impl Sketches {
    /// The sketch files `sketch-*-of-*.jsonl` in `dir`, checked against
    /// `params` and each other. Errors name the file at fault.
    pub fn open(dir: &Path, params: &SketchParams) -> Result<Sketches> {
        let mut found: Vec<PathBuf> = fs::read_dir(dir)
            .with_context(|| format!("{}: cannot read the directory", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| is_sketch_name(path))
            .collect();
        found.sort();
        let Some(first) = found.first() else {
            bail!(
                "{}: no sketch files (sketch-*-of-*.jsonl) in it",
                dir.display()
            );
        };
        let base = format::read_header(first)?;
        let mut files = Vec::with_capacity(base.shards);
        for path in &found {
            let header = format::read_header(path)?;
            let name = path.display();
            let differences = header.params.differences(params);
            if !differences.is_empty() {
                bail!(
                    "{name}: made with other parameters: {}; sketch again, or give this run the \
                     same flags",
                    differences.join(", ")
                );
            }
            if header.shards != base.shards {
                bail!(
                    "{name}: one of {} shards, but {} is one of {}",
                    header.shards,
                    first.display(),
                    base.shards
                );
            }
            if header.corpus != base.corpus || header.shard_key != base.shard_key {
                bail!(
                    "{name}: made from another corpus or read than {} (articles {} vs {}, \
                     fingerprint {} vs {})",
                    first.display(),
                    header.corpus.articles,
                    base.corpus.articles,
                    header.corpus.fingerprint,
                    base.corpus.fingerprint
                );
            }
            let shard = Shard {
                index: header.shard,
                count: header.shards,
            };
            if shard.path(dir) != *path {
                bail!("{name}: holds shard {shard}, which is not what its name says");
            }
            files.push(path.clone());
        }
        for index in 0..base.shards {
            let shard = Shard {
                index,
                count: base.shards,
            };
            let path = shard.path(dir);
            if !files.contains(&path) {
                bail!(
                    "{}: missing: shard {shard} was not found (sketch every shard 0..{} into {})",
                    path.display(),
                    base.shards,
                    dir.display()
                );
            }
        }
        Ok(Sketches {
            files,
            header: base,
        })
    }

    /// Articles in the corpus, all shards'.
    pub fn articles(&self) -> usize {
        self.header.corpus.articles
    }

    /// Every record of every shard with its file, shard by shard, each file
    /// checked to be whole; each article of the corpus appears exactly once.
    pub fn for_each(&self, mut each: impl FnMut(&Path, Record) -> Result<()>) -> Result<()> {
        let mut seen = vec![false; self.articles()];
        for path in &self.files {
            format::read_records(path, |record| {
                match seen.get_mut(record.ordinal) {
                    Some(s) if !*s => *s = true,
                    Some(_) => bail!(
                        "{}: article {} ({}) is in two shards",
                        path.display(),
                        record.ordinal,
                        record.id
                    ),
                    None => bail!(
                        "{}: article {} is beyond the corpus's {}",
                        path.display(),
                        record.ordinal,
                        self.articles()
                    ),
                }
                each(path, record)
            })?;
        }
        if let Some(missing) = seen.iter().position(|s| !s) {
            bail!(
                "{}: article {missing} of the corpus is in no shard",
                self.files[0].parent().unwrap_or(Path::new(".")).display()
            );
        }
        Ok(())
    }
}

/// `sketch-00003-of-00008.jsonl` and the like.
fn is_sketch_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("sketch-") && n.contains("-of-") && n.ends_with(".jsonl"))
}
