//! The headline, picked from the raw page: a short line near the top of the
//! body that the body's words support.
//!
//! A title guessed from the cleaned text is whatever short line survived
//! first: a share button, a dateline, a photo counter, the site's name.
//! The real headline is usually a few lines above the first paragraph, and
//! the cleaner may have removed it with the menus around it. So every short
//! line above the body, kept or not, is a candidate, unless a pattern rule
//! marked it (share bars, bylines, captions are never headlines), it recurs
//! across the site (a masthead), or its looks rule it out: a sentence, a
//! dateline, code, a line starting in lower case, a line a paragraph wraps
//! onto. A candidate is supported when at least half of its content words
//! (cut to their stems) occur in the body's prose, on lines other than its
//! own. Among the supported, the one with more supported words wins (up to
//! four: a caption copied word for word from the body is no better
//! supported than a headline that rewords it), then the one higher up the
//! page (a page tells its headline before its standfirst, byline and
//! caption), and one the page prints twice (the window title, then above
//! the story) before others. The first paragraph is a candidate too when
//! it ends no sentence: a headline of 70 characters or more is long enough
//! to count as prose. So is the line right above a byline or dateline
//! before the story proper, wherever the page's furniture put it, and a
//! line set centred there (a typed page's title, a text browser's centred
//! heading). A candidate in the article's head, the short lines right
//! above its byline or dateline, gains as one printed twice does. An
//! encyclopaedia's page is titled by the name its first paragraph starts
//! with, when the page prints that name twice on a line of its own.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use super::classify::{self, LineWords};
use super::{corpus, ends_sentence, is_list_item, rules, Line};
use crate::stopwords::{Stopwords, WordMap};

/// Non-blank lines above the first paragraph searched for the headline:
/// enough to reach over a share bar, a byline and a photo caption block.
const WINDOW: usize = 40;
/// Non-blank lines below the first paragraph searched too.
const BELOW: usize = 4;
/// Share of a candidate's content words that must occur in the body: the
/// gate a candidate passes to be supported at all.
const MIN_SUPPORT: f64 = 0.5;
/// Content words of a candidate the body must contain: one shared word
/// ("Learn More") is chance.
const MIN_HITS: usize = 2;
/// What each line of distance from the first paragraph weighs: below the
/// paragraph a line further is a line worse; above it, a line further is a
/// line *better*, because a page tells its headline first and its
/// standfirst, byline and picture caption after it, all supported by the
/// body. (`scripts/eval-titles.py` on Readability's pages, right of 96 and
/// on the halves `--half 0` and `--half 1`: none, 53 (28, 25); 0.01, 60
/// (31, 29); 0.02, 58 (30, 28). ECB+ dev: 5 of 772 titles differ between
/// none and 0.01.)
const DISTANCE_WEIGHT: f64 = 0.01;
/// Supported content words at which a candidate counts in full; one with
/// fewer counts in proportion. (Readability's pages as above: 3, 58 (30,
/// 28); 4, 60 (31, 29); 5, 59 (30, 29). ECB+ dev: 7 and 4 titles differ
/// from 4's.)
const FULL_HITS: usize = 4;
/// What a candidate printed twice on the page gains: about as much as
/// twenty lines of distance. When a candidate's share of supported words
/// counted in its score, this took Readability's pages from 44 to 46 of
/// 96; now that the share is only a gate, it decides no pick there, on
/// ECB+ dev or on the fixtures (60 of 96 with it and without), and stays
/// for the page that prints its headline twice among lines as well
/// supported.
const REPEAT_BONUS: f64 = 0.2;
/// What a candidate in the article's head (the short lines right above its
/// byline or dateline) gains: as much as a repeat. (Readability's pages,
/// `scripts/eval-titles.py`: 0.1 to 0.4 pick the same titles, 68 of 96,
/// one more than none, on the odd half (`--half 1`) and none fewer on the
/// even; 0.5 loses one to a blog's name, 0.6 another to a subheading. ECB+
/// dev: 0.1 and 0.2 change no title, 0.3 and more two.)
const HEAD_BONUS: f64 = 0.2;
/// Body lines a word must be on, at least, to be the article's subject
/// (and on half of them): in a body of two or three paragraphs, a word on
/// two is no subject yet. (Readability's pages: the same 63 of 96 with 2,
/// 3 or 5 and with a third to three fifths of the body's paragraphs.)
const KEY_MIN_LINES: usize = 3;
/// Most words of a headline: a longer line is a standfirst.
const HEADLINE_MAX_WORDS: usize = 18;
/// Longest headline, in characters.
const MAX_CHARS: usize = 200;

/// The headline of the page whose lines the cleaner has judged.
pub(super) fn pick(lines: &[Line], kept: &LineWords, stopwords: &Stopwords) -> Option<String> {
    // A row of columns is no paragraph, however long: a plain-text page's
    // header would otherwise open the article above its title.
    let is_prose = |line: &Line| {
        line.is_kept() && (line.is_long() || ends_statement(line.text)) && !is_columns(line.text)
    };
    // The article starts at its first paragraph, even one the article's
    // main stretch left out: the stretch is cut at gaps (a picture, its
    // caption, a byline), which is where a page tells its headline. Such a
    // line must be a paragraph by its own looks, long and a sentence.
    let opens = |line: &Line| {
        is_prose(line)
            || (line.removed_by == Some(classify::OUTSIDE)
                && line.is_long()
                && ends_statement(line.text))
    };
    let start = lines.iter().position(opens)?;
    if let Some(name) = subject(&lines[..start], lines[start].text) {
        return Some(name.to_string());
    }
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
    // Such a headline comes before the lines below it (its standfirst,
    // byline and subheadings), which are then no candidates.
    // So may a line of a headline's length that asks: a headline may, and
    // an article seldom opens on a one-line question (it may on a sentence
    // that exclaims).
    let asks = |line: &Line| {
        line.text.split_whitespace().count() <= HEADLINE_MAX_WORDS
            && line
                .text
                .trim_end_matches(['"', '\'', '”', '’', '»', ')'])
                .ends_with('?')
    };
    let headline_first =
        is_candidate(&lines[start]) && (!ends_statement(lines[start].text) || asks(&lines[start]));
    let below = (start..lines.len())
        .filter(|&i| !lines[i].text.is_empty())
        .take(if headline_first { 1 } else { BELOW + 1 })
        .enumerate()
        .map(|(n, i)| (-(n as f64), i));
    let candidate = |i: usize| {
        is_candidate(&lines[i]) && (i != start || headline_first) && !continues(lines, i, stopwords)
    };
    let mut places: Vec<(f64, usize)> = above.chain(below).filter(|&(_, i)| candidate(i)).collect();
    // A page prints its headline right above its byline or dateline, however
    // far the furniture between them and the story pushed them from the
    // first paragraph (a video player's menus, a consent form the cleaner
    // kept as prose): so the line right above each byline before the story
    // proper (the first two paragraphs in a row) is a candidate too, and
    // one below the first paragraph counts as being at its top. So is a
    // line set centred there: a typed document centres its title, and a
    // text browser its page's heading, wherever the lines around it sit.
    let nonblank: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].text.is_empty())
        .collect();
    let story = nonblank
        .windows(2)
        .position(|pair| pair[0] >= start && pair.iter().all(|&i| is_prose(&lines[i])))
        .unwrap_or_else(|| nonblank.partition_point(|&i| i < start));
    let first = nonblank.partition_point(|&i| i < start) as f64;
    // Which lines before the story proper are a byline or a dateline, read
    // once for the article's head and for the lines right above them.
    let dated: Vec<bool> = (nonblank[..story].iter())
        .map(|&j| lines[j].removed_by == Some(rules::BYLINE) || is_dated(lines[j].text))
        .collect();
    // The page's measure is found only when an indented line asks: a line
    // set flush left is centred on no page, and most pages indent none.
    let page = std::cell::OnceCell::new();
    let centred =
        |line: &Line| line.indent > 0 && is_centred(line, *page.get_or_init(|| measure(lines)));
    // The article's head: the short lines right above a byline or
    // dateline before the story proper, up to the menus above them (a list
    // entry) or a paragraph. A headline there is the article's; one above
    // the menus, however well the body supports it, is the site's ("Download
    // Firefox Nightly" over "These Weeks in Firefox: Issue 85").
    // By line, so that a page of thousands of dated lines is one pass.
    let mut in_head = vec![false; lines.len()];
    for n in (0..story).filter(|&n| dated[n]) {
        for &i in nonblank[..n].iter().rev() {
            if is_list_item(lines[i].text) || lines[i].is_long() || in_head[i] {
                break;
            }
            in_head[i] = true;
        }
    }
    for (n, &i) in nonblank[..story].iter().enumerate() {
        let above_byline = dated.get(n + 1) == Some(&true);
        if (above_byline || centred(&lines[i]))
            && candidate(i)
            && !places.iter().any(|&(_, j)| j == i)
        {
            places.push(((first - n as f64).max(0.0), i));
        }
    }
    // Where a page prints its headline twice: above the story and in the
    // window the candidates come from, never in the story itself.
    let head = &lines[..places.iter().map(|&(_, i)| i + 1).max()?];
    let candidates: Vec<(f64, usize, Vec<String>)> = places
        .into_iter()
        .map(|(place, i)| (place, i, content_words(part(lines[i].text), stopwords)))
        .collect();
    // Only the candidates' words are looked for in the body: a content word
    // is one by its own spelling, so it is among the body's content words
    // exactly when the body has it at all. (Collecting every body word
    // instead cost a fifth of the cleaner's time.) A candidate that is
    // itself a line of the body (a caption, a pull quote, a subheading)
    // must be supported by the *other* lines, or any such line would
    // support itself in full. Every body line is read: how many of them
    // have a word tells the article's subject.
    let mut in_body: WordMap<&str, Seen> = WordMap::default();
    for (_, _, words) in &candidates {
        for w in words {
            in_body.entry(w.as_str()).or_default();
        }
    }
    // The byte lengths the candidates' words have (a longer one counts as
    // 63): most body words are passed over on their length alone.
    let lengths = in_body
        .keys()
        .fold(0u64, |mask, w| mask | 1 << w.len().min(63));
    let mut word = String::new();
    let mut found = |word: &str, line: usize| {
        if let Some(seen) = in_body.get_mut(word) {
            if seen.lines == 0 {
                seen.first = line;
            }
            if seen.lines == 0 || seen.last != line {
                seen.lines += 1;
                seen.last = line;
            }
        }
    };
    let mut paragraphs = 0;
    for (i, line) in lines.iter().enumerate().skip(start) {
        if !opens(line) {
            continue;
        }
        paragraphs += 1;
        // An ASCII line's words, lowercased as the classifier measured
        // them, are what lowercasing them here would give.
        if line.text.is_ascii() {
            for w in kept.lines[i].clone().map(|j| stem(kept.words.word(j))) {
                if lengths & 1 << w.len().min(63) != 0 {
                    found(w, i);
                }
            }
            continue;
        }
        for w in crate::tokenize::words(line.text) {
            // Lowercasing keeps an ASCII word's length; any other is looked up.
            if w.is_ascii() && lengths & 1 << stem(w).len().min(63) == 0 {
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
            found(stem(&word), i);
        }
    }
    let repeated = repeated(
        head,
        candidates.iter().map(|&(_, i, _)| part(lines[i].text)),
    );
    let mut best: Option<(f64, &str)> = None;
    // `place`: lines above the first paragraph, negative below it.
    for &(place, i, ref words) in &candidates {
        let text = part(lines[i].text);
        let seen = words.iter().map(|w| in_body[w.as_str()]);
        let hits = seen.clone().filter(|seen| seen.supports(i)).count();
        let support = hits as f64 / words.len().max(1) as f64;
        // A word on half the body's paragraphs is what the article is
        // about ("literally", in a plea for its proper use): it weighs as
        // two in a headline that names it.
        let key = seen
            .filter(|seen| seen.lines >= KEY_MIN_LINES && 2 * seen.lines >= paragraphs)
            .count();
        if hits + key < MIN_HITS || support < MIN_SUPPORT {
            continue;
        }
        // A headline names its subject in several words the body repeats;
        // a byline or a section name is one or two.
        let breadth = ((hits + key) as f64 / FULL_HITS as f64).min(1.0);
        let repeat = if repeated.contains(&fold(text)) {
            REPEAT_BONUS
        } else {
            0.0
        };
        let head = if in_head[i] { HEAD_BONUS } else { 0.0 };
        let score = breadth + DISTANCE_WEIGHT * place + repeat + head;
        if best.is_none_or(|(top, _)| score > top) {
            best = Some((score, text));
        }
    }
    best.map(|(_, text)| text.to_string())
}

/// Where the body has a candidate's word.
#[derive(Clone, Copy, Default)]
struct Seen {
    /// How many of the body's lines have it.
    lines: usize,
    /// The first of them and the last.
    first: usize,
    last: usize,
}

impl Seen {
    /// Whether the body supports line `i` with the word: on a line of its
    /// own, not only on `i` (a caption or a subheading that is a line of
    /// the body does not support itself).
    fn supports(self, i: usize) -> bool {
        self.lines >= 2 || (self.lines == 1 && self.first != i)
    }
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

/// The name an encyclopaedia's page is about: printed on a line of its
/// own twice above the text (as the page's title and over its infobox), and
/// the first words of the first paragraph ("Mozilla is a free-software
/// community ...", "New Zealand (Māori: Aotearoa) is ..."). A name is often
/// one word, or a word and a stopword, which the body's support cannot tell
/// from chance; its place at the head of the lead can.
fn subject<'t>(head: &[Line<'t>], lead: &str) -> Option<&'t str> {
    // The lead's first words, as many as a name may have.
    let lead = fold(
        lead.char_indices()
            .nth(MAX_CHARS + 1)
            .map_or(lead, |(end, _)| &lead[..end]),
    );
    head.iter().find_map(|line| {
        if !looks_like_headline(line, 1) {
            return None;
        }
        // Folded, the name ends in a space: the lead goes on after it with
        // a word of its own, not "New York's".
        let name = fold(line.text);
        (lead.starts_with(&name) && head.iter().filter(|l| fold(l.text) == name).count() >= 2)
            .then_some(line.text)
    })
}

/// A line that could be a headline: short, not a sentence, not a list
/// entry, an address, code or markup, a dateline or a line starting in
/// lower case, and not marked as furniture by a pattern or by recurring
/// across the site.
fn is_candidate(line: &Line) -> bool {
    looks_like_headline(line, 2)
}

/// [`is_candidate`], for a line of at least `min_words` words.
fn looks_like_headline(line: &Line, min_words: usize) -> bool {
    let by_judgement = matches!(
        line.removed_by,
        None | Some(
            classify::CONTEXT | classify::OUTSIDE | classify::FEW_STOPWORDS | corpus::REPEATED
        )
    );
    // Words, not the dashes and bars between a headline and its site.
    let words = (line.text.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    by_judgement
        && line.removed_by != Some(corpus::RECURRING)
        && (min_words..=HEADLINE_MAX_WORDS).contains(&words)
        && line.chars <= MAX_CHARS
        && !match line
            .text
            .trim_end_matches(['"', '\'', '”', '’', '»', ')'])
            .chars()
            .last()
        {
            // A headline may ask or exclaim, and a sentence may not end.
            Some('.') => ends_statement(line.text),
            Some(last) => [',', ':', ';'].contains(&last),
            None => true,
        }
        && !is_list_item(line.text)
        && !starts_numbered(line.text)
        && !line.text.contains("://")
        && !line.text.starts_with(['[', '(', '<'])
        && !line.text.contains(['{', '}', '<', '>', '='])
        && !line.text.contains(");")
        && !is_columns(line.text)
        && !starts_lowercase(line.text)
        && !is_dated(line.text)
}

/// A line with a date ("Monday 14 March 2022", "Dec 23 2012, 5:03p",
/// "08.04.2015", "2022-03-14"): a dateline, in any language that writes its
/// numbers in digits. A headline may name a year ("3 findings from our 2024
/// survey"), seldom a day of it.
fn is_dated(text: &str) -> bool {
    static DATE: OnceLock<Regex> = OnceLock::new();
    DATE.get_or_init(|| {
        Regex::new(
            r"\b\d{1,2}\W{1,3}(?:\p{L}+\.?\W{1,3})?(?:19|20)\d\d\b|\b(?:19|20)\d\d\W\d{1,2}\W\d{1,2}\b",
        )
        .expect("date pattern compiles")
    })
    .is_match(text)
}

/// The measure of a page: the width its lines are set in, indent
/// included, that nine lines in ten do not pass (its longest line may be a
/// URL or a table that overruns it).
fn measure(lines: &[Line]) -> usize {
    let mut widths: Vec<usize> = (lines.iter())
        .filter(|line| !line.text.is_empty())
        .map(|line| line.indent + line.chars)
        .collect();
    if widths.is_empty() {
        return 0;
    }
    let at = (widths.len() - 1) * 9 / 10;
    *widths.select_nth_unstable(at).1
}

/// A line centred on a page of `measure` characters, as a typed document
/// (an RFC, a report) sets its title and a text browser a centred heading:
/// as much room on its right as on its left, give or take a character of
/// rounding either way, and at least a tenth of the measure each side. (A
/// line of a paragraph indented by three characters, wrapped three short
/// of the measure, is not centred.)
fn is_centred(line: &Line, measure: usize) -> bool {
    let right = measure.saturating_sub(line.indent + line.chars);
    10 * line.indent.min(right) >= measure && line.indent.abs_diff(right) <= 2
}

/// A row of columns, fields set apart by runs of spaces: a plain-text
/// page's header ("INTERNET DRAFT          Michiel B. de Jong"), a menu
/// ("Kernel    Security   Distributions"), a table's row. A headline or a
/// paragraph is one run of words: three spaces are wider than a typist's
/// gap between sentences (two), and a tab aligns columns.
fn is_columns(text: &str) -> bool {
    text.contains("   ") || text.contains('\t')
}

/// Ends a sentence, and not on an abbreviation ("... Underneath N.Y.C.").
fn ends_statement(text: &str) -> bool {
    let last = text
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or(text)
        .trim_end_matches(['"', '\'', '”', '’', '»', ')']);
    let initials = last
        .split_terminator('.')
        .all(|s| s.chars().count() == 1 && s.chars().all(char::is_uppercase));
    ends_sentence(text) && !(initials && last.matches('.').count() >= 2)
}

/// The headline of a line that is a window title, "Economy | As Debt
/// Rises, …" or "… charged phone conversation | abroad": its longest part
/// between pipes, the others being the site's name and section. (A pipe,
/// unlike a dash or a colon, is not a headline's punctuation.)
fn part(text: &str) -> &str {
    text.split(" | ")
        .map(str::trim)
        .max_by_key(|p| p.split_whitespace().count())
        .unwrap_or(text)
}

/// A headline in a script with capitals starts with one (or a digit, a
/// quote): a line that starts in lower case is a byline ("by Lucas Nolan"),
/// a tag list, a bullet ("o Related story") or the tail of a sentence.
fn starts_lowercase(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_lowercase)
}

/// Whether line `i` is a hard-wrapped line of a paragraph: the line right
/// below it (no blank line between) goes on in lower case, and either the
/// break fell after a function word ("... emphasized the need for") or
/// what follows is a paragraph's worth. A headline above a lower-case
/// dateline ("on Sep 14, 2013 11:41am | Updated on Sep 14, 2013 11:41am")
/// is not one: a dateline goes on no sentence.
fn continues(lines: &[Line], i: usize, stopwords: &Stopwords) -> bool {
    let Some(next) = lines.get(i + 1) else {
        return false;
    };
    let broken = crate::tokenize::words(lines[i].text)
        .last()
        .is_some_and(|w| stopwords.contains(&w.to_lowercase()));
    starts_lowercase(next.text) && (broken || next.is_long()) && !is_dated(next.text)
}

/// "1. Sarah Archer", "10. Ownership model": an entry of a numbered list.
fn starts_numbered(text: &str) -> bool {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && text[digits..].starts_with(['.', ')'])
}

/// The stems of the lowercased words of `text` that are not stopwords.
fn content_words(text: &str, stopwords: &Stopwords) -> Vec<String> {
    crate::tokenize::words(text)
        .map(str::to_lowercase)
        .filter(|w| {
            !stopwords.contains(w) && w.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
        })
        .map(|w| stem(&w).to_string())
        .collect()
}

/// Characters a word's stem keeps. (Readability's pages: whole words, 57
/// of 96 right; stems of 5 characters, 60. ECB+ dev: 3 titles change, 2
/// of them to the article's headline.)
const STEM_CHARS: usize = 5;

/// The word cut to its first five characters: a headline inflects the
/// body's words ("admits" for "admitted", "violenta" for "violencia",
/// "Terrarium" for "terrariums"). Cutting words to a fixed prefix is the
/// stemmer that needs no language (McNamee, Nicholas and Mayfield,
/// "Addressing Morphological Variation in Alphabetic Languages", SIGIR
/// 2009, find truncation to 4 or 5 characters about as good as Snowball's
/// stemmers across European languages); two words it wrongly joins are
/// mostly of one family ("government", "governor"), which a headline's
/// support can bear.
///
/// A final "s" goes first, so that a short plural meets its singular
/// ("weeks" and "week", "years" and "year": cut to five characters, the
/// plural keeps its "s"), unless four characters would not be left: "news"
/// is not "new", nor "bus" "bu".
fn stem(word: &str) -> &str {
    let word = match word.strip_suffix('s') {
        Some(rest) if !rest.ends_with('s') && rest.chars().nth(3).is_some() => rest,
        _ => word,
    };
    word.char_indices()
        .nth(STEM_CHARS)
        .map_or(word, |(end, _)| &word[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stopwords;

    fn pick_from(text: &str, removed: &[(usize, &'static str)]) -> Option<String> {
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        // The words split before the classifier ran: those of every line,
        // as if no rule had removed any (the picker reads the words of the
        // lines the classifier judged only).
        let mut kept = LineWords::default();
        kept.split(&lines);
        for &(i, rule) in removed {
            lines[i].removed_by = Some(rule);
        }
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
    fn a_headline_that_asks_is_no_first_paragraph() {
        let text = format!(
            "Home\nWill the tram line reach the eastern districts by 2030?\n\
             by Anna Moor\n{BODY} The eastern districts wait for the tram line."
        );
        assert_eq!(
            pick_from(&text, &[(0, classify::CONTEXT)]).as_deref(),
            Some("Will the tram line reach the eastern districts by 2030?")
        );
    }

    #[test]
    fn a_window_title_is_counted_in_words_not_dashes() {
        // 17 words and two dashes: 19 pieces between spaces, a headline's
        // length in words.
        let title = "Tram line to the eastern districts - The council votes on a project debated \
                     for ten years - Haverstead";
        assert!(is_candidate(&Line::new(title)));
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
    fn the_line_above_the_byline_is_a_candidate_however_far_from_the_story() {
        // A video player's menus push the headline and its byline far above
        // the first paragraph, beyond the window searched above it.
        let menus = "Closed Captions\n".repeat(WINDOW + 5);
        let text = format!(
            "Council backs tram line to eastern districts\n\
             By Anna Moor March 11, 2015 3:46 PM\n{menus}{BODY}"
        );
        let removed: Vec<(usize, &str)> = (1..WINDOW + 7).map(|i| (i, classify::CONTEXT)).collect();
        assert_eq!(
            pick_from(&text, &removed).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
        // A consent notice the cleaner kept is the first paragraph; the
        // headline is far below it (and below the site's name), above its
        // byline and the story.
        let menus = "Sign in\n".repeat(30);
        let text = format!(
            "We use cookies to improve your experience on this site and to show you relevant advertising.\n\
             Eastern districts tram news\n\
             {menus}\
             Take the tour\n\
             Council backs tram line to eastern districts\n\
             Published Thursday 27 July 2017\n\
             {BODY}\n{BODY}"
        );
        let mut removed: Vec<(usize, &str)> = (2..32).map(|i| (i, "navigation")).collect();
        removed.push((34, rules::BYLINE));
        assert_eq!(
            pick_from(&text, &removed).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
    }

    #[test]
    fn a_centred_line_before_the_story_is_a_candidate_however_far_from_its_start() {
        // A consent notice the cleaner kept is the first paragraph; the
        // headline, set centred on the page, is below it and its menus,
        // beyond the lines searched below the first paragraph.
        let headline = "Council backs tram line to eastern districts";
        let indent = " ".repeat((BODY.len() - headline.len()) / 2);
        let menus = "Sign in\n".repeat(6);
        let text = format!(
            "We use cookies to improve your experience on this site and to show you relevant advertising.\n\
             {menus}{indent}{headline}\n{BODY}\n{BODY}"
        );
        let removed: Vec<(usize, &str)> = (1..7).map(|i| (i, "navigation")).collect();
        assert_eq!(pick_from(&text, &removed).as_deref(), Some(headline));
        // Set flush left there, it is too far from the first paragraph.
        let text = format!(
            "We use cookies to improve your experience on this site and to show you relevant advertising.\n\
             {menus}{headline}\n{BODY}\n{BODY}"
        );
        assert_eq!(pick_from(&text, &removed), None);
    }

    #[test]
    fn a_centred_line_has_as_much_room_on_its_right_as_on_its_left() {
        let line = Line::new("                            remoteStorage");
        assert!(is_centred(&line, 71));
        assert!(!is_centred(&line, 90));
        assert!(!is_centred(&Line::new("remoteStorage"), 13));
        let wrapped =
            Line::new("   Internet-Drafts are working documents of the Internet Engineering");
        assert!(!is_centred(&wrapped, 71));
        // Ten lines set in 100 characters at most, and a URL that overruns
        // them.
        let texts: Vec<String> = (1..=10).map(|n| "x".repeat(10 * n)).collect();
        let url = "x".repeat(500);
        let lines: Vec<Line> = texts.iter().chain([&url]).map(|t| Line::new(t)).collect();
        assert_eq!(measure(&lines), 100);
    }

    #[test]
    fn a_headline_in_the_article_s_head_wins_over_the_site_s_name_above_the_menus() {
        // The site's name is as well supported as the headline and higher
        // up the page; the headline is the one right above the byline.
        let text = format!(
            "Eastern Districts Tram Line News
* Home
* Transport
             Council backs tram line to eastern districts
By Anna Moor
{BODY}"
        );
        assert_eq!(
            pick_from(&text, &[(4, rules::BYLINE)]).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
    }

    #[test]
    fn an_encyclopaedia_page_is_titled_by_the_name_its_lead_starts_with() {
        let lead = "Haverstead (Old Norse: Hafrstaðir) is a market town on the eastern \
                    districts' tram line, with a council that voted to extend the line.";
        let text = format!(
            "Haverstead\nFrom Wikipedia, the free encyclopedia\nHaverstead\n\
             Country   United Kingdom\n{lead}\n{BODY}"
        );
        let removed = [(0, classify::CONTEXT), (1, classify::CONTEXT)];
        assert_eq!(pick_from(&text, &removed).as_deref(), Some("Haverstead"));
        // A name printed once is a tag or a section's name, and a lead that
        // starts with a longer name ("Haverstead's") is about something else.
        let text = format!("Haverstead\n{lead}\n{BODY}");
        assert_eq!(pick_from(&text, &[]), None);
        let text = format!(
            "Haverstead\nHaverstead\nHaverstead's council backs the tram line to the eastern districts.\n{BODY}"
        );
        assert_eq!(pick_from(&text, &[]), None);
    }

    #[test]
    fn a_word_on_half_the_paragraphs_weighs_as_two() {
        let paragraphs = [
            "The tram is the quickest way to cross the eastern districts at rush hour, riders say.",
            "Critics of the tram point to the cost of the works and the years of closed streets.",
            "Some shop owners on the route fear the tram will take their customers to the centre.",
            "The council expects the first tram to run on the extended line within four years.",
        ];
        // Only "tram" of the headline's two content words is in the body,
        // but on every paragraph: it is what the article is about.
        let text = format!("In Defence of the Tram\n{}", paragraphs.join("\n"));
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("In Defence of the Tram")
        );
        // On two paragraphs of two, a word is no subject yet.
        let text = format!("In Defence of the Tram\n{}", paragraphs[..2].join("\n"));
        assert_eq!(pick_from(&text, &[]), None);
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

    #[test]
    fn a_caption_under_the_headline_does_not_support_itself() {
        // The caption is the first line long enough to be prose, and every
        // one of its words is on the page: its own.
        let text = format!(
            "Council backs tram line to eastern districts\n\
             Media caption Councillors celebrate the vote on the tramway to Eastfield and Moor End\n\
             {BODY}"
        );
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
    }

    #[test]
    fn a_caption_copied_from_the_body_is_no_better_supported_than_the_headline() {
        let text = format!(
            "Tram line approved for eastern districts\n\
             Councillors voted to extend the tram line\n\
             {BODY}\nCouncillors voted to extend the tram line after a long debate."
        );
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Tram line approved for eastern districts")
        );
    }

    #[test]
    fn a_hard_wrapped_first_line_is_no_headline() {
        let text = "The council voted on Tuesday to extend the tram line to the\n\
                    eastern districts, a project debated for ten years that supporters\n\
                    say will cut commuting times for the eastern districts.\n\n\
                    On Tuesday the council voted to extend the tram line.";
        assert_eq!(pick_from(text, &[]), None);
        // A headline over a dateline in lower case is no wrapped line.
        let text =
            format!("Council backs tram line to eastern districts\non Tuesday evening\n{BODY}");
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
        let text = format!(
            "Tram line results: Haverstead and Eastfield move on\n\
             on September 14, 2013 11:41am | Updated on September 14, 2013 11:41am\n{BODY} \
             Haverstead and Eastfield councillors were told the results."
        );
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Tram line results: Haverstead and Eastfield move on")
        );
    }

    #[test]
    fn lines_that_look_like_no_headline_are_no_candidates() {
        for text in [
            "by Anna Moor, tram correspondent",
            "Haverstead | Monday 14 March 2022",
            "Updated 2022-03-14 08:30",
            "console.log(tram.line); // eastern",
            "reqHeaders = new Headers({",
            "\u{201c}The tram will change the east,\u{201d} the mayor said.\u{201d}",
            "Read more:",
        ] {
            assert!(!is_candidate(&Line::new(text)), "{text}");
        }
        for text in [
            "Council backs tram line to eastern districts",
            "3 findings from our 2024 tram survey",
            "Is the tram worth \u{20ac}412m?",
            "Tram works close streets in N.Y.C.",
        ] {
            assert!(is_candidate(&Line::new(text)), "{text}");
        }
    }

    #[test]
    fn a_row_of_columns_is_no_headline_and_no_paragraph() {
        // A plain-text page's header, its fields named by the body as well
        // as the headline below it, and higher up the page.
        let text = format!(
            "TRAM LINE REPORT                              Eastern districts council\n\
             Council backs tram line to eastern districts\n{BODY}"
        );
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
        assert!(is_columns(
            "Weekly edition  Kernel    Security   Distributions"
        ));
        assert!(is_columns("Tram line\tEastern districts"));
        assert!(!is_columns(
            "Council backs tram line.  Eastern districts cheer"
        ));
    }

    #[test]
    fn an_abbreviation_ends_no_sentence_but_a_small_one_may() {
        assert!(!ends_statement("How winter wreaks havoc under N.Y.C."));
        assert!(ends_statement("The vote was taken at 4 p.m."));
        assert!(ends_statement("The council voted."));
    }

    #[test]
    fn a_window_title_gives_its_headline_without_section_or_site() {
        let text = format!("Transport | Council backs tram line to eastern districts\n{BODY}");
        assert_eq!(
            pick_from(&text, &[]).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
        assert_eq!(part("Tram line backed | abroad"), "Tram line backed");
    }

    #[test]
    fn the_body_counts_from_the_first_paragraph_even_outside_the_main_stretch() {
        // The classifier kept a teaser list as the main stretch; the story's
        // own first paragraph, cut off from it, still supports its headline.
        let text = format!(
            "Council backs tram line to eastern districts\n{BODY}\nImage\nCredit\nMore\n\
             Harbour festival draws record crowds to the old quay this summer weekend.\n\
             Harbour festival draws record crowds"
        );
        let removed = [
            (1, classify::OUTSIDE),
            (2, classify::CONTEXT),
            (3, classify::CONTEXT),
            (4, classify::CONTEXT),
        ];
        assert_eq!(
            pick_from(&text, &removed).as_deref(),
            Some("Council backs tram line to eastern districts")
        );
    }

    #[test]
    fn a_stem_joins_a_word_to_its_inflections() {
        assert_eq!(stem("terrariums"), stem("terrarium"));
        assert_eq!(stem("admits"), stem("admitted"));
        assert_eq!(stem("violenta"), stem("violencia"));
        assert_eq!(stem("tram"), "tram");
        assert_eq!(stem("weeks"), stem("week"));
        assert_eq!(stem("trams"), "tram");
        assert_ne!(stem("news"), stem("new"));
        assert_eq!(stem("class"), "class");
    }
}
