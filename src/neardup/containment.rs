//! Candidates for containment edges: pairs whose smaller set may lie mostly
//! inside the larger one, however low their Jaccard similarity (a short
//! article inside a long one has J ≈ 0.25 or less, which LSH tuned to
//! J ≥ 0.5 cannot see).
//!
//! Input: the shingle sets and the [`EdgeRule`]. Output: candidate pairs
//! `(i, j)`, `i < j`, sorted and unique, that include every pair meeting the
//! rule's containment clause: the filter is exact, it loses no edge.
//!
//! How: prefix filtering (Chaudhuri et al., ICDE 2006; Bayardo et al.,
//! WWW 2007). Fix one order of all shingles. If a set of `n` shingles must
//! share `t` of them with a larger set, the larger set holds at least one of
//! its first `n − t + 1` shingles in that order, since only `n − t` can be
//! missing. So every set no smaller that has a shingle of a set's prefix
//! makes a candidate with it. At containment 0.8 a prefix is a fifth of its
//! set.
//!
//! The order is by document frequency (counted exactly), then by hash.
//! Shingles in one set only come first and can match nothing, so most
//! articles, whose prefix holds only such shingles, cannot be contained
//! in anything and cost nothing more. Boilerplate comes last: it enters only
//! the prefixes of texts made of little else, so no shingle has to be
//! dropped to keep candidates few.
//!
//! Why not a second, low-threshold band set: containment 0.8 of a text a
//! tenth the size of the other is Jaccard 0.07, which no banding separates
//! from unrelated pairs. Why not skip shingles in more than 50 texts: a wire
//! story carried by 60 outlets is made of nothing else.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

use rayon::prelude::*;

use super::distinct::SetStore;
use super::verify::EdgeRule;
use crate::spill::u32s;

/// Hash ranges swept one after another (the top bits of a shingle): one
/// range's entries, 24 bytes a shingle with their bookkeeping, are what
/// memory holds at a time, 50 MB at 1M articles (smaller corpora sweep
/// several ranges at once, up to [`SWEPT_ENTRIES`]).
pub(crate) const RANGE_BITS: u32 = 8;
const RANGES: u64 = 1 << RANGE_BITS;
/// Entries swept at a time when ranges are small (a small corpus): fewer
/// sweeps, each touching every set once. 4M entries, 64 MiB.
const SWEPT_ENTRIES: usize = 1 << 22;

/// Pairs where the smaller set may be contained in the larger (indices of
/// `store`'s sets).
///
/// Three steps, in bounded memory. 1: each hash range's `(shingle, set)`
/// entries are sorted, and the runs of a shingle in two or more sets are
/// written to a temporary postings file in shingle order; each set counts
/// its shared shingles, so how many its prefix takes. A second sweep counts
/// them by document frequency, as far as the prefix reaches (a set that
/// cannot be contained keeps nothing). 2: each set's prefix is then known
/// as a frequency and a count: all its shared shingles rarer than some
/// frequency, and the first so many, in shingle order, of that frequency.
/// 3: one read of the postings file pairs each set with the others that
/// have a shingle of its prefix.
pub fn candidate_pairs(store: &impl SetStore, rule: &EdgeRule) -> io::Result<Vec<(u32, u32)>> {
    let sets = store.count();
    let size: Vec<u32> = (0..sets).map(|set| store.size(set) as u32).collect();
    let (postings, tally) = postings(store, &size, rule)?;
    let prefixes: Vec<Prefix> = (0..sets)
        .into_par_iter()
        .map(|set| tally.prefix(set))
        .collect();
    drop(tally);
    let mut pairs = prefix_pairs(postings, &prefixes, &size)?;
    pairs.par_sort_unstable();
    pairs.dedup();
    Ok(pairs)
}

/// Frequencies a set's counts hold in place; a set with more spills them
/// to a table. A set keeps only the rarest frequencies that can still hold
/// its prefix, a few, so the table stays small; in place, the counts are
/// read and written in set order, one range after another, not at random.
const SLOTS: usize = 4;
/// The first slot of a set whose counts are in [`Tally::more`], at the
/// place its second slot's first number says.
const MORE: (u32, u32) = (u32::MAX, u32::MAX);

/// What step 1 counts of each set: how many of its shared shingles its
/// prefix takes, and those it can take by frequency.
struct Tally {
    /// Shared shingles of each set in its prefix (exact, from a first
    /// sweep): 0 for a set that cannot be contained in anything.
    wanted: Vec<u32>,
    /// Per set, `(frequency, shingles)` of its rarest shared shingles,
    /// sorted by frequency, `(0, 0)` where unused; [`MORE`] first when they
    /// are in `more`.
    counts: Vec<[(u32, u32); SLOTS]>,
    /// The counts of sets with more than [`SLOTS`] frequencies, and the
    /// places in it that are free.
    more: Vec<Vec<(u32, u32)>>,
    free: Vec<u32>,
}

impl Tally {
    fn new(wanted: Vec<u32>) -> Tally {
        let sets = wanted.len();
        Tally {
            wanted,
            counts: vec![[(0, 0); SLOTS]; sets],
            more: Vec::new(),
            free: Vec::new(),
        }
    }

    /// `set`'s counts, sorted by frequency.
    fn counts_of(&self, set: usize, into: &mut Vec<(u32, u32)>) {
        into.clear();
        match self.counts[set] {
            [MORE, (at, _), ..] => into.extend_from_slice(&self.more[at as usize]),
            slots => into.extend(slots.iter().filter(|c| c.1 > 0)),
        }
    }

    /// Adds one range's shingles of `set`, given by their frequencies, and
    /// keeps the counts that can hold its prefix (`scratch`: a buffer, for
    /// its allocation).
    fn add(&mut self, set: usize, shingles: &mut [u32], scratch: &mut Vec<(u32, u32)>) {
        let bound = self.wanted[set] as usize;
        if bound == 0 {
            return;
        }
        shingles.sort_unstable();
        let unique = shingles.partition_point(|&f| f == 1);
        self.counts_of(set, scratch);
        for same in shingles[unique..].chunk_by(|x, y| x == y) {
            let frequency = same[0];
            match scratch.binary_search_by_key(&frequency, |&(f, _)| f) {
                Ok(i) => scratch[i].1 += same.len() as u32,
                Err(i) => scratch.insert(i, (frequency, same.len() as u32)),
            }
        }
        // The counts past the prefix can never be needed: later ranges add
        // shingles before them or to them.
        let mut below = 0;
        let kept = scratch
            .iter()
            .take_while(|&&(_, count)| {
                let needed = below < bound;
                below += count as usize;
                needed
            })
            .count();
        scratch.truncate(kept);
        let slots = &mut self.counts[set];
        if slots[0] == MORE {
            let at = slots[1].0;
            if scratch.len() > SLOTS {
                self.more[at as usize].clone_from(scratch);
                return;
            }
            self.more[at as usize] = Vec::new();
            self.free.push(at);
        }
        if scratch.len() > SLOTS {
            let at = self.free.pop().unwrap_or(self.more.len() as u32);
            if at as usize == self.more.len() {
                self.more.push(Vec::new());
            }
            self.more[at as usize].clone_from(scratch);
            slots[0] = MORE;
            slots[1] = (at, 0);
        } else {
            *slots = [(0, 0); SLOTS];
            slots[..scratch.len()].copy_from_slice(scratch);
        }
    }

    /// The prefix of `set`, once every range is counted.
    fn prefix(&self, set: usize) -> Prefix {
        let wanted = self.wanted[set] as usize;
        if wanted == 0 {
            return Prefix::NONE;
        }
        let mut counts = Vec::new();
        self.counts_of(set, &mut counts);
        let mut below = 0;
        for (frequency, count) in counts {
            let count = count as usize;
            if below + count >= wanted {
                return Prefix {
                    frequency,
                    count: (wanted - below) as u32,
                };
            }
            below += count;
        }
        unreachable!("a set's counts hold its prefix")
    }
}

/// A set's prefix among its shared shingles, in the order (frequency,
/// shingle): every one rarer than `frequency`, and the first `count` of
/// that frequency.
#[derive(Debug, Clone, Copy)]
struct Prefix {
    frequency: u32,
    count: u32,
}

impl Prefix {
    /// Can be contained in nothing.
    const NONE: Prefix = Prefix {
        frequency: 0,
        count: 0,
    };
}

/// Step 1: the postings of every shared shingle, written in shingle order
/// as `frequency, sets…` (`u32`s) to a temporary file, and the [`Tally`].
fn postings(store: &impl SetStore, size: &[u32], rule: &EdgeRule) -> io::Result<(File, Tally)> {
    // Sweep 1: the postings, and each set's shared shingles; so how many
    // its prefix takes, exactly, before any count is kept.
    let mut out = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    let mut shared = vec![0u32; size.len()];
    sweep(store, |runs, _, _| {
        for run in runs.chunk_by(|x, y| x >> 64 == y >> 64) {
            if run.len() < 2 {
                continue;
            }
            out.write_all(&(run.len() as u32).to_le_bytes())?;
            for &entry in run {
                let set = (entry >> 32) as u32;
                out.write_all(&set.to_le_bytes())?;
                shared[set as usize] += 1;
            }
        }
        Ok(())
    })?;
    let wanted: Vec<u32> = (0..size.len())
        .map(|set| shared_prefix_len(size[set] as usize, shared[set] as usize, rule) as u32)
        .collect();
    drop(shared);
    // Sweep 2: the counts by frequency of the sets that can be contained,
    // only as far as their prefixes reach.
    let mut tally = Tally::new(wanted);
    let mut scratch = Vec::new();
    sweep(store, |_, set_at, frequency| {
        let mut at = 0;
        for same in set_at.chunk_by(|x, y| x == y) {
            let frequencies = &mut frequency[at..at + same.len()];
            at += same.len();
            tally.add(same[0] as usize, frequencies, &mut scratch);
        }
        Ok(())
    })?;
    let mut file = out.into_inner().map_err(|e| e.into_error())?;
    file.rewind()?;
    Ok((file, tally))
}

/// Calls `each` with every few hash ranges' entries: sorted by shingle
/// (`shingle << 64 | set << 32 | place`), and in their place set by set,
/// each entry's set and the frequency of its shingle.
fn sweep(
    store: &impl SetStore,
    mut each: impl FnMut(&[u128], &[u32], &mut [u32]) -> io::Result<()>,
) -> io::Result<()> {
    let (mut entries, mut set_at, mut frequency) = (Vec::new(), Vec::new(), Vec::new());
    let mut start = 0;
    while start < RANGES {
        // As many ranges at a time as fit the budget, at least one.
        let mut end = start + 1;
        let mut weight = store.range_weight(start, RANGE_BITS);
        while end < RANGES && weight + store.range_weight(end, RANGE_BITS) <= SWEPT_ENTRIES {
            weight += store.range_weight(end, RANGE_BITS);
            end += 1;
        }
        entries.clear();
        store.range_entries(start..end, RANGE_BITS, &mut entries)?;
        start = end;
        // Entries come set by set. Each is numbered in that order before
        // the sort by shingle, so that its frequency can be put back in
        // place: each set's counts are then updated once a range, in set
        // order, not once a shingle at a random place in memory.
        set_at.clear();
        set_at.extend(entries.iter().map(|&e| e as u32));
        for (i, entry) in entries.iter_mut().enumerate() {
            *entry = (*entry >> 64 << 64) | (u128::from(*entry as u32) << 32) | i as u128;
        }
        entries.par_sort_unstable();
        frequency.clear();
        frequency.resize(entries.len(), 0u32);
        for run in entries.chunk_by(|x, y| x >> 64 == y >> 64) {
            run.iter()
                .for_each(|&e| frequency[e as u32 as usize] = run.len() as u32);
        }
        each(&entries, &set_at, &mut frequency)?;
    }
    Ok(())
}

/// Step 3: one read of the postings; each set in a run whose shingle is in
/// its prefix pairs with the run's other sets that are no smaller.
fn prefix_pairs(postings: File, prefixes: &[Prefix], size: &[u32]) -> io::Result<Vec<(u32, u32)>> {
    let mut taken = vec![0u32; prefixes.len()];
    let mut pairs = Vec::new();
    let mut reader = BufReader::with_capacity(1 << 16, postings);
    let mut word = [0u8; 4];
    let mut members: Vec<u8> = Vec::new();
    loop {
        match reader.read_exact(&mut word) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let frequency = u32::from_le_bytes(word);
        members.resize(4 * frequency as usize, 0);
        reader.read_exact(&mut members)?;
        let run: Vec<u32> = u32s(&members).collect();
        for &set in &run {
            let prefix = prefixes[set as usize];
            let in_prefix = frequency < prefix.frequency
                || (frequency == prefix.frequency && taken[set as usize] < prefix.count);
            if !in_prefix {
                continue;
            }
            if frequency == prefix.frequency {
                taken[set as usize] += 1;
            }
            let own = size[set as usize];
            pairs.extend(
                run.iter()
                    .filter(|&&other| other != set && size[other as usize] >= own)
                    .map(|&other| (other.min(set), other.max(set))),
            );
        }
    }
    Ok(pairs)
}

/// How many of a set's shared shingles are in its prefix: the prefix's
/// length less the shingles in no other set, which come first.
fn shared_prefix_len(len: usize, shared: usize, rule: &EdgeRule) -> usize {
    prefix_len(len, rule).saturating_sub(len - shared)
}

/// The prefix a set of `len` shingles must have a shingle of in common with
/// any set it is contained in: `len − needed + 1`, or 0 when it is too short
/// to be contained at all. Sketch files carry it, so that a join elsewhere
/// (Spark) filters exactly as this module does.
pub fn prefix_len(len: usize, rule: &EdgeRule) -> usize {
    rule.contained_overlap(len)
        .map_or(0, |needed| len - needed + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::distinct::DistinctSets;
    use crate::neardup::shingle::Shingles;
    use crate::neardup::verify::Similarity;
    use crate::synth::SplitMix64;

    const RULE: EdgeRule = EdgeRule {
        jaccard: 0.5,
        containment: 0.8,
    };

    fn random_set(rng: &mut SplitMix64, len: usize) -> Vec<u64> {
        (0..len).map(|_| rng.next_u64()).collect()
    }

    #[test]
    fn finds_every_contained_pair_even_at_low_jaccard() {
        let mut rng = SplitMix64::new(11);
        let boilerplate = random_set(&mut rng, 30);
        let mut sets: Vec<Shingles> = Vec::new();
        for _ in 0..60 {
            let len = 20 + rng.below(400);
            let body = random_set(&mut rng, len);
            // A text, the same text inside one five times as long, and a
            // copy of it missing a few shingles; all with shared boilerplate.
            let host: Vec<u64> = body
                .iter()
                .copied()
                .chain(random_set(&mut rng, 4 * len))
                .collect();
            let trimmed = body[..len - len / 6].iter().copied();
            for set in [
                body.iter()
                    .copied()
                    .chain(boilerplate.iter().copied())
                    .collect(),
                host.iter()
                    .copied()
                    .chain(boilerplate.iter().copied())
                    .collect(),
                trimmed.chain(random_set(&mut rng, 3)).collect(),
            ] {
                sets.push(set);
            }
        }
        let distinct = DistinctSets {
            texts: (0..sets.len()).map(|i| vec![i]).collect(),
            sets: sets.clone(),
        };
        let candidates = candidate_pairs(&distinct, &RULE).unwrap();
        let mut contained = 0;
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                let s = Similarity::between(&sets[i], &sets[j]);
                let needed = RULE.contained_overlap(s.smaller);
                if needed.is_some_and(|needed| s.shared >= needed) {
                    contained += 1;
                    let pair = (i as u32, j as u32);
                    assert!(candidates.binary_search(&pair).is_ok(), "{pair:?} {s:?}");
                }
            }
        }
        assert!(contained >= 100, "only {contained} contained pairs");
        assert!(
            candidates.len() < 4 * contained,
            "{} candidates",
            candidates.len()
        );
    }
}
