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
use crate::spill::take_u32;
use crate::stopwords::{self, Stopwords};
use crate::tokenize;

/// One article's raw event features (the default: none, in no language).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Features {
    /// ISO 639-1 code of the stopword list that fits best.
    pub language: &'static str,
    /// Content terms and their weighted counts, sorted by term.
    pub terms: Vec<(String, f32)>,
    /// Name keys and their counts, sorted by key.
    pub names: Vec<(String, u32)>,
    /// Anchor keys, sorted and unique.
    pub anchors: Vec<String>,
    /// The story's day: the day its lead names ("on Tuesday", "yesterday")
    /// resolved against the publication day, else the publication day
    /// (metadata, else a dateline).
    pub date: Option<Day>,
    /// The years the article names or was published in (see [`years`]).
    pub years: Vec<i32>,
}

/// Reads the event features of `doc`.
pub fn extract(doc: &EventDoc) -> Features {
    extract_published(doc.title, doc.text, dates::published(doc.date, doc.raw))
}

/// [`extract`] from an article's title and cleaned text, and the day it was
/// published ([`dates::published`] of its date and its text as read): all
/// that the features depend on, so that a run can keep these and read the
/// features only of the articles the event stage reads.
pub(crate) fn extract_published(
    title: Option<&str>,
    text: &str,
    published: Option<Day>,
) -> Features {
    // Arabic-script spellings folded once, before anything is counted.
    let (text, title) = (
        tokenize::fold_arabic(text),
        title.map(tokenize::fold_arabic),
    );
    let (text, title) = (&*text, title.as_deref());
    // Found once for the language, the terms and the names.
    let words = tokenize::Words::new(text);
    let stop: &Stopwords = {
        // The words lowercased into one buffer: a `String` each took a
        // sixteenth of a whole-pipeline run (10k kit corpus).
        let (mut lower, mut ends) = (String::new(), Vec::new());
        for &(_, word) in words.words.iter().take(2000) {
            tokenize::push_lowercase(&mut lower, word);
            ends.push(lower.len());
        }
        let mut start = 0;
        stopwords::detect(ends.iter().map(|&end| {
            let word = &lower[start..end];
            start = end;
            word
        }))
    };
    let anchors = with_publication_day(anchors::anchors(text), published);
    Features {
        language: stop.language,
        terms: terms::terms(&words, title, stop),
        names: names::names(&words, title, stop),
        years: years(&anchors),
        anchors,
        date: published.map(|day| story_day(text, stop.language, day)),
    }
}

impl Features {
    /// Appends the features, as a run keeps them on disk until the event
    /// stage, to `out` (little-endian; strings as a `u32` length and bytes).
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let text = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        text(out, self.language);
        out.extend_from_slice(&self.date.unwrap_or(i32::MIN).to_le_bytes());
        out.extend_from_slice(&(self.terms.len() as u32).to_le_bytes());
        for (term, count) in &self.terms {
            text(out, term);
            out.extend_from_slice(&count.to_le_bytes());
        }
        out.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        for (name, count) in &self.names {
            text(out, name);
            out.extend_from_slice(&count.to_le_bytes());
        }
        out.extend_from_slice(&(self.anchors.len() as u32).to_le_bytes());
        for anchor in &self.anchors {
            text(out, anchor);
        }
    }

    /// What [`Features::encode`] wrote, or `None` if `bytes` are not that.
    pub(crate) fn decode(mut bytes: &[u8]) -> Option<Features> {
        fn text(bytes: &mut &[u8]) -> Option<String> {
            let len = take_u32(bytes)? as usize;
            let (text, rest) = bytes.split_at_checked(len)?;
            *bytes = rest;
            String::from_utf8(text.to_vec()).ok()
        }
        let b = &mut bytes;
        let language = stopwords::for_language(&text(b)?).language;
        let date = Some(take_u32(b)? as i32).filter(|&d| d != i32::MIN);
        let terms = (0..take_u32(b)?)
            .map(|_| Some((text(b)?, f32::from_bits(take_u32(b)?))))
            .collect::<Option<Vec<_>>>()?;
        let names = (0..take_u32(b)?)
            .map(|_| Some((text(b)?, take_u32(b)?)))
            .collect::<Option<Vec<_>>>()?;
        let anchors = (0..take_u32(b)?)
            .map(|_| text(b))
            .collect::<Option<Vec<_>>>()?;
        Some(Features {
            language,
            terms,
            names,
            years: years(&anchors),
            anchors,
            date,
        })
    }
}

/// Years an article can be of: the four-digit numbers from 1900 to 2099
/// among its anchors (its publication year is one), sorted, at most
/// [`MAX_YEARS`] (the latest ones: a story names its own year and older
/// ones for background, so the latest say the most about when it is).
pub fn years(anchors: &[String]) -> Vec<i32> {
    let mut years: Vec<i32> = anchors
        .iter()
        .filter_map(|a| a.strip_prefix("n:"))
        .filter(|n| n.len() == 4)
        .filter_map(|n| n.parse().ok())
        .filter(|y| (1900..2100).contains(y))
        .collect();
    years.sort_unstable();
    years.dedup();
    let from = years.len().saturating_sub(MAX_YEARS);
    years.split_off(from)
}

/// Years kept per article: bounds the cost of the year check in clustering.
pub const MAX_YEARS: usize = 8;

/// The day a story happened: the weekday or "yesterday" of its lead
/// resolved against `published`, else `published`. Two outlets that
/// publish a day apart about "Saturday's quake" then agree on the day.
pub fn story_day(text: &str, language: &str, published: Day) -> Day {
    dates::relative_day(text, language, published).unwrap_or(published)
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
    fn the_story_day_is_the_weekday_the_lead_names() {
        let doc = EventDoc {
            id: "a",
            title: None,
            text: "The quake struck on Saturday, officials said.",
            raw: "Desk | 14 March 2022\n\nThe quake struck on Saturday, officials said.",
            date: None,
        };
        let f = extract(&doc);
        assert_eq!(f.date, dates::days_from_civil(2022, 3, 12));
        // The publication day stays an anchor.
        assert!(
            f.anchors.contains(&"d:mar-14".to_string()),
            "{:?}",
            f.anchors
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
        // Published on Monday 14 March, about "Monday": that day.
        assert_eq!(f.date, dates::days_from_civil(2022, 3, 14));
        assert!(f.terms.iter().any(|(t, _)| t == "earthquake"));
        assert!(f.names.iter().any(|(n, _)| n == "serrano highlands"));
        assert_eq!(f.anchors, ["d:mar-14", "n:2022", "n:6.4"]);
    }

    #[test]
    fn features_read_back_as_written() {
        let doc = EventDoc {
            id: "a",
            title: Some("Quake hits Lindenau"),
            text: "A quake hit Lindenau on Tuesday, 12 March 2024. Officials in Lindenau said 40 were hurt.",
            raw: "",
            date: Some("2024-03-14"),
        };
        let features = extract(&doc);
        assert!(!features.terms.is_empty() && features.date.is_some());
        let mut bytes = Vec::new();
        features.encode(&mut bytes);
        assert_eq!(Features::decode(&bytes), Some(features));
        assert_eq!(Features::decode(&bytes[..bytes.len() - 1]), None);
    }
}
