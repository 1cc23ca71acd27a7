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
/// for Polish, Ukrainian, Urdu (with [`URDU_EXTRA`]), Czech, Slovak,
/// Croatian and Hindi. A page in a language without a list shows no
/// stopwords at all: the cleaner finds no prose in it and leaves the whole
/// page, menus and all, and the event stage keeps its function words as
/// terms. Not here yet: Persian, whose list shares a script with Urdu's
/// and Arabic's and has not been tried on Persian text (on the Urdu
/// fixtures it matches 4 to 11 words where Urdu's matches 12 to 44), and
/// languages a list cannot match word by word (Vietnamese lists syllable
/// pairs; Korean attaches particles to words; Chinese and Japanese are
/// read by their function characters, see `clean::classify`).
pub const LANGUAGES: [&str; 26] = [
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "ur", "sv", "no", "da", "fi", "hu",
    "ro", "tr", "id", "el", "ar", "he", "cs", "sk", "hr", "hi",
];

/// The lists a word is on, one bit a language of [`LANGUAGES`].
pub(crate) type ListBits = u32;

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
    bit: ListBits,
}

impl Stopwords {
    pub fn contains(&self, lowercase_word: &str) -> bool {
        self.has(lists_of(lowercase_word))
    }

    /// Whether this list is among `lists` ([`lists_of`] a word).
    pub(crate) fn has(&self, lists: ListBits) -> bool {
        lists & self.bit != 0
    }
}

/// The lists that have `lowercase_word`, as bits (none: 0): one lookup
/// that serves both the language guess and the density of any list. The
/// cleaner asks it of every word of every page.
pub(crate) fn lists_of(lowercase_word: &str) -> ListBits {
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
    long: WordMap<&'static str, ListBits>,
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
    lists: Vec<ListBits>,
    /// 64 minus the table's bits: a key's home slot is the top bits of its
    /// Fibonacci hash.
    shift: u32,
}

impl ShortWords {
    fn new(words: &WordMap<&'static str, ListBits>) -> ShortWords {
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
    fn get(&self, word: &[u8]) -> ListBits {
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
        let mut table: WordMap<&'static str, ListBits> = WordMap::default();
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
/// language unless another's leads it by [`MIN_LEAD`] words.
pub fn detect<'a>(lowercase_words: impl IntoIterator<Item = &'a str>) -> &'static Stopwords {
    detect_lists(lowercase_words.into_iter().map(lists_of))
}

/// How many more of a text's words another language's list must match than
/// the default's before the text is taken for that language: with
/// twenty-six lists, a one-line article of a dozen words ("PHILADELPHIA
/// 76ERS Fired Jim O'Brien, coach.", ECB+) has two words on Croatian's list
/// and one on English's, and a wrong language keeps an article from its
/// event (the event stage compares terms within a language). A sentence
/// of Russian matches two words of its list and none of English's.
const MIN_LEAD: usize = 2;

/// [`detect`] of the words whose [`lists_of`] are `words`.
pub(crate) fn detect_lists(words: impl IntoIterator<Item = ListBits>) -> &'static Stopwords {
    let lists = all();
    let mut hits = vec![0usize; lists.len()];
    for mut bits in words {
        // Each list the word is on, lowest bit first.
        while bits != 0 {
            hits[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
    }
    // `max_by_key` keeps the last maximum; scan in reverse so the earlier
    // (English first) list wins ties.
    let best = (0..lists.len()).rev().max_by_key(|&i| hits[i]).unwrap_or(0);
    let default = for_language(DEFAULT_LANGUAGE);
    let default_hits = hits[default.bit.trailing_zeros() as usize];
    if hits[best] < default_hits + MIN_LEAD {
        default
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
        // One sentence of news in each of the other languages with a list.
        for (text, language) in [
            ("Presidenten sade att förhandlingarna kommer att hållas i huvudstaden under våren, men det är ännu inte klart när.", "sv"),
            ("Præsidenten sagde, at forhandlingerne vil blive holdt i hovedstaden i foråret, men det er endnu ikke klart hvornår.", "da"),
            ("Presidenten sa at forhandlingene skal holdes i hovedstaden til våren, men det er ennå ikke klart når de starter.", "no"),
            ("Presidentti sanoi, että neuvottelut pidetään pääkaupungissa keväällä, mutta vielä ei ole selvää milloin.", "fi"),
            ("Az elnök azt mondta, hogy a tárgyalásokat tavasszal tartják a fővárosban, de még nem világos, hogy mikor.", "hu"),
            ("Președintele a spus că negocierile vor avea loc în capitală în primăvară, dar încă nu este clar când.", "ro"),
            ("Cumhurbaşkanı, görüşmelerin baharda başkentte yapılacağını söyledi, ama ne zaman olacağı daha belli değil.", "tr"),
            ("Presiden mengatakan bahwa perundingan akan diadakan di ibu kota pada musim semi, tetapi belum jelas kapan.", "id"),
            ("Ο πρόεδρος είπε ότι οι συνομιλίες θα γίνουν την άνοιξη στην πρωτεύουσα, αλλά δεν είναι ακόμη σαφές πότε.", "el"),
            ("قال الرئيس إن المحادثات ستعقد في العاصمة في الربيع، لكن لم يتضح بعد متى.", "ar"),
            ("הנשיא אמר כי השיחות יתקיימו בבירה באביב, אך עדיין לא ברור מתי.", "he"),
            ("Prezident řekl, že jednání se uskuteční na jaře v hlavním městě, ale zatím není jasné, kdy.", "cs"),
            ("Prezident povedal, že rokovania sa uskutočnia na jar v hlavnom meste, ale zatiaľ nie je jasné, kedy.", "sk"),
            ("Predsjednik je rekao da će se pregovori održati u proljeće u glavnom gradu, ali još nije jasno kada.", "hr"),
            ("राष्ट्रपति ने कहा कि बातचीत वसंत में राजधानी में होगी, लेकिन अभी यह स्पष्ट नहीं है कि कब।", "hi"),
        ] {
            assert_eq!(detect_text(text), language, "{text}");
        }
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
        assert_eq!(
            detect_text("PHILADELPHIA 76ERS Fired Jim O'Brien, coach. Named Maurice Cheeks coach."),
            "en"
        );
        assert!(for_language("xx").contains("the"));
    }
}
