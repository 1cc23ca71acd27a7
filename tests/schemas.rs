//! Every JSON and JSONL output validates against its JSON Schema (draft
//! 2020-12) in `schema/`. The published schemas let a version gain fields
//! (the README's contract); here they are made strict, so a field added to
//! an output without its schema fails, loudly.

use serde_json::Value;

use crate::util::{dedup, fixture_paths, run, Dir};

/// `schema/<name>` as published, after checking it against the draft
/// 2020-12 meta-schema.
fn published(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{name}"
    );
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("{name} is not a valid schema: {e}");
    }
    schema
}

/// Every object schema with listed properties, made to refuse others.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The strict validator of `schema/<name>`: an undocumented field fails.
fn validator(name: &str) -> jsonschema::Validator {
    let mut schema = published(name);
    strict(&mut schema);
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Panics with every violation when `value` does not follow `name`.
fn assert_valid(name: &str, value: &Value) {
    let errors: Vec<String> = validator(name)
        .iter_errors(value)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "output does not follow schema/{name}:\n{}\n{value:#}",
        errors.join("\n")
    );
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}"))
}

/// Runs dedup in the project root (so fixture paths are as a user types them).
fn stdout_of(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref()).args(args));
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    stdout
}

fn with_fixtures<'a>(args: &[&'a str], fixtures: &'a [String]) -> Vec<&'a str> {
    args.iter()
        .copied()
        .chain(fixtures.iter().map(String::as_str))
        .collect()
}

#[test]
fn the_report_follows_its_schema_with_and_without_events() {
    let fixtures = fixture_paths();
    for extra in [
        &[][..],
        &["--no-events"],
        &["--no-clean", "--keep", "first"],
    ] {
        let args = with_fixtures(&[&["--format", "json"], extra].concat(), &fixtures);
        let report = json(&stdout_of(&args));
        assert_eq!(report["schema"], "dedup/1");
        assert_valid("dedup-1.schema.json", &report);
    }
}

#[test]
fn a_report_with_errors_follows_its_schema() {
    let dir = Dir::new();
    dir.write("a.txt", crate::util::article("the harbour"));
    dir.write("empty.txt", "");
    let (code, stdout, _) =
        run(dir
            .dedup()
            .args(["--format", "json", "a.txt", "empty.txt", "missing.txt"]));
    assert_eq!(code, 2);
    let report = json(&stdout);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(2));
    assert_valid("dedup-1.schema.json", &report);
}

#[test]
fn a_report_with_pairs_kept_apart_follows_its_schema() {
    let dir = Dir::new();
    dir.write("pages.jsonl", crate::util::template_pages());
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "json", "pages.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["kept_apart"].as_array().map(Vec::len), Some(2));
    assert_valid("dedup-1.schema.json", &report);
}

#[test]
fn every_jsonl_line_follows_its_schema() {
    let fixtures = fixture_paths();
    let stdout = stdout_of(&with_fixtures(&["--format", "jsonl"], &fixtures));
    assert_eq!(stdout.lines().count(), fixtures.len());
    for line in stdout.lines() {
        assert_valid("dedup-1.line.schema.json", &json(line));
    }
}

#[test]
fn eval_json_names_its_schema_and_follows_it() {
    let fixtures = fixture_paths();
    for extra in [&[][..], &["--no-events", "--threshold", "0.8"]] {
        let args = with_fixtures(
            &[
                &["eval", "--gold", "fixtures/gold.jsonl", "--format", "json"],
                extra,
            ]
            .concat(),
            &fixtures,
        );
        let scores = json(&stdout_of(&args));
        assert_eq!(scores["schema"], "dedup-eval/1");
        assert_valid("dedup-eval-1.schema.json", &scores);
    }
}

#[test]
fn a_sweep_writes_one_eval_document_a_setting() {
    let fixtures = fixture_paths();
    let stdout = stdout_of(&with_fixtures(
        &[
            "eval",
            "--gold",
            "fixtures/gold.jsonl",
            "--sweep",
            "threshold=0.4:0.6:0.1",
            "--format",
            "json",
        ],
        &fixtures,
    ));
    let documents: Vec<Value> = stdout.lines().map(json).collect();
    let thresholds: Vec<&Value> = documents
        .iter()
        .map(|d| &d["params"]["threshold"])
        .collect();
    assert_eq!(thresholds, [0.4, 0.5, 0.6]);
    for document in &documents {
        assert_valid("dedup-eval-1.schema.json", document);
    }
}

#[test]
fn two_sweeps_score_every_combination_and_name_their_values() {
    let fixtures = fixture_paths();
    let stdout = stdout_of(&with_fixtures(
        &[
            "eval",
            "--gold",
            "fixtures/gold.jsonl",
            "--sweep",
            "join-ratio=0.2:0.3:0.1",
            "--sweep",
            "cohesion-ratio=0.3:0.4:0.1",
            "--format",
            "json",
        ],
        &fixtures,
    ));
    let documents: Vec<Value> = stdout.lines().map(json).collect();
    let swept: Vec<(f64, f64)> = documents
        .iter()
        .map(|d| {
            let s = &d["sweep"];
            (
                s["join-ratio"].as_f64().unwrap(),
                s["cohesion-ratio"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(swept, [(0.2, 0.3), (0.2, 0.4), (0.3, 0.3), (0.3, 0.4)]);
    for document in &documents {
        assert_valid("dedup-eval-1.schema.json", document);
    }
}

#[test]
fn index_add_and_query_follow_the_query_schemas() {
    let dir = Dir::new();
    let story = crate::util::article("the harbour");
    let rows: String = [7, 8]
        .iter()
        .map(|id| format!("{}\n", serde_json::json!({"id": id, "text": story})))
        .collect();
    dir.write("day1.jsonl", rows);
    dir.write(
        "day2.jsonl",
        format!("{}\n", serde_json::json!({"id": "n", "text": story})),
    );
    let stdout = |args: &[&str]| {
        let (code, stdout, stderr) = run(dir.dedup().args(args));
        assert!(code == 0 || code == 1, "exit {code}: {stderr}");
        stdout
    };
    let added = stdout(&[
        "index",
        "add",
        "--index",
        "x.idx",
        "--format",
        "jsonl",
        "day1.jsonl",
    ]);
    assert_eq!(added.lines().count(), 2);
    for line in added.lines() {
        assert_valid("dedup-query-1.line.schema.json", &json(line));
    }
    let answer = json(&stdout(&[
        "query",
        "--index",
        "x.idx",
        "--format",
        "json",
        "day2.jsonl",
    ]));
    assert_eq!(answer["schema"], "dedup-query/1");
    assert_eq!(
        answer["articles"][0]["near_duplicates"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_valid("dedup-query-1.schema.json", &answer);
}

#[test]
fn explain_json_names_its_schema_and_follows_it() {
    let pairs = [
        // A copy, then two reports of one event in different words.
        [
            "fixtures/wire-putin-biden-discuss-tensions.txt",
            "fixtures/syndicated-putin-biden-discuss-tensions.txt",
        ],
        [
            "fixtures/quake-globalwire.txt",
            "fixtures/quake-coastalherald.txt",
        ],
    ];
    for [a, b] in pairs {
        for extra in [&[][..], &["--no-events"]] {
            let args = [&["explain", "--format", "json"], extra, &[a, b]].concat();
            let explained = json(&stdout_of(&args));
            assert_eq!(explained["schema"], "dedup-explain/1");
            assert_valid("dedup-explain-1.schema.json", &explained);
        }
    }
    // Against a stored article: the same schema, with the index and the
    // stored article's event instead of the parameters and event channels.
    let dir = Dir::new();
    let root = crate::util::fixtures().parent().unwrap().to_path_buf();
    let index = dir.path().join("n.idx");
    let index = index.to_str().unwrap();
    let (code, _, stderr) =
        run(dedup(&root).args(["index", "add", "-q", "--index", index, pairs[0][1]]));
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(dedup(&root).args([
        "explain",
        "--format",
        "json",
        "--index",
        index,
        pairs[0][0],
        pairs[0][1],
    ]));
    assert_eq!(code, 0, "{stderr}");
    let explained = json(&stdout);
    assert_eq!(explained["schema"], "dedup-explain/1");
    assert_eq!(explained["b_event"], 1, "{explained:#}");
    assert_valid("dedup-explain-1.schema.json", &explained);
    // Either shape without its own fields fails.
    let mut cut = explained.clone();
    cut.as_object_mut().unwrap().remove("b_event");
    assert!(!validator("dedup-explain-1.schema.json").is_valid(&cut));
}

#[test]
fn clean_json_and_jsonl_follow_their_schemas() {
    let page = "fixtures/brasovnews-putin-effective-dialogue.txt";
    let document = json(&stdout_of(&["clean", "--format", "json", page]));
    assert_eq!(document["schema"], "dedup-clean/1");
    assert!(!document["articles"][0]["removed"]
        .as_array()
        .expect("removed lines")
        .is_empty());
    assert_valid("dedup-clean-1.schema.json", &document);
    let lines = stdout_of(&["clean", "--format", "jsonl", page]);
    assert_eq!(json(lines.trim()), document["articles"][0]);
    assert_valid("dedup-clean-1.line.schema.json", &json(lines.trim()));
}

#[test]
fn the_reasons_the_classifier_gives_follow_the_clean_schemas() {
    let dir = crate::util::Dir::new();
    dir.write("page.txt", crate::clean::page_with_menus());
    let (code, stdout, stderr) =
        crate::util::run(dir.dedup().args(["clean", "--format", "json", "page.txt"]));
    assert_eq!(code, 0, "{stderr}");
    let document = json(&stdout);
    let removed = document["articles"][0]["removed"].as_array().unwrap();
    assert!(removed.iter().all(|r| r["why"].is_string()), "{removed:?}");
    assert_valid("dedup-clean-1.schema.json", &document);
    assert_valid("dedup-clean-1.line.schema.json", &document["articles"][0]);
}

#[test]
fn numeric_ids_follow_the_schemas_as_the_numbers_they_were() {
    let dir = Dir::new();
    let story = crate::util::article("the harbour");
    let rows: String = [7, 8, 9]
        .iter()
        .map(|id| format!("{}\n", serde_json::json!({"id": id, "text": story})))
        .collect();
    dir.write("numbers.jsonl", rows);
    let stdout = |args: &[&str]| {
        let (code, stdout, stderr) = run(dir.dedup().args(args));
        assert!(code == 0 || code == 1, "exit {code}: {stderr}");
        stdout
    };
    let report = json(&stdout(&["--format", "json", "numbers.jsonl"]));
    assert_eq!(report["clusters"][0]["members"][0]["id"], 7);
    assert_eq!(
        report["clusters"][0]["near_duplicate_groups"][0]["pairs"][0]["b"],
        8
    );
    assert_valid("dedup-1.schema.json", &report);
    let lines = stdout(&["--format", "jsonl", "numbers.jsonl"]);
    for line in lines.lines() {
        assert_valid("dedup-1.line.schema.json", &json(line));
    }
    assert_eq!(json(lines.lines().nth(1).unwrap())["duplicate_of"], 7);
    let cleaned = json(&stdout(&["clean", "--format", "json", "numbers.jsonl"]));
    assert_eq!(cleaned["articles"][0]["id"], 7);
    assert_valid("dedup-clean-1.schema.json", &cleaned);
    let lines = stdout(&["clean", "--format", "jsonl", "numbers.jsonl"]);
    assert_valid(
        "dedup-clean-1.line.schema.json",
        &json(lines.lines().next().unwrap()),
    );
}

#[test]
fn the_published_schemas_let_a_version_gain_fields() {
    let fixtures = fixture_paths();
    let mut report = json(&stdout_of(&with_fixtures(&["--format", "json"], &fixtures)));
    report["clusters"][0]["members"][0]["added_later"] = Value::Bool(true);
    report["added_later"] = Value::Bool(true);
    let schema = published("dedup-1.schema.json");
    assert!(jsonschema::draft202012::new(&schema)
        .unwrap()
        .is_valid(&report));
}

#[test]
fn a_field_missing_from_a_schema_fails_validation() {
    // The check can fail: an output gaining an undocumented field is caught.
    let fixtures = fixture_paths();
    let mut report = json(&stdout_of(&with_fixtures(&["--format", "json"], &fixtures)));
    report["clusters"][0]["members"][0]["undocumented"] = Value::Bool(true);
    assert!(!validator("dedup-1.schema.json").is_valid(&report));
}

#[test]
fn index_stats_json_names_its_schema_and_follows_it() {
    let dir = Dir::new();
    dir.write("day1/a.txt", crate::util::article("the harbour"));
    dir.write("day1/b.txt", crate::util::article("the orchard"));
    for extra in [&[][..], &["--no-events"]] {
        let index = format!("x{}.idx", extra.len());
        let (code, _, stderr) = run(dir
            .dedup()
            .args(["index", "add", "-q", "--index", &index])
            .args(extra)
            .arg("day1"));
        assert_eq!(code, 0, "{stderr}");
        let (code, stdout, stderr) = run(dir
            .dedup()
            .args(["index", "stats", "--format", "json", "--index", &index]));
        assert_eq!(code, 0, "{stderr}");
        let stats = json(&stdout);
        assert_eq!(stats["schema"], "dedup-index-stats/1");
        assert_eq!(stats["articles"], 2);
        assert!(stats["parts"]["postings"].is_u64(), "{stats:#}");
        assert_valid("dedup-index-stats-1.schema.json", &stats);
    }
}
