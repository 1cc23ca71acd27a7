//! dedup: find duplicate and same-story news articles in a corpus.
//!
//! The pipeline, one module a stage, read top to bottom in [`cluster`]:
//! [`read`] → [`clean`] → [`neardup`] → [`events`] → [`report`].

pub mod article;
pub mod clean;
pub mod cli;
pub mod config;
pub mod error;
pub mod eval;
pub mod events;
pub mod exit;
pub mod explain;
pub mod id;
pub mod index;
pub mod neardup;
pub mod progress;
pub mod read;
pub mod report;
pub mod shard;
pub mod show;
pub mod stopwords;
pub mod synth;
pub mod tokenize;
pub mod unique;

use article::Article;
use config::Pipeline;
use events::{Event, EventDoc};
use neardup::Group;
use progress::Progress;

/// What the pipeline found in a corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Near-duplicate groups (two or more articles each).
    pub groups: Vec<Group>,
    /// Event clusters: a partition of the corpus; each group lies inside one.
    pub events: Vec<Event>,
    /// Bytes of each article's compared (cleaned) text: what `--keep
    /// longest` compares, so a copy is not preferred for a longer wrapper.
    pub lengths: Vec<usize>,
}

/// Runs the stages after reading: clean, near-duplicates, events. Articles
/// without a title get one guessed from their cleaned text, so a donation
/// banner above the headline never becomes the title.
pub fn cluster(articles: &mut [Article], pipeline: &Pipeline, progress: &Progress) -> Clustering {
    let n = articles.len();
    let cleaned = pipeline.clean.then(|| {
        progress.start("clean", n);
        clean::clean_corpus(articles)
    });
    let texts: Vec<&str> = match &cleaned {
        Some(cleaned) => cleaned.iter().map(|c| c.text.as_str()).collect(),
        None => articles.iter().map(|a| a.text.as_str()).collect(),
    };
    let titles = titles(articles, &texts, cleaned.as_deref());
    progress.start("near-duplicates", n);
    let groups = neardup::find_groups(&compared(cleaned.as_deref(), &texts), &pipeline.neardup);
    let events = match &pipeline.events {
        Some(params) => {
            progress.start("events", n);
            events::cluster(&event_docs(articles, &texts, &titles), &groups, params)
        }
        None => events::groups_only(articles.len(), &groups),
    };
    progress.finish();
    let lengths = texts.iter().map(|t| t.len()).collect();
    for (article, title) in articles.iter_mut().zip(titles) {
        article.title = title;
    }
    Clustering {
        groups,
        events,
        lengths,
    }
}

/// The texts compared for copies: cleaned, without the lines that recur
/// across unrelated articles of a site ([`clean::Cleaned::compared`]).
pub fn compared<'a>(cleaned: Option<&'a [clean::Cleaned]>, texts: &[&'a str]) -> Vec<&'a str> {
    match cleaned {
        Some(cleaned) => cleaned.iter().map(clean::Cleaned::compared).collect(),
        None => texts.to_vec(),
    }
}

/// Each article's title: its own, else the headline the cleaner picked from
/// the page, else one guessed from its compared text.
pub fn titles(
    articles: &[Article],
    texts: &[&str],
    cleaned: Option<&[clean::Cleaned]>,
) -> Vec<Option<String>> {
    let headline = |i: usize| cleaned.and_then(|c| c[i].headline.clone());
    articles
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (a, text))| {
            a.title
                .clone()
                .or_else(|| headline(i))
                .or_else(|| article::guess_title(text))
        })
        .collect()
}

/// The event stage's view of each article: features from the compared
/// (cleaned) text, dates from the text as read.
pub fn event_docs<'a>(
    articles: &'a [Article],
    texts: &[&'a str],
    titles: &'a [Option<String>],
) -> Vec<EventDoc<'a>> {
    articles
        .iter()
        .zip(texts)
        .zip(titles)
        .map(|((article, text), title)| EventDoc {
            id: &article.id,
            title: title.as_deref(),
            text,
            raw: &article.text,
            date: article.date.as_deref(),
        })
        .collect()
}
