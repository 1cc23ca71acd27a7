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
use std::ops::Range;

use rayon::prelude::*;

use super::distinct::SetStore;
use super::verify::EdgeRule;
use crate::spill::{take_u32, u32s, Buckets};

/// Hash ranges swept one after another (the top bits of a shingle): two
/// sweeps' entries, 32 bytes a shingle with their bookkeeping ([`Swept`]),
/// are what memory holds at a time; a range is about 2M entries, 64 MiB, at
/// 1M articles (smaller corpora sweep several ranges at once, up to
/// [`SWEPT_ENTRIES`]).
pub(crate) const RANGE_BITS: u32 = 8;
const RANGES: u64 = 1 << RANGE_BITS;
/// Entries swept at a time when ranges are small (a small corpus): 1M
/// entries, 32 MiB, two sweeps held at a time ([`sweep`]). Fewer, larger
/// sweeps touch every set fewer times, but their sorts and frequency
/// counts leave the cache: on the 100k kit corpus the candidates stage took
/// 3.4 s with 4M entries a sweep, 2.8 s with 2M, 2.6 s with 1M and 2.5 s with
/// 512k (medians of 3, `--timings`).
const SWEPT_ENTRIES: usize = 1 << 20;

/// Pairs where the smaller set may be contained in the larger (indices of
/// `store`'s sets).
///
/// Three steps, in bounded memory. 1: each hash range's `(shingle, set)`
/// entries are sorted, and the runs of a shingle in two or more sets are
/// written to a temporary postings file in shingle order; each set counts
/// its shared shingles, so how many its prefix takes, and the frequencies
/// of its shared shingles go to a second temporary file, in buckets of
/// consecutive sets. 2: each bucket read back gives each of its sets all
/// its frequencies at once, and so its prefix, as a frequency and a count:
/// all its shared shingles rarer than some frequency, and the first so
/// many, in shingle order, of that frequency. 3: one read of the postings
/// file pairs each set with the others that have a shingle of its prefix.
pub fn candidate_pairs(store: &impl SetStore, rule: &EdgeRule) -> io::Result<Vec<(u32, u32)>> {
    candidate_pairs_by(store, |len| prefix_len(len, rule))
}

/// [`candidate_pairs`] for any clause that needs a set of `len` shingles
/// to share one of its first `prefix(len)` (in the filter's order) with
/// every set no smaller it pairs with: 0 for a set that pairs with none.
pub(crate) fn candidate_pairs_by(
    store: &impl SetStore,
    prefix: impl Fn(usize) -> usize,
) -> io::Result<Vec<(u32, u32)>> {
    let sets = store.count();
    let size: Vec<u32> = (0..sets).map(|set| store.size(set) as u32).collect();
    let (postings, prefixes) = postings(store, &size, prefix)?;
    let mut pairs = prefix_pairs(postings, &prefixes, &size)?;
    pairs.par_sort_unstable();
    pairs.dedup();
    Ok(pairs)
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
/// as `frequency, sets…` (`u32`s) to a temporary file, and each set's
/// [`Prefix`].
fn postings(
    store: &impl SetStore,
    size: &[u32],
    prefix: impl Fn(usize) -> usize,
) -> io::Result<(File, Vec<Prefix>)> {
    // The one sweep: the postings, each set's shared shingles (so how many
    // its prefix takes, exactly), and the frequencies of the shared
    // shingles of each set that can be contained, as `set, n,
    // frequencies…` (`u32`s), in the bucket of its block of sets. Both
    // files take 4 bytes a shared entry (the disk, not memory).
    let mut out = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    let longest: Vec<u32> = size
        .iter()
        .map(|&len| prefix(len as usize).min(len as usize) as u32)
        .collect();
    // Buckets of consecutive sets, each of at most about BUCKET_ENTRIES
    // entries (an upper bound: every shingle of a set that can be
    // contained), so that one bucket is what memory holds in step 2.
    let entries: u64 = (size.iter().zip(&longest))
        .filter(|&(_, &longest)| longest > 0)
        .map(|(&len, _)| u64::from(len))
        .sum();
    let buckets = entries.div_ceil(BUCKET_ENTRIES).clamp(1, MAX_BUCKETS) as usize;
    let per_bucket = size.len().div_ceil(buckets).max(1);
    let mut by_set = Buckets::new(buckets)?;
    let mut shared = vec![0u32; size.len()];
    let mut kept: Vec<u32> = Vec::new();
    let mut record: Vec<u8> = Vec::new();
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
            record.clear();
            record.extend_from_slice(&set.to_le_bytes());
            record.extend_from_slice(&(kept.len() as u32).to_le_bytes());
            for &f in &kept {
                record.extend_from_slice(&f.to_le_bytes());
            }
            by_set.push(set as usize / per_bucket, &record)?;
        }
        Ok(())
    })?;
    by_set.seal()?;
    // A set's prefix takes its shared shingles after those in no other
    // set, which come first.
    let wanted: Vec<u32> = (0..size.len())
        .map(|set| longest[set].saturating_sub(size[set] - shared[set]))
        .collect();
    drop((shared, longest));
    let mut prefixes = Vec::with_capacity(size.len());
    for bucket in 0..buckets {
        let first = (bucket * per_bucket).min(size.len());
        let sets = first..((bucket + 1) * per_bucket).min(size.len());
        prefixes.extend(bucket_prefixes(&by_set.read(bucket)?, sets, &wanted));
    }
    Ok((rewound(out)?, prefixes))
}

/// Entries of shared shingles a bucket of sets holds at most (4 bytes each,
/// 16 MiB), unless [`MAX_BUCKETS`] would be exceeded.
const BUCKET_ENTRIES: u64 = 1 << 22;
/// Buckets at most: each buffers up to a chunk while the sweep writes.
const MAX_BUCKETS: u64 = 1 << 10;

/// The prefixes of `sets`, whose records `set, n, frequencies…` a bucket
/// holds: each set's frequencies gathered in one slice (a counting sort
/// by set), and the `wanted`-th smallest of them selected.
fn bucket_prefixes(bytes: &[u8], sets: Range<usize>, wanted: &[u32]) -> Vec<Prefix> {
    let records = || {
        let mut rest = bytes;
        std::iter::from_fn(move || {
            let set = take_u32(&mut rest)? as usize;
            let n = take_u32(&mut rest)? as usize;
            let (frequencies, after) = rest.split_at(4 * n);
            rest = after;
            Some((set, frequencies))
        })
    };
    let mut starts = vec![0usize; sets.len() + 1];
    for (set, frequencies) in records() {
        starts[set - sets.start + 1] += frequencies.len() / 4;
    }
    for i in 0..sets.len() {
        starts[i + 1] += starts[i];
    }
    let mut all = vec![0u32; starts[sets.len()]];
    let mut fill = starts.clone();
    for (set, frequencies) in records() {
        let at = &mut fill[set - sets.start];
        for (to, f) in all[*at..].iter_mut().zip(u32s(frequencies)) {
            *to = f;
        }
        *at += frequencies.len() / 4;
    }
    let mut slices: Vec<&mut [u32]> = Vec::with_capacity(sets.len());
    let mut rest = &mut all[..];
    for i in 0..sets.len() {
        let (own, after) = rest.split_at_mut(starts[i + 1] - starts[i]);
        slices.push(own);
        rest = after;
    }
    slices
        .into_par_iter()
        .zip(sets)
        .map(|(frequencies, set)| prefix_of(frequencies, wanted[set] as usize))
        .collect()
}

/// The prefix of a set whose shared shingles have `frequencies`, of which
/// it takes `wanted`: every one rarer than the `wanted`-th smallest
/// frequency, and as many of that frequency as make up the number.
fn prefix_of(frequencies: &mut [u32], wanted: usize) -> Prefix {
    if wanted == 0 {
        return Prefix::NONE;
    }
    let (rarer, &mut frequency, _) = frequencies.select_nth_unstable(wanted - 1);
    let rarer = rarer.iter().filter(|&&f| f < frequency).count();
    Prefix {
        frequency,
        count: (wanted - rarer) as u32,
    }
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
/// entry, 32 MiB at [`SWEPT_ENTRIES`] (and, while they are read, their
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
/// The next ranges are read and sorted while `each` works on these: `each`
/// is one thread's work (writing the postings), and so is much of reading
/// a sweep, which left the other core idle for about a third of the stage
/// (perf, 100k kit corpus). Two sweeps are held at a time.
fn sweep(
    store: &impl SetStore,
    mut each: impl FnMut(&Swept) -> io::Result<()> + Send,
) -> io::Result<()> {
    // As many ranges at a time as fit the budget, at least one.
    let mut plan = Vec::new();
    let mut start = 0;
    while start < RANGES {
        let mut end = start + 1;
        let mut weight = store.range_weight(start, RANGE_BITS);
        while end < RANGES && weight + store.range_weight(end, RANGE_BITS) <= SWEPT_ENTRIES {
            weight += store.range_weight(end, RANGE_BITS);
            end += 1;
        }
        plan.push(start..end);
        start = end;
    }
    let fill = |swept: &mut Swept, ranges: Range<u64>| -> io::Result<()> {
        swept.shingles.clear();
        swept.sets.clear();
        store.range_entries(ranges, RANGE_BITS, &mut swept.shingles, &mut swept.sets)?;
        swept.sort();
        Ok(())
    };
    let (mut swept, mut next) = (Swept::default(), Swept::default());
    let mut plan = plan.into_iter();
    if let Some(first) = plan.next() {
        fill(&mut swept, first)?;
    }
    for ranges in plan {
        let (done, filled) = rayon::join(|| each(&swept), || fill(&mut next, ranges));
        done.and(filled)?;
        std::mem::swap(&mut swept, &mut next);
    }
    each(&swept)
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
    fn buckets_give_the_prefix_a_sort_of_all_frequencies_gives() {
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
        // Written a few at a time, set by set, as sweeps do, into one
        // bucket of sets 100..300.
        let mut bytes = Vec::new();
        let mut rests: Vec<&[u32]> = shared.iter().map(Vec::as_slice).collect();
        while rests[100..].iter().any(|rest| !rest.is_empty()) {
            for (set, rest) in rests.iter_mut().enumerate().skip(100) {
                let (now, later) = rest.split_at(rng.below(12).min(rest.len()));
                if !now.is_empty() {
                    bytes.extend_from_slice(&(set as u32).to_le_bytes());
                    bytes.extend_from_slice(&(now.len() as u32).to_le_bytes());
                    now.iter()
                        .for_each(|f| bytes.extend_from_slice(&f.to_le_bytes()));
                }
                *rest = later;
            }
        }
        let prefixes = bucket_prefixes(&bytes, 100..sets, &wanted);
        assert_eq!(prefixes.len(), sets - 100);
        for (set, prefix) in (100..sets).zip(prefixes) {
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
