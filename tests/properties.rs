//! Invariants the fuzz targets check, as property tests on stable: for any
//! input the reader, cleaner and pipeline do not panic, every article read is
//! in exactly one cluster, and the report is valid `dedup/1`.

use std::collections::HashSet;

use proptest::prelude::*;

use dedup::read::{read_jsonl, read_text, ReadOptions};

fn options() -> ReadOptions {
    ReadOptions {
        max_bytes: 2048,
        ..ReadOptions::default()
    }
}

/// Article texts from a small vocabulary, so copies and shared passages are
/// common, with now and then a control character or a line end.
fn text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        8 => proptest::sample::select(vec![
            "the", "quake", "hit", "city", "on", "Tuesday", "officials", "said", "Share",
            "Facebook", "tram", "vote", "council", "news", "Putin", "Biden", "1,000", "2021-12-30",
        ]).prop_map(str::to_string),
        1 => proptest::sample::select(vec!["\n", "\r", "\r\n", "\u{1b}[2J", "\t", "é", "日本"])
            .prop_map(str::to_string),
    ];
    proptest::collection::vec(word, 0..60).prop_map(|w| w.join(" "))
}

/// One JSONL line: usually an article (string or number id, maybe a title
/// and date), sometimes a line that is not one.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u64..40, any::<bool>(), text(), proptest::option::of(text())).prop_map(
            |(n, numeric, text, title)| {
                let id = if numeric { n.to_string() } else { format!("\"id{n}\"") };
                let title = title.map_or(String::new(), |t| format!(",\"title\":{}", serde_json::json!(t)));
                format!("{{\"id\":{id},\"text\":{}{title},\"date\":\"2021-12-3{}\"}}", serde_json::json!(text), n % 2)
            }
        ),
        1 => "[^\n]{0,40}",
        1 => Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_corpus_gives_one_cluster_per_article_and_valid_dedup1(
        lines in proptest::collection::vec(line(), 0..24)
    ) {
        let input = lines.join("\n");
        let corpus = read_jsonl(input.as_bytes(), "p.jsonl", &options());
        let pipeline = dedup::config::Config::default().validate().unwrap();
        let clustering = dedup::cluster(&corpus.articles, &pipeline, &Default::default()).unwrap();
        let report = dedup::report::build(&dedup::report::Inputs {
            records: &clustering.records,
            groups: &clustering.groups,
            kept_apart: &clustering.kept_apart,
            events: &clustering.events,
            errors: &corpus.errors,
            neardup: &pipeline.neardup,
            event_threshold: pipeline.events.as_ref().map(|e| e.threshold),
            event_weights: None,
            keep: pipeline.keep,
        });
        let mut seen = HashSet::new();
        for cluster in &report.clusters {
            prop_assert_eq!(cluster.size, cluster.members.len());
            for member in &cluster.members {
                prop_assert!(seen.insert(member.id.clone()), "{} in two clusters", member.id);
            }
        }
        let read: HashSet<_> = corpus.articles.iter().map(|a| a.id.clone()).collect();
        prop_assert_eq!(&seen, &read);
        prop_assert_eq!(report.summary.articles, read.len());
        // Valid dedup/1: it reads back (unknown fields are refused) as the same report.
        let json = serde_json::to_string(&report).unwrap();
        let back: dedup::report::Report = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back.schema, "dedup/1");
        prop_assert_eq!(back, report);
    }

    #[test]
    fn any_bytes_are_an_article_or_one_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let corpus = read_text(bytes, "p.txt");
        prop_assert_eq!(corpus.articles.len() + corpus.errors.len(), 1);
        let cleaned = dedup::clean::clean_corpus(&corpus.articles).unwrap();
        prop_assert_eq!(cleaned.len(), corpus.articles.len());
    }

    #[test]
    fn any_bytes_read_as_jsonl_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let corpus = read_jsonl(bytes.as_slice(), "p.jsonl", &options());
        for article in &corpus.articles {
            prop_assert!(!article.text.trim().is_empty());
        }
    }
}
