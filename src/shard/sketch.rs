//! `dedup sketch`: one shard of a corpus analysed into records.
//!
//! Every shard reads every input, twice, holding a batch of articles at a
//! time, as the single run does ([`crate::run`]): pass 1 numbers the
//! articles, fingerprints their ids, meets the read errors (so that
//! ordinals, the corpus fingerprint and the errors agree across shards) and
//! gathers the cleaner's corpus evidence; pass 2 analyses the shard's
//! articles into [`Record`]s, written as they are made: the cleaner with
//! that evidence, titles, shingles, MinHash band keys, event features.
//! Memory holds a few batches and the cleaner's few bytes an article, not
//! the corpus. By source, pass 1 gathers evidence from the shard's own
//! articles only; a corpus that names no site, sharded by id by default,
//! is found out only after pass 1, and read a third time to gather the
//! evidence of every source.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::format::{
    encode_u64s, CorpusInfo, End, ErrorLine, EventLine, Header, Record, SketchParams, Trailer,
    FORMAT,
};
use super::{Shard, ShardKey};
use crate::article::Article;
use crate::clean::{self, Cleaner};
use crate::config::Pipeline;
use crate::events::EventDoc;
use crate::neardup::containment;
use crate::neardup::lsh::BandKeys;
use crate::neardup::minhash::MinHasher;
use crate::neardup::shingle::Shingler;
use crate::progress::Progress;
use crate::read;
use crate::unique::write_atomically;

/// What [`sketch`] read and wrote.
pub struct Sketched {
    /// The inputs' problems, as pass 1 met them (no articles).
    pub problems: read::Corpus<'static>,
    /// Articles in the whole corpus.
    pub articles: usize,
    /// Records written: the shard's articles.
    pub records: usize,
    /// How articles were assigned to shards.
    pub key: ShardKey,
}

/// Writes the sketch file of shard `shard` of the corpus `inputs` at
/// `path`, atomically. `key` assigns articles to shards; without one, by
/// source when some article names its site, else by id
/// ([`ShardKey::default_for`]).
pub fn sketch(
    inputs: &read::Inputs,
    options: &read::ReadOptions,
    (shard, key): (Shard, Option<ShardKey>),
    pipeline: &Pipeline,
    path: &Path,
    progress: &Progress,
) -> Result<Sketched> {
    progress.start("read", 0);
    // By source, a shard's articles are every article of their sources, so
    // they are all the cleaner needs; by id, they come from any source.
    let context = match key {
        Some(ShardKey::Id) => Evidence::All,
        _ => Evidence::Shard(shard),
    };
    let mut first = first_pass(inputs, options, pipeline, context, progress)?;
    let key = key.unwrap_or(first.default_key);
    let context = match key {
        ShardKey::Source => context,
        ShardKey::Id => Evidence::All,
    };
    if pipeline.clean && first.context != context {
        // No article named its site, so the shards go by id: the evidence
        // of every source is wanted after all (a corpus of files without
        // sites, whose sources are the directories read).
        progress.start("evidence", 0);
        first.cleaner = first_pass(inputs, options, pipeline, context, progress)?.cleaner;
    }
    let header = Header {
        format: FORMAT.into(),
        tool: format!("dedup {}", env!("CARGO_PKG_VERSION")),
        shard: shard.index,
        shards: shard.count,
        shard_key: key.describe().into(),
        params: SketchParams::new(pipeline.clean, &pipeline.neardup),
        corpus: CorpusInfo {
            articles: first.articles,
            fingerprint: format!("{:016x}", first.ids),
        },
        errors: (first.problems.errors.iter())
            .map(|e| ErrorLine {
                input: e.input.clone(),
                message: e.problem.to_string(),
            })
            .collect(),
    };
    progress.start("sketch", first.articles);
    let mut records = 0;
    write_atomically(path, |out| {
        write_line(out, &header)?;
        let (mut next, mut gathered, mut failed) = (0, 0, None);
        read::read_batches(inputs, options, &mut |batch| {
            let ordinal = next;
            next += batch.len();
            if failed.is_none() {
                let cleaner = first.cleaner.as_ref().map(|c| (c, context, &mut gathered));
                let made = batch_records(&batch, ordinal, (shard, key), pipeline, cleaner);
                records += made.len();
                failed = made.iter().try_for_each(|r| write_line(out, r)).err();
            }
            progress.advance(batch.len());
        });
        if let Some(e) = failed {
            return Err(e);
        }
        write_line(
            out,
            &Trailer {
                end: End { records },
            },
        )
    })
    .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(Sketched {
        problems: first.problems,
        articles: first.articles,
        records,
        key,
    })
}

/// The articles whose corpus evidence pass 1 gathers for the cleaner.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Evidence {
    /// Those of the shard by source.
    Shard(Shard),
    /// Every article.
    All,
}

impl Evidence {
    fn holds(self, article: &Article) -> bool {
        match self {
            Evidence::Shard(shard) => {
                ShardKey::Source.shard_of(article, shard.count) == shard.index
            }
            Evidence::All => true,
        }
    }
}

/// What pass 1 learnt of the whole corpus.
struct FirstPass {
    problems: read::Corpus<'static>,
    articles: usize,
    /// xxh3-64 of the ids, each followed by a NUL byte.
    ids: u64,
    /// [`ShardKey::default_for`] the whole corpus.
    default_key: ShardKey,
    /// The cleaner, with the evidence of `context`'s articles, numbered
    /// in corpus order among them.
    context: Evidence,
    cleaner: Option<Cleaner>,
}

fn first_pass(
    inputs: &read::Inputs,
    options: &read::ReadOptions,
    pipeline: &Pipeline,
    context: Evidence,
    progress: &Progress,
) -> Result<FirstPass> {
    let mut gatherer = pipeline.clean.then(clean::Gatherer::new).transpose()?;
    let (mut ids, mut articles, mut failed) = (Xxh3::new(), 0, None);
    let mut default_key = ShardKey::Id;
    let problems = read::read_batches(inputs, options, &mut |batch| {
        for article in &batch {
            ids.update(article.id.as_bytes());
            ids.update(&[0]);
        }
        // By source as soon as one batch would be.
        if ShardKey::default_for(&batch) == ShardKey::Source {
            default_key = ShardKey::Source;
        }
        articles += batch.len();
        progress.advance(batch.len());
        if let (Some(gatherer), None) = (&mut gatherer, &failed) {
            let wanted: Vec<Article> = batch.into_iter().filter(|a| context.holds(a)).collect();
            failed = gatherer.add(&wanted).err();
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(FirstPass {
        problems,
        articles,
        ids: ids.digest(),
        default_key,
        context,
        cleaner: gatherer.map(clean::Gatherer::finish).transpose()?,
    })
}

/// The records of the articles of `batch` (numbered from `first` in the
/// corpus) that fall in `shard` by `key`, in corpus order: the single
/// run's analysis of each ([`crate::run`]). `cleaner` cleans them, when
/// cleaning is on, with the evidence of its context's articles, of which
/// `gathered` came before the batch (counted on past the batch's).
fn batch_records(
    batch: &[Article],
    first: usize,
    (shard, key): (Shard, ShardKey),
    pipeline: &Pipeline,
    mut cleaner: Option<(&Cleaner, Evidence, &mut usize)>,
) -> Vec<Record> {
    let params = &pipeline.neardup;
    let hasher = MinHasher::new(params.num_perm, params.seed);
    let rule = params.edge_rule();
    // Each article of the shard with its place in the corpus and, when it
    // is cleaned, among the cleaner's articles.
    let mut mine: Vec<(usize, usize, &Article)> = Vec::new();
    for (ordinal, article) in (first..).zip(batch) {
        let place = cleaner.as_ref().map_or(0, |(_, _, gathered)| **gathered);
        if key.shard_of(article, shard.count) == shard.index {
            mine.push((ordinal, place, article));
        }
        if let Some((_, context, gathered)) = &mut cleaner {
            **gathered += usize::from(context.holds(article));
        }
    }
    let cleaner = cleaner.map(|(c, _, _)| c);
    mine.par_iter()
        .map_init(
            || Shingler::new(params.ngram, params.seed),
            |shingler, &(ordinal, place, article)| {
                let cleaned = cleaner.map(|c| c.clean(place, article));
                let text = cleaned.as_ref().map_or(&article.text[..], |c| &c.text);
                let headline = cleaned.as_ref().and_then(|c| c.headline.clone());
                let title = crate::title(article, headline, text);
                let doc = EventDoc::of(article, title.as_deref(), text);
                let compared = cleaned.as_ref().map_or(text, clean::Cleaned::compared);
                let shingles = shingler.shingles(compared);
                let encoded = encode_u64s(shingles.as_slice());
                let (set, bands) = if shingles.is_empty() {
                    (None, Vec::new())
                } else {
                    let signature = hasher.signature(&shingles);
                    let keys = BandKeys::new(&signature, params.bands, params.rows);
                    let set = xxh3_128(encoded.as_bytes());
                    (Some(format!("{set:032x}")), keys.as_slice().to_vec())
                };
                Record {
                    ordinal,
                    id: article.id.clone(),
                    title: doc.title.map(str::to_string),
                    date: article.date.clone(),
                    source: article.source.clone(),
                    length: doc.text.len(),
                    set,
                    shingles: encoded,
                    prefix: containment::prefix_len(shingles.len(), &rule),
                    bands: encode_u64s(&bands),
                    event: EventLine::new(&doc),
                }
            },
        )
        .collect()
}

/// Writes `value` as one line of JSON.
fn write_line(out: &mut impl Write, value: &impl serde::Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}
