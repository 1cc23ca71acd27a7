//! Name proxies: people, places and organisations without an NER model.
//!
//! Input: an article's text, its title and its stopword list. Output: name
//! keys with their counts, sorted by key: each name word (`putin`, `nato`)
//! and each pair of adjacent name words in a run (`vladimir putin`,
//! `white house`), so "President Vladimir Putin" and "Vladimir Putin" share
//! most of their keys.
//!
//! A name word is an acronym (two to six capitals: NATO, EU, U.S. → `us`) or
//! a capitalised word in the middle of a sentence. A capitalised word at a
//! sentence start or in a title-case headline counts only when the article
//! also capitalises it mid-sentence, so "Officials said" gives nothing and
//! "Putin said" gives `putin`.
//!
//! Invariants: keys are folded like terms (lowercase, no possessive, no
//! dots) but not stemmed; stopwords, month and weekday names (in every
//! language [`dates`] reads: German capitalises them) are never name
//! words; a run never crosses punctuation or a line break.

use super::dates;
use super::terms::fold;
use crate::stopwords::{Stopwords, WordMap};
use crate::tokenize::{self, Words};

/// Characters that, between two words, start a new sentence (or quote).
const SENTENCE_BREAKS: &[char] = &[
    '.', '!', '?', ':', ';', '"', '“', '”', '„', '«', '»', '(', '[', '—', '–', '|', '•', '\'', '‘',
    '’', '*', '#',
];

struct Word {
    key: String,
    /// Capitalised (or an acronym) and a possible name word.
    capitalised: bool,
    acronym: bool,
    /// Mid-sentence and outside a headline: the capital means a name.
    certain: bool,
    /// Only spaces separate it from the word before, on the same line.
    joined: bool,
}

/// The name keys of an article with their counts, sorted by key.
pub fn names(text: &Words, title: Option<&str>, stop: &Stopwords) -> Vec<(String, u32)> {
    let (all, text) = (&text.words, text.text);
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let mut words: Vec<Word> = Vec::new();
    // A line and its words, with their offsets from `base`.
    let mut visit = |line: &str, is_title: bool, line_words: &[(usize, &str)], base: usize| {
        let headline = is_title || looks_like_headline(line, line_words);
        let shouting = is_shouting(line);
        let mut prev_end = None;
        for &(at, w) in line_words {
            let start = at - base;
            let between = prev_end.map(|end| &line[end..start]);
            prev_end = Some(start + w.len());
            let sentence_start = between.is_none_or(|b| b.contains(SENTENCE_BREAKS));
            let joined = between.is_some_and(|b| b.chars().all(|c| c == ' ' || c == '\u{a0}'));
            let certain = !sentence_start && !headline && !shouting;
            // A word in lowercase is no name and no acronym: most words,
            // passed over without counting their letters.
            if w.as_bytes()[0].is_ascii_lowercase() {
                words.push(Word {
                    capitalised: false,
                    acronym: false,
                    certain,
                    joined,
                    key: String::new(),
                });
                continue;
            }
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            let upper = w.chars().filter(|c| c.is_uppercase()).count();
            let acronym = !shouting && (2..=6).contains(&letters) && upper == letters;
            let capitalised = w.chars().next().is_some_and(char::is_uppercase);
            // Only a possible name word needs its key (most words are not).
            let key = if capitalised || acronym {
                fold(w)
            } else {
                String::new()
            };
            let excluded = key.chars().count() < 2
                || !key.chars().any(char::is_alphabetic)
                || dates::is_calendar_word(&key)
                || (!acronym && stop.contains(&key))
                || (!acronym && stop.contains(&w.to_lowercase()));
            words.push(Word {
                capitalised: capitalised && !excluded,
                acronym: acronym && !excluded,
                certain,
                joined,
                key,
            });
        }
    };
    if let Some(title) = title.filter(|t| !text.contains(*t)) {
        let own: Vec<(usize, &str)> = tokenize::word_indices(title).collect();
        visit(title, true, &own, 0);
    }
    // The text's words, found once, taken line by line: no word spans a
    // line break.
    let mut next = 0;
    for line in text.lines() {
        let base = line.as_ptr() as usize - text.as_ptr() as usize;
        let first = next;
        while next < all.len() && all[next].0 < base + line.len() {
            next += 1;
        }
        visit(line, Some(line.trim()) == title, &all[first..next], base);
    }

    let confirmed: WordMap<&str, ()> = words
        .iter()
        .filter(|w| w.capitalised && w.certain)
        .map(|w| (w.key.as_str(), ()))
        .collect();
    let is_name: Vec<bool> = words
        .iter()
        .map(|w| {
            w.acronym || (w.capitalised && (w.certain || confirmed.contains_key(w.key.as_str())))
        })
        .collect();

    let mut counts: WordMap<String, u32> = WordMap::default();
    for (i, w) in words.iter().enumerate() {
        if !is_name[i] {
            continue;
        }
        *counts.entry(w.key.clone()).or_default() += 1;
        if i > 0 && is_name[i - 1] && w.joined {
            *counts
                .entry(format!("{} {}", words[i - 1].key, w.key))
                .or_default() += 1;
        }
    }
    let mut names: Vec<(String, u32)> = counts.into_iter().collect();
    names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    names
}

/// A title-case line ("Putin Says 'Effective Dialogue' With U.S. Possible"):
/// three or more words, most of them capitalised, and no full stop at the end.
fn looks_like_headline(line: &str, line_words: &[(usize, &str)]) -> bool {
    if line.trim_end().ends_with('.') {
        return false;
    }
    let (mut words, mut capitals) = (0, 0);
    for &(_, w) in line_words {
        if w.chars().any(char::is_alphabetic) {
            words += 1;
            capitals += w.chars().next().is_some_and(char::is_uppercase) as usize;
        }
    }
    words >= 3 && capitals * 10 >= words * 7
}

/// A line in capitals ("BREAKING NEWS FROM KYIV"): its capitals are no acronyms.
fn is_shouting(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let upper = line.chars().filter(|c| c.is_uppercase()).count();
    letters >= 12 && upper * 10 >= letters * 8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stopwords;

    fn keys(text: &str, title: Option<&str>) -> Vec<String> {
        names(&Words::new(text), title, stopwords::for_language("en"))
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn runs_give_words_and_adjacent_pairs() {
        assert_eq!(
            keys("He called Russian President Vladimir Putin's office.", None),
            [
                "president",
                "president vladimir",
                "putin",
                "russian",
                "russian president",
                "vladimir",
                "vladimir putin"
            ]
        );
    }

    #[test]
    fn acronyms_count_anywhere_and_fold_dots() {
        assert_eq!(
            keys("NATO and the U.S. met. EU too.", None),
            ["eu", "nato", "us"]
        );
    }

    #[test]
    fn sentence_starts_need_a_mid_sentence_capital_elsewhere() {
        assert_eq!(
            keys("Officials said Putin spoke. Putin agreed.", None),
            ["putin"]
        );
        assert_eq!(keys("Officials said so.", None), Vec::<String>::new());
    }

    #[test]
    fn title_case_headlines_need_confirmation_too() {
        let text = "Putin Says Effective Dialogue Possible\n\nThe talks with Putin went on.";
        assert_eq!(
            keys(text, Some("Putin Says Effective Dialogue Possible")),
            ["putin"]
        );
    }

    #[test]
    fn calendar_words_stopwords_and_punctuation_break_names() {
        assert_eq!(
            keys("They met on Thursday in December.", None),
            Vec::<String>::new()
        );
        assert_eq!(
            keys("It was Biden, Putin and the Kremlin.", None),
            ["biden", "kremlin", "putin"]
        );
        assert_eq!(
            keys("BREAKING NEWS FROM KYIV TONIGHT", None),
            Vec::<String>::new()
        );
    }
}
