//! Repetition as evidence: a line repeated inside one article, or recurring
//! in several articles of one source (CCNet's line deduplication and
//! trafilatura's repeated-segment counter, made safe for news).
//!
//! A site prints its furniture on every page, so a line that recurs in
//! [`MIN_ARTICLES`] or more articles of one source is boilerplate. Syndicated
//! copy recurs too, legitimately: the same wire story carried several times.
//! The difference is what else the articles share. Articles that are copies
//! of each other share most of their text; articles that share only a
//! wrapper keep most of their text to themselves. So a recurring line is
//! removed unless most of the articles carrying it are copies in that sense.
//! This needs no near-duplicate detection, only the line counts at hand.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::{ends_sentence, Line};
use crate::article::Article;

/// Articles of one source a line must recur in (trafilatura: more than two
/// repetitions).
const MIN_ARTICLES: usize = 3;
/// Shorter normalised lines carry too little to tell furniture from a
/// common phrase ("She was 91.").
const MIN_CHARS: usize = 30;
/// Articles sampled to decide whether the carriers of a line are copies;
/// bounds the work for a footer that every page of a big site carries.
const SAMPLE: usize = 32;
/// Share of an article's text, in characters, that must recur in the other
/// sampled carriers for it to count as a copy.
const COPY_SHARE: f64 = 0.5;
/// When the source is only the directory an article was read from, which
/// may mix outlets, a line counts only where site furniture sits: in the
/// first 15% or the last 30% of the article's lines (ALGORITHMS.md §1.2).
const HEAD_SHARE: f64 = 0.15;
const TAIL_SHARE: f64 = 0.30;

/// The tables' keys are already xxh3 hashes, with a fixed seed so that any
/// collision is the same from run to run; the tables use them as they are.
type Fixed = BuildHasherDefault<KeyHasher>;

/// Passes a `u64` key through: hashing it again would only cost time.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; anything else still hashes well.
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Marks repeated and recurring lines. The per-article passes run in
/// parallel; the decisions depend only on the articles, not on the order
/// the threads finish in.
pub(super) fn apply(articles: &[Article], docs: &mut [Vec<Line>]) {
    let keys: Vec<Vec<Key>> = articles
        .par_iter()
        .zip(docs.par_iter_mut())
        .map_init(String::new, |buffer, (article, lines)| {
            mark_repeated(lines, buffer);
            line_keys(article, lines, buffer)
        })
        .collect();
    let carriers = carriers(&keys);
    // Decide every line before removing any: the copy test reads which
    // lines are still kept.
    let shared_docs: &[Vec<Line>] = docs;
    let boilerplate: HashSet<u64, Fixed> = carriers
        .par_iter()
        .filter(|(key, carriers)| !are_copies(**key, carriers, &keys, shared_docs))
        .map(|(key, _)| *key)
        .collect::<Vec<u64>>()
        .into_iter()
        .collect();
    docs.par_iter_mut()
        .zip(&keys)
        .for_each(|(lines, doc_keys)| {
            for k in doc_keys
                .iter()
                .filter(|k| k.removable && boilerplate.contains(&k.key))
            {
                lines[k.line].removed_by = Some("recurring");
            }
        });
}

/// A line that repeats an earlier line of the same article (a title printed
/// twice, a menu shown for mobile and desktop) goes; the first stays. A
/// repeated sentence stays: an interviewer asks each guest the same
/// question, a recipe repeats its steps.
fn mark_repeated(lines: &mut [Line], buffer: &mut String) {
    let mut seen = HashSet::with_hasher(Fixed::default());
    for line in lines.iter_mut().filter(|line| line.is_kept()) {
        if line.text.split_whitespace().nth(3).is_none() || ends_sentence(line.text) {
            continue;
        }
        if !seen.insert(hash(normalise(line.text, buffer))) {
            line.removed_by = Some("repeated");
        }
    }
}

/// CCNet's normalisation: lowercase, digits as 0, punctuation and extra
/// whitespace dropped, so a footer with this year's date still matches.
fn normalise<'b>(text: &str, buffer: &'b mut String) -> &'b str {
    buffer.clear();
    let mut space = false;
    for c in text.chars() {
        if c.is_ascii() {
            // The same tests as below, without the Unicode tables.
            if c.is_ascii_alphanumeric() {
                if space && !buffer.is_empty() {
                    buffer.push(' ');
                }
                space = false;
                buffer.push(if c.is_ascii_digit() {
                    '0'
                } else {
                    c.to_ascii_lowercase()
                });
            } else if c.is_whitespace() {
                space = true;
            }
        } else if c.is_alphanumeric() {
            if space && !buffer.is_empty() {
                buffer.push(' ');
            }
            space = false;
            if c.is_numeric() {
                buffer.push('0');
            } else {
                buffer.extend(c.to_lowercase());
            }
        } else if c.is_whitespace() {
            space = true;
        }
    }
    buffer
}

/// A normalised line's key within one article.
fn hash(normalised: &str) -> u64 {
    xxh3_64(normalised.as_bytes())
}

/// A normalised line's key across the corpus: its source with it.
fn source_hash(source: &str, normalised: &str) -> u64 {
    xxh3_64_with_seed(normalised.as_bytes(), xxh3_64(source.as_bytes()))
}

/// The source an article's lines are counted under, and whether the input
/// named it; otherwise the directory it was read from stands in (for a JSONL
/// corpus, the corpus file's directory).
pub(crate) fn source(article: &Article) -> (&str, bool) {
    match &article.source {
        Some(source) => (source, true),
        None => {
            let dir = Path::new(&article.origin).parent();
            (dir.and_then(Path::to_str).unwrap_or(""), false)
        }
    }
}

/// A kept line long enough to count, under its key: the source hashed with
/// the normalised line.
struct Key {
    line: usize,
    key: u64,
    /// Where a recurring line may be removed (see [`HEAD_SHARE`]).
    removable: bool,
}

fn line_keys(article: &Article, lines: &[Line], buffer: &mut String) -> Vec<Key> {
    let (source, named) = source(article);
    let kept: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].is_kept()).collect();
    let head = (kept.len() as f64 * HEAD_SHARE).ceil() as usize;
    let tail = kept.len() - (kept.len() as f64 * TAIL_SHARE).ceil() as usize;
    kept.iter()
        .enumerate()
        .filter_map(|(rank, &line)| {
            let normalised = normalise(lines[line].text, buffer);
            (normalised.chars().count() >= MIN_CHARS).then(|| Key {
                line,
                key: source_hash(source, normalised),
                removable: named || rank < head || rank >= tail,
            })
        })
        .collect()
}

/// For each key removable in at least [`MIN_ARTICLES`] articles, those
/// articles, in corpus order, each once. Articles are counted first and
/// listed only for the keys that recur: most lines never do, and a list for
/// every line of a big corpus would outweigh the corpus.
fn carriers(keys: &[Vec<Key>]) -> HashMap<u64, Vec<usize>, Fixed> {
    fn removable(doc_keys: &[Key]) -> impl Iterator<Item = &Key> {
        doc_keys.iter().filter(|k| k.removable)
    }
    // Per key: the articles counted so far, and the last one (+ 1) counted.
    let mut counts: HashMap<u64, (usize, usize), Fixed> = HashMap::default();
    for (doc, doc_keys) in keys.iter().enumerate() {
        for k in removable(doc_keys) {
            let (articles, last) = counts.entry(k.key).or_default();
            if *last != doc + 1 {
                (*articles, *last) = (*articles + 1, doc + 1);
            }
        }
    }
    let mut carriers: HashMap<u64, Vec<usize>, Fixed> = HashMap::default();
    for (doc, doc_keys) in keys.iter().enumerate() {
        for k in removable(doc_keys).filter(|k| counts[&k.key].0 >= MIN_ARTICLES) {
            let docs = carriers.entry(k.key).or_default();
            if docs.last() != Some(&doc) {
                docs.push(doc);
            }
        }
    }
    carriers
}

/// Whether most of the (sampled) articles carrying `key` are copies: most of
/// their text, other than the line itself, recurs in another of them.
fn are_copies(key: u64, carriers: &[usize], keys: &[Vec<Key>], docs: &[Vec<Line>]) -> bool {
    let sample = &carriers[..carriers.len().min(SAMPLE)];
    let mut counts: HashMap<u64, usize, Fixed> = HashMap::default();
    for &doc in sample {
        let distinct: HashSet<u64, Fixed> = keys[doc].iter().map(|k| k.key).collect();
        for k in distinct {
            *counts.entry(k).or_default() += 1;
        }
    }
    let is_copy = |doc: usize| {
        let lines = &docs[doc];
        let chars = |filter: &dyn Fn(&Key) -> bool| -> usize {
            keys[doc]
                .iter()
                .filter(|k| filter(k))
                .map(|k| lines[k.line].chars)
                .sum()
        };
        let total: usize = lines
            .iter()
            .filter(|line| line.is_kept())
            .map(|line| line.chars)
            .sum();
        let own = total - chars(&|k| k.key == key);
        let shared = chars(&|k| k.key != key && counts[&k.key] >= 2);
        shared as f64 >= COPY_SHARE * own as f64
    };
    let copies = sample.iter().filter(|&&doc| is_copy(doc)).count();
    2 * copies > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, source: Option<&str>, text: String) -> Article {
        Article {
            id: id.into(),
            origin: format!("site/{id}.txt"),
            source: source.map(Into::into),
            title: None,
            date: None,
            text,
            location: Default::default(),
        }
    }

    /// The rule that removed each line, article by article.
    fn removed(articles: &[Article]) -> Vec<Vec<Option<&'static str>>> {
        let mut docs: Vec<Vec<Line>> = articles
            .iter()
            .map(|a| a.text.lines().map(Line::new).collect())
            .collect();
        apply(articles, &mut docs);
        docs.iter()
            .map(|lines| lines.iter().map(|line| line.removed_by).collect())
            .collect()
    }

    const FOOTER: &str = "Get the Harbourside app for breaking news alerts on your phone";

    /// A story of its own: four sentences no other story shares.
    fn story(topic: &str) -> String {
        ["first", "second", "third", "fourth"]
            .iter()
            .map(|nth| format!("The {nth} paragraph of the {topic} story tells what happened.\n"))
            .collect()
    }

    #[test]
    fn a_footer_on_three_stories_of_a_source_goes() {
        let articles: Vec<Article> = ["tram", "quake", "cup"]
            .iter()
            .map(|topic| {
                article(
                    topic,
                    Some("Harbourside"),
                    format!("{}{FOOTER}\n", story(topic)),
                )
            })
            .collect();
        for lines in removed(&articles) {
            assert_eq!(lines, [None, None, None, None, Some("recurring")]);
        }
        // Two articles are not enough evidence.
        assert!(removed(&articles[..2])
            .iter()
            .flatten()
            .all(Option::is_none));
    }

    #[test]
    fn a_footer_counts_only_within_its_source() {
        let articles: Vec<Article> = ["tram", "quake", "cup"]
            .iter()
            .zip(["Harbourside", "Northern Post", "GlobalWire"])
            .map(|(topic, source)| {
                article(topic, Some(source), format!("{}{FOOTER}\n", story(topic)))
            })
            .collect();
        assert!(removed(&articles).iter().flatten().all(Option::is_none));
    }

    #[test]
    fn syndicated_copies_keep_their_shared_lines() {
        let wire = story("quake");
        let articles: Vec<Article> = (0..3)
            .map(|i| {
                article(
                    &format!("copy{i}"),
                    Some("Harbourside"),
                    format!("{wire}{FOOTER}\n"),
                )
            })
            .collect();
        assert!(removed(&articles).iter().flatten().all(Option::is_none));
    }

    #[test]
    fn without_a_named_source_only_the_edges_count() {
        let quote = "\"We take these issues very seriously,\" the spokeswoman said on Monday.";
        let articles: Vec<Article> = ["tram", "quake", "cup"]
            .iter()
            .map(|topic| {
                let text = format!(
                    "{}{quote}\n{}{FOOTER}\n",
                    story(topic),
                    story(&format!("{topic} follow-up"))
                );
                article(topic, None, text)
            })
            .collect();
        for lines in removed(&articles) {
            assert_eq!(lines[4], None, "a recurring line mid-article stays");
            assert_eq!(lines[9], Some("recurring"), "a recurring last line goes");
        }
    }

    #[test]
    fn a_title_repeated_in_one_article_goes_the_second_time() {
        let title = "Biden and Putin end the year with a charged phone conversation | abroad";
        let question = "What inspired you to start cooking for others?";
        let text = format!(
            "{title}\n\n{}\n{question}\nShe was 91.\n{question}\nShe was 91.\n",
            title.replace(" |", "  |")
        );
        assert_eq!(
            removed(&[article("nos", None, text)]),
            [[None, None, Some("repeated"), None, None, None, None]],
            "the title goes, the repeated sentences stay"
        );
    }
}
