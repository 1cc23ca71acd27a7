//! Changing an index: adding a batch (searched against the store and within
//! itself, then committed chunk by chunk), expiring old articles; and the
//! statistics of a file. Merging and compacting segments: `merge.rs`.

use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata};

use super::params::IndexParams;
use super::search::{sort_copies, Copy, Searcher, Window};
use super::segment::{self, SegmentInfo};
use super::store::{
    self, compress, counter, set_counter, store_error, Db, StoredDoc, DOCS, FEATURES, IDS, META,
    POSTINGS, SEGMENTS, TEXTS,
};
use super::{events, merge, Answer, IndexError, Prepared, Stats};
use crate::events::dates::{self, Day};
use crate::neardup::containment;
use crate::neardup::distinct::BorrowedSets;
use crate::neardup::shingle::Shingles;
use crate::neardup::verify::{overlap_reaching, Similarity};

/// What an add did.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    /// Each added article's answer, in batch order.
    pub answers: Vec<Answer>,
    /// Articles whose id was stored already, left as they were.
    pub skipped: usize,
}

pub fn doc_number(txn: &ReadTransaction, id: &str) -> Result<Option<u32>, IndexError> {
    let ids = txn.open_table(IDS).map_err(store_error)?;
    let doc = ids.get(id).map_err(store_error)?;
    Ok(doc.map(|d| d.value()))
}

pub fn add(
    db: &Db,
    params: &IndexParams,
    batch: &[Prepared],
    window: Option<Window>,
    chunk: usize,
    committed: &mut dyn FnMut(usize),
) -> Result<Added, IndexError> {
    let stored = stored(db, batch)?;
    let todo: Vec<&Prepared> = (batch.iter().zip(stored))
        .filter(|&(_, stored)| !stored)
        .map(|(p, _)| p)
        .collect();
    let skipped = batch.len() - todo.len();
    let mut answers = Vec::with_capacity(todo.len());
    for unit in todo.chunks(unit_len(chunk)) {
        add_unit(db, params, unit, window, chunk, &mut answers, committed)?;
    }
    Ok(Added { answers, skipped })
}

/// Whether each article of `batch` has its id stored already.
pub(super) fn stored(db: &Db, batch: &[Prepared]) -> Result<Vec<bool>, IndexError> {
    let txn = db.begin_read()?;
    let ids = txn.open_table(IDS).map_err(store_error)?;
    batch
        .iter()
        .map(|p| Ok(ids.get(p.id.as_str()).map_err(store_error)?.is_some()))
        .collect()
}

/// Articles an add searches together ([`SEARCH_UNIT`]), in whole chunks of
/// `chunk` (at least 1) committed at a time.
pub(super) fn unit_len(chunk: usize) -> usize {
    let chunk = chunk.max(1);
    chunk * SEARCH_UNIT.div_ceil(chunk)
}

/// Adds one unit of an add (at most [`unit_len`] articles not stored yet),
/// committing every `chunk` of them: their answers go to `answers`, and
/// `committed` is told how many `answers` holds after each commit.
pub(super) fn add_unit(
    db: &Db,
    params: &IndexParams,
    unit: &[&Prepared],
    window: Option<Window>,
    chunk: usize,
    answers: &mut Vec<Answer>,
    committed: &mut dyn FnMut(usize),
) -> Result<(), IndexError> {
    let chunk = chunk.max(1);
    let unit = Unit::new(db, params, unit)?;
    let mut docs = Vec::with_capacity(unit.part.len());
    for start in (0..unit.part.len()).step_by(chunk) {
        let end = (start + chunk).min(unit.part.len());
        answers.extend(add_chunk(db, params, &unit, start..end, &mut docs, window)?);
        committed(answers.len());
    }
    // Its snapshot of the store goes first: while a reader holds the
    // pages that the merge frees, they cannot be reused.
    drop(unit);
    // Between units, so that the next one's search looks up fewer
    // segments too.
    merge::tiered(db, params)
}

/// Articles of one add searched together: their pairs among themselves
/// are found once, by one prefix filter over the unit, rather than by
/// counting each chunk against every chunk before it (an add of n chunks
/// counted n²/2 times). 100,000 articles: the filter holds a hash range of
/// their shingles at a time (128 MiB) and spills the rest.
const SEARCH_UNIT: usize = 100_000;

/// A unit of an add, and what is stored before it.
struct Unit<'a> {
    part: &'a [&'a Prepared],
    /// For each article of the unit, the earlier ones that may meet the
    /// rule with it: `earlier[starts[i]..starts[i + 1]]`, ascending.
    starts: Vec<usize>,
    earlier: Vec<u32>,
    /// The store as it was before the unit.
    searcher: Searcher,
}

impl<'a> Unit<'a> {
    fn new(db: &Db, params: &IndexParams, part: &'a [&'a Prepared]) -> Result<Self, IndexError> {
        let sets: Vec<&Shingles> = part.iter().map(|p| &p.shingles).collect();
        // Every pair the rule accepts, whatever its Jaccard similarity, and
        // not only those LSH would see: a stored article is found by
        // counting, exactly, so the unit's own pairs must be exact too, or
        // where an add is cut into units would change its answers.
        let rule = params.neardup().edge_rule();
        let mut pairs = containment::candidate_pairs_by(&BorrowedSets::new(&sets), |len| {
            rule.edge_prefix_len(len)
        })
        .map_err(IndexError::Io)?;
        pairs.par_sort_unstable_by_key(|&(a, b)| (b, a));
        let mut starts = vec![0; part.len() + 1];
        for &(_, later) in &pairs {
            starts[later as usize + 1] += 1;
        }
        for i in 0..part.len() {
            starts[i + 1] += starts[i];
        }
        let searcher = Searcher::new(&db.begin_read()?, params.neardup())?;
        Ok(Unit {
            part,
            starts,
            earlier: pairs.into_iter().map(|(a, _)| a).collect(),
            searcher,
        })
    }

    /// The unit's earlier articles that may meet the rule with article `i`.
    fn candidates(&self, i: usize) -> &[u32] {
        &self.earlier[self.starts[i]..self.starts[i + 1]]
    }
}

/// Searches one chunk (`range` of its unit) against the store and the
/// unit's earlier articles, assigns its events, and commits it as one
/// segment; its articles' numbers go to `docs`, the unit's so far.
fn add_chunk(
    db: &Db,
    params: &IndexParams,
    unit: &Unit,
    range: Range<usize>,
    docs: &mut Vec<u32>,
    window: Option<Window>,
) -> Result<Vec<Answer>, IndexError> {
    let part = &unit.part[range.clone()];
    let txn = db.begin_write()?;
    let first_doc = counter(&txn, "next_doc")?;
    let segment_id = counter(&txn, "next_segment")?;
    docs.extend((first_doc..).take(part.len()));
    // The latest stored day, which places an undated article in the
    // window: the unit's earlier chunks are stored too.
    let latest = (unit.part[..range.start].iter().filter_map(|p| p.day))
        .chain(unit.searcher.latest())
        .max();
    // Compressed on the pool while one worker searches and writes the
    // segment: those steps are mostly one thread's, and with the compression
    // run after them the other core sat idle through them. `rayon::scope`,
    // not `in_place_scope`: the steps run on a worker too, so `--threads N`
    // still means N busy threads.
    let mut compressed: Vec<Vec<u8>> = Vec::new();
    let (unit_docs, docs) = (&docs[..], &docs[range.clone()]);
    let (mut copies, assigned) = rayon::scope(|scope| {
        scope.spawn(|_| compressed = part.par_iter().map(|p| compress(&p.text)).collect());
        let copies = {
            let queries: Vec<(&Shingles, Option<Day>)> = part
                .iter()
                .map(|p| (&p.shingles, p.day.or(latest)))
                .collect();
            let mut stored: Vec<Vec<Copy>> = unit.searcher.near_duplicates(&queries, window)?;
            let within = within_unit(unit, range, unit_docs, latest, params, window);
            for (mine, more) in stored.iter_mut().zip(within) {
                mine.extend(more);
                sort_copies(mine);
            }
            let sets: Vec<&Shingles> = part.iter().map(|p| &p.shingles).collect();
            let sizes: Vec<u32> = sets.iter().map(|s| s.len() as u32).collect();
            let days: Vec<Option<Day>> = part.iter().map(|p| p.day).collect();
            let info = SegmentInfo::new(docs.to_vec(), sizes, days);
            let postings = segment::postings(&sets, &info);
            write_segment(&txn, segment_id, &info, &postings)?;
            stored
        };
        let assigned = match params.events() {
            Some(event_params) => events::assign_and_store(
                &txn,
                &event_params,
                part,
                docs,
                &copies,
                events::MAX_FLOATING,
            )?,
            None => vec![events::Assignment::default(); part.len()],
        };
        Ok::<_, IndexError>((copies, assigned))
    })?;
    {
        let mut docs_table = txn.open_table(DOCS).map_err(store_error)?;
        let mut texts = txn.open_table(TEXTS).map_err(store_error)?;
        let mut ids = txn.open_table(IDS).map_err(store_error)?;
        for (((p, &doc), text), a) in part.iter().zip(docs).zip(&compressed).zip(&assigned) {
            let stored = StoredDoc {
                id: p.id.clone(),
                title: p.title.clone(),
                source: p.source.clone(),
                day: p.day,
                shingles: p.shingles.len() as u32,
                event: a.event,
            };
            docs_table
                .insert(doc, stored.encode().as_slice())
                .map_err(store_error)?;
            texts.insert(doc, text.as_slice()).map_err(store_error)?;
            ids.insert(p.id.as_str(), doc).map_err(store_error)?;
        }
    }
    set_counter(&txn, "next_doc", first_doc + part.len() as u32)?;
    set_counter(&txn, "next_segment", segment_id + 1)?;
    txn.commit().map_err(store_error)?;
    Ok(part
        .iter()
        .zip(copies.iter_mut())
        .zip(assigned)
        .map(|((p, copies), a)| Answer::new(p, std::mem::take(copies), a))
        .collect())
}

/// For each article of a chunk (`range` of its unit), the earlier articles
/// of the unit it meets the rule with, among the unit's candidates: those
/// of earlier chunks compared as the store compares them (an undated
/// article's window placed at `latest`), those of its own chunk by their
/// days; `docs` numbers the unit's articles so far.
fn within_unit(
    unit: &Unit,
    range: Range<usize>,
    docs: &[u32],
    latest: Option<Day>,
    params: &IndexParams,
    window: Option<Window>,
) -> Vec<Vec<Copy>> {
    let rule = params.neardup().edge_rule();
    let part = unit.part;
    range
        .clone()
        .into_par_iter()
        .map(|i| {
            let set = part[i].shingles.as_slice();
            let compared = |j: usize| match j < range.start {
                true => in_window(window, part[i].day.or(latest), part[j].day),
                false => in_window(window, part[i].day, part[j].day),
            };
            let mut found: Vec<Copy> = (unit.candidates(i).iter())
                .map(|&j| j as usize)
                .filter(|&j| compared(j))
                .filter_map(|j| {
                    let other = part[j].shingles.as_slice();
                    let need = rule.least_edge(set.len(), other.len())?;
                    let shared = overlap_reaching(set, other, need)?;
                    let s = Similarity::of_counts(shared, set.len(), other.len());
                    Some(Copy {
                        doc: docs[j],
                        id: part[j].id.clone(),
                        jaccard: s.jaccard,
                        containment: s.containment,
                    })
                })
                .collect();
            sort_copies(&mut found);
            found
        })
        .collect()
}

fn in_window(window: Option<Window>, a: Option<Day>, b: Option<Day>) -> bool {
    match (window, a, b) {
        (Some(w), Some(a), Some(b)) => (a - b).unsigned_abs() <= w.days,
        _ => true,
    }
}

pub(super) fn write_segment(
    txn: &redb::WriteTransaction,
    id: u32,
    info: &SegmentInfo,
    postings: &[(u32, Vec<u8>)],
) -> Result<(), IndexError> {
    let mut segments = txn.open_table(SEGMENTS).map_err(store_error)?;
    segments
        .insert(id, info.encode().as_slice())
        .map_err(store_error)?;
    let mut table = txn.open_table(POSTINGS).map_err(store_error)?;
    for (key, value) in postings {
        table
            .insert((id, *key), value.as_slice())
            .map_err(store_error)?;
    }
    Ok(())
}

/// Removes the articles dated before `day`; see [`super::Index::expire`].
pub fn expire(db: &Db, day: Day) -> Result<u64, IndexError> {
    let txn = db.begin_write()?;
    let mut removed = 0u64;
    {
        let mut segments = txn.open_table(SEGMENTS).map_err(store_error)?;
        let mut postings = txn.open_table(POSTINGS).map_err(store_error)?;
        let mut docs = txn.open_table(DOCS).map_err(store_error)?;
        let mut texts = txn.open_table(TEXTS).map_err(store_error)?;
        let mut ids = txn.open_table(IDS).map_err(store_error)?;
        for (id, info) in store::read_segments(&segments)? {
            let old = |d: &Option<Day>| d.is_some_and(|d| d < day);
            let mut live = 0;
            for (&doc, d) in info.docs.iter().zip(&info.days) {
                if !old(d) {
                    live += docs.get(doc).map_err(store_error)?.is_some() as usize;
                    continue;
                }
                let Some(value) = docs.remove(doc).map_err(store_error)? else {
                    continue;
                };
                let stored =
                    StoredDoc::decode(value.value()).map_err(|_| store::damaged("docs", doc))?;
                drop(value);
                ids.remove(stored.id.as_str()).map_err(store_error)?;
                texts.remove(doc).map_err(store_error)?;
                events::forget(&txn, doc)?;
                removed += 1;
            }
            if live == 0 {
                // Every article of the segment is gone: drop it whole.
                segments.remove(id).map_err(store_error)?;
                postings
                    .retain_in((id, 0)..=(id, u32::MAX), |_, _| false)
                    .map_err(store_error)?;
            }
        }
    }
    txn.commit().map_err(store_error)?;
    Ok(removed)
}

pub fn stats(db: &Db, params: &IndexParams, path: &Path) -> Result<Stats, IndexError> {
    let txn = db.begin_read()?;
    let docs = txn.open_table(DOCS).map_err(store_error)?;
    let segments = txn.open_table(SEGMENTS).map_err(store_error)?;
    let mut first: Option<Day> = None;
    // Events are counted by the articles reported in them: a member far
    // from the rest of its cluster is an event of its own (`events.rs`).
    let mut events_seen = std::collections::HashSet::new();
    let mut last: Option<Day> = None;
    for entry in docs.iter().map_err(store_error)? {
        let (doc, value) = entry.map_err(store_error)?;
        let stored =
            StoredDoc::decode(value.value()).map_err(|_| store::damaged("docs", doc.value()))?;
        events_seen.extend(stored.event);
        if let Some(d) = stored.day {
            first = Some(first.map_or(d, |f| f.min(d)));
            last = Some(last.map_or(d, |l| l.max(d)));
        }
    }
    let bytes = |stats: redb::TableStats| {
        stats.stored_bytes() + stats.metadata_bytes() + stats.fragmented_bytes()
    };
    let table_bytes = |name: &str| -> Result<u64, IndexError> {
        Ok(match name {
            "postings" => bytes(
                txn.open_table(POSTINGS)
                    .map_err(store_error)?
                    .stats()
                    .map_err(store_error)?,
            ),
            "segments" => bytes(segments.stats().map_err(store_error)?),
            "texts" => bytes(
                txn.open_table(TEXTS)
                    .map_err(store_error)?
                    .stats()
                    .map_err(store_error)?,
            ),
            "features" => bytes(
                txn.open_table(FEATURES)
                    .map_err(store_error)?
                    .stats()
                    .map_err(store_error)?,
            ),
            "docs" => bytes(docs.stats().map_err(store_error)?),
            "ids" => bytes(
                txn.open_table(IDS)
                    .map_err(store_error)?
                    .stats()
                    .map_err(store_error)?,
            ),
            _ => bytes(
                txn.open_table(META)
                    .map_err(store_error)?
                    .stats()
                    .map_err(store_error)?,
            ),
        })
    };
    let postings = table_bytes("postings")? + table_bytes("segments")?;
    let verification = table_bytes("texts")?;
    let event_bytes = table_bytes("features")? + events::bytes(&txn)?;
    let records = table_bytes("docs")? + table_bytes("ids")? + table_bytes("meta")?;
    let day = |d: Option<Day>| {
        d.map(|d| {
            let (y, m, dd) = dates::civil_from_days(d);
            format!("{y:04}-{m:02}-{dd:02}")
        })
    };
    Ok(Stats {
        articles: docs.len().map_err(store_error)?,
        segments: segments.len().map_err(store_error)?,
        events: events_seen.len() as u64,
        first_day: day(first),
        last_day: day(last),
        file_bytes: std::fs::metadata(path).map_err(IndexError::Io)?.len(),
        parts: vec![
            ("postings".into(), postings),
            ("signatures".into(), 0),
            ("verification".into(), verification),
            ("event features".into(), event_bytes),
            ("records".into(), records),
        ],
        params: params.clone(),
    })
}
