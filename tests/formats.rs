//! Input formats end to end: gzip and zstd corpora (files and stdin, by
//! extension or by magic bytes) and folders of HTML pages give the same
//! clustering as the plain fixtures they were made from.

use std::io::Write;

use serde_json::Value;

use crate::util::{dedup, fixture_paths, fixtures, run, Dir};

/// The fixtures as one JSONL corpus, ids being the file names.
fn fixture_corpus() -> String {
    let mut corpus = String::new();
    for path in fixture_paths() {
        let name = path.trim_start_matches("fixtures/");
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        let line = serde_json::json!({"id": name, "text": text});
        corpus.push_str(&format!("{line}\n"));
    }
    corpus
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A valid zstd frame holding `bytes` in raw (stored) blocks: enough to
/// test the reader without an encoder among the dependencies.
fn zstd_stored(bytes: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd];
    // Frame header: single segment, 4-byte content size, no checksum.
    frame.push(0b1010_0000);
    frame.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    let chunks: Vec<&[u8]> = bytes.chunks(100_000).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let last = (i + 1 == chunks.len()) as u32;
        let header = last | (chunk.len() as u32) << 3; // block type 0: raw
        frame.extend_from_slice(&header.to_le_bytes()[..3]);
        frame.extend_from_slice(chunk);
    }
    frame
}

fn jsonl_of(dir: &Dir, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "jsonl"]).args(args));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    stdout
}

#[test]
fn write_unique_keeps_the_lines_of_a_compressed_corpus_as_read() {
    let dir = Dir::new();
    let corpus = fixture_corpus();
    dir.write("corpus.jsonl.gz", gzip(corpus.as_bytes()));
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "jsonl",
        "--write-unique",
        "unique.jsonl",
        "corpus.jsonl.gz",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("unique.jsonl")).unwrap();
    let duplicates: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| !l["duplicate_of"].is_null())
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!duplicates.is_empty());
    let kept: Vec<&str> = corpus
        .lines()
        .filter(|line| {
            !duplicates
                .iter()
                .any(|d| line.contains(&format!("\"{d}\"")))
        })
        .collect();
    assert_eq!(written, kept.join("\n") + "\n", "the kept lines, as read");
}

#[test]
fn gzip_and_zstd_corpora_read_as_the_plain_one() {
    let dir = Dir::new();
    let corpus = fixture_corpus();
    dir.write("corpus.jsonl", &corpus);
    dir.write("corpus.jsonl.gz", gzip(corpus.as_bytes()));
    dir.write("corpus.jsonl.zst", zstd_stored(corpus.as_bytes()));
    // A gzipped corpus under a plain name is known by its magic bytes.
    dir.write("renamed.jsonl", gzip(corpus.as_bytes()));
    let plain = jsonl_of(&dir, &["corpus.jsonl"]);
    assert_eq!(plain.lines().count(), fixture_paths().len());
    assert!(plain.contains("\"duplicate_of\":\"syndicated"), "{plain}");
    for compressed in ["corpus.jsonl.gz", "corpus.jsonl.zst", "renamed.jsonl"] {
        assert_eq!(jsonl_of(&dir, &[compressed]), plain, "{compressed}");
    }
}

#[test]
fn compressed_stdin_is_decoded() {
    let dir = Dir::new();
    let corpus = fixture_corpus();
    dir.write("corpus.jsonl", &corpus);
    let plain = jsonl_of(&dir, &["corpus.jsonl"]);
    for bytes in [gzip(corpus.as_bytes()), zstd_stored(corpus.as_bytes())] {
        let (code, stdout, stderr) = run(dir
            .dedup()
            .args(["--format", "jsonl", "-"])
            .write_stdin(bytes));
        assert_eq!((code, stdout.as_str()), (0, plain.as_str()), "{stderr}");
    }
}

#[test]
fn a_compressed_text_file_is_one_article() {
    let dir = Dir::new();
    let text = std::fs::read(fixtures().join("quake-globalwire.txt")).unwrap();
    dir.write("quake.txt.gz", gzip(&text));
    let (code, stdout, stderr) = run(dir.dedup().args(["--format", "json", "quake.txt.gz"]));
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["clusters"][0]["members"][0]["id"], "quake.txt.gz");
    assert_eq!(
        report["clusters"][0]["title"],
        "Quake of magnitude 6.4 kills 3 in Serrano Highlands"
    );
}

#[test]
fn a_corrupt_or_oversized_stream_is_an_error_and_the_rest_is_read() {
    let dir = Dir::new();
    dir.write("good.txt", crate::util::article("the harbour"));
    let mut broken = gzip(fixture_corpus().as_bytes());
    broken.truncate(broken.len() / 2);
    dir.write("broken.jsonl.gz", broken);
    dir.write("bomb.txt.gz", gzip(&vec![b'a'; 3 << 20]));
    let (code, stdout, stderr) = run(dir.dedup().args([
        "--format",
        "jsonl",
        "--max-bytes",
        "1M",
        "good.txt",
        "broken.jsonl.gz",
        "bomb.txt.gz",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("dedup: broken.jsonl.gz:"), "{stderr}");
    assert!(
        stderr.contains("dedup: bomb.txt.gz: 3.0 MiB is over the 1.0 MiB limit"),
        "{stderr}"
    );
    assert!(stdout.contains("\"id\":\"good.txt\""), "{stdout}");
}

/// A fixture as a publisher's page: metadata in the head, the text in
/// paragraphs, site furniture around it.
fn as_page(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let title = lines.next().unwrap();
    let body: String = lines.map(|l| format!("<p>{l}</p>\n")).collect();
    format!(
        "<!doctype html><html><head><title>{title} | The Paper</title>\
         <meta property=\"og:title\" content=\"{title}\">\
         <script>window.ads = [];</script></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>{title}</h1>\n{body}</article></body></html>"
    )
}

#[test]
fn a_folder_of_html_pages_clusters_like_the_text_fixtures() {
    let dir = Dir::new();
    for path in fixture_paths() {
        let name = path.trim_start_matches("fixtures/");
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        let page = name.replace(".txt", ".html");
        dir.write(&format!("pages/{page}"), as_page(&text));
    }
    let (code, stdout, stderr) = run(dir
        .dedup()
        .args(["--format", "json", "--glob", "*.html", "pages"]));
    assert_eq!(code, 0, "{stderr}");
    let pages: Value = serde_json::from_str(&stdout).unwrap();
    let (_, stdout, _) = run(dedup(env!("CARGO_MANIFEST_DIR").as_ref())
        .args(["--format", "json"])
        .args(fixture_paths()));
    let texts: Value = serde_json::from_str(&stdout).unwrap();
    // The same clusters, member for member.
    let clusters = |report: &Value, prefix: &str, ext: &str| -> Vec<Vec<String>> {
        let mut all: Vec<Vec<String>> = report["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| {
                        let id = m["id"].as_str().unwrap();
                        id.trim_start_matches(prefix).replace(ext, "")
                    })
                    .collect()
            })
            .collect();
        all.sort();
        all
    };
    assert_eq!(
        clusters(&pages, "pages/", ".html"),
        clusters(&texts, "fixtures/", ".txt")
    );
    // Each page's title is its own og:title, never the site's <title>.
    for cluster in pages["clusters"].as_array().unwrap() {
        for member in cluster["members"].as_array().unwrap() {
            let title = member["title"].as_str().expect("every page has a title");
            assert!(!title.contains("The Paper"), "{title}");
        }
    }
}

#[test]
fn csv_rows_quote_what_needs_quoting_and_agree_with_jsonl() {
    let dir = Dir::new();
    let story = crate::util::article("the harbour");
    let rows = [
        serde_json::json!({"id": 7, "text": story, "title": "Tram, \"at last\"\nline two",
                           "source": "Gazette", "date": "2024-03-01"}),
        serde_json::json!({"id": 8, "text": story, "source": "Weekly"}),
        serde_json::json!({"id": "x", "text": crate::util::article("the quake")}),
    ];
    let corpus: String = rows.iter().map(|r| format!("{r}\n")).collect();
    dir.write("c.jsonl", corpus);
    let (code, table, stderr) = run(dir.dedup().args(["--quiet", "--format", "csv", "c.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "cluster",
            "group",
            "kept",
            "duplicate_of",
            "title",
            "source",
            "date"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let by_id = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(
        by_id("7")[5],
        "Tram, \"at last\"\nline two",
        "a title survives quoting"
    );
    assert_eq!(by_id("7")[6..], ["Gazette", "2024-03-01"]);
    // The same clusters, groups and copies as --format jsonl.
    let lines = jsonl_of(&dir, &["c.jsonl"]);
    for line in lines.lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        let id = match &line["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let row = by_id(&id);
        assert_eq!(row[1], line["cluster"].to_string());
        let cell = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(row[2], cell(&line["group"]));
        assert_eq!(row[4], cell(&line["duplicate_of"]));
        assert_eq!(row[3], line["duplicate_of"].is_null().to_string());
    }
    assert_eq!(rows.len(), 3);
}
