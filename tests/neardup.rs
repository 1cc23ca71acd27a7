//! The near-duplicate stage as a whole: the fixtures, agreement with the
//! exhaustive reference, and independence from input order and threads.

use std::path::Path;

use proptest::prelude::*;

use dedup::neardup::reference::{find_groups_exhaustively, verified_pairs_exhaustively, Agreement};
use dedup::neardup::{find_groups, verified_pairs, Group, NearDupParams};
use dedup::read::{read_inputs, ReadOptions};
use dedup::synth::{news_corpus, Origin};

/// The parameters a bare `dedup` run uses.
fn default_params() -> NearDupParams {
    dedup::config::Config::default()
        .validate()
        .expect("the defaults are valid")
        .neardup
}

fn with_threads<T: Send>(threads: usize, run: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(run)
}

/// The members of `groups` of a permuted corpus, in the indices of the
/// original: `original[i]` is the original index of permuted text `i`.
/// (Representatives, and so pairs, are the first member: that depends on
/// the order.)
fn relabel(groups: &[Group], original: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| {
            let mut members: Vec<usize> = g.members.iter().map(|&m| original[m]).collect();
            members.sort_unstable();
            members
        })
        .collect();
    groups.sort_unstable();
    groups
}

#[test]
fn the_syndicated_copy_is_the_only_near_duplicate_among_the_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .map(|path| path.display().to_string())
        .collect();
    paths.sort();
    let corpus = read_inputs(&paths, &ReadOptions::default());
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    let texts: Vec<&str> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
    let name = |i: usize| {
        let id = &corpus.articles[i].id;
        id.rsplit('/').next().unwrap_or(id).to_string()
    };
    let groups: Vec<Vec<String>> = find_groups(&texts, &default_params())
        .unwrap()
        .into_iter()
        .map(|g| g.members.into_iter().map(name).collect())
        .collect();
    // The five seeds are one event in five outlets' words: never copies.
    assert_eq!(
        groups,
        vec![vec![
            "syndicated-putin-biden-discuss-tensions.txt",
            "wire-putin-biden-discuss-tensions.txt",
        ]]
    );
}

#[test]
fn a_short_article_inside_a_long_one_groups_by_containment() {
    // Originals of four different events.
    let mut originals: Vec<&str> = Vec::new();
    let corpus = news_corpus(100, 9);
    let mut events = Vec::new();
    for article in &corpus {
        if article.origin == Origin::Original && !events.contains(&article.event) {
            events.push(article.event);
            originals.push(&article.text);
        }
    }
    let [short, before, after, unrelated] = originals[..4] else {
        panic!("fewer than four events");
    };
    let long = format!("{before}\n{short}\n{after}");
    let groups = find_groups(&[short, &long, unrelated], &default_params()).unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].members, [0, 1]);
    let pair = &groups[0].pairs[0];
    assert!(pair.jaccard < 0.5 && pair.containment >= 0.8, "{pair:?}");
}

#[test]
fn empty_and_wordless_corpora_have_no_groups() {
    let params = default_params();
    assert!(find_groups(&[], &params).unwrap().is_empty());
    assert!(find_groups(&["", " — ", "…", ""], &params)
        .unwrap()
        .is_empty());
}

#[test]
fn candidates_find_what_verifying_every_pair_finds() {
    let corpus = news_corpus(400, 3);
    let texts: Vec<&str> = corpus.iter().map(|a| a.text.as_str()).collect();
    let params = default_params();
    let found = find_groups(&texts, &params).unwrap();
    let reference = find_groups_exhaustively(&texts, &params).unwrap();
    let edges = Agreement::edges(
        &verified_pairs(&texts, &params).unwrap(),
        &verified_pairs_exhaustively(&texts, &params).unwrap(),
    );
    let grouped = Agreement::grouped(&found, &reference);
    eprintln!("edges {edges:?}, grouped {grouped:?}");
    assert!(
        reference.len() >= 20,
        "{} reference groups",
        reference.len()
    );
    assert_eq!(edges.precision(), 1.0);
    assert_eq!(grouped.precision(), 1.0);
    assert!(edges.recall() >= 0.99, "{edges:?}");
    assert!(grouped.recall() >= 0.99, "{grouped:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn groups_depend_on_neither_input_order_nor_thread_count(
        seed in any::<u64>(),
        order in Just((0..80).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let corpus = news_corpus(order.len(), seed);
        let texts: Vec<&str> = corpus.iter().map(|a| a.text.as_str()).collect();
        let shuffled: Vec<&str> = order.iter().map(|&i| texts[i]).collect();
        let params = default_params();
        let one = with_threads(1, || find_groups(&texts, &params).unwrap());
        let two = with_threads(2, || find_groups(&texts, &params).unwrap());
        let shuffled_two = with_threads(2, || find_groups(&shuffled, &params).unwrap());
        prop_assert_eq!(&one, &two);
        let identity: Vec<usize> = (0..order.len()).collect();
        prop_assert_eq!(relabel(&one, &identity), relabel(&shuffled_two, &order));
        for group in one.iter().chain(&shuffled_two) {
            prop_assert_eq!(group.pairs.len(), group.members.len() - 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn identical_texts_always_group(
        texts in prop::collection::vec(prop::collection::vec(0usize..30, 1..80), 1..10),
        copied in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut texts: Vec<String> = texts
            .iter()
            .map(|words| words.iter().map(|w| format!("w{w}")).collect::<Vec<_>>().join(" "))
            .collect();
        let original = copied.index(texts.len());
        // The copy differs in case and spacing only, as reposts do.
        let copy = format!("  {}\n", texts[original].to_uppercase());
        let position = at.index(texts.len() + 1);
        texts.insert(position, copy);
        let original = original + usize::from(position <= original);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let groups = find_groups(&refs, &default_params()).unwrap();
        prop_assert!(
            groups.iter().any(|g| g.members.contains(&original) && g.members.contains(&position)),
            "{original} and {position} not grouped: {groups:?}"
        );
    }
}

/// A page of a directory of one site's pages (no source, no URL): its own
/// short story around the site's long "about" box, which stays in the
/// middle of the page.
fn page_with_box(topic: &str) -> String {
    let about = "The Harbourside Gazette has covered the towns of the estuary since 1887, and \
        its reporters live in the communities they write about every day of the year.\n\
        We are an independent newsroom funded by our readers, and every story we publish is \
        checked by an editor who was not involved in reporting it before it goes out.\n\
        Our coverage of local councils, schools, courts and sport is free to read for \
        everyone, and we do not put any of our reporting behind a paywall of any kind.\n\
        If you have a story that you think we should be looking into, our newsroom would \
        like to hear from you, and we will always protect the identity of our sources.\n";
    let (what, when) = match topic {
        "tram" => (
            "Councillors voted to extend the tram line east",
            "Work starts in spring",
        ),
        "quake" => (
            "A small earthquake shook the harbour at dawn",
            "No one was hurt",
        ),
        "cup" => (
            "Riverside won the county cup on penalties",
            "Fans danced until late",
        ),
        _ => (
            "A warehouse fire closed the ring road for hours",
            "Police suspect arson",
        ),
    };
    format!("{what}\n\n{what} on Tuesday, witnesses said.\n\n{about}\n{when}, officials added.\n")
}

#[test]
fn pages_sharing_only_a_template_box_are_not_copies_but_real_copies_are() {
    let dir = crate::util::Dir::new();
    for topic in ["tram", "quake", "cup", "fire"] {
        dir.write(&format!("site/{topic}.txt"), page_with_box(topic));
    }
    dir.write("site/fire-copy.txt", page_with_box("fire"));
    let (code, stdout, stderr) =
        crate::util::run(
            dir.dedup()
                .args(["--format", "jsonl", "--no-events", "site"]),
        );
    assert_eq!(code, 0, "{stderr}");
    let copies: Vec<&str> = stdout
        .lines()
        .filter(|line| !line.contains(r#""duplicate_of":null"#))
        .collect();
    assert_eq!(copies.len(), 1, "{stdout}");
    assert!(copies[0].contains("site/fire-copy.txt"), "{stdout}");
    // The cleaner keeps the box (mid-page, and the site is only a folder).
    let (_, cleaned, _) = crate::util::run(dir.dedup().args(["clean", "site"]));
    assert!(cleaned.contains("The Harbourside Gazette has covered"));
}
