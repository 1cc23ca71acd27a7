//! HTML pages (`.html`, `.htm`): one article per page, read as text with one
//! line per block (paragraph, heading, list item, table cell, …), so the
//! cleaner sees a page as it sees a scraped text, line by line. Scripts,
//! styles and the `<head>` are not text. The page's own metadata fills the
//! article's fields: the title from `og:title`, else `<title>`, else the
//! first `<h1>`, without the site's name ("… | Coastal Herald"); the date
//! from `article:published_time`, else the first `<time>`; the source from
//! `og:site_name`.
//!
//! Parsing is html5ever's (through `scraper`): the WHATWG algorithm browsers
//! use, so broken markup is read as a browser would read it.

use std::io::Read;
use std::path::Path;

use scraper::{ElementRef, Html, Node, Selector};

use super::{text, Corpus, ReadOptions};
use crate::article::{Article, Location};

/// HTML pages are recognised by their extension.
pub(super) fn is_html(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "htm" | "xhtml")
    )
}

pub(super) fn read(
    file: impl Read,
    meta: &std::fs::Metadata,
    name: &str,
    input: usize,
    options: &ReadOptions,
    corpus: &mut Corpus,
) {
    match text::load(file, meta.len(), options.max_bytes) {
        Ok(bytes) => {
            let location = Location {
                input,
                offset: 0,
                len: bytes.len() as u64,
            };
            push(name, bytes, location, corpus);
        }
        Err(problem) => corpus.error(name, problem),
    }
}

/// The article of the page held in `bytes`, read from the file `name`.
pub(super) fn push(name: &str, bytes: Vec<u8>, location: Location, corpus: &mut Corpus) {
    let Some(markup) = text::decode(bytes, name, corpus) else {
        return;
    };
    let page = Page::parse(&markup);
    if page.text.trim().is_empty() {
        corpus.error(name, crate::error::Problem::Empty);
        return;
    }
    corpus.articles.push(Article {
        source: page.site,
        title: page.title,
        date: page.date,
        ..text::article(name, page.text, location)
    });
}

/// What a page says about itself, and its text.
#[derive(Debug, Default, PartialEq)]
struct Page {
    title: Option<String>,
    date: Option<String>,
    site: Option<String>,
    text: String,
}

/// Elements whose content is not article text.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas",
    "select", "button",
];

/// Elements that start and end a line of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

impl Page {
    fn parse(markup: &str) -> Page {
        let html = Html::parse_document(markup);
        let meta = |property: &str| {
            let selector = format!("meta[property='{property}'], meta[name='{property}']");
            first(&html, &selector, |e| {
                e.value().attr("content").map(str::to_string)
            })
        };
        let site = meta("og:site_name")
            .map(|s| squash(&s))
            .filter(|s| !s.is_empty());
        let title = meta("og:title")
            .or_else(|| first(&html, "title", |e| Some(e.text().collect::<String>())))
            .map(|t| without_site(&squash(&t), site.as_deref()).to_string())
            .filter(|t| !is_site(t, site.as_deref()))
            .or_else(|| first(&html, "h1", |e| Some(e.text().collect::<String>())));
        let date = meta("article:published_time").or_else(|| {
            first(&html, "time", |e| {
                e.value()
                    .attr("datetime")
                    .map(str::to_string)
                    .or_else(|| Some(e.text().collect()))
            })
        });
        let mut lines = Lines::default();
        lines.walk(html.root_element());
        Page {
            title: title.map(|t| squash(&t)).filter(|t| !t.is_empty()),
            date: date.map(|d| squash(&d)).filter(|d| !d.is_empty()),
            site,
            text: lines.finish(),
        }
    }
}

/// The first element matching `selector` for which `value` gives something.
fn first(
    html: &Html,
    selector: &str,
    value: impl Fn(ElementRef) -> Option<String>,
) -> Option<String> {
    let selector = Selector::parse(selector).expect("a valid selector");
    html.select(&selector)
        .find_map(|e| value(e).filter(|v| !v.trim().is_empty()))
}

/// What separates a window title's parts: "Headline | Site",
/// "Site - Headline", "Headline · Site".
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " — ", " – ", " · ", " :: ", " » "];

/// Most words of a site's name ("The New York Times").
const SITE_MAX_WORDS: usize = 4;

/// `title` without the site's name: the first or last part when it is the
/// page's `og:site_name`; else the last part when it reads as a name
/// ([`reads_as_name`]) and is shorter than the rest ("Quake shakes the
/// highlands | Coastal Herald"). A title of two like parts ("Mozilla -
/// Wikipedia") is left whole: which is the site is anyone's guess; so is a
/// headline's own tail ("Storm hits the coast - 3 dead", "… - again").
fn without_site<'t>(title: &'t str, site: Option<&str>) -> &'t str {
    let mut cuts: Vec<(usize, usize)> = TITLE_SEPARATORS
        .iter()
        .flat_map(|sep| title.match_indices(sep).map(|(i, _)| (i, i + sep.len())))
        .collect();
    cuts.sort_unstable();
    let (Some(&(first, after_first)), Some(&(last, after_last))) = (cuts.first(), cuts.last())
    else {
        return title;
    };
    if is_site(&title[..first], site) {
        return title[after_first..].trim();
    }
    let (head, tail) = (title[..last].trim(), title[after_last..].trim());
    let words = |s: &str| s.split_whitespace().count();
    if is_site(tail, site) || (reads_as_name(tail) && words(head) > words(tail)) {
        head
    } else {
        title
    }
}

/// Whether `part` of a title reads as a site's name: a name's length (at
/// most [`SITE_MAX_WORDS`] words), no digits, and a capital first word
/// with no more small words than capitalised ones ("The New York Times",
/// "Times of India", "Factorio"), or a domain ("example.com").
fn reads_as_name(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let domain = words.len() == 1 && part.contains('.') && !part.ends_with('.');
    let named = words.first().is_some_and(|w| capital(w))
        && 2 * words.iter().filter(|w| capital(w)).count() >= words.len();
    !words.is_empty()
        && words.len() <= SITE_MAX_WORDS
        && !part.chars().any(|c| c.is_ascii_digit())
        && (named || domain)
}

/// Whether `text` is the site's name, as the page gives it.
fn is_site(text: &str, site: Option<&str>) -> bool {
    site.is_some_and(|site| text.trim().to_lowercase() == site.to_lowercase())
}

/// Runs of whitespace as one space, trimmed.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The page's text, gathered one line per block.
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    current: String,
}

impl Lines {
    fn walk(&mut self, element: ElementRef) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.current.push_str(text),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIPPED.contains(&name) {
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.end_line();
                    }
                    if let Some(child) = ElementRef::wrap(child) {
                        self.walk(child);
                    }
                    if block {
                        self.end_line();
                    }
                }
                _ => {}
            }
        }
    }

    fn end_line(&mut self) {
        let line = squash(&self.current);
        if !line.is_empty() {
            self.lines.push(line);
        }
        self.current.clear();
    }

    fn finish(mut self) -> String {
        self.end_line();
        let mut text = self.lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html><head>
  <title>Quake shakes the highlands | Coastal Herald</title>
  <meta property="og:title" content="Quake shakes the highlands">
  <meta property="og:site_name" content="Coastal Herald">
  <meta property="article:published_time" content="2022-03-14T08:30:00Z">
  <style>p { color: red }</style>
  <script>var tracking = "not text";</script>
</head><body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
  <article>
    <h1>Quake shakes   the highlands</h1>
    <p>A magnitude 6.4 earthquake struck on <b>Monday</b>,
       officials said.<br>Three people died.</p>
    <p>Rescue teams are still searching.</p>
  </article>
  <footer>© Coastal Herald</footer>
</body></html>"#;

    #[test]
    fn a_page_is_one_line_per_block_with_its_own_metadata() {
        let page = Page::parse(PAGE);
        assert_eq!(page.title.as_deref(), Some("Quake shakes the highlands"));
        assert_eq!(page.date.as_deref(), Some("2022-03-14T08:30:00Z"));
        assert_eq!(page.site.as_deref(), Some("Coastal Herald"));
        assert_eq!(
            page.text,
            "Home\nWorld\nQuake shakes the highlands\n\
             A magnitude 6.4 earthquake struck on Monday, officials said.\n\
             Three people died.\nRescue teams are still searching.\n© Coastal Herald\n"
        );
    }

    #[test]
    fn title_and_date_fall_back_to_title_and_time() {
        let page = Page::parse(
            "<title> Council backs tram </title><p>By <time datetime=\"2023-05-02\">2 May</time></p>",
        );
        assert_eq!(page.title.as_deref(), Some("Council backs tram"));
        assert_eq!(page.date.as_deref(), Some("2023-05-02"));
        assert_eq!(page.site, None);
        let page = Page::parse("<p>Posted <time>3 June 2023</time></p>");
        assert_eq!(page.date.as_deref(), Some("3 June 2023"));
        assert_eq!(page.title, None);
    }

    #[test]
    fn a_title_loses_the_site_name() {
        let title = |head: &str| Page::parse(head).title;
        assert_eq!(
            title("<title>Quake shakes the highlands | Coastal Herald</title>").as_deref(),
            Some("Quake shakes the highlands")
        );
        assert_eq!(
            title(
                "<meta property='og:site_name' content='The Coastal Herald Online Edition'>\
                 <title>The Coastal Herald Online Edition - Quake shakes the highlands</title>"
            )
            .as_deref(),
            Some("Quake shakes the highlands")
        );
        assert_eq!(
            title(
                "<meta property='og:title' content='Friday Facts #282 - 0.17 in sight | Factorio'>"
            )
            .as_deref(),
            Some("Friday Facts #282 - 0.17 in sight")
        );
        assert_eq!(
            title("<title>Quake shakes the highlands – example.com</title>").as_deref(),
            Some("Quake shakes the highlands")
        );
        // A dash inside a headline, two parts alike, or a headline's own
        // tail are no site's name.
        for whole in [
            "Xbox One X review - A console that keeps up with gaming PCs",
            "Mozilla - Wikipedia",
            "Storm hits the coast - 3 dead",
            "Council backs the tram plan - again",
        ] {
            assert_eq!(
                title(&format!("<title>{whole}</title>")).as_deref(),
                Some(whole)
            );
        }
    }

    #[test]
    fn a_page_without_a_title_of_its_own_is_named_by_its_first_h1() {
        let page =
            Page::parse("<body><h1>Quake  shakes the highlands</h1><h1>More</h1><p>Text.</p>");
        assert_eq!(page.title.as_deref(), Some("Quake shakes the highlands"));
        let page = Page::parse(
            "<meta property='og:site_name' content='Coastal Herald'><title>Coastal Herald</title>\
             <h1>Quake shakes the highlands</h1>",
        );
        assert_eq!(page.title.as_deref(), Some("Quake shakes the highlands"));
    }

    #[test]
    fn broken_markup_is_read_as_a_browser_reads_it() {
        let page = Page::parse("<p>one<p>two <i>and a half</b><div>three");
        assert_eq!(page.text, "one\ntwo and a half\nthree\n");
    }

    #[test]
    fn html_is_known_by_extension() {
        assert!(is_html(Path::new("site/a.html")));
        assert!(is_html(Path::new("b.htm")));
        assert!(!is_html(Path::new("c.txt")));
    }
}
