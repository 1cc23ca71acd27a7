//! Bad inputs: each is reported as `dedup: <input>: <problem>` on stderr, the
//! good inputs of the same run are still reported, and the run exits 2.

use crate::util::{article, jsonl_ids, run, Dir};

/// Runs `dedup --format jsonl ARGS` and checks the shared contract of a bad
/// input: exit 2, the message on stderr, `good.txt` still reported.
fn assert_bad_input(dir: &Dir, args: &[&str], message: &str) -> Vec<String> {
    dir.write("good.txt", article("The harbour bridge"));
    let (code, stdout, stderr) = run(dir
        .dedup()
        .args(["--format", "jsonl", "good.txt"])
        .args(args));
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains(message),
        "expected {message:?} in stderr:\n{stderr}"
    );
    let ids = jsonl_ids(&stdout);
    assert!(
        ids.contains(&"good.txt".to_string()),
        "good input lost: {ids:?}"
    );
    ids
}

#[test]
fn missing_path() {
    let dir = Dir::new();
    let ids = assert_bad_input(
        &dir,
        &["nope.txt"],
        "dedup: nope.txt: no such file or directory",
    );
    assert_eq!(ids, ["good.txt"]);
}

#[test]
fn unreadable_path() {
    // A file used as a directory cannot be opened, even by root (who can
    // read files whatever their permissions).
    let dir = Dir::new();
    dir.write("plain.txt", article("plain"));
    let ids = assert_bad_input(
        &dir,
        &["plain.txt/inner.txt"],
        "dedup: plain.txt/inner.txt: cannot read: ",
    );
    assert_eq!(ids, ["good.txt"]);
}

#[test]
fn empty_file() {
    let dir = Dir::new();
    dir.write("empty.txt", "");
    dir.write("blank.txt", " \n\n \t\n");
    let ids = assert_bad_input(
        &dir,
        &["empty.txt", "blank.txt"],
        "dedup: empty.txt: empty input, skipped",
    );
    assert_eq!(ids, ["good.txt"]);
}

#[test]
fn binary_file() {
    let dir = Dir::new();
    dir.write("photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_bad_input(
        &dir,
        &["photo.txt"],
        "dedup: photo.txt: binary file (NUL bytes), skipped",
    );
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning() {
    let dir = Dir::new();
    dir.write(
        "latin1.txt",
        b"Caf\xe9 owners protest\n\nThe caf\xe9 owners of the old town marched on Monday.\n",
    );
    dir.write("good.txt", article("The harbour bridge"));
    let (code, stdout, stderr) =
        run(dir
            .dedup()
            .args(["--format", "jsonl", "good.txt", "latin1.txt"]));
    // A warning, not an error: the article was read and is in the report.
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stderr.contains("dedup: latin1.txt: warning: invalid UTF-8"),
        "{stderr}"
    );
    assert_eq!(jsonl_ids(&stdout), ["good.txt", "latin1.txt"]);
}

#[test]
fn malformed_jsonl_line() {
    let dir = Dir::new();
    dir.write(
        "corpus.jsonl",
        "{\"id\": \"a\", \"text\": \"First story text.\"}\n{\"id\": \"b\", \"text\": \n{\"id\": \"c\", \"text\": \"Third story text.\"}\n",
    );
    let ids = assert_bad_input(
        &dir,
        &["corpus.jsonl"],
        "dedup: corpus.jsonl:2: malformed JSON: ",
    );
    assert_eq!(ids.len(), 3);
    assert!(
        ids.contains(&"a".to_string()) && ids.contains(&"c".to_string()),
        "{ids:?}"
    );
}

#[test]
fn field_of_the_wrong_type() {
    let dir = Dir::new();
    dir.write(
        "corpus.jsonl",
        "{\"id\": \"a\", \"text\": [\"not\", \"a\", \"string\"]}\n{\"id\": \"b\", \"text\": \"Fine.\", \"date\": 20211230}\n{\"id\": \"c\", \"text\": \"Fine too.\"}\n",
    );
    let ids = assert_bad_input(
        &dir,
        &["corpus.jsonl"],
        "dedup: corpus.jsonl:1: field \"text\" is an array, expected a string",
    );
    assert!(ids.contains(&"c".to_string()));
    let (_, _, stderr) = run(dir.dedup().arg("corpus.jsonl"));
    assert!(
        stderr.contains("dedup: corpus.jsonl:2: field \"date\" is a number, expected a string"),
        "{stderr}"
    );
}

#[test]
fn missing_text_field_and_custom_field_names() {
    let dir = Dir::new();
    dir.write(
        "corpus.jsonl",
        "{\"key\": \"k1\", \"body\": \"Story one.\", \"headline\": \"One\"}\n{\"key\": \"k2\"}\n",
    );
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "json",
        "--id-field",
        "key",
        "--text-field",
        "body",
        "--title-field",
        "headline",
        "corpus.jsonl",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dedup: corpus.jsonl:2: no \"body\" field, skipped"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["clusters"][0]["members"][0]["id"], "k1");
    assert_eq!(report["clusters"][0]["title"], "One");
}

#[test]
fn huge_inputs_hit_a_limit_that_a_flag_raises() {
    let dir = Dir::new();
    dir.write("big.txt", article(&"enormous ".repeat(300)));
    dir.write(
        "big.jsonl",
        format!(
            "{{\"id\":\"huge\",\"text\":\"{}\"}}\n{{\"id\":\"small\",\"text\":\"ok\"}}\n",
            "x".repeat(5000)
        ),
    );
    let ids = assert_bad_input(
        &dir,
        &["--max-bytes", "1K", "big.txt", "big.jsonl"],
        "dedup: big.txt: 5.4 KiB is over the 1.0 KiB limit, skipped (raise it with --max-bytes)",
    );
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&"small".to_string()));
    let (code, stdout, _) = run(dir.dedup().args([
        "--format",
        "jsonl",
        "--max-bytes",
        "1M",
        "big.txt",
        "big.jsonl",
    ]));
    assert_eq!(code, 0);
    assert_eq!(jsonl_ids(&stdout).len(), 3);
}

#[test]
fn duplicate_ids_name_both_places() {
    let dir = Dir::new();
    dir.write("a.jsonl", "{\"id\": \"x\", \"text\": \"One story.\"}\n");
    dir.write(
        "b.jsonl",
        "{\"id\": \"y\", \"text\": \"Two.\"}\n{\"id\": \"x\", \"text\": \"Another story.\"}\n",
    );
    let ids = assert_bad_input(
        &dir,
        &["a.jsonl", "b.jsonl"],
        "dedup: b.jsonl:2: duplicate id \"x\" (first seen at a.jsonl:1), skipped",
    );
    assert_eq!(ids.len(), 3);
}

#[test]
fn directories_are_searched_with_the_glob() {
    let dir = Dir::new();
    dir.write("corpus/a.txt", article("alpha"));
    dir.write("corpus/deeper/b.txt", article("beta"));
    dir.write("corpus/notes.md", article("gamma"));
    dir.write("corpus/.hidden/c.txt", article("delta"));
    let (code, stdout, _) = run(dir.dedup().args(["--format", "jsonl", "corpus"]));
    assert_eq!(code, 0);
    let mut ids = jsonl_ids(&stdout);
    ids.sort();
    assert_eq!(ids, ["corpus/a.txt", "corpus/deeper/b.txt"]);
    let (_, stdout, _) = run(dir
        .dedup()
        .args(["--format", "jsonl", "--glob", "*.md", "corpus"]));
    assert_eq!(jsonl_ids(&stdout), ["corpus/notes.md"]);
    let (code, _, stderr) = run(dir.dedup().args(["--glob", "*.xml", "corpus"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dedup: corpus: no file matches --glob '*.xml'"),
        "{stderr}"
    );
}

#[test]
fn stdin_is_read_as_jsonl() {
    let dir = Dir::new();
    let (code, stdout, _) = run(dir
        .dedup()
        .args(["--format", "jsonl", "-"])
        .write_stdin("{\"id\":\"s1\",\"text\":\"From a pipe.\"}\n{\"text\":\"No id here.\"}\n"));
    assert_eq!(code, 0);
    assert_eq!(jsonl_ids(&stdout), ["s1", "stdin:2"]);
}

#[test]
fn inputs_are_never_changed() {
    let dir = Dir::new();
    let files = [
        dir.write("a.txt", article("alpha")),
        dir.write("copy.txt", article("alpha")),
        dir.write("bad.txt", b"\0\0"),
        dir.write("c.jsonl", "{\"id\":\"c\",\"text\":\"x\"}\n{bad\n"),
    ];
    let before: Vec<_> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    for format in ["text", "json", "jsonl"] {
        run(dir.dedup().args([
            "--format", format, "a.txt", "copy.txt", "bad.txt", "c.jsonl",
        ]));
    }
    run(dir.dedup().args(["clean", "a.txt", "c.jsonl"]));
    let after: Vec<_> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    assert_eq!(before, after);
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["a.txt", "bad.txt", "c.jsonl", "copy.txt"],
        "no file was added"
    );
}

#[test]
fn a_thread_count_beyond_any_machine_is_a_usage_error() {
    let dir = Dir::new();
    dir.write("a.txt", article("alpha"));
    let (code, _, stderr) = run(dir.dedup().args(["--threads", "20000", "a.txt"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dedup: --threads must be between 1 and 1024, got 20000"),
        "{stderr}"
    );
}

#[test]
fn a_mistyped_subcommand_is_named_not_read_as_files() {
    let dir = Dir::new();
    let (code, _, stderr) = run(dir.dedup().args(["expalin", "a", "b"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "dedup: expalin: no such file or directory, and no such subcommand; \
         did you mean `dedup explain`?\n"
    );
    // A missing file that is no near subcommand stays a missing file.
    let (code, _, stderr) = run(dir.dedup().args(["a"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("dedup: a: no such file or directory\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn plain_text_on_stdin_says_stdin_is_read_as_jsonl() {
    let dir = Dir::new();
    let (code, _, stderr) = run(dir
        .dedup()
        .arg("-")
        .write_stdin("The council met on Tuesday.\n"));
    assert_eq!(code, 2);
    assert!(
        stderr
            .contains("stdin:1: malformed JSON: expected value at line 1 column 1 (read as JSONL"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_flag() {
    let dir = Dir::new();
    dir.write("a.txt", article("alpha"));
    let (code, _, stderr) = run(dir.dedup().args(["--threshold", "2", "a.txt"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dedup: --threshold must be in (0, 1], got 2"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.dedup().args(["--format", "xml", "a.txt"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--format"), "{stderr}");
    let (code, _, _) = run(&mut dir.dedup());
    assert_eq!(code, 2, "no input is a usage error");
}
