//! The block classifier: jusText's paragraph classes and context smoothing
//! (Pomikálek 2011, `jusText/doc/algorithm.rst`), on plain text.
//!
//! Body text is long and full of function words; menus, teasers and footers
//! are short, full of names, or full of links. jusText judges HTML
//! paragraphs; plain text comes either one paragraph a line, hard-wrapped, or
//! one sentence a line, so a line is too small a unit for the length and
//! density tests. Consecutive long lines are judged together as one block
//! (a wrapped paragraph, or a run of sentences), and short lines take the
//! class of the blocks around them.
//!
//! An article in which nothing qualifies as body text is left alone: the
//! classifier removes only what it can tell apart from a body it has found.
//! Last, what the blocks let through far from the body (teaser lists,
//! comment threads) goes with the article's main stretch.
//!
//! The constants below that are not jusText's were tuned on the AEB pages
//! (`scripts/eval-cleaner.sh`) while watching that ECB+, already clean text,
//! kept at least 99% of its words.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::{ends_sentence, is_list_item, rules, Line};
use crate::article::TITLE_MAX_WORDS;
use crate::neardup::shingle::Joined;
use crate::stopwords::{ListBits, Stopwords};

/// jusText's defaults: lengths in characters, densities as shares of words
/// or characters.
pub(super) const LENGTH_LOW: usize = 70;
const LENGTH_HIGH: usize = 200;
const STOPWORDS_LOW: f64 = 0.30;
const STOPWORDS_HIGH: f64 = 0.32;
const MAX_LINK_DENSITY: f64 = 0.2;
const MAX_HEADING_DISTANCE: usize = 200;

/// jusText's stopword thresholds were set on English with its own lists.
/// The NLTK lists cover less of an inflected language's running text
/// (Russian body text scores about 0.25 where English scores 0.40), so an
/// article whose long lines are poorer in stopwords is judged against
/// this share of its own density instead. On the AEB pages this moved F1
/// from 0.86 to 0.88, mostly on non-English pages.
const OWN_DENSITY_SHARE: f64 = 0.7;

/// How many blocks away a short or near-good block looks for the good or
/// bad block that decides its class. jusText looks as far as it takes; on
/// plain text, where a menu or a teaser list is dozens of short lines, that
/// lets one good block vouch for a whole menu (AEB F1 0.86 unbounded, 0.88
/// at 4).
const MAX_NEIGHBOUR_DISTANCE: usize = 4;

/// The main stretch of the article (see [`keep_main_stretch`]): runs of up
/// to `FREE_GAP` removed lines cost nothing, each further removed line costs
/// as much as `GAP_COST` characters of kept text. Charging every removed
/// line scored higher on AEB but cost ECB+ half a percent of its words, the
/// titles above a dateline. Since short kept lines no longer close a gap
/// (see [`keep_main_stretch`]), an article's gaps run longer, and each line
/// costs less (`scripts/eval-cleaner.sh`, each page its own site, F1 of
/// AEB and Readability, even / odd halves: at 200, 0.888 / 0.896 and
/// 0.848 / 0.895, ECB+ keeping 0.9922 of its words; at 150, 0.888 / 0.898
/// and 0.850 / 0.902; at 100, 0.886 / 0.897 and 0.852 / 0.902; before the
/// change, 0.883 / 0.890 and 0.842 / 0.902, ECB+ 0.9925 at 150 and 100).
const FREE_GAP: usize = 2;
const GAP_COST: i64 = 150;

/// Kept lines above the main stretch that go with it: a headline, a
/// dateline and a standfirst. (ECB+, whose articles open on those lines,
/// kept 0.9919 of its words with two, 0.9925 with three, as before short
/// lines counted for nothing.)
const HEAD_LINES: usize = 3;

/// Rule ids of the lines the classifier removes.
const LINKS: &str = "links";
pub(super) const FEW_STOPWORDS: &str = "few-stopwords";
pub(super) const CONTEXT: &str = "context";
pub(super) const OUTSIDE: &str = "outside-article";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Good,
    NearGood,
    Short,
    Bad,
    /// Long enough to be judged on its words, with the run it belongs to.
    Long,
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Class::Good => "good",
            Class::NearGood => "near-good",
            Class::Short => "short",
            Class::Bad => "bad",
            Class::Long => "long",
        })
    }
}

/// What decided that the classifier removed a line, for `dedup clean
/// --explain`: the features of its block, or the classes around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Decision {
    /// A run of long lines too poor in stopwords for prose.
    FewStopwords {
        words: usize,
        density: f64,
        needed: f64,
    },
    /// Mostly addresses, handles and hashtags.
    Links { density: f64 },
    /// A short or near-good block that took the class of the blocks around
    /// it (the page's edges, and blocks beyond [`MAX_NEIGHBOUR_DISTANCE`],
    /// count as bad).
    Context {
        class: Class,
        before: Class,
        after: Class,
    },
    /// Let through by the blocks, but apart from the article's main stretch.
    Outside { start: usize, end: usize },
    /// Scored below zero by the line model; `against` names the line's own
    /// feature that weighed most against it.
    LineModel { score: f32, against: &'static str },
}

impl Decision {
    /// The rule id a line removed on this decision is reported under.
    fn rule(self) -> &'static str {
        match self {
            Decision::FewStopwords { .. } => FEW_STOPWORDS,
            Decision::Links { .. } => LINKS,
            Decision::Context { .. } => CONTEXT,
            Decision::Outside { .. } => OUTSIDE,
            Decision::LineModel { .. } => LINE_MODEL,
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let percent = |share: f64| (share * 100.0).round();
        match *self {
            Decision::FewStopwords {
                words,
                density,
                needed,
            } => write!(
                f,
                "{}% stopwords in {words} word{}, prose has {}% or more",
                percent(density),
                if words == 1 { "" } else { "s" },
                percent(needed)
            ),
            Decision::Links { density } => write!(
                f,
                "{}% of its characters are links, over {}%",
                percent(density),
                percent(MAX_LINK_DENSITY)
            ),
            Decision::Context {
                class,
                before,
                after,
            } => write!(f, "{class} block between {before} and {after} blocks"),
            Decision::Outside { start, end } => {
                write!(f, "outside the article, lines {start}-{end}")
            }
            Decision::LineModel { score, against } => {
                write!(
                    f,
                    "line model scores {score:.2}, most against it: {against}"
                )
            }
        }
    }
}

/// A kept, non-blank line and what the classifier measured on it.
struct Block {
    /// Index into the article's lines.
    line: usize,
    chars: usize,
    words: usize,
    stopwords: usize,
    /// The class from the block's own features…
    class: Class,
    /// …and after its neighbours had their say.
    revised: Class,
    /// What decided its class, when that is not good.
    decision: Option<Decision>,
}

/// Marks the lines the classifier finds to be boilerplate, measured by
/// their `words`, which [`LineWords::split`] took from `lines` first.
pub(super) fn apply(lines: &mut [Line], stopwords: &Stopwords, words: &LineWords) {
    let mut blocks: Vec<Block> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.is_kept())
        .map(|(i, line)| measure(i, line, stopwords, words))
        .collect();
    judge_long_runs(&mut blocks);
    if !blocks.iter().any(|b| b.class == Class::Good) {
        return;
    }
    revise_short(&mut blocks);
    revise_near_good(&mut blocks);
    keep_headings(&mut blocks, lines);
    for block in &blocks {
        if block.revised != Class::Good {
            lines[block.line].removed_by = Some(block.decision.map_or(CONTEXT, Decision::rule));
            lines[block.line].decision = block.decision;
        }
    }
    keep_main_stretch(lines);
}

/// The words of each line the classifier measured, lowercased, in one
/// buffer: what the headline and the shingles are then made of, without
/// splitting the text into words again.
#[derive(Default)]
pub(super) struct LineWords {
    pub(super) words: Joined,
    /// Line `i`'s words are `words` `lines[i]` (none for a line removed
    /// before the classifier, or blank).
    pub(super) lines: Vec<Range<usize>>,
    /// The stopword lists each word is on ([`crate::stopwords::lists_of`]):
    /// looked up once for the language guess and the densities.
    pub(super) lists: Vec<ListBits>,
    /// Of line `i`'s words, how many start with a capital, with a letter
    /// and with a digit: the line model's shape of a line, counted as the
    /// words are split.
    pub(super) shapes: Vec<[u16; 3]>,
    /// Line `i`'s [`link_density`], measured once for the blocks and the
    /// line model.
    pub(super) links: Vec<f64>,
}

impl LineWords {
    /// Splits the lines still kept into words, each line once for every
    /// step that reads them (the language guess, [`apply`], the headline,
    /// the shingles).
    pub(super) fn split(&mut self, lines: &[Line]) {
        self.words.clear();
        self.lists.clear();
        self.lines.clear();
        self.lines.resize(lines.len(), 0..0);
        self.shapes.clear();
        self.shapes.resize(lines.len(), [0; 3]);
        self.links.clear();
        self.links.resize(lines.len(), 0.0);
        for (i, line) in lines.iter().enumerate().filter(|(_, line)| line.is_kept()) {
            let first = self.words.len();
            let mut shape = [0u16; 3];
            // `for_each`: the nested word iterator is much faster driven
            // from inside.
            crate::tokenize::words(line.text).for_each(|w| {
                let (capital, letter, digit) = match w.as_bytes()[0] {
                    b if b.is_ascii() => (
                        b.is_ascii_uppercase(),
                        b.is_ascii_alphabetic(),
                        b.is_ascii_digit(),
                    ),
                    _ => w.chars().next().map_or((false, false, false), |c| {
                        (c.is_uppercase(), c.is_alphabetic(), c.is_numeric())
                    }),
                };
                for (count, yes) in shape.iter_mut().zip([capital, letter, digit]) {
                    *count = count.saturating_add(u16::from(yes));
                }
                self.words.push(w);
                let word = self.words.word(self.words.len() - 1);
                self.lists.push(crate::stopwords::lists_of(word));
            });
            self.lines[i] = first..self.words.len();
            self.shapes[i] = shape;
            self.links[i] = link_density(line.text);
        }
    }

    /// The stopword lists of line `i`'s words.
    pub(super) fn lists_of_line(&self, i: usize) -> &[ListBits] {
        &self.lists[self.lines[i].clone()]
    }

    /// How many of line `i`'s words are stopwords of `stopwords`, a Chinese
    /// or Japanese function character counting as one.
    fn stopwords_of_line(&self, i: usize, stopwords: &Stopwords) -> usize {
        (self.lines[i].clone().zip(self.lists_of_line(i)))
            .filter(|&(j, &l)| stopwords.has(l) || is_cjk_function_word(self.words.word(j)))
            .count()
    }
}

/// The article is one stretch of the page. Teasers, comment threads and
/// captions that the classifier let through sit apart from it, beyond
/// runs of removed lines; one stray removed line (a caption, a dateline)
/// does not split the article. A kept line that is short and ends no
/// sentence (a heading, a menu entry, a teaser's headline) is no evidence
/// either way: it neither adds to the stretch nor ends a gap, so a list of
/// teasers (headline, summary, timestamp) weighs only its summaries, and
/// the headlines between them do not bridge the removed lines. A line of
/// code that ends a statement counts as a sentence. Up to [`HEAD_LINES`]
/// kept lines right above the stretch (the article's headline, dateline
/// and standfirst) go with it. The stretch never crosses a line of a
/// comment form ("Your email address will not be published", "Reply"):
/// what follows one is readers' comments, what precedes it is not theirs.
/// (Readability's pages, F1 even / odd: 0.850 / 0.902 -> 0.860 / 0.902;
/// AEB's unchanged.)
fn keep_main_stretch(lines: &mut [Line]) {
    // The stretch with the most kept characters net of the cost of its gaps
    // (Kadane's maximum subarray).
    let (mut best, mut best_start, mut best_end) = (0i64, 0, 0);
    let (mut current, mut start, mut gap) = (0i64, 0, 0);
    for (i, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !line.text.is_empty())
    {
        // A comment form is never inside an article: the stretch starts
        // anew after it.
        if line.removed_by == Some(rules::COMMENT_FORM) {
            (current, gap) = (0, 0);
            continue;
        }
        let score = if line.removed_by.is_none() {
            if line.is_long() || ends_sentence(line.text) || ends_statement(line.text) {
                gap = 0;
                line.chars as i64
            } else {
                0
            }
        } else {
            gap += 1;
            if gap > FREE_GAP {
                -GAP_COST
            } else {
                0
            }
        };
        if current <= 0 {
            current = 0;
            start = i;
        }
        current += score;
        if current > best {
            (best, best_start, best_end) = (current, start, i + 1);
        }
    }
    // Up to three kept lines right above the stretch, across no more than a
    // free gap of removed ones: its headline, dateline and standfirst.
    let mut above = Vec::new();
    let mut gap = 0;
    for i in (0..best_start).rev().filter(|&i| !lines[i].text.is_empty()) {
        if best <= 0
            || above.len() == HEAD_LINES
            || lines[i].removed_by == Some(rules::COMMENT_FORM)
        {
            break;
        }
        if lines[i].removed_by.is_none() {
            above.push(i);
        } else {
            gap += 1;
            if gap > FREE_GAP {
                break;
            }
        }
    }
    for (i, line) in lines.iter_mut().enumerate() {
        if line.is_kept() && !(best_start..best_end).contains(&i) && !above.contains(&i) {
            line.removed_by = Some(OUTSIDE);
            line.decision = Some(Decision::Outside {
                start: best_start + 1,
                end: best_end,
            });
        }
    }
}

fn measure(i: usize, line: &Line, stopwords: &Stopwords, kept: &LineWords) -> Block {
    let words = kept.lists_of_line(i).len();
    let stops = kept.stopwords_of_line(i, stopwords);
    let links = kept.links[i];
    let class = if links > MAX_LINK_DENSITY {
        Class::Bad
    } else if line.is_long() || (ends_sentence(line.text) && !is_list_item(line.text)) {
        // A sentence on a line of its own is prose however short: text
        // split one sentence a line is judged by its runs of sentences.
        Class::Long
    } else {
        Class::Short
    };
    Block {
        line: i,
        chars: line.chars,
        words,
        stopwords: stops,
        class,
        revised: class,
        decision: (class == Class::Bad).then_some(Decision::Links { density: links }),
    }
}

/// Chinese and Japanese, written without spaces, are split one character a
/// word (UAX#29: each Han and Hiragana character is a word of its own), and
/// no stopword list covers them, so their prose would show no stopwords at
/// all and the classifier could tell no body from a menu. Their function
/// words are single characters too: Hiragana carries Japanese grammar
/// (particles, endings: の, は, を, ました) and is rare in the nouns of menus
/// and headlines; Chinese has a few very frequent function characters
/// (the commonest of a frequency list, in simplified and traditional
/// forms). So a one-character word that is either counts as a stopword,
/// whatever the article's language.
fn is_cjk_function_word(word: &str) -> bool {
    // Every character below is three bytes in UTF-8, the first of them
    // 0xE3 or more (U+3000 and above): most words are passed over on that.
    if word.len() != 3 || word.as_bytes()[0] < 0xE3 {
        return false;
    }
    let Some(c) = word.chars().next() else {
        return false;
    };
    const CHINESE: &str = "的了是在和有我他她你它这這不也就都而及与與着著或之为為以于於被把从從\
        对對将將但们們个個一到会會要可能所其等还還很那些此已并並又由让讓给給向因如吗嗎呢吧说說";
    ('\u{3041}'..='\u{309F}').contains(&c) || CHINESE.contains(c)
}

/// Ends like a statement of program code (`x = f(y);`, `if (x) {`): the
/// sentences of the code a technical article shows.
fn ends_statement(text: &str) -> bool {
    text.ends_with([';', '{', '}'])
}

/// Share of a line's characters in addresses, handles and hashtags: plain
/// text's trace of the links jusText counts in HTML.
fn link_density(text: &str) -> f64 {
    // One character at a time: each is a `memchr`, much faster than a scan
    // for any of the three, and most lines have none of them.
    if !(text.contains('/') || text.contains('@') || text.contains('#')) {
        return 0.0;
    }
    static LINK: OnceLock<Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| {
        Regex::new(r"(?:https?://|www\.)\S+|\S+\.\w{2,6}/\S*|[@#]\w+")
            .expect("link pattern compiles")
    });
    let linked: usize = link
        .find_iter(text)
        .map(|m| m.as_str().chars().count())
        .sum();
    linked as f64 / text.chars().count().max(1) as f64
}

/// Classifies each run of consecutive long lines (blank lines do not break a
/// run) by its total length and its stopword density: good, near-good or bad.
fn judge_long_runs(blocks: &mut [Block]) {
    let long = || blocks.iter().filter(|b| b.class == Class::Long);
    let own_density = density(
        long().map(|b| b.stopwords).sum(),
        long().map(|b| b.words).sum(),
    );
    let low = STOPWORDS_LOW.min(OWN_DENSITY_SHARE * own_density);
    let high = low + (STOPWORDS_HIGH - STOPWORDS_LOW);
    let mut start = 0;
    while start < blocks.len() {
        if blocks[start].class != Class::Long {
            start += 1;
            continue;
        }
        let end = (start..blocks.len())
            .find(|&i| blocks[i].class != Class::Long)
            .unwrap_or(blocks.len());
        let run = &mut blocks[start..end];
        let chars: usize = run.iter().map(|b| b.chars).sum();
        let words: usize = run.iter().map(|b| b.words).sum();
        let stops: usize = run.iter().map(|b| b.stopwords).sum();
        let density = density(stops, words);
        let class = if density >= high && chars > LENGTH_HIGH {
            Class::Good
        } else if density >= low {
            Class::NearGood
        } else {
            Class::Bad
        };
        for block in run {
            block.class = class;
            block.revised = class;
            block.decision = (class == Class::Bad).then_some(Decision::FewStopwords {
                words,
                density,
                needed: low,
            });
        }
        start = end;
    }
}

fn density(stopwords: usize, words: usize) -> f64 {
    stopwords as f64 / words.max(1) as f64
}

/// The nearest class before (`step` = -1) or after (+1) block `i` that is
/// good or bad (or near-good, unless `skip_near_good`). The document's edges
/// count as bad, as in jusText, and so does a neighbour further than
/// [`MAX_NEIGHBOUR_DISTANCE`] blocks.
fn neighbour(blocks: &[Block], i: usize, step: isize, skip_near_good: bool) -> Class {
    (1..=MAX_NEIGHBOUR_DISTANCE + 1)
        .map_while(|distance| {
            let j = i.checked_add_signed(step * distance as isize)?;
            blocks.get(j)
        })
        .find_map(|block| match block.class {
            Class::Good | Class::Bad => Some(block.class),
            Class::NearGood if !skip_near_good => Some(Class::NearGood),
            _ => None,
        })
        .unwrap_or(Class::Bad)
}

/// jusText: a short block between good ones is good, between bad ones bad;
/// between a good and a bad one it is good only when a near-good block
/// stands between it and the bad one.
fn revise_short(blocks: &mut [Block]) {
    for i in 0..blocks.len() {
        if blocks[i].class != Class::Short {
            continue;
        }
        let prev = neighbour(blocks, i, -1, true);
        let next = neighbour(blocks, i, 1, true);
        blocks[i].decision = Some(Decision::Context {
            class: Class::Short,
            before: prev,
            after: next,
        });
        blocks[i].revised = if prev == next {
            prev
        } else if (prev == Class::Bad && neighbour(blocks, i, -1, false) == Class::NearGood)
            || (next == Class::Bad && neighbour(blocks, i, 1, false) == Class::NearGood)
        {
            Class::Good
        } else {
            Class::Bad
        };
    }
}

/// jusText: a near-good block is bad only with bad blocks on both sides.
fn revise_near_good(blocks: &mut [Block]) {
    for i in 0..blocks.len() {
        if blocks[i].class != Class::NearGood {
            continue;
        }
        let (before, after) = (
            neighbour(blocks, i, -1, true),
            neighbour(blocks, i, 1, true),
        );
        blocks[i].decision = Some(Decision::Context {
            class: Class::NearGood,
            before,
            after,
        });
        let both_bad = before == Class::Bad && after == Class::Bad;
        blocks[i].revised = if both_bad { Class::Bad } else { Class::Good };
    }
}

/// jusText keeps a heading that good text follows closely. Plain text has
/// no heading tags: a line of a few words that does not end like a sentence
/// and is not a list item stands in for one (titles, section headings),
/// whatever its stopwords (titles have few).
fn keep_headings(blocks: &mut [Block], lines: &[Line]) {
    for i in 0..blocks.len() {
        let text = lines[blocks[i].line].text;
        let block = &blocks[i];
        let heading = block.revised != Class::Good
            && block.words <= TITLE_MAX_WORDS
            && !matches!(block.decision, Some(Decision::Links { .. }))
            && !is_list_item(text)
            && !text.ends_with(['.', '!', '?', ':', ';', ',']);
        if !heading {
            continue;
        }
        let mut distance = 0;
        for next in &blocks[i + 1..] {
            if next.revised == Class::Good {
                blocks[i].revised = Class::Good;
                break;
            }
            distance += next.chars;
            if distance > MAX_HEADING_DISTANCE {
                break;
            }
        }
    }
}

/// The line model's weights: a logistic regression over
/// [`FEATURE_NAMES`], then a second one over the same features and the first
/// one's logits of the line and of its neighbours (stacking, so a line's
/// verdict hears its neighbours' as jusText's context does). Fitted by
/// `scripts/fit-line-model.py` (L2 0.1, ECB+ weight 0.1, 5 folds by site)
/// on every AEB and Readability page, each its own site, and ECB+'s
/// articles. Held out by site, as [`apply_line_model`] applies them: AEB
/// F1 0.893 -> 0.899 (even / odd pages 0.888 / 0.898 -> 0.894 / 0.904),
/// Readability 0.881 -> 0.882 (0.860 / 0.902 -> 0.863 / 0.900), ECB+
/// keeping 0.9934 of its words (0.9925 without the model). Allowed to put
/// back lines beyond the article too, it scored about as well (at a margin
/// of 0, 0.900 and 0.883 against 0.901 and 0.880), but kept teasers and
/// comments the main stretch had cut off.
const LINE_WEIGHTS: [f32; FEATURES] = [
    0.3509,  // bias
    -0.2514, // kept
    0.6902,  // log_chars
    -0.8629, // stopwords
    0.6425,  // stopwords_vs_article
    -0.9962, // capitalised
    1.6750,  // digits
    1.6689,  // ends_sentence
    -0.6369, // list_item
    -0.8637, // links
    -1.1086, // position
    -0.7274, // before_article
    -0.6920, // after_article
    -0.1588, // prev_kept
    -0.0210, // next_kept
    2.4301,  // neighbour_stopwords
    -0.4244, // outside
    1.2569,  // kept_log_chars
    -1.5066, // gap
];
/// The second stage's weights: [`FEATURE_NAMES`], then the first stage's
/// logit of the line, and the mean logits of the two judged lines before
/// it and the two after it, each divided by [`LOGIT_SCALE`].
const STACKED_WEIGHTS: [f32; FEATURES + 3] = [
    1.2337,  // bias
    0.4918,  // kept
    0.7529,  // log_chars
    -0.9800, // stopwords
    0.6554,  // stopwords_vs_article
    -0.9027, // capitalised
    1.7800,  // digits
    1.6955,  // ends_sentence
    -0.4533, // list_item
    -0.7048, // links
    -0.9364, // position
    -0.5851, // before_article
    -0.6845, // after_article
    -1.7157, // prev_kept
    -0.9463, // next_kept
    1.2028,  // neighbour_stopwords
    -0.3572, // outside
    1.5913,  // kept_log_chars
    -1.1902, // gap
    -0.8670, // logit
    2.1776,  // logit_before
    1.2464,  // logit_after
];

/// Where [`line_features`] puts the blocks' verdict, whether the line ends
/// a sentence, and whether it lies before or after the lines kept.
const KEPT: usize = 1;
const ENDS_SENTENCE: usize = 7;
const BEFORE_ARTICLE: usize = 11;
const AFTER_ARTICLE: usize = 12;

/// How far the model's score must lie beyond zero to overrule the blocks.
/// At 0 it removed lines of hard-wrapped paragraphs near an article's end
/// (scores -0.03 to -0.05, the fixture `moscowtimes-afp-biden-putin-call`),
/// text it was never fitted on. Held out (`scripts/fit-line-model.py
/// --margin M`), AEB and Readability F1: at 0, 0.901 and 0.880; at 0.25,
/// 0.899 and 0.882; at 0.5, 0.898 and 0.882.
const MARGIN: f32 = 0.25;

/// What the logits are divided by before the second stage reads them.
const LOGIT_SCALE: f32 = 5.0;

/// A neighbour's logit beyond the page's edges: a line there is not body.
const EDGE_LOGIT: f32 = -3.0;

/// Rule id of the lines the line model removes.
pub(super) const LINE_MODEL: &str = "line-model";

/// The line model's say on every line the classifier judged: kept when the
/// stacked score is positive, else removed ([`LINE_MODEL`]), whatever the
/// blocks decided; the blocks' verdict is one of its features.
pub(super) fn apply_line_model(lines: &mut [Line], stopwords: &Stopwords, kept: &LineWords) {
    thread_local! {
        static FEATURES_OF: std::cell::RefCell<LineFeatures> = Default::default();
    }
    FEATURES_OF.with_borrow_mut(|out| {
        line_features(lines, stopwords, kept, out);
        judge_lines(lines, out);
    });
}

/// [`apply_line_model`] once the features are measured.
fn judge_lines(lines: &mut [Line], out: &mut LineFeatures) {
    out.logits.clear();
    (out.logits).extend(out.lines.iter().map(|(_, f)| dot(&LINE_WEIGHTS, f)));
    let (judged, logits) = (&out.lines, &out.logits);
    let mean = |logits: &[f32]| match logits.len() {
        0 => EDGE_LOGIT,
        n => logits.iter().sum::<f32>() / n as f32,
    };
    // The kept lines above the first kept paragraph (a headline, a
    // dateline, a standfirst) stay: what is compared for copies keeps them
    // (see [`HEAD_LINES`]), where the gold bodies the model was fitted on
    // mostly leave a headline out.
    let head = judged
        .iter()
        .position(|&(i, f)| f[KEPT] > 0.5 && (f[ENDS_SENTENCE] > 0.5 || lines[i].is_long()))
        .unwrap_or(judged.len());
    for k in 0..judged.len() {
        let (i, features) = judged[k];
        if k < head && features[KEPT] > 0.5 {
            continue;
        }
        // A line the blocks removed before or after the article stays
        // removed: the main stretch's bounds (teasers apart from it, a
        // comment form) are not the line's to overrule. Inside them the
        // model may put a line back.
        let beyond = features[BEFORE_ARTICLE] > 0.5 || features[AFTER_ARTICLE] > 0.5;
        if features[KEPT] < 0.5 && beyond {
            continue;
        }
        let stacked = [
            logits[k] / LOGIT_SCALE,
            mean(&logits[k.saturating_sub(2)..k]) / LOGIT_SCALE,
            mean(&logits[k + 1..(k + 3).min(logits.len())]) / LOGIT_SCALE,
        ];
        let (own, rest) = STACKED_WEIGHTS.split_at(FEATURES);
        let score = dot(own, &features) + dot(rest, &stacked);
        let line = &mut lines[i];
        // The blocks' verdict stands unless the model is sure otherwise.
        let blocks_kept = features[KEPT] > 0.5;
        if (blocks_kept && score >= -MARGIN) || (!blocks_kept && score <= MARGIN) {
            continue;
        }
        if score > 0.0 {
            line.removed_by = None;
            line.decision = None;
            continue;
        }
        // The line's own feature that weighed most against it in the first
        // stage (the second's weights share the credit with the logits).
        let against = (1..FEATURES)
            .map(|j| (j, LINE_WEIGHTS[j] * features[j]))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or("bias", |(j, _)| FEATURE_NAMES[j]);
        line.removed_by = Some(LINE_MODEL);
        line.decision = Some(Decision::LineModel { score, against });
    }
}

fn dot(weights: &[f32], features: &[f32]) -> f32 {
    weights.iter().zip(features).map(|(w, f)| w * f).sum()
}

/// How many features [`line_features`] measures on a line.
pub const FEATURES: usize = 19;

/// The names of [`line_features`]' features, in order (for the fitting
/// script, `scripts/fit-line-model.py`).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "bias",
    "kept",
    "log_chars",
    "stopwords",
    "stopwords_vs_article",
    "capitalised",
    "digits",
    "ends_sentence",
    "list_item",
    "links",
    "position",
    "before_article",
    "after_article",
    "prev_kept",
    "next_kept",
    "neighbour_stopwords",
    "outside",
    "kept_log_chars",
    "gap",
];

/// Whether the line is one the classifier judged (not blank, not removed by
/// a rule or the corpus evidence first).
fn judged_by_classifier(line: &Line) -> bool {
    !line.text.is_empty()
        && matches!(
            line.removed_by,
            None | Some(LINKS | FEW_STOPWORDS | CONTEXT | OUTSIDE | LINE_MODEL)
        )
}

/// The features of the lines the classifier judged, and the buffers they
/// are measured with, kept from article to article.
#[derive(Default)]
pub(super) struct LineFeatures {
    /// Each judged line's index and features, in line order.
    pub(super) lines: Vec<(usize, [f32; FEATURES])>,
    /// Non-blank lines between each line and the nearest the blocks kept.
    gap: Vec<u32>,
    /// The first stage's logit of each judged line.
    logits: Vec<f32>,
}

/// The features of every line the classifier judged, once it has: its own
/// (length, stopword density, capitals, digits, punctuation, links,
/// position) and its neighbours' (their verdicts, their stopwords), with
/// the blocks' verdict itself, into `out.lines`.
pub(super) fn line_features(
    lines: &[Line],
    stopwords: &Stopwords,
    kept: &LineWords,
    out: &mut LineFeatures,
) {
    let stops_of = |i: usize| -> (usize, usize) {
        (
            kept.stopwords_of_line(i, stopwords),
            kept.lists_of_line(i).len(),
        )
    };
    // How many non-blank lines lie between each line and the nearest line
    // the blocks kept: a teaser beyond a run of removed lines is apart from
    // the article however it reads.
    let gap = &mut out.gap;
    gap.clear();
    let mut since = u32::MAX;
    let (mut first_kept, mut last_kept) = (usize::MAX, 0);
    for (i, line) in lines.iter().enumerate() {
        if line.is_kept() {
            since = 0;
            first_kept = first_kept.min(i);
            last_kept = i;
        } else if !line.text.is_empty() {
            since = since.saturating_add(1);
        }
        gap.push(since);
    }
    since = u32::MAX;
    for (i, line) in lines.iter().enumerate().rev() {
        if line.is_kept() {
            since = 0;
        } else if !line.text.is_empty() {
            since = since.saturating_add(1);
        }
        gap[i] = gap[i].min(since);
    }
    let n = lines.len().max(1) as f32;
    let is = |b: bool| f32::from(u8::from(b));
    let (mut article_stops, mut article_words) = (0, 0);
    out.lines.clear();
    for (i, line) in lines.iter().enumerate() {
        if !judged_by_classifier(line) {
            continue;
        }
        let (stops, words) = stops_of(i);
        if line.is_long() {
            article_stops += stops;
            article_words += words;
        }
        let [capitals, letters, digits] = kept.shapes[i].map(f32::from);
        let kept_f = is(line.removed_by.is_none());
        let log_chars = (line.chars as f32 + 1.0).ln() / 7.0;
        // The features that need the whole page (the article's density,
        // the neighbours') are filled in below.
        out.lines.push((
            i,
            [
                1.0,
                kept_f,
                log_chars,
                density(stops, words) as f32,
                0.0,
                capitals / letters.max(1.0),
                digits / (words.max(1) as f32),
                is(ends_sentence(line.text) || ends_statement(line.text)),
                is(is_list_item(line.text)),
                kept.links[i] as f32,
                i as f32 / n,
                is(i < first_kept),
                is(first_kept != usize::MAX && i > last_kept),
                0.0,
                0.0,
                0.0,
                is(line.removed_by == Some(OUTSIDE)),
                kept_f * log_chars,
                // 0 for a kept line, 1 at 10 lines away and beyond.
                (gap[i].min(10) as f32 + 1.0).ln() / 11f32.ln(),
            ],
        ));
    }
    let article_density = density(article_stops, article_words) as f32;
    for k in 0..out.lines.len() {
        let prev = k.checked_sub(1).map(|j| out.lines[j].1);
        let next = out.lines.get(k + 1).map(|&(_, f)| f);
        let neighbours = prev.iter().chain(&next);
        let count = neighbours.clone().count().max(1) as f32;
        let neighbour_density = neighbours.map(|f| f[STOPWORDS]).sum::<f32>() / count;
        let f = &mut out.lines[k].1;
        f[STOPWORDS_VS_ARTICLE] = f[STOPWORDS] - article_density;
        f[PREV_KEPT] = prev.map_or(0.0, |p| p[KEPT]);
        f[NEXT_KEPT] = next.map_or(0.0, |p| p[KEPT]);
        f[NEIGHBOUR_STOPWORDS] = neighbour_density;
    }
}

/// Where [`line_features`] puts the features it fills in once every line
/// is measured.
const STOPWORDS: usize = 3;
const STOPWORDS_VS_ARTICLE: usize = 4;
const PREV_KEPT: usize = 13;
const NEXT_KEPT: usize = 14;
const NEIGHBOUR_STOPWORDS: usize = 15;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stopwords;

    /// The rule that removed each line of `text`, in English.
    fn removed(text: &str) -> Vec<Option<&'static str>> {
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        let mut words = LineWords::default();
        words.split(&lines);
        apply(&mut lines, stopwords::for_language("en"), &words);
        lines.iter().map(|line| line.removed_by).collect()
    }

    const PARAGRAPH: &str = "The council voted on Tuesday to extend the tram line to the \
        eastern districts, a project that has been debated for more than ten years and that \
        its supporters say will cut commuting times across the city by a third.";

    #[test]
    fn menus_around_the_body_go_and_its_title_stays() {
        let text = format!(
            "* News\n* Sport\n* Weather\nCouncil backs tram extension\n\n{PARAGRAPH}\n\n\
             Work starts next spring\n\n{PARAGRAPH}\n\n* About us\n* Careers\n* Contact"
        );
        let context = Some(CONTEXT);
        assert_eq!(
            removed(&text),
            [
                context, context, context, None, None, None, None, None, None, None, None, context,
                context, context
            ]
        );
    }

    #[test]
    fn a_sentence_a_line_is_prose() {
        let text = "Actress Esther Williams Dies at 91\n\
            Actress and champion swimmer Esther Williams, who starred in several MGM musicals of the 1940s, has died.\n\
            She was 91.\n\
            Williams died peacefully in her sleep Thursday in Beverly Hills, family spokesman Harlan Boll announced.\n\
            Her agent, Mark Roesler, said Page died yesterday at a Los Angeles hospital.";
        assert!(removed(text).iter().all(Option::is_none));
    }

    #[test]
    fn a_wrapped_paragraph_is_one_block() {
        let text = " U.S. President Joe Biden and his Russian counterpart Vladimir Putin emphasized the need for\n\
            diplomatic solutions ahead of their latest phone call Thursday aimed at defusing tensions\n\
            surrounding the Ukraine conflict.\n\n\
            \"We will determine further steps depending on the readiness of the United States and\n\
            NATO for substantive talks regarding our concerns,\" Russian Foreign Ministry spokeswoman\n\
            Maria Zakharova told reporters on Thursday.";
        assert!(removed(text).iter().all(Option::is_none));
    }

    #[test]
    fn without_body_text_nothing_is_judged() {
        assert!(removed("* News\n* Sport\nHome\nSubscribe")
            .iter()
            .all(Option::is_none));
    }

    #[test]
    fn links_and_name_lists_are_bad() {
        let text = format!(
            "{PARAGRAPH}\n{PARAGRAPH}\n\
             More on this\n\
             Afghanistan, Ahmad Heryawan, Barack Obama, Bekam, Caleg PPP, Dajjal, Jakarta Timur, Kebon Nanas.\n\
             See http://example.com/a http://example.com/b http://example.com/c\n{PARAGRAPH}"
        );
        assert_eq!(
            removed(&text),
            [None, None, None, Some(FEW_STOPWORDS), Some(LINKS), None]
        );
    }

    #[test]
    fn each_removed_line_keeps_what_decided_it() {
        let names = "Afghanistan, Ahmad Heryawan, Barack Obama, Bekam, Caleg PPP, Dajjal, \
            Jakarta Timur, Kebon Nanas.";
        let text = format!(
            "{PARAGRAPH}\n{PARAGRAPH}\nMore on this\n{names}\n\
             See http://example.com/a http://example.com/b\n{PARAGRAPH}"
        );
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        let mut words = LineWords::default();
        words.split(&lines);
        apply(&mut lines, stopwords::for_language("en"), &words);
        let decided: Vec<Option<String>> = lines
            .iter()
            .map(|line| line.decision.map(|d| d.to_string()))
            .collect();
        assert_eq!(
            decided,
            [
                None,
                None,
                None,
                Some("0% stopwords in 13 words, prose has 30% or more".into()),
                Some("89% of its characters are links, over 20%".into()),
                None,
            ]
        );
    }

    #[test]
    fn a_line_of_code_ends_a_statement() {
        for line in ["console.log(clone.bodyUsed);", "if (response.ok) {", "}"] {
            assert!(ends_statement(line), "{line}");
        }
        assert!(!ends_statement("Future improvements"));
    }

    #[test]
    fn a_japanese_body_is_told_from_its_menus() {
        // No stopword list covers Japanese: its grammar characters stand in,
        // and its characters count wide enough for its sentences to be
        // long lines.
        let text = "* ニュース\n* スポーツ\n* 経済\n* 天気\n\
            市議会は火曜日、東部地区への路面電車の延伸計画を賛成多数で可決した。\n\
            計画は十年以上にわたって議論されてきたもので、総事業費は約四百億円となる。\n\
            工事は来年春に始まり、完成までにはおよそ四年かかる見込みだと市の担当者は述べた。\n\
            開業は二〇三〇年の予定だ。\n\
            * 会社概要\n* 利用規約\n* 広告掲載";
        let got = removed(text);
        assert!(
            got[..4].iter().all(|&rule| rule == Some(CONTEXT)),
            "{got:?}"
        );
        assert!(got[4..8].iter().all(Option::is_none), "{got:?}");
        assert!(
            got[8..].iter().all(|&rule| rule == Some(CONTEXT)),
            "{got:?}"
        );
    }

    #[test]
    fn chinese_and_japanese_function_characters_count_as_stopwords() {
        for word in ["の", "は", "を", "的", "了", "這"] {
            assert!(is_cjk_function_word(word), "{word}");
        }
        for word in ["市", "ニュース", "the", "ü"] {
            assert!(!is_cjk_function_word(word), "{word}");
        }
    }

    #[test]
    fn a_line_has_its_shape_counted_with_its_words() {
        // Capitalised: Sarah, E, Needleman, AP; "2019" a number, "the" in
        // lower case; "Öl" a capital of another script.
        let lines: Vec<Line> = ["Sarah E. Needleman 2019, (AP) the", "Ärger über Öl"]
            .into_iter()
            .map(Line::new)
            .collect();
        let mut words = LineWords::default();
        words.split(&lines);
        assert_eq!(words.shapes, [[4, 5, 1], [2, 3, 0]]);
    }

    #[test]
    fn the_line_model_keeps_the_head_of_a_short_article() {
        // One sentence under its headline and dateline: the model never
        // removes the lines above the first paragraph, which the gold
        // bodies it was fitted on mostly leave out.
        let text = "Lindsay Lohan Checks Into Rehab at Betty Ford Center\n\
            Fri., May. 3, 2013 11: 45 AM PDT\n\
            Early Friday morning, around 1: 30 a. m., the 26-year-old actress checked into \
            Betty Ford Center in Rancho Mirage, Calif.";
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        let mut words = LineWords::default();
        words.split(&lines);
        let english = stopwords::for_language("en");
        apply(&mut lines, english, &words);
        apply_line_model(&mut lines, english, &words);
        assert!(lines.iter().all(|line| line.removed_by.is_none()));
    }

    #[test]
    fn every_feature_is_named() {
        let text = format!("* News\n{PARAGRAPH}\n{PARAGRAPH}\nShare this");
        let lines: Vec<Line> = text.lines().map(Line::new).collect();
        let mut words = LineWords::default();
        words.split(&lines);
        let mut out = LineFeatures::default();
        line_features(&lines, stopwords::for_language("en"), &words, &mut out);
        assert_eq!(out.lines.len(), 4);
        assert_eq!(FEATURE_NAMES.len(), FEATURES);
        assert_eq!(FEATURE_NAMES[KEPT], "kept");
        assert_eq!(FEATURE_NAMES[ENDS_SENTENCE], "ends_sentence");
        assert_eq!(FEATURE_NAMES[BEFORE_ARTICLE], "before_article");
        assert_eq!(FEATURE_NAMES[AFTER_ARTICLE], "after_article");
        assert_eq!(FEATURE_NAMES[STOPWORDS], "stopwords");
        assert_eq!(FEATURE_NAMES[STOPWORDS_VS_ARTICLE], "stopwords_vs_article");
        assert_eq!(FEATURE_NAMES[PREV_KEPT], "prev_kept");
        assert_eq!(FEATURE_NAMES[NEXT_KEPT], "next_kept");
        assert_eq!(FEATURE_NAMES[NEIGHBOUR_STOPWORDS], "neighbour_stopwords");
    }

    #[test]
    fn teasers_apart_from_the_article_go() {
        let teaser = "Some people thought the stripy cattle in a Japanese pasture were a \
            practical joke, but the science behind the camouflage is sound, and farmers who \
            tried it say that it keeps the flies away from their herds for most of the summer.";
        let text = format!(
            "{PARAGRAPH}\n{PARAGRAPH}\n\
             * World\n* Politics\n* Business\n* Health\n* Science\n* Travel\n* Style\n\
             * Food\n* Opinion\n* Video\n\
             {teaser}\n"
        );
        let got = removed(&text);
        assert_eq!(&got[..2], [None, None]);
        assert!(got[2..12].iter().all(|&rule| rule == Some(CONTEXT)));
        assert_eq!(got[12], Some(OUTSIDE));
    }
}
