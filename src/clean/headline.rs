//! The headline, picked from the raw page: a short line near the top of the
//! body that the body's words support.
//!
//! A title guessed from the cleaned text is whatever short line survived
//! first: a share button, a dateline, a photo counter, the site's name.
//! The real headline is usually a few lines above the first paragraph, and
//! the cleaner may have removed it with the menus around it. So every short
//! line above the body, kept or not, is a candidate, unless a pattern rule
//! marked it (share bars, bylines, captions are never headlines) or it
//! recurs across the site (a masthead). A candidate is supported when most
//! of its content words occur in the body's prose; the best supported
//! candidate wins, the one higher up the page on a tie (a page tells its
//! headline before its standfirst, byline and caption), and one the page
//! prints twice (the window title, then above the story) before others.
//! The first paragraph is a candidate too when it ends no sentence: a
//! headline of 70 characters or more is long enough to count as prose.

use std::collections::HashMap;

use super::classify::{self, LineWords};
use super::{corpus, ends_sentence, is_list_item, Line};
use crate::stopwords::{Stopwords, WordMap};

/// Non-blank lines above the first paragraph searched for the headline:
/// enough to reach over a share bar, a byline and a photo caption block.
const WINDOW: usize = 40;
/// Non-blank lines below the first paragraph searched too.
const BELOW: usize = 4;
/// Share of a candidate's content words that must occur in the body.
const MIN_SUPPORT: f64 = 0.5;
/// Content words of a candidate the body must contain: one shared word
/// ("Learn More") is chance.
const MIN_HITS: usize = 2;
/// What each line of distance from the first paragraph weighs in support:
/// below the paragraph a line further is a line worse; above it, a line
/// further is a line *better*, because a page tells its headline first and
/// its standfirst, byline and picture caption after it, all supported by
/// the body. (On Readability's pages, `scripts/eval-titles.py`: nearer
/// first, 40 of 96 right; further first at 0.005, 0.01 and 0.02 a line,
/// 41, 42 and 41. ECB+ dev: 2 of 772 titles change.)
const DISTANCE_WEIGHT: f64 = 0.01;
/// Supported content words at which a candidate counts in full; one with
/// fewer counts in proportion.
const FULL_HITS: usize = 4;
/// What a candidate printed twice on the page gains: about as much as
/// twenty lines of distance. On Readability's pages
/// (`scripts/eval-titles.py`, with the distance weight at 0.01): 0.1, 44
/// of 96 right; 0.2 and 0.3, 46; none, 44.
const REPEAT_BONUS: f64 = 0.2;
/// Most words of a headline: a longer line is a standfirst.
const HEADLINE_MAX_WORDS: usize = 18;
/// Longest headline, in characters.
const MAX_CHARS: usize = 200;

/// The headline of the page whose lines the cleaner has judged.
pub(super) fn pick(lines: &[Line], kept: &LineWords, stopwords: &Stopwords) -> Option<String> {
    let is_prose = |line: &Line| line.is_kept() && (line.is_long() || ends_sentence(line.text));
    let start = lines.iter().position(is_prose)?;
    let above = (0..start)
        .rev()
        .filter(|&i| !lines[i].text.is_empty())
        .take(WINDOW)
        .enumerate()
        .map(|(n, i)| (n as f64, i));
    // A headline may follow a first short paragraph (a standfirst, a
    // byline sentence): the next few lines are candidates too.
    // The first paragraph itself may be a long headline: a line of 70
    // characters or more counts as prose, but a headline ends no sentence.
    let below = (start..lines.len())
        .filter(|&i| !lines[i].text.is_empty())
        .take(BELOW + 1)
        .enumerate()
        .map(|(n, i)| (-(n as f64), i));
    let places: Vec<(f64, usize)> = above
        .chain(below)
        .filter(|&(_, i)| is_candidate(&lines[i]) && (i != start || !ends_sentence(lines[i].text)))
        .collect();
    // Where a page prints its headline twice: above the story and in the
    // window the candidates come from, never in the story itself.
    let head = &lines[..places.iter().map(|&(_, i)| i + 1).max()?];
    let candidates: Vec<(f64, &str, Vec<String>)> = places
        .into_iter()
        .map(|(place, i)| {
            let text = lines[i].text;
            (place, text, content_words(text, stopwords))
        })
        .collect();
    // Only the candidates' words are looked for in the body: a content word
    // is one by its own spelling, so it is among the body's content words
    // exactly when the body has it at all. (Collecting every body word
    // instead cost a fifth of the cleaner's time.)
    let mut in_body: WordMap<&str, bool> = candidates
        .iter()
        .flat_map(|(_, _, words)| words.iter().map(|w| (w.as_str(), false)))
        .collect();
    let mut missing = in_body.len();
    // The byte lengths the candidates' words have (a longer one counts as
    // 63): most body words are passed over on their length alone.
    let lengths = in_body
        .keys()
        .fold(0u64, |mask, w| mask | 1 << w.len().min(63));
    let mut word = String::new();
    let mut found = |word: &str| match in_body.get_mut(word) {
        Some(found) if !*found => {
            *found = true;
            missing -= 1;
            missing == 0
        }
        _ => false,
    };
    'body: for (i, line) in lines.iter().enumerate().skip(start) {
        if !is_prose(line) {
            continue;
        }
        // An ASCII line's words, lowercased as the classifier measured
        // them, are what lowercasing them here would give.
        if line.text.is_ascii() {
            for w in kept.lines[i].clone().map(|j| kept.words.word(j)) {
                if lengths & 1 << w.len().min(63) != 0 && found(w) {
                    break 'body;
                }
            }
            continue;
        }
        for w in crate::tokenize::words(line.text) {
            // Lowercasing keeps an ASCII word's length; any other is looked up.
            if w.is_ascii() && lengths & 1 << w.len().min(63) == 0 {
                continue;
            }
            // Lowercased as `content_words` does (`to_lowercase` knows a
            // final sigma), without allocating for ASCII words.
            word.clear();
            match w.is_ascii() {
                true => {
                    word.push_str(w);
                    word.make_ascii_lowercase();
                }
                false => word.push_str(&w.to_lowercase()),
            }
            if found(&word) {
                break 'body;
            }
        }
    }
    let repeated = repeated(head, candidates.iter().map(|(_, text, _)| *text));
    let mut best: Option<(f64, &str)> = None;
    // `place`: lines above the first paragraph, negative below it.
    for (place, text, words) in &candidates {
        let hits = words.iter().filter(|w| in_body[w.as_str()]).count();
        let support = hits as f64 / words.len().max(1) as f64;
        if hits < MIN_HITS || support < MIN_SUPPORT {
            continue;
        }
        // A headline names its subject in several words the body repeats;
        // a byline or a section name is one or two.
        let breadth = (hits as f64 / FULL_HITS as f64).min(1.0);
        let repeat = if repeated.contains(&fold(text)) {
            REPEAT_BONUS
        } else {
            0.0
        };
        let score = support * breadth + DISTANCE_WEIGHT * place + repeat;
        if best.is_none_or(|(top, _)| score > top) {
            best = Some((score, text));
        }
    }
    best.map(|(_, text)| text.to_string())
}

/// Case-folded, whitespace-collapsed: how a repeat of a line is recognised.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .flat_map(|w| w.chars().flat_map(char::to_lowercase).chain([' ']))
        .collect()
}

/// The candidates (folded) that occur on two or more of `lines`: a page
/// prints its headline in the window title and again above the article,
/// its menus and bylines seldom twice.
fn repeated<'t>(lines: &[Line], candidates: impl Iterator<Item = &'t str>) -> Vec<String> {
    let mut wanted: HashMap<String, usize> = candidates.map(|text| (fold(text), 0)).collect();
    // Only a line of as many words as a candidate is folded and looked up.
    let words: u64 = wanted.keys().fold(0, |mask, k| {
        mask | 1 << k.split_whitespace().count().min(63)
    });
    for line in lines.iter().filter(|line| line.chars <= MAX_CHARS) {
        if words & 1 << line.text.split_whitespace().count().min(63) == 0 {
            continue;
        }
        if let Some(count) = wanted.get_mut(&fold(line.text)) {
            *count += 1;
        }
    }
    wanted
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(k, _)| k)
        .collect()
}

/// A line that could be a headline: short, not a sentence, not a list
/// entry or an address, and not marked as furniture by a pattern or by
/// recurring across the site.
fn is_candidate(line: &Line) -> bool {
    let by_judgement = matches!(
        line.removed_by,
        None | Some(
            classify::CONTEXT | classify::OUTSIDE | classify::FEW_STOPWORDS | corpus::REPEATED
        )
    );
    let words = line.text.split_whitespace().count();
    by_judgement
        && line.removed_by != Some(corpus::RECURRING)
        && (2..=HEADLINE_MAX_WORDS).contains(&words)
        && line.chars <= MAX_CHARS
        && !line.text.ends_with(['.', ',', ':', ';'])
        && !is_list_item(line.text)
        && !starts_numbered(line.text)
        && !line.text.contains("://")
        && !line.text.starts_with(['[', '(', '<'])
}

/// "1. Sarah Archer", "10. Ownership model": an entry of a numbered list.
fn starts_numbered(text: &str) -> bool {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && text[digits..].starts_with(['.', ')'])
}

/// The lowercased words of `text` that are not stopwords.
fn content_words(text: &str, stopwords: &Stopwords) -> Vec<String> {
    crate::tokenize::words(text)
        .map(str::to_lowercase)
        .filter(|w| {
            !stopwords.contains(w) && w.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stopwords;

    fn pick_from(text: &str, removed: &[(usize, &'static str)]) -> Option<String> {
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        for &(i, rule) in removed {
            lines[i].removed_by = Some(rule);
        }
        // The words the classifier would have measured: every kept line's.
        let mut kept = LineWords::default();
        kept.split(&lines);
        pick(&lines, &kept, stopwords::for_language("en"))
    }

    const BODY: &str = "The council voted on Tuesday to extend the tram line to the eastern \
        districts, a project debated for ten years that supporters say will cut commuting times.";

    #[test]
    fn the_headline_above_the_body_wins_over_the_debris_nearer_to_it() {
        let text = format!(
            "Home\nCouncil backs tram line to eastern districts\nShare this with LinkedIn\n\
             18 September 2013 Last updated at 13:59 GMT\n1 / 23\n{BODY}"
        );
        let removed = [(0, classify::CONTEXT), (1, classify::CONTEXT), (2, "share")];
        assert_eq!(
            pick_from(&text, &removed).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
    }

    #[test]
    fn a_headline_long_enough_to_count_as_prose_still_wins_over_the_dateline_below_it() {
        let text = format!(
            "Council backs the extension of the tram line to the eastern districts\n\n\
             Haverstead | 18 September 2013\n\n{BODY}"
        );
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Council backs the extension of the tram line to the eastern districts")
        );
        let text = format!("The council voted on the tram line again today!\n\n{BODY}");
        assert_eq!(
            pick_from(&text, &[]),
            None,
            "a first sentence is no headline"
        );
    }

    #[test]
    fn a_line_printed_twice_on_the_page_is_the_headline() {
        // All three are as well supported, and the one furthest up would
        // win on distance; but the page prints the other twice, in its
        // window title and above the story.
        let text = format!(
            "Eastern districts tram line\nTram line for eastern districts\nHome\n\
             Tram line for eastern districts\n{BODY}"
        );
        let removed = [
            (0, classify::CONTEXT),
            (2, classify::CONTEXT),
            (3, corpus::REPEATED),
        ];
        assert_eq!(
            pick_from(&text, &removed).as_deref(),
            Some("Tram line for eastern districts")
        );
    }

    #[test]
    fn a_line_the_body_does_not_support_is_no_headline() {
        let text = format!("THE WHITE HOUSE\nLearn More\n{BODY}");
        assert_eq!(pick_from(&text, &[]), None);
        let text = format!("Council tram line\n{BODY}");
        assert_eq!(
            pick_from(&text, &[(0, corpus::RECURRING)]),
            None,
            "a masthead recurring on the site is not the headline"
        );
    }
}
