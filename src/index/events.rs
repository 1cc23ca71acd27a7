//! Events, incrementally: the batch path's clusterer
//! ([`centroid::Clusterer`]) run over the stored events, so that an index
//! fed a corpus in date-ordered adds ends near where the batch run fed it
//! whole does. What differs: each add weighs with the document frequencies
//! counted so far; the near-duplicates it finds are a superset of the batch
//! run's; a group that copies a stored article keeps that article's node;
//! and dated articles of one day that come in different adds are placed in
//! turn, not together.
//!
//! Undated articles float. The batch run places them after every dated
//! article; an add cannot know which dated articles are still to come, so
//! it keeps each event's *core* (its cluster of dated nodes as the dated
//! placement left it) apart from the event, and places every undated node
//! again, the stored ones with the new, after the new dated ones, as the
//! batch run does. An undated article may so change event between adds;
//! an event keeps its id (a cluster of undated nodes only keeps the id of
//! its first node's event). The cost is the stored undated nodes, read and
//! placed again at every add: at most [`MAX_FLOATING`] float, and past
//! that the ones added first settle in their event's core.
//!
//! An add:
//! 1. near-duplicates within the chunk count once, as the batch run's
//!    groups do (the longest member speaks, dated by the earliest); a
//!    group that copies a stored article belongs to that article's node:
//!    copies lie inside one event;
//! 2. the other groups and articles are the chunk's nodes; their document
//!    frequencies are counted into the stored ones first, then each is
//!    weighed with the batch path's TF-IDF ([`vectors::node`]) under the
//!    counts so far;
//! 3. the dated nodes are fed to the clusterer a day at a time in date
//!    order (ties by id), over the stored cores, read as they are met
//!    ([`centroid::Store`]: postings of their top keys, centroids); the
//!    cores are then as the batch run's clusters are after those days;
//! 4. every undated node, stored or new, is fed as one more day (by id);
//! 5. members far from the rest of an event that changed
//!    ([`centroid::Clusters::leaving`]) are reported as events of their
//!    own, as the batch run reports them at its end;
//! 6. the changed cores and events are written back, the merged-away ones
//!    deleted, and every member of a changed event that now belongs to
//!    another is moved (an event keeps its id while it lives; two that merge
//!    keep the older's).
//!
//! A query runs the placement of one node against the stored events
//! ([`centroid::Clusters::closest`]), adding nothing.
//!
//! Stored: each event's [`Centroid`], and each core's; the postings of
//! their top keys as `(key, id)` composite keys; the members as
//! `(event, doc) → (node, core)` (the doc whose vectors stand for it:
//! itself, or the original it copies; the core for a dated node); the
//! undated nodes; per node its vector and years, to place it again or take
//! it out of its event (eviction, expiry); the document frequencies per
//! key.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle};

use super::codec::{put_day, put_str, put_varint, Bytes, Corrupt};
use super::search::{Copy, Searcher};
use super::store::{self, counter, set_counter, store_error, FEATURES};
use super::{IndexError, Prepared};
use crate::events::centroid::{self, Centroid, Clusterer, Clusters};
use crate::events::features::Features;
use crate::events::vectors::{self, Idf, Node, Sparse};
use crate::events::{background, EventParams};
use crate::keymap::KeyMap;

/// Each event's centroid.
const EVENTS: TableDefinition<u32, &[u8]> = TableDefinition::new("events");
/// The top keys of each event → event (`(key, event)`, no value).
const EVENT_KEYS: TableDefinition<(u64, u32), ()> = TableDefinition::new("event_keys");
/// The members of each cluster: `(cluster, doc)` → the node doc standing
/// for it and, for a dated node (or a copy of one), its core.
const EVENT_MEMBERS: TableDefinition<(u32, u32), (u32, Option<u32>)> =
    TableDefinition::new("event_members");
/// Each member's cluster, by doc. (The event an article is reported in is
/// in its record: its cluster's, or one of its own when it is far from the
/// rest.)
const MEMBER_OF: TableDefinition<u32, u32> = TableDefinition::new("member_of");
/// Each core's centroid: a cluster of dated nodes as the dated placement
/// left it, before the undated nodes come; by the id of the event it is in
/// (or went into).
const CORES: TableDefinition<u32, &[u8]> = TableDefinition::new("event_cores");
/// The top keys of each core → core, as [`EVENT_KEYS`].
const CORE_KEYS: TableDefinition<(u64, u32), ()> = TableDefinition::new("event_core_keys");
/// The undated nodes, which float: node doc → the smallest article id of
/// the node (their order when placed).
const FLOATING: TableDefinition<u32, &str> = TableDefinition::new("event_floating");
/// Document frequency of each term key (names salted apart), over nodes.
const EVENT_DF: TableDefinition<u64, u32> = TableDefinition::new("event_df");

/// Undated nodes that float at most (see the module comment): each add
/// reads and places them all again, about 0.6 ms each (10k kit corpus,
/// dates removed), so at most some 6 s an add; past this the ones added
/// first settle where they are, as dated ones.
pub const MAX_FLOATING: usize = 10_000;

/// Salts name keys apart from term keys in the document frequencies.
const NAME_DF_SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// Where an article went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Assignment {
    pub event: Option<u32>,
    /// Add: its similarity to its event's centroid (before the time
    /// factor), as the batch scores members; query: the score it would
    /// join at. `None` when alone in its event or joined through a copy.
    pub score: Option<f64>,
}

fn put_sparse(out: &mut Vec<u8>, v: &Sparse) {
    put_varint(out, v.len() as u64);
    let mut previous = 0u64;
    for &(k, w) in v {
        put_varint(out, k - previous);
        out.extend_from_slice(&w.to_le_bytes());
        previous = k;
    }
}

fn sparse(b: &mut Bytes) -> Result<Sparse, Corrupt> {
    let n = b.varint()? as usize;
    let mut out = Vec::with_capacity(n.min(1024));
    let mut k = 0u64;
    for _ in 0..n {
        k = k.checked_add(b.varint()?).ok_or(Corrupt)?;
        let w = f32::from_le_bytes(b.take(4)?.try_into().map_err(|_| Corrupt)?);
        out.push((k, w));
    }
    Ok(out)
}

fn put_keys(out: &mut Vec<u8>, keys: &[u64]) {
    put_varint(out, keys.len() as u64);
    let mut previous = 0;
    for &k in keys {
        put_varint(out, k - previous);
        previous = k;
    }
}

fn keys(b: &mut Bytes) -> Result<Vec<u64>, Corrupt> {
    let n = b.varint()? as usize;
    let mut out = Vec::with_capacity(n.min(1024));
    let mut k = 0u64;
    for _ in 0..n {
        k = k.checked_add(b.varint()?).ok_or(Corrupt)?;
        out.push(k);
    }
    Ok(out)
}

fn language(b: &mut Bytes) -> Result<&'static str, Corrupt> {
    Ok(crate::stopwords::for_language(b.str()?).language)
}

/// A node as stored: its vector and the years it names, exact, so that
/// taking it out of its event's sums leaves what the others put in.
fn encode_node(node: &Node, years: &[i32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * (node.terms.len() + node.names.len()));
    put_str(&mut out, node.language);
    put_day(&mut out, node.date);
    put_sparse(&mut out, &node.terms);
    put_sparse(&mut out, &node.names);
    put_keys(&mut out, &node.anchors);
    put_varint(&mut out, years.len() as u64);
    for &y in years {
        put_varint(&mut out, u64::from(y as u32));
    }
    out
}

/// A stored node's cluster of one.
fn decode_node(bytes: &[u8]) -> Result<Centroid, Corrupt> {
    let mut b = Bytes::new(bytes);
    let language = language(&mut b)?;
    let date = b.day()?;
    let node = Node {
        terms: sparse(&mut b)?,
        names: sparse(&mut b)?,
        anchors: keys(&mut b)?,
        language,
        date,
    };
    let n = b.varint()? as usize;
    let years = (0..n)
        .map(|_| Ok(b.u32()? as i32))
        .collect::<Result<Vec<i32>, Corrupt>>()?;
    Ok(Centroid::of(&node, &years))
}

fn encode_centroid(c: &Centroid) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * (c.terms.len() + c.names.len() + c.anchors.len()));
    put_varint(&mut out, u64::from(c.size));
    out.extend_from_slice(&c.inner.to_le_bytes());
    put_str(&mut out, c.language);
    put_day(&mut out, c.dates.map(|d| d.0));
    put_day(&mut out, c.dates.map(|d| d.1));
    put_sparse(&mut out, &c.terms);
    put_sparse(&mut out, &c.names);
    put_sparse(&mut out, &c.anchors);
    put_varint(&mut out, c.years.len() as u64);
    for &(y, n) in &c.years {
        put_varint(&mut out, u64::from(y as u32));
        put_varint(&mut out, u64::from(n));
    }
    out
}

fn decode_centroid(bytes: &[u8]) -> Result<Centroid, Corrupt> {
    let mut b = Bytes::new(bytes);
    let size = b.u32()?;
    let inner = f64::from_le_bytes(b.take(8)?.try_into().map_err(|_| Corrupt)?);
    let language = language(&mut b)?;
    let dates = match (b.day()?, b.day()?) {
        (Some(lo), Some(hi)) => Some((lo, hi)),
        _ => None,
    };
    let (terms, names, anchors) = (sparse(&mut b)?, sparse(&mut b)?, sparse(&mut b)?);
    let n = b.varint()? as usize;
    let years = (0..n)
        .map(|_| Ok((b.u32()? as i32, b.u32()?)))
        .collect::<Result<Vec<(i32, u32)>, Corrupt>>()?;
    Ok(Centroid::stored(
        size, inner, terms, names, anchors, language, dates, years,
    ))
}

/// The stored events as the clusterer reads them; remembers the keys each
/// event read was posted under, to update its postings when written back.
struct StoredEvents<'t, K, E> {
    keys: &'t K,
    events: &'t E,
    read: HashMap<u32, Vec<u64>>,
}

impl<'t, K, E> StoredEvents<'t, K, E> {
    fn new(keys: &'t K, events: &'t E) -> Self {
        StoredEvents {
            keys,
            events,
            read: HashMap::new(),
        }
    }
}

impl<K, E> centroid::Store for StoredEvents<'_, K, E>
where
    K: ReadableTable<(u64, u32), ()>,
    E: ReadableTable<u32, &'static [u8]>,
{
    type Error = IndexError;

    fn posted(&mut self, key: u64, found: &mut Vec<u32>) -> Result<(), IndexError> {
        for entry in self
            .keys
            .range((key, 0)..=(key, u32::MAX))
            .map_err(store_error)?
        {
            found.push(entry.map_err(store_error)?.0.value().1);
        }
        Ok(())
    }

    fn centroid(&mut self, id: u32) -> Result<Centroid, IndexError> {
        let value = self
            .events
            .get(id)
            .map_err(store_error)?
            .ok_or_else(|| store::damaged("event_keys", id))?;
        let c = decode_centroid(value.value()).map_err(|_| store::damaged("events", id))?;
        self.read.insert(id, c.keys());
        Ok(c)
    }
}

/// The document-frequency keys of a node's features: term keys, and name
/// keys salted apart, as [`vectors`] counts them.
fn df_keys(f: &Features) -> Vec<u64> {
    let mut keys: Vec<u64> = f
        .terms
        .iter()
        .map(|(t, _)| vectors::key(t))
        .chain(f.names.iter().map(|(n, _)| vectors::key(n) ^ NAME_DF_SALT))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A node's vector under the stored frequencies plus `extra` (counts not
/// stored: a query's own articles), over `docs` nodes.
fn weigh<T: ReadableTable<u64, u32>>(
    f: &Features,
    df: &T,
    extra: &KeyMap<u32>,
    docs: u32,
) -> Result<Node, IndexError> {
    let lookup = |key: u64| -> Result<u32, IndexError> {
        let stored = df.get(key).map_err(store_error)?.map_or(0, |v| v.value());
        Ok(stored + extra.get(&key).copied().unwrap_or(0))
    };
    let mut terms = KeyMap::default();
    for (t, _) in &f.terms {
        let k = vectors::key(t);
        terms.insert(k, lookup(k)?);
    }
    let mut names = KeyMap::default();
    for (n, _) in &f.names {
        let k = vectors::key(n);
        names.insert(k, lookup(k ^ NAME_DF_SALT)?);
    }
    let idf = Idf::from_counts(docs, terms, names, background::builtin());
    Ok(vectors::node(f, &idf))
}

/// Creates the event tables of a new index, so a reader finds them.
pub fn create_tables(txn: &redb::WriteTransaction) -> Result<(), IndexError> {
    txn.open_table(EVENTS).map_err(store_error)?;
    txn.open_table(EVENT_KEYS).map_err(store_error)?;
    txn.open_table(EVENT_MEMBERS).map_err(store_error)?;
    txn.open_table(MEMBER_OF).map_err(store_error)?;
    txn.open_table(EVENT_DF).map_err(store_error)?;
    txn.open_table(CORES).map_err(store_error)?;
    txn.open_table(CORE_KEYS).map_err(store_error)?;
    txn.open_table(FLOATING).map_err(store_error)?;
    Ok(())
}

/// Read-only placement for `query`.
pub struct Events {
    ids: redb::ReadOnlyTable<&'static str, u32>,
    keys: redb::ReadOnlyTable<(u64, u32), ()>,
    df: redb::ReadOnlyTable<u64, u32>,
    events: redb::ReadOnlyTable<u32, &'static [u8]>,
    docs: u32,
    stored: u32,
    params: EventParams,
}

impl Events {
    pub fn new(txn: &ReadTransaction, params: &EventParams) -> Result<Self, IndexError> {
        let meta = txn.open_table(store::META).map_err(store_error)?;
        Ok(Events {
            ids: txn.open_table(store::IDS).map_err(store_error)?,
            keys: txn.open_table(EVENT_KEYS).map_err(store_error)?,
            df: txn.open_table(EVENT_DF).map_err(store_error)?,
            events: txn.open_table(EVENTS).map_err(store_error)?,
            docs: store::counter_in(&meta, "event_docs")?,
            stored: store::counter_in(&meta, "next_event")?,
            params: params.clone(),
        })
    }

    /// The stored event each article would join, each on its own (none
    /// joins another of the batch: nothing is written). Weighed as an add
    /// of the batch would weigh it: its nodes counted in. An article
    /// stored already is in its event: that is the answer.
    pub fn assign_all(
        &self,
        batch: &[Prepared],
        copies: &[Vec<Copy>],
        searcher: &Searcher,
    ) -> Result<Vec<Assignment>, IndexError> {
        // The features of the articles that copy nothing stored.
        let features: Vec<Option<Features>> = (batch.par_iter().zip(copies))
            .map(|(p, copies)| copies.is_empty().then(|| p.features()))
            .collect();
        let mut extra: KeyMap<u32> = KeyMap::default();
        let mut nodes = 0u32;
        for f in features.iter().flatten() {
            df_keys(f)
                .into_iter()
                .for_each(|k| *extra.entry(k).or_default() += 1);
            nodes += 1;
        }
        let rules = self.params.rules();
        let mut clusters = Clusters::stored(self.stored);
        let mut store = StoredEvents::new(&self.keys, &self.events);
        (batch.iter().zip(copies).zip(&features))
            .map(|((p, copies), f)| {
                if let Some(doc) = self.ids.get(p.id.as_str()).map_err(store_error)? {
                    let event = searcher.doc(doc.value())?.and_then(|d| d.event);
                    return Ok(Assignment { event, score: None });
                }
                if let Some(copy) = copies.first() {
                    let event = searcher.doc(copy.doc)?.and_then(|d| d.event);
                    return Ok(Assignment { event, score: None });
                }
                let Some(f) = f else {
                    return Ok(Assignment::default());
                };
                let node = weigh(f, &self.df, &extra, self.docs + nodes)?;
                let own = Centroid::of(&node, &f.years);
                // A query adds nothing, so it never starts an event.
                let best = clusters.closest(&rules, &own, &mut store)?;
                Ok(Assignment {
                    event: best.map(|b| b.0),
                    score: best.map(|b| b.1),
                })
            })
            .collect()
    }
}

/// What an article of a chunk joins: the node it belongs to, and for a
/// copy of a stored article, where the original is.
#[derive(Debug, Clone, Copy)]
struct Joins {
    node: u32,
    stored: Option<StoredNode>,
}

/// Where a stored node is: its cluster, the event it is reported in, and
/// its core when dated.
#[derive(Debug, Clone, Copy)]
struct StoredNode {
    cluster: u32,
    reported: u32,
    core: Option<u32>,
}

/// The chunk's articles as the batch run makes nodes of them: the
/// near-duplicates among them (linked through their copies, as the batch
/// run's groups are) count once, through their longest member (ties to the
/// smallest id), dated by the earliest member as the batch run dates a
/// group; a group that copies a stored article joins that article's node
/// instead.
fn nodes_of(
    txn: &redb::WriteTransaction,
    part: &[&Prepared],
    docs: &[u32],
    copies: &[Vec<Copy>],
) -> Result<ChunkNodes, IndexError> {
    let stored_docs = txn.open_table(store::DOCS).map_err(store_error)?;
    let member_of = txn.open_table(MEMBER_OF).map_err(store_error)?;
    let members = txn.open_table(EVENT_MEMBERS).map_err(store_error)?;
    // Groups within the chunk: each article linked to the earlier ones it
    // copies; a group's root is its first article.
    let mut root: Vec<usize> = (0..part.len()).collect();
    fn find(root: &mut [usize], mut i: usize) -> usize {
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    for (i, copies) in copies.iter().enumerate() {
        for copy in copies.iter().filter(|c| c.doc >= docs[0]) {
            let (a, b) = (
                find(&mut root, i),
                find(&mut root, (copy.doc - docs[0]) as usize),
            );
            root[a.max(b)] = a.min(b);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..part.len() {
        let r = find(&mut root, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Option<Joins>> = vec![None; part.len()];
    // Each new node's speaker and group.
    let mut speakers: Vec<(usize, &Vec<usize>)> = Vec::new();
    for group in groups.values() {
        // The first stored article the group copies, in the group's order.
        let original = group
            .iter()
            .flat_map(|&i| copies[i].iter())
            .find(|c| c.doc < docs[0]);
        let joins = match original {
            Some(copy) => {
                let reported = match stored_docs.get(copy.doc).map_err(store_error)? {
                    Some(v) => {
                        store::StoredDoc::decode(v.value())
                            .map_err(|_| store::damaged("docs", copy.doc))?
                            .event
                    }
                    None => None,
                };
                let cluster = member_of
                    .get(copy.doc)
                    .map_err(store_error)?
                    .map(|v| v.value());
                match (reported, cluster) {
                    (Some(reported), Some(cluster)) => members
                        .get((cluster, copy.doc))
                        .map_err(store_error)?
                        .map(|v| {
                            let (node, core) = v.value();
                            Joins {
                                node,
                                stored: Some(StoredNode {
                                    cluster,
                                    reported,
                                    core,
                                }),
                            }
                        }),
                    _ => None,
                }
            }
            None => None,
        };
        if joins.is_some() {
            group.iter().for_each(|&i| out[i] = joins);
            continue;
        }
        let Some(speaker) = group.iter().copied().min_by(|&x, &y| {
            part[y]
                .text
                .len()
                .cmp(&part[x].text.len())
                .then_with(|| part[x].id.as_str().cmp(part[y].id.as_str()))
        }) else {
            continue;
        };
        speakers.push((speaker, group));
        let joins = Some(Joins {
            node: docs[speaker],
            stored: None,
        });
        group.iter().for_each(|&i| out[i] = joins);
    }
    // The new nodes' features, read on every core.
    let features = speakers
        .into_par_iter()
        .map(|(speaker, group)| {
            let mut f = part[speaker].features();
            // The group's earliest publication day, moved as the speaker's
            // lead moves its own: the batch run's node day.
            if group.len() > 1 {
                let shift = f
                    .date
                    .zip(part[speaker].day)
                    .map_or(0, |(story, p)| story - p);
                f.date = (group.iter().filter_map(|&i| part[i].day).min()).map(|d| d + shift);
            }
            (docs[speaker], f)
        })
        .collect();
    Ok(ChunkNodes {
        joins: out,
        features,
    })
}

/// What [`nodes_of`] makes of a chunk.
struct ChunkNodes {
    /// For each article what it joins: `None` without features, or when
    /// the original it copies has no event.
    joins: Vec<Option<Joins>>,
    /// Each new node's features, dated as the node (the group's story
    /// day), by its speaker's doc.
    features: HashMap<u32, Features>,
}

/// Places the articles of a chunk (numbered `docs`, after every stored
/// one) in events, over the stored ones, and stores the result; see the
/// module comment.
pub fn assign_and_store(
    txn: &redb::WriteTransaction,
    params: &EventParams,
    part: &[&Prepared],
    docs: &[u32],
    copies: &[Vec<Copy>],
    max_floating: usize,
) -> Result<Vec<Assignment>, IndexError> {
    let ChunkNodes {
        joins,
        features: node_features,
    } = nodes_of(txn, part, docs, copies)?;
    // The chunk's nodes, as (index in the chunk, doc).
    let nodes: Vec<(usize, u32)> = (0..part.len())
        .filter(|&i| joins[i].is_some_and(|j| j.node == docs[i] && j.stored.is_none()))
        .map(|i| (i, docs[i]))
        .collect();
    let features = |i: usize| &node_features[&docs[i]];

    // Document frequencies: the chunk's nodes counted in before any is
    // weighed, so that none depends on its place in the chunk.
    let node_count = counter(txn, "event_docs")? + nodes.len() as u32;
    let mut df = txn.open_table(EVENT_DF).map_err(store_error)?;
    let mut counted: BTreeMap<u64, u32> = BTreeMap::new();
    for &(i, _) in &nodes {
        df_keys(features(i))
            .into_iter()
            .for_each(|k| *counted.entry(k).or_default() += 1);
    }
    for (k, n) in counted {
        let old = df.get(k).map_err(store_error)?.map_or(0, |v| v.value());
        df.insert(k, old + n).map_err(store_error)?;
    }
    let mut own: HashMap<u32, Centroid> = HashMap::with_capacity(nodes.len());
    let mut feature_rows = txn.open_table(FEATURES).map_err(store_error)?;
    for &(i, doc) in &nodes {
        let f = features(i);
        let node = weigh(f, &df, &KeyMap::default(), node_count)?;
        feature_rows
            .insert(doc, encode_node(&node, &f.years).as_slice())
            .map_err(store_error)?;
        own.insert(doc, Centroid::of(&node, &f.years));
    }
    drop(df);
    set_counter(txn, "event_docs", node_count)?;

    // Each node's smallest id: the batch run's tie order.
    let mut first_id: HashMap<u32, &str> = HashMap::new();
    for (i, j) in joins.iter().enumerate() {
        if let Some(Joins { node, stored: None }) = j {
            let id = first_id.entry(*node).or_insert(part[i].id.as_str());
            *id = (*id).min(part[i].id.as_str());
        }
    }
    let day = |doc: u32| node_features[&doc].date;
    // The dated nodes in date order, ties by id, a day at a time.
    let mut dated: Vec<u32> = nodes
        .iter()
        .map(|&(_, doc)| doc)
        .filter(|&doc| day(doc).is_some())
        .collect();
    dated.sort_by(|&x, &y| {
        day(x)
            .cmp(&day(y))
            .then_with(|| first_id[&x].cmp(first_id[&y]))
    });
    // The undated nodes, stored and new, by id: they float, placed again
    // after every dated node at each add, as the batch run places them.
    let mut floating = txn.open_table(FLOATING).map_err(store_error)?;
    for (i, j) in joins.iter().enumerate() {
        // A copy of a stored undated node may give the node a smaller id.
        if let Some(Joins {
            node,
            stored: Some(_),
        }) = j
        {
            let id = part[i].id.as_str();
            let lower = floating
                .get(*node)
                .map_err(store_error)?
                .is_some_and(|v| id < v.value());
            if lower {
                floating.insert(*node, id).map_err(store_error)?;
            }
        }
    }
    for &(_, doc) in &nodes {
        if day(doc).is_none() {
            floating.insert(doc, first_id[&doc]).map_err(store_error)?;
        }
    }
    let mut undated: Vec<(String, u32)> = Vec::new();
    for entry in floating.iter().map_err(store_error)? {
        let (doc, id) = entry.map_err(store_error)?;
        undated.push((id.value().to_string(), doc.value()));
    }
    drop(floating);
    undated.sort_unstable();
    for &(_, doc) in &undated {
        load_node(&feature_rows, &mut own, doc)?;
    }

    let stored = counter(txn, "next_event")?;
    let rules = params.rules();
    let mut keys = txn.open_table(EVENT_KEYS).map_err(store_error)?;
    let mut events = txn.open_table(EVENTS).map_err(store_error)?;
    let mut core_keys = txn.open_table(CORE_KEYS).map_err(store_error)?;
    let mut cores = txn.open_table(CORES).map_err(store_error)?;
    let mut members = txn.open_table(EVENT_MEMBERS).map_err(store_error)?;
    let mut member_of = txn.open_table(MEMBER_OF).map_err(store_error)?;
    let mut clusterer = Clusterer::new(Clusters::stored(stored), rules);
    // The cluster each node started, the cores changed by the dated nodes
    // (`None`: merged away), the cluster each cluster went into after the
    // dated nodes and after all, and the keys of the stored cores read.
    let (started, core_writes, core_into, into, read) = {
        let mut store = StoredEvents::new(&core_keys, &cores);
        let mut started: HashMap<u32, u32> = HashMap::new();
        for day_nodes in dated.chunk_by(|&x, &y| day(x) == day(y)) {
            let alone = day_nodes.iter().map(|d| own[d].clone()).collect();
            let s = clusterer.day(alone, &mut store)?;
            started.extend(day_nodes.iter().copied().zip(s));
        }
        let core_into = clusterer.resolved().to_vec();
        let clusters = &clusterer.clusters;
        let core_writes: Vec<(u32, Option<Centroid>)> = store
            .read
            .keys()
            .copied()
            .filter(|&c| clusters.live[c as usize].is_none() || clusters.merges(c) > 0)
            .chain(stored..core_into.len() as u32)
            .map(|c| (c, clusters.live[c as usize].as_deref().cloned()))
            .collect();
        if !undated.is_empty() {
            let alone = undated.iter().map(|(_, d)| own[d].clone()).collect();
            let s = clusterer.day(alone, &mut store)?;
            started.extend(undated.iter().map(|&(_, d)| d).zip(s));
        }
        let into = clusterer.resolved().to_vec();
        (started, core_writes, core_into, into, store.read)
    };
    let core_count = core_into.len() as u32;
    let clusters = &mut clusterer.clusters;
    // Each node's cluster and core, by doc: the new ones', the stored
    // undated ones', and those of the stored events this add changes.
    let mut cluster_of: HashMap<u32, u32> = started
        .iter()
        .map(|(&doc, &c)| (doc, into[c as usize]))
        .collect();
    let mut core_of: HashMap<u32, Option<u32>> = dated
        .iter()
        .map(|&doc| (doc, Some(core_into[started[&doc] as usize])))
        .chain(undated.iter().map(|&(_, doc)| (doc, None)))
        .collect();
    // Stored events changed: those the undated nodes were in (they came
    // out and were placed again), and those of the stored cores merged
    // into or away. Their member rows: (event, doc, node, core).
    let mut again: std::collections::BTreeSet<u32> = read
        .keys()
        .copied()
        .filter(|&c| clusters.live[c as usize].is_none() || clusters.merges(c) > 0)
        .collect();
    for &(_, doc) in &undated {
        if let Some(e) = member_of.get(doc).map_err(store_error)? {
            again.insert(e.value());
        }
    }
    let mut rows: Vec<(u32, u32, u32, Option<u32>)> = Vec::new();
    for &e in &again {
        for entry in members.range((e, 0)..=(e, u32::MAX)).map_err(store_error)? {
            let (k, v) = entry.map_err(store_error)?;
            let (node, core) = v.value();
            rows.push((e, k.value().1, node, core));
        }
    }
    for &(_, doc, node, core) in &rows {
        if let (true, Some(k)) = (doc == node, core) {
            cluster_of.insert(doc, into[k as usize]);
            core_of.insert(doc, Some(core_into[k as usize]));
        }
    }
    // A cluster of undated nodes only is made anew at each add: it keeps
    // the event of its first node when no other took it, so that its id
    // lasts; others take new ids after the cores'.
    let mut event_id: HashMap<u32, u32> = HashMap::new();
    let mut taken = std::collections::HashSet::new();
    let mut next_event = core_count;
    for &(_, doc) in &undated {
        let c = cluster_of[&doc];
        if c < core_count || event_id.contains_key(&c) {
            continue;
        }
        let before = match member_of.get(doc).map_err(store_error)? {
            Some(e) if cores.get(e.value()).map_err(store_error)?.is_none() => Some(e.value()),
            _ => None,
        };
        let id = match before.filter(|&e| taken.insert(e)) {
            Some(e) => e,
            None => {
                next_event += 1;
                next_event - 1
            }
        };
        event_id.insert(c, id);
    }
    let id_of = |c: u32| event_id.get(&c).copied().unwrap_or(c);

    // The clusters to write: every one a node of this add (new, or
    // placed again, or moved) is in now; stored cores that only gained
    // members back are read as they are.
    let mut write: std::collections::BTreeSet<u32> = read
        .keys()
        .copied()
        .chain(stored..clusters.live.len() as u32)
        .filter(|&c| c >= stored || clusters.live[c as usize].is_none() || clusters.merges(c) > 0)
        .map(|c| into[c as usize])
        .collect();
    write.extend(rows.iter().filter_map(|r| cluster_of.get(&r.2).copied()));
    for &c in &write {
        if clusters.live[c as usize].is_none() {
            let value = cores
                .get(c)
                .map_err(store_error)?
                .ok_or_else(|| store::damaged("event_cores", c))?;
            let core =
                decode_centroid(value.value()).map_err(|_| store::damaged("event_cores", c))?;
            clusters.live[c as usize] = Some(Box::new(core));
        }
    }

    // Members far from the rest of a cluster written are reported as
    // events of their own, as the batch run's are at its end; the cluster
    // keeps them, as the batch run's keeps them until its end.
    let mut by_cluster: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (&doc, &c) in &cluster_of {
        by_cluster.entry(c).or_default().push(doc);
    }
    let judged: Vec<(u32, Vec<u32>)> = by_cluster
        .into_iter()
        .filter(|(c, m)| m.len() >= 3 && write.contains(c))
        .map(|(c, mut m)| {
            m.sort_unstable();
            (c, m)
        })
        .collect();
    for (_, m) in &judged {
        for &doc in m {
            load_node(&feature_rows, &mut own, doc)?;
        }
    }
    drop(feature_rows);
    let mut stored_docs = txn.open_table(store::DOCS).map_err(store_error)?;
    let record = |stored_docs: &redb::Table<u32, &'static [u8]>, doc: u32| {
        stored_docs
            .get(doc)
            .map_err(store_error)?
            .map(|v| store::StoredDoc::decode(v.value()))
            .transpose()
            .map_err(|_| store::damaged("docs", doc))
    };
    let was_in: HashMap<u32, u32> = rows.iter().map(|&(e, doc, _, _)| (doc, e)).collect();
    let mut reported: HashMap<u32, u32> = cluster_of
        .iter()
        .map(|(&doc, &c)| (doc, id_of(c)))
        .collect();
    let mut apart: Vec<u32> = Vec::new();
    for (_, node) in clusters.leaving(&judged, |doc| own[&doc].clone(), &rules) {
        // Reported apart before: the same event again.
        let before = match was_in.get(&node) {
            Some(&e) => record(&stored_docs, node)?
                .and_then(|r| r.event)
                .filter(|&r| r != e),
            None => None,
        };
        let event = before.unwrap_or_else(|| {
            next_event += 1;
            next_event - 1
        });
        reported.insert(node, event);
        apart.push(node);
    }
    set_counter(txn, "next_event", next_event)?;

    // Write back: the cores the dated nodes changed, then the events.
    for (c, core) in core_writes {
        let before = read.get(&c).map_or(&[][..], Vec::as_slice);
        match core {
            Some(core) => write_event(&mut cores, &mut core_keys, c, &core, before)?,
            None => {
                cores.remove(c).map_err(store_error)?;
                for &k in before {
                    core_keys.remove((k, c)).map_err(store_error)?;
                }
            }
        }
    }
    // Past the bound, the undated nodes added first settle where they are:
    // they join their event's core and are placed as dated ones are.
    let settled = settle(
        txn,
        &undated,
        max_floating,
        |doc| id_of(cluster_of[&doc]),
        |doc| own[&doc].clone(),
        &rules,
        (&mut cores, &mut core_keys),
    )?;
    let mut gone = again;
    for &c in &write {
        let id = id_of(c);
        let before = stored_keys(&events, id)?;
        let centroid = clusters.live[c as usize]
            .as_ref()
            .expect("written clusters live");
        write_event(&mut events, &mut keys, id, centroid, &before)?;
        gone.remove(&id);
    }
    for e in gone {
        for k in stored_keys(&events, e)? {
            keys.remove((k, e)).map_err(store_error)?;
        }
        events.remove(e).map_err(store_error)?;
    }

    // Stored members that moved, and the records of those reported in
    // another event.
    for (e, doc, node, core) in rows {
        // A copy whose original expired stays with the cluster.
        let now = cluster_of.get(&node).map_or(e, |&c| id_of(c));
        let core_now = match settled.get(&node) {
            Some(&k) => Some(k),
            None => core.map(|k| core_into[k as usize]),
        };
        if (now, core_now) != (e, core) {
            members.remove((e, doc)).map_err(store_error)?;
            members
                .insert((now, doc), (node, core_now))
                .map_err(store_error)?;
            member_of.insert(doc, now).map_err(store_error)?;
        }
        let event = reported.get(&node).copied().unwrap_or(now);
        if let Some(mut r) = record(&stored_docs, doc)?.filter(|r| r.event != Some(event)) {
            r.event = Some(event);
            stored_docs
                .insert(doc, r.encode().as_slice())
                .map_err(store_error)?;
        }
    }
    drop(stored_docs);

    // The chunk's articles: their rows and assignments.
    let mut out = Vec::with_capacity(part.len());
    for (i, joins) in joins.iter().enumerate() {
        let Some(Joins { node, stored }) = *joins else {
            out.push(Assignment::default());
            continue;
        };
        let placed = cluster_of.get(&node).copied();
        let (event_row, event, core) = match (placed, stored) {
            (Some(c), _) => (
                id_of(c),
                reported[&node],
                settled.get(&node).copied().or(core_of[&node]),
            ),
            (None, Some(s)) => (s.cluster, s.reported, s.core),
            (None, None) => unreachable!("a new node is placed"),
        };
        members
            .insert((event_row, docs[i]), (node, core))
            .map_err(store_error)?;
        member_of.insert(docs[i], event_row).map_err(store_error)?;
        let score = placed
            .filter(|_| node == docs[i] && !apart.contains(&node))
            .and_then(|c| clusters.live[c as usize].as_ref())
            .filter(|c| c.size > 1)
            .map(|c| own[&node].channels(c).content(&rules.weights));
        out.push(Assignment {
            event: Some(event),
            score,
        });
    }
    Ok(out)
}

/// A table of centroids and the table of their postings.
type Posted<'a, 't> = (
    &'a mut redb::Table<'t, u32, &'static [u8]>,
    &'a mut redb::Table<'t, (u64, u32), ()>,
);

/// Settles the undated nodes (`undated`: by id, with their docs) added
/// first, beyond `max_floating`: each leaves the floating ones and joins
/// the core of its event (`event_of`), which it starts when the event has
/// none, as the clusterer would take it in (`centroid_of`: its cluster of
/// one). Each settled node's core, by doc.
fn settle(
    txn: &redb::WriteTransaction,
    undated: &[(String, u32)],
    max_floating: usize,
    event_of: impl Fn(u32) -> u32,
    centroid_of: impl Fn(u32) -> Centroid,
    rules: &centroid::Rules,
    (cores, keys): Posted,
) -> Result<HashMap<u32, u32>, IndexError> {
    let mut oldest: Vec<u32> = undated.iter().map(|&(_, doc)| doc).collect();
    oldest.sort_unstable();
    oldest.truncate(undated.len().saturating_sub(max_floating));
    let mut floating = txn.open_table(FLOATING).map_err(store_error)?;
    let mut joined: BTreeMap<u32, (Vec<u64>, Option<Centroid>)> = BTreeMap::new();
    let mut settled = HashMap::with_capacity(oldest.len());
    for doc in oldest {
        floating.remove(doc).map_err(store_error)?;
        let core = event_of(doc);
        let (_, centroid) = match joined.entry(core) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let stored = match cores.get(core).map_err(store_error)? {
                    Some(v) => Some(
                        decode_centroid(v.value())
                            .map_err(|_| store::damaged("event_cores", core))?,
                    ),
                    None => None,
                };
                let before = stored.as_ref().map_or_else(Vec::new, Centroid::keys);
                e.insert((before, stored))
            }
        };
        let own = centroid_of(doc);
        match centroid {
            Some(c) => {
                let score = own.channels(c).score(&rules.weights);
                c.absorb(&own, score);
            }
            None => *centroid = Some(own),
        }
        settled.insert(doc, core);
    }
    for (core, (before, centroid)) in joined {
        let centroid = centroid.expect("a settled node's core holds it");
        write_event(cores, keys, core, &centroid, &before)?;
    }
    Ok(settled)
}

/// Reads stored node `doc`'s cluster of one into `own`, unless there.
fn load_node(
    features: &redb::Table<u32, &'static [u8]>,
    own: &mut HashMap<u32, Centroid>,
    doc: u32,
) -> Result<(), IndexError> {
    if let std::collections::hash_map::Entry::Vacant(e) = own.entry(doc) {
        let value = features
            .get(doc)
            .map_err(store_error)?
            .ok_or_else(|| store::damaged("features", doc))?;
        e.insert(decode_node(value.value()).map_err(|_| store::damaged("features", doc))?);
    }
    Ok(())
}

/// The keys stored event `e` is posted under (none when not stored).
fn stored_keys(events: &redb::Table<u32, &'static [u8]>, e: u32) -> Result<Vec<u64>, IndexError> {
    Ok(match events.get(e).map_err(store_error)? {
        Some(v) => decode_centroid(v.value())
            .map_err(|_| store::damaged("events", e))?
            .keys(),
        None => Vec::new(),
    })
}

fn write_event(
    events: &mut redb::Table<u32, &'static [u8]>,
    keys: &mut redb::Table<(u64, u32), ()>,
    c: u32,
    centroid: &Centroid,
    before: &[u64],
) -> Result<(), IndexError> {
    events
        .insert(c, encode_centroid(centroid).as_slice())
        .map_err(store_error)?;
    let now = centroid.keys();
    for k in before.iter().filter(|k| now.binary_search(k).is_err()) {
        keys.remove((*k, c)).map_err(store_error)?;
    }
    for &k in now.iter().filter(|k| before.binary_search(k).is_err()) {
        keys.insert((k, c), ()).map_err(store_error)?;
    }
    Ok(())
}

/// Takes an expired article out of its cluster: a node's vector leaves
/// the cluster's sums and its core's, a cluster (or core) left empty goes.
pub fn forget(txn: &redb::WriteTransaction, doc: u32) -> Result<(), IndexError> {
    let mut member_of = txn.open_table(MEMBER_OF).map_err(store_error)?;
    let Some(cluster) = member_of
        .remove(doc)
        .map_err(store_error)?
        .map(|v| v.value())
    else {
        return Ok(());
    };
    drop(member_of);
    let mut members = txn.open_table(EVENT_MEMBERS).map_err(store_error)?;
    let row = members
        .remove((cluster, doc))
        .map_err(store_error)?
        .map(|v| v.value());
    drop(members);
    let Some((node, core)) = row.filter(|&(node, _)| node == doc) else {
        return Ok(());
    };
    let mut features = txn.open_table(FEATURES).map_err(store_error)?;
    let own = match features.remove(node).map_err(store_error)? {
        Some(v) => decode_node(v.value()).map_err(|_| store::damaged("features", doc))?,
        None => return Ok(()),
    };
    drop(features);
    txn.open_table(FLOATING)
        .map_err(store_error)?
        .remove(node)
        .map_err(store_error)?;
    leave(txn, EVENTS, EVENT_KEYS, cluster, &own)?;
    match core {
        Some(core) => leave(txn, CORES, CORE_KEYS, core, &own),
        None => Ok(()),
    }
}

/// Takes `own` out of the centroid stored as `c` in `table` (posted in
/// `keys`); the centroid goes when nothing is left.
fn leave(
    txn: &redb::WriteTransaction,
    table: TableDefinition<u32, &[u8]>,
    keys: TableDefinition<(u64, u32), ()>,
    c: u32,
    own: &Centroid,
) -> Result<(), IndexError> {
    let mut events = txn.open_table(table).map_err(store_error)?;
    let mut keys = txn.open_table(keys).map_err(store_error)?;
    let centroid = match events.get(c).map_err(store_error)? {
        Some(v) => decode_centroid(v.value()).map_err(|_| store::damaged(table.name(), c))?,
        None => return Ok(()),
    };
    let before = centroid.keys();
    if centroid.size <= 1 {
        events.remove(c).map_err(store_error)?;
        for k in before {
            keys.remove((k, c)).map_err(store_error)?;
        }
        return Ok(());
    }
    let mut rest = centroid;
    rest.remove(own);
    write_event(&mut events, &mut keys, c, &rest, &before)
}

/// Bytes of the event tables besides the stored vectors.
pub fn bytes(txn: &ReadTransaction) -> Result<u64, IndexError> {
    let size = |s: redb::TableStats| s.stored_bytes() + s.metadata_bytes() + s.fragmented_bytes();
    let stats = [
        txn.open_table(EVENTS).map(|t| t.stats()),
        txn.open_table(EVENT_DF).map(|t| t.stats()),
    ];
    let more = [
        txn.open_table(EVENT_KEYS).map(|t| t.stats()),
        txn.open_table(MEMBER_OF).map(|t| t.stats()),
        txn.open_table(CORES).map(|t| t.stats()),
        txn.open_table(CORE_KEYS).map(|t| t.stats()),
        txn.open_table(EVENT_MEMBERS).map(|t| t.stats()),
    ];
    let floating = [txn.open_table(FLOATING).map(|t| t.stats())];
    let mut total = 0;
    for s in stats.into_iter().chain(more).chain(floating) {
        match s {
            Ok(s) => total += size(s.map_err(store_error)?),
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(store_error(e)),
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::dates::Day;
    use crate::index::{prepare, Index, IndexParams};

    /// Articles of the synthetic news corpus, prepared for an index, with
    /// no date: every one floats.
    fn undated(n: usize, params: &IndexParams) -> Vec<Prepared> {
        let articles: Vec<crate::article::Article> = crate::synth::news_corpus(n, 5)
            .into_iter()
            .map(|a| crate::article::Article {
                line: None,
                origin: a.id.clone(),
                id: a.id.into(),
                source: Some(a.source),
                title: None,
                date: None,
                text: a.text,
                location: Default::default(),
                url: None,
            })
            .collect();
        let mut prepared = prepare(&articles, params).unwrap();
        for p in &mut prepared {
            p.day = None;
        }
        prepared
    }

    /// The library's defaults without cleaning.
    fn params() -> IndexParams {
        let pipeline = crate::config::Config {
            clean: false,
            ..Default::default()
        }
        .validate()
        .unwrap();
        IndexParams::from_pipeline(&pipeline)
    }

    /// Places `part` (docs from `first`, no copies) in the events of
    /// `index` with at most `bound` floating: each article's event.
    fn add(index: &Index, part: &[Prepared], first: u32, bound: usize) -> Vec<u32> {
        let txn = index.db.begin_write().unwrap();
        let part: Vec<&Prepared> = part.iter().collect();
        let docs: Vec<u32> = (first..).take(part.len()).collect();
        let copies = vec![Vec::new(); part.len()];
        let assigned =
            assign_and_store(&txn, &EventParams::default(), &part, &docs, &copies, bound).unwrap();
        txn.commit().unwrap();
        assigned.iter().map(|a| a.event.unwrap()).collect()
    }

    /// An article with these features (terms and names weighing 1 each,
    /// and a figure of its own: real articles have anchors, so the channel
    /// counts and says they differ).
    fn article(id: &str, day: Option<Day>, terms: &str, names: &str) -> Prepared {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        Prepared {
            id: id.into(),
            title: None,
            source: None,
            day,
            text: String::new(),
            shingles: Default::default(),
            features: Some(Features {
                language: "en",
                terms: words(terms).into_iter().map(|t| (t, 1.0)).collect(),
                names: words(names).into_iter().map(|n| (n, 1)).collect(),
                anchors: vec![format!("n:{id}")],
                date: day,
                years: Vec::new(),
            }),
        }
    }

    #[test]
    fn an_undated_article_moves_to_the_story_that_comes_after_it() {
        let params = params();
        let dir = tempfile::tempdir().unwrap();
        let index =
            Index::open_for_writing(&dir.path().join("t.idx"), &params, &|_| false).unwrap();
        // The mill fire, and an undated article on the mill's job cuts
        // that shares a little with it: alone with it, it joins it.
        let first = [
            article("fire", Some(1), "fire mill blaze hall dryer", "roth brandt"),
            article("jobs-0", None, "mill hall jobs cuts union", "hollin okoro"),
        ];
        let events = add(&index, &first, 0, MAX_FLOATING);
        assert_eq!(events[0], events[1], "{events:?}");
        // The job cuts story, dated after the fire: the batch run places
        // the undated article after it, with it; so does the index.
        let later = [
            article(
                "jobs-1",
                Some(3),
                "jobs cuts union ballot strike",
                "hollin okoro vance",
            ),
            article(
                "jobs-2",
                Some(4),
                "jobs cuts union strike talks",
                "okoro vance",
            ),
            article(
                "jobs-3",
                Some(5),
                "jobs cuts union talks ballot",
                "okoro vance",
            ),
        ];
        let events = add(&index, &later, 2, MAX_FLOATING);
        let txn = index.db.begin_read().unwrap();
        let member_of = txn.open_table(MEMBER_OF).unwrap();
        let event = |doc: u32| member_of.get(doc).unwrap().unwrap().value();
        assert_eq!(event(1), events[0], "{events:?}");
        assert!(events.iter().all(|&e| e == events[0]), "{events:?}");
        assert_ne!(event(0), event(1));
    }

    #[test]
    fn undated_nodes_past_the_bound_settle_in_their_events_core() {
        let params = params();
        let dir = tempfile::tempdir().unwrap();
        let index =
            Index::open_for_writing(&dir.path().join("t.idx"), &params, &|_| false).unwrap();
        let batch = undated(60, &params);
        let bound = 10;
        for (k, part) in batch.chunks(20).enumerate() {
            add(&index, part, 20 * k as u32, bound);
        }
        let txn = index.db.begin_read().unwrap();
        let floating = txn.open_table(FLOATING).unwrap();
        assert_eq!(floating.len().unwrap(), bound as u64);
        // The first added settled, each into the core of its event.
        let members = txn.open_table(EVENT_MEMBERS).unwrap();
        let cores = txn.open_table(CORES).unwrap();
        let mut settled = 0;
        for entry in members.iter().unwrap() {
            let (key, value) = entry.unwrap();
            let ((event, doc), (node, core)) = (key.value(), value.value());
            assert_eq!(doc, node, "no copies here");
            let floats = floating.get(doc).unwrap().is_some();
            assert_eq!(core.is_none(), floats, "doc {doc}");
            if let Some(core) = core {
                settled += 1;
                assert!(doc < 60 - bound as u32, "doc {doc} settled");
                assert!(cores.get(core).unwrap().is_some());
                // An event is named by the oldest of its cores.
                assert!(event <= core, "core {core} in event {event}");
            }
        }
        assert_eq!(settled, 60 - bound);
    }
}
