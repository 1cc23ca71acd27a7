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
    // A UTF-8 name that reads like an escaped one keeps its id: the two are
    // told as a repeated id, never merged.
    std::fs::write(dir.path().join("a\\xFE.txt"), article("a mountain pass")).unwrap();
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "jsonl", "--no-events", "."]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("duplicate id \"./a\\xFE.txt\""), "{stderr}");
    assert_eq!(crate::util::jsonl_ids(&stdout).len(), 2, "{stdout}");
    // A name given on the command line must be UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"a\xfe.txt");
    let (code, _, stderr) = run(dir.dedup().arg(name));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid UTF-8 was detected in one or more arguments"),
        "{stderr}"
    );
}

/// Long enough for any run here; a hang (the bug) fails instead of blocking.
const NO_HANG: std::time::Duration = std::time::Duration::from_secs(60);

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status();
    assert!(status.expect("mkfifo runs").success());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_directory_is_reported_not_opened() {
    let dir = Dir::new();
    dir.write("r/a.txt", article("the harbour bridge"));
    mkfifo(&dir.path().join("r/pipe.txt"));
    let (code, stdout, stderr) = run(dir
        .dedup()
        .args(["--format", "jsonl", "r"])
        .timeout(NO_HANG));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("dedup: r/pipe.txt: a FIFO, not a regular file, skipped"),
        "{stderr}"
    );
    assert_eq!(crate::util::jsonl_ids(&stdout), ["r/a.txt"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_as_an_input_is_reported_not_opened() {
    let dir = Dir::new();
    dir.write("a.txt", article("the harbour bridge"));
    mkfifo(&dir.path().join("pipe.jsonl"));
    let (code, _, stderr) = run(dir.dedup().args(["a.txt", "pipe.jsonl"]).timeout(NO_HANG));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("pipe.jsonl: a FIFO, not a regular file"),
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_is_a_device_not_an_oversized_file() {
    let dir = Dir::new();
    let (code, _, stderr) = run(dir.dedup().args(["/dev/zero"]).timeout(NO_HANG));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("/dev/zero: a character device, not a regular file, skipped"),
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn random_bytes_on_stdin_stop_the_read_instead_of_growing() {
    use std::process::{Command, Stdio};
    let dir = Dir::new();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dedup"))
        .arg("-")
        .current_dir(dir.path())
        .stdin(std::fs::File::open("/dev/urandom").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + NO_HANG;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("dedup - < /dev/urandom still running after {NO_HANG:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("stdin: binary data (NUL bytes), not JSONL: stopped reading at line"),
        "{stderr}"
    );
}

#[test]
fn endless_garbage_lines_on_stdin_stop_after_a_thousand() {
    let dir = Dir::new();
    let mut input = "{\"text\":\"one good line\"}\n".to_string();
    input.push_str(&"y\n".repeat(10_000));
    let (code, _, stderr) = run(dir.dedup().args(["-q", "-"]).write_stdin(input));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "stdin: over a thousand bad lines in a row, not JSONL: stopped reading at line 4096"
        ),
        "{stderr}"
    );
    assert!(
        stderr.lines().count() < 4200,
        "{} lines",
        stderr.lines().count()
    );
}

#[test]
fn max_bytes_at_its_largest_does_not_wrap_to_zero() {
    let dir = Dir::new();
    dir.write("a.txt", article("the harbour bridge"));
    let line = serde_json::json!({"id": "j", "text": article("a mountain pass")});
    dir.write("c.jsonl", format!("{line}\n"));
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "jsonl",
        "--max-bytes",
        "18446744073709551615",
        "a.txt",
        "c.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let mut ids = crate::util::jsonl_ids(&stdout);
    ids.sort();
    assert_eq!(ids, ["a.txt", "j"]);
}

#[test]
fn bands_times_rows_overflow_is_refused_naming_the_flags() {
    let dir = Dir::new();
    dir.write("a.txt", article("the harbour bridge"));
    let (code, _, stderr) =
        run(dir
            .dedup()
            .args(["--bands", "9223372036854775808", "--rows", "2", "a.txt"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("dedup: --bands 9223372036854775808 × --rows 2 must be"),
        "{stderr}"
    );
}

#[test]
fn clap_errors_read_like_ours() {
    let dir = Dir::new();
    let (code, _, stderr) = run(dir.dedup().args(["--ngram", "x", "a.txt"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("dedup: invalid value 'x' for '--ngram <N>'"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.dedup().args(["--no-such-flag", "a.txt"]));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("dedup: unexpected argument"), "{stderr}");
}

#[test]
fn utf16_files_with_a_bom_are_read_as_text() {
    let dir = Dir::new();
    let body = article("the harbour bridge");
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(body.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    dir.write("le.txt", le);
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "jsonl", "le.txt"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(crate::util::jsonl_ids(&stdout), ["le.txt"]);
}

#[test]
fn a_utf16_jsonl_file_is_refused_with_a_hint() {
    let dir = Dir::new();
    let line = "{\"id\":\"a\",\"text\":\"some words\"}\n";
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(line.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    dir.write("u16.jsonl", bytes);
    let (code, _, stderr) = run(dir.dedup().args(["-q", "u16.jsonl"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "dedup: u16.jsonl: UTF-16 text (convert it to UTF-8), not JSONL: stopped reading at line 1\n"
    );
}

#[test]
fn empty_or_blank_jsonl_text_is_an_error() {
    let dir = Dir::new();
    let good = serde_json::json!({"id": "g", "text": article("a mountain pass")});
    dir.write(
        "c.jsonl",
        format!("{{\"id\":\"e\",\"text\":\"\"}}\n{{\"id\":\"w\",\"text\":\" \\n\\t\"}}\n{good}\n"),
    );
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "jsonl", "c.jsonl"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("c.jsonl:1: field \"text\" is empty, skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c.jsonl:2: field \"text\" is empty, skipped"),
        "{stderr}"
    );
    assert_eq!(crate::util::jsonl_ids(&stdout), ["g"]);
}

#[cfg(unix)]
#[test]
fn a_directory_link_named_txt_is_not_followed() {
    let dir = Dir::new();
    dir.write("r/a.txt", article("the harbour bridge"));
    dir.write("elsewhere/b.txt", article("a mountain pass"));
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), dir.path().join("r/link.txt"))
        .unwrap();
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "jsonl", "r"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(crate::util::jsonl_ids(&stdout), ["r/a.txt"]);
}

#[test]
fn files_with_only_cr_line_ends_are_cleaned() {
    let dir = Dir::new();
    dir.write(
        "cr.txt",
        "Quake hits the coast\r\rThe quake struck at dawn and the people of the town ran \
         outside into the streets.\rShare on Facebook\rShare on Twitter\r",
    );
    let (code, stdout, stderr) = run(dir.dedup().args(["clean", "--format", "jsonl", "cr.txt"]));
    assert_eq!(code, 0, "{stderr}");
    let line: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        line["removed"].as_array().map(Vec::len),
        Some(2),
        "{stdout}"
    );
}

#[test]
fn warnings_and_errors_are_told_in_input_order() {
    let dir = Dir::new();
    dir.write(
        "1.txt",
        b"caf\xE9 au lait was served to the whole town on Tuesday".as_slice(),
    );
    dir.write("2.txt", "");
    dir.write(
        "3.txt",
        b"th\xE9 was served to the whole town on Wednesday".as_slice(),
    );
    let (code, _, stderr) = run(dir.dedup().args(["-q", "1.txt", "2.txt", "3.txt", "4.txt"]));
    assert_eq!(code, 2);
    let inputs: Vec<&str> = stderr
        .lines()
        .map(|l| l.trim_start_matches("dedup: ").split(':').next().unwrap())
        .collect();
    assert_eq!(inputs, ["1.txt", "2.txt", "3.txt", "4.txt"], "{stderr}");
    // Repeated ids too: each is told at its place among the other problems,
    // in a file and across files.
    let row = |id: &str| serde_json::json!({"id": id, "text": "a short story"}).to_string();
    let lines = [
        row("a"),
        row("b"),
        row("a"),
        "{not json".into(),
        row("c"),
        row("b"),
    ];
    dir.write("mixed.jsonl", lines.join("\n") + "\n");
    dir.write("more.jsonl", row("c") + "\n");
    let (code, _, stderr) = run(dir
        .dedup()
        .args(["-q", "mixed.jsonl", "more.jsonl", "1.txt"]));
    assert_eq!(code, 2);
    let places: Vec<&str> = stderr
        .lines()
        .map(|l| l.trim_start_matches("dedup: ").split(' ').next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "mixed.jsonl:3:",
            "mixed.jsonl:4:",
            "mixed.jsonl:6:",
            "more.jsonl:1:",
            "1.txt:"
        ],
        "{stderr}"
    );
}

#[test]
fn terminal_escapes_in_ids_and_titles_are_shown_escaped() {
    let dir = Dir::new();
    let text = article("the harbour bridge");
    let lines = [
        serde_json::json!({"id": "a\u{1b}[2J", "title": "T\u{1b}]0;owned\u{7}", "text": text}),
        serde_json::json!({"id": "b\u{9b}31m", "text": article("a mountain pass")}),
    ];
    dir.write("c.jsonl", format!("{}\n{}\n", lines[0], lines[1]));
    let (code, stdout, stderr) = run(dir.dedup().args(["--color", "never", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{9b}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("a\\u{1b}[2J"), "{stdout}");
    assert!(stdout.contains("T\\u{1b}]0;owned\\u{7}"), "{stdout}");
    // explain shows the passages it quotes escaped as well.
    let evil = format!("{}\u{1b}[2J and more words to share here", article("x"));
    dir.write("e1.txt", &evil);
    dir.write("e2.txt", &evil);
    let (_, stdout, _) = run(dir.dedup().args(["explain", "e1.txt", "e2.txt"]));
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
}

/// Two copies of one story and one other story, as JSONL lines carrying
/// fields dedup does not know, a numeric id and a CR in a string.
const WITH_METADATA: &str = "\
{\"id\":148,\"text\":\"Same story, word for word, told at some length here.\",\"url\":\"http://x/1\",\"lang\":\"en\",\"n\":1.50}\n\
{\"id\":\"b\",\"text\":\"Same story, word for word, told at some length here.\",\"title\":null}\n\
{\"lang\":\"fr\",  \"id\":1e2, \"text\":\"Another story entirely, about boats.\\r\\nShare on Facebook\"}\n";

#[test]
fn write_unique_jsonl_keeps_each_line_byte_for_byte() {
    let dir = Dir::new();
    dir.write("c.jsonl", WITH_METADATA);
    let (code, _, stderr) = run(dir
        .dedup()
        .args(["-q", "--write-unique", "out.jsonl", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let lines: Vec<&str> = WITH_METADATA.lines().collect();
    assert_eq!(written, format!("{}\n{}\n", lines[0], lines[2]));
}

#[test]
fn write_unique_jsonl_from_stdin_keeps_each_line_byte_for_byte() {
    let dir = Dir::new();
    let (code, _, stderr) = run(dir
        .dedup()
        .args(["-q", "--write-unique", "out.jsonl", "-"])
        .write_stdin(WITH_METADATA));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let lines: Vec<&str> = WITH_METADATA.lines().collect();
    assert_eq!(written, format!("{}\n{}\n", lines[0], lines[2]));
}

#[test]
fn write_cleaned_changes_only_the_text_field() {
    let dir = Dir::new();
    dir.write("c.jsonl", WITH_METADATA);
    let (code, _, stderr) = run(dir.dedup().args([
        "-q",
        "--write-unique",
        "out.jsonl",
        "--write-cleaned",
        "c.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let last = written.lines().nth(1).unwrap();
    assert!(
        last.starts_with(
            "{\"lang\":\"fr\",  \"id\":1e2, \"text\":\"Another story entirely, about boats."
        ),
        "{last}"
    );
    assert!(!last.contains("Share on Facebook"), "{last}");
}

#[test]
fn write_unique_refuses_stdin_redirected_from_the_target() {
    let dir = Dir::new();
    let corpus = dir.write("c.jsonl", WITH_METADATA);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("dedup"))
        .args(["--write-unique", "c.jsonl", "-"])
        .current_dir(dir.path())
        .stdin(std::fs::File::open(&corpus).unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is the input stdin"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&corpus).unwrap(), WITH_METADATA);
}

/// Names the code before the fix used for its temporary (`.<name>.tmp-<pid>`),
/// for the pids the next child processes are likely to get.
#[cfg(unix)]
fn likely_old_temporaries(name: &str) -> Vec<String> {
    let pid = std::process::id();
    (pid..pid + 3000)
        .map(|p| format!(".{name}.tmp-{p}"))
        .collect()
}

#[cfg(unix)]
#[test]
fn write_unique_never_writes_through_a_planted_link() {
    let dir = Dir::new();
    let victim = dir.write("victim.jsonl", "{\"id\":\"v\",\"text\":\"precious\"}\n");
    dir.write("c.jsonl", WITH_METADATA);
    for name in likely_old_temporaries("out.jsonl") {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    let (code, _, stderr) = run(dir
        .dedup()
        .args(["-q", "--write-unique", "out.jsonl", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "{\"id\":\"v\",\"text\":\"precious\"}\n"
    );
    assert!(!std::fs::symlink_metadata(dir.path().join("out.jsonl"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn write_unique_never_reuses_a_stale_temporary() {
    let dir = Dir::new();
    dir.write("c.jsonl", WITH_METADATA);
    for name in likely_old_temporaries("unique") {
        dir.write(&format!("{name}/stale.txt"), "left by a killed run");
    }
    let (code, _, stderr) = run(dir
        .dedup()
        .args(["-q", "--write-unique", "unique", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("unique"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["148.txt", "1e2.txt", "index.jsonl"]);
}

#[test]
fn write_unique_dir_gives_clashing_and_long_ids_their_own_files() {
    let dir = Dir::new();
    let long = format!("https://example.com/news/{}", "very-long-slug-".repeat(30));
    let ids = [
        "a",
        "a.txt/b",
        "A.txt",
        &format!("{long}1"),
        &format!("{long}2"),
    ];
    let lines: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let text = article(&format!("topic{i} alpha{i} beta{i} gamma{i}"));
            serde_json::json!({"id": id, "text": text}).to_string()
        })
        .collect();
    dir.write("c.jsonl", lines.join("\n"));
    let (code, _, stderr) = run(dir.dedup().args(["-q", "--write-unique", "out", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let index = std::fs::read_to_string(dir.path().join("out/index.jsonl")).unwrap();
    let mut files = std::collections::HashSet::new();
    let mut indexed = Vec::new();
    for line in index.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = entry["file"].as_str().unwrap().to_string();
        assert!(
            std::path::Path::new(&file)
                .components()
                .all(|c| c.as_os_str().len() <= 255),
            "{file}"
        );
        let text = std::fs::read_to_string(dir.path().join("out").join(&file)).unwrap();
        assert!(text.contains("topic"), "{file}");
        assert!(files.insert(file.to_lowercase()), "{file} given twice");
        indexed.push(entry["id"].as_str().unwrap().to_string());
    }
    indexed.sort();
    let mut expected: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(indexed, expected);
}

#[cfg(unix)]
#[test]
fn an_interrupted_write_leaves_no_temporary_behind() {
    use std::process::{Command, Stdio};
    let dir = Dir::new();
    // Enough files that writing them (each synced) takes a while.
    let lines: Vec<String> = (0..3000)
        .map(|i| format!("{{\"id\":\"a{i}\",\"text\":\"word{i} alpha{i} beta{i} gamma{i}\"}}"))
        .collect();
    dir.write("c.jsonl", lines.join("\n"));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dedup"))
        .args([
            "-q",
            "--no-events",
            "--no-clean",
            "--write-unique",
            "u",
            "c.jsonl",
        ])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let temporary = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(".u.tmp-"))
    };
    let deadline = std::time::Instant::now() + NO_HANG;
    while !temporary() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(kill.unwrap().success());
    let status = child.wait().unwrap();
    assert!(!temporary(), "the temporary was removed");
    let complete = || std::fs::read_dir(dir.path().join("u")).unwrap().count() == 3001;
    match status.code() {
        // Interrupted: nothing in place, or (renamed just before the signal)
        // the whole of it; never half.
        Some(143) => assert!(!dir.path().join("u").exists() || complete()),
        // On a loaded machine the write may end between the look and the
        // signal: then the target is complete.
        Some(0) => assert!(complete()),
        other => panic!("exits as SIGTERM would (143), or had finished (0): {other:?}"),
    }
}

/// A file named twice (or inside a directory also named) is one article
/// read twice: said so, not as an id clashing with itself.
#[test]
fn a_file_named_twice_is_said_to_be_read_twice() {
    let dir = Dir::new();
    dir.write("d/a.txt", article("the harbour bridge"));
    let (code, stdout, stderr) =
        run(dir
            .dedup()
            .args(["--format", "jsonl", "--no-events", "d/a.txt", "d/"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "dedup: d/a.txt: read twice (named twice, or inside a directory also named), skipped"
        ),
        "{stderr}"
    );
    assert_eq!(crate::util::jsonl_ids(&stdout), ["d/a.txt"]);
}
