//! A deterministic, synthetic news corpus for benchmarks and tests: the one
//! generator behind `tests/`, `examples/bench_neardup.rs` and
//! `examples/gencorpus.rs` (which writes it as JSONL with gold labels).
//!
//! Input: a seed; [`Generator`] yields articles without end, [`news_corpus`]
//! takes the first `n`. Output: articles of about 3.7 KB (a title, an
//! outlet's byline and footer lines, paragraphs of Zipf-distributed
//! pseudo-words and English function words), grouped into events: each
//! event is reported by one to several outlets (Zipf, most by one), and
//! every report of one event shares the event's names, numbers and terms
//! while telling it in its own words (Jaccard near 0, the same story). A
//! quarter of the later reports of an event are instead copies of an
//! earlier one: a repost under another outlet, an edit (1–12% of words
//! replaced, which spans the default Jaccard threshold), the whole body with
//! as much new text after it, or its first half as a brief.
//!
//! Invariant: the same seed gives the same articles on every machine (the
//! generator is SplitMix64, no platform randomness).

/// Distinct pseudo-words.
const VOCABULARY: usize = 50_000;
/// Bytes of a report's body before its wrapper (about 3.7 KB with it).
const BODY_BYTES: usize = 3300;
/// Share of an event's later reports that copy an earlier one.
const COPY_SHARE: f64 = 0.25;
/// Most reports of one event (Zipf, so most events have one or two).
const MAX_REPORTS: usize = 8;

const STOPWORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "as", "was", "by", "at",
    "from", "said", "it", "is", "has", "had", "have", "were", "be", "will", "after", "its",
    "their", "which", "but", "not", "this", "who", "an", "they", "would", "been", "more", "also",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mer", "ta", "vin", "sor", "el", "an", "dru", "pe", "ric", "ost", "ba", "ne", "lu",
    "gar", "tes", "mi", "rod", "ha", "ven", "sil", "cor", "da", "fen", "ur", "pol", "ist",
];
const OUTLETS: &[&str] = &[
    "Daily Ledger",
    "Evening Courier",
    "Northern Post",
    "Harbour Times",
    "Metro Wire",
    "Valley Herald",
    "Coastal Record",
    "Capital Bulletin",
    "City Observer",
    "Global Dispatch",
];

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and the same stream
/// everywhere, which is all a test corpus needs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by Lemire's multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Zipf-like rank in `0..n` (`n > 0`): log-uniform, so that the
    /// frequency of a rank falls as 1/rank.
    pub fn zipf(&mut self, n: usize) -> usize {
        ((n as f64).powf(self.unit()) as usize - 1).min(n - 1)
    }
}

/// How an article relates to the rest of the corpus (`of`: the index of
/// the report it copies, always an original report of the same event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Original,
    /// The same body under another outlet's title line and wrapper.
    Repost {
        of: usize,
    },
    /// The body with some of its words replaced.
    Edit {
        of: usize,
    },
    /// The body followed by as much new text.
    Embed {
        of: usize,
    },
    /// The first half of the body's lines.
    Excerpt {
        of: usize,
    },
}

impl Origin {
    /// The index of the article this one copies, if it is a copy.
    pub fn of(self) -> Option<usize> {
        match self {
            Origin::Original => None,
            Origin::Repost { of }
            | Origin::Edit { of }
            | Origin::Embed { of }
            | Origin::Excerpt { of } => Some(of),
        }
    }
}

/// A generated article.
#[derive(Debug, Clone)]
pub struct SynthArticle {
    /// `a0000000`, `a0000001`, ...: the article's index, zero-padded.
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`, the event's day.
    pub date: String,
    /// The outlet.
    pub source: String,
    /// The event's number, from 1.
    pub event: usize,
    pub text: String,
    pub origin: Origin,
}

/// The first `n` articles of the corpus generated from `seed`.
pub fn news_corpus(n: usize, seed: u64) -> Vec<SynthArticle> {
    Generator::new(seed).take(n).collect()
}

/// What every report of one event shares.
struct Event {
    number: usize,
    names: Vec<String>,
    terms: Vec<String>,
    numbers: Vec<String>,
    day: u32,
    /// Reports still to come.
    reports: usize,
    /// The original reports so far: their indices and bodies, to copy.
    originals: Vec<(usize, String)>,
}

/// The corpus as an endless stream of articles, one event at a time; only
/// the current event's bodies are kept, so a corpus of any size streams.
pub struct Generator {
    rng: SplitMix64,
    vocabulary: Vec<String>,
    event: Option<Event>,
    events: usize,
    index: usize,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let vocabulary = (0..VOCABULARY)
            .map(|i| pseudo_word(&mut rng, 2 + i % 3))
            .collect();
        Generator {
            rng,
            vocabulary,
            event: None,
            events: 0,
            index: 0,
        }
    }

    fn new_event(&mut self) -> Event {
        let rng = &mut self.rng;
        let names = (0..4)
            .map(|_| {
                let (first, last) = (pseudo_word(rng, 2), pseudo_word(rng, 3));
                format!("{} {}", capitalise(&first), capitalise(&last))
            })
            .collect();
        let v = &self.vocabulary;
        let terms = (0..12)
            .map(|_| v[200 + rng.below(v.len() - 200)].clone())
            .collect();
        let numbers = (0..3)
            .map(|_| (10 + rng.below(99_990)).to_string())
            .collect();
        self.events += 1;
        Event {
            number: self.events,
            names,
            terms,
            numbers,
            day: rng.below(3 * 365) as u32,
            reports: 1 + rng.zipf(MAX_REPORTS),
            originals: Vec::new(),
        }
    }
}

impl Iterator for Generator {
    type Item = SynthArticle;

    fn next(&mut self) -> Option<SynthArticle> {
        if self.event.as_ref().is_none_or(|e| e.reports == 0) {
            self.event = Some(self.new_event());
        }
        let mut event = self.event.take().expect("an event");
        event.reports -= 1;
        let (rng, vocabulary) = (&mut self.rng, &self.vocabulary);
        let index = self.index;
        let (text_body, origin) = if !event.originals.is_empty() && rng.chance(COPY_SHARE) {
            let (of, original) = &event.originals[rng.below(event.originals.len())];
            copy_of(rng, vocabulary, &event, original, *of)
        } else {
            let text = body(rng, vocabulary, &event);
            event.originals.push((index, text.clone()));
            (text, Origin::Original)
        };
        let outlet = OUTLETS[rng.below(OUTLETS.len())];
        let title = capitalise(&format!(
            "{} {} {}",
            event.names[0], event.terms[0], event.terms[1]
        ));
        let article = SynthArticle {
            id: format!("a{index:07}"),
            text: wrap(outlet, &title, &text_body),
            title,
            date: event.date(),
            source: outlet.to_string(),
            event: event.number,
            origin,
        };
        self.event = Some(event);
        self.index += 1;
        Some(article)
    }
}

impl Event {
    fn date(&self) -> String {
        let (year, day) = (2021 + self.day / 365, self.day % 365);
        format!("{year}-{:02}-{:02}", 1 + day / 31 % 12, 1 + day % 28)
    }
}

fn copy_of(
    rng: &mut SplitMix64,
    vocabulary: &[String],
    event: &Event,
    original: &str,
    of: usize,
) -> (String, Origin) {
    match rng.below(4) {
        0 => (original.to_string(), Origin::Repost { of }),
        1 => {
            let rate = 0.01 + 0.11 * rng.unit();
            (edit(rng, vocabulary, original, rate), Origin::Edit { of })
        }
        2 => {
            let more = body(rng, vocabulary, event);
            (format!("{original}{more}"), Origin::Embed { of })
        }
        _ => {
            let lines: Vec<&str> = original.lines().collect();
            let half = lines[..lines.len().div_ceil(2)].join("\n");
            (format!("{half}\n"), Origin::Excerpt { of })
        }
    }
}

fn pseudo_word(rng: &mut SplitMix64, syllables: usize) -> String {
    (0..syllables)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A sentence of the event: function words, the event's terms, names and
/// numbers, and Zipf-distributed vocabulary.
fn sentence(rng: &mut SplitMix64, vocabulary: &[String], event: &Event) -> String {
    let len = 12 + rng.below(16);
    let mut words: Vec<&str> = Vec::with_capacity(len);
    for _ in 0..len {
        words.push(match rng.below(100) {
            0..=44 => STOPWORDS[rng.zipf(STOPWORDS.len())],
            45..=52 => &event.terms[rng.below(event.terms.len())],
            53..=55 => &event.names[rng.below(event.names.len())],
            56 => &event.numbers[rng.below(event.numbers.len())],
            _ => &vocabulary[rng.zipf(vocabulary.len())],
        });
    }
    let mut s = capitalise(&words.join(" "));
    s.push('.');
    s
}

/// Paragraphs of two to four sentences, a blank line after each, to about
/// [`BODY_BYTES`].
fn body(rng: &mut SplitMix64, vocabulary: &[String], event: &Event) -> String {
    let mut text = String::with_capacity(BODY_BYTES + 700);
    while text.len() < BODY_BYTES {
        let sentences = 2 + rng.below(3);
        let paragraph: Vec<String> = (0..sentences)
            .map(|_| sentence(rng, vocabulary, event))
            .collect();
        text.push_str(&paragraph.join(" "));
        text.push_str("\n\n");
    }
    text
}

/// `text` with a fraction `rate` of its words replaced (line breaks kept).
fn edit(rng: &mut SplitMix64, vocabulary: &[String], text: &str, rate: f64) -> String {
    text.split(' ')
        .map(|w| {
            if rng.chance(rate) {
                vocabulary[rng.zipf(vocabulary.len())].as_str()
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The article as an outlet prints it: title, byline, body, footer.
fn wrap(outlet: &str, title: &str, body: &str) -> String {
    format!(
        "{title}\n\n{outlet} staff report\n\n{body}Share this article on Facebook Twitter WhatsApp\n\
         Sign up for the {outlet} newsletter.\n© {outlet}. All rights reserved.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_is_deterministic_and_news_sized() {
        let a = news_corpus(400, 7);
        let b = news_corpus(400, 7);
        assert!(a.iter().zip(&b).all(|(x, y)| x.text == y.text));
        let mean = a.iter().map(|x| x.text.len()).sum::<usize>() / a.len();
        assert!((3_000..4_500).contains(&mean), "mean article size {mean}");
        let copies = a.iter().filter(|x| x.origin != Origin::Original).count();
        assert!((20..120).contains(&copies), "{copies} copies");
        let events = a.last().map_or(0, |x| x.event);
        assert!((100..300).contains(&events), "{events} events");
        for (i, x) in a.iter().enumerate() {
            if let Some(of) = x.origin.of() {
                assert!(of < i && a[of].event == x.event && a[of].origin == Origin::Original);
            }
        }
    }
}
