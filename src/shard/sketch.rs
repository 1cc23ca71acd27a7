//! `dedup sketch`: one shard of a corpus analysed into records.
//!
//! Input: the whole corpus as read (every shard reads every input, so that
//! ordinals, the corpus fingerprint and the read errors agree), the shard
//! and the pipeline. Output: the [`Header`] and one [`Record`] per article
//! of the shard, in corpus order. The analysis is the single run's, stage by
//! stage: the cleaner over the shard's articles (all of their sources'
//! articles), titles, shingles, MinHash band keys, event features.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use super::format::{
    encode_u64s, CorpusInfo, End, ErrorLine, EventLine, Header, Record, SketchParams, Trailer,
    FORMAT,
};
use super::{Shard, ShardKey};
use crate::article::Article;
use crate::config::Pipeline;
use crate::error::InputError;
use crate::error::SpillError;
use crate::neardup::containment;
use crate::neardup::lsh::BandKeys;
use crate::neardup::minhash::MinHasher;
use crate::neardup::shingle::Shingler;
use crate::unique::write_atomically;
use crate::{clean, event_docs, titles};

/// The header of any shard of `articles` read with `errors`.
pub fn header(
    articles: &[Article],
    errors: &[InputError],
    shard: Shard,
    key: ShardKey,
    pipeline: &Pipeline,
) -> Header {
    let mut ids = Vec::new();
    for article in articles {
        ids.extend_from_slice(article.id.as_bytes());
        ids.push(0);
    }
    Header {
        format: FORMAT.into(),
        tool: format!("dedup {}", env!("CARGO_PKG_VERSION")),
        shard: shard.index,
        shards: shard.count,
        shard_key: key.describe().into(),
        params: SketchParams::new(pipeline.clean, &pipeline.neardup),
        corpus: CorpusInfo {
            articles: articles.len(),
            fingerprint: format!("{:016x}", xxh3_64(&ids)),
        },
        errors: errors
            .iter()
            .map(|e| ErrorLine {
                input: e.input.clone(),
                message: e.problem.to_string(),
            })
            .collect(),
    }
}

/// The records of the articles of `shard` (assigned by `key`), in corpus
/// order.
pub fn records(
    articles: &[Article],
    shard: Shard,
    key: ShardKey,
    pipeline: &Pipeline,
) -> Result<Vec<Record>, SpillError> {
    let ordinals: Vec<usize> = (0..articles.len())
        .filter(|&i| key.shard_of(&articles[i], shard.count) == shard.index)
        .collect();
    let mine: Vec<Article> = ordinals.iter().map(|&i| articles[i].clone()).collect();
    let cleaned = match pipeline.clean {
        true => Some(cleaned_texts(articles, &ordinals)?),
        false => None,
    };
    let texts: Vec<&str> = match &cleaned {
        Some(cleaned) => cleaned.iter().map(|c| c.text.as_str()).collect(),
        None => mine.iter().map(|a| a.text.as_str()).collect(),
    };
    let titles = titles(&mine, &texts, cleaned.as_deref());
    let docs = event_docs(&mine, &texts, &titles);
    let params = &pipeline.neardup;
    let hasher = MinHasher::new(params.num_perm, params.seed);
    let rule = params.edge_rule();
    let compared = crate::compared(cleaned.as_deref(), &texts);
    Ok(docs
        .par_iter()
        .zip(&ordinals)
        .zip(&compared)
        .map_init(
            || Shingler::new(params.ngram, params.seed),
            |shingler, ((doc, &ordinal), compared)| {
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
                let article = &articles[ordinal];
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
                    event: EventLine::new(doc),
                }
            },
        )
        .collect())
}

/// The articles `ordinals` (sorted) cleaned with every article of their
/// evidence sources in corpus order, as the whole corpus cleans them.
fn cleaned_texts(
    articles: &[Article],
    ordinals: &[usize],
) -> Result<Vec<clean::Cleaned>, SpillError> {
    let sources: HashSet<&str> = ordinals
        .iter()
        .map(|&i| clean::evidence_source(&articles[i]))
        .collect();
    let context: Vec<usize> = (0..articles.len())
        .filter(|&i| sources.contains(clean::evidence_source(&articles[i])))
        .collect();
    let subset: Vec<Article> = context.iter().map(|&i| articles[i].clone()).collect();
    let mut cleaned = clean::clean_corpus(&subset)?.into_iter();
    let mut context = context.into_iter();
    Ok(ordinals
        .iter()
        .map(|&want| loop {
            let one = cleaned.next().expect("a shard's article is in its context");
            if context.next() == Some(want) {
                break one;
            }
        })
        .collect())
}

/// Writes a sketch file at `path` atomically, so that a reader never sees
/// half a file there.
pub fn write(path: &Path, header: &Header, records: &[Record]) -> Result<()> {
    write_atomically(path, |out| {
        serde_json::to_writer(&mut *out, header)?;
        out.write_all(b"\n")?;
        for record in records {
            serde_json::to_writer(&mut *out, record)?;
            out.write_all(b"\n")?;
        }
        let trailer = Trailer {
            end: End {
                records: records.len(),
            },
        };
        serde_json::to_writer(&mut *out, &trailer)?;
        out.write_all(b"\n")?;
        Ok(())
    })
    .with_context(|| format!("{}: cannot write", path.display()))
}
