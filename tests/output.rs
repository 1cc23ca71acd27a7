//! The report: the `dedup/1` JSON contract, JSONL, text, exit codes, help.

use serde::Deserialize;

use crate::util::{article, dedup, fixture_paths, jsonl_ids, run, Dir};

// The `dedup/1` shape, written out independently of the crate's own types:
// a field added, renamed or removed in the output fails these tests, so the
// contract only changes on purpose (and with a schema bump when it breaks).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Report {
    schema: String,
    tool: Tool,
    params: Params,
    summary: Summary,
    clusters: Vec<Cluster>,
    /// Absent when no pair was kept apart.
    #[serde(default)]
    kept_apart: Vec<KeptApart>,
    errors: Vec<ErrorEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Tool {
    name: String,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Params {
    ngram: usize,
    num_perm: usize,
    bands: usize,
    rows: usize,
    threshold: f64,
    containment: f64,
    event_threshold: Option<f64>,
    event_weights: Option<[f64; 3]>,
    seed: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Summary {
    articles: usize,
    clusters: usize,
    near_duplicate_groups: usize,
    duplicates: usize,
    errors: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Cluster {
    id: usize,
    size: usize,
    title: Option<String>,
    representative: String,
    members: Vec<Member>,
    near_duplicate_groups: Vec<Group>,
    cohesion: Option<f64>,
    dates: Option<[String; 2]>,
    shared_terms: Vec<String>,
    shared_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Member {
    id: String,
    title: Option<String>,
    group: Option<usize>,
    duplicate_of: Option<String>,
    score: Option<f64>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Group {
    id: usize,
    representative: String,
    members: Vec<String>,
    pairs: Vec<Pair>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Pair {
    a: String,
    b: String,
    jaccard: f64,
    containment: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct KeptApart {
    a: String,
    b: String,
    jaccard: f64,
    containment: f64,
    evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ErrorEntry {
    input: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Line {
    id: String,
    cluster: usize,
    group: Option<usize>,
    duplicate_of: Option<String>,
}

fn json_report(args: &[String]) -> (i32, Report) {
    let (code, stdout, stderr) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["--format", "json"])
        .args(args));
    let report: Report =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}\n{stderr}"));
    (code, report)
}

#[test]
fn json_of_the_fixtures_follows_the_schema_with_every_article_once() {
    let args = fixture_paths();
    assert!(args.len() >= 10, "fixtures: {args:?}");
    let (code, report) = json_report(&args);
    assert_eq!(code, 0);
    assert_eq!(report.schema, "dedup/1");
    assert_eq!(report.tool.name, "dedup");
    assert_eq!(report.params.ngram, 5);
    assert_eq!(report.params.num_perm, 128);
    assert_eq!((report.params.bands, report.params.rows), (30, 4));
    assert_eq!(report.params.seed, 42);
    assert_eq!(report.params.event_threshold, Some(0.06));
    // The default 0.5,0.3,0.3, echoed on the scale scores use: summing to 1.
    // Every cluster of several stories carries its evidence, on the [0, 1] scale.
    for c in report.clusters.iter().filter(|c| c.size > 1) {
        if c.near_duplicate_groups.len() == 1 && c.near_duplicate_groups[0].members.len() == c.size
        {
            continue; // copies only: one story told once
        }
        let cohesion = c.cohesion.unwrap_or_else(|| panic!("{c:?}"));
        assert!(cohesion > 0.0 && cohesion <= 1.0, "{c:?}");
        assert!(
            c.members.iter().all(|m| m.score.is_some_and(|s| s <= 1.0)),
            "{c:?}"
        );
        assert!(
            !c.shared_terms.is_empty() && c.shared_terms.len() <= 5,
            "{c:?}"
        );
        assert!(c.shared_names.len() <= 5, "{c:?}");
    }
    let seeds = report
        .clusters
        .iter()
        .find(|c| c.members.iter().any(|m| m.id.contains("wire-putin")))
        .unwrap();
    assert!(seeds.shared_names.iter().any(|n| n == "putin"), "{seeds:?}");
    assert!(seeds.dates.is_some(), "the seeds have datelines: {seeds:?}");
    let weights = report.params.event_weights.expect("events on");
    for (got, want) in weights.iter().zip([5.0 / 11.0, 3.0 / 11.0, 3.0 / 11.0]) {
        assert!((got - want).abs() < 1e-12, "{weights:?}");
    }
    let mut ids: Vec<&str> = report
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(|m| m.id.as_str()))
        .collect();
    ids.sort();
    let expected: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ids, expected, "every fixture exactly once");
    assert_eq!(report.summary.articles, args.len());
    assert_eq!(report.summary.clusters, report.clusters.len());
    assert_eq!(report.summary.errors, 0);
    for (i, cluster) in report.clusters.iter().enumerate() {
        assert_eq!(cluster.id, i + 1);
        assert_eq!(cluster.size, cluster.members.len());
        assert!(
            cluster.members.windows(2).all(|w| w[0].id < w[1].id),
            "members sorted by id"
        );
        assert!(cluster
            .members
            .iter()
            .any(|m| m.id == cluster.representative));
        // Each copy names its group's kept article; kept ones name none.
        for m in &cluster.members {
            let group = m.group.map(|g| {
                let entry = cluster.near_duplicate_groups.iter().find(|e| e.id == g);
                entry.expect("the member's group is listed in its cluster")
            });
            let kept = group.is_none_or(|g| g.representative == m.id);
            let representative = group.map(|g| g.representative.clone());
            assert_eq!(m.duplicate_of, representative.filter(|_| !kept), "{m:?}");
        }
    }
    assert!(
        report
            .clusters
            .iter()
            .flat_map(|c| &c.members)
            .any(|m| m.duplicate_of.is_some()),
        "the fixtures hold copies"
    );
    assert!(
        report
            .clusters
            .windows(2)
            .all(|w| (std::cmp::Reverse(w[0].size), &w[0].representative)
                < (std::cmp::Reverse(w[1].size), &w[1].representative)),
        "clusters by size, then representative"
    );
}

#[test]
fn output_does_not_depend_on_input_order() {
    let args = fixture_paths();
    let mut reversed = args.clone();
    reversed.reverse();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, forward, _) = run(dedup(dir).args(["--format", "json"]).args(&args));
    let (_, backward, _) = run(dedup(dir).args(["--format", "json"]).args(&reversed));
    assert_eq!(forward, backward);
}

#[test]
fn jsonl_gives_one_line_per_article() {
    let args = fixture_paths();
    let (code, stdout, _) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["--format", "jsonl"])
        .args(&args));
    assert_eq!(code, 0);
    let lines: Vec<Line> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), args.len());
    let mut ids: Vec<String> = jsonl_ids(&stdout);
    ids.sort();
    assert_eq!(ids, args);
}

#[test]
fn pairs_kept_apart_are_no_duplicates_and_the_check_passes() {
    let dir = Dir::new();
    dir.write("pages.jsonl", crate::util::template_pages());
    let (_, stdout, stderr) = run(dir.dedup().args(["--format", "json", "pages.jsonl"]));
    let report: Report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    assert_eq!(report.summary.duplicates, 2, "the three baths pages");
    assert_eq!(report.kept_apart.len(), 2);
    assert!(report
        .kept_apart
        .iter()
        .all(|p| p.a < p.b && p.evidence == "furniture"));
    // The site's two stories alone: kept apart, so no duplicates.
    let two: String = crate::util::template_pages()
        .lines()
        .filter(|l| l.contains("\"gazette-baths\"") || l.contains("\"gazette-whisky\""))
        .map(|l| format!("{l}\n"))
        .collect();
    dir.write("two.jsonl", two);
    let (code, _, stderr) = run(dir.dedup().args(["--fail-on-duplicates", "two.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 articles"), "{stderr}");
}

#[test]
fn exact_copies_group_and_fail_the_check() {
    let dir = Dir::new();
    dir.write("a.txt", article("The harbour bridge"));
    dir.write(
        "b.txt",
        format!(
            "{}Traffic was diverted for the day.\n",
            article("The harbour bridge")
        ),
    );
    dir.write("c.txt", article("A mountain village"));
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "json",
        "--fail-on-duplicates",
        "a.txt",
        "b.txt",
        "c.txt",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let report: Report = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report.summary.near_duplicate_groups, 1);
    assert_eq!(report.summary.duplicates, 1);
    let group = &report.clusters[0].near_duplicate_groups[0];
    assert_eq!(group.members, ["a.txt", "b.txt"]);
    // --keep longest: b.txt has one more sentence.
    assert_eq!(group.representative, "b.txt");
    assert_eq!(group.pairs[0].a, "a.txt");
    assert!(
        stderr.contains("1 near-duplicate group (1 duplicate)"),
        "{stderr}"
    );

    let (_, stdout, _) = run(dir.dedup().args([
        "--format", "jsonl", "--keep", "first", "a.txt", "b.txt", "c.txt",
    ]));
    let lines: Vec<Line> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let b = lines.iter().find(|l| l.id == "b.txt").unwrap();
    assert_eq!(b.duplicate_of.as_deref(), Some("a.txt"));
    assert_eq!(
        lines.iter().find(|l| l.id == "a.txt").unwrap().duplicate_of,
        None
    );

    let (code, _, _) = run(dir.dedup().args(["--fail-on-duplicates", "a.txt", "c.txt"]));
    assert_eq!(code, 0, "no duplicates, no failure");
    let (code, _, _) = run(dir.dedup().args(["a.txt", "b.txt"]));
    assert_eq!(
        code, 0,
        "duplicates without the check flag are not a failure"
    );
}

#[test]
fn a_group_lists_each_copy_with_the_kept_one_so_the_report_stays_linear() {
    let dir = Dir::new();
    let story = article("The harbour bridge");
    let lines: String = (0..1500)
        .map(|i| format!("{}\n", serde_json::json!({"id": i, "text": story})))
        .collect();
    dir.write("copies.jsonl", lines);
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "json", "copies.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    // Every pair of 1,500 copies would be 1,124,250 entries, over 100 MB.
    assert!(stdout.len() < 5 << 20, "{} bytes", stdout.len());
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let group = &report["clusters"][0]["near_duplicate_groups"][0];
    assert_eq!(group["members"].as_array().unwrap().len(), 1500);
    let pairs = group["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1499);
    let kept = &group["representative"];
    assert!(pairs.iter().all(|p| (p["a"] == *kept) != (p["b"] == *kept)));
}

#[test]
fn a_run_without_room_for_its_temporary_files_says_so_and_exits_2() {
    let dir = Dir::new();
    dir.write("a.txt", article("The harbour bridge"));
    let missing = dir.path().join("no-such-dir");
    for clean in [true, false] {
        let mut cmd = dir.dedup();
        cmd.env("TMPDIR", &missing).arg("a.txt");
        if !clean {
            cmd.arg("--no-clean");
        }
        let (code, stdout, stderr) = run(&mut cmd);
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(
            stderr.contains("cannot use temporary files in") && stderr.contains("set TMPDIR"),
            "{stderr}"
        );
    }
}

#[test]
fn errors_appear_in_the_json_report() {
    let dir = Dir::new();
    dir.write("a.txt", article("alpha"));
    let (code, stdout, _) = run(dir.dedup().args(["--format", "json", "a.txt", "gone.txt"]));
    assert_eq!(code, 2);
    let report: Report = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report.summary.errors, 1);
    assert_eq!(report.errors[0].input, "gone.txt");
    assert_eq!(report.errors[0].message, "no such file or directory");
}

#[test]
fn text_report_fits_80_columns_and_summarises_on_stderr() {
    let args = fixture_paths();
    let (code, stdout, stderr) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref()).args(&args));
    assert_eq!(code, 0);
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    for id in &args {
        assert!(stdout.contains(id.as_str()), "{id} missing from:\n{stdout}");
    }
    assert!(
        stderr.starts_with(&format!("dedup: {} articles, ", args.len())),
        "{stderr}"
    );
    let (_, _, quiet) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .arg("--quiet")
        .args(&args));
    assert_eq!(quiet, "");
}

#[test]
fn timings_give_each_stage_its_time_and_peak_memory() {
    let args = fixture_paths();
    let (code, _, stderr) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["--quiet", "--timings", "--format", "jsonl"])
        .args(&args));
    assert_eq!(code, 0);
    // `scripts/bench.py` takes the rest of this line as it is.
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("dedup: timings: "))
        .unwrap_or_else(|| panic!("no timings in {stderr}"));
    let peak = if cfg!(target_os = "linux") {
        r" \(peak \d+ MiB\)"
    } else {
        ""
    };
    let stage = regex::Regex::new(&format!(r"^([a-z-]+) \d+\.\d\ds{peak}$")).unwrap();
    let stages: Vec<&str> = line
        .split(", ")
        .map(|s| {
            let found = stage
                .captures(s)
                .unwrap_or_else(|| panic!("{s:?} in {line}"));
            found.get(1).unwrap().as_str()
        })
        .collect();
    assert_eq!(
        stages,
        ["read", "clean", "candidates", "verify", "events", "report"]
    );
}

#[test]
fn help_explains_every_flag_with_its_default() {
    let dir = Dir::new();
    let (code, help, _) = run(dir.dedup().arg("--help"));
    assert_eq!(code, 0);
    for (flag, default) in [
        ("--format", "[default: text]"),
        ("--threshold", "[default: 0.5]"),
        ("--containment", "[default: 0.8]"),
        ("--num-perm", "[default: 128]"),
        ("--ngram", "[default: 5]"),
        ("--seed", "[default: 42]"),
        ("--event-threshold", "[default: 0.06]"),
        ("--event-weights", "[default: 0.5,0.3,0.3]"),
        ("--glob", "[default: *.txt]"),
        ("--id-field", "[default: id]"),
        ("--text-field", "[default: text]"),
        ("--max-bytes", "[default: 16M]"),
        ("--keep", "[default: longest]"),
    ] {
        let at = help
            .find(flag)
            .unwrap_or_else(|| panic!("{flag} not in help"));
        let entry = &help[at..];
        let end = entry[2..].find("\n  -").map_or(entry.len(), |e| e + 2);
        assert!(
            entry[..end].contains(default),
            "{flag} lacks {default}:\n{}",
            &entry[..end]
        );
    }
    assert!(help.contains("Exit codes:"));
    // Man-page quality: every flag of the main command shows an example.
    let options = &help[help.find("Options:").unwrap()..help.find("\nExamples:").unwrap()];
    let mut entries: Vec<String> = Vec::new();
    for line in options.lines() {
        let flag_line = line.starts_with("  -") || line.starts_with("      --");
        match entries.last_mut() {
            Some(entry) if !flag_line => entry.push_str(line),
            _ if flag_line => entries.push(line.to_string()),
            _ => {}
        }
    }
    assert!(entries.len() > 25, "{} flags found", entries.len());
    for entry in &entries {
        let flag = entry
            .split_whitespace()
            .find(|w| w.starts_with("--"))
            .unwrap();
        if flag == "--help" || flag == "--version" {
            continue;
        }
        assert!(
            entry.contains("Example: "),
            "{flag} has no example:\n{entry}"
        );
    }
}

/// A reader that went away (`dedup … | head`) ends the run quietly with
/// exit 0, in every format of every command that writes a report: stdout
/// is a pipe whose reading end is closed before dedup starts, so its first
/// write fails.
#[test]
fn a_closed_pipe_exits_0_in_every_command_and_format() {
    let dir = Dir::new();
    let root = crate::util::fixtures().parent().unwrap().to_path_buf();
    let index = dir.path().join("news.idx");
    let status = dedup(&root)
        .args(["index", "add", "--index", index.to_str().unwrap(), "-q"])
        .arg("fixtures")
        .output()
        .unwrap()
        .status;
    assert!(status.success() || status.code() == Some(1), "{status}");
    let idx = index.to_str().unwrap();
    let wire = "fixtures/wire-putin-biden-discuss-tensions.txt";
    let copy = "fixtures/syndicated-putin-biden-discuss-tensions.txt";
    let runs: Vec<Vec<&str>> = vec![
        vec!["--format", "text", wire, copy],
        vec!["--format", "json", wire, copy],
        vec!["--format", "jsonl", wire, copy],
        vec!["--format", "csv", wire, copy],
        vec!["clean", wire],
        vec!["clean", "--format", "json", wire],
        vec!["clean", "--format", "jsonl", wire],
        vec!["explain", wire, copy],
        vec!["explain", "--format", "json", wire, copy],
        vec!["eval", "--gold", "fixtures/gold.jsonl", wire, copy],
        vec![
            "eval",
            "--format",
            "json",
            "--gold",
            "fixtures/gold.jsonl",
            wire,
            copy,
        ],
        vec!["query", "--index", idx, wire],
        vec!["query", "--index", idx, "--format", "json", wire],
        vec!["index", "stats", "--index", idx],
        vec!["index", "stats", "--index", idx, "--format", "json"],
        vec!["man"],
        vec!["completions", "bash"],
    ];
    for args in runs {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("dedup"))
            .current_dir(&root)
            .args(&args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("pipe") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

/// The summary groups its counts by thousands, as the progress bars do.
#[test]
fn the_summary_groups_counts_by_thousands() {
    let dir = Dir::new();
    let rows: String = (0..1200)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": i, "text": format!("note {i}")})
            )
        })
        .collect();
    dir.write("many.jsonl", rows);
    let (code, _, stderr) = run(dir.dedup().args(["--no-events", "many.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with("dedup: 1,200 articles, 1,200 clusters (0 with more than one article)"),
        "{stderr}"
    );
}
