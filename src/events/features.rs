//! What the event stage reads from one article, before any corpus
//! statistics: its language, content terms, name proxies, anchors and date.
//!
//! Input: an [`EventDoc`]. Output: [`Features`], plain strings and counts
//! (the explanation of a pair shows them), which `vectors.rs` turns into
//! weighted sparse vectors once the corpus document frequencies are known.
//!
//! Invariants: extraction looks at one article only, so it runs in parallel
//! and its result never depends on the rest of the corpus or its order.

use super::dates::{self, Day};
use super::{anchors, names, terms, EventDoc};
use crate::stopwords::{self, Stopwords};
use crate::tokenize;

/// One article's raw event features.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// ISO 639-1 code of the stopword list that fits best.
    pub language: &'static str,
    /// Content terms and their weighted counts, sorted by term.
    pub terms: Vec<(String, f32)>,
    /// Name keys and their counts, sorted by key.
    pub names: Vec<(String, u32)>,
    /// Anchor keys, sorted and unique.
    pub anchors: Vec<String>,
    /// Publication day: metadata, else a dateline.
    pub date: Option<Day>,
}

/// Reads the event features of `doc`.
pub fn extract(doc: &EventDoc) -> Features {
    let stop: &Stopwords = {
        let words: Vec<String> = tokenize::normalised_words(doc.text).take(2000).collect();
        stopwords::detect(words.iter().map(String::as_str))
    };
    let date = dates::published(doc.date, doc.raw);
    Features {
        language: stop.language,
        terms: terms::terms(doc.text, doc.title, stop),
        names: names::names(doc.text, doc.title, stop),
        anchors: with_publication_day(anchors::anchors(doc.text), date),
        date,
    }
}

/// The anchors plus the day the article was published, written as the text
/// would write it: the cleaner removes a dateline as furniture, but its date
/// is as much evidence of the event as a date in the body.
fn with_publication_day(mut anchors: Vec<String>, date: Option<Day>) -> Vec<String> {
    if let Some(day) = date {
        let (year, month, day) = dates::civil_from_days(day);
        anchors.push(format!("d:{}", dates::month_day_key(month, day)));
        anchors.push(format!("n:{year}"));
        anchors.sort();
        anchors.dedup();
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_publication_day_is_an_anchor_even_when_cleaned_away() {
        let doc = EventDoc {
            id: "a",
            title: None,
            text: "The council approved the tram line.",
            raw: "Metro desk | 30 December 2021\n\nThe council approved the tram line.",
            date: None,
        };
        let anchors = extract(&doc).anchors;
        assert!(anchors.contains(&"n:2021".to_string()), "{anchors:?}");
        assert!(
            anchors
                .iter()
                .any(|a| a.starts_with("d:") && a.ends_with("-30")),
            "{anchors:?}"
        );
    }

    #[test]
    fn reads_every_channel_of_an_article() {
        let doc = EventDoc {
            id: "a",
            title: Some("Quake hits Serrano Highlands"),
            text: "Quake hits Serrano Highlands\n\nKyiv desk | 14 March 2022\n\n\
                   A magnitude 6.4 earthquake struck the Serrano Highlands on Monday, \
                   killing three people, officials said.",
            raw: "Kyiv desk | 14 March 2022",
            date: None,
        };
        let f = extract(&doc);
        assert_eq!(f.language, "en");
        assert_eq!(f.date, dates::days_from_civil(2022, 3, 14));
        assert!(f.terms.iter().any(|(t, _)| t == "earthquake"));
        assert!(f.names.iter().any(|(n, _)| n == "serrano highlands"));
        assert_eq!(f.anchors, ["d:mar-14", "n:2022", "n:6.4"]);
    }
}
