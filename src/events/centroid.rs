//! Event clusters over nodes taken day by day in date order: each day's
//! nodes join the clusters so far, or each other, closest first, by their
//! centroids; members far from the rest of their cluster then leave it.
//! Miranda et al. (EMNLP 2018) compare each new article with cluster
//! centroids in a stream; here the articles of one day (and the undated
//! ones, which come last) arrive together and are placed best first, so
//! neither input order nor id order within a day decides what pairs up.
//!
//! Input: the nodes' story days, sorted (undated last, ties by id: the
//! caller sorts), and a way to make each node's cluster of one from its
//! [`Node`] vectors and years, asked when needed rather than held. Output:
//! each node's cluster.
//!
//! A cluster is a [`Centroid`]: the sums of its members' unit term, name
//! and anchor vectors (the heaviest [`CENTROID_TERMS`] of each kept), its
//! date range, the years its members name and its cohesion (the mean
//! similarity its members joined with). A node is compared with a cluster
//! as a whole ([`Centroid::channels`]: the cosines of the three channels
//! and the time factor of the gap between date ranges, blended by
//! [`Channels::score`]), so one shared name does not chain two events, and
//! a long story's later articles meet what its articles have in common
//! rather than its first one. [`Rules::least`] says when two meet:
//! - a lone node joins at the threshold and `join_ratio` × the cluster's
//!   cohesion, so a same-topic article of another story stays out of a
//!   tight event;
//! - two clusters merge at the merge threshold and `cohesion_ratio` ×
//!   their mean cohesion, and never when both are established and agree on
//!   different years;
//! - a member leaves when its similarity to the rest is below
//!   `evict_ratio` × the other members' (see [`Clusters::leaving`]).
//!
//! Candidates: clusters sharing at least [`MIN_SHARED_KEYS`] of a cluster's
//! top terms and names in postings of each cluster's own top keys; a key
//! posted by more than [`MAX_POSTING`] clusters says little and is skipped,
//! and of the rest the [`MAX_CANDIDATES`] sharing the most keys are scored,
//! so a node costs the same however large the corpus. Never all pairs, and
//! no pair edges are held: centroids and postings only.
//!
//! One implementation for both paths: a [`Clusterer`] over live
//! [`Clusters`] takes days of nodes. The batch run ([`cluster`]) starts
//! with none; the persistent index starts with its stored events, which
//! the clusters read through a [`Store`] only as they are met (postings of
//! a key, a candidate's centroid).
//!
//! Invariants: the result depends on the nodes and their order only, never
//! on the thread count; ties go to the older clusters (the smaller ids).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::dates::Day;
use super::score::{counted, gap_factor, Weights, UNDATED_TIME};
use super::vectors::{heavier, keep_heaviest, Node, Sparse};
use crate::keymap::KeyMap;

/// Entries of each centroid channel kept: the tail of a big cluster's sum
/// weighs little in a cosine, and bounds memory per cluster.
pub const CENTROID_TERMS: usize = 300;
/// Content terms of each cluster (or node) that go into the postings.
pub const TOP_TERMS: usize = 30;
/// Names of each cluster (or node) that go into the postings.
pub const TOP_NAMES: usize = 10;
/// Postings holding more clusters than this are not expanded.
pub const MAX_POSTING: usize = 200;
/// Top keys a node and a cluster must share to be compared.
pub const MIN_SHARED_KEYS: usize = 2;
/// Clusters a node (or cluster) is scored against: those sharing the most
/// top keys with it. Without a bound the candidates grow with the corpus
/// (a mean of 21 a node at 10k kit articles, 43 at 100k, up to 247), and
/// scoring them was most of the event stage. On ECB+ train+dev in one run
/// (777 articles, `scripts/eval-events.sh`) 8 loses 0.011 BCubed F1 and
/// 16 changes nothing: twice that.
pub const MAX_CANDIDATES: usize = 32;
/// Clusters this large have a year their members agree on that is trusted.
pub const ESTABLISHED: u32 = 3;
/// See [`year_conflict`]: "less than half as often".
pub const YEAR_AGREEMENT: f64 = 0.5;

/// Keeps name keys apart from term keys in the postings.
const NAME_SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// What the clusterer decides on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Channel weights, normalised.
    pub weights: Weights,
    /// Least similarity of a node to the cluster it joins.
    pub threshold: f64,
    /// Least similarity of two clusters that merge.
    pub merge_threshold: f64,
    /// A node joins a cluster only this close relative to its cohesion.
    pub join_ratio: f64,
    /// Two clusters merge only this close relative to their mean cohesion.
    pub cohesion_ratio: f64,
    /// A member stays in its cluster only this close to the rest of it,
    /// relative to the members' mean.
    pub evict_ratio: f64,
}

impl Rules {
    /// The least similarity at which `a` and `b` come together; infinite
    /// when they must not. A lone node joins at the threshold and
    /// `join_ratio` × the other's cohesion; two clusters merge at the merge
    /// threshold and `cohesion_ratio` × their mean cohesion, unless they
    /// agree on different years.
    pub fn least(&self, a: &Centroid, b: &Centroid) -> f64 {
        if a.size == 1 || b.size == 1 {
            let cohesion = a.cohesion().or(b.cohesion()).unwrap_or(0.0);
            return self.threshold.max(self.join_ratio * cohesion);
        }
        if year_conflict(a, b) || year_conflict(b, a) {
            return f64::INFINITY;
        }
        let (ca, cb) = (a.cohesion().unwrap_or(0.0), b.cohesion().unwrap_or(0.0));
        self.merge_threshold
            .max(self.cohesion_ratio * (ca + cb) / 2.0)
    }
}

/// A cluster: summed member vectors and what guards need.
#[derive(Debug, Clone, PartialEq)]
pub struct Centroid {
    /// Members (nodes).
    pub size: u32,
    /// Sum of the similarities members joined with (a merge adds both
    /// sides' and the similarity of the merge, weighted by the pairs it links).
    pub(crate) inner: f64,
    pub(crate) terms: Sparse,
    pub(crate) names: Sparse,
    pub(crate) anchors: Sparse,
    /// Euclidean lengths of the three sums.
    norms: [f64; 3],
    /// The language of the first member: terms count only within it.
    pub language: &'static str,
    /// Earliest and latest story day of a member, when any is dated.
    pub dates: Option<(Day, Day)>,
    /// How many members name each year, sorted by year.
    pub(crate) years: Vec<(i32, u32)>,
}

/// `a + b` for sorted sparse vectors.
fn add(a: &[(u64, f32)], b: &[(u64, f32)]) -> Sparse {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    heaviest(out, CENTROID_TERMS)
}

/// `a - b` for sorted sparse vectors, entries that fall to 0 or below dropped.
fn sub(a: &[(u64, f32)], b: &[(u64, f32)]) -> Sparse {
    let mut out = Vec::with_capacity(a.len());
    let mut j = 0;
    for &(k, w) in a {
        while j < b.len() && b[j].0 < k {
            j += 1;
        }
        let w = if j < b.len() && b[j].0 == k {
            w - b[j].1
        } else {
            w
        };
        if w > 1e-6 {
            out.push((k, w));
        }
    }
    out
}

/// `v` (sorted by key) without all but its `n` heaviest entries (ties to
/// the smaller key), still sorted by key: the `n`-th heaviest is selected
/// from a copy, and the entries no lighter than it are kept in place.
fn heaviest(mut v: Sparse, n: usize) -> Sparse {
    debug_assert!(v.windows(2).all(|w| w[0].0 < w[1].0), "sorted by key");
    if n == 0 {
        v.clear();
    } else if v.len() > n {
        let mut scratch = v.clone();
        let (_, &mut last, _) = scratch.select_nth_unstable_by(n - 1, heavier);
        v.retain(|e| heavier(e, &last) != Ordering::Greater);
    }
    v
}

fn norm(v: &[(u64, f32)]) -> f64 {
    v.iter()
        .map(|&(_, w)| w as f64 * w as f64)
        .sum::<f64>()
        .sqrt()
}

/// Dot product of two sorted sparse vectors. The walk advances by
/// comparison results rather than by a three-way branch: which side moves
/// is unpredictable, and a mispredicted branch per step was most of the
/// event stage's scoring (`Centroid::channels`). The products are summed in
/// the same order as a plain merge, so the result is the same to the bit.
fn dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let ((ka, wa), (kb, wb)) = (a[i], b[j]);
        if ka == kb {
            dot += wa as f64 * wb as f64;
        }
        i += usize::from(ka <= kb);
        j += usize::from(kb <= ka);
    }
    dot
}

fn cosine(a: &[(u64, f32)], na: f64, b: &[(u64, f32)], nb: f64) -> f64 {
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    (dot(a, b) / (na * nb)).min(1.0)
}

/// The time factor of the gap between two date ranges; neutral
/// ([`UNDATED_TIME`]) when one is undated.
pub fn range_factor(a: Option<(Day, Day)>, b: Option<(Day, Day)>) -> f64 {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => gap_factor((a0 - b1).max(b0 - a1).max(0)),
        _ => UNDATED_TIME,
    }
}

/// The similarity channels of two clusters: cosines of terms (0 across
/// languages), names and anchors, and the time factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Channels {
    pub terms: f64,
    pub names: f64,
    pub anchors: f64,
    pub time: f64,
    /// Which of terms, names and anchors the two can carry
    /// ([`Weights::counted`]).
    pub counted: [bool; 3],
}

impl Channels {
    /// The weighted blend times the time factor, in [0, 1].
    pub fn score(&self, w: &Weights) -> f64 {
        self.time * self.content(w)
    }

    /// The weighted blend before the time factor: channels neither side
    /// can carry are dropped, the others scaled up to the same total
    /// weight ([`Weights::blend`]).
    pub fn content(&self, w: &Weights) -> f64 {
        w.blend([self.terms, self.names, self.anchors], self.counted)
    }
}

impl Centroid {
    /// The cluster of one node.
    pub fn of(node: &Node, years: &[i32]) -> Centroid {
        let a = node.anchors.len();
        let anchors: Sparse = node
            .anchors
            .iter()
            .map(|&k| (k, 1.0 / (a as f32).sqrt()))
            .collect();
        let mut counted: Vec<(i32, u32)> = years.iter().map(|&y| (y, 1)).collect();
        counted.sort_unstable();
        counted.dedup();
        let terms = heaviest(node.terms.clone(), CENTROID_TERMS);
        let names = heaviest(node.names.clone(), CENTROID_TERMS);
        let anchors = heaviest(anchors, CENTROID_TERMS);
        Centroid {
            size: 1,
            inner: 0.0,
            norms: [norm(&terms), norm(&names), norm(&anchors)],
            terms,
            names,
            anchors,
            language: node.language,
            dates: node.date.map(|d| (d, d)),
            years: counted,
        }
    }

    /// Mean similarity members joined with; `None` for one member.
    pub fn cohesion(&self) -> Option<f64> {
        (self.size > 1).then(|| self.inner / (self.size - 1) as f64)
    }

    /// Takes `other`'s members in, which meet it at `similarity`.
    pub fn absorb(&mut self, other: &Centroid, similarity: f64) {
        self.inner += other.inner + similarity * other.size as f64;
        self.size += other.size;
        self.terms = add(&self.terms, &other.terms);
        self.names = add(&self.names, &other.names);
        self.anchors = add(&self.anchors, &other.anchors);
        self.norms = [norm(&self.terms), norm(&self.names), norm(&self.anchors)];
        self.dates = match (self.dates, other.dates) {
            (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
            (a, b) => a.or(b),
        };
        let mut years: Vec<(i32, u32)> = self.years.iter().chain(&other.years).copied().collect();
        years.sort_unstable_by_key(|&(y, _)| y);
        years.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 += next.1;
            }
            same
        });
        self.years = years;
    }

    /// The cluster without `member` (one of its members): its sums less
    /// the member's vectors, for a leave-one-out comparison.
    pub fn without(&self, member: &Centroid) -> Centroid {
        let terms = sub(&self.terms, &member.terms);
        let names = sub(&self.names, &member.names);
        let anchors = sub(&self.anchors, &member.anchors);
        Centroid {
            size: self.size - 1,
            inner: self.inner,
            norms: [norm(&terms), norm(&names), norm(&anchors)],
            terms,
            names,
            anchors,
            language: self.language,
            dates: self.dates,
            years: self.years.clone(),
        }
    }

    /// Lets `member` (one of its members) go: [`Centroid::without`], and
    /// the years it names counted out. The date range and the similarities
    /// members joined with stay: they are not kept per member.
    pub(crate) fn remove(&mut self, member: &Centroid) {
        let mut rest = self.without(member);
        for &(year, n) in &member.years {
            if let Ok(i) = rest.years.binary_search_by_key(&year, |&(y, _)| y) {
                rest.years[i].1 = rest.years[i].1.saturating_sub(n);
            }
        }
        rest.years.retain(|&(_, n)| n > 0);
        *self = rest;
    }

    /// A stored cluster's centroid, its lengths worked out again.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn stored(
        size: u32,
        inner: f64,
        terms: Sparse,
        names: Sparse,
        anchors: Sparse,
        language: &'static str,
        dates: Option<(Day, Day)>,
        years: Vec<(i32, u32)>,
    ) -> Centroid {
        Centroid {
            size,
            inner,
            norms: [norm(&terms), norm(&names), norm(&anchors)],
            terms,
            names,
            anchors,
            language,
            dates,
            years,
        }
    }

    /// The channels of `self` against `other`.
    pub fn channels(&self, other: &Centroid) -> Channels {
        let same_language = self.language == other.language;
        let [t, n, a] = self.norms;
        let [ot, on, oa] = other.norms;
        Channels {
            terms: if same_language {
                cosine(&self.terms, t, &other.terms, ot)
            } else {
                0.0
            },
            names: cosine(&self.names, n, &other.names, on),
            anchors: cosine(&self.anchors, a, &other.anchors, oa),
            time: range_factor(self.dates, other.dates),
            counted: counted(
                same_language,
                [!self.names.is_empty(), !other.names.is_empty()],
                [!self.anchors.is_empty(), !other.anchors.is_empty()],
            ),
        }
    }

    /// The keys the cluster is posted under: its heaviest terms and names.
    pub fn keys(&self) -> Vec<u64> {
        let top = |v: &Sparse, n: usize| {
            let mut v = v.clone();
            keep_heaviest(&mut v, n);
            v.into_iter().map(|(k, _)| k)
        };
        let mut keys: Vec<u64> = top(&self.terms, TOP_TERMS)
            .chain(top(&self.names, TOP_NAMES).map(|k| k ^ NAME_SALT))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// Whether `a`'s members agree on a year that `b`'s rarely name: a year
/// more than half of an established `a` names that `b` names less than
/// half as often. Two stories told in different years are two events of
/// one kind (the 2008 and the 2011 pirate captures), however alike their
/// words.
pub fn year_conflict(a: &Centroid, b: &Centroid) -> bool {
    if a.size < ESTABLISHED || b.size < ESTABLISHED {
        return false;
    }
    let share = |c: &Centroid, year: i32| {
        let n = c
            .years
            .binary_search_by_key(&year, |&(y, _)| y)
            .map_or(0, |i| c.years[i].1);
        n as f64 / c.size as f64
    };
    a.years
        .iter()
        .filter(|&&(_, n)| 2 * n > a.size)
        .any(|&(year, _)| share(b, year) < YEAR_AGREEMENT * share(a, year))
}

/// Clusters kept elsewhere (the persistent index) that a [`Clusters`]
/// reads when it meets them: the postings of a key when a cluster posted
/// under it looks for candidates, a centroid when it is a candidate. A
/// batch run keeps none ([`Nothing`]).
pub(crate) trait Store {
    type Error;
    /// Adds to `found` the stored clusters posted under `key`.
    fn posted(&mut self, key: u64, found: &mut Vec<u32>) -> Result<(), Self::Error>;
    /// The stored cluster `id` (one that [`Store::posted`] gave).
    fn centroid(&mut self, id: u32) -> Result<Centroid, Self::Error>;
}

/// No stored clusters: a batch run.
pub(crate) struct Nothing;

impl Store for Nothing {
    type Error = std::convert::Infallible;

    fn posted(&mut self, _: u64, _: &mut Vec<u32>) -> Result<(), Self::Error> {
        Ok(())
    }

    fn centroid(&mut self, id: u32) -> Result<Centroid, Self::Error> {
        unreachable!("cluster {id} is stored, but a batch run stores none")
    }
}

/// Live clusters and the postings of their top keys.
#[derive(Debug, Default)]
pub struct Clusters {
    /// By id; `None` once merged into another, or while still stored.
    /// Boxed: an index's clusters start as one `None` per stored id.
    pub live: Vec<Option<Box<Centroid>>>,
    /// The keys each cluster is posted under now.
    posted: Vec<Vec<u64>>,
    /// Key → clusters posted under it, by id.
    postings: KeyMap<Vec<u32>>,
    /// Merges each cluster has taken in: a meeting scored before one is
    /// stale.
    version: Vec<u32>,
    /// Clusters still in the [`Store`], not read yet (ids below its length).
    unread: Vec<bool>,
    /// Keys whose stored postings have been read into `postings`.
    fetched: crate::keymap::KeySet,
}

impl Clusters {
    /// Clusters `0..stored` kept in a [`Store`], read when met; new ones
    /// follow them.
    pub(crate) fn stored(stored: u32) -> Clusters {
        let n = stored as usize;
        Clusters {
            live: vec![None; n],
            posted: vec![Vec::new(); n],
            unread: vec![true; n],
            ..Clusters::default()
        }
    }

    /// Whether cluster `c` is still only in the store.
    fn is_unread(&self, c: u32) -> bool {
        self.unread.get(c as usize).copied().unwrap_or(false)
    }

    /// Merges cluster `c` has taken in since it was started or read.
    pub(crate) fn merges(&self, c: u32) -> u32 {
        self.version.get(c as usize).copied().unwrap_or(0)
    }

    /// Reads from `store` the postings of `keys` not read yet and the
    /// clusters among their candidates, so that [`Clusters::candidates`]
    /// of `keys` is complete and every candidate live. Nothing to do
    /// without stored clusters.
    fn fetch<S: Store>(&mut self, keys: &[u64], store: &mut S) -> Result<(), S::Error> {
        if self.unread.is_empty() {
            return Ok(());
        }
        let mut found = Vec::new();
        for &k in keys {
            if !self.fetched.insert(k) {
                continue;
            }
            found.clear();
            store.posted(k, &mut found)?;
            // Clusters read already are posted in memory as they are now.
            found.retain(|&c| self.is_unread(c));
            if !found.is_empty() {
                let p = self.postings.entry(k).or_default();
                for &c in &found {
                    if let Err(i) = p.binary_search(&c) {
                        p.insert(i, c);
                    }
                }
            }
        }
        for c in self.candidates(keys) {
            if self.is_unread(c) {
                self.unread[c as usize] = false;
                self.live[c as usize] = Some(Box::new(store.centroid(c)?));
                self.repost(c);
            }
        }
        Ok(())
    }

    /// [`Clusters::fetch`] of the keys cluster `a` is posted under.
    fn fetch_around<S: Store>(&mut self, a: u32, store: &mut S) -> Result<(), S::Error> {
        if self.unread.is_empty() {
            return Ok(());
        }
        let keys = self.posted[a as usize].clone();
        self.fetch(&keys, store)
    }

    /// Clusters sharing at least [`MIN_SHARED_KEYS`] of `keys`, by id: the
    /// [`MAX_CANDIDATES`] sharing the most.
    fn candidates(&self, keys: &[u64]) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        for k in keys {
            if let Some(p) = self.postings.get(k).filter(|p| p.len() <= MAX_POSTING) {
                found.extend_from_slice(p);
            }
        }
        found.sort_unstable();
        let mut shared: Vec<(usize, u32)> = found
            .chunk_by(|x, y| x == y)
            .filter(|run| run.len() >= MIN_SHARED_KEYS)
            .map(|run| (run.len(), run[0]))
            .collect();
        if shared.len() > MAX_CANDIDATES {
            // The most shared keys first, the older cluster on a tie.
            shared.select_nth_unstable_by(MAX_CANDIDATES - 1, |a, b| {
                b.0.cmp(&a.0).then(a.1.cmp(&b.1))
            });
            shared.truncate(MAX_CANDIDATES);
            shared.sort_unstable_by_key(|&(_, c)| c);
        }
        shared.into_iter().map(|(_, c)| c).collect()
    }

    /// Posts cluster `c` under its current keys.
    fn repost(&mut self, c: u32) {
        let keys = self.live[c as usize]
            .as_ref()
            .map_or_else(Vec::new, |c| c.keys());
        let old = std::mem::take(&mut self.posted[c as usize]);
        for k in old.iter().filter(|k| keys.binary_search(k).is_err()) {
            if let Some(p) = self.postings.get_mut(k) {
                if let Ok(i) = p.binary_search(&c) {
                    p.remove(i);
                }
                if p.is_empty() {
                    self.postings.remove(k);
                }
            }
        }
        for &k in keys.iter().filter(|k| old.binary_search(k).is_err()) {
            let p = self.postings.entry(k).or_default();
            if let Err(i) = p.binary_search(&c) {
                p.insert(i, c);
            }
        }
        self.posted[c as usize] = keys;
    }

    /// Starts a cluster of `centroid`; its id.
    pub fn start(&mut self, centroid: Centroid) -> u32 {
        let id = self.live.len() as u32;
        self.live.push(Some(Box::new(centroid)));
        self.posted.push(Vec::new());
        self.repost(id);
        id
    }

    /// Merges clusters that meet ([`Rules::least`]), closest pair first,
    /// where at least one of each pair is cluster `from` or later or has
    /// changed in this pass; `into[c]` is the cluster `c` went into (itself
    /// if it stayed), which may have gone into another since: see
    /// [`resolve`]. Stored clusters are read from `store` as they are met.
    pub(crate) fn merge<S: Store>(
        &mut self,
        rules: &Rules,
        from: u32,
        into: &mut Vec<u32>,
        store: &mut S,
    ) -> Result<(), S::Error> {
        into.extend(into.len() as u32..self.live.len() as u32);
        self.version.resize(self.live.len(), 0);
        for a in from..self.live.len() as u32 {
            self.fetch_around(a, store)?;
        }
        // The heap's order is total but for equal meetings, which are the
        // same pair at the same score: filling it in parallel changes
        // nothing.
        let mut heap: BinaryHeap<Meeting> = (from..self.live.len() as u32)
            .into_par_iter()
            .flat_map_iter(|a| self.meetings(rules, a))
            .collect();
        while let Some(m) = heap.pop() {
            let (a, b) = (m.low as usize, m.high as usize);
            if self.live[a].is_none()
                || self.live[b].is_none()
                || (self.version[a], self.version[b]) != m.versions
            {
                continue;
            }
            let other = self.live[b].take().expect("live");
            self.live[a].as_mut().expect("live").absorb(&other, m.score);
            self.repost(m.high);
            self.repost(m.low);
            self.version[a] += 1;
            into[b] = m.low;
            self.fetch_around(m.low, store)?;
            heap.extend(self.meetings(rules, m.low));
        }
        Ok(())
    }

    /// The meetings of cluster `a` with the clusters it shares keys with.
    fn meetings(&self, rules: &Rules, a: u32) -> Vec<Meeting> {
        let Some(ca) = &self.live[a as usize] else {
            return Vec::new();
        };
        let meet = |&b: &u32| {
            let cb = self.live[b as usize].as_ref().filter(|_| b != a)?;
            let score = meeting_score(rules, ca, cb)?;
            let (low, high) = (a.min(b), a.max(b));
            Some(Meeting {
                score,
                low,
                high,
                versions: (self.version[low as usize], self.version[high as usize]),
            })
        };
        // At most `MAX_CANDIDATES`: too few to be worth other threads.
        self.candidates(&self.posted[a as usize])
            .iter()
            .filter_map(meet)
            .collect()
    }

    /// The live cluster `own` (a cluster of its own, not added) would
    /// join, the closest that meets it ([`Rules::least`]; ties to the
    /// older), and its score: what a placement would do with it alone.
    pub(crate) fn closest<S: Store>(
        &mut self,
        rules: &Rules,
        own: &Centroid,
        store: &mut S,
    ) -> Result<Option<(u32, f64)>, S::Error> {
        let keys = own.keys();
        self.fetch(&keys, store)?;
        let mut best: Option<(u32, f64)> = None;
        for c in self.candidates(&keys) {
            let Some(cluster) = &self.live[c as usize] else {
                continue;
            };
            if let Some(score) = meeting_score(rules, own, cluster) {
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((c, score));
                }
            }
        }
        Ok(best)
    }

    /// Members of the `judged` clusters (each with its members, three or
    /// more) whose similarity to the rest of their cluster (before the time
    /// factor) is below `evict_ratio` × the other members' mean such
    /// similarity: each with its cluster. `centroid_of(m)` is member `m`'s
    /// cluster of one. A one-pass clusterer can pair a same-day, same-topic
    /// article with a story's first article before the story has a centroid
    /// to compare it with; this undoes that once the story is whole. Judged
    /// against the clusters as they are, all in one step, so the order of
    /// evictions never matters.
    pub(crate) fn leaving<M: Copy + Send + Sync>(
        &self,
        judged: &[(u32, Vec<M>)],
        centroid_of: impl Fn(M) -> Centroid + Sync,
        rules: &Rules,
    ) -> Vec<(u32, M)> {
        judged
            .par_iter()
            .flat_map_iter(|(c, members)| {
                let cluster = self.live[*c as usize].as_ref().expect("live");
                let alone: Vec<f64> = members
                    .iter()
                    .map(|&m| {
                        let own = centroid_of(m);
                        own.channels(&cluster.without(&own)).content(&rules.weights)
                    })
                    .collect();
                let mean = alone.iter().sum::<f64>() / alone.len() as f64;
                let others = |s: f64| (mean * alone.len() as f64 - s) / (alone.len() - 1) as f64;
                members
                    .iter()
                    .zip(&alone)
                    .filter(|&(_, &s)| s < rules.evict_ratio * others(s))
                    .map(|(&m, _)| (*c, m))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The score at which `a` meets `b`, if they meet ([`Rules::least`]).
fn meeting_score(rules: &Rules, a: &Centroid, b: &Centroid) -> Option<f64> {
    // A score is the time factor times a blend of cosines of at most 1:
    // clusters too far apart in time cannot meet, and their vectors need
    // no comparing.
    let least = rules.least(a, b);
    if range_factor(a.dates, b.dates) < least {
        return None;
    }
    let score = a.channels(b).score(&rules.weights);
    (score >= least).then_some(score)
}

/// Follows each cluster's chain of merges ([`Clusters::merge`]'s `into`)
/// to the cluster that stayed.
fn resolve(into: &mut [u32]) {
    for c in 0..into.len() {
        let mut t = into[c];
        while into[t as usize] != t {
            t = into[t as usize];
        }
        into[c] = t;
    }
}

/// A candidate merge: ordered by score, then the older pair first.
#[derive(Debug, Clone, Copy)]
struct Meeting {
    score: f64,
    low: u32,
    high: u32,
    versions: (u32, u32),
}

impl Ord for Meeting {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.low.cmp(&self.low))
            .then_with(|| other.high.cmp(&self.high))
    }
}

impl PartialOrd for Meeting {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Meeting {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Meeting {}

/// The placement step both paths run: live clusters (none, or stored ones
/// read on demand) fed days of nodes. The batch run is this fed the whole
/// corpus ([`cluster`]); `dedup index add` feeds it a batch's new nodes
/// over the stored clusters.
pub(crate) struct Clusterer {
    pub(crate) clusters: Clusters,
    /// See [`Clusters::merge`].
    into: Vec<u32>,
    rules: Rules,
}

impl Clusterer {
    /// Over `clusters`: [`Clusters::default`] for a batch run, or
    /// [`Clusters::stored`].
    pub(crate) fn new(clusters: Clusters, rules: Rules) -> Clusterer {
        Clusterer {
            clusters,
            into: Vec::new(),
            rules,
        }
    }

    /// Takes one day's nodes (each a cluster of one, [`Centroid::of`]):
    /// each starts a cluster, then clusters meet ([`Clusters::merge`],
    /// pairs with a new cluster only). The clusters started, in order.
    pub(crate) fn day<S: Store>(
        &mut self,
        alone: Vec<Centroid>,
        store: &mut S,
    ) -> Result<Vec<u32>, S::Error> {
        let from = self.clusters.live.len() as u32;
        let started = alone.into_iter().map(|c| self.clusters.start(c)).collect();
        self.clusters
            .merge(&self.rules, from, &mut self.into, store)?;
        Ok(started)
    }

    /// The cluster each cluster so far went into (itself if it stayed).
    pub(crate) fn resolved(&mut self) -> &[u32] {
        self.into
            .extend(self.into.len() as u32..self.clusters.live.len() as u32);
        resolve(&mut self.into);
        &self.into
    }
}

/// The cluster of each node, the nodes taken a day at a time in the order
/// of `days` (node `i`'s story day) by a [`Clusterer`] with nothing stored;
/// at the end members far from the rest of their cluster leave it
/// ([`Clusters::leaving`], clusters of three or more). `centroid_of(i)` is
/// the cluster of node `i` alone ([`Centroid::of`]), made when needed (a
/// day's nodes, then the members of clusters of three or more), so that no
/// node's vectors are held after its day. Clusters are named by their
/// first node's place in that order; the second value holds the clusters'
/// centroids.
pub fn cluster(
    days: &[Option<Day>],
    centroid_of: impl Fn(usize) -> Centroid + Sync,
    rules: &Rules,
) -> (Vec<u32>, Clusters) {
    let mut clusterer = Clusterer::new(Clusters::default(), *rules);
    let mut label: Vec<u32> = Vec::with_capacity(days.len());
    for day in days.chunk_by(|a, b| a == b) {
        let first = label.len();
        let alone: Vec<Centroid> = (first..first + day.len())
            .into_par_iter()
            .map(&centroid_of)
            .collect();
        let Ok(started) = clusterer.day(alone, &mut Nothing);
        label.extend(started);
    }
    let into = clusterer.resolved();
    let mut label: Vec<u32> = label.iter().map(|&c| into[c as usize]).collect();
    let mut clusters = clusterer.clusters;
    let mut members: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (n, &c) in label.iter().enumerate() {
        members.entry(c).or_default().push(n);
    }
    // The batch run's last step: the members [`Clusters::leaving`] names
    // start clusters of their own (an index leaves its clusters whole and
    // reports the same members as events of their own).
    let judged: Vec<(u32, Vec<usize>)> =
        members.into_iter().filter(|(_, m)| m.len() >= 3).collect();
    for (c, n) in clusters.leaving(&judged, &centroid_of, rules) {
        let own = centroid_of(n);
        clusters.live[c as usize]
            .as_mut()
            .expect("live")
            .remove(&own);
        clusters.repost(c);
        label[n] = clusters.start(own);
    }
    (label, clusters)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rules = Rules {
        weights: Weights {
            terms: 0.5,
            names: 0.25,
            anchors: 0.25,
        },
        threshold: 0.2,
        merge_threshold: 0.3,
        join_ratio: 0.3,
        cohesion_ratio: 0.3,
        evict_ratio: 0.55,
    };

    fn unit(keys: &[u64]) -> Sparse {
        let w = 1.0 / (keys.len() as f32).sqrt();
        let mut v: Sparse = keys.iter().map(|&k| (k, w)).collect();
        v.sort_unstable_by_key(|&(k, _)| k);
        v
    }

    /// A node with the terms and names given and an anchor of its own (a
    /// figure no other node gives): the anchors channel counts, as it does
    /// for real articles, and says they differ.
    fn node(terms: &[u64], names: &[u64], date: Option<Day>) -> Node {
        static ANCHOR: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1 << 40);
        let anchor = ANCHOR.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Node {
            terms: unit(terms),
            names: unit(names),
            anchors: vec![anchor],
            language: "en",
            date,
        }
    }

    fn run(nodes: &[Node], years: &[Vec<i32>]) -> Vec<u32> {
        let days: Vec<Option<Day>> = nodes.iter().map(|n| n.date).collect();
        cluster(&days, |i| Centroid::of(&nodes[i], &years[i]), &RULES).0
    }

    #[test]
    fn one_shared_name_does_not_chain_two_events() {
        // Two stories about one person (name 100), each told three times,
        // and an article that shares a little of each.
        let nodes = [
            node(&[1, 2, 3, 4], &[100, 101], None),
            node(&[1, 2, 3, 5], &[100, 101], None),
            node(&[1, 2, 4, 5], &[100, 101], None),
            node(&[11, 12, 13, 14], &[100, 102], None),
            node(&[11, 12, 13, 15], &[100, 102], None),
            node(&[11, 12, 14, 15], &[100, 102], None),
            node(&[1, 11, 20, 21], &[100], None),
        ];
        let label = run(&nodes, &vec![Vec::new(); nodes.len()]);
        assert!(label[..3].iter().all(|&l| l == label[0]), "{label:?}");
        assert!(label[3..6].iter().all(|&l| l == label[3]), "{label:?}");
        assert_ne!(label[0], label[3], "{label:?}");
    }

    #[test]
    fn a_long_story_gathers_its_later_articles() {
        // Each article shares words with the few before it, none with the
        // first once the story has moved on; two days apart, over 3 weeks.
        let nodes: Vec<Node> = (0..12u64)
            .map(|k| node(&[k, k + 1, k + 2, k + 3], &[100], Some(2 * k as Day)))
            .collect();
        assert_eq!(
            nodes[0]
                .terms
                .iter()
                .filter(|t| nodes[6].terms.contains(t))
                .count(),
            0
        );
        let label = run(&nodes, &vec![Vec::new(); nodes.len()]);
        assert!(label.iter().all(|&l| l == 0), "{label:?}");
    }

    #[test]
    fn clusters_far_apart_in_time_stay_apart() {
        let story = |day| {
            [
                node(&[1, 2, 3, 4], &[100], Some(day)),
                node(&[1, 2, 3, 5], &[100], Some(day + 1)),
            ]
        };
        let nodes: Vec<Node> = story(0).into_iter().chain(story(60)).collect();
        let label = run(&nodes, &vec![Vec::new(); 4]);
        assert_eq!(label, [0, 0, 2, 2]);
        // Undated, they are one story.
        let undated: Vec<Node> = nodes
            .into_iter()
            .map(|n| Node { date: None, ..n })
            .collect();
        assert_eq!(run(&undated, &vec![Vec::new(); 4]), [0, 0, 0, 0]);
    }

    /// A cluster of `n` copies of one story told in `year`, its members
    /// joined at `similarity`.
    fn grown(n: u32, terms: &[u64], year: i32, similarity: f64) -> Centroid {
        let one = Centroid::of(&node(terms, &[100], None), &[year]);
        let mut c = one.clone();
        for _ in 1..n {
            c.absorb(&one, similarity);
        }
        c
    }

    #[test]
    fn two_established_stories_of_different_years_do_not_merge() {
        let merged = |a: Centroid, b: Centroid| {
            let mut clusters = Clusters::default();
            let (a, _) = (clusters.start(a), clusters.start(b));
            let mut into = Vec::new();
            let Ok(()) = clusters.merge(&RULES, 0, &mut into, &mut Nothing);
            (into == [a, a], clusters)
        };
        let story = [1, 2, 3, 4];
        assert!(!merged(grown(3, &story, 2008, 0.5), grown(3, &story, 2011, 0.5)).0);
        // The same stories in one year meet and merge, into the older.
        let (together, clusters) = merged(grown(3, &story, 2011, 0.5), grown(3, &story, 2011, 0.5));
        assert!(together);
        assert_eq!(clusters.live[0].as_ref().unwrap().size, 6);
    }

    #[test]
    fn a_tight_event_keeps_a_loose_same_topic_article_out() {
        let tight = grown(3, &[1, 2, 3, 4, 5], 2011, 0.9);
        // Shares the topic words, not the story's.
        let loose = Centroid::of(&node(&[1, 30, 31, 32, 33], &[100], None), &[]);
        let s = loose.channels(&tight).score(&RULES.weights);
        assert!(s >= RULES.threshold, "similar enough on its own: {s}");
        assert!(s < RULES.least(&loose, &tight), "{s}");
        // A close one joins.
        let close = Centroid::of(&node(&[1, 2, 3, 4, 6], &[100], None), &[]);
        let s = close.channels(&tight).score(&RULES.weights);
        assert!(s >= RULES.least(&close, &tight), "{s}");
    }

    #[test]
    fn a_same_day_pair_of_two_stories_comes_apart_once_one_story_is_whole() {
        // Day 1: the story's first article and another story's; undated:
        // the rest of the first story.
        let nodes = [
            node(&[1, 2, 3, 4], &[100, 101], Some(1)),
            node(&[1, 20, 21, 22], &[100, 102], Some(1)),
            node(&[1, 2, 3, 5], &[100, 101], None),
            node(&[1, 2, 4, 5], &[100, 101], None),
            node(&[2, 3, 4, 5], &[100, 101], None),
        ];
        let label = run(&nodes, &vec![Vec::new(); nodes.len()]);
        assert!([2, 3, 4].iter().all(|&n| label[n] == label[0]), "{label:?}");
        assert_ne!(label[1], label[0], "{label:?}");
    }

    /// Clusters kept apart as an index keeps them: by id, gone ones `None`.
    struct Kept(Vec<Option<Centroid>>);

    impl Store for Kept {
        type Error = std::convert::Infallible;

        fn posted(&mut self, key: u64, found: &mut Vec<u32>) -> Result<(), Self::Error> {
            let posted = |c: &Option<Centroid>| c.as_ref().is_some_and(|c| c.keys().contains(&key));
            found.extend((0..self.0.len() as u32).filter(|&i| posted(&self.0[i as usize])));
            Ok(())
        }

        fn centroid(&mut self, id: u32) -> Result<Centroid, Self::Error> {
            Ok(self.0[id as usize].clone().expect("posted clusters live"))
        }
    }

    /// Each node's cluster after feeding `nodes` a day at a time.
    fn fed(clusterer: &mut Clusterer, nodes: &[Node], store: &mut impl Store) -> Vec<u32> {
        let mut started = Vec::new();
        for day in nodes.chunk_by(|a, b| a.date == b.date) {
            let alone = day.iter().map(|n| Centroid::of(n, &[])).collect();
            let Ok(s) = clusterer.day(alone, store) else {
                unreachable!()
            };
            started.extend(s);
        }
        started
    }

    #[test]
    fn clusters_stored_then_fed_the_rest_end_as_one_run_over_everything() {
        // Two stories, told a few days each, and one that starts later.
        let mut nodes: Vec<Node> = (0..8u64)
            .flat_map(|k| {
                [
                    node(&[k, k + 1, k + 2, 50], &[100], Some(k as Day)),
                    node(&[20 + k, 21 + k, 22 + k, 60], &[101], Some(k as Day)),
                ]
            })
            .collect();
        nodes.push(node(&[70, 71, 72, 73], &[102], Some(6)));
        nodes.push(node(&[70, 71, 72, 74], &[102], Some(7)));
        nodes.sort_by_key(|n| n.date);
        let mut whole = Clusterer::new(Clusters::default(), RULES);
        let started = fed(&mut whole, &nodes, &mut Nothing);
        let into = whole.resolved();
        let once: Vec<u32> = started.iter().map(|&c| into[c as usize]).collect();

        let split = nodes.iter().position(|n| n.date == Some(4)).unwrap();
        let mut first = Clusterer::new(Clusters::default(), RULES);
        let early = fed(&mut first, &nodes[..split], &mut Nothing);
        let into = first.resolved().to_vec();
        let mut kept = Kept(
            first
                .clusters
                .live
                .into_iter()
                .map(|c| c.map(|c| *c))
                .collect(),
        );
        let mut later = Clusterer::new(Clusters::stored(kept.0.len() as u32), RULES);
        let late = fed(&mut later, &nodes[split..], &mut kept);
        let into_later = later.resolved();
        let twice: Vec<u32> = early
            .iter()
            .map(|&c| into_later[into[c as usize] as usize])
            .chain(late.iter().map(|&c| into_later[c as usize]))
            .collect();
        assert_eq!(twice, once);
        assert_eq!(
            once.iter().collect::<std::collections::BTreeSet<_>>().len(),
            3
        );
    }

    #[test]
    fn centroids_keep_their_heaviest_entries() {
        let a: Sparse = (0..CENTROID_TERMS as u64).map(|k| (k, 1.0)).collect();
        let b: Sparse = vec![(0, 1.0), (10_000, 0.5)];
        let sum = add(&a, &b);
        assert_eq!(sum.len(), CENTROID_TERMS);
        assert_eq!(sum[0], (0, 2.0));
        assert!(!sum.iter().any(|&(k, _)| k == 10_000));
    }

    proptest::proptest! {
        /// The selection keeps what sorting by weight (ties to the smaller
        /// key), cutting and sorting back by key kept, weights tied or not.
        #[test]
        fn prop_heaviest_is_the_sorted_cut(
            entries in proptest::collection::btree_map(0u64..500, 0u8..6, 0..60),
            n in 0usize..70,
        ) {
            let v: Sparse = entries.into_iter().map(|(k, w)| (k, f32::from(w) / 4.0)).collect();
            let mut sorted = v.clone();
            sorted.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            sorted.truncate(n);
            sorted.sort_unstable_by_key(|&(k, _)| k);
            proptest::prop_assert_eq!(heaviest(v, n), sorted);
        }
    }
}
