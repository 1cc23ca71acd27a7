//! The JSONL reader on any bytes: no panic; every line is an article, an
//! error, or blank; ids stay unique.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = dedup::read::ReadOptions {
        max_bytes: 4096,
        ..Default::default()
    };
    let corpus = dedup::read::read_jsonl(data, "fuzz.jsonl", &options);
    let mut ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "ids are unique");
    for article in &corpus.articles {
        assert!(!article.text.trim().is_empty());
        // A number id is written back as valid JSON.
        let json = serde_json::to_string(&article.id).unwrap();
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
    }
});
