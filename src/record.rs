//! The record: what the pipeline keeps of one article once it has been
//! analysed. Stages after the analysis and the report work from records;
//! the article's text is not needed again.

use crate::article::{Article, Location};
use crate::id::Id;

/// One analysed article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Exactly as the input gave it; unique in a run.
    pub id: Id,
    /// Where the article is in the inputs, to read it again.
    pub location: Location,
    /// The outlet or site, when the input says.
    pub source: Option<String>,
    /// The publication date as given.
    pub date: Option<String>,
    /// The article's own title, else the headline guessed from its compared text.
    pub title: Option<String>,
    /// Bytes of the compared (cleaned) text: what `--keep longest` compares,
    /// so a copy is not preferred for a longer wrapper.
    pub length: usize,
}

impl Record {
    /// The record of `article`, compared as `text`, titled `title`.
    pub fn new(article: &Article, text: &str, title: Option<String>) -> Record {
        Record {
            id: article.id.clone(),
            location: article.location,
            source: article.source.clone(),
            date: article.date.clone(),
            title,
            length: text.len(),
        }
    }
}
