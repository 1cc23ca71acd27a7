//! The cleaner on any text, alone and as part of a small corpus: no panic,
//! and it only removes (every kept line is a line of the input).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut articles = Vec::new();
    // Split the input into up to four articles sharing one source, so the
    // corpus evidence (lines repeated across a source) is exercised too.
    for (i, part) in text.split('\u{1}').take(4).enumerate() {
        let corpus = dedup::read::read_text(part.as_bytes().to_vec(), &format!("{i}.txt"));
        articles.extend(corpus.articles.into_iter().map(|mut a| {
            a.source = Some("fuzz".into());
            a
        }));
    }
    let cleaned = dedup::clean::clean_corpus(&articles).expect("temporary files");
    assert_eq!(cleaned.len(), articles.len());
    for (article, cleaned) in articles.iter().zip(&cleaned) {
        let lines: std::collections::HashSet<&str> = article.text.lines().map(str::trim).collect();
        for line in cleaned.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            assert!(lines.contains(line), "kept line {line:?} is not in the input");
        }
    }
});
