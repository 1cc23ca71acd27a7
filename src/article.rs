//! The unit every stage works on: one news article as the reader found it.

use crate::id::Id;

/// One article. `id` is unique in a run: the path as given for text files, the
/// JSONL `id` field (or `path:line` when it is missing) for corpora.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: Id,
    /// Where the article came from (`path` or `path:line`), for messages.
    pub origin: String,
    /// The outlet or site, when the input says; the cleaner's corpus evidence
    /// is counted per source.
    pub source: Option<String>,
    /// The page's address, when the input gives one (JSONL `url`): the site
    /// the cleaner counts lines under when there is no `source`.
    pub url: Option<String>,
    pub title: Option<String>,
    /// The publication date as given (ISO `YYYY-MM-DD…` is understood best).
    pub date: Option<String>,
    pub text: String,
    /// Where the article's bytes are in its input, to read them again.
    pub location: Location,
    /// Its JSONL line as written (without a BOM or the line end), when the
    /// reader was asked to keep lines ([`crate::read::ReadOptions`]):
    /// `--write-unique` copies kept lines byte for byte.
    pub line: Option<Vec<u8>>,
}

/// An article's place in the inputs: which one ([`crate::read::Sources`]
/// holds them, in order) and the byte span of its text file or JSONL line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    pub input: usize,
    pub offset: u64,
    pub len: u64,
}

impl Article {
    /// The site whose pages share furniture with this one: the `source` as
    /// given, else the host of the `url`, else the host of an id that is a
    /// web address; `None` when the input says nothing.
    pub fn site(&self) -> Option<&str> {
        self.source
            .as_deref()
            .or_else(|| self.url.as_deref().and_then(host))
            .or_else(|| host(&self.id))
    }
}

/// The host of an `http(s)://` address, without a leading `www.`.
fn host(address: &str) -> Option<&str> {
    let (scheme, rest) = address.trim().split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// Most words a title or heading has; the cleaner keeps a heading by the
/// same measure.
pub const TITLE_MAX_WORDS: usize = 25;

/// The title a plain-text article implies: its first non-blank line, when that
/// line is short, does not end like a sentence and is not the first half of a
/// sentence wrapped onto the next line.
pub fn guess_title(text: &str) -> Option<String> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    let line = lines.next()?;
    let words = line.split_whitespace().count();
    let ends_sentence = line.ends_with(['.', '!', '?', ':', ';', ',']);
    let wraps_on = lines
        .next()
        .and_then(|next| next.chars().next())
        .is_some_and(char::is_lowercase);
    let short = (2..=TITLE_MAX_WORDS).contains(&words) && line.chars().count() <= 200;
    (short && !ends_sentence && !wraps_on).then(|| line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(id: &str, source: Option<&str>, url: Option<&str>) -> Article {
        Article {
            line: None,
            id: id.into(),
            origin: "corpus.jsonl:1".into(),
            source: source.map(Into::into),
            url: url.map(Into::into),
            title: None,
            date: None,
            text: String::new(),
            location: Default::default(),
        }
    }

    #[test]
    fn the_site_is_the_source_else_the_host_of_the_url_or_the_id() {
        let url = Some("https://www.example.com:443/news/a?x=1");
        assert_eq!(page("1", Some("Example"), url).site(), Some("Example"));
        assert_eq!(page("1", None, url).site(), Some("example.com"));
        assert_eq!(
            page("http://news.example.org/2024/a", None, None).site(),
            Some("news.example.org")
        );
        assert_eq!(page("fixtures/a.txt", None, None).site(), None);
        assert_eq!(page("ftp://example.com/a", None, None).site(), None);
        assert_eq!(page("https:///a", None, None).site(), None);
    }

    #[test]
    fn title_is_first_short_line_without_terminal_punctuation() {
        let text = "\n  Putin Says 'Effective Dialogue' With U.S. Possible\n\nBody text here.";
        assert_eq!(
            guess_title(text).as_deref(),
            Some("Putin Says 'Effective Dialogue' With U.S. Possible")
        );
    }

    #[test]
    fn a_sentence_is_not_a_title() {
        assert_eq!(
            guess_title("Biden spoke to Putin on Thursday.\nMore."),
            None
        );
        assert_eq!(guess_title(""), None);
        assert_eq!(guess_title("×\nEnjoying ad-free content?"), None);
        let wrapped = "President Joe Biden and his Russian counterpart emphasized the need for\ndiplomatic solutions.";
        assert_eq!(guess_title(wrapped), None);
    }
}
