//! Two pages of one site alike only in the site's furniture are kept apart
//! and said to be, while copies on that site and on another stay copies.

use serde_json::Value;

use crate::util::{jsonl_ids, run, template_pages, Dir};

#[test]
fn pages_alike_only_in_their_template_are_kept_apart_and_copies_are_not() {
    let dir = Dir::new();
    dir.write("pages.jsonl", template_pages());
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "json",
        "--no-events",
        "--write-unique",
        "unique.jsonl",
        "pages.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let groups: Vec<&Value> = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["near_duplicate_groups"].as_array().unwrap())
        .collect();
    assert_eq!(groups.len(), 1, "{stdout}");
    assert_eq!(
        groups[0]["members"],
        serde_json::json!(["chronicle-baths", "gazette-baths", "gazette-baths-again"]),
        "the repost on the site and the copy on another stay copies"
    );
    let apart = report["kept_apart"].as_array().expect("pairs kept apart");
    let named: Vec<(&str, &str, &str)> = apart
        .iter()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap();
            (text("a"), text("b"), text("evidence"))
        })
        .collect();
    assert_eq!(
        named,
        [
            ("gazette-baths", "gazette-whisky", "furniture"),
            ("gazette-baths-again", "gazette-whisky", "furniture"),
        ]
    );
    assert!(apart.iter().all(|p| p["jaccard"].as_f64().unwrap() >= 0.5));
    let unique = std::fs::read_to_string(dir.path().join("unique.jsonl")).unwrap();
    let (_, kept, _) = run(dir
        .dedup()
        .args(["--format", "jsonl", "--no-events"])
        .arg("-")
        .write_stdin(unique));
    let mut kept = jsonl_ids(&kept);
    kept.sort();
    assert_eq!(
        kept,
        ["gazette-baths", "gazette-whisky"],
        "--write-unique keeps the whisky story"
    );
}

#[test]
fn the_text_report_lists_the_pairs_kept_apart() {
    let dir = Dir::new();
    dir.write("pages.jsonl", template_pages());
    let (code, stdout, stderr) = run(dir.dedup().args(["--no-events", "pages.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "Kept apart (2), alike only in their site's furniture:\n  \
             gazette-baths ~ gazette-whisky  (J 0.53, C 0.69)\n"
        ),
        "{stdout}"
    );
}

#[test]
fn without_cleaning_nothing_is_kept_apart() {
    // `--no-clean` compares the pages as read: no page lines, no frame.
    let dir = Dir::new();
    dir.write("pages.jsonl", template_pages());
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "json",
        "--no-clean",
        "--no-events",
        "pages.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(report.get("kept_apart").is_none(), "{stdout}");
}
