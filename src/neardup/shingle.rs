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

/// Turns texts into [`Shingles`], reusing its buffers from one text to the
/// next (keep one per thread).
#[derive(Debug, Clone)]
pub struct Shingler {
    ngram: usize,
    seed: u64,
    /// The normalised words of the current text, each followed by a space,
    /// so that a shingle is one contiguous slice of it.
    joined: String,
    /// Where each word starts in `joined`, and one past the end.
    starts: Vec<usize>,
}

impl Shingler {
    /// `ngram` must be at least 1 (checked by the configuration).
    pub fn new(ngram: usize, seed: u64) -> Self {
        assert!(ngram > 0, "a shingle has at least one word");
        Shingler {
            ngram,
            seed,
            joined: String::new(),
            starts: Vec::new(),
        }
    }

    pub fn shingles(&mut self, text: &str) -> Shingles {
        self.sequence(text).collect()
    }

    /// The hash of the shingle starting at each word, in text order, repeats
    /// kept: what `dedup explain` walks to find the passages two texts share.
    pub fn sequence(&mut self, text: &str) -> impl Iterator<Item = u64> + '_ {
        self.joined.clear();
        self.starts.clear();
        let (joined, starts) = (&mut self.joined, &mut self.starts);
        // `for_each`, not a `for` loop: the nested word iterator runs much
        // faster driven from inside than one `next` at a time.
        words(text).for_each(|word| {
            starts.push(joined.len());
            push_lowercase(joined, word);
            joined.push(' ');
        });
        self.starts.push(self.joined.len());
        let words = self.starts.len() - 1;
        let n = self.ngram.min(words);
        let count = if words == 0 { 0 } else { words - n + 1 };
        let (bytes, starts, seed) = (self.joined.as_bytes(), &self.starts, self.seed);
        // `end - 1` drops the space after the last word of the shingle.
        (0..count).map(move |i| xxh3_64_with_seed(&bytes[starts[i]..starts[i + n] - 1], seed))
    }
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
    fn hashes_are_pinned() {
        // xxh3-64 is a fixed algorithm: if this changes, every stored
        // result and every comparison across versions breaks. The value is
        // the reference implementation's (Python `xxhash.xxh3_64_intdigest(
        // b"one two", seed=42)`).
        assert_eq!(shingles("one two", 5), vec![1_180_549_710_395_423]);
    }
}
