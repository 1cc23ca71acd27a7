//! A deterministic, synthetic news corpus for benchmarks and tests.
//!
//! Input: a corpus size and a seed. Output: article texts of about 3.7 KB,
//! each with its outlet's header and footer lines (boilerplate shared by every
//! article of that outlet), a title and paragraphs of Zipf-distributed
//! pseudo-words. About one article in ten is a copy of an earlier one: a
//! repost under another outlet, an edit (1–12% of words replaced, which
//! spans the default Jaccard threshold), the whole body inside an article
//! twice as long, or its first half as a brief. Invariant: the same size and seed give the same texts on
//! every machine (the generator is SplitMix64, no platform randomness).

/// Number of outlets; each has its own header and footer.
const OUTLETS: usize = 50;
/// Distinct pseudo-words.
const VOCABULARY: usize = 20_000;
/// Words of an original article's body (about 3.7 KB of text with the
/// vocabulary's average word length).
const BODY_WORDS: usize = 560;

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
}

/// How an article relates to the rest of the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Original,
    /// The same body under another outlet's header and footer.
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

/// A generated article: its text and where it came from.
#[derive(Debug, Clone)]
pub struct SynthArticle {
    pub text: String,
    pub origin: Origin,
}

/// `n` articles generated from `seed`.
pub fn news_corpus(n: usize, seed: u64) -> Vec<SynthArticle> {
    let mut rng = SplitMix64::new(seed);
    let words = vocabulary(&mut rng);
    let outlets: Vec<(String, String)> = (0..OUTLETS)
        .map(|_| {
            (
                sentence(&mut rng, &words, 12),
                sentence(&mut rng, &words, 30),
            )
        })
        .collect();
    let mut bodies: Vec<String> = Vec::with_capacity(n);
    let mut corpus = Vec::with_capacity(n);
    for i in 0..n {
        let (body, origin) = if i > 0 && rng.chance(0.1) {
            let of = rng.below(i);
            copy_of(&mut rng, &words, &bodies[of], of)
        } else {
            (body(&mut rng, &words, BODY_WORDS), Origin::Original)
        };
        let (header, footer) = &outlets[rng.below(OUTLETS)];
        corpus.push(SynthArticle {
            text: format!("{header}\n\n{body}\n{footer}\n"),
            origin,
        });
        bodies.push(body);
    }
    corpus
}

fn copy_of(rng: &mut SplitMix64, words: &[String], original: &str, of: usize) -> (String, Origin) {
    match rng.below(4) {
        0 => (original.to_string(), Origin::Repost { of }),
        1 => {
            let rate = 0.01 + 0.11 * rng.unit();
            (edit(rng, words, original, rate), Origin::Edit { of })
        }
        2 => {
            let more = body(rng, words, BODY_WORDS);
            (format!("{original}{more}"), Origin::Embed { of })
        }
        _ => {
            let lines: Vec<&str> = original.lines().collect();
            let half = lines[..lines.len().div_ceil(2)].join("\n");
            (format!("{half}\n"), Origin::Excerpt { of })
        }
    }
}

/// Pseudo-words of 2–10 letters built from syllables, so that they look and
/// tokenize like words.
fn vocabulary(rng: &mut SplitMix64) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "to", "ri", "mon", "sel", "de", "pra", "vin", "lu", "ter", "os", "na", "bel", "gor",
        "fi", "ment", "ar", "ul", "zen", "co", "dra", "pe", "ston", "i",
    ];
    (0..VOCABULARY)
        .map(|_| {
            let syllables = 1 + rng.below(3);
            (0..syllables)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect()
        })
        .collect()
}

/// A Zipf-like word: log-uniform rank, so frequency falls as 1/rank.
fn word<'w>(rng: &mut SplitMix64, words: &'w [String]) -> &'w str {
    let rank = (words.len() as f64).powf(rng.unit()) as usize - 1;
    &words[rank.min(words.len() - 1)]
}

fn sentence(rng: &mut SplitMix64, words: &[String], len: usize) -> String {
    let mut out = String::new();
    for i in 0..len {
        let w = word(rng, words);
        if i == 0 {
            let mut chars = w.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
        } else {
            out.push(' ');
            if rng.chance(0.03) {
                out.push_str(&rng.below(10_000).to_string());
                continue;
            }
            out.push_str(w);
        }
        if i + 1 < len && rng.chance(0.06) {
            out.push(',');
        }
    }
    out.push('.');
    out
}

/// A title line and paragraphs (one a line) of about `target` words.
fn body(rng: &mut SplitMix64, words: &[String], target: usize) -> String {
    let title_words = 6 + rng.below(6);
    let mut out = sentence(rng, words, title_words);
    out.pop(); // titles have no full stop
    out.push('\n');
    let mut written = 0;
    while written < target {
        let sentences = 2 + rng.below(3);
        for s in 0..sentences {
            let len = 8 + rng.below(18);
            if s > 0 {
                out.push(' ');
            }
            out.push_str(&sentence(rng, words, len));
            written += len;
        }
        out.push('\n');
    }
    out
}

/// `text` with a fraction `rate` of its words replaced.
fn edit(rng: &mut SplitMix64, words: &[String], text: &str, rate: f64) -> String {
    text.lines()
        .map(|line| {
            line.split(' ')
                .map(|w| {
                    if rng.chance(rate) {
                        word(rng, words)
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_is_deterministic_and_news_sized() {
        let a = news_corpus(200, 7);
        let b = news_corpus(200, 7);
        assert!(a.iter().zip(&b).all(|(x, y)| x.text == y.text));
        let mean = a.iter().map(|x| x.text.len()).sum::<usize>() / a.len();
        assert!((3_000..4_500).contains(&mean), "mean article size {mean}");
        let copies = a.iter().filter(|x| x.origin != Origin::Original).count();
        assert!((5..50).contains(&copies), "{copies} copies");
    }
}
