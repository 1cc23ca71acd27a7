//! Stage 2, clean: remove the boilerplate a scrape leaves around an article.
//!
//! (Placeholder until the cleaner lands: keeps every line.)

use crate::article::Article;

/// One line the cleaner removed, and the rule that removed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// 1-based line number in the original text.
    pub line: usize,
    pub text: String,
    pub rule: &'static str,
}

/// An article's text after cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub removed: Vec<Removed>,
}

/// Cleans every article; corpus evidence (lines recurring across articles of
/// one source) needs them all at once.
pub fn clean_corpus(articles: &[Article]) -> Vec<Cleaned> {
    articles
        .iter()
        .map(|a| Cleaned {
            text: a.text.clone(),
            removed: Vec::new(),
        })
        .collect()
}
