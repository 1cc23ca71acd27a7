//! One test per hardening promise (issue #14), named after what it guards.
//! Each failed on the code before the fix.

use crate::util::{article, run, Dir};

/// Ids of a `--format jsonl` run as raw JSON text (a number's literal, a
/// string with its quotes), in report order.
fn raw_ids(stdout: &str) -> Vec<String> {
    type Raw = std::collections::HashMap<String, Box<serde_json::value::RawValue>>;
    stdout
        .lines()
        .map(|line| {
            let value: Raw = serde_json::from_str(line).expect("a JSON line");
            value["id"].get().to_string()
        })
        .collect()
}

#[test]
fn numeric_ids_keep_their_literal_and_stay_numbers() {
    let dir = Dir::new();
    let lines: Vec<String> = [
        "123456789012345678901234567890",
        "123456789012345678901234567891",
        "1e2",
        "148",
    ]
    .iter()
    .enumerate()
    .map(|(i, id)| {
        let text = article(&format!("topic{i} alpha{i} beta{i}"));
        format!("{{\"id\":{id},\"text\":{}}}", serde_json::json!(text))
    })
    .collect();
    dir.write("c.jsonl", lines.join("\n") + "\n");
    let (code, stdout, stderr) =
        run(dir
            .dedup()
            .args(["--format", "jsonl", "--no-events", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let mut ids = raw_ids(&stdout);
    ids.sort();
    assert_eq!(
        ids,
        [
            "123456789012345678901234567890",
            "123456789012345678901234567891",
            "148",
            "1e2"
        ]
    );
    // The same ids in the dedup/1 document, as numbers.
    let (_, json, _) = run(dir.dedup().args(["--format", "json", "c.jsonl"]));
    assert!(
        json.contains("\"id\": 123456789012345678901234567891"),
        "{json}"
    );
    assert!(json.contains("\"id\": 1e2"), "{json}");
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_stay_distinct() {
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new();
    let body = article("the harbour bridge");
    for name in [&b"a\xfe.txt"[..], b"a\xff.txt"] {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, &body).unwrap();
    }
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "jsonl", "--no-events", "."]));
    assert_eq!(code, 0, "{stderr}");
    let mut ids = crate::util::jsonl_ids(&stdout);
    ids.sort();
    assert_eq!(ids, ["./a\\xFE.txt", "./a\\xFF.txt"]);
}
