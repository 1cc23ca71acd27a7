//! Repetition as evidence: a line repeated inside one article, or recurring
//! across unrelated articles of one site (CCNet's line deduplication and
//! trafilatura's repeated-segment counter, made safe for news).
//!
//! A site prints its furniture on every page: menus, sidebars, tag and
//! category lists, comment forms, footers. So a line that recurs in
//! [`MIN_ARTICLES`] or more articles of one site is boilerplate, with one
//! exception: syndicated copy recurs too, legitimately, the same wire story
//! carried several times. The difference is what else the carriers have.
//! Pages that share only a wrapper each have a body of their own; copies
//! have nothing of their own once the lines they share are set aside. So a
//! carrier counts as *unrelated* when text of its own is left without the
//! lines it shares with any other article, and a line is furniture when it
//! recurs in [`MIN_ARTICLES`] unrelated articles. The test is made on what
//! is left without the recurring lines, never on the raw text: judged on
//! the raw text, template-heavy pages look like copies because of the
//! template.
//!
//! A line printed on its own counts only the carriers that print it on its
//! own too, not those that list it: a story's headline recurs in the
//! "Related" lists of the site's other pages and is still the story's own.
//!
//! Short lines (menu entries, tags, "Home") are too common to be furniture
//! on their own; a recurring short line goes only inside a run of furniture
//! (a menu, a list), next to another recurring line.
//!
//! The site is the article's [`Article::site`]: its source, else the host of
//! its URL. Without one, the directory the article was read from stands in,
//! and since a directory may mix outlets a line counts only where furniture
//! sits, at the head or the tail of the article.
//!
//! Work and memory: one pass hashes each kept line with its site (keys
//! only, never texts, written to a temporary file by slice of the key
//! space), two sweeps of those slices tally the unrelated carriers of each
//! recurring line, and pass 2 marks the lines.

use std::io;
use std::path::Path;

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::{ends_sentence, is_list_item, Line};
use crate::article::Article;
use crate::keymap::{KeyMap, KeySet};
use crate::spill::{take_u32, take_u64, Buckets};

/// Unrelated articles of one site a line must recur in (trafilatura: more
/// than two repetitions).
const MIN_ARTICLES: u32 = 3;
/// Normalised lines shorter than this are short: furniture only in a run.
/// Shorter lines carry too little to tell furniture from a common phrase
/// ("She was 91.").
const MIN_CHARS: usize = 30;
/// Characters of its own, in sentences or long lines, that make a carrier
/// unrelated to the others: one body paragraph (jusText's short-block
/// bound, [`super::classify::LENGTH_LOW`]).
const OWN_BODY: usize = super::classify::LENGTH_LOW;
/// When the site is only the directory an article was read from, which
/// may mix outlets, a line counts only where site furniture sits: in the
/// first 15% or the last 30% of the article's lines (ALGORITHMS.md §1.2).
const HEAD_SHARE: f64 = 0.15;
const TAIL_SHARE: f64 = 0.30;

/// Rule id of a line that repeats an earlier line of its article.
pub(super) const REPEATED: &str = "repeated";
/// Rule id of a line removed as site furniture.
pub(super) const RECURRING: &str = "recurring";

/// What one article tells the corpus: its kept lines' keys, after the
/// rules and the repeat test. The cleaner's first pass keeps one per
/// article, never the text.
#[derive(Debug)]
pub(super) struct DocKeys {
    keys: Vec<Key>,
}

/// The corpus' verdict: for each line key, the unrelated articles that
/// carry it.
#[derive(Debug, Default)]
pub(super) struct Evidence {
    unrelated: KeyMap<Carriers>,
}

/// The unrelated articles that carry a line: all of them, and those that
/// print it on its own rather than as a list entry.
#[derive(Debug, Clone, Copy)]
struct Carriers {
    n: u32,
    standalone: u32,
}

/// Marks a list entry among a tally entry's characters.
const LISTED: u32 = 1 << 31;

/// Marks the lines that repeat inside the article and returns its keys:
/// the same for an article in either pass, as it depends on it alone. Each
/// kept line is normalised and hashed once, for both.
pub(super) fn doc_keys(article: &Article, lines: &mut [Line], buffer: &mut Vec<u8>) -> DocKeys {
    let (site, named) = site(article);
    let seed = xxh3_64(site.as_bytes());
    let normalised: Vec<Option<Normalised>> = (lines.iter())
        .map(|line| {
            line.is_kept()
                .then(|| Normalised::of(line.text, seed, buffer))
        })
        .collect();
    mark_repeated(lines, &normalised);
    DocKeys {
        keys: line_keys(named, lines, &normalised),
    }
}

impl DocKeys {
    /// Appends the keys, as pass 1's records hold them, to `out`.
    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for k in &self.keys {
            out.extend_from_slice(&k.line.to_le_bytes());
            out.extend_from_slice(&k.chars.to_le_bytes());
            out.extend_from_slice(&k.key.to_le_bytes());
            out.push(
                u8::from(k.body)
                    | u8::from(k.short) << 1
                    | u8::from(k.removable) << 2
                    | u8::from(k.listed) << 3,
            );
        }
    }

    /// What [`DocKeys::encode`] wrote at the start of `bytes`, consumed.
    pub(super) fn decode(bytes: &mut &[u8]) -> Option<DocKeys> {
        let count = take_u32(bytes)?;
        let keys = (0..count)
            .map(|_| {
                let (line, chars, key) = (take_u32(bytes)?, take_u32(bytes)?, take_u64(bytes)?);
                let (&flags, rest) = bytes.split_first()?;
                *bytes = rest;
                Some(Key {
                    line,
                    chars,
                    key,
                    body: flags & 1 != 0,
                    short: flags & 2 != 0,
                    removable: flags & 4 != 0,
                    listed: flags & 8 != 0,
                })
            })
            .collect::<Option<_>>()?;
        Some(DocKeys { keys })
    }
}

/// Slices of the key space the tally is sorted by, one at a time (the top
/// bits of a key): a slice holds 1/64 of all lines.
const SLICE_BITS: u32 = 6;

/// Pass 1's count of every line key, in temporary files: per key slice,
/// entries `key, article, characters` (the characters of a long line or a
/// sentence, else 0, with [`LISTED`] set for a list entry), 16 bytes a
/// line.
pub(super) struct Tally {
    slices: Buckets,
    docs: u32,
}

impl Tally {
    pub(super) fn new() -> io::Result<Tally> {
        Ok(Tally {
            slices: Buckets::new(1 << SLICE_BITS)?,
            docs: 0,
        })
    }

    /// Counts the next article's keys.
    pub(super) fn add(&mut self, doc: &DocKeys) -> io::Result<()> {
        for k in &doc.keys {
            let mut entry = [0u8; 16];
            entry[..8].copy_from_slice(&k.key.to_le_bytes());
            entry[8..12].copy_from_slice(&self.docs.to_le_bytes());
            let body = if k.body { k.chars.min(!LISTED) } else { 0 };
            let listed = if k.listed { LISTED } else { 0 };
            entry[12..].copy_from_slice(&(body | listed).to_le_bytes());
            self.slices
                .push((k.key >> (64 - SLICE_BITS)) as usize, &entry)?;
        }
        self.docs += 1;
        Ok(())
    }

    /// The corpus' verdict, once every article is counted: two sweeps over
    /// the slices, each sorted by key. The first finds the articles with a
    /// body of their own ([`OWN_BODY`] characters of sentences or long
    /// lines that no other article carries), the second counts each line's
    /// unrelated carriers. Only the lines that are furniture are kept.
    pub(super) fn decide(mut self) -> io::Result<Evidence> {
        self.slices.seal()?;
        let mut own = vec![0u32; self.docs as usize];
        self.sweep(|lines| {
            if carriers(lines, |_| true) < 2 {
                lines
                    .iter()
                    .for_each(|&(_, doc, chars)| own[doc as usize] += chars & !LISTED);
            }
        })?;
        let unrelated_doc: Vec<bool> = own.iter().map(|&own| own as usize >= OWN_BODY).collect();
        drop(own);
        let mut unrelated = KeyMap::default();
        self.sweep(|lines| {
            let n = carriers(lines, |&(_, doc, _)| unrelated_doc[doc as usize]);
            if n >= MIN_ARTICLES {
                let standalone = carriers(lines, |&(_, doc, chars)| {
                    unrelated_doc[doc as usize] && chars & LISTED == 0
                });
                unrelated.insert(lines[0].0, Carriers { n, standalone });
            }
        })?;
        Ok(Evidence { unrelated })
    }

    /// Calls `each` with the entries of every key, sorted by article.
    fn sweep(&self, mut each: impl FnMut(&[(u64, u32, u32)])) -> io::Result<()> {
        let mut entries: Vec<(u64, u32, u32)> = Vec::new();
        for slice in 0..1 << SLICE_BITS {
            let bytes = self.slices.read(slice)?;
            entries.clear();
            let mut rest = &bytes[..];
            while let (Some(key), Some(doc), Some(chars)) = (
                take_u64(&mut rest),
                take_u32(&mut rest),
                take_u32(&mut rest),
            ) {
                entries.push((key, doc, chars));
            }
            entries.par_sort_unstable();
            entries.chunk_by(|x, y| x.0 == y.0).for_each(&mut each);
        }
        Ok(())
    }
}

/// The articles that carry a key in an entry `counted` accepts, each once,
/// from its entries sorted by article.
fn carriers(lines: &[(u64, u32, u32)], counted: impl Fn(&(u64, u32, u32)) -> bool) -> u32 {
    lines
        .chunk_by(|x, y| x.1 == y.1)
        .filter(|same| same.iter().any(&counted))
        .count() as u32
}

impl Evidence {
    /// Marks the article's site furniture (`doc`: its keys, from [`doc_keys`]).
    pub(super) fn remove(&self, lines: &mut [Line], doc: &DocKeys) {
        mark_furniture(lines, &doc.keys, &self.unrelated);
    }
}

/// Marks repeated lines and site furniture of a whole corpus at once.
#[cfg(test)]
fn apply(articles: &[Article], docs: &mut [Vec<Line>]) {
    let mut buffer = Vec::new();
    let keys: Vec<DocKeys> = articles
        .iter()
        .zip(docs.iter_mut())
        .map(|(article, lines)| doc_keys(article, lines, &mut buffer))
        .collect();
    let mut tally = Tally::new().unwrap();
    keys.iter().for_each(|k| tally.add(k).unwrap());
    let evidence = tally.decide().unwrap();
    for (lines, doc) in docs.iter_mut().zip(&keys) {
        evidence.remove(lines, doc);
    }
}

/// A line that repeats an earlier line of the same article (a title printed
/// twice, a menu shown for mobile and desktop) goes; the first stays. A
/// repeated sentence stays: an interviewer asks each guest the same
/// question, a recipe repeats its steps.
fn mark_repeated(lines: &mut [Line], normalised: &[Option<Normalised>]) {
    let mut seen = KeySet::default();
    for (line, normalised) in lines.iter_mut().zip(normalised) {
        let Some(normalised) = normalised else {
            continue;
        };
        if line.text.split_whitespace().nth(3).is_none() || ends_sentence(line.text) {
            continue;
        }
        if !seen.insert(normalised.key) {
            line.removed_by = Some(REPEATED);
        }
    }
}

/// A kept line normalised as the corpus counts it ([`normalise`]).
struct Normalised {
    /// The normalised line hashed with its site's hash: one key for the
    /// repeat test inside the article and for the corpus.
    key: u64,
    /// Its characters once normalised (none: nothing but punctuation).
    chars: usize,
}

impl Normalised {
    /// `text` normalised in `buffer`, hashed with `seed`.
    fn of(text: &str, seed: u64, buffer: &mut Vec<u8>) -> Normalised {
        let chars = normalise(text, buffer);
        Normalised {
            key: xxh3_64_with_seed(buffer, seed),
            chars,
        }
    }
}

/// What CCNet's normalisation makes of each ASCII byte: the byte it writes
/// (lowercase, digits as 0), [`SPACE`] for whitespace, or [`DROPPED`].
const ASCII: [u8; 128] = {
    let mut table = [DROPPED; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b'0'..=b'9' => b'0',
            b'a'..=b'z' => c,
            b'A'..=b'Z' => c.to_ascii_lowercase(),
            // char::is_whitespace's ASCII: tab to carriage return, space.
            b'\t'..=b'\r' | b' ' => SPACE,
            _ => DROPPED,
        };
        b += 1;
    }
    table
};
const SPACE: u8 = 1;
const DROPPED: u8 = 0;

/// CCNet's normalisation of `text`, written to `buffer`: lowercase, digits
/// as 0, punctuation and extra whitespace dropped, so a footer with this
/// year's date still matches. Returns its characters. ASCII goes through a
/// table, the rest by Unicode's classes: this was pass 1's hottest loop.
fn normalise(text: &str, buffer: &mut Vec<u8>) -> usize {
    buffer.clear();
    buffer.reserve(text.len());
    let (mut chars, mut space) = (0, false);
    let mut at = 0;
    while let Some(&b) = text.as_bytes().get(at) {
        let out = match ASCII.get(usize::from(b)) {
            Some(&out) => {
                at += 1;
                out
            }
            None => {
                let c = text[at..].chars().next().expect("a character starts here");
                at += c.len_utf8();
                if !c.is_alphanumeric() {
                    space |= c.is_whitespace();
                    continue;
                }
                chars += separate(buffer, &mut space);
                let mut utf8 = [0u8; 4];
                let lower = c.to_lowercase();
                if c.is_numeric() {
                    buffer.push(b'0');
                    chars += 1;
                } else {
                    for lower in lower {
                        buffer.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
                        chars += 1;
                    }
                }
                continue;
            }
        };
        match out {
            DROPPED => {}
            SPACE => space = true,
            _ => {
                chars += separate(buffer, &mut space) + 1;
                buffer.push(out);
            }
        }
    }
    chars
}

/// Before a word character: one space if whitespace came since the last
/// word (the characters written: 0 or 1).
fn separate(buffer: &mut Vec<u8>, space: &mut bool) -> usize {
    let separated = std::mem::take(space) && !buffer.is_empty();
    if separated {
        buffer.push(b' ');
    }
    usize::from(separated)
}

/// The site an article's lines are counted under, and whether the input
/// named it; otherwise the directory it was read from stands in (for a JSONL
/// corpus, the corpus file's directory).
pub(crate) fn site(article: &Article) -> (&str, bool) {
    match article.site() {
        Some(site) => (site, true),
        None => {
            let dir = Path::new(&article.origin).parent();
            (dir.and_then(Path::to_str).unwrap_or(""), false)
        }
    }
}

/// A kept line, under its key: the site hashed with the normalised line.
#[derive(Debug)]
struct Key {
    line: u32,
    /// The line's length in characters.
    chars: u32,
    /// A long line or a sentence: text that can be a body of its own.
    body: bool,
    key: u64,
    /// Under [`MIN_CHARS`] once normalised.
    short: bool,
    /// Where a recurring line may be removed (see [`HEAD_SHARE`]).
    removable: bool,
    /// An entry of a list (it starts with a bullet).
    listed: bool,
}

fn line_keys(named: bool, lines: &[Line], normalised: &[Option<Normalised>]) -> Vec<Key> {
    let kept: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].is_kept()).collect();
    let head = (kept.len() as f64 * HEAD_SHARE).ceil() as usize;
    let tail = kept.len() - (kept.len() as f64 * TAIL_SHARE).ceil() as usize;
    kept.iter()
        .enumerate()
        .filter_map(|(rank, &line)| {
            let normalised = normalised[line].as_ref()?;
            (normalised.chars > 0).then(|| Key {
                line: line as u32,
                chars: lines[line].chars as u32,
                body: lines[line].is_long() || ends_sentence(lines[line].text),
                key: normalised.key,
                short: normalised.chars < MIN_CHARS,
                removable: named || rank < head || rank >= tail,
                listed: is_list_item(lines[line].text),
            })
        })
        .collect()
}

/// Removes the lines that recur in [`MIN_ARTICLES`] unrelated articles:
/// long ones on their own, short ones next to another such line. Those it
/// keeps (a lone short line, a line mid-article when the site is only a
/// directory) are still counted, so that they are left out of the text
/// compared for copies.
fn mark_furniture(lines: &mut [Line], keys: &[Key], unrelated: &KeyMap<Carriers>) {
    // A line printed on its own counts only where others print it on its
    // own too: a story's headline recurs in the "Related" lists of the
    // site's other pages, and is still its own.
    let recurs = |k: &Key| {
        unrelated
            .get(&k.key)
            .map_or(0, |c| if k.listed { c.n } else { c.standalone })
    };
    let furniture: Vec<bool> = keys.iter().map(|k| recurs(k) >= MIN_ARTICLES).collect();
    for (i, k) in keys.iter().enumerate() {
        let in_run = (i > 0 && furniture[i - 1]) || furniture.get(i + 1) == Some(&true);
        if !furniture[i] {
            continue;
        }
        // Kept or not, the line is no evidence that two articles are copies.
        let line = &mut lines[k.line as usize];
        line.recurs = recurs(k);
        if k.removable && (!k.short || in_run) {
            line.removed_by = Some(RECURRING);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The byte loop normalises as CCNet's rule says, character by
        /// character: word characters lowercased (digits, of any script, as
        /// 0), the rest dropped, runs of whitespace between words as one
        /// space.
        #[test]
        fn prop_normalise_keeps_words_lowercased_one_space_apart(
            text in r"[ a-zA-Z09.,!\t\u{b}\u{a0}\u{2003}éÉßİΣ٣५日本-]{0,40}"
        ) {
            let mut spec = String::new();
            for word in text.split(char::is_whitespace) {
                let word: String = word
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(|c| match c.is_numeric() {
                        true => vec!['0'],
                        false => c.to_lowercase().collect(),
                    })
                    .collect();
                if !word.is_empty() {
                    if !spec.is_empty() {
                        spec.push(' ');
                    }
                    spec.push_str(&word);
                }
            }
            let mut buffer = Vec::new();
            let chars = normalise(&text, &mut buffer);
            prop_assert_eq!(chars, spec.chars().count());
            prop_assert_eq!(String::from_utf8(buffer).unwrap(), spec);
        }
    }

    fn article(id: &str, source: Option<&str>, text: String) -> Article {
        Article {
            line: None,
            id: id.into(),
            origin: format!("site/{id}.txt"),
            source: source.map(Into::into),
            url: None,
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
    fn a_headline_the_other_pages_list_as_related_stays_in_its_own_story() {
        const HEADLINE: &str = "Council approves the tram line to the eastern districts";
        let mut articles = vec![article(
            "tram",
            Some("Harbourside"),
            format!("{HEADLINE}\n{}", story("tram")),
        )];
        articles.extend(["quake", "cup", "fire"].iter().map(|topic| {
            article(
                topic,
                Some("Harbourside"),
                format!("{}Related\n* {HEADLINE}\n", story(topic)),
            )
        }));
        let removed = removed(&articles);
        assert_eq!(removed[0][0], None, "the story's own headline stays");
        for lines in &removed[1..] {
            assert_eq!(lines[5], Some("recurring"), "the related entries go");
        }
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

    /// A page of `site` (named by the id, a web address): a menu of short
    /// lines, a sidebar line, the body, a lone short line.
    fn page(site: &str, n: usize, body: &str) -> Article {
        let text = format!(
            "Home\nSport\nWeather\n{body}Most read on the site this week, picked for you\nSee all\n"
        );
        article(&format!("https://www.{site}/2024/{n}"), None, text)
    }

    #[test]
    fn template_lines_go_on_pages_with_bodies_of_their_own_named_by_their_url() {
        let articles: Vec<Article> = ["tram", "quake", "cup"]
            .iter()
            .enumerate()
            .map(|(n, topic)| page("harbourside.example", n, &story(topic)))
            .collect();
        let furniture = Some(RECURRING);
        for lines in removed(&articles) {
            assert_eq!(
                lines,
                [furniture, furniture, furniture, None, None, None, None, furniture, furniture]
            );
        }
        // Another site's pages are counted apart.
        let mut mixed = articles.clone();
        mixed[2] = page("northernpost.example", 2, &story("cup"));
        assert!(removed(&mixed).iter().flatten().all(Option::is_none));
    }

    #[test]
    fn copies_carried_by_one_site_keep_their_story_and_lose_its_template() {
        let wire = story("quake");
        let mut articles: Vec<Article> = ["tram", "cup", "fire"]
            .iter()
            .enumerate()
            .map(|(n, topic)| page("harbourside.example", n, &story(topic)))
            .collect();
        articles.extend((3..6).map(|n| page("harbourside.example", n, &wire)));
        let furniture = Some(RECURRING);
        for lines in &removed(&articles)[3..] {
            assert_eq!(
                lines,
                &[furniture, furniture, furniture, None, None, None, None, furniture, furniture],
                "judged without the lines they share, the copies have nothing of their own"
            );
        }
    }

    #[test]
    fn a_short_recurring_line_goes_only_in_a_run_of_furniture() {
        let articles: Vec<Article> = ["tram", "quake", "cup"]
            .iter()
            .map(|topic| {
                let text = format!(
                    "{}She was 91.\n{}",
                    story(topic),
                    story(&format!("{topic} 2"))
                );
                article(topic, Some("Harbourside"), text)
            })
            .collect();
        assert!(removed(&articles).iter().flatten().all(Option::is_none));
    }
}
