//! Text-file decoding (BOMs, UTF-16, invalid UTF-8, line ends) on any
//! bytes: no panic, and the result is either one article or one error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let corpus = dedup::read::read_text(data.to_vec(), "fuzz.txt");
    assert_eq!(corpus.articles.len() + corpus.errors.len(), 1);
    for article in &corpus.articles {
        assert!(!article.text.contains('\0'));
        assert!(!article.text.trim().is_empty());
    }
});
