//! Event clustering on the fixtures: the five seeds and the syndicated copy
//! are one story; the video call of 7 December (same people, other day), the
//! same-day Donbas report (same region, other story) and the unrelated
//! stories each stay out of it, in their own clusters.

use std::collections::HashMap;

use crate::util::{dedup, fixture_paths, run};

const SEEDS: [&str; 6] = [
    "moscowtimes-putin-effective-dialogue",
    "moscowtimes-afp-biden-putin-call",
    "brasovnews-putin-effective-dialogue",
    "wire-putin-biden-discuss-tensions",
    "nos-biden-putin-charged-call",
    "syndicated-putin-biden-discuss-tensions",
];

/// Cluster number of each fixture, keyed by file stem.
fn clusters_of_fixtures(extra: &[&str]) -> HashMap<String, u64> {
    let (code, stdout, stderr) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["--format", "jsonl"])
        .args(extra)
        .args(fixture_paths()));
    assert_eq!(code, 0, "{stderr}");
    stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap();
            let stem = id.trim_start_matches("fixtures/").trim_end_matches(".txt");
            (stem.to_string(), v["cluster"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn the_seeds_and_their_copy_are_one_event_and_nothing_else_is() {
    let cluster = clusters_of_fixtures(&[]);
    let seeds = cluster[SEEDS[0]];
    for seed in SEEDS {
        assert_eq!(
            cluster[seed], seeds,
            "{seed} is not with the seeds: {cluster:?}"
        );
    }
    let outside: Vec<&String> = cluster
        .iter()
        .filter(|(name, &c)| c == seeds && !SEEDS.contains(&name.as_str()))
        .map(|(name, _)| name)
        .collect();
    assert!(
        outside.is_empty(),
        "intruders in the seeds' event: {outside:?}"
    );
    // Each other story is its own cluster.
    for prefix in ["videocall-", "quake-", "tram-", "cupfinal-", "ukraine-"] {
        let found: Vec<u64> = cluster
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .map(|(_, &c)| c)
            .collect();
        assert!(!found.is_empty(), "no {prefix} fixture");
        assert!(
            found.iter().all(|&c| c == found[0]),
            "{prefix} split: {cluster:?}"
        );
        let others = cluster
            .iter()
            .filter(|(name, &c)| c == found[0] && !name.starts_with(prefix))
            .count();
        assert_eq!(others, 0, "{prefix} shares its cluster: {cluster:?}");
    }
}

#[test]
fn eval_scores_the_fixtures_perfectly() {
    let (code, stdout, stderr) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["eval", "--format", "json", "--gold", "fixtures/gold.jsonl"])
        .args(fixture_paths()));
    assert_eq!(code, 0, "{stderr}");
    let scores: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(scores["articles"], 16);
    assert_eq!(scores["events"]["bcubed"]["f1"], 1.0, "{stdout}");
    assert_eq!(scores["events"]["predicted_clusters"], 6, "{stdout}");
}

#[test]
fn no_events_reports_near_duplicate_groups_only() {
    let cluster = clusters_of_fixtures(&["--no-events"]);
    let mut sizes: HashMap<u64, usize> = HashMap::new();
    for &c in cluster.values() {
        *sizes.entry(c).or_default() += 1;
    }
    // No event merges: only near-duplicate groups (none among the fixtures
    // until the near-duplicate stage lands beyond exact copies) stay together.
    assert!(sizes.values().all(|&s| s <= 2), "{cluster:?}");
    assert_ne!(cluster[SEEDS[0]], cluster[SEEDS[1]]);
}

#[test]
fn every_script_scores_perfectly_alongside_the_english_fixtures() {
    // Chinese, Japanese, Urdu (one outlet in Arabic code points), Russian,
    // German and French: two outlets on one event and one other event each,
    // clustered together with the English fixtures.
    let root: &std::path::Path = env!("CARGO_MANIFEST_DIR").as_ref();
    let mut gold = std::fs::read_to_string(root.join("fixtures/gold.jsonl")).unwrap();
    gold += &std::fs::read_to_string(root.join("fixtures/languages/gold.jsonl")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gold_path = dir.path().join("gold.jsonl");
    std::fs::write(&gold_path, gold).unwrap();
    let mut languages: Vec<String> = std::fs::read_dir(root.join("fixtures/languages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            format!(
                "fixtures/languages/{}",
                p.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    languages.sort();
    assert_eq!(languages.len(), 15);
    let (code, stdout, stderr) = run(dedup(root)
        .args(["eval", "--format", "json", "--gold"])
        .arg(&gold_path)
        .args(fixture_paths())
        .args(&languages));
    assert_eq!(code, 0, "{stderr}");
    let scores: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(scores["articles"], 31, "{stdout}");
    for level in ["events", "near_duplicates"] {
        assert_eq!(scores[level]["bcubed"]["f1"], 1.0, "{level}: {stdout}");
    }
    assert_eq!(scores["events"]["predicted_clusters"], 16, "{stdout}");
}
