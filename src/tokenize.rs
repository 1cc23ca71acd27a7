//! Words, as every stage sees them: Unicode (UAX#29) word boundaries,
//! lowercased. Shingles, stopword density and event terms all split text here
//! so that they agree on what a word is.
//!
//! UAX#29 segmentation is the slowest step of the whole pipeline, so runs of
//! ASCII take a fast path that yields exactly the words UAX#29 would (a
//! property test checks it against `unicode-segmentation`): whitespace always
//! ends a word, so the text is cut at ASCII whitespace and each piece goes
//! down the fast path when it is ASCII and through `unicode-segmentation`
//! otherwise.

use unicode_segmentation::UnicodeSegmentation;

/// Which words this module yields. A persistent index stores it and refuses
/// a tokenizer that differs: bump it whenever a text's words change.
pub const VERSION: u32 = 1;

/// The words of `text`, in order, as slices of it (case kept).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_ascii_whitespace().flat_map(|piece| {
        let (ascii, other) = if piece.is_ascii() {
            (Some(AsciiWords { rest: piece }), None)
        } else {
            (None, Some(piece.unicode_words()))
        };
        ascii
            .into_iter()
            .flatten()
            .chain(other.into_iter().flatten())
    })
}

/// The words of `text`, lowercased.
pub fn normalised_words(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).map(|w| {
        let mut out = String::with_capacity(w.len());
        push_lowercase(&mut out, w);
        out
    })
}

/// Appends `word` lowercased to `out`, without allocating for ASCII words
/// (the hot path of shingling).
pub fn push_lowercase(out: &mut String, word: &str) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// UAX#29 word classes of the ASCII characters that can be inside a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    /// `_` (ExtendNumLet): joins anything word-like on either side.
    Underscore,
    /// `:` (MidLetter): joins letter to letter.
    MidLetter,
    /// `.` and `'` (MidNumLet, Single_Quote): join letter to letter or digit to digit.
    MidBoth,
    /// `,` and `;` (MidNum): join digit to digit.
    MidDigit,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Underscore,
        b':' => Class::MidLetter,
        b'.' | b'\'' => Class::MidBoth,
        b',' | b';' => Class::MidDigit,
        _ => Class::Other,
    }
}

fn is_core(c: Class) -> bool {
    matches!(c, Class::Letter | Class::Digit | Class::Underscore)
}

/// The UAX#29 words of an ASCII string without whitespace.
struct AsciiWords<'a> {
    rest: &'a str,
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let bytes = self.rest.as_bytes();
            let start = bytes.iter().position(|&b| is_core(class(b)))?;
            let mut end = start + 1;
            while end < bytes.len() {
                let here = class(bytes[end]);
                if is_core(here) {
                    end += 1; // WB5, WB8–WB10, WB13a/b
                    continue;
                }
                let Some(&after) = bytes.get(end + 1) else {
                    break;
                };
                let (before, after) = (class(bytes[end - 1]), class(after));
                let joins = match (before, here, after) {
                    (Class::Letter, Class::MidLetter | Class::MidBoth, Class::Letter) => true, // WB6/7
                    (Class::Digit, Class::MidDigit | Class::MidBoth, Class::Digit) => true, // WB11/12
                    _ => false,
                };
                if !joins {
                    break;
                }
                end += 2;
            }
            let word = &self.rest[start..end];
            self.rest = &self.rest[end..];
            // Like `unicode_words`, skip segments with no letter or digit ("_").
            if word.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Some(word);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_on_unicode_word_boundaries() {
        let got: Vec<String> =
            normalised_words("Putin's \"effective dialogue\" — at 20:30 GMT, U.S. Ärger").collect();
        assert_eq!(
            got,
            [
                "putin's",
                "effective",
                "dialogue",
                "at",
                "20",
                "30",
                "gmt",
                "u.s",
                "ärger"
            ]
        );
    }

    #[test]
    fn ascii_joiners_follow_uax29() {
        let got: Vec<&str> =
            words("a:b 1,000.5 3;4 x_1 _ __a a.1 1.a e.g. rock'n'roll 'quoted'").collect();
        assert_eq!(
            got,
            [
                "a:b",
                "1,000.5",
                "3;4",
                "x_1",
                "__a",
                "a",
                "1",
                "1",
                "a",
                "e.g",
                "rock'n'roll",
                "quoted"
            ]
        );
    }

    fn reference(text: &str) -> Vec<&str> {
        text.unicode_words().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The fast path yields exactly the words of UAX#29, on text mixing
        /// ASCII joiners, Latin-1, curly quotes, dashes and combining marks.
        #[test]
        fn prop_words_equal_unicode_segmentation(
            text in proptest::collection::vec(
                prop_oneof![
                    8 => proptest::char::range('a', 'z'),
                    3 => proptest::char::range('0', '9'),
                    6 => proptest::sample::select(vec![' ', ' ', '\n', '\t', '\r', '.', ',', ';', ':', '\'', '_', '-', '"', '(', '!', '?', '/', '$', '%']),
                    1 => proptest::sample::select(vec!['é', 'Ä', 'ß', '\u{2019}', '\u{201C}', '\u{2014}', '\u{301}', '\u{AD}', '\u{A0}', 'ж', '日', '\u{200D}', '😀']),
                ],
                0..40,
            ).prop_map(|chars| chars.into_iter().collect::<String>())
        ) {
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), reference(&text));
        }
    }
}
