//! A deterministic corpus of news-like articles with known answers, for
//! benchmarks and for checking quality at scale.
//!
//! ```text
//! cargo run --release --example gencorpus -- --articles 100000 --out /tmp/corpus [--txt] [--seed 7]
//! ```
//! writes `corpus.jsonl` (`id`, `title`, `date`, `source`, `text`), `gold.jsonl`
//! (`id`, `cluster` = event, `group` = near-duplicate group) and, with
//! `--txt`, one `.txt` file per article under `txt/`. Articles are about 3.7 KB.
//! Each event is told by one to eight outlets in their own words (shared
//! names, numbers and topic terms, different sentences); about one article in
//! seven is a syndicated copy of another report of its event, under a
//! different header and footer, with one word in a hundred edited. The same seed always writes the same bytes.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// Zipf-like pick of an index below `n`: frequent words are frequent.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize
    }
}

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

fn word(rng: &mut Rng, syllables: usize) -> String {
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

/// What every report of one event shares.
struct Event {
    names: Vec<String>,
    terms: Vec<String>,
    numbers: Vec<String>,
    day: u32,
}

impl Event {
    fn new(rng: &mut Rng, vocabulary: &[String]) -> Event {
        let names = (0..4)
            .map(|_| {
                format!(
                    "{} {}",
                    capitalise(&word(rng, 2)),
                    capitalise(&word(rng, 3))
                )
            })
            .collect();
        let terms = (0..12)
            .map(|_| vocabulary[200 + rng.below(vocabulary.len() - 200)].clone())
            .collect();
        let numbers = (0..3)
            .map(|_| (10 + rng.below(99_990)).to_string())
            .collect();
        Event {
            names,
            terms,
            numbers,
            day: rng.below(3 * 365) as u32,
        }
    }

    fn date(&self) -> String {
        let (year, day) = (2021 + self.day / 365, self.day % 365);
        format!("{year}-{:02}-{:02}", 1 + day / 31 % 12, 1 + day % 28)
    }
}

fn sentence(rng: &mut Rng, vocabulary: &[String], event: &Event) -> String {
    let len = 12 + rng.below(16);
    let mut words: Vec<String> = Vec::with_capacity(len);
    for _ in 0..len {
        let roll = rng.below(100);
        words.push(match roll {
            0..=44 => STOPWORDS[rng.zipf(STOPWORDS.len())].to_string(),
            45..=52 => event.terms[rng.below(event.terms.len())].clone(),
            53..=55 => event.names[rng.below(event.names.len())].clone(),
            56 => event.numbers[rng.below(event.numbers.len())].clone(),
            _ => vocabulary[rng.zipf(vocabulary.len())].clone(),
        });
    }
    let mut s = capitalise(&words.join(" "));
    s.push('.');
    s
}

fn body(rng: &mut Rng, vocabulary: &[String], event: &Event) -> String {
    let mut text = String::with_capacity(4096);
    while text.len() < 3300 {
        let sentences = 2 + rng.below(3);
        let paragraph: Vec<String> = (0..sentences)
            .map(|_| sentence(rng, vocabulary, event))
            .collect();
        text.push_str(&paragraph.join(" "));
        text.push_str("\n\n");
    }
    text
}

/// A syndicated copy: the same body with a few words changed.
fn edit(rng: &mut Rng, body: &str, vocabulary: &[String]) -> String {
    body.split(' ')
        .map(|w| {
            if rng.chance(0.01) {
                vocabulary[rng.zipf(vocabulary.len())].as_str()
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn wrap(outlet: &str, title: &str, body: &str) -> String {
    format!(
        "{title}\n\n{outlet} staff report\n\n{body}Share this article on Facebook Twitter WhatsApp\n\
         Sign up for the {outlet} newsletter.\n© {outlet}. All rights reserved.\n"
    )
}

struct Args {
    articles: usize,
    out: PathBuf,
    txt: bool,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        articles: 10_000,
        out: PathBuf::from("corpus"),
        txt: false,
        seed: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--articles" => {
                args.articles = value()?.parse().map_err(|e| format!("--articles: {e}"))?
            }
            "--out" => args.out = PathBuf::from(value()?),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--txt" => args.txt = true,
            other => {
                return Err(format!(
                    "unknown argument {other}; use --articles N --out DIR [--txt] [--seed S]"
                ))
            }
        }
    }
    Ok(args)
}

fn main() -> std::io::Result<()> {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gencorpus: {e}");
            std::process::exit(2);
        }
    };
    let mut rng = Rng(args.seed);
    let vocabulary: Vec<String> = (0..50_000).map(|i| word(&mut rng, 2 + i % 3)).collect();
    fs::create_dir_all(&args.out)?;
    if args.txt {
        fs::create_dir_all(args.out.join("txt"))?;
    }
    let mut corpus = BufWriter::new(File::create(args.out.join("corpus.jsonl"))?);
    let mut gold = BufWriter::new(File::create(args.out.join("gold.jsonl"))?);
    let (mut written, mut event_number) = (0, 0);
    while written < args.articles {
        let event = Event::new(&mut rng, &vocabulary);
        event_number += 1;
        let reports = 1 + rng.zipf(8);
        let mut previous: Option<(String, String)> = None; // (id, body) to syndicate
        for _ in 0..reports {
            if written == args.articles {
                break;
            }
            let id = format!("a{written:07}");
            let outlet = OUTLETS[rng.below(OUTLETS.len())];
            let (text_body, group) = match &previous {
                Some((original, text)) if rng.chance(0.25) => {
                    (edit(&mut rng, text, &vocabulary), original.clone())
                }
                _ => (body(&mut rng, &vocabulary, &event), id.clone()),
            };
            let title = format!("{} {} {}", event.names[0], event.terms[0], event.terms[1]);
            let text = wrap(outlet, &capitalise(&title), &text_body);
            let row = serde_json::json!({
                "id": id, "title": capitalise(&title), "date": event.date(), "source": outlet, "text": text,
            });
            writeln!(corpus, "{row}")?;
            writeln!(
                gold,
                "{}",
                serde_json::json!({"id": id, "cluster": format!("e{event_number}"), "group": group})
            )?;
            if args.txt {
                fs::write(args.out.join("txt").join(format!("{id}.txt")), &text)?;
            }
            if group == id {
                previous = Some((id, text_body));
            }
            written += 1;
        }
    }
    corpus.flush()?;
    gold.flush()?;
    eprintln!(
        "gencorpus: {written} articles in {event_number} events written to {}",
        args.out.display()
    );
    Ok(())
}
