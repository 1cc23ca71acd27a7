//! Groups without their template links: the pages of a group that are
//! alike only through their site's furniture ([`frame::is_template`]) are
//! kept apart, and the pairs so cut are reported.
//!
//! Input: the groups as [`super::group`] formed them, each text's set, and
//! each text's raw lines as spilled in pass 2. Output: the groups re-formed
//! from the links that are copies, and the template pairs between texts
//! left in different groups. Invariants: a group none of whose members
//! share a first or last raw line (no common frame is possible) is kept as
//! it is, without a read of its sets, so a corpus without template pairs
//! groups exactly as before; otherwise links are judged on every pair of
//! the group's distinct pages (a page's exact reposts are one), so no
//! choice depends on the order of anything. A template pair is reported
//! once for a page and its reposts, with the first of them.
//!
//! A template pair is judged on texts, not sets: two pages of one template
//! whose bodies the cleaner dropped have one compared text, one set, yet
//! are not copies.

use std::collections::HashMap;
use std::io;

use rayon::prelude::*;

use super::distinct::SetStore;
use super::frame::{self, PageLines};
use super::group::Choose;
use super::shingle::Shingles;
use super::union_find::UnionFind;
use super::verify::{EdgeRule, Similarity};
use super::{Group, Pair};
use crate::spill::SealedRecords;

/// The groups that are copies, and the template pairs kept apart (sorted by
/// `(a, b)`), of `groups` (whose texts' sets are `set_of`, and raw lines
/// the records of `lines`).
pub(crate) fn separate(
    groups: Vec<Group>,
    store: &impl SetStore,
    set_of: &[u32],
    lines: &SealedRecords,
    rule: &EdgeRule,
    choose: &Choose,
) -> io::Result<(Vec<Group>, Vec<Pair>)> {
    let parts: Vec<(Vec<Group>, Vec<Pair>)> = groups
        .into_par_iter()
        .map(|group| split(group, store, set_of, lines, rule, choose))
        .collect::<io::Result<_>>()?;
    let (mut groups, mut apart) = (Vec::new(), Vec::new());
    for (copies, cut) in parts {
        groups.extend(copies);
        apart.extend(cut);
    }
    groups.sort_unstable_by_key(|group| group.members[0]);
    apart.sort_unstable_by_key(|pair| (pair.a, pair.b));
    Ok((groups, apart))
}

/// One group's copies and the template pairs between them.
fn split(
    group: Group,
    store: &impl SetStore,
    set_of: &[u32],
    lines: &SealedRecords,
    rule: &EdgeRule,
    choose: &Choose,
) -> io::Result<(Vec<Group>, Vec<Pair>)> {
    let pages: Vec<PageLines> = group
        .members
        .iter()
        .map(|&text| read_lines(lines, text))
        .collect::<io::Result<_>>()?;
    // A template pair needs a frame, and the test is monotone in the
    // shingles shared: pages that would not be a template pair sharing
    // none never are. Most groups end here, without a read of their sets.
    if !shares_an_end(&pages) || !any_template_possible(&pages) {
        return Ok((vec![group], Vec::new()));
    }
    let members = &group.members;
    let sets: Vec<usize> = members.iter().map(|&text| set_of[text] as usize).collect();
    let mut loaded: HashMap<usize, Shingles> = HashMap::new();
    for &set in &sets {
        if let std::collections::hash_map::Entry::Vacant(slot) = loaded.entry(set) {
            slot.insert(store.load(set)?.into_owned());
        }
    }
    let similarity = |i: usize, j: usize| {
        let (x, y) = (&loaded[&sets[i]], &loaded[&sets[j]]);
        match sets[i] == sets[j] {
            true => Similarity::of_counts(x.len(), x.len(), x.len()),
            false => Similarity::between(x, y),
        }
    };
    // A page and its exact twins (one set, the same raw lines: reposts of
    // the page) are copies, judged once: a thousand reposts cost no
    // quadratic pass.
    let mut links = UnionFind::new(members.len());
    let mut first_of: HashMap<(usize, &PageLines), usize> = HashMap::new();
    let mut judged = Vec::new();
    for i in 0..members.len() {
        let first = *first_of.entry((sets[i], &pages[i])).or_insert(i);
        match first == i {
            true => judged.push(i),
            false => links.union(first, i),
        }
    }
    let mut templates = Vec::new();
    for (k, &i) in judged.iter().enumerate() {
        for &j in &judged[k + 1..] {
            let s = similarity(i, j);
            if !rule.is_edge(&s) {
                continue;
            }
            if frame::is_template(&pages[i], &pages[j], s.shared) {
                templates.push((i, j, s));
            } else {
                links.union(i, j);
            }
        }
    }
    if templates.is_empty() {
        return Ok((vec![group], Vec::new()));
    }
    let apart = templates
        .into_iter()
        .filter(|&(i, j, _)| links.find(i) != links.find(j))
        .map(|(i, j, s)| pair(members[i], members[j], s))
        .collect();
    let copies = links
        .components()
        .into_iter()
        .filter(|part| part.len() > 1)
        .map(|part| {
            let texts: Vec<usize> = part.iter().map(|&i| members[i]).collect();
            let representative = choose(&texts);
            let home = part[texts.binary_search(&representative).expect("a member")];
            let pairs = part
                .iter()
                .filter(|&&i| i != home)
                .map(|&i| pair(members[i], members[home], similarity(i, home)))
                .collect();
            Group {
                members: texts,
                pairs,
            }
        })
        .collect();
    Ok((copies, apart))
}

/// Whether two of `pages` start or end with one line: only then can they
/// share a frame.
fn shares_an_end(pages: &[PageLines]) -> bool {
    let mut firsts: Vec<u32> = pages.iter().filter_map(|p| Some(p.ends()?.0)).collect();
    let mut lasts: Vec<u32> = pages.iter().filter_map(|p| Some(p.ends()?.1)).collect();
    let repeats = |hashes: &mut Vec<u32>| {
        hashes.sort_unstable();
        hashes.windows(2).any(|w| w[0] == w[1])
    };
    repeats(&mut firsts) || repeats(&mut lasts)
}

/// Whether two of `pages` could be a template pair, whatever their texts
/// share.
fn any_template_possible(pages: &[PageLines]) -> bool {
    pages.iter().enumerate().any(|(i, a)| {
        pages[i + 1..]
            .iter()
            .any(|b| a != b && frame::is_template(a, b, 0))
    })
}

/// Text `text`'s raw lines, as pass 2 spilled them.
fn read_lines(lines: &SealedRecords, text: usize) -> io::Result<PageLines> {
    let mut bytes = Vec::new();
    lines.read(text, &mut bytes)?;
    PageLines::decode(&bytes).ok_or_else(|| {
        let why = "page lines read back from a temporary file are corrupt";
        io::Error::new(io::ErrorKind::InvalidData, why)
    })
}

/// The pair of texts `x` and `y` at similarity `s`.
fn pair(x: usize, y: usize, s: Similarity) -> Pair {
    Pair::new(x, y, s.jaccard, s.containment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::distinct::DistinctSets;
    use crate::spill::Records;

    const RULE: EdgeRule = EdgeRule {
        jaccard: 0.5,
        containment: 0.8,
    };
    const FIRST: &Choose = &|members: &[usize]| members[0];

    /// A page of `(line, words, compared)`.
    fn page(lines: &[(&str, usize, bool)]) -> PageLines {
        let mut page = PageLines::default();
        for &(text, words, compared) in lines {
            page.push(text, words, compared);
        }
        page
    }

    fn sealed(pages: &[PageLines]) -> SealedRecords {
        let mut records = Records::new().unwrap();
        for page in pages {
            let mut bytes = Vec::new();
            page.encode(&mut bytes);
            records.push(&bytes).unwrap();
        }
        records.seal().unwrap()
    }

    fn group(members: Vec<usize>) -> Group {
        Group {
            pairs: Vec::new(),
            members,
        }
    }

    #[test]
    fn a_template_link_is_cut_and_the_copy_through_it_stays() {
        // Texts 0 and 1: two stories of one site, alike through a kept
        // sidebar of 100 words; text 2: story 0 under another site's frame.
        let sidebar: Shingles = (0..100).collect();
        let with =
            |body: std::ops::Range<u64>| sidebar.as_slice().iter().copied().chain(body).collect();
        let d = DistinctSets {
            sets: vec![with(1000..1030), with(2000..2030), (1000..1030).collect()],
            texts: vec![vec![0], vec![1], vec![2]],
        };
        let lines = sealed(&[
            page(&[
                ("menu", 1, false),
                ("story one", 30, true),
                ("sidebar", 100, true),
            ]),
            page(&[
                ("menu", 1, false),
                ("story two", 30, true),
                ("sidebar", 100, true),
            ]),
            page(&[
                ("other site", 2, false),
                ("story one", 30, true),
                ("other footer", 2, false),
            ]),
        ]);
        let (groups, apart) = separate(
            vec![group(vec![0, 1, 2])],
            &d,
            &[0, 1, 2],
            &lines,
            &RULE,
            FIRST,
        )
        .unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members, vec![0, 2]);
        assert_eq!((groups[0].pairs[0].a, groups[0].pairs[0].b), (0, 2));
        assert_eq!(apart.len(), 1);
        assert_eq!(
            (apart[0].a, apart[0].b, apart[0].jaccard),
            (0, 1, 100.0 / 160.0)
        );
    }

    #[test]
    fn one_compared_text_from_two_pages_of_a_template_is_split() {
        // The cleaner dropped both bodies: one set, two texts, no copy.
        let d = DistinctSets {
            sets: vec![(0..100).collect()],
            texts: vec![vec![0, 1]],
        };
        let lines = sealed(&[
            page(&[
                ("menu", 1, false),
                ("table one", 40, false),
                ("sidebar", 100, true),
            ]),
            page(&[
                ("menu", 1, false),
                ("table two", 40, false),
                ("sidebar", 100, true),
            ]),
        ]);
        let (groups, apart) =
            separate(vec![group(vec![0, 1])], &d, &[0, 0], &lines, &RULE, FIRST).unwrap();
        assert!(groups.is_empty());
        assert_eq!((apart[0].a, apart[0].b, apart[0].jaccard), (0, 1, 1.0));
    }

    #[test]
    fn a_page_reposted_stays_one_group_and_is_kept_apart_once() {
        let d = DistinctSets {
            sets: vec![(0..100).collect()],
            texts: vec![vec![0, 1, 2, 3]],
        };
        let one = page(&[
            ("menu", 1, false),
            ("table one", 40, false),
            ("sidebar", 100, true),
        ]);
        let two = page(&[
            ("menu", 1, false),
            ("table two", 40, false),
            ("sidebar", 100, true),
        ]);
        let lines = sealed(&[one.clone(), one.clone(), two, one]);
        let (groups, apart) = separate(
            vec![group(vec![0, 1, 2, 3])],
            &d,
            &[0; 4],
            &lines,
            &RULE,
            FIRST,
        )
        .unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members, vec![0, 1, 3]);
        assert_eq!(groups[0].pairs.len(), 2);
        assert_eq!(apart.len(), 1);
        assert_eq!((apart[0].a, apart[0].b), (0, 2));
    }

    #[test]
    fn a_group_whose_pages_share_no_end_is_kept_as_it_is() {
        let d = DistinctSets {
            sets: vec![(0..100).collect()],
            texts: vec![vec![0, 1]],
        };
        let lines = sealed(&[
            page(&[("one site", 1, false), ("story", 100, true)]),
            page(&[
                ("another", 1, false),
                ("story", 100, true),
                ("footer", 1, false),
            ]),
        ]);
        let kept = Group {
            members: vec![0, 1],
            // Not what the sets say: proof the group was not re-formed.
            pairs: vec![Pair {
                a: 0,
                b: 1,
                jaccard: 0.25,
                containment: 0.5,
            }],
        };
        let (groups, apart) =
            separate(vec![kept.clone()], &d, &[0, 0], &lines, &RULE, FIRST).unwrap();
        assert_eq!(groups, vec![kept]);
        assert!(apart.is_empty());
    }
}
