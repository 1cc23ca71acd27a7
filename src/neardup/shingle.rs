//! Shingles: the overlapping runs of `ngram` words of a text, each hashed
//! once to 64 bits.
//!
//! Input: a text, the words per shingle and a seed. Output: a [`Shingles`]
//! set, the sorted unique hashes. Invariants: words are
//! [`crate::tokenize::words`] lowercased, so every stage agrees on them; a
//! shingle is its words joined by single spaces, hashed with seeded xxh3-64,
//! a fixed algorithm, so the same text gives the same set on every machine
//! and Rust version; a text of fewer than `ngram` words has one shingle of
//! all its words, and a text without words has none.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::tokenize::{push_lowercase, words};

/// A text's shingle hashes, sorted ascending, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    pub fn as_slice(&self) -> &[u64] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A set from hashes already sorted ascending without repeats (as
    /// stored by [`crate::spill`]).
    pub(crate) fn from_sorted(hashes: Vec<u64>) -> Self {
        debug_assert!(hashes.windows(2).all(|w| w[0] < w[1]));
        Shingles(hashes)
    }
}

impl FromIterator<u64> for Shingles {
    fn from_iter<I: IntoIterator<Item = u64>>(hashes: I) -> Self {
        let mut hashes: Vec<u64> = hashes.into_iter().collect();
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }
}

/// A text's words as shingles are made of them: lowercased, each followed
/// by a space, so that a shingle is one contiguous slice. The cleaner
/// gathers them as it measures each line ([`Joined::push`]), so that a
/// cleaned text is not split into words a second time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Joined {
    text: String,
    /// Where each word starts in `text`.
    starts: Vec<usize>,
}

impl Joined {
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.starts.clear();
    }

    /// Appends `word` ([`crate::tokenize::words`] gives it), lowercased.
    pub(crate) fn push(&mut self, word: &str) {
        self.starts.push(self.text.len());
        push_lowercase(&mut self.text, word);
        self.text.push(' ');
    }

    /// Appends words `range` of `other`.
    pub(crate) fn extend_from(&mut self, other: &Joined, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        let from = other.starts[range.start];
        let to = other
            .starts
            .get(range.end)
            .copied()
            .unwrap_or(other.text.len());
        let base = self.text.len();
        self.starts
            .extend(other.starts[range].iter().map(|&start| start - from + base));
        self.text.push_str(&other.text[from..to]);
    }

    /// Words held.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Word `i`, lowercased.
    pub(crate) fn word(&self, i: usize) -> &str {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        &self.text[self.starts[i]..end - 1]
    }
}

/// Turns texts into [`Shingles`], reusing its buffers from one text to the
/// next (keep one per thread).
#[derive(Debug, Clone)]
pub struct Shingler {
    ngram: usize,
    seed: u64,
    words: Joined,
}

impl Shingler {
    /// `ngram` must be at least 1 (checked by the configuration).
    pub fn new(ngram: usize, seed: u64) -> Self {
        assert!(ngram > 0, "a shingle has at least one word");
        Shingler {
            ngram,
            seed,
            words: Joined::default(),
        }
    }

    pub fn shingles(&mut self, text: &str) -> Shingles {
        self.sequence(text).collect()
    }

    /// The shingles of a text whose words are `words`: the same as
    /// [`Shingler::shingles`] of that text.
    pub(crate) fn shingles_of(&self, words: &Joined) -> Shingles {
        hashes(words, self.ngram, self.seed).collect()
    }

    /// The hash of the shingle starting at each word, in text order, repeats
    /// kept: what `dedup explain` walks to find the passages two texts share.
    pub fn sequence(&mut self, text: &str) -> impl Iterator<Item = u64> + '_ {
        self.words.clear();
        let joined = &mut self.words;
        // `for_each`, not a `for` loop: the nested word iterator runs much
        // faster driven from inside than one `next` at a time.
        words(text).for_each(|word| joined.push(word));
        hashes(&self.words, self.ngram, self.seed)
    }
}

/// The hash of the shingle of `ngram` words starting at each word.
fn hashes(words: &Joined, ngram: usize, seed: u64) -> impl Iterator<Item = u64> + '_ {
    let n = ngram.min(words.len());
    let count = if words.is_empty() {
        0
    } else {
        words.len() - n + 1
    };
    let (bytes, starts) = (words.text.as_bytes(), &words.starts);
    let end = move |i: usize| starts.get(i).copied().unwrap_or(bytes.len());
    // `end - 1` drops the space after the last word of the shingle.
    (0..count).map(move |i| xxh3_64_with_seed(&bytes[starts[i]..end(i + n) - 1], seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingles(text: &str, ngram: usize) -> Vec<u64> {
        Shingler::new(ngram, 42).shingles(text).as_slice().to_vec()
    }

    fn hash(s: &str) -> u64 {
        xxh3_64_with_seed(s.as_bytes(), 42)
    }

    #[test]
    fn a_shingle_is_its_normalised_words_joined_by_spaces() {
        let mut want = vec![hash("the cat sat"), hash("cat sat on")];
        want.sort_unstable();
        assert_eq!(shingles("The  cat, sat\n\"on\"", 3), want);
    }

    #[test]
    fn case_and_punctuation_do_not_matter_but_repeats_count_once() {
        assert_eq!(
            shingles("A b c. A b c!", 3),
            shingles("a B c a b c a b c", 3)
        );
    }

    #[test]
    fn short_texts_have_one_shingle_of_all_their_words() {
        assert_eq!(shingles("Hello, world", 5), vec![hash("hello world")]);
        assert!(shingles(" … — ", 5).is_empty());
    }

    #[test]
    fn words_gathered_line_by_line_give_the_shingles_of_the_text() {
        let lines = [
            "The Council voted,",
            "",
            "on Tuesday: to extend",
            "the ÄRGER line.",
        ];
        let mut all = Joined::default();
        let mut ranges = Vec::new();
        for line in lines {
            let first = all.len();
            words(line).for_each(|w| all.push(w));
            ranges.push(first..all.len());
        }
        assert_eq!(all.word(8), "ärger");
        // Lines 0, 2 and 3 compared, as the cleaner keeps them.
        let mut kept = Joined::default();
        for i in [0, 2, 3] {
            kept.extend_from(&all, ranges[i].clone());
        }
        let mut shingler = Shingler::new(3, 42);
        let text = [lines[0], lines[2], lines[3]].join("\n");
        assert_eq!(shingler.shingles_of(&kept), shingler.shingles(&text));
        assert_eq!(
            shingler.shingles_of(&Joined::default()),
            Shingles::default()
        );
    }

    #[test]
    fn hashes_are_pinned() {
        // xxh3-64 is a fixed algorithm: if this changes, every stored
        // result and every comparison across versions breaks. The value is
        // the reference implementation's (Python `xxhash.xxh3_64_intdigest(
        // b"one two", seed=42)`).
        assert_eq!(shingles("one two", 5), vec![1_180_549_710_395_423]);
    }
}
