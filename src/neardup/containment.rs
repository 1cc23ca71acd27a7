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
/// range's entries, 32 bytes a shingle with their bookkeeping ([`Swept`]),
/// are what memory holds at a time, about 2M entries, 64 MiB, at 1M
/// articles (smaller corpora sweep several ranges at once, up to
/// [`SWEPT_ENTRIES`]).
pub(crate) const RANGE_BITS: u32 = 8;
const RANGES: u64 = 1 << RANGE_BITS;
/// Entries swept at a time when ranges are small (a small corpus): fewer
/// sweeps, each touching every set once. 4M entries, 128 MiB.
const SWEPT_ENTRIES: usize = 1 << 22;

/// Pairs where the smaller set may be contained in the larger (indices of
/// `store`'s sets).
///
/// Three steps, in bounded memory. 1: each hash range's `(shingle, set)`
/// entries are sorted, and the runs of a shingle in two or more sets are
/// written to a temporary postings file in shingle order; each set counts
/// its shared shingles, so how many its prefix takes, and the frequencies
/// of its shared shingles go, set by set, to a second temporary file. A
/// read of that file counts them by document frequency, as far as the
/// prefix reaches (a set that cannot be contained keeps nothing); the
/// entries are sorted once. 2: each set's prefix is then known
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

    /// Adds one range's shared shingles of `set`, given by their
    /// frequencies, and keeps the counts that can hold its prefix
    /// (`scratch`: a buffer, for its allocation).
    fn add(&mut self, set: usize, shingles: &[u32], scratch: &mut Vec<(u32, u32)>) {
        let bound = self.wanted[set] as usize;
        if bound == 0 {
            return;
        }
        // The counts, in `scratch`: a set's in `more` are swapped in and
        // out, not copied.
        let more = match self.counts[set] {
            [MORE, (at, _), ..] => Some(at),
            _ => None,
        };
        match more {
            Some(at) => std::mem::swap(scratch, &mut self.more[at as usize]),
            None => self.counts_of(set, scratch),
        }
        // Once the counts hold the prefix, a shingle more frequent than
        // all of them falls past it: it is not counted.
        let held: usize = scratch.iter().map(|&(_, count)| count as usize).sum();
        let cutoff = match scratch.last() {
            Some(&(frequency, _)) if held >= bound => frequency,
            _ => u32::MAX,
        };
        for &frequency in shingles.iter().filter(|&&f| f <= cutoff) {
            match scratch.binary_search_by_key(&frequency, |&(f, _)| f) {
                Ok(i) => scratch[i].1 += 1,
                Err(i) => scratch.insert(i, (frequency, 1)),
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
        if let Some(at) = more {
            if scratch.len() > SLOTS {
                std::mem::swap(scratch, &mut self.more[at as usize]);
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
            self.more[at as usize] = std::mem::take(scratch);
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
    // The one sweep: the postings, each set's shared shingles (so how many
    // its prefix takes, exactly, before any count is kept), and, to count
    // them by frequency afterwards without sorting the entries again, the
    // frequencies of each set's shared shingles, range by range, set by
    // set, as `set, n, frequencies…` (`u32`s) in a second temporary file.
    // Both files take 4 bytes a shared entry (the disk, not memory); a set
    // too short to be contained in anything writes no frequencies.
    let mut out = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    let mut by_set = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    let longest: Vec<u32> = size
        .iter()
        .map(|&len| prefix_len(len as usize, rule) as u32)
        .collect();
    let mut shared = vec![0u32; size.len()];
    let mut kept: Vec<u32> = Vec::new();
    sweep(store, |swept| {
        for run in swept.runs().filter(|run| run.len() > 1) {
            out.write_all(&(run.len() as u32).to_le_bytes())?;
            for &entry in run {
                out.write_all(&((entry >> 32) as u32).to_le_bytes())?;
            }
        }
        let mut at = 0;
        for same in swept.sets.chunk_by(|x, y| x == y) {
            let set = same[0];
            let frequencies = &swept.frequency[at..at + same.len()];
            at += same.len();
            kept.clear();
            kept.extend(frequencies.iter().filter(|&&f| f > 1));
            shared[set as usize] += kept.len() as u32;
            if kept.is_empty() || longest[set as usize] == 0 {
                continue;
            }
            by_set.write_all(&set.to_le_bytes())?;
            by_set.write_all(&(kept.len() as u32).to_le_bytes())?;
            for &f in &kept {
                by_set.write_all(&f.to_le_bytes())?;
            }
        }
        Ok(())
    })?;
    // A set's prefix takes its shared shingles after those in no other
    // set, which come first.
    let wanted: Vec<u32> = (0..size.len())
        .map(|set| longest[set].saturating_sub(size[set] - shared[set]))
        .collect();
    drop((shared, longest));
    // Then the counts by frequency of the sets that can be contained, only
    // as far as their prefixes reach, from the frequencies written.
    let mut tally = Tally::new(wanted);
    let mut scratch = Vec::new();
    let mut reader = BufReader::with_capacity(1 << 16, rewound(by_set)?);
    let mut bytes = Vec::new();
    while let Some(set) = read_u32(&mut reader)? {
        let n = read_u32(&mut reader)?.ok_or(io::ErrorKind::UnexpectedEof)?;
        bytes.resize(4 * n as usize, 0);
        reader.read_exact(&mut bytes)?;
        if tally.wanted[set as usize] == 0 {
            continue;
        }
        kept.clear();
        kept.extend(u32s(&bytes));
        tally.add(set as usize, &kept, &mut scratch);
    }
    Ok((rewound(out)?, tally))
}

/// The file `writer` wrote, flushed, to be read from its start.
fn rewound(writer: BufWriter<File>) -> io::Result<File> {
    let mut file = writer.into_inner().map_err(|e| e.into_error())?;
    file.rewind()?;
    Ok(file)
}

/// The next `u32` of `reader`, or `None` at its end.
fn read_u32(reader: &mut impl Read) -> io::Result<Option<u32>> {
    let mut word = [0u8; 4];
    match reader.read_exact(&mut word) {
        Ok(()) => Ok(Some(u32::from_le_bytes(word))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// A few hash ranges' entries, what a sweep holds at a time: 32 bytes an
/// entry, 128 MiB at [`SWEPT_ENTRIES`] (and, while they are read, their
/// bytes in the spill, 8 an entry).
#[derive(Default)]
struct Swept {
    /// Each entry's shingle and set, set by set (8 + 4 bytes an entry).
    shingles: Vec<u64>,
    sets: Vec<u32>,
    /// The entries sorted by shingle: `shingle << 64 | set << 32 | place`,
    /// `place` their index above (16 bytes an entry).
    sorted: Vec<u128>,
    /// The frequency of each entry's shingle among the entries, in place
    /// (4 bytes an entry).
    frequency: Vec<u32>,
}

impl Swept {
    /// The runs of [`Swept::sorted`] of one shingle each, in shingle order.
    fn runs(&self) -> impl Iterator<Item = &[u128]> {
        self.sorted.chunk_by(|x, y| x >> 64 == y >> 64)
    }

    /// Sorts the entries by shingle into `sorted`, and counts `frequency`.
    /// (A radix pass on the top bits then small sorts, tried instead of
    /// rayon's sort, took as long: 96 ms against 88 for 4M entries.)
    fn sort(&mut self) {
        let len = self.shingles.len();
        assert!(len <= 1 << 32, "a sweep's entries are numbered by u32");
        self.sorted.clear();
        self.sorted
            .extend((self.shingles.iter().zip(&self.sets)).enumerate().map(
                |(place, (&shingle, &set))| {
                    u128::from(shingle) << 64 | u128::from(set) << 32 | place as u128
                },
            ));
        self.sorted.par_sort_unstable();
        self.frequency.clear();
        self.frequency.resize(len, 1);
        let mut frequency = std::mem::take(&mut self.frequency);
        for run in self.runs().filter(|run| run.len() > 1) {
            for &entry in run {
                frequency[entry as u32 as usize] = run.len() as u32;
            }
        }
        self.frequency = frequency;
    }
}

/// Calls `each` with every few hash ranges' entries, [`Swept::sort`]ed.
fn sweep(store: &impl SetStore, mut each: impl FnMut(&Swept) -> io::Result<()>) -> io::Result<()> {
    let mut swept = Swept::default();
    let mut start = 0;
    while start < RANGES {
        // As many ranges at a time as fit the budget, at least one.
        let mut end = start + 1;
        let mut weight = store.range_weight(start, RANGE_BITS);
        while end < RANGES && weight + store.range_weight(end, RANGE_BITS) <= SWEPT_ENTRIES {
            weight += store.range_weight(end, RANGE_BITS);
            end += 1;
        }
        swept.shingles.clear();
        swept.sets.clear();
        store.range_entries(start..end, RANGE_BITS, &mut swept.shingles, &mut swept.sets)?;
        start = end;
        swept.sort();
        each(&swept)?;
    }
    Ok(())
}

/// Step 3: one read of the postings; each set in a run whose shingle is in
/// its prefix pairs with the run's other sets that are no smaller.
fn prefix_pairs(postings: File, prefixes: &[Prefix], size: &[u32]) -> io::Result<Vec<(u32, u32)>> {
    let mut taken = vec![0u32; prefixes.len()];
    let mut pairs = Vec::new();
    let mut compact_at = PAIRS_AT_ONCE;
    let mut reader = BufReader::with_capacity(1 << 16, postings);
    let (mut members, mut run) = (Vec::new(), Vec::new());
    while let Some(frequency) = read_u32(&mut reader)? {
        members.resize(4 * frequency as usize, 0);
        reader.read_exact(&mut members)?;
        run.clear();
        run.extend(u32s(&members));
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
        if pairs.len() >= compact_at {
            pairs.par_sort_unstable();
            pairs.dedup();
            compact_at = PAIRS_AT_ONCE.max(2 * pairs.len());
        }
    }
    Ok(pairs)
}

/// Pairs collected before repeats are dropped (8 bytes each, 64 MiB): a pair
/// of sets sharing many prefix shingles comes once per shingle (13.6M pairs,
/// 553k of them distinct, on the 100k kit corpus), so without this the list
/// grows with how often copies repeat, not with the pairs.
const PAIRS_AT_ONCE: usize = 1 << 23;

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

    #[test]
    fn tally_finds_the_prefix_a_sort_of_all_frequencies_gives() {
        let mut rng = SplitMix64::new(3);
        let sets = 300;
        let shared: Vec<Vec<u32>> = (0..sets)
            .map(|_| {
                let top = 2 + rng.below(40) as u32;
                (0..rng.below(200))
                    .map(|_| 2 + rng.below(top as usize) as u32)
                    .collect()
            })
            .collect();
        let wanted: Vec<u32> = (shared.iter())
            .map(|s| rng.below(s.len() + 1) as u32)
            .collect();
        let mut tally = Tally::new(wanted.clone());
        let mut scratch = Vec::new();
        // Added a few at a time, set by set, as sweeps do.
        let mut rests: Vec<&[u32]> = shared.iter().map(Vec::as_slice).collect();
        while rests.iter().any(|rest| !rest.is_empty()) {
            for (set, rest) in rests.iter_mut().enumerate() {
                let (now, later) = rest.split_at(rng.below(12).min(rest.len()));
                tally.add(set, now, &mut scratch);
                *rest = later;
            }
        }
        for set in 0..sets {
            let prefix = tally.prefix(set);
            let wanted = wanted[set] as usize;
            if wanted == 0 {
                assert_eq!(prefix.count, 0);
                continue;
            }
            let mut all = shared[set].clone();
            all.sort_unstable();
            let frequency = all[wanted - 1];
            let rarer = all.partition_point(|&f| f < frequency);
            assert_eq!(prefix.frequency, frequency, "set {set}");
            assert_eq!(prefix.count as usize, wanted - rarer, "set {set}");
        }
    }
}
