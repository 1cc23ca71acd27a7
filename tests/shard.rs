//! Sharded runs: `dedup sketch` per shard, `dedup join`, `dedup merge`
//! report exactly what one `dedup` run reports, and bad sketch directories
//! are refused with the file and the problem.

use std::path::Path;

use dedup::synth::news_corpus;

use crate::util::Dir;

/// A JSONL corpus of `n` generated articles from several outlets, with
/// copies, rewrites and excerpts among them.
fn corpus(dir: &Dir, n: usize) -> String {
    let lines: String = news_corpus(n, 5)
        .iter()
        .map(|a| {
            let line = serde_json::json!({
                "id": a.id, "title": a.title, "date": a.date, "source": a.source, "text": a.text,
            });
            format!("{line}\n")
        })
        .collect();
    dir.write("corpus.jsonl", lines);
    "corpus.jsonl".into()
}

fn sketch_all(dir: &Dir, input: &str, shards: usize, extra: &[&str]) {
    for i in 0..shards {
        dir.dedup()
            .args(["sketch", "--quiet", "--out", "sketches", "--shard"])
            .arg(format!("{i}/{shards}"))
            .args(extra)
            .arg(input)
            .assert()
            .success();
    }
}

fn join(dir: &Dir, extra: &[&str]) {
    dir.dedup()
        .args(["join", "--sketches", "sketches", "--out", "candidates.txt"])
        .args(extra)
        .assert()
        .success();
}

fn merge(dir: &Dir, extra: &[&str]) -> assert_cmd::assert::Assert {
    dir.dedup()
        .args(["merge", "--quiet", "--sketches", "sketches"])
        .args(["--candidates", "candidates.txt"])
        .args(extra)
        .assert()
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn a_sharded_run_reports_exactly_what_one_run_does() {
    let dir = Dir::new();
    let input = corpus(&dir, 400);
    for (shards, by, formats) in [
        (3, "source", &["json", "jsonl", "text"][..]),
        (4, "id", &["json"][..]),
    ] {
        let _ = std::fs::remove_dir_all(dir.path().join("sketches"));
        sketch_all(&dir, &input, shards, &["--shard-by", by]);
        join(&dir, &[]);
        for &format in formats {
            let single = dir
                .dedup()
                .args(["--quiet", "--color", "never", "--format", format, &input])
                .assert()
                .success();
            let merged = merge(&dir, &["--color", "never", "--format", format]).success();
            assert_eq!(
                stdout(&merged),
                stdout(&single),
                "{shards} shards by {by}, {format}"
            );
        }
        let report: serde_json::Value =
            serde_json::from_str(&stdout(&merge(&dir, &["--format", "json"]).success())).unwrap();
        assert!(report["summary"]["near_duplicate_groups"].as_u64().unwrap() > 20);
    }
}

#[test]
fn other_matching_flags_reach_the_merge_unchanged() {
    let dir = Dir::new();
    let input = corpus(&dir, 200);
    let flags = [
        "--no-clean",
        "--threshold",
        "0.7",
        "--keep",
        "first",
        "--no-events",
    ];
    sketch_all(&dir, &input, 2, &flags);
    join(&dir, &flags);
    let single = dir
        .dedup()
        .args(["--quiet", "--format", "json"])
        .args(flags)
        .arg(&input)
        .assert()
        .success();
    let merged = merge(&dir, &[&["--format", "json"][..], &flags[..]].concat()).success();
    assert_eq!(stdout(&merged), stdout(&single));
}

fn refused(assert: assert_cmd::assert::Assert) -> String {
    let output = assert.code(2).get_output().clone();
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).unwrap()
}

fn shard_file(dir: &Dir, i: usize, n: usize) -> std::path::PathBuf {
    dir.path()
        .join("sketches")
        .join(format!("sketch-{i:05}-of-{n:05}.jsonl"))
}

#[test]
fn a_sketch_made_with_other_parameters_is_refused() {
    let dir = Dir::new();
    let input = corpus(&dir, 60);
    sketch_all(&dir, &input, 2, &["--shard-by", "id"]);
    std::fs::remove_file(shard_file(&dir, 1, 2)).unwrap();
    dir.dedup()
        .args(["sketch", "--quiet", "--shard", "1/2", "--shard-by", "id"])
        .args(["--out", "sketches", "--num-perm", "64", &input])
        .assert()
        .success();
    std::fs::write(dir.path().join("candidates.txt"), "0 1\n").unwrap();
    let stderr = refused(merge(&dir, &[]));
    let file = Path::new("sketches").join("sketch-00001-of-00002.jsonl");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "dedup: {}: made with other parameters: --num-perm 64 (this run: 128), --bands 15 \
             (this run: 30), --rows 3 (this run: 4); sketch again, or give this run the same \
             flags",
            file.display()
        )
    );
    let stderr = refused(
        dir.dedup()
            .args(["join", "--sketches", "sketches", "--out", "c.txt"])
            .assert(),
    );
    assert!(stderr.contains("made with other parameters"), "{stderr}");
}

#[test]
fn a_truncated_sketch_is_refused() {
    let dir = Dir::new();
    let input = corpus(&dir, 60);
    sketch_all(&dir, &input, 2, &["--shard-by", "id"]);
    join(&dir, &[]);
    let path = shard_file(&dir, 0, 2);
    let bytes = std::fs::read(&path).unwrap();
    let file = Path::new("sketches").join("sketch-00000-of-00002.jsonl");
    // Cut inside a record, and then just before the end line.
    let end = bytes.len()
        - 1
        - bytes[..bytes.len() - 1]
            .iter()
            .rev()
            .position(|&b| b == b'\n')
            .unwrap();
    for (cut, problem) in [
        (bytes.len() / 2, "truncated: the line is cut short"),
        (end, "truncated: no end line after"),
    ] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let stderr = refused(merge(&dir, &[]));
        assert!(
            stderr.starts_with(&format!("dedup: {}", file.display())) && stderr.contains(problem),
            "{stderr}"
        );
    }
}

#[test]
fn a_missing_shard_is_refused() {
    let dir = Dir::new();
    let input = corpus(&dir, 60);
    sketch_all(&dir, &input, 3, &["--shard-by", "id"]);
    join(&dir, &[]);
    std::fs::remove_file(shard_file(&dir, 1, 3)).unwrap();
    let stderr = refused(merge(&dir, &[]));
    let file = Path::new("sketches").join("sketch-00001-of-00003.jsonl");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "dedup: {}: missing: shard 1/3 was not found (sketch every shard 0..3 into sketches)",
            file.display()
        )
    );
}

#[test]
fn candidates_naming_no_article_are_refused() {
    let dir = Dir::new();
    let input = corpus(&dir, 20);
    sketch_all(&dir, &input, 1, &[]);
    std::fs::write(dir.path().join("candidates.txt"), "0 1\n3 20\n").unwrap();
    let stderr = refused(merge(&dir, &[]));
    assert_eq!(
        stderr.trim_end(),
        "dedup: candidates.txt:2: '3 20' is not two article numbers below 20"
    );
}

#[test]
fn an_empty_shard_by_source_says_how_to_spread_the_articles() {
    let dir = Dir::new();
    for topic in ["harbour", "quake", "tram"] {
        dir.write(&format!("{topic}.txt"), crate::util::article(topic));
    }
    let args = |shard: &str, by: &str| {
        dir.dedup()
            .args(["sketch", "--shard", shard, "--shard-by", by, "--out", "s/"])
            .args(["harbour.txt", "quake.txt", "tram.txt"])
            .assert()
            .success()
            .get_output()
            .stderr
            .clone()
    };
    // One folder is one source: by source, one of two shards is empty.
    let stderr: Vec<String> = ["0/2", "1/2"]
        .iter()
        .map(|shard| String::from_utf8(args(shard, "source")).unwrap())
        .collect();
    let empty = stderr.iter().find(|s| s.contains("holds 0 of 3")).unwrap();
    assert!(empty.contains("--shard-by id spreads them"), "{empty}");
    let full = stderr.iter().find(|s| s.contains("holds 3 of 3")).unwrap();
    assert!(!full.contains("--shard-by id"), "{full}");
}

#[test]
fn a_folder_of_files_is_sharded_by_id_unless_told_otherwise() {
    let dir = Dir::new();
    let mut inputs = Vec::new();
    for topic in ["harbour", "quake", "tram"] {
        for copy in ["", "-copy"] {
            let name = format!("{topic}{copy}.txt");
            dir.write(&name, crate::util::article(topic));
            inputs.push(name);
        }
    }
    let held: Vec<String> = (0..2)
        .map(|i| {
            let output = dir
                .dedup()
                .args(["sketch", "--shard", &format!("{i}/2"), "--out", "sketches"])
                .args(&inputs)
                .assert()
                .success()
                .get_output()
                .stderr
                .clone();
            String::from_utf8(output).unwrap()
        })
        .collect();
    assert!(held.iter().all(|s| !s.contains("holds 0 of 6")), "{held:?}");
    let header = std::fs::read_to_string(shard_file(&dir, 0, 2)).unwrap();
    assert!(header.contains(r#""shard_key":"xxh3_64(id) mod shards""#));
    join(&dir, &[]);
    let single = dir
        .dedup()
        .args(["--quiet", "--format", "json"])
        .args(&inputs)
        .assert()
        .success();
    let merged = merge(&dir, &["--format", "json"]).success();
    assert_eq!(stdout(&merged), stdout(&single));
    let report: serde_json::Value = serde_json::from_str(&stdout(&merged)).unwrap();
    assert!(report["summary"]["duplicates"].as_u64().unwrap() >= 3);
}
