//! Template pairs: two pages of one site whose compared texts meet the copy
//! rule only through the site furniture the cleaner left in both, told
//! apart from copies with the pair itself as evidence.
//!
//! Corpus evidence finds furniture a site repeats across three unrelated
//! pages; with one or two pages a site it never can. But two pages made
//! from one template share a *frame*: their common leading and trailing raw
//! lines (masthead, menus, sidebars, footers), around a *middle* that
//! differs, where each page's own article is. So, per pair, from each page's
//! raw lines ([`PageLines`]: a hash of each non-blank line, its words, and
//! whether it is part of the compared text):
//! - the frame is the longest common prefix and suffix of the two line
//!   sequences, the middles what lies between;
//! - a pair is a **template pair** ([`is_template`]) when the compared texts
//!   overlap in the frame, share no block of an article's length beyond
//!   what the frame can account for (each word of a line both pages compare
//!   in the frame starts at most one shared shingle), and each middle is
//!   long enough to be a page's own text.
//!
//! What stays a copy, and why the rule lets it:
//! - a copy under two sites' furniture: the frames are empty (or hold no
//!   compared text) and the shared body lies in both middles;
//! - a wire story two sites edited line by line, whose last lines happen to
//!   be identical: the edited lines still share more shingles than those
//!   last lines can;
//! - the same page twice: no differing middle at all;
//! - one page with a paragraph added: one middle is empty (an insertion);
//! - a same-site repost with a different "related" list or dateline around
//!   the body: the body lies in both middles;
//! - an update that changed a headline, a timestamp or a sentence and left
//!   the page otherwise alone: the middles are that edit, too short to be a
//!   page's own text.
//!
//! One length decides "a block of an article's length" and "long enough to
//! be a page's own text": [`MIN_CONTAINED`], the copy rule's own floor,
//! under which a text is "a quote or a headline, not an article" (see
//! [`super::verify`]), counted in words. The rule has no other constant.
//! What it cannot tell, and so calls a template pair: a page whose only
//! change is one whole paragraph replaced by another, with the rest of the
//! page, furniture and body, left identical.

use xxhash_rust::xxh3::xxh3_64;

use super::verify::MIN_CONTAINED;
use crate::spill::take_u32;

/// A page's non-blank raw lines, in order, as the template test reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageLines {
    lines: Vec<PageLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PageLine {
    /// The low 32 bits of xxh3-64 of the trimmed line: a chance collision
    /// over a page's few hundred lines is negligible.
    hash: u32,
    words: u32,
    /// Part of the text compared for copies.
    compared: bool,
}

/// The top bit of a stored line's word count says it is compared.
const COMPARED: u32 = 1 << 31;

impl PageLines {
    pub fn clear(&mut self) {
        self.lines.clear();
    }

    /// Adds the page's next raw line (`text` trimmed), with its `words`,
    /// and whether it is `compared`; blank lines are not kept, so a frame
    /// is not broken by a page's blank-line layout.
    pub fn push(&mut self, text: &str, words: usize, compared: bool) {
        if text.is_empty() {
            return;
        }
        self.lines.push(PageLine {
            hash: xxh3_64(text.as_bytes()) as u32,
            words: (words as u32).min(COMPARED - 1),
            compared,
        });
    }

    /// Appends the stored form to `out`: per line, its hash and its words
    /// with the compared bit, 8 bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        for line in &self.lines {
            out.extend_from_slice(&line.hash.to_le_bytes());
            let words = line.words | if line.compared { COMPARED } else { 0 };
            out.extend_from_slice(&words.to_le_bytes());
        }
    }

    /// What [`PageLines::encode`] wrote, or `None` if `bytes` are not that.
    pub fn decode(mut bytes: &[u8]) -> Option<PageLines> {
        if !bytes.len().is_multiple_of(8) {
            return None;
        }
        let mut lines = Vec::with_capacity(bytes.len() / 8);
        while let Some(hash) = take_u32(&mut bytes) {
            let words = take_u32(&mut bytes)?;
            lines.push(PageLine {
                hash,
                words: words & !COMPARED,
                compared: words & COMPARED != 0,
            });
        }
        Some(PageLines { lines })
    }

    /// The hashes of the first and last lines: two pages whose frame is
    /// not empty share one of them.
    pub fn ends(&self) -> Option<(u32, u32)> {
        Some((self.lines.first()?.hash, self.lines.last()?.hash))
    }
}

/// Whether `a` and `b` are two pages of one template whose compared texts,
/// sharing `shared` shingles, overlap only in the template (see the module
/// docs): then their similarity is no evidence of copying. Monotone in
/// `shared`: a pair that is no template pair sharing no shingle is none
/// sharing more, so pages can be ruled out before their sets are read.
pub fn is_template(a: &PageLines, b: &PageLines, shared: usize) -> bool {
    let (x, y) = (&a.lines, &b.lines);
    let shorter = x.len().min(y.len());
    let prefix = x
        .iter()
        .zip(y)
        .take_while(|(p, q)| p.hash == q.hash)
        .count();
    let suffix = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take(shorter - prefix)
        .take_while(|(p, q)| p.hash == q.hash)
        .count();
    let (middle_x, middle_y) = (&x[prefix..x.len() - suffix], &y[prefix..y.len() - suffix]);
    // The same page twice, or one page with lines added: no differing
    // middle on one side, so nothing of that page is its own.
    if middle_x.is_empty() || middle_y.is_empty() {
        return false;
    }
    // What the frame can give the overlap: the words of the lines both
    // pages compare in it, each starting at most one shared shingle.
    let frame_words: u64 = x[..prefix]
        .iter()
        .chain(&x[x.len() - suffix..])
        .zip(y[..prefix].iter().chain(&y[y.len() - suffix..]))
        .filter(|(p, q)| p.compared && q.compared)
        .map(|(p, _)| u64::from(p.words))
        .sum();
    // The frame gave the compared texts nothing: whatever they share lies
    // in the middles.
    if frame_words == 0 {
        return false;
    }
    // Shared shingles the frame cannot account for are a block the middles
    // share (the body of a same-site repost, a wire story lightly edited
    // line by line): a copy.
    if shared as u64 >= frame_words + MIN_CONTAINED as u64 {
        return false;
    }
    // Each middle must be a page's own text, not an edit of the other's.
    let own = |middle: &[PageLine]| {
        middle.iter().map(|l| u64::from(l.words)).sum::<u64>() >= MIN_CONTAINED as u64
    };
    own(middle_x) && own(middle_y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::shingle::Shingler;
    use crate::neardup::verify::overlap;

    type Page<'a> = Vec<(&'a str, bool)>;

    /// A page's lines and its compared text, each word a space-separated
    /// token.
    fn page(lines: &[(&str, bool)]) -> (PageLines, String) {
        let mut page = PageLines::default();
        let mut compared = String::new();
        for &(text, is_compared) in lines {
            page.push(text, text.split_whitespace().count(), is_compared);
            if is_compared {
                compared.push_str(text);
                compared.push('\n');
            }
        }
        (page, compared)
    }

    /// [`is_template`] of two pages, with the shingles their compared
    /// texts share.
    fn judge(a: &[(&str, bool)], b: &[(&str, bool)]) -> bool {
        let ((a, a_text), (b, b_text)) = (page(a), page(b));
        let mut shingler = Shingler::new(5, 1);
        let (x, y) = (shingler.shingles(&a_text), shingler.shingles(&b_text));
        let shared = overlap(x.as_slice(), y.as_slice());
        let verdict = is_template(&a, &b, shared);
        assert_eq!(verdict, is_template(&b, &a, shared), "symmetric");
        assert!(!verdict || is_template(&a, &b, 0), "monotone in `shared`");
        verdict
    }

    fn sentence(topic: &str, n: usize) -> String {
        (0..n)
            .map(|i| format!("{topic}{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    const MENU: (&str, bool) = ("Home | World | Sport | Business", false);
    const FOOTER: (&str, bool) = ("Copyright Example Media", false);

    /// A page of one site: its menu, a kept disclaimer, `body`, then a kept
    /// sidebar and its footer.
    fn site_page<'a>(body: &[(&'a str, bool)], furniture: &'a (String, String)) -> Page<'a> {
        let mut lines = vec![MENU, (furniture.0.as_str(), true)];
        lines.extend_from_slice(body);
        lines.extend([(furniture.1.as_str(), true), FOOTER]);
        lines
    }

    fn furniture() -> (String, String) {
        (sentence("disclaimer", 40), sentence("sidebar", 60))
    }

    #[test]
    fn two_articles_of_one_template_are_a_template_pair() {
        let (one, two, site) = (sentence("quake", 30), sentence("tram", 25), furniture());
        let a = site_page(&[("Published 1 March", false), (&one, true)], &site);
        let b = site_page(&[("Published 9 March", false), (&two, true)], &site);
        assert!(judge(&a, &b));
    }

    #[test]
    fn bodies_the_cleaner_dropped_still_make_a_template_pair() {
        // Both bodies removed, the shared sidebar left: compared texts
        // equal, yet each page has a middle of its own.
        let (one, two, site) = (
            sentence("calendar", 40),
            sentence("standings", 40),
            furniture(),
        );
        let a = site_page(&[(&one, false)], &site);
        let b = site_page(&[(&two, false)], &site);
        assert!(judge(&a, &b));
    }

    #[test]
    fn a_copy_under_two_sites_furniture_is_not() {
        let body = sentence("wire", 80);
        let a = [MENU, (body.as_str(), true), FOOTER];
        let b = [
            ("Other Site", false),
            (body.as_str(), true),
            ("Other", false),
        ];
        assert!(!judge(&a, &b));
    }

    #[test]
    fn a_story_edited_line_by_line_with_its_last_lines_alike_is_not() {
        // Two sites' versions of one wire story: each line edited a little
        // (one word), the last ones left as they were.
        let lines: Vec<String> = (0..6).map(|i| sentence(&format!("p{i}w"), 30)).collect();
        let edited: Vec<String> = lines.iter().map(|l| l.replacen("w0 ", "W0 ", 1)).collect();
        let tail = sentence("tail", 20);
        let a: Page = lines
            .iter()
            .map(|l| (l.as_str(), true))
            .chain([(&*tail, true)])
            .collect();
        let b: Page = edited
            .iter()
            .map(|l| (l.as_str(), true))
            .chain([(&*tail, true)])
            .collect();
        assert!(!judge(&a, &b));
    }

    #[test]
    fn the_same_page_twice_and_a_page_with_a_paragraph_added_are_not() {
        let (body, more, site) = (sentence("story", 60), sentence("update", 40), furniture());
        let a = site_page(&[(&body, true)], &site);
        assert!(!judge(&a, &a));
        let b = site_page(&[(&body, true), (&more, true)], &site);
        assert!(!judge(&a, &b));
    }

    #[test]
    fn a_same_site_repost_with_its_own_related_list_is_not() {
        let (body, site) = (sentence("story", 60), furniture());
        let (one, two) = (sentence("related", 30), sentence("other", 30));
        let a = site_page(&[(&body, true), (&one, false)], &site);
        let b = site_page(
            &[("Updated 10:42", true), (&body, true), (&two, false)],
            &site,
        );
        assert!(!judge(&a, &b));
    }

    #[test]
    fn an_update_of_a_headline_or_a_timestamp_is_not() {
        let (body, site) = (sentence("story", 60), furniture());
        let a = site_page(&[("Fire kills three in Paris", true), (&body, true)], &site);
        let b = site_page(&[("Fire kills five in Paris", true), (&body, true)], &site);
        assert!(!judge(&a, &b));
        let a = site_page(&[("Updated 10:42", true), (&body, true)], &site);
        let b = site_page(&[("Updated 11:03", true), (&body, true)], &site);
        assert!(!judge(&a, &b));
    }

    #[test]
    fn pages_sharing_only_furniture_the_cleaner_removed_are_not() {
        // The frame holds nothing compared: the overlap is in the middles.
        let body = sentence("quake", 30);
        let edited = format!("{body} and more");
        let a = [MENU, (body.as_str(), true), FOOTER];
        let b = [MENU, (edited.as_str(), true), FOOTER];
        assert!(!judge(&a, &b));
    }

    #[test]
    fn lines_are_stored_and_read_back() {
        let site = furniture();
        let (a, _) = page(&site_page(
            &[("Published 1 March", false), ("", true)],
            &site,
        ));
        let mut bytes = Vec::new();
        a.encode(&mut bytes);
        assert_eq!(bytes.len(), 8 * 5);
        assert_eq!(PageLines::decode(&bytes), Some(a.clone()));
        assert_eq!(PageLines::decode(&bytes[1..]), None);
        assert_eq!(a.ends().map(|e| e.0), page(&[MENU]).0.ends().map(|e| e.0));
        assert_eq!(PageLines::default().ends(), None);
    }
}
