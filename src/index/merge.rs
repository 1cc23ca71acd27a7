//! Rewriting segments: the tiered merge every add runs after its commits,
//! and `compact`, which rewrites them all. Both replace segments by new
//! ones holding their live articles, re-shingled from the stored texts, so
//! an expired article's postings go with them. Neither changes an answer:
//! a search gathers what every segment finds and sorts it, whichever
//! segments hold the articles.
//!
//! Why merge at all: a query, and the search of every add, looks up each
//! segment, and an add commits one segment per `--commit-every` articles,
//! so unmerged the searches slow down with every add.

use rayon::prelude::*;
use redb::{ReadableTable, WriteTransaction};

use super::params::IndexParams;
use super::segment::{PostingsBuilder, SegmentInfo};
use super::store::{
    self, counter, decompress, read_segments, set_counter, store_error, Db, DOCS, POSTINGS,
    SEGMENTS, TEXTS,
};
use super::write::write_segment;
use super::IndexError;
use crate::events::dates::Day;
use crate::neardup::shingle::{Shingler, Shingles};

/// Articles one segment holds at most, as compact or a merge writes it:
/// large enough that a query looks up few segments, small enough to build
/// in memory (8 bytes a shingle while it is built: about 5 GB for 2^20
/// kit articles of 600 words).
const COMPACT_SEGMENT: usize = 1 << 20;

/// Segments merged at once, and the ratio of sizes from one tier to the
/// next. 4 rather than Lucene's 10: a query costs by the segments it looks
/// up, and a tier keeps up to `FANOUT - 1` of them waiting, so with 10,000
/// articles a commit 990,000 stored articles are 6 segments at 4 against
/// 18 at 10. The price is in adds: an article is re-shingled once a tier
/// it climbs, log_4(2^20 / 10,000), about 3 times up to the cap, against 2.
const FANOUT: usize = 4;

/// Articles re-shingled at a time while a segment is rewritten: only their
/// sets are held besides the segment's postings entries.
const SHINGLE_BATCH: usize = 4096;

/// A segment of `size` articles is in tier ⌊log_FANOUT size⌋.
fn tier(size: usize) -> u32 {
    size.max(1).ilog(FANOUT)
}

/// The segments (id, articles) the next merge takes, by id: the `FANOUT`
/// smallest of the lowest tier that holds `FANOUT`, when together they fit
/// in [`COMPACT_SEGMENT`]. `FANOUT` segments of tier t hold
/// `FANOUT^(t+1)` articles or more, so every article a merge takes climbs
/// a tier, and there are log_FANOUT(COMPACT_SEGMENT) tiers to climb: n
/// added articles are rewritten O(n log n) times in all, and at most
/// `FANOUT - 1` segments wait in a tier.
fn next_merge(segments: &[(u32, usize)]) -> Option<Vec<u32>> {
    let mut ordered = segments.to_vec();
    ordered.sort_unstable_by_key(|&(id, size)| (tier(size), size, id));
    ordered
        .chunk_by(|a, b| tier(a.1) == tier(b.1))
        .map(|tier| &tier[..FANOUT.min(tier.len())])
        .find(|smallest| {
            smallest.len() == FANOUT
                && smallest.iter().map(|&(_, size)| size).sum::<usize>() <= COMPACT_SEGMENT
        })
        .map(|smallest| smallest.iter().map(|&(id, _)| id).collect())
}

/// Merges segments until no tier holds [`FANOUT`] that fit in one
/// ([`next_merge`]). Each merge is its own transaction: an add killed
/// during one leaves the segments before it, which answer alike.
pub fn tiered(db: &Db, params: &IndexParams) -> Result<(), IndexError> {
    loop {
        let txn = db.begin_write()?;
        let segments = read_segments(&txn.open_table(SEGMENTS).map_err(store_error)?)?;
        let sizes: Vec<(u32, usize)> = segments
            .iter()
            .map(|(id, info)| (*id, info.docs.len()))
            .collect();
        let Some(merged) = next_merge(&sizes) else {
            return txn.abort().map_err(store_error);
        };
        let old = segments
            .into_iter()
            .filter(|(id, _)| merged.contains(id))
            .collect();
        rewrite(&txn, params, old)?;
        txn.commit().map_err(store_error)?;
    }
}

/// Rewrites every segment into as few as [`COMPACT_SEGMENT`] allows,
/// oldest articles first.
pub fn compact(db: &Db, params: &IndexParams) -> Result<(), IndexError> {
    let txn = db.begin_write()?;
    let all = read_segments(&txn.open_table(SEGMENTS).map_err(store_error)?)?;
    rewrite(&txn, params, all)?;
    txn.commit().map_err(store_error)
}

/// Replaces the `old` segments by new ones holding their live articles in
/// article order, up to [`COMPACT_SEGMENT`] each.
fn rewrite(
    txn: &WriteTransaction,
    params: &IndexParams,
    old: Vec<(u32, SegmentInfo)>,
) -> Result<(), IndexError> {
    // Each live article: its number, set size and day.
    let mut live: Vec<(u32, u32, Option<Day>)> = Vec::new();
    {
        let docs = txn.open_table(DOCS).map_err(store_error)?;
        let mut segments = txn.open_table(SEGMENTS).map_err(store_error)?;
        let mut postings = txn.open_table(POSTINGS).map_err(store_error)?;
        for (id, info) in &old {
            for ((&doc, &size), &day) in info.docs.iter().zip(&info.sizes).zip(&info.days) {
                if docs.get(doc).map_err(store_error)?.is_some() {
                    live.push((doc, size, day));
                }
            }
            segments.remove(id).map_err(store_error)?;
            postings
                .retain_in((*id, 0)..=(*id, u32::MAX), |_, _| false)
                .map_err(store_error)?;
        }
    }
    live.sort_unstable_by_key(|&(doc, _, _)| doc);
    let mut next = counter(txn, "next_segment")?;
    let texts = txn.open_table(TEXTS).map_err(store_error)?;
    for part in live.chunks(COMPACT_SEGMENT) {
        let info = SegmentInfo::new(
            part.iter().map(|&(doc, _, _)| doc).collect(),
            part.iter().map(|&(_, size, _)| size).collect(),
            part.iter().map(|&(_, _, day)| day).collect(),
        );
        let mut builder = PostingsBuilder::new(&info);
        for batch in part.chunks(SHINGLE_BATCH) {
            let compressed = batch
                .iter()
                .map(|&(doc, size, _)| {
                    let text = texts.get(doc).map_err(store_error)?;
                    let text = text.ok_or_else(|| store::damaged("texts", doc))?;
                    Ok((doc, size, text.value().to_vec()))
                })
                .collect::<Result<Vec<_>, IndexError>>()?;
            let sets: Vec<Shingles> = compressed
                .par_iter()
                .map_init(
                    || Shingler::new(params.ngram, params.seed),
                    |shingler, (doc, size, text)| {
                        let set = decompress(text).map(|t| shingler.shingles(&t));
                        // The set's size was stored with it: another one
                        // means the text is not the one compared.
                        set.ok()
                            .filter(|set| set.len() == *size as usize)
                            .ok_or_else(|| store::damaged("texts", doc))
                    },
                )
                .collect::<Result<_, _>>()?;
            for set in &sets {
                builder.push(set);
            }
        }
        write_segment(txn, next, &info, &builder.finish())?;
        next += 1;
    }
    set_counter(txn, "next_segment", next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds of `sizes` articles, one segment each, merged after each as an
    /// add merges: the articles rewritten in all, and the segments left.
    fn simulate(sizes: impl IntoIterator<Item = usize>) -> (usize, Vec<usize>) {
        let mut segments: Vec<(u32, usize)> = Vec::new();
        let (mut next, mut rewritten) = (0u32, 0);
        for size in sizes {
            segments.push((next, size));
            next += 1;
            while let Some(merged) = next_merge(&segments) {
                let size: usize = (segments.iter())
                    .filter(|(id, _)| merged.contains(id))
                    .map(|&(_, size)| size)
                    .sum();
                assert!(size <= COMPACT_SEGMENT);
                segments.retain(|(id, _)| !merged.contains(id));
                segments.push((next, size));
                next += 1;
                rewritten += size;
            }
        }
        (rewritten, segments.iter().map(|&(_, size)| size).collect())
    }

    #[test]
    fn a_tier_of_fanout_similar_segments_merges_smallest_first() {
        assert_eq!(next_merge(&[(0, 10), (1, 10), (2, 10)]), None);
        assert_eq!(
            next_merge(&[(0, 10), (1, 9), (2, 100), (3, 10), (4, 11), (5, 12)]),
            Some(vec![1, 0, 3, 4])
        );
        // 3 and 5 are a tier apart (4^0 and 4^1): not similar.
        assert_eq!(next_merge(&[(0, 3), (1, 3), (2, 3), (3, 5)]), None);
        // The lowest tier first; none past the cap.
        assert_eq!(
            next_merge(&[
                (0, 40),
                (1, 40),
                (2, 40),
                (3, 40),
                (4, 2),
                (5, 2),
                (6, 2),
                (7, 2)
            ]),
            Some(vec![4, 5, 6, 7])
        );
        let big = COMPACT_SEGMENT / 4 + 1;
        assert_eq!(next_merge(&[(0, big), (1, big), (2, big), (3, big)]), None);
    }

    #[test]
    fn nightly_adds_are_rewritten_a_few_times_and_leave_few_segments() {
        // 1,000 adds of 10,000 articles (tier 6): each article climbs to
        // 40,000, 160,000 and 640,000 articles, the last tier that fits.
        let added = 10_000 * 1_000;
        let (rewritten, left) = simulate(std::iter::repeat_n(10_000, 1_000));
        assert!(rewritten <= 3 * added, "{rewritten}");
        assert_eq!(left.iter().sum::<usize>(), added);
        let full = left.iter().filter(|&&size| size == 640_000).count();
        assert_eq!(full, added / 640_000);
        assert!(left.len() - full <= 3 * 3, "{left:?}");
    }

    #[test]
    fn adds_of_any_size_are_rewritten_at_most_once_a_tier() {
        let mut rng = crate::synth::SplitMix64::new(11);
        let sizes: Vec<usize> = (0..3_000).map(|_| 1 + rng.below(50_000)).collect();
        let added: usize = sizes.iter().sum();
        let (rewritten, left) = simulate(sizes);
        let tiers = tier(COMPACT_SEGMENT) as usize;
        assert!(rewritten <= tiers * added, "{rewritten} for {added}");
        assert_eq!(left.iter().sum::<usize>(), added);
        // What waits below the cap: fewer than FANOUT a tier.
        let small = left
            .iter()
            .filter(|&&s| s <= COMPACT_SEGMENT / FANOUT)
            .count();
        assert!(small < tiers * FANOUT, "{left:?}");
    }
}
