//! Every JSON and JSONL output validates against its JSON Schema (draft
//! 2020-12) in `schema/`. The schemas forbid unknown fields, so a field added
//! to an output without its schema fails here, loudly.

use serde_json::Value;

use crate::util::{dedup, fixture_paths, run, Dir};

/// The validator of `schema/<name>`, after checking the schema itself
/// against the draft 2020-12 meta-schema.
fn validator(name: &str) -> jsonschema::Validator {
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
fn a_field_missing_from_a_schema_fails_validation() {
    // The check can fail: an output gaining an undocumented field is caught.
    let fixtures = fixture_paths();
    let mut report = json(&stdout_of(&with_fixtures(&["--format", "json"], &fixtures)));
    report["clusters"][0]["members"][0]["undocumented"] = Value::Bool(true);
    assert!(!validator("dedup-1.schema.json").is_valid(&report));
}
