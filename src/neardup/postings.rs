//! Postings: for every shingle in two or more sets, the sets that have it.
//!
//! Input: shingle sets, each sorted by hash. Output: [`Postings`], one
//! [`Run`] per shared shingle in shingle order, its sets sorted, and how many
//! shared shingles each set has. Invariants: exact (no estimate, no shingle
//! dropped however common); the same for any thread count.
//!
//! How: looking shingles up in a table as large as the corpus costs a cache
//! and TLB miss each, which made this the slowest stage. Instead the hash
//! space is cut into [`RANGES`] visited in turn, a cursor per set walking
//! each sorted set once; a range's shingles are scattered by their next hash
//! bits into [`BUCKETS`], and each bucket, about 256 KiB at 100,000
//! articles, is sorted in cache. Transient memory is one range's
//! (shingle, set) entries, a sixteenth of them all.

use rayon::prelude::*;

use super::shingle::Shingles;

/// Hash ranges gathered one after another (the top bits of a shingle).
const RANGE_BITS: u32 = 4;
const RANGES: u64 = 1 << RANGE_BITS;
/// Buckets of one range, sorted in parallel (the next bits).
const BUCKET_BITS: u32 = 8;
const BUCKETS: usize = 1 << BUCKET_BITS;
/// Sets one task scatters: enough to amortise a task's buckets.
const SETS_PER_TASK: usize = 2048;

/// A shingle and where its sets are in [`Postings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub shingle: u64,
    start: usize,
    len: u32,
}

impl Run {
    /// The number of sets with this shingle, at least two.
    pub fn frequency(&self) -> u32 {
        self.len
    }
}

#[derive(Debug, Clone, Default)]
pub struct Postings {
    runs: Vec<Run>,
    members: Vec<u32>,
    /// Per set, how many of its shingles another set has too.
    shared: Vec<u32>,
}

/// One occurrence: the shingle in the high 64 bits, the set in the low 32,
/// so that sorting compares one integer.
type Entry = u128;

fn entry(shingle: u64, set: u32) -> Entry {
    (u128::from(shingle) << 64) | u128::from(set)
}

fn shingle_of(entry: Entry) -> u64 {
    (entry >> 64) as u64
}

fn set_of(entry: Entry) -> u32 {
    entry as u32
}

impl Postings {
    pub fn build(sets: &[Shingles]) -> Self {
        let mut postings = Postings {
            shared: vec![0; sets.len()],
            ..Postings::default()
        };
        let mut cursors = vec![0usize; sets.len()];
        let mut entries = Vec::new();
        for range in 0..RANGES {
            let sizes = gather(range, sets, &mut cursors, &mut entries);
            let runs: Vec<(Vec<Run>, Vec<u32>)> = split_mut(&mut entries, &sizes)
                .into_par_iter()
                .map(shared_runs)
                .collect();
            for (runs, members) in runs {
                let offset = postings.members.len();
                postings.runs.extend(runs.into_iter().map(|run| Run {
                    start: run.start + offset,
                    ..run
                }));
                postings.members.extend(members);
            }
        }
        for &set in &postings.members {
            postings.shared[set as usize] += 1;
        }
        postings
    }

    /// Every shared shingle, in shingle order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// The sets with `run`'s shingle, sorted.
    pub fn sets(&self, run: &Run) -> &[u32] {
        &self.members[run.start..run.start + run.len as usize]
    }

    /// How many shingles of `set` another set has too.
    pub fn shared(&self, set: usize) -> usize {
        self.shared[set] as usize
    }
}

/// Fills `entries` with the entries of hash range `range`, grouped by
/// bucket, advancing each set's cursor past them; returns the bucket sizes.
/// A counting pass sizes every (bucket, task) piece first, so that tasks
/// write disjoint parts of one buffer and nothing is copied twice.
fn gather(
    range: u64,
    sets: &[Shingles],
    cursors: &mut [usize],
    entries: &mut Vec<Entry>,
) -> Vec<usize> {
    let counts: Vec<Vec<usize>> = cursors
        .par_chunks(SETS_PER_TASK)
        .zip(sets.par_chunks(SETS_PER_TASK))
        .map(|(cursors, sets)| {
            let mut counts = vec![0; BUCKETS];
            for (&cursor, set) in cursors.iter().zip(sets) {
                for &shingle in in_range(set, cursor, range) {
                    counts[bucket(shingle)] += 1;
                }
            }
            counts
        })
        .collect();
    let sizes: Vec<usize> = (0..BUCKETS)
        .map(|bucket| counts.iter().map(|task| task[bucket]).sum())
        .collect();
    entries.clear();
    entries.resize(sizes.iter().sum(), 0);
    let mut pieces: Vec<Vec<&mut [Entry]>> = counts.iter().map(|_| Vec::new()).collect();
    let mut rest = entries.as_mut_slice();
    for bucket in 0..BUCKETS {
        for (task, counts) in counts.iter().enumerate() {
            let (piece, tail) = std::mem::take(&mut rest).split_at_mut(counts[bucket]);
            pieces[task].push(piece);
            rest = tail;
        }
    }
    pieces
        .into_par_iter()
        .zip(cursors.par_chunks_mut(SETS_PER_TASK))
        .zip(sets.par_chunks(SETS_PER_TASK))
        .enumerate()
        .for_each(|(task, ((mut pieces, cursors), sets))| {
            let mut filled = vec![0; BUCKETS];
            for (i, (cursor, set)) in cursors.iter_mut().zip(sets).enumerate() {
                let index = (task * SETS_PER_TASK + i) as u32;
                let shingles = in_range(set, *cursor, range);
                for &shingle in shingles {
                    let bucket = bucket(shingle);
                    pieces[bucket][filled[bucket]] = entry(shingle, index);
                    filled[bucket] += 1;
                }
                *cursor += shingles.len();
            }
        });
    sizes
}

/// The shingles of `set` from `cursor` on that are in hash range `range`
/// (the ones before the cursor are in earlier ranges).
fn in_range(set: &Shingles, cursor: usize, range: u64) -> &[u64] {
    let rest = &set.as_slice()[cursor..];
    // A linear scan: the run is short and read in order anyway, where a
    // binary search would jump about the whole rest of the set.
    let len = rest
        .iter()
        .position(|&shingle| shingle >> (64 - RANGE_BITS) > range)
        .unwrap_or(rest.len());
    &rest[..len]
}

/// The bucket of a shingle within its range: the bits after the range's.
fn bucket(shingle: u64) -> usize {
    (shingle >> (64 - RANGE_BITS - BUCKET_BITS)) as usize % BUCKETS
}

/// `entries` cut into consecutive slices of the given sizes.
fn split_mut<'e>(mut entries: &'e mut [Entry], sizes: &[usize]) -> Vec<&'e mut [Entry]> {
    sizes
        .iter()
        .map(|&size| {
            let (slice, rest) = std::mem::take(&mut entries).split_at_mut(size);
            entries = rest;
            slice
        })
        .collect()
}

/// The runs of equal shingles with two or more sets among `entries`, their
/// starts relative to the returned members.
fn shared_runs(entries: &mut [Entry]) -> (Vec<Run>, Vec<u32>) {
    entries.sort_unstable();
    let mut runs = Vec::new();
    let mut members = Vec::new();
    let same_shingle = |x: &Entry, y: &Entry| shingle_of(*x) == shingle_of(*y);
    for run in entries.chunk_by(same_shingle).filter(|run| run.len() > 1) {
        runs.push(Run {
            shingle: shingle_of(run[0]),
            start: members.len(),
            len: run.len() as u32,
        });
        members.extend(run.iter().map(|&entry| set_of(entry)));
    }
    (runs, members)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::synth::SplitMix64;

    #[test]
    fn postings_are_exactly_the_shingles_in_two_or_more_sets() {
        let mut rng = SplitMix64::new(3);
        let pool: Vec<u64> = (0..3_000).map(|_| rng.next_u64()).collect();
        let sets: Vec<Shingles> = (0..40)
            .map(|_| {
                let len = rng.below(300);
                (0..len).map(|_| pool[rng.below(pool.len())]).collect()
            })
            .collect();
        let mut want: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
        for (i, set) in sets.iter().enumerate() {
            for &shingle in set.as_slice() {
                want.entry(shingle).or_default().push(i as u32);
            }
        }
        want.retain(|_, members| members.len() > 1);

        let postings = Postings::build(&sets);
        let got: BTreeMap<u64, Vec<u32>> = postings
            .runs()
            .iter()
            .map(|run| (run.shingle, postings.sets(run).to_vec()))
            .collect();
        assert_eq!(got, want);
        assert!(postings
            .runs()
            .windows(2)
            .all(|w| w[0].shingle < w[1].shingle));
        for (i, set) in sets.iter().enumerate() {
            let shared = set
                .as_slice()
                .iter()
                .filter(|s| want.contains_key(s))
                .count();
            assert_eq!(postings.shared(i), shared);
        }
    }
}
