//! Content terms: the words that say what a story is about.
//!
//! Input: an article's text, its title and its stopword list. Output: each
//! content term with its weighted count, sorted by term. A word counts 1 in
//! the body, [`LEAD_WEIGHT`] in the lead (the first [`LEAD_WORDS`] words
//! after the title) and [`TITLE_WEIGHT`] in the title.
//!
//! Words come from [`tokenize::term_words`]: Chinese, Japanese, Thai, Lao,
//! Khmer and Burmese as character bigrams. Arabic-script text arrives with
//! its letter variants folded ([`tokenize::fold_arabic`], in `features.rs`).
//!
//! Invariants: a term is lowercase, at least three characters (a bigram of
//! an unspaced script: two), holds a letter, is not a stopword, has no possessive `'s` and no dots (`U.S.` →
//! `us`); English terms lose a plural `s` (Harman's S-stemmer), so that
//! "earthquakes" meets "earthquake". The background table is keyed by these
//! same terms (see `background.rs`).

use crate::stopwords::{Stopwords, WordMap};
use crate::tokenize::{self, Words};

/// Weight of a word in the title.
pub const TITLE_WEIGHT: f32 = 2.0;
/// Weight of a word in the lead.
pub const LEAD_WEIGHT: f32 = 1.5;
/// Words after the title that make the lead.
pub const LEAD_WORDS: usize = 60;
/// A title is looked for this far into the text (bytes).
const TITLE_SEARCH: usize = 4096;

/// `word` lowercased, without a possessive ending and without dots.
pub fn fold(word: &str) -> String {
    let mut folded = String::new();
    fold_into(word, &mut folded);
    folded
}

/// [`fold`] into `out`, replacing what it held: an ASCII word (the common
/// case) allocates nothing once `out` is large enough.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        let base = match word.len().checked_sub(2) {
            Some(at) if word[at..].eq_ignore_ascii_case("'s") => &word[..at],
            _ => word,
        };
        out.extend(
            base.bytes()
                .filter(|&b| b != b'.')
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return;
    }
    let lower = word.to_lowercase();
    let base = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix("’s"))
        .unwrap_or(&lower);
    out.extend(base.chars().filter(|&c| c != '.'));
}

/// The content term of `word`, or `None` for a stopword, a number or a word
/// too short to mean much.
pub fn term(word: &str, stop: &Stopwords) -> Option<String> {
    let mut term = String::new();
    term_into(word, stop, &mut term).then_some(term)
}

/// [`term`] into `out`: whether `word` is a content term, which `out` then
/// holds.
fn term_into(word: &str, stop: &Stopwords, out: &mut String) -> bool {
    fold_into(word, out);
    // A character bigram of an unspaced script is a word (see
    // `tokenize::term_words`); elsewhere two letters say too little.
    let long_enough = |w: &str| {
        let n = w.chars().count();
        n >= 3 || (n >= 1 && w.chars().all(tokenize::is_unspaced))
    };
    let content =
        |w: &str| long_enough(w) && w.chars().any(char::is_alphabetic) && !stop.contains(w);
    // An ASCII word that folding left as long is its lowercase already.
    let folded_is_lowercase = word.is_ascii() && out.len() == word.len();
    if !content(out) || (!folded_is_lowercase && stop.contains(&word.to_lowercase())) {
        return false;
    }
    if stop.language != "en" {
        return true;
    }
    // The stem must pass too: "others" is no stopword but "other" is, and
    // "1950s" is a word but "1950" a number.
    let stem_len = match s_stem(out) {
        std::borrow::Cow::Owned(stem) => {
            let kept = content(&stem);
            *out = stem;
            return kept;
        }
        // A prefix of the folded word.
        std::borrow::Cow::Borrowed(stem) => stem.len(),
    };
    out.truncate(stem_len);
    content(out)
}

/// Harman's S-stemmer (1991): `-ies` → `-y`, `-es` → `-e`, `-s` → ``, with
/// the exceptions that keep "bus", "glass" and "toes" intact.
pub fn s_stem(word: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if let Some(stem) = word.strip_suffix("ies") {
        if !stem.ends_with(['e', 'a']) && stem.chars().count() >= 2 {
            return Cow::Owned(format!("{stem}y"));
        }
        return Cow::Borrowed(word);
    }
    if let Some(stem) = word.strip_suffix("es") {
        if !stem.ends_with(['a', 'e', 'o']) {
            return Cow::Owned(format!("{stem}e"));
        }
        return Cow::Borrowed(word);
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.ends_with(['u', 's']) && stem.chars().count() >= 3 => {
            Cow::Borrowed(stem)
        }
        _ => Cow::Borrowed(word),
    }
}

/// The weighted content terms of an article, sorted by term.
pub fn terms(text: &Words, title: Option<&str>, stop: &Stopwords) -> Vec<(String, f32)> {
    let (words, text) = (&text.words, text.text);
    let mut counts: WordMap<String, f32> = WordMap::default();
    // A term seen before costs no allocation.
    let mut term = String::new();
    let mut add = |word: &str, weight: f32| {
        if !term_into(word, stop, &mut term) {
            return;
        }
        match counts.get_mut(term.as_str()) {
            Some(count) => *count += weight,
            None => {
                counts.insert(term.clone(), weight);
            }
        }
    };
    let head = &text[..floor_char_boundary(text, TITLE_SEARCH)];
    let title_span = title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .and_then(|t| head.find(t).map(|at| (at, at + t.len())));
    match (title, title_span) {
        // The title is in the text: its words count once more.
        (Some(title), Some(_)) => tokenize::term_words(title)
            .iter()
            .for_each(|(_, w)| add(w, TITLE_WEIGHT - 1.0)),
        (Some(title), None) => tokenize::term_words(title)
            .iter()
            .for_each(|(_, w)| add(w, TITLE_WEIGHT)),
        _ => {}
    }
    let lead_from = title_span.map_or(0, |(_, end)| end);
    let mut lead_left = LEAD_WORDS;
    for (at, word) in tokenize::term_words_of(words.iter().copied()) {
        let weight = if at >= lead_from && lead_left > 0 {
            lead_left -= 1;
            LEAD_WEIGHT
        } else {
            1.0
        };
        add(&word, weight);
    }
    let mut terms: Vec<(String, f32)> = counts.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    terms
}

/// The largest char boundary of `s` at or below `at`.
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stopwords;
    use std::collections::HashMap;

    #[test]
    fn terms_are_folded_stemmed_content_words() {
        let en = stopwords::for_language("en");
        assert_eq!(term("Putin's", en).as_deref(), Some("putin"));
        assert_eq!(term("U.S.", en), None, "two letters");
        assert_eq!(term("earthquakes", en).as_deref(), Some("earthquake"));
        assert_eq!(term("the", en), None);
        assert_eq!(term("100,000", en), None);
        assert_eq!(term("Casualties", en).as_deref(), Some("casualty"));
        assert_eq!(term("東京", en).as_deref(), Some("東京"), "a bigram");
        // Urdu function words, as written and as the event stage folds them.
        let ur = stopwords::for_language("ur");
        for word in ["میں", "ميں", "سے", "اور", "ہوئے", "هوئے"] {
            assert_eq!(term(word, ur), None, "{word}");
        }
        assert_eq!(term("مسافر", ur).as_deref(), Some("مسافر"));
        // Function words of languages that had no list, which were terms of
        // every article and made unrelated stories meet.
        for (language, words, content) in [
            ("id", ["yang", "dengan", "untuk"], "perundingan"),
            ("sv", ["och", "att", "inte"], "spårvägen"),
            ("ar", ["التي", "الذي", "هذا"], "المحادثات"),
        ] {
            let list = stopwords::for_language(language);
            for word in words {
                assert_eq!(term(word, list), None, "{language}: {word}");
            }
            assert_eq!(term(content, list).as_deref(), Some(content), "{language}");
        }
        let de = stopwords::for_language("de");
        assert_eq!(
            term("Gespräches", de).as_deref(),
            Some("gespräches"),
            "no English stemming"
        );
    }

    #[test]
    fn s_stemmer_keeps_its_exceptions() {
        for (word, stem) in [
            ("troops", "troop"),
            ("policies", "policy"),
            ("houses", "house"),
            ("toes", "toes"),
            ("bus", "bus"),
            ("glass", "glass"),
            ("news", "new"),
            ("gas", "gas"),
        ] {
            assert_eq!(s_stem(word), stem, "{word}");
        }
    }

    #[test]
    fn title_and_lead_weigh_more() {
        let en = stopwords::for_language("en");
        let body = format!(
            "Quake hits town\n\nA quake hit the town.{}\nLater, quake.",
            " Filler words here.".repeat(30)
        );
        let got: HashMap<String, f32> = terms(&Words::new(&body), Some("Quake hits town"), en)
            .into_iter()
            .collect();
        // title 2 + lead 1.5 + body 1
        assert_eq!(got["quake"], 4.5);
        assert_eq!(got["town"], 3.5);
        assert_eq!(got["later"], 1.0);
        // A title that is not in the text counts twice.
        let got: HashMap<String, f32> = terms(&Words::new("Body only."), Some("Quake"), en)
            .into_iter()
            .collect();
        assert_eq!(got["quake"], 2.0);
    }
}
