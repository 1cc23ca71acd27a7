//! Stage 2, clean: remove the boilerplate a scrape leaves around an article.
//!
//! Scraped text carries the site around the story: menus, share bars,
//! donation appeals, newsletter sign-ups, captions, embedded tweets, comment
//! forms. Left in, they hide real copies (different wrappers) and invent
//! false ones (same wrapper, different stories). The cleaner works on plain
//! text, line by line, and never rewrites a line: it only removes whole
//! lines, and says which rule removed each one (`dedup clean --explain`).
//! Four kinds of evidence, in the order they run:
//! 1. `rules`: patterns that mark a line as furniture on their own;
//! 2. end markers ("Leave a Reply", "34 Comments"), also in `rules`: once
//!    the article has had its say, the rest of the page goes;
//! 3. `corpus`: a line repeated inside one article, or recurring in three or
//!    more unrelated articles of one site (articles with a body of their
//!    own once the lines they share are set aside);
//! 4. `classify`: jusText-style blocks judged by length, stopword density and
//!    link density, then by their neighbours; then the article's main stretch;
//!
//! and last, in `classify` too, a line model that weighs the blocks' verdict
//! with each line's own features and its neighbours' (two logistic
//! regressions, fitted by `scripts/fit-line-model.py`).
//!
//! The stopword list is picked per article ([`crate::stopwords::detect`]).

mod classify;
mod corpus;
mod headline;
mod rules;

use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;

/// Which lines the cleaner keeps. A persistent index stores it and refuses
/// a cleaner that differs: bump it whenever a rule or threshold changes what
/// is removed. 3: Urdu has a stopword list, so Urdu (and other Arabic-script)
/// lines are measured with it. 4: Chinese and Japanese lines are measured
/// with their function characters and a wider character. 5: short kept
/// lines neither extend the article's main stretch nor close its gaps. 6:
/// the main stretch never crosses a comment form. 7: the line model has the
/// last say on every line the classifier judged. 8: fifteen more languages
/// have stopword lists, so their pages are judged by their own function
/// words.
pub const VERSION: u32 = 8;

use crate::article::Article;
use crate::error::SpillError;
use crate::neardup::frame::PageLines;
use crate::neardup::shingle::Joined;
use crate::spill::{take_u32, Records, SealedRecords};
use crate::stopwords::{self, Stopwords};

/// One line the cleaner removed, and the rule that removed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// 1-based line number in the original text.
    pub line: usize,
    pub rule: &'static str,
    pub text: String,
    /// The evidence, when the rule counts it: "recurs in 14 unrelated
    /// articles of example.com".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// An article's text after cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub removed: Vec<Removed>,
    /// The page's headline, picked from all its lines, removed or not
    /// (see `headline`): the title when the input gives none.
    pub headline: Option<String>,
    /// The kept text without the kept lines that recur across unrelated
    /// articles of the site, when there are any: what is compared for
    /// copies, so that a shared template is never evidence of copying.
    pub body: Option<String>,
}

impl Cleaned {
    /// The text compared for copies: the body, else the whole kept text.
    pub fn compared(&self) -> &str {
        self.body.as_deref().unwrap_or(&self.text)
    }
}

/// One line of an article on its way through the passes.
#[derive(Debug)]
struct Line<'a> {
    /// The line without surrounding whitespace; empty for a blank line.
    text: &'a str,
    /// Length in characters, the unit of jusText's thresholds, a Chinese
    /// or Japanese character counting as [`CJK_WIDTH`].
    chars: usize,
    /// Characters of whitespace before the text: how far in a plain-text
    /// page set the line (a title centred on a hard-wrapped page).
    indent: usize,
    /// The rule that removed the line, once a pass has.
    removed_by: Option<&'static str>,
    /// In how many unrelated articles of its site the line recurs, when
    /// that is what removed it.
    recurs: u32,
    /// What decided the classifier's verdict, when the classifier removed it.
    decision: Option<classify::Decision>,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str) -> Line<'a> {
        let start = raw.len() - raw.trim_start().len();
        let text = raw[start..].trim_end();
        // Every Chinese or Japanese character is at U+3040 or above, so its
        // first byte is 0xE3 or more: only those few are decoded (every
        // character of a line with one curly quote was, at twice the cost).
        let chars = match text.is_ascii() {
            true => text.len(),
            false => (text.bytes().enumerate())
                .map(|(at, b)| match b {
                    // UTF-8 continuation bytes start no character.
                    0x80..=0xBF => 0,
                    0xE3.. if text[at..].starts_with(crate::tokenize::is_cjk) => CJK_WIDTH,
                    _ => 1,
                })
                .sum(),
        };
        Line {
            text,
            chars,
            indent: raw[..start].chars().count(),
            removed_by: None,
            recurs: 0,
            decision: None,
        }
    }

    /// Still in the article and not blank.
    fn is_kept(&self) -> bool {
        self.removed_by.is_none() && !self.text.is_empty()
    }

    /// Long enough to be judged on its own words rather than its neighbours.
    fn is_long(&self) -> bool {
        self.chars >= classify::LENGTH_LOW
    }
}

/// How many characters of a spaced script one Chinese or Japanese
/// character stands for in the classifier's lengths: written without
/// spaces and a word in one or two characters, such text says in 70
/// characters what English says in about 200 (an English translation is
/// commonly about three times as long in characters), so the thresholds set
/// on European text would judge a whole Chinese article short lines.
/// (`scripts/eval-cleaner.sh`, each page its own site, on the three Chinese
/// and Japanese pages of AEB and Readability: counted as 1, F1 0.885 and
/// 0.868; as 2, 0.886 and 0.868; as 3 or 4, 0.886 and 0.873, the one
/// Chinese page kept whole at 1 and 2.)
const CJK_WIDTH: usize = 3;

/// The name and version of `dedup clean --format json` documents.
pub const SCHEMA: &str = "dedup-clean/1";

/// The name an article's lines are counted under as corpus evidence: its
/// site (source, else the host of its URL), else the directory it was read
/// from. Articles of different
/// evidence sources never affect each other's cleaning, so a corpus split by
/// this name (`dedup sketch --shard`) cleans exactly as it does whole.
pub fn evidence_source(article: &Article) -> &str {
    corpus::site(article).0
}

/// Cleans every article of a corpus held in memory: both passes at once.
pub fn clean_corpus(articles: &[Article]) -> Result<Vec<Cleaned>, SpillError> {
    let cleaner = cleaner_of(articles)?;
    Ok(articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| cleaner.clean(i, a))
        .collect())
}

/// The cleaner of a corpus held in memory: pass 1 over all of it at once.
pub fn cleaner_of(articles: &[Article]) -> Result<Cleaner, SpillError> {
    let mut gatherer = Gatherer::new()?;
    gatherer.add(articles)?;
    gatherer.finish()
}

/// Pass 1: the corpus evidence (lines recurring across articles of one
/// source), gathered a batch of articles at a time. What each article's
/// lines gave (keys and the first passes' verdicts), never its text, goes
/// to temporary files: memory holds a few bytes per article.
pub struct Gatherer {
    /// What pass 1 learnt of each article, for pass 2.
    docs: Records,
    tally: corpus::Tally,
    /// One record being encoded, kept to reuse its allocation.
    record: Vec<u8>,
}

/// What pass 1 learnt of one article, so pass 2 need not run the rules again.
#[derive(Debug)]
struct Ruled {
    /// Lines in the article, to tell it is the same article in pass 2.
    lines: usize,
    /// The lines the rules and the repeat test removed, with the rule.
    removed: Vec<(u32, &'static str)>,
    keys: corpus::DocKeys,
}

impl Ruled {
    fn new<'a>(article: &'a Article, buffer: &mut Vec<u8>) -> (Ruled, Vec<Line<'a>>) {
        let mut lines = ruled_lines(article);
        let keys = corpus::doc_keys(article, &mut lines, buffer);
        let removed = lines
            .iter()
            .enumerate()
            .filter_map(|(n, line)| line.removed_by.map(|rule| (n as u32, rule)))
            .collect();
        let ruled = Ruled {
            lines: lines.len(),
            removed,
            keys,
        };
        (ruled, lines)
    }

    /// Appends the record of what was learnt to `out`.
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.lines as u32).to_le_bytes());
        out.extend_from_slice(&(self.removed.len() as u32).to_le_bytes());
        for &(line, rule) in &self.removed {
            out.extend_from_slice(&line.to_le_bytes());
            out.push(rules::code(rule));
        }
        self.keys.encode(out);
    }

    /// What [`Ruled::encode`] wrote, or `None` if `bytes` are not that.
    fn decode(mut bytes: &[u8]) -> Option<Ruled> {
        let lines = take_u32(&mut bytes)? as usize;
        let removed = (0..take_u32(&mut bytes)?)
            .map(|_| {
                let line = take_u32(&mut bytes)?;
                let (&code, rest) = bytes.split_first()?;
                bytes = rest;
                Some((line, rules::rule_of(code)?))
            })
            .collect::<Option<_>>()?;
        let keys = corpus::DocKeys::decode(&mut bytes)?;
        Some(Ruled {
            lines,
            removed,
            keys,
        })
    }
}

impl Gatherer {
    pub fn new() -> Result<Gatherer, SpillError> {
        Ok(Gatherer {
            docs: Records::new()?,
            tally: corpus::Tally::new()?,
            record: Vec::new(),
        })
    }

    /// Adds the next articles, in corpus order.
    pub fn add(&mut self, articles: &[Article]) -> Result<(), SpillError> {
        let ruled: Vec<Ruled> = articles
            .par_iter()
            .map_init(Vec::new, |buffer, article| Ruled::new(article, buffer).0)
            .collect();
        for doc in ruled {
            self.record.clear();
            doc.encode(&mut self.record);
            self.docs.push(&self.record)?;
            self.tally.add(&doc.keys)?;
        }
        Ok(())
    }

    /// Decides the recurring lines once every article has been added.
    pub fn finish(self) -> Result<Cleaner, SpillError> {
        Ok(Cleaner {
            evidence: self.tally.decide()?,
            docs: self.docs.seal()?,
        })
    }
}

/// Pass 2: cleans one article at a time with the corpus evidence.
#[derive(Debug)]
pub struct Cleaner {
    evidence: corpus::Evidence,
    /// Pass 1's findings, by the article's place in the corpus.
    docs: SealedRecords,
}

impl Cleaner {
    /// The article without its boilerplate (`index`: its place in the corpus
    /// that was gathered); the same whatever else is cleaned, and in
    /// whatever order.
    pub fn clean(&self, index: usize, article: &Article) -> Cleaned {
        let mut page = PageLines::default();
        self.clean_with_words(index, article, &mut Joined::default(), &mut page)
    }

    /// [`Cleaner::clean`], and the words of the text compared for copies
    /// ([`Cleaned::compared`]) in `compared`, as the classifier found them:
    /// what shingles are made of, without splitting the text again; and in
    /// `page`, the page's raw lines with the compared ones marked: what
    /// tells two pages of one template from copies.
    pub(crate) fn clean_with_words(
        &self,
        index: usize,
        article: &Article,
        compared: &mut Joined,
        page: &mut PageLines,
    ) -> Cleaned {
        let lines = self.evidenced_lines(index, article);
        KEPT.with_borrow_mut(|kept| {
            kept.split(&lines);
            let stopwords = language(&lines, kept);
            judged(article, lines, stopwords, kept, (compared, page))
        })
    }

    /// The classifier's features of each line it judged in the article
    /// (`index`: as for [`Cleaner::clean`]), before the line model has its
    /// say: the line's 0-based number and [`FEATURE_NAMES`]' values. What
    /// `scripts/fit-line-model.py` fits the model on
    /// (`examples/line_features.rs`).
    #[doc(hidden)]
    pub fn line_features(&self, index: usize, article: &Article) -> Vec<(usize, Vec<f32>)> {
        let mut lines = self.evidenced_lines(index, article);
        KEPT.with_borrow_mut(|kept| {
            kept.split(&lines);
            let stopwords = language(&lines, kept);
            classify::apply(&mut lines, stopwords, kept);
            let mut out = classify::LineFeatures::default();
            classify::line_features(&lines, stopwords, kept, &mut out);
            (out.lines.iter()).map(|(i, f)| (*i, f.to_vec())).collect()
        })
    }

    /// The article's lines once the rules and the corpus evidence have had
    /// their say.
    fn evidenced_lines<'a>(&self, index: usize, article: &'a Article) -> Vec<Line<'a>> {
        let mut lines: Vec<Line> = article.text.lines().map(Line::new).collect();
        let mut bytes = Vec::new();
        let learnt = (index < self.docs.count())
            .then(|| self.docs.read(index, &mut bytes).ok())
            .flatten()
            .and_then(|()| Ruled::decode(&bytes))
            .filter(|d| d.lines == lines.len());
        let doc = match learnt {
            Some(doc) => {
                for &(n, rule) in &doc.removed {
                    lines[n as usize].removed_by = Some(rule);
                }
                doc
            }
            // Not the article pass 1 saw (its input changed), or its record
            // could not be read: judged afresh, as pass 1 judged it.
            None => {
                let fresh;
                (fresh, lines) = Ruled::new(article, &mut Vec::new());
                fresh
            }
        };
        self.evidence.remove(&mut lines, &doc.keys);
        lines
    }
}

thread_local! {
    /// The words of the article being cleaned, its buffers reused.
    static KEPT: std::cell::RefCell<classify::LineWords> = Default::default();
}

/// The names of the features [`Cleaner::line_features`] gives, in order.
#[doc(hidden)]
pub const FEATURE_NAMES: [&str; classify::FEATURES] = classify::FEATURE_NAMES;

/// [`Cleaner::clean_with_words`] once the rules and the corpus have had
/// their say: the classifier, the headline and the texts.
fn judged(
    article: &Article,
    mut lines: Vec<Line>,
    stopwords: &'static Stopwords,
    kept: &classify::LineWords,
    out: (&mut Joined, &mut PageLines),
) -> Cleaned {
    classify::apply(&mut lines, stopwords, kept);
    // The headline is picked on the blocks' verdicts, which its rules were
    // measured on (`scripts/eval-titles.py`: picked on the line model's,
    // 19 of Readability's 96 titles were right, against 62).
    let headline = headline::pick(&lines, kept, stopwords);
    classify::apply_line_model(&mut lines, stopwords, kept);
    Cleaned {
        headline,
        ..assemble(&article.text, &lines, kept, out)
    }
}

/// The article's lines with the rules' verdicts (the first kinds of evidence).
fn ruled_lines(article: &Article) -> Vec<Line<'_>> {
    let mut lines: Vec<Line> = article.text.lines().map(Line::new).collect();
    rules::apply(&mut lines);
    lines
}

/// `text` without the list bullet ("* ", "• ") a scrape leaves in front of
/// menu items and list entries.
fn without_bullet(text: &str) -> &str {
    static BULLET: OnceLock<Regex> = OnceLock::new();
    let bullet =
        BULLET.get_or_init(|| Regex::new(r"^[*+•·▪►»-]\s+").expect("bullet pattern compiles"));
    bullet.find(text).map_or(text, |m| &text[m.end()..])
}

/// Ends like a sentence: terminal punctuation (full-width too, as Chinese
/// and Japanese write it), perhaps inside a closing quote.
fn ends_sentence(text: &str) -> bool {
    let text = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', '」', '』', '）']);
    text.ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// Whether the line is an entry of a list (or a menu): it starts with a
/// bullet ([`without_bullet`]'s, told without its pattern: the classifier
/// asks it of every line).
fn is_list_item(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| "*+•·▪►»-".contains(c))
        && chars.next().is_some_and(char::is_whitespace)
}

/// Text of an article sampled to guess its language (about 300 words):
/// enough for the guess, little enough that a long article costs no more
/// than a short one.
const LANGUAGE_SAMPLE_BYTES: usize = 2000;

/// The stopword list of the article's language, guessed from its long lines
/// (menus are often in a language of their own) or, failing those, from all,
/// whose words `kept` holds.
fn language(lines: &[Line], kept: &classify::LineWords) -> &'static Stopwords {
    let any_long = lines.iter().any(|line| line.is_kept() && line.is_long());
    let mut sampled = 0;
    let sample = (lines.iter().enumerate())
        .filter(|(_, line)| line.is_kept() && (line.is_long() || !any_long))
        .take_while(|(_, line)| {
            let before = sampled;
            sampled += line.text.len() + 1;
            before < LANGUAGE_SAMPLE_BYTES
        });
    stopwords::detect_lists(sample.flat_map(|(i, _)| kept.lists_of_line(i).iter().copied()))
}

/// The kept lines as text (runs of blank lines squeezed to one, none at the
/// ends), the removed ones with their rules, and the body without the kept
/// lines that recur across the site; the words of whichever is compared go
/// to `compared`, from the classifier's `kept` words, and every line to
/// `page`, marked when it is compared.
fn assemble(
    original: &str,
    lines: &[Line],
    kept: &classify::LineWords,
    (compared, page): (&mut Joined, &mut PageLines),
) -> Cleaned {
    compared.clear();
    page.clear();
    // A line's words as the classifier counted them, else (a line the rules
    // removed first) counted here.
    let words = |n: usize, line: &Line| match kept.lines[n].len() {
        0 => crate::tokenize::words(line.text).count(),
        counted => counted,
    };
    let mut text = Text::with_capacity(original.len());
    let mut body = Text::with_capacity(0);
    let any_furniture_kept = lines.iter().any(|line| line.is_kept() && line.recurs > 0);
    let mut removed = Vec::new();
    for (n, (raw, line)) in original.lines().zip(lines).enumerate() {
        if let Some(rule) = line.removed_by {
            removed.push(Removed {
                line: n + 1,
                rule,
                text: raw.to_string(),
                // A kept site line the classifier then removed is told by
                // the classifier's reason, not by its recurrence.
                why: match (rule, line.decision) {
                    (corpus::RECURRING, _) => {
                        Some(format!("recurs in {} unrelated articles", line.recurs))
                    }
                    (_, decision) => decision.map(|d| d.to_string()),
                },
            });
            page.push(line.text, words(n, line), false);
            continue;
        }
        text.push(raw, line);
        let in_body = any_furniture_kept && line.recurs == 0;
        if in_body {
            body.push(raw, line);
        }
        // The words of the compared text (`Cleaned::compared`), as the
        // classifier found them.
        if in_body || !any_furniture_kept {
            compared.extend_from(&kept.words, kept.lines[n].clone());
        }
        page.push(line.text, words(n, line), in_body || !any_furniture_kept);
    }
    Cleaned {
        text: text.0,
        removed,
        headline: None,
        body: any_furniture_kept.then_some(body.0),
    }
}

/// Kept lines joined into a text, runs of blank lines squeezed to one.
struct Text(String, bool);

impl Text {
    fn with_capacity(bytes: usize) -> Text {
        Text(String::with_capacity(bytes), false)
    }

    fn push(&mut self, raw: &str, line: &Line) {
        if line.text.is_empty() {
            self.1 = !self.0.is_empty();
            return;
        }
        if self.1 {
            self.0.push('\n');
            self.1 = false;
        }
        self.0.push_str(raw.trim_end());
        self.0.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::shingle::Shingler;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The words the cleaner hands the sketch are the words of the text
        /// it compares, so shingling either gives one set: with and without
        /// site furniture (a line the site's pages share), ASCII or not.
        #[test]
        fn prop_compared_words_are_the_words_of_the_compared_text(
            pages in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            "the", "council", "voted,", "Tuesday", "\"said\"", "U.S.",
                            "Ärger", "Σοφία", "ΟΔΟΣ", "日本語", "20:30", "—", "(AP)", "it's",
                            "Read", "more", "...", "1.5m",
                        ]),
                        0..30,
                    ),
                    1..12,
                ),
                2..5,
            )
        ) {
            let furniture = ["Home | News | Sport", "Sign up for our newsletter", "Read more"];
            let articles: Vec<Article> = pages
                .iter()
                .enumerate()
                .map(|(i, lines)| {
                    let mut text: Vec<String> = furniture.iter().map(|l| l.to_string()).collect();
                    text.extend(lines.iter().map(|words| words.join(" ")));
                    Article {
                        id: format!("p{i}").into(),
                        source: Some("site".into()),
                        ..article(&text.join("\n"))
                    }
                })
                .collect();
            let mut gatherer = Gatherer::new().unwrap();
            gatherer.add(&articles).unwrap();
            let cleaner = gatherer.finish().unwrap();
            let mut shingler = Shingler::new(3, 7);
            for (i, a) in articles.iter().enumerate() {
                let mut words = Joined::default();
                let cleaned = cleaner.clean_with_words(i, a, &mut words, &mut PageLines::default());
                prop_assert_eq!(
                    shingler.shingles_of(&words),
                    shingler.shingles(cleaned.compared())
                );
            }
        }
    }

    #[test]
    fn a_line_counts_chinese_and_japanese_characters_wide_and_the_rest_as_one() {
        assert_eq!(Line::new("  plain  ").chars, 5);
        // 日本語 and かな wide, the curly quotes, the accent and the space one each.
        let line = Line::new("日本語 “é” かな");
        assert_eq!(line.chars, 3 * CJK_WIDTH + 1 + 3 + 1 + 2 * CJK_WIDTH);
    }

    fn article(text: &str) -> Article {
        Article {
            line: None,
            id: "a".into(),
            origin: "a.txt".into(),
            source: None,
            url: None,
            title: None,
            date: None,
            text: text.into(),
            location: Default::default(),
        }
    }

    #[test]
    fn cleaned_text_keeps_paragraphs_and_reports_removed_lines_by_number() {
        let text = "Council backs tram extension\r\n\r\nShare on Facebook Twitter\r\n\r\n\
            The council voted on Tuesday to extend the tram line to the eastern districts, a \
            project that has been debated for more than ten years.\r\n\r\n\r\n\
            Work is to begin next spring and should take about four years, officials said.\r\n\
            © 2023 Haverstead Gazette\r\n";
        let cleaned = clean_corpus(&[article(text)]).unwrap().remove(0);
        assert_eq!(
            cleaned.text,
            "Council backs tram extension\n\nThe council voted on Tuesday to extend the tram \
             line to the eastern districts, a project that has been debated for more than ten \
             years.\n\nWork is to begin next spring and should take about four years, officials \
             said.\n"
        );
        assert_eq!(
            cleaned.removed,
            [
                Removed {
                    line: 3,
                    rule: "share",
                    text: "Share on Facebook Twitter".into(),
                    why: None,
                },
                Removed {
                    line: 9,
                    rule: "copyright",
                    text: "© 2023 Haverstead Gazette".into(),
                    why: None,
                }
            ]
        );
    }

    /// A line is explained by the rule that removed it: a site line the
    /// classifier removed gives the classifier's reason (or none), never
    /// "recurs in", which only the recurring rule gives.
    #[test]
    fn a_removed_line_is_explained_by_the_rule_that_removed_it() {
        let text = "Site menu line\nAnother site line\nA third line\n";
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        for (line, rule) in lines
            .iter_mut()
            .zip([corpus::RECURRING, "context", "byline"])
        {
            line.removed_by = Some(rule);
            line.recurs = 5;
        }
        let kept = classify::LineWords {
            lines: vec![0..0; 3],
            ..Default::default()
        };
        let out = (&mut Joined::default(), &mut PageLines::default());
        let why: Vec<Option<String>> = assemble(text, &lines, &kept, out)
            .removed
            .into_iter()
            .map(|r| r.why)
            .collect();
        let recurs = Some("recurs in 5 unrelated articles".to_string());
        assert_eq!(why, [recurs, None, None]);
    }

    #[test]
    fn a_teaser_list_after_the_article_goes_and_its_headline_stays() {
        // Each teaser is a headline, a summary and its buttons: the
        // headlines bridge no gap, so the summaries are apart from the story.
        let paragraph = "The council voted on Tuesday to extend the tram line to the \
            eastern districts, a project that has been debated for more than ten years and that \
            its supporters say will cut commuting times across the city by a third.";
        let summary = |what: &str| {
            format!(
                "{what} drew record crowds to the old quay this weekend, organisers said, \
                 and the council wants to hold it again next summer."
            )
        };
        let text = format!(
            "Council backs tram extension\n18 September 2013\n\n{paragraph}\n\n{paragraph}\n\n\
             More from the region\nAdvertisement\nShare on Facebook Twitter\n\n\
             Harbour festival a success\n{}\n2 hours ago\nRead more\nShare on Facebook Twitter\n\n\
             Book fair a success\n{}\n3 hours ago\nRead more\nShare on Facebook Twitter\n\n\
             Food market a success\n{}\n5 hours ago\nRead more\nShare on Facebook Twitter\n",
            summary("The harbour festival"),
            summary("The book fair"),
            summary("The food market"),
        );
        let cleaned = clean_corpus(&[article(&text)]).unwrap().remove(0);
        assert_eq!(
            cleaned.text,
            format!(
                "Council backs tram extension\n18 September 2013\n\n{paragraph}\n\n{paragraph}\n"
            )
        );
    }

    #[test]
    fn the_article_never_runs_across_a_comment_form() {
        let paragraph = "The council voted on Tuesday to extend the tram line to the \
            eastern districts, a project that has been debated for more than ten years and that \
            its supporters say will cut commuting times across the city by a third.";
        let text = format!(
            "{paragraph}\n\n{paragraph}\n\nYour email address will not be published.\n\n\
             Anna says:\n\nI have taken the tram every day for twenty years and I am glad that \
             the council has at last decided to take it out to the east.\n"
        );
        let cleaned = clean_corpus(&[article(&text)]).unwrap().remove(0);
        assert_eq!(cleaned.text, format!("{paragraph}\n\n{paragraph}\n"));
    }

    #[test]
    fn bullets_are_recognised() {
        assert_eq!(without_bullet("* Contact Us"), "Contact Us");
        assert_eq!(without_bullet("• Sport"), "Sport");
        assert_eq!(without_bullet("*Not a bullet"), "*Not a bullet");
        assert_eq!(without_bullet("-5 degrees"), "-5 degrees");
        for text in [
            "* Contact Us",
            "• Sport",
            "*Not a bullet",
            "-5 degrees",
            "-",
            "» Next",
            "+\tx",
        ] {
            assert_eq!(
                is_list_item(text),
                without_bullet(text).len() < text.len(),
                "{text}"
            );
        }
    }
}
