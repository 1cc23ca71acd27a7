//! dedup: find duplicate and same-story news articles in a corpus.
//!
//! The pipeline, one module a stage, read top to bottom in [`cluster`]:
//! [`read`] → [`clean`] → [`neardup`] → [`events`] → [`report`].

pub mod article;
pub mod clean;
pub mod config;
pub mod error;
pub mod eval;
pub mod events;
pub mod exit;
pub mod explain;
pub mod id;
pub mod index;
pub mod keymap;
pub mod neardup;
pub mod progress;
pub mod read;
pub mod record;
pub mod report;
pub mod shard;
pub mod show;
pub(crate) mod spill;
pub mod stopwords;
pub mod synth;
pub mod tokenize;
pub mod unique;

use rayon::prelude::*;

use article::Article;
use config::Pipeline;
use error::SpillError;
use events::dates::{self, Day};
use events::{Event, EventArticle, EventDoc};
use neardup::engine::{Collector, Sketch, Sketcher};
use neardup::frame::PageLines;
use neardup::shingle::Joined;
use neardup::{Group, Pair};
use progress::Progress;
use record::Record;

/// What the pipeline found in a corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Near-duplicate groups (two or more articles each).
    pub groups: Vec<Group>,
    /// Pairs kept apart: their compared texts met the copy rule only
    /// through their site's furniture (two pages of one template).
    pub kept_apart: Vec<Pair>,
    /// Event clusters: a partition of the corpus; each group lies inside one.
    pub events: Vec<Event>,
    /// One record per article, in corpus order.
    pub records: Vec<Record>,
}

/// Articles [`cluster`] hands the cleaner's evidence at a time, so that
/// its bar moves: the work is per article, so any size does the same.
const CLEAN_BATCH: usize = 1024;

/// Runs the stages after reading on a corpus held in memory: clean,
/// near-duplicates, events. The same as [`run`] on the same articles.
pub fn cluster(
    articles: &[Article],
    pipeline: &Pipeline,
    progress: &Progress,
) -> Result<Clustering, SpillError> {
    let cleaner = match pipeline.clean {
        true => {
            progress.start("clean", articles.len());
            let mut gatherer = clean::Gatherer::new()?;
            for batch in articles.chunks(CLEAN_BATCH) {
                gatherer.add(batch)?;
                progress.advance(batch.len());
            }
            Some(gatherer.finish()?)
        }
        false => None,
    };
    progress.start("analyse", articles.len());
    let mut analysis = Analysis::new(pipeline, cleaner.as_ref())?;
    analysis.add(articles.to_vec(), progress);
    analysis.finish(progress)
}

/// What [`run`] found.
pub struct Outcome {
    /// The problems the inputs had, and the inputs themselves (no articles).
    pub problems: read::Corpus<'static>,
    /// The clustering, unless the run could not finish.
    pub clustering: Result<Clustering, SpillError>,
    /// Each article's cleaned text, as pass 2 cleaned it, when the run was
    /// asked to keep them ([`run`]'s `keep_cleaned`, with cleaning on).
    pub cleaned: Option<CleanedTexts>,
}

/// The cleaned text of every article of a run, by its place in the corpus,
/// kept in a temporary file: `--write-cleaned` writes them without
/// cleaning anything twice.
pub struct CleanedTexts(spill::SealedRecords);

impl CleanedTexts {
    /// The cleaned text of article `index`.
    pub fn get(&self, index: usize) -> Result<String, SpillError> {
        let mut bytes = Vec::new();
        self.0.read(index, &mut bytes)?;
        String::from_utf8(bytes)
            .map_err(|e| SpillError(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
    }
}

/// Reads `inputs` and runs every stage, holding one batch of articles at a
/// time: pass 1 gathers the cleaner's corpus evidence, pass 2 reads the
/// inputs again and analyses each article into its [`Record`], its shingles
/// and its event features, written to temporary files ([`spill`]), then
/// drops its text. With `keep_cleaned` (and cleaning on), the cleaned texts
/// are kept too, in a temporary file ([`Outcome::cleaned`]).
pub fn run(
    inputs: &read::Inputs,
    options: &read::ReadOptions,
    pipeline: &Pipeline,
    keep_cleaned: bool,
    progress: &Progress,
) -> Outcome {
    progress.start("read", 0);
    let (first, cleaner) = match pipeline.clean {
        true => match gather(inputs, options, progress) {
            (problems, Ok(cleaner)) => (Some(problems), Some(cleaner)),
            (problems, Err(e)) => {
                return Outcome {
                    problems,
                    clustering: Err(e),
                    cleaned: None,
                }
            }
        },
        false => (None, None),
    };
    // Pass 1 counted the articles; without it their number is unknown.
    let articles = progress.snapshot().map_or(0, |s| s.done);
    progress.start("clean", articles);
    let keep_cleaned = keep_cleaned && cleaner.is_some();
    let analysis = Analysis::new(pipeline, cleaner.as_ref()).and_then(|mut analysis| {
        if keep_cleaned {
            analysis.cleaned = Some(spill::Records::new()?);
        }
        Ok(analysis)
    });
    let (second, clustering, cleaned) = match analysis {
        Ok(mut analysis) => {
            let second =
                read::read_batches(inputs, options, &mut |batch| analysis.add(batch, progress));
            analysis.flush();
            let cleaned = analysis.cleaned.take().map(spill::Records::seal);
            let cleaned = cleaned.transpose().map_err(SpillError::from);
            match (analysis.finish(progress), cleaned) {
                (Ok(clustering), Ok(cleaned)) => (second, Ok(clustering), cleaned),
                (Err(e), _) | (_, Err(e)) => (second, Err(e), None),
            }
        }
        Err(e) => (read::Corpus::default(), Err(e), None),
    };
    Outcome {
        // Both passes read the same inputs: the first pass's problems stand.
        problems: first.unwrap_or(second),
        clustering,
        cleaned: cleaned.map(CleanedTexts),
    }
}

/// Pass 1: the cleaner's corpus evidence, and the problems of the inputs.
pub(crate) fn gather(
    inputs: &read::Inputs,
    options: &read::ReadOptions,
    progress: &Progress,
) -> (read::Corpus<'static>, Result<clean::Cleaner, SpillError>) {
    let mut gatherer = match clean::Gatherer::new() {
        Ok(gatherer) => gatherer,
        Err(e) => return (read::Corpus::default(), Err(e)),
    };
    let mut failed = None;
    let problems = read::read_batches(inputs, options, &mut |batch| {
        if failed.is_none() {
            failed = gatherer.add(&batch).err();
        }
        progress.advance(batch.len());
    });
    let cleaner = match failed {
        Some(e) => Err(e),
        None => gatherer.finish(),
    };
    (problems, cleaner)
}

/// Pass 2, article by article: the record and near-duplicate sketch of
/// each, and its event features when the event stage will run; no text is
/// kept.
struct Analysis<'p> {
    pipeline: &'p Pipeline,
    cleaner: Option<&'p clean::Cleaner>,
    records: Vec<Record>,
    neardup: Collector,
    /// The first error writing the temporary files met: the rest of the
    /// corpus is read, not analysed.
    failed: Option<SpillError>,
    /// What the event stage needs of each article, when it will run.
    events: Option<EventInputs>,
    /// Each article's cleaned text, when the run keeps them.
    cleaned: Option<spill::Records>,
    /// The last batch analysed, not yet stored.
    pending: Vec<Analysed>,
}

/// What pass 2 makes of one article.
struct Analysed {
    record: Record,
    sketch: Sketch,
    titled: Option<(Vec<u8>, Option<Day>)>,
    cleaned: Option<String>,
}

/// What the event stage needs of each article, kept in pass 2 so that no
/// text is held: its title and cleaned text in a temporary file
/// ([`encode_titled`]), its publication day. Features are extracted once the
/// near-duplicate groups are known, and only of the articles the event
/// stage reads, one of each group ([`events::speakers`]): on the 100k kit
/// corpus two articles in five are copies, and extracting theirs was about
/// a quarter of a whole run's second pass (4.7 s of 17.4 s).
struct EventInputs {
    titled: spill::Records,
    published: Vec<Option<events::dates::Day>>,
}

impl<'p> Analysis<'p> {
    fn new(
        pipeline: &'p Pipeline,
        cleaner: Option<&'p clean::Cleaner>,
    ) -> Result<Self, SpillError> {
        Ok(Analysis {
            pipeline,
            cleaner,
            records: Vec::new(),
            neardup: Collector::new(&pipeline.neardup)?,
            failed: None,
            events: match pipeline.events {
                Some(_) => Some(EventInputs {
                    titled: spill::Records::new()?,
                    published: Vec::new(),
                }),
                None => None,
            },
            cleaned: None,
            pending: Vec::new(),
        })
    }

    /// Analyses the next articles, in corpus order, in parallel, counting
    /// each in `progress` as it is done. The articles analysed before them
    /// are stored meanwhile ([`Analysis::store`]): storing is one thread's
    /// work, which would leave the other cores idle (see [`Analysis::flush`]).
    fn add(&mut self, batch: Vec<Article>, progress: &Progress) {
        if self.failed.is_some() {
            return;
        }
        let (cleaner, params) = (self.cleaner, &self.pipeline.neardup);
        let events = self.pipeline.events.is_some();
        let keep_cleaned = self.cleaned.is_some();
        let first = self.records.len() + self.pending.len();
        let pending = std::mem::take(&mut self.pending);
        let analyse = || -> Vec<Analysed> {
            batch
                .into_par_iter()
                .enumerate()
                .map_init(
                    || {
                        (
                            Sketcher::new(params),
                            Joined::default(),
                            PageLines::default(),
                        )
                    },
                    |(sketcher, compared, page), (i, article)| {
                        let (text, headline, sketch) = match cleaner {
                            Some(cleaner) => {
                                // Compared without the site's furniture
                                // (`Cleaned::compared`), in the words the
                                // cleaner found; the page's lines tell a
                                // template pair from a copy.
                                let cleaned =
                                    cleaner.clean_with_words(first + i, &article, compared, page);
                                let sketch = sketcher.sketch_of(compared).with_lines(page);
                                (cleaned.text, cleaned.headline, sketch)
                            }
                            None => (article.text.clone(), None, sketcher.sketch(&article.text)),
                        };
                        let title = title(&article, headline, &text);
                        let titled = events.then(|| {
                            let doc = EventDoc::of(&article, title.as_deref(), &text);
                            let mut bytes = Vec::new();
                            encode_titled(doc.title, doc.text, &mut bytes);
                            (bytes, dates::published(doc.date, doc.raw))
                        });
                        progress.advance(1);
                        Analysed {
                            record: Record::new(&article, &text, title),
                            sketch,
                            titled,
                            cleaned: keep_cleaned.then_some(text),
                        }
                    },
                )
                .collect()
        };
        let ((), analysed) = rayon::join(|| self.store(pending), analyse);
        self.pending = analysed;
    }

    /// Stores the articles still pending: once every batch is added.
    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.store(pending);
    }

    /// Keeps what pass 2 made of each article, in corpus order: its record
    /// in memory, the rest in the temporary files.
    fn store(&mut self, analysed: Vec<Analysed>) {
        if self.failed.is_some() {
            return;
        }
        for analysed in analysed {
            self.records.push(analysed.record);
            let mut added = self.neardup.add(analysed.sketch);
            if let (Some(events), Some((bytes, published))) = (&mut self.events, analysed.titled) {
                added = added.and(events.titled.push(&bytes));
                events.published.push(published);
            }
            if let (Some(kept), Some(text)) = (&mut self.cleaned, analysed.cleaned) {
                added = added.and(kept.push(text.as_bytes()));
            }
            if let Err(e) = added {
                self.failed = Some(e.into());
                return;
            }
        }
    }

    fn finish(mut self, progress: &Progress) -> Result<Clustering, SpillError> {
        self.flush();
        if let Some(e) = self.failed {
            return Err(e);
        }
        let n = self.records.len();
        // Candidates are counted once known: see `verify`.
        progress.start("candidates", 0);
        let (keep, records) = (self.pipeline.keep, &self.records);
        let neardup::Found { groups, kept_apart } = self
            .neardup
            .finish(&|members: &[usize]| keep.choose(members, records), progress)?;
        let events = match (&self.pipeline.events, self.events) {
            (Some(params), Some(events)) => {
                // Features are read once for the document frequencies, then
                // as the clusterer needs them: a count, not a share of `n`.
                progress.start("events", 0);
                let articles: Vec<EventArticle> = self
                    .records
                    .iter()
                    .map(|r| EventArticle {
                        id: &r.id,
                        length: r.length,
                    })
                    .collect();
                let speakers = events::speakers(&articles, &groups);
                let features = speakers_features(
                    events.titled.seal()?,
                    &speakers,
                    &events.published,
                    progress,
                )?;
                // The clusterer asks for features from many threads and
                // cannot fail: a read that does gives a stand-in, and the
                // first error ends the run once the clusterer returns.
                let failed = std::sync::Mutex::new(None);
                let features_of = |i: usize| {
                    progress.advance(1);
                    let mut bytes = Vec::new();
                    let read = features.read(i, &mut bytes).and_then(|()| {
                        events::features::Features::decode(&bytes).ok_or_else(|| {
                            let why = "event features read back from a temporary file are corrupt";
                            std::io::Error::new(std::io::ErrorKind::InvalidData, why)
                        })
                    });
                    read.unwrap_or_else(|e| {
                        let mut failed = failed.lock().unwrap_or_else(|p| p.into_inner());
                        failed.get_or_insert(e);
                        events::features::Features::default()
                    })
                };
                let published = |i: usize| events.published[i];
                let events =
                    events::cluster_with(&articles, &groups, params, features_of, published);
                if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
                    return Err(SpillError(e));
                }
                events
            }
            _ => events::groups_only(n, &groups),
        };
        progress.finish();
        Ok(Clustering {
            groups,
            kept_apart,
            events,
            records: self.records,
        })
    }
}

/// Appends an article's title and cleaned text to `out`, as the event stage
/// reads them back ([`decode_titled`]): the title's length (`u32::MAX` for
/// none) and bytes, then the text.
fn encode_titled(title: Option<&str>, text: &str, out: &mut Vec<u8>) {
    let len = title.map_or(u32::MAX, |t| t.len() as u32);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(title.unwrap_or("").as_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// What [`encode_titled`] wrote, or `None` if `bytes` are not that.
fn decode_titled(mut bytes: &[u8]) -> Option<(Option<&str>, &str)> {
    let title = match spill::take_u32(&mut bytes)? {
        u32::MAX => None,
        len => {
            let (title, rest) = bytes.split_at_checked(len as usize)?;
            bytes = rest;
            Some(std::str::from_utf8(title).ok()?)
        }
    };
    Some((title, std::str::from_utf8(bytes).ok()?))
}

/// The event features of the articles that `speak` for their nodes, each
/// extracted from its title and text in `titled`, in a temporary file by
/// article (an empty record for the others, which the event stage never
/// reads); each article looked at counts in `progress`.
fn speakers_features(
    titled: spill::SealedRecords,
    speak: &[bool],
    published: &[Option<Day>],
    progress: &Progress,
) -> Result<spill::SealedRecords, SpillError> {
    let mut features = spill::Records::new()?;
    let corrupt = || {
        let why = "an article's text read back from a temporary file is corrupt";
        std::io::Error::new(std::io::ErrorKind::InvalidData, why)
    };
    let articles: Vec<usize> = (0..speak.len()).collect();
    for chunk in articles.chunks(EXTRACTED_AT_ONCE) {
        let encoded: Vec<Vec<u8>> = chunk
            .par_iter()
            .map_init(Vec::new, |bytes, &i| {
                let mut out = Vec::new();
                if speak[i] {
                    titled.read(i, bytes)?;
                    let (title, text) = decode_titled(bytes).ok_or_else(corrupt)?;
                    events::features::extract_published(title, text, published[i]).encode(&mut out);
                }
                Ok(out)
            })
            .collect::<std::io::Result<_>>()?;
        for bytes in encoded {
            features.push(&bytes)?;
        }
        progress.advance(chunk.len());
    }
    Ok(features.seal()?)
}

/// Articles whose features are extracted at a time: a few MiB of features.
const EXTRACTED_AT_ONCE: usize = 4096;

/// The texts compared for copies: cleaned, without the lines that recur
/// across unrelated articles of a site ([`clean::Cleaned::compared`]).
pub fn compared<'a>(cleaned: Option<&'a [clean::Cleaned]>, texts: &[&'a str]) -> Vec<&'a str> {
    match cleaned {
        Some(cleaned) => cleaned.iter().map(clean::Cleaned::compared).collect(),
        None => texts.to_vec(),
    }
}

/// Each article's title: its own, else the headline the cleaner picked from
/// the page, else one guessed from its compared text.
pub fn titles(
    articles: &[Article],
    texts: &[&str],
    cleaned: Option<&[clean::Cleaned]>,
) -> Vec<Option<String>> {
    let headline = |i: usize| cleaned.and_then(|c| c[i].headline.clone());
    articles
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (a, text))| title(a, headline(i), text))
        .collect()
}

/// An article's title: its own, else the `headline` the cleaner picked from
/// the page, else one guessed from its cleaned `text`.
pub(crate) fn title(article: &Article, headline: Option<String>, text: &str) -> Option<String> {
    article
        .title
        .clone()
        .or(headline)
        .or_else(|| article::guess_title(text))
}

/// The event stage's view of each article: features from the compared
/// (cleaned) text, dates from the text as read.
pub fn event_docs<'a>(
    articles: &'a [Article],
    texts: &[&'a str],
    titles: &'a [Option<String>],
) -> Vec<EventDoc<'a>> {
    articles
        .iter()
        .zip(texts)
        .zip(titles)
        .map(|((article, text), title)| EventDoc::of(article, title.as_deref(), text))
        .collect()
}
