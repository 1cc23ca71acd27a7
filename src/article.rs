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
    pub title: Option<String>,
    /// The publication date as given (ISO `YYYY-MM-DD…` is understood best).
    pub date: Option<String>,
    pub text: String,
    /// Where the article's bytes are in its input, to read them again.
    pub location: Location,
}

/// An article's place in the inputs: which one ([`crate::read::Sources`]
/// holds them, in order) and the byte span of its text file or JSONL line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    pub input: usize,
    pub offset: u64,
    pub len: u64,
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
