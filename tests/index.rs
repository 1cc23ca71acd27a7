//! The persistent index from the command line: add, query, stats, expire,
//! compact, and the files it refuses.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::util::{article, fixture_paths, run, Dir};

/// A directory holding the fixtures (copied) and an index built from them.
fn indexed(extra: &[&str]) -> Dir {
    let dir = Dir::new();
    for path in fixture_paths() {
        let from = crate::util::fixtures().join(path.trim_start_matches("fixtures/"));
        dir.write(&path, std::fs::read(from).unwrap());
    }
    let (code, _, err) = run(dir
        .dedup()
        .args(["index", "add", "--index", "news.idx", "-q"])
        .args(extra)
        .args(fixture_paths()));
    assert_eq!(code, 0, "{err}");
    dir
}

/// `dedup query --index news.idx --format jsonl FILES` in `dir`, which must
/// succeed: its output and its lines.
fn query_lines(dir: &Dir, files: &[&str]) -> (String, Vec<Value>) {
    let (code, out, err) = run(dir
        .dedup()
        .args(["query", "--index", "news.idx", "--format", "jsonl"])
        .args(files));
    assert_eq!(code, 0, "{err}");
    let lines = jsonl(&out);
    (out, lines)
}

fn jsonl(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_query_reports_the_stored_copy_and_event_of_a_new_article() {
    let dir = indexed(&[]);
    let copy = std::fs::read_to_string(dir.path().join("fixtures/quake-globalwire.txt")).unwrap();
    dir.write(
        "today/repost.txt",
        format!("Reposted from the wire\n\n{copy}"),
    );
    dir.write("today/other.txt", article("A village fete"));
    let (out, lines) = query_lines(&dir, &["today/repost.txt", "today/other.txt"]);
    assert_eq!(lines.len(), 2);
    let repost = &lines[0];
    assert_eq!(repost["id"], "today/repost.txt");
    let copies = repost["near_duplicates"].as_array().unwrap();
    assert_eq!(copies[0]["id"], "fixtures/quake-globalwire.txt");
    assert!(copies[0]["jaccard"].as_f64().unwrap() > 0.9);
    assert!(copies[0]["containment"].as_f64().unwrap() > 0.9);
    assert!(repost["event"].is_u64());
    assert!(repost["event_score"].is_null(), "joined through its copy");
    let other = &lines[1];
    assert_eq!(other["near_duplicates"], Value::Array(vec![]));
    assert!(other["event"].is_null() && other["event_score"].is_null());
    // The keys of a line, in order: the dedup-query/1 contract.
    let line = out.lines().next().unwrap();
    let at: Vec<usize> = [
        "\"id\"",
        "\"near_duplicates\"",
        "\"event\"",
        "\"event_score\"",
    ]
    .iter()
    .map(|k| line.find(k).unwrap())
    .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{line}");
    let keys = repost.as_object().unwrap().keys().count();
    assert_eq!(keys, 4, "{line}");
    // A check for CI: exit 1 when a copy exists.
    let (code, _, _) = run(dir.dedup().args([
        "query",
        "--index",
        "news.idx",
        "--fail-on-duplicates",
        "-q",
        "today/repost.txt",
    ]));
    assert_eq!(code, 1);
    let (code, out, _) = run(dir.dedup().args([
        "query",
        "--index",
        "news.idx",
        "--format",
        "json",
        "today/other.txt",
    ]));
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema"], "dedup-query/1");
    assert_eq!(doc["articles"].as_array().unwrap().len(), 1);
    // Scores are written to 4 decimals, as the batch report writes them.
    dir.write(
        "today/follow-up.txt",
        "Serrano Highlands quake: schools stay shut\n\nSchools in San Aurelio and Pozo Alto \
         stay shut after Monday's magnitude 6.4 earthquake in the Serrano Highlands, civil \
         protection director Marta Quiroga said, while engineers check buildings for damage \
         from the quake and its aftershock.\n",
    );
    let (_, lines) = query_lines(&dir, &["today/follow-up.txt", "today/repost.txt"]);
    let score = lines[0]["event_score"]
        .as_f64()
        .expect("joins the quake's event");
    let mut scores = vec![score];
    for copy in lines[1]["near_duplicates"].as_array().unwrap() {
        scores.push(copy["jaccard"].as_f64().unwrap());
        scores.push(copy["containment"].as_f64().unwrap());
    }
    for x in scores {
        assert_eq!((x * 1e4).round() / 1e4, x, "{x} has more than 4 decimals");
    }
}

/// Events are numbered from 1, as a batch report numbers its clusters; a
/// query of a stored article says so in text, and its summary counts in
/// the singular when there is one.
#[test]
fn a_query_of_a_stored_article_says_it_is_stored_and_events_count_from_1() {
    let dir = indexed(&[]);
    let quake = "fixtures/quake-globalwire.txt";
    let (_, lines) = query_lines(&dir, &[quake]);
    assert!(lines[0]["event"].as_u64().unwrap() >= 1, "{lines:?}");
    let (events, _) = query_lines(
        &dir,
        &fixture_paths()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let mut numbers: Vec<u64> = events
        .lines()
        .map(|l| jsonl(l)[0]["event"].as_u64().unwrap())
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers[0], 1, "{numbers:?}");
    let (code, out, err) = run(dir.dedup().args(["query", "--index", "news.idx", quake]));
    assert_eq!(code, 0, "{err}");
    let event = lines[0]["event"].as_u64().unwrap();
    assert_eq!(
        out,
        format!("{quake}\n  event   {event}  (stored already)\n")
    );
    assert!(
        err.contains(
            "1 article queried against news.idx: 0 copy a stored article, 1 joins a stored event"
        ),
        "{err}"
    );
}

#[test]
fn a_stored_story_keeps_its_event_id_when_articles_join_it() {
    let dir = indexed(&[]);
    let (_, before, _) = run(dir.dedup().args([
        "query",
        "--index",
        "news.idx",
        "--format",
        "jsonl",
        "fixtures/quake-northernpost.txt",
    ]));
    let event = jsonl(&before)[0]["event"].clone();
    let quake = std::fs::read_to_string(dir.path().join("fixtures/quake-coastalherald.txt"))
        .unwrap()
        .replace("magnitude", "magnitude-scale");
    dir.write("today/quake.txt", quake);
    let (code, out, err) = run(dir.dedup().args([
        "index",
        "add",
        "--index",
        "news.idx",
        "--format",
        "jsonl",
        "today/quake.txt",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(jsonl(&out)[0]["event"], event);
    assert!(err.contains("added 1 article to"), "{err}");
    // Adding the same articles again adds nothing.
    let (code, _, err) = run(dir
        .dedup()
        .args(["index", "add", "--index", "news.idx", "today"]));
    assert_eq!(code, 0);
    assert!(
        err.contains("added 0 articles") && err.contains("1 already stored"),
        "{err}"
    );
}

#[test]
fn stats_expire_and_compact_keep_the_index_consistent() {
    let dir = indexed(&[]);
    let (code, out, _) = run(dir
        .dedup()
        .args(["index", "stats", "--index", "news.idx", "--format", "json"]));
    assert_eq!(code, 0);
    let stats: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stats["articles"], 16);
    assert_eq!(stats["params"]["ngram"], 5);
    let first = stats["first_day"].as_str().unwrap().to_string();
    let (code, _, err) = run(dir.dedup().args([
        "index",
        "expire",
        "--index",
        "news.idx",
        "--before",
        "2100-01-01",
    ]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(dir
        .dedup()
        .args(["index", "stats", "--index", "news.idx", "--format", "json"]));
    let after: Value = serde_json::from_str(&out).unwrap();
    let dated_gone = 16 - after["articles"].as_u64().unwrap();
    assert!(dated_gone > 0, "{first}: nothing expired");
    assert!(
        err.contains(&format!("removed {dated_gone} articles")),
        "{err}"
    );
    let (code, _, err) = run(dir
        .dedup()
        .args(["index", "compact", "--index", "news.idx"]));
    assert_eq!(code, 0, "{err}");
    // Expired articles are no longer found.
    let (code, out, _) = run(dir.dedup().args([
        "query",
        "--index",
        "news.idx",
        "--format",
        "jsonl",
        "fixtures/quake-globalwire.txt",
    ]));
    assert_eq!(code, 0);
    let line = &jsonl(&out)[0];
    assert_eq!(line["near_duplicates"], Value::Array(vec![]));
    let (code, text, _) = run(dir.dedup().args(["index", "stats", "--index", "news.idx"]));
    assert_eq!(code, 0);
    assert!(text.contains("signatures"), "{text}");
}

#[test]
fn explain_compares_a_new_article_with_a_stored_one() {
    let dir = indexed(&[]);
    let copy = std::fs::read_to_string(dir.path().join("fixtures/tram-metroweekly.txt")).unwrap();
    dir.write("new.txt", copy);
    let (code, out, err) = run(dir.dedup().args([
        "explain",
        "--index",
        "news.idx",
        "new.txt",
        "fixtures/tram-metroweekly.txt",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("near-duplicates: yes"), "{out}");
    assert!(out.contains("shared passages"), "{out}");
    let (code, _, err) = run(dir
        .dedup()
        .args(["explain", "--index", "news.idx", "new.txt", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("nope: no such article in the index"), "{err}");
}

/// Runs `args` and expects exit 2 with a message naming the index, and the
/// file unchanged.
fn refused(dir: &Dir, file: &str, args: &[&str], problem: &str) {
    let path = dir.path().join(file);
    let before = std::fs::read(&path).ok();
    let (code, _, err) = run(dir.dedup().args(args));
    assert_eq!(code, 2, "{args:?}: {err}");
    assert!(
        err.starts_with(&format!("dedup: {file}: ")) && err.contains(problem),
        "{args:?}: {err}"
    );
    assert_eq!(std::fs::read(&path).ok(), before, "{file} was changed");
}

#[test]
fn files_that_are_not_a_usable_index_are_refused_and_left_alone() {
    let dir = indexed(&["--no-events"]);
    dir.write("notes.txt", "not an index at all\n".repeat(100));
    for command in [&["query"][..], &["index", "add"], &["index", "stats"][..]] {
        let mut args: Vec<&str> = command.to_vec();
        args.extend(["--index", "notes.txt"]);
        if command != ["index", "stats"] {
            args.push("fixtures");
        }
        refused(&dir, "notes.txt", &args, "not a dedup index");
    }
    let whole = std::fs::read(dir.path().join("news.idx")).unwrap();
    dir.write("cut.idx", &whole[..whole.len() / 2]);
    refused(
        &dir,
        "cut.idx",
        &["query", "--index", "cut.idx", "fixtures"],
        "truncated",
    );
    refused(
        &dir,
        "cut.idx",
        &["index", "add", "--index", "cut.idx", "fixtures"],
        "truncated",
    );
    refused(
        &dir,
        "news.idx",
        &[
            "index", "add", "--index", "news.idx", "--ngram", "3", "fixtures",
        ],
        "built with --ngram 5, this run asks for 3",
    );
    refused(
        &dir,
        "news.idx",
        &[
            "query",
            "--index",
            "news.idx",
            "--threshold",
            "0.8",
            "fixtures",
        ],
        "built with --threshold 0.5",
    );
    refused(
        &dir,
        "news.idx",
        &[
            "index",
            "add",
            "--index",
            "news.idx",
            "--event-threshold",
            "0.2",
            "fixtures",
        ][..],
        "off (--no-events)",
    );
    refused(
        &dir,
        "missing.idx",
        &["query", "--index", "missing.idx", "fixtures"],
        "no such index",
    );
    let path = dir.path().join("news.idx");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    refused(
        &dir,
        "news.idx",
        &["index", "add", "--index", "news.idx", "fixtures"],
        "read-only",
    );
    // A read-only index can still be queried.
    let (code, _, err) = run(dir
        .dedup()
        .args(["query", "--index", "news.idx", "-q", "fixtures"]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_nightly_job_that_restates_the_index_settings_is_accepted() {
    // Built with pinned flags, as a nightly job would be, then added to with
    // the same flags every day after, and with a default stated outright.
    let dir = indexed(&["--event-weights", "0.5,0.3,0.3", "--threshold", "0.5"]);
    dir.write("today.txt", article("the harbour"));
    for pinned in [
        &["--event-weights", "0.5,0.3,0.3", "--threshold", "0.5"][..],
        &[
            "--event-weights",
            "0.25,0.15,0.15",
            "--event-threshold",
            "0.06",
        ],
        &[],
    ] {
        let (code, _, err) = run(dir
            .dedup()
            .args(["index", "add", "--index", "news.idx", "-q"])
            .args(pinned)
            .arg("today.txt"));
        assert_eq!(code, 0, "{pinned:?}: {err}");
        let (code, _, err) = run(dir
            .dedup()
            .args(["query", "--index", "news.idx", "-q"])
            .args(pinned)
            .arg("today.txt"));
        assert_eq!(code, 0, "{pinned:?}: {err}");
    }
    refused(
        &dir,
        "news.idx",
        &[
            "index",
            "add",
            "--index",
            "news.idx",
            "--event-weights",
            "0.6,0.2,0.2",
            "today.txt",
        ],
        "weights [0.454545455, 0.272727273, 0.272727273], this run asks for threshold 0.06 \
         weights [0.6, 0.2, 0.2]",
    );
}

/// `index stats`' article count, when it runs.
fn stored(dir: &Dir) -> Option<usize> {
    let (code, stdout, _) = run(dir.dedup().args(["index", "stats", "--index", "big.idx"]));
    let line = stdout.lines().find(|l| l.starts_with("articles"))?;
    (code == 0).then(|| {
        line.split_whitespace()
            .nth(1)?
            .replace(',', "")
            .parse()
            .ok()
    })?
}

#[test]
fn readers_work_during_an_add_and_after_it_is_killed() {
    // Enough distinct articles that the add is still writing when it is
    // killed, committed 250 at a time.
    const N: usize = 8_000;
    let dir = Dir::new();
    let words: Vec<String> = (0..400).map(|w| format!("w{w:03}")).collect();
    let corpus: String = (0..N)
        .map(|i| {
            let text: Vec<&str> = (0..40)
                .map(|k| words[(i * 7 + k * k * 13 + i / 3 * k) % words.len()].as_str())
                .collect();
            format!("{{\"id\": \"a{i}\", \"text\": \"{}\"}}\n", text.join(" "))
        })
        .collect();
    dir.write("big.jsonl", corpus);
    dir.write(
        "one.jsonl",
        "{\"id\": \"q\", \"text\": \"w001 w002 w003 w004 w005 w006\"}\n",
    );
    let mut add = std::process::Command::new(assert_cmd::cargo::cargo_bin("dedup"))
        .current_dir(dir.path())
        .args(["index", "add", "--index", "big.idx", "-q", "--no-events"])
        .args(["--commit-every", "250", "big.jsonl"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Readers while it writes: they see the batches committed so far.
    let started = std::time::Instant::now();
    let seen = loop {
        match stored(&dir) {
            Some(n) if n > 0 => break n,
            _ if started.elapsed().as_secs() > 120 => panic!("no batch committed in 2 minutes"),
            _ => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    };
    let (code, _, err) = run(dir
        .dedup()
        .args(["query", "--index", "big.idx", "-q", "one.jsonl"]));
    assert_eq!(code, 0, "a query during an add: {err}");
    assert!(
        add.try_wait().unwrap().is_none(),
        "the add ended before it could be killed: make the corpus bigger"
    );
    add.kill().unwrap(); // SIGKILL
    add.wait().unwrap();
    // Right after the kill every reader works, on the last committed batch.
    let left = stored(&dir).expect("index stats right after kill -9");
    assert!(
        left >= seen && left < N && left.is_multiple_of(250),
        "{left} of {N}"
    );
    let (code, _, err) = run(dir
        .dedup()
        .args(["query", "--index", "big.idx", "-q", "one.jsonl"]));
    assert_eq!(code, 0, "a query after kill -9: {err}");
    // The same add again stores the rest.
    let (code, _, err) = run(dir.dedup().args([
        "index",
        "add",
        "--index",
        "big.idx",
        "-q",
        "--no-events",
        "big.jsonl",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(stored(&dir), Some(N));
}

/// Each article's id and its event (or cluster).
type Labels = Vec<(String, Value)>;

/// Each article's event as a partition: the ids grouped by label, sorted.
fn partition(labels: &[(String, Value)]) -> Vec<Vec<String>> {
    let mut by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (id, label) in labels {
        by.entry(label.to_string()).or_default().push(id.clone());
    }
    let mut groups: Vec<Vec<String>> = by
        .into_values()
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    groups.sort();
    groups
}

/// Each article's event after `corpus` (JSONL) is fed to an index in ten
/// adds in date order (undated rows where `dated_as` puts them), and each
/// article's cluster in a batch run over it.
fn ten_adds_and_batch(corpus: &str, dated_as: impl Fn(&Value) -> String) -> (Labels, Labels) {
    let dir = Dir::new();
    dir.write("all.jsonl", corpus);
    let mut rows: Vec<(String, String, String)> = corpus
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                dated_as(&v),
                v["id"].as_str().unwrap().to_string(),
                l.to_string(),
            )
        })
        .collect();
    rows.sort();
    assert!(rows.len() >= 10);
    let per_add = rows.len().div_ceil(10);
    for (k, part) in rows.chunks(per_add).enumerate() {
        let lines: Vec<&str> = part.iter().map(|r| r.2.as_str()).collect();
        let name = format!("add{k}.jsonl");
        dir.write(&name, lines.join("\n") + "\n");
        let (code, _, err) = run(dir
            .dedup()
            .args(["index", "add", "--index", "news.idx", "-q", &name]));
        assert_eq!(code, 0, "{err}");
    }
    // A query of a stored article answers with the event it is in now.
    let (code, out, err) = run(dir.dedup().args([
        "query",
        "--index",
        "news.idx",
        "--format",
        "jsonl",
        "all.jsonl",
    ]));
    assert_eq!(code, 0, "{err}");
    let stored: Labels = jsonl(&out)
        .into_iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a["event"].clone()))
        .collect();
    assert!(stored.iter().all(|(_, e)| e.is_u64()), "{out}");
    let (code, out, err) = run(dir.dedup().args(["-q", "--format", "jsonl", "all.jsonl"]));
    assert_eq!(code, 0, "{err}");
    let batch: Labels = jsonl(&out)
        .into_iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a["cluster"].clone()))
        .collect();
    (stored, batch)
}

fn stream() -> String {
    std::fs::read_to_string(crate::util::fixtures().join("stream/articles.jsonl")).unwrap()
}

#[test]
fn ten_date_ordered_adds_end_with_the_batch_runs_events() {
    let date = |v: &Value| v["date"].as_str().unwrap().to_string();
    let (stored, batch) = ten_adds_and_batch(&stream(), date);
    assert_eq!(partition(&stored), partition(&batch));
    assert_eq!(partition(&batch).len(), 3);
}

#[test]
fn undated_articles_added_early_end_where_the_batch_run_puts_them() {
    // A third of the stream without dates, added among the dated ones of
    // their day: the batch run places them after every dated article, and
    // so does the index, whichever add brought them.
    let undated = ["flood-2", "strike-3", "chess-2", "flood-5"];
    let corpus: String = stream()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            if undated.contains(&id.as_str()) {
                let date = v["date"].take();
                v["was"] = date;
                v.as_object_mut().unwrap().remove("date");
            }
            v.to_string() + "\n"
        })
        .collect();
    let was = |v: &Value| {
        let date = if v["date"].is_string() {
            &v["date"]
        } else {
            &v["was"]
        };
        date.as_str().unwrap().to_string()
    };
    let (stored, batch) = ten_adds_and_batch(&corpus, was);
    assert_eq!(partition(&stored), partition(&batch));
    assert_eq!(partition(&batch).len(), 3);
}

/// Every numeric option of the index says its range in `--help`, and
/// `--commit-every 0` (an add that could never commit) is refused.
#[test]
fn index_numeric_options_state_their_range_and_refuse_zero_commits() {
    let dir = Dir::new();
    dir.write("a.txt", article("alpha"));
    let (code, _, err) = run(dir.dedup().args([
        "index",
        "add",
        "--index",
        "n.idx",
        "--commit-every",
        "0",
        "a.txt",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--commit-every"), "{err}");
    assert!(!dir.path().join("n.idx").exists(), "no index was made");
    let (_, help, _) = run(dir.dedup().args(["index", "add", "--help"]));
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Articles committed at a time, 1 or more"),
        "{help}"
    );
    assert!(flat.contains("within DAYS (0 to 4294967295)"), "{help}");
    assert!(flat.contains("Worker threads, 1 to 1024"), "{help}");
}

/// An add's copies do not depend on its chunks: the fixtures added in
/// chunks of one article (each committed before the next is searched) and
/// in one chunk report the same copies. (Events are assigned a chunk at a
/// time, so they may differ, as the README says; and with `--window`, an
/// undated article's window is placed at the latest day stored when its
/// chunk is searched.)
/// `dedup index stats --format json` of `index` in `dir`.
fn stats(dir: &Dir, index: &str) -> Value {
    let (code, out, err) = run(dir
        .dedup()
        .args(["index", "stats", "--format", "json", "--index", index]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn an_add_finds_the_same_copies_whatever_its_chunks() {
    let dir = indexed(&[]);
    let add = |index: &str, files: &[String], extra: &[&str]| {
        let (code, out, err) = run(dir
            .dedup()
            .args(["index", "add", "--index", index, "--format", "jsonl", "-q"])
            .args(["--no-events", "--window", "30"])
            .args(extra)
            .args(files));
        assert_eq!(code, 0, "{err}");
        out
    };
    let paths = fixture_paths();
    let whole = add("whole.idx", &paths, &[]);
    assert_eq!(add("chunked.idx", &paths, &["--commit-every", "1"]), whole);
    // Adds of 3 files, a segment each: the first four merge into one of
    // 12 articles; 16 = 12 + 3 + 1.
    let small: String = paths
        .chunks(3)
        .map(|part| add("small.idx", part, &[]))
        .collect();
    assert_eq!(small, whole);
    assert_eq!(stats(&dir, "small.idx")["segments"], 3);
    std::fs::copy(
        dir.path().join("small.idx"),
        dir.path().join("compacted.idx"),
    )
    .unwrap();
    let (code, _, err) = run(dir
        .dedup()
        .args(["index", "compact", "--index", "compacted.idx"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(stats(&dir, "compacted.idx")["segments"], 1);
    // Queries answer alike, byte for byte, with a window and without.
    let query = |index: &str, extra: &[&str]| {
        let (code, out, err) = run(dir
            .dedup()
            .args(["query", "--index", index, "--format", "jsonl", "-q"])
            .args(extra)
            .args(&paths));
        assert_eq!(code, 0, "{err}");
        out
    };
    for window in [&[][..], &["--window", "2"]] {
        let answers = query("whole.idx", window);
        for index in ["chunked.idx", "small.idx", "compacted.idx"] {
            assert_eq!(query(index, window), answers, "{index} {window:?}");
        }
    }
    let found = jsonl(&whole)
        .iter()
        .filter(|line| !line["near_duplicates"].as_array().unwrap().is_empty())
        .count();
    assert!(found > 0, "the fixtures hold copies:\n{whole}");
}
