//! The persistent index: articles added day by day to one file, which new
//! articles are compared with (what they copy, which stored story they
//! join) without recomputing the corpus.
//!
//! - [`prepare`]: the articles of a batch as the index compares them: the
//!   batch path's cleaner (its corpus evidence drawn from the batch), title,
//!   day and shingle set; event features are read when asked
//!   ([`Prepared::features`]).
//! - [`Index::add`]: each batch is searched against what is stored and
//!   within itself, assigned to events, and committed in chunks
//!   (`write.rs`); then segments of similar size are merged (`merge.rs`).
//!   [`Index::add_inputs`] does the same for a run's inputs, read twice and
//!   added a unit at a time, in bounded memory (`ingest.rs`).
//! - [`Index::query`]: the same search, nothing written (`search.rs`,
//!   `events.rs`).
//! - `store.rs` the file and its tables, `segment.rs` the postings,
//!   `params.rs` the settings guard, `codec.rs` the byte layouts.
//!
//! Invariants: a query's near-duplicates are exactly the stored articles the
//! batch edge rule accepts (verified on the stored text, never estimated);
//! the index only ever answers for the settings it was built with; a file
//! that is not an index, or is damaged, is refused and never changed.

mod codec;
pub mod events;
mod ingest;
mod merge;
pub mod params;
pub mod search;
mod segment;
mod store;
mod write;

#[cfg(test)]
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::article::Article;
use crate::clean;
use crate::error::SpillError;
use crate::events::dates::{self, Day};
use crate::events::features::{self, Features};
use crate::id::Id;
use crate::neardup::shingle::{Shingler, Shingles};
pub use ingest::Ingested;
pub use params::{IndexParams, Mismatch};
pub use search::{Copy, Window};
use store::Db;
pub use write::Added;

/// Why an index cannot be used.
#[derive(Debug)]
pub enum IndexError {
    Missing,
    NotAnIndex,
    Damaged(String),
    NeedsRecovery,
    ReadOnly,
    Busy,
    Mismatch(Mismatch),
    /// Written in another layout (by another version of dedup): the format
    /// tag it has.
    OtherFormat(String),
    NoSuchArticle(String),
    Io(std::io::Error),
    Store(String),
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexError::Missing => write!(
                f,
                "no such index (create one with 'dedup index add --index PATH INPUT...')"
            ),
            IndexError::NotAnIndex => {
                write!(f, "not a dedup index; refused, the file was not changed")
            }
            IndexError::Damaged(why) => write!(
                f,
                "damaged index ({why}); refused, the file was not changed"
            ),
            IndexError::NeedsRecovery => write!(
                f,
                "an add was interrupted, and recovering its last committed batch needs \
                 write permission on the index; run 'dedup index add' on it as its owner"
            ),
            IndexError::ReadOnly => write!(
                f,
                "the index is read-only, so nothing can be added to it (check its permissions)"
            ),
            IndexError::Busy => write!(
                f,
                "another dedup process is writing to this index; try again when it is done"
            ),
            IndexError::Mismatch(m) => write!(
                f,
                "built with {} {}, this run asks for {}; leave the flag out to use the \
                 index's setting, or build a new index",
                m.setting, m.stored, m.asked
            ),
            IndexError::OtherFormat(found) => write!(
                f,
                "an index in format {found}, which this dedup does not read (it reads {}); \
                 build a new index from the articles with 'dedup index add'",
                String::from_utf8_lossy(store::FORMAT)
            ),
            IndexError::NoSuchArticle(id) => write!(f, "{id}: no such article in the index"),
            IndexError::Io(e) => write!(f, "{e}"),
            IndexError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for IndexError {}

/// One article of a batch, ready to compare and store.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub id: Id,
    pub title: Option<String>,
    pub source: Option<String>,
    pub day: Option<Day>,
    /// The compared (cleaned) text.
    pub text: String,
    pub shingles: Shingles,
    /// Its event features when the caller has them; else they are read
    /// when asked for ([`Prepared::features`]).
    pub features: Option<Features>,
}

impl Prepared {
    /// The article's event features: as given, else read from its title,
    /// compared text and day as the batch run reads them
    /// ([`features::extract`]). Read when the event stage asks, and only
    /// for the articles it reads (one of each group of copies), rather
    /// than held for a whole unit of an add.
    pub fn features(&self) -> Features {
        match &self.features {
            Some(features) => features.clone(),
            None => features::extract_published(self.title.as_deref(), &self.text, self.day),
        }
    }
}

/// The articles of a batch as the index compares them. With cleaning on,
/// the cleaner's corpus evidence (lines recurring across one source's
/// articles) comes from this batch, not from the stored articles.
pub fn prepare(articles: &[Article], params: &IndexParams) -> Result<Vec<Prepared>, SpillError> {
    let cleaner = match params.clean {
        true => Some(clean::cleaner_of(articles)?),
        false => None,
    };
    Ok(prepare_with(articles, 0, cleaner.as_ref(), params))
}

/// [`prepare`], the articles being the corpus' from number `first` on, with
/// the `cleaner` of the whole corpus (`None` when the index does not clean).
fn prepare_with(
    articles: &[Article],
    first: usize,
    cleaner: Option<&clean::Cleaner>,
    params: &IndexParams,
) -> Vec<Prepared> {
    articles
        .par_iter()
        .enumerate()
        .map_init(
            || Shingler::new(params.ngram, params.seed),
            |shingler, (i, article)| {
                let (text, headline) = match cleaner {
                    Some(cleaner) => {
                        let cleaned = cleaner.clean(first + i, article);
                        (cleaned.text, cleaned.headline)
                    }
                    None => (article.text.clone(), None),
                };
                let title = crate::title(article, headline, &text);
                Prepared {
                    id: article.id.clone(),
                    title,
                    source: article.source.clone(),
                    day: dates::published(article.date.as_deref(), &article.text),
                    shingles: shingler.shingles(&text),
                    text,
                    features: None,
                }
            },
        )
        .collect()
}

/// What the index says about one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// As the input gave it (a JSON number stays a number).
    pub id: Id,
    /// Stored articles it copies or that copy it, most similar first.
    pub near_duplicates: Vec<Copy>,
    /// The stored event it joins (`add`: the one it was put in).
    pub event: Option<u32>,
    /// Its score to that event; `None` when it starts one or joins through a copy.
    #[serde(serialize_with = "crate::report::rounded_opt")]
    pub event_score: Option<f64>,
}

/// The number a stored event is shown by. Events are stored from 0; shown
/// from 1, as a batch run numbers its clusters, so that the two read alike.
pub fn shown_event(stored: u32) -> u32 {
    stored + 1
}

impl Answer {
    /// The answer for `article`: its copies, and the event it was assigned,
    /// shown by its number ([`shown_event`]). Query and add both answer so.
    fn new(article: &Prepared, near_duplicates: Vec<Copy>, assigned: events::Assignment) -> Answer {
        Answer {
            id: article.id.clone(),
            near_duplicates,
            event: assigned.event.map(shown_event),
            event_score: assigned.score,
        }
    }
}

/// Counts, settings, size and dates of an index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub articles: u64,
    pub segments: u64,
    pub events: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub file_bytes: u64,
    /// Bytes of each part of the file, by what it holds; written as an
    /// object keyed by part, in this order.
    #[serde(serialize_with = "as_object")]
    pub parts: Vec<(String, u64)>,
    pub params: IndexParams,
}

fn as_object<S: serde::Serializer>(parts: &[(String, u64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(parts.iter().map(|(part, bytes)| (part, bytes)))
}

/// An index file, open for reading or for writing.
pub struct Index {
    db: Db,
    params: IndexParams,
    path: PathBuf,
}

impl Index {
    /// Opens an existing index to query it, never changing the file.
    pub fn open(path: &Path) -> Result<Index, IndexError> {
        let (db, params) = store::open_reader(path)?;
        Ok(Index {
            db,
            params,
            path: path.to_path_buf(),
        })
    }

    /// Opens an index to change it, creating it with `asked` if the file
    /// does not exist. An existing index must agree with `asked` on every
    /// flag `given` names; the others take the index's settings.
    pub fn open_for_writing(
        path: &Path,
        asked: &IndexParams,
        given: &dyn Fn(&str) -> bool,
    ) -> Result<Index, IndexError> {
        let (db, params) = store::open_writer(path, asked, given)?;
        Ok(Index {
            db,
            params,
            path: path.to_path_buf(),
        })
    }

    pub fn params(&self) -> &IndexParams {
        &self.params
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the index says about each article of `batch`, in order: its
    /// stored near-duplicates (within `window`), and the stored event it
    /// would join. Nothing is written.
    pub fn query(
        &self,
        batch: &[Prepared],
        window: Option<Window>,
    ) -> Result<Vec<Answer>, IndexError> {
        let txn = self.db.begin_read()?;
        let searcher = search::Searcher::new(&txn, self.params.neardup())?;
        let queries: Vec<_> = batch.iter().map(|p| (&p.shingles, p.day)).collect();
        let mut copies: Vec<Vec<Copy>> = searcher.near_duplicates(&queries, window)?;
        for (found, p) in copies.iter_mut().zip(batch) {
            // An article asked about again is not a copy of itself.
            found.retain(|c| c.id.as_str() != p.id.as_str());
        }
        let assigned = match self.params.events() {
            Some(event_params) => {
                let events = events::Events::new(&txn, &event_params)?;
                events.assign_all(batch, &copies, &searcher)?
            }
            None => vec![events::Assignment::default(); batch.len()],
        };
        Ok(batch
            .iter()
            .zip(copies)
            .zip(assigned)
            .map(|((p, near_duplicates), a)| Answer::new(p, near_duplicates, a))
            .collect())
    }

    /// Adds the articles of `batch` not stored yet (by id), committing every
    /// `chunk` articles; `committed` is told the running count after each
    /// commit. Returns each added article's answer, in batch order.
    pub fn add(
        &mut self,
        batch: &[Prepared],
        window: Option<Window>,
        chunk: usize,
        committed: &mut dyn FnMut(usize),
    ) -> Result<Added, IndexError> {
        write::add(&self.db, &self.params, batch, window, chunk, committed)
    }

    /// Removes the articles dated before `day`: whole segments when all of
    /// theirs are, else article by article (their postings go when their
    /// segment is next merged, or at the next [`Index::compact`]). Undated articles are kept. Returns how many
    /// were removed.
    pub fn expire(&mut self, day: Day) -> Result<u64, IndexError> {
        write::expire(&self.db, day)
    }

    /// Rewrites the postings of the live articles into as few segments as
    /// possible and returns the file's unused space to the system.
    pub fn compact(&mut self) -> Result<(), IndexError> {
        merge::compact(&self.db, &self.params)?;
        self.db.compact()
    }

    pub fn stats(&self) -> Result<Stats, IndexError> {
        write::stats(&self.db, &self.params, &self.path)
    }

    /// A stored article's record and compared text, by id.
    pub fn stored(&self, id: &str) -> Result<(store::StoredDoc, String), IndexError> {
        let txn = self.db.begin_read()?;
        let searcher = search::Searcher::new(&txn, self.params.neardup())?;
        let doc = write::doc_number(&txn, id)?.ok_or(IndexError::NoSuchArticle(id.into()))?;
        let stored = searcher
            .doc(doc)?
            .ok_or(IndexError::NoSuchArticle(id.into()))?;
        Ok((stored, searcher.text(doc)?))
    }
}

pub use store::StoredDoc;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Pipeline;
    use crate::synth::news_corpus;
    use segment::SegmentInfo;

    /// The library's defaults, with or without cleaning and events.
    pub(super) fn pipeline(clean: bool, events: bool) -> Pipeline {
        crate::config::Config {
            clean,
            events,
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    pub(super) fn articles(n: usize, seed: u64) -> Vec<Article> {
        news_corpus(n, seed)
            .into_iter()
            .map(|a| Article {
                source: Some(a.source),
                date: Some(a.date),
                ..article(a.id, a.text)
            })
            .collect()
    }

    /// An article of only an id and a text, undated and of no site.
    fn article(id: String, text: String) -> Article {
        Article {
            line: None,
            origin: id.clone(),
            id: id.into(),
            source: None,
            title: None,
            date: None,
            text,
            location: Default::default(),
            url: None,
        }
    }

    /// Which of `pairs` (a new article, a stored one) the rule accepts,
    /// compared the exhaustive way, as sorted id pairs.
    fn pairs_by_hand(
        all: &[Article],
        params: &IndexParams,
        pairs: impl Iterator<Item = (usize, usize)>,
    ) -> Vec<(String, String)> {
        let mut shingler = Shingler::new(params.ngram, params.seed);
        let sets: Vec<Shingles> = all.iter().map(|a| shingler.shingles(&a.text)).collect();
        let rule = params.neardup().edge_rule();
        let mut exact: Vec<(String, String)> = pairs
            .filter(|&(new, old)| {
                let s = crate::neardup::verify::Similarity::between(&sets[new], &sets[old]);
                !sets[new].is_empty() && rule.is_edge(&s)
            })
            .map(|(new, old)| (all[new].id.to_string(), all[old].id.to_string()))
            .collect();
        exact.sort();
        exact
    }

    /// `add A; add B; query C` finds exactly the pairs (c, x), x in A ∪ B,
    /// that meet the batch edge rule: every pair the batch path verifies
    /// over A ∪ B ∪ C, and the few its LSH candidates miss.
    #[test]
    fn a_query_finds_every_pair_a_batch_run_over_the_union_verifies() {
        let generated = articles(600, 7);
        let part =
            |k: usize| -> Vec<Article> { generated.iter().skip(k).step_by(3).cloned().collect() };
        let (a, b, c) = (part(0), part(1), part(2));
        let all: Vec<Article> = [a.clone(), b.clone(), c.clone()].concat();
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.idx");
        let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
        for part in [&a, &b] {
            // Small commits: the stored side spans several segments.
            index
                .add(&prepare(part, &params).unwrap(), None, 128, &mut |_| {})
                .unwrap();
        }
        drop(index);
        let index = Index::open(&path).unwrap();
        let answers = index.query(&prepare(&c, &params).unwrap(), None).unwrap();
        let mut found: Vec<(String, String)> = answers
            .iter()
            .flat_map(|a| {
                a.near_duplicates
                    .iter()
                    .map(move |x| (a.id.to_string(), x.id.to_string()))
            })
            .collect();
        found.sort();

        let texts: Vec<&str> = all.iter().map(|a| a.text.as_str()).collect();
        let stored = a.len() + b.len();
        let mut batch: Vec<(String, String)> =
            crate::neardup::verified_pairs(&texts, &params.neardup())
                .unwrap()
                .into_iter()
                .filter(|p| p.a < stored && p.b >= stored)
                .map(|p| (all[p.b].id.to_string(), all[p.a].id.to_string()))
                .collect();
        batch.sort();
        let pairs = (stored..all.len()).flat_map(|q| (0..stored).map(move |x| (q, x)));
        let exact = pairs_by_hand(&all, &params, pairs);
        assert!(batch.len() >= 30, "only {} pairs to find", batch.len());
        assert_eq!(found, exact);
        let missed: Vec<&(String, String)> = found.iter().filter(|p| !batch.contains(p)).collect();
        assert!(
            batch.iter().all(|p| found.contains(p)) && missed.len() <= found.len() / 20,
            "the batch verifies {} pairs, the query finds {}: {missed:?}",
            batch.len(),
            found.len()
        );
    }

    /// Stored articles that all share a long run of furniture put it in
    /// blocks a query counts for short articles only: a short stored
    /// article made of nothing but that furniture, contained in the query,
    /// is found all the same, as are a long copy and a long article inside
    /// the query, and nothing else.
    #[test]
    fn a_query_finds_a_short_article_inside_the_blocks_it_skips() {
        let mut rng = crate::synth::SplitMix64::new(5);
        let mut words = |n: usize| -> String {
            (0..n)
                .map(|_| format!("w{}", rng.next_u64() % 1_000_000))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let furniture = words(160);
        let body = words(300);
        let mut stored: Vec<Article> = (0..300)
            .map(|i| article(format!("long-{i}"), format!("{furniture} {}", words(300))))
            .collect();
        let short: String = furniture.split(' ').take(70).collect::<Vec<_>>().join(" ");
        stored.push(article("short".into(), short));
        stored.push(article("copy".into(), format!("{furniture} {body}")));
        // Long, and inside the query mostly through the skipped blocks.
        let opening: String = body.split(' ').take(60).collect::<Vec<_>>().join(" ");
        stored.push(article("inside".into(), format!("{furniture} {opening}")));
        let query = vec![article(
            "query".into(),
            format!("{furniture} {body} {}", words(5)),
        )];
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.idx");
        let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
        index
            .add(&prepare(&stored, &params).unwrap(), None, 1000, &mut |_| {})
            .unwrap();
        let answers = index
            .query(&prepare(&query, &params).unwrap(), None)
            .unwrap();
        let found: Vec<&str> = (answers[0].near_duplicates.iter())
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(found, ["copy", "inside", "short"]);
    }

    /// Stored articles of every size class share a long run of furniture,
    /// which a query skips for the larger classes: each one's overlap with
    /// the query is spread about what the rule needs of its size, and the
    /// query finds exactly the pairs the exhaustive comparison accepts.
    #[test]
    fn a_query_finds_the_edge_pairs_of_every_size_class() {
        let mut rng = crate::synth::SplitMix64::new(9);
        let mut words = |n: usize| -> Vec<String> {
            (0..n)
                .map(|_| format!("w{}", rng.next_u64() % 1_000_000))
                .collect()
        };
        let furniture = words(150);
        let body = words(1_000);
        let article = |id: String, words: &[String]| article(id, words.join(" "));
        let mut all: Vec<Article> = (0..400)
            .map(|i| {
                // 160 to about 1,500 words: every class, short ones too.
                let size = 160 + i * 37 % 1_340;
                // From 40% to 100% of the article out of the query.
                let taken = (size * (40 + i * 13 % 61) / 100).clamp(150, 1_150);
                let mut text = furniture.clone();
                text.extend_from_slice(&body[..taken - 150]);
                text.extend(words(size - taken));
                article(format!("s{i:03}"), &text)
            })
            .collect();
        let query: Vec<String> = furniture.iter().chain(&body).cloned().collect();
        all.push(article("query".into(), &query));
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let dir = tempfile::tempdir().unwrap();
        let mut index =
            Index::open_for_writing(&dir.path().join("t.idx"), &params, &|_| false).unwrap();
        index
            .add(
                &prepare(&all[..400], &params).unwrap(),
                None,
                1000,
                &mut |_| {},
            )
            .unwrap();
        let answers = index
            .query(&prepare(&all[400..], &params).unwrap(), None)
            .unwrap();
        let mut found: Vec<(String, String)> = (answers[0].near_duplicates.iter())
            .map(|c| ("query".to_string(), c.id.to_string()))
            .collect();
        found.sort();
        let exact = pairs_by_hand(&all, &params, (0..400).map(|old| (400, old)));
        assert!(
            exact.len() >= 100 && exact.len() <= 300,
            "{} pairs of 400",
            exact.len()
        );
        assert_eq!(found, exact);
    }

    /// One add finds among its own articles exactly the pairs the rule
    /// accepts, each from its later article, as the exhaustive comparison
    /// of every two does: contained short ones, and Jaccard pairs that LSH
    /// bands would miss.
    #[test]
    fn an_add_finds_every_pair_among_its_own_articles() {
        let all = articles(600, 7);
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let dir = tempfile::tempdir().unwrap();
        let mut index =
            Index::open_for_writing(&dir.path().join("t.idx"), &params, &|_| false).unwrap();
        let added = index
            .add(&prepare(&all, &params).unwrap(), None, 64, &mut |_| {})
            .unwrap();
        let mut found: Vec<(String, String)> = (added.answers.iter())
            .flat_map(|a| {
                (a.near_duplicates.iter()).map(move |x| (a.id.to_string(), x.id.to_string()))
            })
            .collect();
        found.sort();
        let pairs =
            (0..all.len()).flat_map(|later| (0..later).map(move |earlier| (later, earlier)));
        let exact = pairs_by_hand(&all, &params, pairs);
        assert!(exact.len() >= 50, "only {} pairs to find", exact.len());
        assert_eq!(found, exact);
    }

    /// The JSON of what each add of `parts` answered, in order, and of
    /// queries of `queried` against the index they leave, with and without
    /// a window; then the index's segments.
    fn answered(
        path: &Path,
        parts: &[&[Prepared]],
        queried: &[Prepared],
    ) -> (Vec<String>, Vec<String>, u64) {
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let window = Some(Window { days: 40 });
        let mut index = Index::open_for_writing(path, &params, &|_| false).unwrap();
        let json = |answers: &[Answer]| serde_json::to_string(answers).unwrap();
        let added = (parts.iter())
            .map(|part| json(&index.add(part, window, 10, &mut |_| {}).unwrap().answers))
            .collect();
        let queries = [None, window]
            .into_iter()
            .map(|w| json(&index.query(queried, w).unwrap()))
            .collect();
        (added, queries, index.stats().unwrap().segments)
    }

    /// The same articles in one add, in 60 adds of 10 (merged as they
    /// go), and compacted after: every add and query answers alike, byte
    /// for byte, and the small adds leave few segments.
    #[test]
    fn answers_are_the_same_whatever_segments_hold_the_articles() {
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let all = prepare(&articles(800, 5), &params).unwrap();
        let (stored, queried) = all.split_at(600);
        let dir = tempfile::tempdir().unwrap();
        let (one_add, one_query, one_segments) =
            answered(&dir.path().join("one.idx"), &[stored], queried);
        let small: Vec<&[Prepared]> = stored.chunks(10).collect();
        let path = dir.path().join("small.idx");
        let (small_adds, small_query, small_segments) = answered(&path, &small, queried);
        assert_eq!(small_adds.concat().replace("][", ","), one_add.concat());
        assert_eq!(small_query, one_query);
        assert!(one_query[0].contains("near_duplicates\":[{"));
        // One add commits 60 segments of 10 and merges them as 60 adds
        // do: 4 of 10 into 40, 4 of 40 into 160; 600 = 3 × 160 + 3 × 40.
        assert_eq!((one_segments, small_segments), (6, 6));
        let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
        index.compact().unwrap();
        assert_eq!(index.stats().unwrap().segments, 1);
        drop(index);
        let (_, compacted_query, _) = answered(&path, &[], queried);
        assert_eq!(compacted_query, one_query);
    }

    /// The segments of an index and the articles they list.
    fn segments(index: &Index) -> Vec<SegmentInfo> {
        let txn = index.db.begin_read().unwrap();
        let table = txn.open_table(store::SEGMENTS).unwrap();
        let segments = store::read_segments(&table).unwrap();
        segments.into_iter().map(|(_, info)| info).collect()
    }

    /// Rewrites an index as dedup wrote it before postings were grouped:
    /// format 3, a postings value a block, keyed by the block.
    fn to_a_value_a_block(path: &Path, params: &IndexParams) {
        use redb::ReadableTable;
        let index = Index::open_for_writing(path, params, &|_| false).unwrap();
        let txn = index.db.begin_write().unwrap();
        {
            let mut table = txn.open_table(store::SEGMENTS).unwrap();
            let mut postings = txn.open_table(store::POSTINGS).unwrap();
            for (id, info) in store::read_segments(&table).unwrap() {
                let mut blocks = Vec::new();
                for entry in postings.range((id, 0)..=(id, u32::MAX)).unwrap() {
                    let (key, value) = entry.unwrap();
                    let mut each = |block, list: &[u8]| blocks.push((block, list.to_vec()));
                    info.for_each_block(key.value().1, value.value(), &mut each)
                        .unwrap();
                }
                postings
                    .retain_in((id, 0)..=(id, u32::MAX), |_, _| false)
                    .unwrap();
                for (block, list) in blocks {
                    postings.insert((id, block), list.as_slice()).unwrap();
                }
                let old = SegmentInfo {
                    group_bits: None,
                    ..info
                };
                table.insert(id, old.encode().as_slice()).unwrap();
            }
            let mut meta = txn.open_table(store::META).unwrap();
            meta.insert("format", b"dedup-index/3".as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }

    /// An index written a postings value a block (format 3) answers as
    /// the same index written now does, and takes adds: the segments it
    /// had are read beside the grouped ones an add writes, and the file is
    /// retagged.
    #[test]
    fn an_index_of_a_value_a_block_is_read_and_added_to() {
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let all = articles(600, 7);
        let part = |k: usize| {
            let part: Vec<Article> = all.iter().skip(k).step_by(3).cloned().collect();
            prepare(&part, &params).unwrap()
        };
        let (first, second, queried) = (part(0), part(1), part(2));
        let dir = tempfile::tempdir().unwrap();
        let json = |answers: &[Answer]| serde_json::to_string(answers).unwrap();
        let mut runs = Vec::new();
        for old in [false, true] {
            let path = dir.path().join(format!("{old}.idx"));
            let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
            // Segments of 70, 70 and 60, then one of 200: none merged.
            index.add(&first, None, 70, &mut |_| {}).unwrap();
            drop(index);
            if old {
                to_a_value_a_block(&path, &params);
            }
            let before = json(&Index::open(&path).unwrap().query(&queried, None).unwrap());
            let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
            let added = json(&index.add(&second, None, 200, &mut |_| {}).unwrap().answers);
            let after = json(&index.query(&queried, None).unwrap());
            let grouped: Vec<bool> = (segments(&index).iter())
                .map(|s| s.group_bits.is_some())
                .collect();
            assert_eq!(grouped, [!old, !old, !old, true]);
            let txn = index.db.begin_read().unwrap();
            let meta = txn.open_table(store::META).unwrap();
            assert_eq!(meta.get("format").unwrap().unwrap().value(), store::FORMAT);
            runs.push((before, added, after));
        }
        assert!(runs[0].0.contains("near_duplicates\":[{"), "no copies");
        assert!(runs[0].2.contains("near_duplicates\":[{"), "no copies");
        assert_eq!(runs[0], runs[1]);
    }

    #[test]
    fn a_merge_drops_the_expired_articles_of_its_segments() {
        let params = IndexParams::from_pipeline(&pipeline(false, false));
        let all = prepare(&articles(40, 9), &params).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut index =
            Index::open_for_writing(&dir.path().join("t.idx"), &params, &|_| false).unwrap();
        // Each segment spans the dates, so that expiry leaves it part live.
        for k in 0..3 {
            let part: Vec<Prepared> = all[..30].iter().skip(k).step_by(3).cloned().collect();
            index.add(&part, None, 10, &mut |_| {}).unwrap();
        }
        let mut days: Vec<Day> = all[..30].iter().filter_map(|p| p.day).collect();
        days.sort_unstable();
        let expired = index.expire(days[15]).unwrap();
        assert!(expired > 0);
        let listed =
            |index: &Index| -> usize { segments(index).iter().map(|s| s.docs.len()).sum() };
        assert_eq!(
            listed(&index),
            30,
            "expired articles wait in their segments"
        );
        // The fourth segment of 10 merges all four.
        index.add(&all[30..], None, 10, &mut |_| {}).unwrap();
        let stats = index.stats().unwrap();
        assert_eq!((stats.segments, stats.articles), (1, 40 - expired));
        assert_eq!(listed(&index) as u64, stats.articles);
    }

    #[test]
    fn an_add_finds_copies_within_its_batch_and_skips_stored_ids_when_rerun() {
        let all = articles(200, 3);
        let params = IndexParams::from_pipeline(&pipeline(false, true));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.idx");
        let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
        let prepared = prepare(&all, &params).unwrap();
        let first = index.add(&prepared[..120], None, 50, &mut |_| {}).unwrap();
        let again = index.add(&prepared, None, 50, &mut |_| {}).unwrap();
        assert_eq!((again.skipped, again.answers.len()), (120, 80));
        let texts: Vec<&str> = all.iter().map(|a| a.text.as_str()).collect();
        let pairs = crate::neardup::verified_pairs(&texts, &params.neardup()).unwrap();
        let answers: Vec<&Answer> = first.answers.iter().chain(&again.answers).collect();
        let found: usize = answers.iter().map(|a| a.near_duplicates.len()).sum();
        // Every verified pair is reported once, by its later article.
        assert_eq!(found, pairs.len());
        // Copies share their original's event.
        let event: HashMap<&str, Option<u32>> =
            answers.iter().map(|a| (a.id.as_str(), a.event)).collect();
        for a in &answers {
            assert!(a.event.is_some());
            for x in &a.near_duplicates {
                assert_eq!(event[x.id.as_str()], a.event, "{} copies {}", a.id, x.id);
            }
        }
        let stats = index.stats().unwrap();
        assert_eq!(stats.articles, 200);
    }
}
