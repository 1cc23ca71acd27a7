//! Words, as every stage sees them: Unicode (UAX#29) word boundaries,
//! lowercased. Shingles, stopword density and event terms all split text here
//! so that they agree on what a word is.

use unicode_segmentation::UnicodeSegmentation;

/// The words of `text`, in order, as slices of it (case kept).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.unicode_words()
}

/// The words of `text`, lowercased.
pub fn normalised_words(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_unicode_word_boundaries() {
        let got: Vec<String> =
            normalised_words("Putin's \"effective dialogue\" — at 20:30 GMT, U.S.").collect();
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
                "u.s"
            ]
        );
    }
}
