//! Stopword lists and a cheap language guess built on them.
//!
//! The cleaner measures stopword density (body text is full of function
//! words, navigation is not) and the event stage drops stopwords from its
//! content terms. Both need the article's language; the list with the most
//! hits among an article's words picks it, which costs nothing beyond the
//! lookups the stages make anyway.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Languages with a list, as ISO 639-1 codes. NLTK's lists (frequent words,
/// what jusText's thresholds were tuned on) where they exist, Stopwords-ISO
/// for Polish, Ukrainian and Urdu (with [`URDU_EXTRA`]).
pub const LANGUAGES: [&str; 11] = [
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "ur",
];

/// Urdu's commonest function words that Stopwords-ISO's `ur` list lacks:
/// postpositions, auxiliaries, pronouns and conjunctions. That list is
/// damaged (many entries mis-encoded, 'اضتعوبل' for 'استعمال') and misses
/// کا، میں، سے، نے، کو; without them every two Urdu articles shared a
/// dozen "terms" whatever their subject, and unrelated stories scored as
/// one event.
const URDU_EXTRA: [&str; 33] = [
    "کا", "میں", "سے", "نے", "کو", "وہ", "بھی", "تھا", "گیا", "کر", "کیا", "اس", "ان", "جو", "رہا",
    "بعد", "لیے", "نہیں", "دیا", "والی", "والا", "اپنے", "اپنی", "ساتھ", "جس", "جن", "کسی", "اب",
    "جب", "یا", "لیکن", "مگر", "جبکہ",
];

/// The language assumed when no list fits better.
pub const DEFAULT_LANGUAGE: &str = "en";

/// One language's stopwords, lowercase.
pub struct Stopwords {
    pub language: &'static str,
    /// This list's bit in [`Lists::table`].
    bit: u16,
}

impl Stopwords {
    pub fn contains(&self, lowercase_word: &str) -> bool {
        self.has(lists_of(lowercase_word))
    }

    /// Whether this list is among `lists` ([`lists_of`] a word).
    pub(crate) fn has(&self, lists: u16) -> bool {
        lists & self.bit != 0
    }
}

/// The lists that have `lowercase_word`, as bits (none: 0): one lookup
/// that serves both the language guess and the density of any list. The
/// cleaner asks it of every word of every page.
pub(crate) fn lists_of(lowercase_word: &str) -> u16 {
    let lists = lists();
    let bytes = lowercase_word.as_bytes();
    match bytes.len() {
        0 => 0,
        1..=8 => lists.short.get(bytes),
        len if len <= lists.longest => lists.long.get(lowercase_word).copied().unwrap_or(0),
        _ => 0,
    }
}

/// Every list's words, word → the bits of the lists that have it, so that
/// a word is looked up once however many lists there are.
struct Lists {
    /// The words of up to 8 bytes, most of every list: a lookup is a
    /// multiplication and a probe or two, with no hashing of bytes and no
    /// string comparison.
    short: ShortWords,
    /// The longer words.
    long: WordMap<&'static str, u16>,
    /// The longest word's bytes: a longer word is on no list.
    longest: usize,
    lists: Vec<Stopwords>,
}

/// Up to 8 bytes as one number: with the count of bytes beside it,
/// distinct words make distinct keys.
fn packed(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// A table of words of up to 8 bytes, [`packed`] with their length,
/// open-addressed with linear probing; a slot of length 0 is empty. A
/// quarter full at most, so a miss ends soon.
struct ShortWords {
    keys: Vec<(u64, u8)>,
    lists: Vec<u16>,
    /// 64 minus the table's bits: a key's home slot is the top bits of its
    /// Fibonacci hash.
    shift: u32,
}

impl ShortWords {
    fn new(words: &WordMap<&'static str, u16>) -> ShortWords {
        let bits = (words.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let mut table = ShortWords {
            keys: vec![(0, 0); 1 << bits],
            lists: vec![0; 1 << bits],
            shift: 64 - bits,
        };
        for (word, &lists) in words {
            let key = (packed(word.as_bytes()), word.len() as u8);
            let mut slot = table.home(key.0);
            while table.keys[slot].1 != 0 {
                slot = (slot + 1) & (table.keys.len() - 1);
            }
            table.keys[slot] = key;
            table.lists[slot] = lists;
        }
        table
    }

    fn home(&self, packed: u64) -> usize {
        (packed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The lists of a word of 1 to 8 bytes.
    fn get(&self, word: &[u8]) -> u16 {
        let key = (packed(word), word.len() as u8);
        let mut slot = self.home(key.0);
        loop {
            match self.keys[slot] {
                (_, 0) => return 0,
                k if k == key => return self.lists[slot],
                _ => slot = (slot + 1) & (self.keys.len() - 1),
            }
        }
    }
}

/// FNV-1a: the words these tables hold are short (the long stopwords, the
/// event stage's terms and names), and SipHash cost several times more.
#[derive(Default)]
pub(crate) struct Fnv(u64);

/// A table keyed by words, hashed with [`Fnv`].
pub(crate) type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut table: WordMap<&'static str, u16> = WordMap::default();
        for (i, &language) in LANGUAGES.iter().enumerate() {
            let listed =
                stop_words::lookup(language).expect("every listed language is compiled in");
            let extra: &[&'static str] = if language == "ur" { &URDU_EXTRA } else { &[] };
            for &word in listed.iter().chain(extra) {
                *table.entry(word).or_default() |= 1 << i;
                // The event stage reads Arabic-script text with its letter
                // variants folded (Urdu yeh and heh goal as the Arabic
                // letters), the cleaner reads it as written: both spellings
                // are listed. A few hundred words, leaked once.
                if let std::borrow::Cow::Owned(folded) = crate::tokenize::fold_arabic(word) {
                    *table.entry(&*folded.leak()).or_default() |= 1 << i;
                }
            }
        }
        let lists = LANGUAGES
            .iter()
            .enumerate()
            .map(|(i, &language)| Stopwords {
                language,
                bit: 1 << i,
            })
            .collect();
        let (short, long): (WordMap<_, _>, WordMap<_, _>) =
            table.into_iter().partition(|(word, _)| word.len() <= 8);
        Lists {
            short: ShortWords::new(&short),
            longest: long.keys().map(|word| word.len()).max().unwrap_or(0),
            long,
            lists,
        }
    })
}

fn all() -> &'static [Stopwords] {
    &lists().lists
}

/// The stopwords of `language`, or of the default language when there is no list.
pub fn for_language(language: &str) -> &'static Stopwords {
    let lists = all();
    lists
        .iter()
        .find(|s| s.language == language)
        .unwrap_or_else(|| for_language(DEFAULT_LANGUAGE))
}

/// The language whose list covers the most of `lowercase_words`; the default
/// language on a tie or when nothing matches.
pub fn detect<'a>(lowercase_words: impl IntoIterator<Item = &'a str>) -> &'static Stopwords {
    detect_lists(lowercase_words.into_iter().map(lists_of))
}

/// [`detect`] of the words whose [`lists_of`] are `words`.
pub(crate) fn detect_lists(words: impl IntoIterator<Item = u16>) -> &'static Stopwords {
    let lists = all();
    let mut hits = vec![0usize; lists.len()];
    words
        .into_iter()
        .filter(|&bits| bits != 0)
        .for_each(|bits| {
            for (i, hit) in hits.iter_mut().enumerate() {
                *hit += usize::from(bits >> i & 1);
            }
        });
    // `max_by_key` keeps the last maximum; scan in reverse so the earlier
    // (English first) list wins ties.
    let best = (0..lists.len()).rev().max_by_key(|&i| hits[i]).unwrap_or(0);
    if hits[best] == 0 {
        for_language(DEFAULT_LANGUAGE)
    } else {
        &lists[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_text(text: &str) -> &'static str {
        let words: Vec<String> = crate::tokenize::normalised_words(text).collect();
        detect(words.iter().map(String::as_str)).language
    }

    #[test]
    fn picks_the_language_of_the_text() {
        assert_eq!(
            detect_text("The president said that the talks would be held in the spring."),
            "en"
        );
        assert_eq!(
            detect_text(
                "Der Präsident sagte, dass die Gespräche im Frühjahr mit den Partnern stattfinden."
            ),
            "de"
        );
        assert_eq!(detect_text("Le président a dit que les négociations auront lieu dans la capitale au printemps."), "fr");
        assert_eq!(
            detect_text("Президент сказал, что переговоры пройдут весной в столице."),
            "ru"
        );
        assert_eq!(detect_text("Prezydent powiedział, że rozmowy odbędą się wiosną w stolicy, ale jeszcze nie wiadomo kiedy."), "pl");
        let urdu = "لاہور سے ملتان جانے والی بس کو حادثہ پیش آیا جس میں کئی مسافر زخمی ہو گئے۔";
        assert_eq!(detect_text(urdu), "ur");
        // Folded as the event stage reads it, too.
        assert_eq!(detect_text(&crate::tokenize::fold_arabic(urdu)), "ur");
        assert!(for_language("ur").contains("میں"));
        assert!(for_language("ur").contains("ميں"));
    }

    #[test]
    fn every_listed_word_is_found_on_its_lists_and_no_other_word_is() {
        for (i, &language) in LANGUAGES.iter().enumerate() {
            for &word in stop_words::lookup(language).unwrap() {
                assert_ne!(lists_of(word) & 1 << i, 0, "{language}: {word}");
            }
        }
        // Short and long, in one script and another, and a listed word with
        // a NUL after it, which packs as the word does but is longer.
        for word in [
            "president",
            "talks",
            "zz",
            "переговоры",
            "the\0",
            "",
            "themselvesx",
        ] {
            assert_eq!(lists_of(word), 0, "{word:?}");
        }
        assert_ne!(lists_of("themselves"), 0);
    }

    #[test]
    fn unknown_text_falls_back_to_english() {
        assert_eq!(detect_text("12345 67890"), "en");
        assert!(for_language("xx").contains("the"));
    }
}
