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

use std::borrow::Cow;

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

/// [`words`] with their byte offsets in `text`.
pub fn word_indices(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let start = text.as_ptr() as usize;
    words(text).map(move |w| (w.as_ptr() as usize - start, w))
}

/// A text and its [`word_indices`], found once for the steps that each
/// walk them (language, terms and names of an article's event features).
pub struct Words<'a> {
    pub text: &'a str,
    pub words: Vec<(usize, &'a str)>,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Words<'a> {
        Words {
            text,
            words: word_indices(text).collect(),
        }
    }
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

/// Whether `c` belongs to a script written without spaces between words:
/// Han, Hiragana, Katakana (Chinese, Japanese), Thai, Lao, Khmer, Myanmar.
/// UAX#29 cuts these into single characters (Katakana into runs), which as
/// terms say almost nothing.
pub fn is_unspaced(c: char) -> bool {
    is_cjk(c)
        || matches!(c as u32,
            0x0E00..=0x0EFF // Thai, Lao
            | 0x1000..=0x109F // Myanmar
            | 0x1780..=0x17FF) // Khmer
}

/// Han, Hiragana and Katakana: Chinese and Japanese.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // Han extension A
        | 0x4E00..=0x9FFF // Han
        | 0xF900..=0xFAFF // Han compatibility
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x2FA1F) // Han extensions B–F, compatibility supplement
}

/// The words the event stage counts as terms, with their byte offsets:
/// UAX#29 words, except that a run of characters of an unspaced script
/// ([`is_unspaced`]) becomes its overlapping character bigrams ("東京都庁" →
/// 東京, 京都, 都庁; a run of one character stays one). Bigrams are the
/// standard dictionary-free indexing of Chinese and Japanese (Kwok 1997;
/// Lucene's CJKAnalyzer): a two-character word is one bigram, a longer word
/// shares its bigrams, and for Thai, Lao, Khmer and Burmese, which UAX#29
/// also leaves unsegmented without a dictionary, they are the same
/// principled fallback.
pub fn term_words(text: &str) -> Vec<(usize, Cow<'_, str>)> {
    term_words_of(word_indices(text))
}

/// [`term_words`] of a text whose [`word_indices`] are `words`.
pub fn term_words_of<'a>(
    words: impl IntoIterator<Item = (usize, &'a str)>,
) -> Vec<(usize, Cow<'a, str>)> {
    let mut out: Vec<(usize, Cow<str>)> = Vec::new();
    // The current run: its characters with their offsets, and where it ends.
    let mut run: Vec<(usize, char)> = Vec::new();
    let mut run_end = 0;
    let flush = |run: &mut Vec<(usize, char)>, out: &mut Vec<(usize, Cow<str>)>| {
        if run.len() == 1 {
            out.push((run[0].0, Cow::Owned(run[0].1.to_string())));
        }
        for pair in run.windows(2) {
            out.push((
                pair[0].0,
                Cow::Owned([pair[0].1, pair[1].1].iter().collect()),
            ));
        }
        run.clear();
    };
    for (at, word) in words {
        if word.chars().all(is_unspaced) {
            if at != run_end {
                flush(&mut run, &mut out);
            }
            run.extend(word.char_indices().map(|(i, c)| (at + i, c)));
            run_end = at + word.len();
        } else {
            flush(&mut run, &mut out);
            out.push((at, Cow::Borrowed(word)));
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `text` with Arabic-script letter variants and marks folded, so that two
/// outlets' spellings of one word count as one term: short vowels, other
/// diacritics and the tatweel dropped; alef with hamza or madda → alef;
/// alef maqsura and Farsi/Urdu yeh → yeh; keheh → kaf; Urdu heh goal and
/// ae → heh; teh marbuta → heh; Arabic-Indic digits → ASCII digits (so that
/// numbers are anchors). Borrowed when there is nothing to fold (all of
/// ASCII text, at the cost of one scan).
pub fn fold_arabic(text: &str) -> Cow<'_, str> {
    let folds = |c: char| matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F);
    if text.is_ascii() || !text.chars().any(folds) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let folded = match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => None,
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ى' | 'ی' => Some('ي'),
            'ک' => Some('ك'),
            'ہ' | 'ە' | 'ة' | 'ۃ' => Some('ه'),
            '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + '0' as u32),
            '\u{06F0}'..='\u{06F9}' => char::from_u32(c as u32 - 0x06F0 + '0' as u32),
            c => Some(c),
        };
        out.extend(folded);
    }
    Cow::Owned(out)
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

    #[test]
    fn unspaced_scripts_become_character_bigrams() {
        let got: Vec<(usize, String)> = term_words("東京都庁で、会議 on Monday")
            .into_iter()
            .map(|(at, w)| (at, w.into_owned()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "東京".to_string()),
                (3, "京都".into()),
                (6, "都庁".into()),
                (9, "庁で".into()),
                (18, "会議".into()),
                (25, "on".into()),
                (28, "Monday".into()),
            ]
        );
        // A lone character stays; Katakana runs and Han join into one run.
        let words: Vec<String> = term_words("米 テレビ局")
            .into_iter()
            .map(|(_, w)| w.into_owned())
            .collect();
        assert_eq!(words, ["米", "テレ", "レビ", "ビ局"]);
        let thai: Vec<String> = term_words("แผ่นดินไหว")
            .into_iter()
            .map(|(_, w)| w.into_owned())
            .collect();
        assert!(
            thai.len() >= 2 && thai.iter().all(|w| w.chars().count() == 2),
            "{thai:?}"
        );
    }

    #[test]
    fn arabic_script_variants_fold_to_one_spelling() {
        // Urdu spellings with Farsi yeh, keheh and heh goal meet the Arabic ones.
        assert_eq!(fold_arabic("پاکستانی"), fold_arabic("پاكستاني"));
        assert_eq!(fold_arabic("کہا"), "كها");
        // Diacritics and tatweel go; hamza on alef folds.
        assert_eq!(fold_arabic("مُحَمَّد"), "محمد");
        assert_eq!(fold_arabic("أحمد إلى"), "احمد الي");
        assert_eq!(fold_arabic("الـــعالم"), "العالم");
        assert_eq!(fold_arabic("٢٠٢٤ و ۱۵"), "2024 و 15");
        assert!(matches!(fold_arabic("plain text"), Cow::Borrowed(_)));
    }

    fn reference(text: &str) -> Vec<&str> {
        text.unicode_words().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The fast path yields exactly the words of UAX#29, at the same
        /// offsets, on text mixing ASCII joiners, Latin-1, curly quotes,
        /// dashes and combining marks.
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
            prop_assert_eq!(
                word_indices(&text).collect::<Vec<_>>(),
                text.unicode_word_indices().collect::<Vec<_>>()
            );
        }
    }
}
