//! Average-link agglomeration over a sparse similarity graph, with two
//! guards that keep two stories of one kind apart.
//!
//! Input: `n` nodes, the scored [`Edge`]s between them (content similarity; a
//! pair without an edge has similarity 0), each node's rank (its place in a
//! content order, for tie-breaks), each node's publication day if known, and
//! [`Linkage`] parameters. Output: each node's cluster, named by the smallest
//! rank in it.
//!
//! The two clusters with the highest *closeness* merge, until none is close
//! enough. Closeness is the average pair similarity (sums kept per cluster
//! pair and updated by Lance–Williams, `S(A∪B, C) = S(A, C) + S(B, C)`)
//! times the time factor g of the gap between the clusters' date ranges
//! (neutral when one cluster is undated). A merge needs:
//! - closeness ≥ `threshold`;
//! - when both clusters have [`ESTABLISHED`] members or more: their average
//!   similarity ≥ `cohesion_ratio` × their mean cohesion (average similarity
//!   inside each; both without the time factor),
//!   so two tight stories of one topic do not merge on shared topic words
//!   while a loose story can still gather its members;
//! - otherwise, when one side has two members or more: average similarity ≥
//!   `join_ratio` × the cohesion of the sides that have one, so a lone
//!   article of the same topic but another story stays out.
//!
//! A merge that fails a guard is dropped until one of the two clusters
//! changes. Single link (any one strong pair joins two clusters) chains two
//! events of one topic through their closest pair; average link needs the
//! clusters to agree as a whole, and missing pairs count against them.
//!
//! Invariants: ties in closeness are broken by the clusters' ranks, and sums
//! are only ever added in merge order, so the result depends on the graph,
//! the dates and the ranks alone, never on node numbering or thread count.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::candidates::Edge;
use super::dates::Day;
use super::score::{gap_factor, UNDATED_TIME};

/// Clusters this large are *established*: their cohesion is trusted.
pub const ESTABLISHED: u32 = 3;

/// Merge rules of [`average_link`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linkage {
    /// Least closeness of two clusters that merge.
    pub threshold: f64,
    /// Two established clusters merge only this close relative to their cohesion.
    pub cohesion_ratio: f64,
    /// A small cluster joins another only this close relative to its cohesion.
    pub join_ratio: f64,
}

/// A candidate merge in the heap.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Average similarity times the time factor.
    closeness: f64,
    /// The two clusters' ranks, smaller first (the tie-break).
    low: u32,
    high: u32,
    a: u32,
    b: u32,
    /// The clusters' versions when the entry was made; stale if either changed.
    version_a: u32,
    version_b: u32,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.closeness
            .total_cmp(&other.closeness)
            .then_with(|| other.low.cmp(&self.low))
            .then_with(|| other.high.cmp(&self.high))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

struct Cluster {
    size: u32,
    /// Smallest rank of a member.
    rank: u32,
    version: u32,
    /// Sum of the pair similarities inside the cluster.
    inner: f64,
    /// Earliest and latest publication day of a member, when any is dated.
    dates: Option<(Day, Day)>,
    /// Neighbouring clusters and the sum of pair similarities to each.
    links: HashMap<u32, f64>,
    /// How many members name each year, sorted by year.
    years: Vec<(i32, u32)>,
}

/// The years of two clusters' members, counted together.
fn merge_years(a: &[(i32, u32)], b: &[(i32, u32)]) -> Vec<(i32, u32)> {
    let mut all: Vec<(i32, u32)> = a.iter().chain(b).copied().collect();
    all.sort_unstable_by_key(|&(y, _)| y);
    all.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    all
}

/// Whether `a`'s members agree on a year that `b`'s rarely name: a year
/// most of `a` names (more than half) that `b` names less than half as
/// often. Two established stories told in different years are two events
/// of one kind (the 2008 and the 2011 pirate captures), however alike
/// their words.
fn year_conflict(a: &Cluster, b: &Cluster) -> bool {
    let share = |c: &Cluster, year: i32| {
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

/// See [`year_conflict`]: "less than half as often".
pub const YEAR_AGREEMENT: f64 = 0.5;

impl Cluster {
    /// Average similarity inside; `None` for a single node.
    fn cohesion(&self) -> Option<f64> {
        let n = self.size as f64;
        (self.size > 1).then(|| self.inner / (n * (n - 1.0) / 2.0))
    }
}

/// The time factor of the gap between two date ranges; neutral
/// ([`UNDATED_TIME`]) when one is undated.
pub fn range_factor(a: Option<(Day, Day)>, b: Option<(Day, Day)>) -> f64 {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => gap_factor((a0 - b1).max(b0 - a1).max(0)),
        _ => UNDATED_TIME,
    }
}

/// Whether the guards let clusters `a` and `b` merge, whose average pair
/// similarity (before the time factor) is `closeness`.
fn guards_pass(a: &Cluster, b: &Cluster, closeness: f64, rules: &Linkage) -> bool {
    let cohesions: Vec<f64> = [a.cohesion(), b.cohesion()].into_iter().flatten().collect();
    if cohesions.is_empty() {
        return true;
    }
    let mean = cohesions.iter().sum::<f64>() / cohesions.len() as f64;
    let established = a.size >= ESTABLISHED && b.size >= ESTABLISHED;
    if established && (year_conflict(a, b) || year_conflict(b, a)) {
        return false;
    }
    let ratio = if established {
        rules.cohesion_ratio
    } else {
        rules.join_ratio
    };
    closeness >= ratio * mean
}

/// The cluster of each node, named by its smallest rank.
pub fn average_link(
    n: usize,
    edges: &[Edge],
    rank: &[u32],
    dates: &[Option<Day>],
    years: &[Vec<i32>],
    rules: &Linkage,
) -> Vec<u32> {
    assert_eq!(rank.len(), n);
    assert_eq!(dates.len(), n);
    assert_eq!(years.len(), n);
    let mut clusters: Vec<Cluster> = (0..n)
        .map(|i| Cluster {
            size: 1,
            rank: rank[i],
            version: 0,
            inner: 0.0,
            dates: dates[i].map(|d| (d, d)),
            links: HashMap::new(),
            years: years[i].iter().map(|&y| (y, 1)).collect(),
        })
        .collect();
    for e in edges {
        clusters[e.a as usize].links.insert(e.b, e.score);
        clusters[e.b as usize].links.insert(e.a, e.score);
    }
    let mut merged_into: Vec<u32> = (0..n as u32).collect();
    let mut heap: BinaryHeap<Entry> = BinaryHeap::new();
    let entry = |clusters: &[Cluster], a: u32, b: u32, sum: f64| {
        let (ca, cb) = (&clusters[a as usize], &clusters[b as usize]);
        Entry {
            closeness: sum / (ca.size as f64 * cb.size as f64) * range_factor(ca.dates, cb.dates),
            low: ca.rank.min(cb.rank),
            high: ca.rank.max(cb.rank),
            a,
            b,
            version_a: ca.version,
            version_b: cb.version,
        }
    };
    for e in edges {
        let candidate = entry(&clusters, e.a, e.b, e.score);
        if candidate.closeness >= rules.threshold {
            heap.push(candidate);
        }
    }
    while let Some(top) = heap.pop() {
        let (a, b) = (top.a as usize, top.b as usize);
        if merged_into[a] != top.a
            || merged_into[b] != top.b
            || clusters[a].version != top.version_a
            || clusters[b].version != top.version_b
        {
            continue; // stale
        }
        // The guards weigh content against content: cohesion has no time factor.
        let content = top.closeness / range_factor(clusters[a].dates, clusters[b].dates);
        if !guards_pass(&clusters[a], &clusters[b], content, rules) {
            continue; // until one of them changes
        }
        // The cluster with fewer links merges into the other: each merge
        // costs the smaller side's degree.
        let (keep, gone) = if clusters[a].links.len() >= clusters[b].links.len() {
            (top.a, top.b)
        } else {
            (top.b, top.a)
        };
        let mut links = std::mem::take(&mut clusters[keep as usize].links);
        let gone_links = std::mem::take(&mut clusters[gone as usize].links);
        let between = links.remove(&gone).unwrap_or(0.0);
        for (c, sum) in gone_links {
            if c == keep {
                continue;
            }
            // S(keep ∪ gone, c) = S(keep, c) + S(gone, c): one addition, so
            // the sum does not depend on which side is kept.
            let merged = links.get(&c).map_or(sum, |&s| s + sum);
            links.insert(c, merged);
            let other = &mut clusters[c as usize].links;
            other.remove(&gone);
            other.insert(keep, merged);
        }
        merged_into[gone as usize] = keep;
        let g = &clusters[gone as usize];
        let (size, rank, inner, dates) = (g.size, g.rank, g.inner, g.dates);
        let years = merge_years(&clusters[keep as usize].years, &g.years);
        let k = &mut clusters[keep as usize];
        k.years = years;
        k.inner += inner + between;
        k.size += size;
        k.rank = k.rank.min(rank);
        k.dates = match (k.dates, dates) {
            (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
            (x, y) => x.or(y),
        };
        k.version += 1;
        for (&c, &sum) in &links {
            let candidate = entry(&clusters, keep, c, sum);
            if candidate.closeness >= rules.threshold {
                heap.push(candidate);
            }
        }
        clusters[keep as usize].links = links;
    }
    (0..n)
        .map(|i| {
            let mut root = i;
            while merged_into[root] as usize != root {
                root = merged_into[root] as usize;
            }
            clusters[root].rank
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Linkage = Linkage {
        threshold: 0.2,
        cohesion_ratio: 0.0,
        join_ratio: 0.0,
    };

    fn edge(a: u32, b: u32, score: f64) -> Edge {
        Edge { a, b, score }
    }

    fn clusters(n: usize, edges: &[Edge], rules: &Linkage) -> Vec<u32> {
        let rank: Vec<u32> = (0..n as u32).collect();
        // One day for all: the time factor is 1 and the maths plain.
        average_link(
            n,
            edges,
            &rank,
            &vec![Some(0); n],
            &vec![Vec::new(); n],
            rules,
        )
    }

    fn at(threshold: f64) -> Linkage {
        Linkage { threshold, ..PLAIN }
    }

    #[test]
    fn a_chain_of_strong_pairs_does_not_join_two_groups() {
        // Two tight triangles {0,1,2} and {3,4,5}, one strong bridge 2–3:
        // single link would make one cluster of six.
        let mut edges = vec![
            edge(0, 1, 0.6),
            edge(0, 2, 0.6),
            edge(1, 2, 0.6),
            edge(3, 4, 0.6),
            edge(3, 5, 0.6),
            edge(4, 5, 0.6),
        ];
        edges.push(edge(2, 3, 0.5));
        assert_eq!(clusters(6, &edges, &at(0.2)), [0, 0, 0, 3, 3, 3]);
    }

    #[test]
    fn missing_pairs_count_as_zero() {
        // 0–1 strong, 2 likes 0 only: average to {0,1} = (0.3 + 0) / 2 < 0.2.
        let edges = [edge(0, 1, 0.9), edge(0, 2, 0.3)];
        assert_eq!(clusters(3, &edges, &at(0.2)), [0, 0, 2]);
        // Liking both pulls it in: (0.3 + 0.3) / 2 ≥ 0.2.
        let edges = [edge(0, 1, 0.9), edge(0, 2, 0.3), edge(1, 2, 0.3)];
        assert_eq!(clusters(3, &edges, &at(0.2)), [0, 0, 0]);
    }

    #[test]
    fn the_threshold_stops_merging() {
        let edges = [edge(0, 1, 0.19), edge(2, 3, 0.18)];
        assert_eq!(clusters(4, &edges, &at(0.185)), [0, 0, 2, 3]);
        assert_eq!(clusters(4, &edges, &at(0.18)), [0, 0, 2, 2]);
        assert_eq!(clusters(2, &[], &at(0.0)), [0, 1]);
    }

    #[test]
    fn ties_are_broken_by_rank_not_by_numbering() {
        // Node 1 is equally close to 0 and 2; it joins the one of lower rank,
        // and then the third is too far on average.
        let edges = [edge(0, 1, 0.5), edge(1, 2, 0.5)];
        let rules = at(0.3);
        let dates = [Some(0); 3];
        let no_years = vec![Vec::new(); 3];
        assert_eq!(
            average_link(3, &edges, &[5, 1, 0], &dates, &no_years, &rules),
            [5, 0, 0]
        );
        assert_eq!(
            average_link(3, &edges, &[0, 1, 5], &dates, &no_years, &rules),
            [0, 0, 5]
        );
    }

    #[test]
    fn sums_carry_through_repeated_merges() {
        // {0,1} first (0.9, the lower ranks win the tie with 0–3); then 3
        // averages (0.9 + 0.3) / 2 = 0.6 to it, and 2 only (0.5 + 0.5 + 0.3) / 3 ≈ 0.43.
        let edges = [
            edge(0, 1, 0.9),
            edge(0, 2, 0.5),
            edge(1, 2, 0.5),
            edge(0, 3, 0.9),
            edge(1, 3, 0.3),
            edge(2, 3, 0.3),
        ];
        assert_eq!(clusters(4, &edges, &at(0.4)), [0, 0, 0, 0]);
        assert_eq!(clusters(4, &edges, &at(0.45)), [0, 0, 2, 0]);
        assert_eq!(clusters(4, &edges, &at(0.65)), [0, 0, 2, 3]);
    }

    /// Two tight triangles (0.6 inside) whose members all score 0.3 across.
    fn two_stories() -> Vec<Edge> {
        let mut edges = Vec::new();
        for a in 0..6u32 {
            for b in a + 1..6 {
                let same = (a < 3) == (b < 3);
                edges.push(edge(a, b, if same { 0.6 } else { 0.3 }));
            }
        }
        edges
    }

    #[test]
    fn established_clusters_merge_only_near_their_cohesion() {
        // Plain average link merges them (0.3 ≥ 0.2); at half their cohesion
        // (0.3 < 0.6 × 0.6) the guard keeps them apart.
        assert_eq!(clusters(6, &two_stories(), &at(0.2)), [0, 0, 0, 0, 0, 0]);
        let guarded = Linkage {
            cohesion_ratio: 0.6,
            ..at(0.2)
        };
        assert_eq!(clusters(6, &two_stories(), &guarded), [0, 0, 0, 3, 3, 3]);
    }

    #[test]
    fn a_lone_article_joins_only_near_the_cohesion() {
        // 0,1,2 are one story (0.6); 3 is close to each (0.25), but less than
        // half as close as they are to each other.
        let mut edges: Vec<Edge> = [(0, 1), (0, 2), (1, 2)]
            .iter()
            .map(|&(a, b)| edge(a, b, 0.6))
            .collect();
        edges.extend((0..3).map(|a| edge(a, 3, 0.25)));
        assert_eq!(clusters(4, &edges, &at(0.2)), [0, 0, 0, 0]);
        let guarded = Linkage {
            join_ratio: 0.5,
            ..at(0.2)
        };
        assert_eq!(clusters(4, &edges, &guarded), [0, 0, 0, 3]);
    }

    #[test]
    fn two_stories_of_one_kind_in_different_years_stay_apart() {
        // Two established triangles, close enough to merge (0.3 ≥ 0.4 ×
        // 0.6), but most of the first names 2008 and none of the second does.
        let rank: Vec<u32> = (0..6).collect();
        let edges = two_stories();
        let y = |v: &[i32]| v.to_vec();
        let years = vec![
            y(&[2008]),
            y(&[2008, 2011]),
            y(&[]),
            y(&[2011]),
            y(&[2011]),
            y(&[]),
        ];
        let guarded = Linkage {
            cohesion_ratio: 0.4,
            ..at(0.2)
        };
        assert_eq!(
            average_link(6, &edges, &rank, &[Some(0); 6], &years, &guarded),
            [0, 0, 0, 3, 3, 3]
        );
        // Both name 2011 as often: one story.
        let years = vec![
            y(&[2011]),
            y(&[2011]),
            y(&[]),
            y(&[2011]),
            y(&[2011]),
            y(&[]),
        ];
        assert_eq!(
            average_link(6, &edges, &rank, &[Some(0); 6], &years, &guarded),
            [0; 6]
        );
    }

    #[test]
    fn clusters_far_apart_in_time_stay_apart() {
        // 0 and 1 are dated three weeks apart; 2 is undated and close to both.
        let edges = [edge(0, 1, 0.5), edge(0, 2, 0.5), edge(1, 2, 0.5)];
        let rank = [0, 1, 2];
        let dates = [Some(0), Some(21), None];
        // 2 joins 0 (the tie goes to the lower ranks); then {0,2} dates to day
        // 0 and is three weeks from 1.
        assert_eq!(
            average_link(3, &edges, &rank, &dates, &vec![Vec::new(); 3], &at(0.2)),
            [0, 1, 0]
        );
        let same_week = [Some(0), Some(4), None];
        assert_eq!(
            average_link(3, &edges, &rank, &same_week, &vec![Vec::new(); 3], &at(0.2)),
            [0, 0, 0]
        );
    }

    #[test]
    fn an_undated_pair_gets_the_neutral_time_factor_not_full_credit() {
        // 0.25 × 1/√2 ≈ 0.18 < 0.2: undated, they stay apart; the same day, they merge.
        let edges = [edge(0, 1, 0.25)];
        let no_years = vec![Vec::new(); 2];
        let undated = average_link(2, &edges, &[0, 1], &[None, None], &no_years, &at(0.2));
        assert_eq!(undated, [0, 1]);
        let one_day = average_link(2, &edges, &[0, 1], &[Some(3), Some(3)], &no_years, &at(0.2));
        assert_eq!(one_day, [0, 0]);
        let half = average_link(2, &edges, &[0, 1], &[Some(3), None], &no_years, &at(0.2));
        assert_eq!(half, [0, 1], "one date is no more evidence than none");
    }
}
