//! The workflows users ask for: keep one copy and write the unique corpus,
//! fail CI on duplicates or events, progress only on a terminal.

use crate::util::{article, jsonl_ids, run, Dir};

fn corpus_with_a_copy() -> Dir {
    let dir = Dir::new();
    dir.write("in/a.txt", article("The harbour bridge"));
    dir.write(
        "in/copy-of-a.txt",
        format!(
            "{}Traffic was diverted for the day.\n",
            article("The harbour bridge")
        ),
    );
    dir.write("in/c.txt", article("A mountain village"));
    dir
}

#[test]
fn write_unique_to_a_directory_keeps_one_copy_per_group() {
    let dir = corpus_with_a_copy();
    let (code, _, stderr) =
        run(dir
            .dedup()
            .args(["--fail-on-duplicates", "--write-unique", "unique", "in"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("dedup: wrote 2 unique articles to unique"),
        "{stderr}"
    );
    let mut written: Vec<String> = walk(&dir.path().join("unique"));
    written.sort();
    // --keep longest keeps the copy with one more sentence.
    assert_eq!(written, ["in/c.txt", "in/copy-of-a.txt", "index.jsonl"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("unique/in/c.txt")).unwrap(),
        article("A mountain village"),
        "articles are written as read"
    );
    let (code, _, stderr) = run(dir.dedup().args(["--fail-on-duplicates", "unique"]));
    assert_eq!(code, 0, "the unique corpus has no duplicates: {stderr}");
}

#[test]
fn write_unique_to_jsonl_keeps_the_lines_as_read() {
    let dir = Dir::new();
    dir.write(
        "in.jsonl",
        "{\"key\":\"1\",\"body\":\"Same story, word for word.\",\"when\":\"2021-12-30\"}\n\
         {\"key\":\"2\",\"body\":\"Same story, word for word.\"}\n\
         {\"key\":\"3\",\"body\":\"Another story entirely.\"}\n",
    );
    let fields = [
        "--id-field",
        "key",
        "--text-field",
        "body",
        "--date-field",
        "when",
    ];
    let (code, _, stderr) = run(dir.dedup().args(fields).args([
        "--keep",
        "earliest",
        "--write-unique",
        "out.jsonl",
        "in.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert_eq!(
        written,
        "{\"key\":\"1\",\"body\":\"Same story, word for word.\",\"when\":\"2021-12-30\"}\n\
         {\"key\":\"3\",\"body\":\"Another story entirely.\"}\n",
        "the kept lines, as read"
    );
    let (_, stdout, _) = run(dir.dedup().args(fields).args([
        "--format",
        "jsonl",
        "--fail-on-duplicates",
        "out.jsonl",
    ]));
    assert_eq!(jsonl_ids(&stdout), ["1", "3"]);
}

#[test]
fn write_unique_never_writes_over_or_into_an_input() {
    let dir = corpus_with_a_copy();
    dir.write("full/x.txt", "occupied");
    for (target, message) in [
        ("in", "would write over or inside the input"),
        ("in/sub", "would write over or inside the input"),
        (".", "would write over or inside the input"),
        ("in/a.txt", "would write over or inside the input"),
        ("full", "directory is not empty"),
    ] {
        let (code, stdout, stderr) = run(dir.dedup().args(["--write-unique", target, "in"]));
        assert_eq!(code, 2, "{target}: {stderr}");
        assert!(stderr.contains(message), "{target}: {stderr}");
        assert!(stdout.is_empty(), "refused before any work");
    }
    assert_eq!(walk(&dir.path().join("in")).len(), 3);
    assert!(!dir.path().join("in/sub").exists());
}

#[test]
fn fail_on_events_flags_any_cluster_of_several_articles() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, _, stderr) = run(crate::util::dedup(root).args([
        "--fail-on-events",
        "fixtures/tram-haversteadgazette.txt",
        "fixtures/tram-metroweekly.txt",
        "fixtures/quake-coastalherald.txt",
    ]));
    assert_eq!(
        code, 1,
        "two reports of the tram vote are one event: {stderr}"
    );
    assert!(
        stderr.contains("3 articles, 2 clusters (1 with more than one article)"),
        "{stderr}"
    );
    let (code, _, stderr) = run(crate::util::dedup(root).args([
        "--fail-on-events",
        "fixtures/tram-metroweekly.txt",
        "fixtures/quake-coastalherald.txt",
    ]));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn progress_bars_only_on_a_terminal() {
    // A run this short draws no bar even on a terminal (bars wait half a
    // second); --quiet and a pipe never draw one.
    let dir = corpus_with_a_copy();
    let bin = assert_cmd::cargo::cargo_bin("dedup");
    let (_, quiet, _) = run(assert_cmd::Command::new("script")
        .current_dir(dir.path())
        .args([
            "-qec",
            &format!("{} --quiet in", bin.display()),
            "/dev/null",
        ]));
    assert!(
        !quiet.contains("\r\x1b[2K"),
        "--quiet draws no bar: {quiet:?}"
    );
    // Piped, stderr is not a terminal: no bar, only the summary.
    let (_, _, stderr) = run(dir.dedup().arg("in"));
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\r'),
        "{stderr:?}"
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = Dir::new();
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, _) = run(dir.dedup().args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(stdout.contains("fail-on-duplicates"), "{shell}");
    }
}

/// Files below `root`, as `/`-separated paths relative to it.
fn walk(root: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    found
}

#[test]
fn explain_shows_the_passage_a_syndicated_copy_shares() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stdout, stderr) = run(crate::util::dedup(root).args([
        "explain",
        "fixtures/wire-putin-biden-discuss-tensions.txt",
        "fixtures/syndicated-putin-biden-discuss-tensions.txt",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("near-duplicates: yes"), "{stdout}");
    assert!(
        stdout.contains("shared passages, longest first:"),
        "{stdout}"
    );
    let flat = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Russian President Vladimir Putin and his US counterpart Joe Biden held their second phone call"),
        "{stdout}"
    );
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    let (code, _, stderr) = run(crate::util::dedup(root).args([
        "explain",
        "--in",
        "fixtures",
        "nope",
        "fixtures/tram-metroweekly.txt",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dedup: nope: no such article among the inputs"),
        "{stderr}"
    );
}

#[test]
fn the_unique_fixtures_lose_only_the_copy_and_pass_the_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Dir::new();
    let unique = out.path().join("unique");
    let fixtures = crate::util::fixture_paths();
    let (code, stdout, stderr) = run(crate::util::dedup(root)
        .args([
            "--format",
            "jsonl",
            "--fail-on-duplicates",
            "--write-unique",
        ])
        .arg(&unique)
        .args(&fixtures));
    assert_eq!(code, 1, "the fixtures hold a syndicated copy: {stderr}");
    let removed: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| !v["duplicate_of"].is_null())
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(removed.len(), 1, "{stdout}");
    let mut written = walk(&unique);
    written.sort();
    let mut kept: Vec<String> = fixtures
        .iter()
        .filter(|f| !removed.contains(f))
        .cloned()
        .collect();
    kept.push("index.jsonl".into());
    assert_eq!(written, kept, "every article that is not a copy is written");
    let (code, _, stderr) =
        run(crate::util::dedup(out.path()).args(["--fail-on-duplicates", "unique"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 near-duplicate groups"), "{stderr}");
}

#[test]
fn each_subcommand_has_the_manual_page_the_main_page_names() {
    let dir = Dir::new();
    let (code, main_page, _) = run(dir.dedup().arg("man"));
    assert_eq!(code, 0);
    assert!(main_page.contains("dedup\\-clean(1)"), "{main_page}");
    let (code, page, stderr) = run(dir.dedup().args(["man", "clean"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(page.contains(".TH dedup-clean 1"), "{page}");
    assert!(page.contains("\\fBdedup clean\\fR"), "{page}");
    // Named as the list names it, with the version and the global flags.
    assert!(page.contains("dedup\\-clean \\- "), "NAME: {page}");
    let version = format!(".TH dedup-clean 1  \"dedup {}\"", env!("CARGO_PKG_VERSION"));
    assert!(page.contains(&version), "footer: {page}");
    assert!(page.contains("\\-\\-timings"), "global flags: {page}");
    assert!(
        !main_page.contains("help(1)"),
        "no page for help: {main_page}"
    );
    let (code, _, stderr) = run(dir.dedup().args(["man", "cleen"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("dedup: man: no subcommand 'cleen'; pages: clean, eval,"),
        "{stderr}"
    );
    // Nested subcommands: the index page names dedup-index-add(1), which prints.
    let (code, index_page, _) = run(dir.dedup().args(["man", "index"]));
    assert_eq!(code, 0);
    assert!(
        index_page.contains("dedup\\-index\\-add(1)"),
        "{index_page}"
    );
    assert!(!index_page.contains("help(1)"), "{index_page}");
    let (code, add_page, stderr) = run(dir.dedup().args(["man", "index", "add"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(add_page.contains(".TH dedup-index-add 1"), "{add_page}");
    assert!(add_page.contains("\\-\\-commit\\-every"), "{add_page}");
    let (code, _, stderr) = run(dir.dedup().args(["man", "index", "ad"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("dedup: man: no subcommand 'ad' of 'index'; pages: add, stats,"),
        "{stderr}"
    );
}
