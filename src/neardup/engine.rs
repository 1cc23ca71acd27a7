//! The streaming engine: the near-duplicate stage fed one article at a time,
//! in corpus order, holding a few numbers per article in memory and the
//! rest in temporary files ([`crate::spill`]).
//!
//! Per article, in parallel: its [`Sketch`] (shingles, a fingerprint of the
//! set, the LSH band keys). Then, in corpus order, [`Collector::add`]: a
//! set seen before (same fingerprint) is that set again, the commonest copy
//! found for the price of a table entry; a new set is written whole (for
//! verification), by hash range (for the containment filter) and by band
//! (for LSH). [`Collector::finish`] runs the stages of [`super`] on what
//! was spilled: LSH and containment candidates, exact verification,
//! groups.
//!
//! Memory per article: its set number (4 bytes), and per distinct set a
//! fingerprint entry and a file offset (about 40 bytes); the sweeps hold one
//! band or one hash range at a time. The fingerprint is xxh3-128 of the
//! sorted hashes: two different sets share one with probability 2⁻¹²⁸ a
//! pair, far below any other error of the stage.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::ops::Range;

use xxhash_rust::xxh3::Xxh3;

use super::apart;
use super::containment::RANGE_BITS;
use super::distinct::{range_of, SetStore};
use super::frame::PageLines;
use super::group::{self, Choose};
use super::lsh::BandKeys;
use super::minhash::MinHasher;
use super::shingle::{Joined, Shingler, Shingles};
use super::{verify, Found, NearDupParams};
use crate::progress::Progress;
use crate::spill::{take_u32, u64s, Buckets, Records, SealedSets, SetFile};

/// What the engine needs of one text, computed on any thread.
pub struct Sketch {
    shingles: Shingles,
    fingerprint: u128,
    keys: BandKeys,
    /// The page's raw lines, stored, when the text was cleaned from a page:
    /// what tells a template pair from a copy ([`super::apart`]).
    lines: Option<Vec<u8>>,
}

impl Sketch {
    /// The sketch of a text cleaned from a page whose raw lines are `lines`.
    pub(crate) fn with_lines(self, lines: &PageLines) -> Sketch {
        let mut bytes = Vec::new();
        lines.encode(&mut bytes);
        Sketch {
            lines: Some(bytes),
            ..self
        }
    }
}

/// Makes [`Sketch`]es (keep one per thread: it reuses its buffers).
#[derive(Debug, Clone)]
pub struct Sketcher {
    shingler: Shingler,
    hasher: MinHasher,
    bands: usize,
    rows: usize,
}

impl Sketcher {
    pub fn new(params: &NearDupParams) -> Sketcher {
        Sketcher {
            shingler: Shingler::new(params.ngram, params.seed),
            hasher: MinHasher::new(params.num_perm, params.seed),
            bands: params.bands,
            rows: params.rows,
        }
    }

    pub fn sketch(&mut self, text: &str) -> Sketch {
        let shingles = self.shingler.shingles(text);
        self.sketch_shingles(shingles)
    }

    /// [`Sketcher::sketch`] of the text whose words are `words`.
    pub(crate) fn sketch_of(&mut self, words: &Joined) -> Sketch {
        let shingles = self.shingler.shingles_of(words);
        self.sketch_shingles(shingles)
    }

    fn sketch_shingles(&mut self, shingles: Shingles) -> Sketch {
        let mut fingerprint = Xxh3::new();
        for &shingle in shingles.as_slice() {
            fingerprint.update(&shingle.to_le_bytes());
        }
        let keys = if shingles.is_empty() {
            BandKeys::from_keys(Vec::new())
        } else {
            BandKeys::new(&self.hasher.signature(&shingles), self.bands, self.rows)
        };
        Sketch {
            fingerprint: fingerprint.digest128(),
            shingles,
            keys,
            lines: None,
        }
    }
}

/// No set: a text without words, in no group.
const NO_SET: u32 = u32::MAX;

/// The near-duplicate stage, fed in corpus order.
pub struct Collector {
    params: NearDupParams,
    /// Each distinct set's fingerprint, and its number.
    fingerprints: HashMap<u128, u32>,
    /// Each text's set, or [`NO_SET`].
    set_of: Vec<u32>,
    sets: SetFile,
    /// Per hash range, blocks `set, count, shingles…` of each set.
    ranges: Buckets,
    /// Per band, each set's key.
    bands: Buckets,
    /// One block being assembled, kept to reuse its allocation.
    block: Vec<u8>,
    /// Each text's raw lines, when the texts were cleaned from pages.
    lines: Option<Records>,
}

impl Collector {
    pub fn new(params: &NearDupParams) -> io::Result<Collector> {
        Ok(Collector {
            params: params.clone(),
            fingerprints: HashMap::new(),
            set_of: Vec::new(),
            sets: SetFile::new()?,
            ranges: Buckets::new(1 << RANGE_BITS)?,
            bands: Buckets::new(params.bands)?,
            block: Vec::new(),
            lines: None,
        })
    }

    /// Adds the next text's sketch.
    pub fn add(&mut self, sketch: Sketch) -> io::Result<()> {
        if let Some(lines) = &sketch.lines {
            match &mut self.lines {
                Some(records) => records.push(lines)?,
                None => {
                    let mut records = Records::new()?;
                    records.push(lines)?;
                    self.lines = Some(records);
                }
            }
        }
        if sketch.shingles.is_empty() {
            self.set_of.push(NO_SET);
            return Ok(());
        }
        let next = self.fingerprints.len() as u32;
        let set = *self.fingerprints.entry(sketch.fingerprint).or_insert(next);
        self.set_of.push(set);
        if set != next {
            return Ok(());
        }
        self.sets.push(&sketch.shingles)?;
        let mut rest = sketch.shingles.as_slice();
        while let Some(&first) = rest.first() {
            let range = range_of(first, RANGE_BITS);
            let len = rest.partition_point(|&s| range_of(s, RANGE_BITS) == range);
            self.block.clear();
            self.block.extend_from_slice(&set.to_le_bytes());
            self.block.extend_from_slice(&(len as u32).to_le_bytes());
            for &shingle in &rest[..len] {
                self.block.extend_from_slice(&shingle.to_le_bytes());
            }
            self.ranges.push(range as usize, &self.block)?;
            rest = &rest[len..];
        }
        for (band, key) in sketch.keys.as_slice().iter().enumerate() {
            self.bands.push(band, &key.to_le_bytes())?;
        }
        Ok(())
    }

    /// The groups of every text added, each represented by the member
    /// `choose` picks, and the template pairs kept apart when the texts
    /// were cleaned from pages (every sketch [`Sketch::with_lines`]);
    /// `progress` counts the candidates verified.
    pub fn finish(mut self, choose: &Choose, progress: &Progress) -> io::Result<Found> {
        self.ranges.seal()?;
        self.bands.seal()?;
        drop(self.fingerprints);
        let store = Spilled::new(self.sets.seal()?, self.ranges, &self.set_of);
        let bands = &self.bands;
        let column = |band: usize| Ok(u64s(&bands.read(band)?).collect());
        let rule = self.params.edge_rule();
        let candidates = super::candidates_by_band(&store, self.params.bands, column, &rule)?;
        progress.start("verify", candidates.len());
        let edges = verify::edges_counted(&store, &candidates, &rule, &|n| progress.advance(n))?;
        drop(candidates);
        let groups = group::groups(&store, edges, choose)?;
        // Only texts that all came with their lines can be told apart.
        match self.lines {
            Some(lines) if lines.count() == self.set_of.len() => {
                let lines = lines.seal()?;
                let (groups, kept_apart) =
                    apart::separate(groups, &store, &self.set_of, &lines, &rule, choose)?;
                Ok(Found { groups, kept_apart })
            }
            _ => Ok(Found {
                groups,
                kept_apart: Vec::new(),
            }),
        }
    }
}

/// The distinct sets as spilled, for the stages after sketching.
struct Spilled {
    sets: SealedSets,
    ranges: Buckets,
    /// The texts of set `s` are `texts[starts[s]..starts[s + 1]]`.
    starts: Vec<usize>,
    texts: Vec<usize>,
}

impl Spilled {
    fn new(sets: SealedSets, ranges: Buckets, set_of: &[u32]) -> Spilled {
        let mut starts = vec![0; sets.count() + 1];
        for &set in set_of.iter().filter(|&&s| s != NO_SET) {
            starts[set as usize + 1] += 1;
        }
        for s in 0..sets.count() {
            starts[s + 1] += starts[s];
        }
        let mut fill = starts.clone();
        let mut texts = vec![0; starts[sets.count()]];
        for (text, &set) in set_of.iter().enumerate().filter(|(_, &s)| s != NO_SET) {
            texts[fill[set as usize]] = text;
            fill[set as usize] += 1;
        }
        Spilled {
            sets,
            ranges,
            starts,
            texts,
        }
    }
}

impl SetStore for Spilled {
    fn count(&self) -> usize {
        self.sets.count()
    }

    fn size(&self, set: usize) -> usize {
        self.sets.size(set)
    }

    fn load(&self, set: usize) -> io::Result<Cow<'_, Shingles>> {
        Ok(Cow::Owned(self.sets.load(set)?))
    }

    fn load_into(&self, set: usize, into: &mut Vec<u64>) -> io::Result<()> {
        self.sets.load_into(set, into)
    }

    fn texts(&self, set: usize) -> &[usize] {
        &self.texts[self.starts[set]..self.starts[set + 1]]
    }

    fn range_entries(
        &self,
        ranges: Range<u64>,
        bits: u32,
        shingles: &mut Vec<u64>,
        sets: &mut Vec<u32>,
    ) -> io::Result<()> {
        assert_eq!(
            bits, RANGE_BITS,
            "spilled by the containment filter's ranges"
        );
        // Each range's blocks come in set order, a set at most once in a
        // range. Taken together (a small corpus), they are put in set order
        // (then range) by a counting sort on the blocks: each set's entries
        // are counted, then each block is decoded once, straight to its
        // place. Memory: the ranges' bytes, 8 a shingle and 8 a block,
        // while they are decoded, and 4 bytes a set. (A counting sort of
        // 16-byte entries, before, copied each twice.)
        let bytes: Vec<Vec<u8>> = ranges
            .map(|range| self.ranges.read(range as usize))
            .collect::<io::Result<_>>()?;
        if let [bytes] = &bytes[..] {
            for (set, block) in blocks(bytes) {
                shingles.extend(u64s(block));
                sets.extend(std::iter::repeat_n(set, block.len() / 8));
            }
            return Ok(());
        }
        let mut at = vec![0u32; self.count() + 1];
        for (set, block) in bytes.iter().flat_map(|bytes| blocks(bytes)) {
            at[set as usize + 1] += (block.len() / 8) as u32;
        }
        let start = shingles.len();
        for set in 0..self.count() {
            if at[set + 1] > 0 {
                sets.extend(std::iter::repeat_n(set as u32, at[set + 1] as usize));
            }
            at[set + 1] += at[set];
        }
        shingles.resize(start + at[self.count()] as usize, 0);
        let shingles = &mut shingles[start..];
        for (set, block) in bytes.iter().flat_map(|bytes| blocks(bytes)) {
            let from = at[set as usize] as usize;
            let len = block.len() / 8;
            for (to, shingle) in shingles[from..from + len].iter_mut().zip(u64s(block)) {
                *to = shingle;
            }
            at[set as usize] += len as u32;
        }
        Ok(())
    }

    fn range_weight(&self, range: u64, _: u32) -> usize {
        self.ranges.len(range as usize) / 8
    }
}

/// The blocks `set, len, shingles…` of a hash range's bytes: each set, and
/// its shingles' bytes.
fn blocks(bytes: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let (set, len) = (take_u32(&mut rest)?, take_u32(&mut rest)? as usize);
        let (block, after) = rest.split_at(8 * len);
        rest = after;
        Some((set, block))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::distinct::DistinctSets;
    use crate::synth::SplitMix64;

    #[test]
    fn spilled_ranges_hold_every_shingle_of_every_set_once_in_set_order() {
        let mut rng = SplitMix64::new(5);
        let sets: Vec<Shingles> = (0..50)
            .map(|_| (0..1 + rng.below(400)).map(|_| rng.next_u64()).collect())
            .collect();
        let mut collector =
            Collector::new(&crate::config::Config::default().validate().unwrap().neardup).unwrap();
        for set in &sets {
            collector
                .add(Sketch {
                    fingerprint: set.as_slice().iter().map(|&s| u128::from(s)).sum(),
                    shingles: set.clone(),
                    keys: BandKeys::from_keys(Vec::new()),
                    lines: None,
                })
                .unwrap();
        }
        collector.ranges.seal().unwrap();
        let store = Spilled::new(
            collector.sets.seal().unwrap(),
            collector.ranges,
            &collector.set_of,
        );
        let memory = DistinctSets::from_sets(sets);
        let entries = |store: &dyn Fn(&mut Vec<u64>, &mut Vec<u32>)| {
            let (mut shingles, mut sets) = (Vec::new(), Vec::new());
            store(&mut shingles, &mut sets);
            assert_eq!(shingles.len(), sets.len());
            (shingles, sets)
        };
        // One range, and several taken together (merged in set order).
        for ranges in (0..1 << RANGE_BITS)
            .map(|r| r..r + 1)
            .chain([0..3, 5..77, 0..256])
        {
            let spilled = entries(&|shingles, sets| {
                store
                    .range_entries(ranges.clone(), RANGE_BITS, shingles, sets)
                    .unwrap()
            });
            let held = entries(&|shingles, sets| {
                memory
                    .range_entries(ranges.clone(), RANGE_BITS, shingles, sets)
                    .unwrap()
            });
            assert_eq!(spilled, held, "ranges {ranges:?}");
        }
    }
}
