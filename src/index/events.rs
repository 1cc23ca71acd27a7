//! Events, incrementally: each new article joins the stored event it is
//! closest to on average, or starts one. Stored events keep their ids.
//!
//! For an article:
//! 1. a near-duplicate of a stored (or earlier same-batch) article joins
//!    that article's event: copies lie inside one event, as in the batch;
//! 2. otherwise its event vector is weighed with the batch path's TF-IDF
//!    ([`vectors::node`]), with the document frequencies the index has
//!    counted so far blended with the built-in background;
//! 3. candidates are the stored articles sharing at least
//!    [`centroid::MIN_SHARED_KEYS`] of its top terms and names in the
//!    stored key index (a key on more than [`centroid::MAX_POSTING`]
//!    articles says little and is skipped, as in the batch);
//! 4. each candidate is scored with the batch pair score ([`score::score`],
//!    content before time); an event's closeness is the sum over its
//!    candidates divided by its size, times the time factor of the gap to
//!    the event's date range: the average link the batch merges on (members
//!    that are not candidates count 0);
//! 5. the closest event is joined if its closeness reaches the threshold
//!    and, for an event of two or more, the batch's join guard
//!    (`join_ratio` × the event's cohesion, its average inner link), so a
//!    same-topic article of another story stays out; else a new event
//!    starts. Ties go to the older event.
//!
//! As in the batch, a near-duplicate group counts once: a copy joins its
//! original's event without adding to its size or storing features.
//!
//! Stored per article: its vector at add time (top [`STORED_TERMS`] terms,
//! names and anchors, keys cut to 32 bits, weights to 16), so later
//! articles are scored against it without recomputing; the key index as
//! `(key, article)` composite keys; the document frequencies per key; and
//! each event's size.

use std::collections::HashMap;

use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition};

use super::codec::{put_day, put_str, put_varint, Bytes, Corrupt};
use super::search::{Copy, Searcher, Window};
use super::store::{self, counter, set_counter, store_error, FEATURES};
use super::{IndexError, Prepared};
use crate::events::centroid::{self, Centroid};
use crate::events::dates::Day;
use crate::events::vectors::{self, Idf, Node, Sparse};
use crate::events::{background, score, EventParams};
use crate::keymap::KeyMap;

/// Top keys of each article → article (`(key, doc)`, no value).
const EVENT_KEYS: TableDefinition<(u32, u32), ()> = TableDefinition::new("event_keys");
/// Document frequency of each term key (names salted apart).
const EVENT_DF: TableDefinition<u32, u32> = TableDefinition::new("event_df");
/// Each event's [`EventState`].
const EVENTS: TableDefinition<u32, &[u8]> = TableDefinition::new("events");

/// Terms of an article's vector that are stored: the tail of a long
/// vector weighs little in a cosine (the batch keeps 200).
pub const STORED_TERMS: usize = 64;
/// Names and anchors stored per article.
pub const STORED_NAMES: usize = 24;

/// Salts name keys apart from term keys in the document frequencies.
const NAME_DF_SALT: u32 = 0x9e37_79b9;

/// Where an article went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Assignment {
    pub event: Option<u32>,
    /// Its link to the event it joined on evidence; `None` when it started
    /// the event or joined through a copy.
    pub score: Option<f64>,
}

/// What the join rule needs of an event: its size in nodes (copies not
/// counted), the sum of content scores inside it, and its date range.
#[derive(Debug, Clone, Copy, PartialEq)]
struct EventState {
    size: u32,
    inner: f64,
    dates: Option<(Day, Day)>,
}

impl EventState {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(20);
        put_varint(&mut out, u64::from(self.size));
        out.extend_from_slice(&self.inner.to_le_bytes());
        put_day(&mut out, self.dates.map(|d| d.0));
        put_day(&mut out, self.dates.map(|d| d.1));
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, Corrupt> {
        let mut b = Bytes::new(bytes);
        let size = b.u32()?;
        let inner = f64::from_le_bytes(b.take(8)?.try_into().map_err(|_| Corrupt)?);
        let dates = match (b.day()?, b.day()?) {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            _ => None,
        };
        Ok(EventState { size, inner, dates })
    }

    /// Average content score inside; `None` for one node.
    fn cohesion(&self) -> Option<f64> {
        let n = f64::from(self.size);
        (self.size > 1).then(|| self.inner / (n * (n - 1.0) / 2.0))
    }
}

fn event_state<E: ReadableTable<u32, &'static [u8]>>(
    events: &E,
    event: u32,
) -> Result<Option<EventState>, IndexError> {
    events
        .get(event)
        .map_err(store_error)?
        .map(|v| EventState::decode(v.value()).map_err(|_| store::damaged("events", event)))
        .transpose()
}

/// A stored article as event scoring sees it.
struct Stored {
    event: u32,
    node: Node,
}

fn cut(key: u64) -> u32 {
    key as u32
}

/// `v` with keys cut to 32 bits, sorted, collisions merged (weights added).
fn cut_sparse(v: &Sparse) -> Sparse {
    let mut out: Sparse = v.iter().map(|&(k, w)| (u64::from(cut(k)), w)).collect();
    out.sort_unstable_by_key(|&(k, _)| k);
    out.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1 += next.1;
            true
        } else {
            false
        }
    });
    out
}

/// The heaviest `n` entries of a sparse vector, sorted by key again.
fn heaviest(v: &Sparse, n: usize) -> Sparse {
    let mut out = v.clone();
    if out.len() > n {
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(n);
        out.sort_unstable_by_key(|&(k, _)| k);
    }
    out
}

/// The node as stored: cut keys, trimmed, so scoring a new article against
/// a stored one compares like with like.
fn stored_form(node: &Node) -> Node {
    let mut anchors: Vec<u64> = node.anchors.iter().map(|&k| u64::from(cut(k))).collect();
    anchors.sort_unstable();
    anchors.dedup();
    anchors.truncate(STORED_NAMES);
    Node {
        terms: heaviest(&cut_sparse(&node.terms), STORED_TERMS),
        names: heaviest(&cut_sparse(&node.names), STORED_NAMES),
        anchors,
        language: node.language,
        date: node.date,
    }
}

fn put_sparse(out: &mut Vec<u8>, v: &Sparse) {
    put_varint(out, v.len() as u64);
    let mut previous = 0u64;
    for &(k, w) in v {
        put_varint(out, k - previous);
        put_varint(out, (w.clamp(0.0, 1.0) * 65535.0).round() as u64);
        previous = k;
    }
}

fn sparse(b: &mut Bytes) -> Result<Sparse, Corrupt> {
    let n = b.varint()? as usize;
    let mut out = Vec::with_capacity(n.min(1024));
    let mut k = 0u64;
    for _ in 0..n {
        k = k.checked_add(b.varint()?).ok_or(Corrupt)?;
        out.push((k, b.varint()? as f32 / 65535.0));
    }
    Ok(out)
}

fn encode(event: u32, node: &Node) -> Vec<u8> {
    let mut out = Vec::with_capacity(600);
    put_varint(&mut out, u64::from(event));
    put_str(&mut out, node.language);
    put_day(&mut out, node.date);
    put_sparse(&mut out, &node.terms);
    put_sparse(&mut out, &node.names);
    put_varint(&mut out, node.anchors.len() as u64);
    let mut previous = 0;
    for &a in &node.anchors {
        put_varint(&mut out, a - previous);
        previous = a;
    }
    out
}

fn decode(bytes: &[u8]) -> Result<Stored, Corrupt> {
    let mut b = Bytes::new(bytes);
    let event = b.u32()?;
    let language = crate::stopwords::for_language(b.str()?).language;
    let date = b.day()?;
    let terms = sparse(&mut b)?;
    let names = sparse(&mut b)?;
    let n = b.varint()? as usize;
    let mut anchors = Vec::with_capacity(n.min(1024));
    let mut a = 0u64;
    for _ in 0..n {
        a = a.checked_add(b.varint()?).ok_or(Corrupt)?;
        anchors.push(a);
    }
    Ok(Stored {
        event,
        node: Node {
            terms,
            names,
            anchors,
            language,
            date,
        },
    })
}

/// The document-frequency keys of an article's features.
fn df_keys(p: &Prepared) -> Vec<u32> {
    let Some(f) = &p.features else {
        return Vec::new();
    };
    let mut keys: Vec<u32> = f
        .terms
        .iter()
        .map(|(t, _)| cut(vectors::key(t)))
        .chain(
            f.names
                .iter()
                .map(|(n, _)| cut(vectors::key(n)) ^ NAME_DF_SALT),
        )
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The article's full vector under the stored frequencies.
fn weigh<T: ReadableTable<u32, u32>>(
    p: &Prepared,
    df: &T,
    docs: u32,
) -> Result<Option<Node>, IndexError> {
    let Some(f) = &p.features else {
        return Ok(None);
    };
    let lookup = |key: u32| -> Result<u32, IndexError> {
        Ok(df.get(key).map_err(store_error)?.map_or(0, |v| v.value()))
    };
    let mut terms = KeyMap::default();
    for (t, _) in &f.terms {
        let k = vectors::key(t);
        terms.insert(k, lookup(cut(k))?);
    }
    let mut names = KeyMap::default();
    for (n, _) in &f.names {
        let k = vectors::key(n);
        names.insert(k, lookup(cut(k) ^ NAME_DF_SALT)?);
    }
    let idf = Idf::from_counts(docs, terms, names, background::builtin());
    Ok(Some(vectors::node(f, &idf)))
}

/// The stored articles sharing enough top keys with `node`.
fn candidate_docs<K: ReadableTable<(u32, u32), ()>>(
    keys: &K,
    node: &Node,
) -> Result<Vec<u32>, IndexError> {
    let mut docs: Vec<u32> = Vec::new();
    for key in Centroid::of(node, &[]).keys() {
        let key = cut(key);
        let before = docs.len();
        for entry in keys
            .range((key, 0)..=(key, u32::MAX))
            .map_err(store_error)?
        {
            let (k, _) = entry.map_err(store_error)?;
            docs.push(k.value().1);
            if docs.len() - before > centroid::MAX_POSTING {
                docs.truncate(before);
                break;
            }
        }
    }
    docs.sort_unstable();
    Ok(docs
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= centroid::MIN_SHARED_KEYS)
        .map(|run| run[0])
        .collect())
}

/// The event `node` joins among its candidates: the event, its closeness
/// and the sum of content scores to its members.
fn best_event<F, E>(
    node: &Node,
    candidates: &[u32],
    features: &F,
    events: &E,
    params: &EventParams,
) -> Result<Option<(u32, f64, f64)>, IndexError>
where
    F: ReadableTable<u32, &'static [u8]>,
    E: ReadableTable<u32, &'static [u8]>,
{
    let mine = stored_form(node);
    let mut sums: HashMap<u32, f64> = HashMap::new();
    for &doc in candidates {
        let Some(value) = features.get(doc).map_err(store_error)? else {
            continue;
        };
        let stored = decode(value.value()).map_err(|_| store::damaged("features", doc))?;
        let s = score::score(&mine, &stored.node, &params.weights).content;
        *sums.entry(stored.event).or_default() += s;
    }
    let mut best: Option<(u32, f64, f64)> = None;
    let mut sorted: Vec<(u32, f64)> = sums.into_iter().collect();
    sorted.sort_unstable_by_key(|&(e, _)| e);
    for (event, sum) in sorted {
        let Some(state) = event_state(events, event)? else {
            continue;
        };
        let time = centroid::range_factor(node.date.map(|d| (d, d)), state.dates);
        let closeness = sum / f64::from(state.size.max(1)) * time;
        let guard = state.cohesion().map_or(0.0, |c| params.join_ratio * c);
        if closeness >= params.threshold
            && closeness >= guard
            && best.is_none_or(|(_, b, _)| closeness > b)
        {
            best = Some((event, closeness, sum));
        }
    }
    Ok(best)
}

/// Creates the event tables of a new index, so a reader finds them.
pub fn create_tables(txn: &redb::WriteTransaction) -> Result<(), IndexError> {
    txn.open_table(EVENT_KEYS).map_err(store_error)?;
    txn.open_table(EVENT_DF).map_err(store_error)?;
    txn.open_table(EVENTS).map_err(store_error)?;
    Ok(())
}

/// Read-only assignment for `query`.
pub struct Events {
    keys: redb::ReadOnlyTable<(u32, u32), ()>,
    df: redb::ReadOnlyTable<u32, u32>,
    features: redb::ReadOnlyTable<u32, &'static [u8]>,
    events: redb::ReadOnlyTable<u32, &'static [u8]>,
    docs: u32,
    params: EventParams,
}

impl Events {
    pub fn new(txn: &ReadTransaction, params: &EventParams) -> Result<Self, IndexError> {
        let meta = txn.open_table(store::META).map_err(store_error)?;
        let docs = match meta.get("event_docs").map_err(store_error)? {
            None => 0,
            Some(v) => Bytes::new(v.value())
                .u32()
                .map_err(|_| store::damaged("meta", "event_docs"))?,
        };
        Ok(Events {
            keys: txn.open_table(EVENT_KEYS).map_err(store_error)?,
            df: txn.open_table(EVENT_DF).map_err(store_error)?,
            features: txn.open_table(FEATURES).map_err(store_error)?,
            events: txn.open_table(EVENTS).map_err(store_error)?,
            docs,
            params: params.clone(),
        })
    }

    /// The stored event each article would join (none of them joins
    /// another of the batch: nothing is written).
    pub fn assign_all(
        &self,
        batch: &[Prepared],
        copies: &[Vec<Copy>],
        searcher: &Searcher,
        _window: Option<Window>,
    ) -> Result<Vec<Assignment>, IndexError> {
        batch
            .iter()
            .zip(copies)
            .map(|(p, copies)| {
                if let Some(copy) = copies.first() {
                    let event = searcher.doc(copy.doc)?.and_then(|d| d.event);
                    return Ok(Assignment { event, score: None });
                }
                let Some(node) = weigh(p, &self.df, self.docs)? else {
                    return Ok(Assignment::default());
                };
                let candidates = candidate_docs(&self.keys, &node)?;
                let best = best_event(
                    &node,
                    &candidates,
                    &self.features,
                    &self.events,
                    &self.params,
                )?;
                Ok(Assignment {
                    event: best.map(|b| b.0),
                    score: best.map(|b| b.1),
                })
                // A query adds nothing, so it never starts an event.
            })
            .collect()
    }
}

/// Assigns each article of a chunk (numbered `docs`) to an event, in
/// order, and stores what later articles are scored against.
pub fn assign_and_store(
    txn: &redb::WriteTransaction,
    params: &EventParams,
    part: &[&Prepared],
    docs: &[u32],
    copies: &[Vec<Copy>],
) -> Result<Vec<Assignment>, IndexError> {
    let mut doc_count = counter(txn, "event_docs")?;
    let mut next_event = counter(txn, "next_event")?;
    let mut keys = txn.open_table(EVENT_KEYS).map_err(store_error)?;
    let mut df = txn.open_table(EVENT_DF).map_err(store_error)?;
    let mut features = txn.open_table(FEATURES).map_err(store_error)?;
    let mut events = txn.open_table(EVENTS).map_err(store_error)?;
    let stored_docs = txn.open_table(store::DOCS).map_err(store_error)?;
    let mut out = Vec::with_capacity(part.len());
    let mut in_chunk: HashMap<u32, u32> = HashMap::new();
    for ((p, &doc), copies) in part.iter().zip(docs).zip(copies) {
        let via_copy = match copies.first() {
            None => None,
            Some(copy) => match in_chunk.get(&copy.doc) {
                Some(&e) => Some(e),
                None => match stored_docs.get(copy.doc).map_err(store_error)? {
                    Some(v) => {
                        store::StoredDoc::decode(v.value())
                            .map_err(|_| store::damaged("docs", copy.doc))?
                            .event
                    }
                    None => None,
                },
            },
        };
        if let Some(event) = via_copy {
            // A copy is its original's node: nothing more to store.
            in_chunk.insert(doc, event);
            out.push(Assignment {
                event: Some(event),
                score: None,
            });
            continue;
        }
        let node = weigh(p, &df, doc_count)?;
        let best = match &node {
            Some(node) => {
                let candidates = candidate_docs(&keys, node)?;
                best_event(node, &candidates, &features, &events, params)?
            }
            None => None,
        };
        let day = node.as_ref().and_then(|n| n.date).or(p.day);
        let (event, state) = match best {
            Some((event, _, sum)) => {
                let old = event_state(&events, event)?.expect("a scored event is stored");
                let dates = match (old.dates, day) {
                    (Some((lo, hi)), Some(d)) => Some((lo.min(d), hi.max(d))),
                    (dates, None) => dates,
                    (None, Some(d)) => Some((d, d)),
                };
                let state = EventState {
                    size: old.size + 1,
                    inner: old.inner + sum,
                    dates,
                };
                (event, state)
            }
            None => {
                next_event += 1;
                let state = EventState {
                    size: 1,
                    inner: 0.0,
                    dates: day.map(|d| (d, d)),
                };
                (next_event - 1, state)
            }
        };
        in_chunk.insert(doc, event);
        events
            .insert(event, state.encode().as_slice())
            .map_err(store_error)?;
        if let Some(node) = &node {
            let stored = stored_form(node);
            features
                .insert(doc, encode(event, &stored).as_slice())
                .map_err(store_error)?;
            for key in Centroid::of(node, &[]).keys() {
                keys.insert((cut(key), doc), ()).map_err(store_error)?;
            }
            for key in df_keys(p) {
                let n = df.get(key).map_err(store_error)?.map_or(0, |v| v.value());
                df.insert(key, n + 1).map_err(store_error)?;
            }
            doc_count += 1;
        }
        out.push(Assignment {
            event: Some(event),
            score: best.map(|b| b.1),
        });
    }
    drop((keys, df, features, events, stored_docs));
    set_counter(txn, "event_docs", doc_count)?;
    set_counter(txn, "next_event", next_event)?;
    Ok(out)
}

/// Removes an expired article's features, and it from its event and the
/// key index.
pub fn forget(txn: &redb::WriteTransaction, doc: u32) -> Result<(), IndexError> {
    let mut features = txn.open_table(FEATURES).map_err(store_error)?;
    let Some(value) = features.remove(doc).map_err(store_error)? else {
        return Ok(());
    };
    let stored = decode(value.value()).map_err(|_| store::damaged("features", doc))?;
    drop(value);
    drop(features);
    let mut events = txn.open_table(EVENTS).map_err(store_error)?;
    if let Some(mut state) = event_state(&events, stored.event)? {
        // The inner sum keeps the expired member's links (they are not
        // stored), so the cohesion guard grows stricter, never looser.
        state.size = state.size.saturating_sub(1);
        if state.size == 0 {
            events.remove(stored.event).map_err(store_error)?;
        } else {
            events
                .insert(stored.event, state.encode().as_slice())
                .map_err(store_error)?;
        }
    }
    let mut keys = txn.open_table(EVENT_KEYS).map_err(store_error)?;
    for key in Centroid::of(&stored.node, &[]).keys() {
        keys.remove((cut(key), doc)).map_err(store_error)?;
    }
    Ok(())
}

/// Events with at least one stored article.
pub fn count(txn: &ReadTransaction) -> Result<u64, IndexError> {
    match txn.open_table(EVENTS) {
        Ok(t) => t.len().map_err(store_error),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
        Err(e) => Err(store_error(e)),
    }
}

/// Bytes of the event tables besides the stored vectors.
pub fn bytes(txn: &ReadTransaction) -> Result<u64, IndexError> {
    let mut total = 0;
    let size = |s: redb::TableStats| s.stored_bytes() + s.metadata_bytes() + s.fragmented_bytes();
    for stats in [
        txn.open_table(EVENT_KEYS).map(|t| t.stats()),
        txn.open_table(EVENT_DF).map(|t| t.stats()),
        txn.open_table(EVENTS).map(|t| t.stats()),
    ] {
        match stats {
            Ok(s) => total += size(s.map_err(store_error)?),
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(store_error(e)),
        }
    }
    Ok(total)
}
