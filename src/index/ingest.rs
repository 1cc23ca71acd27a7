//! Adding what a run reads to an index in bounded memory: the inputs are
//! read as the batch run reads them (a first pass for the cleaner's corpus
//! evidence, a second for the articles), and the articles are prepared and
//! added one search unit at a time. An add then holds one unit, whatever
//! the size of its inputs: a 330,000-article add held all of them,
//! prepared, at once (11 GB).

use super::search::Window;
use super::write::{self, Added};
use super::{prepare_with, Index, IndexError, Prepared};
use crate::article::Article;
use crate::clean;
use crate::progress::Progress;
use crate::read::{self, Corpus, Inputs, ReadOptions};

/// An add of a run's inputs: the problems its inputs had, and what it added.
pub struct Ingested {
    pub problems: Corpus<'static>,
    pub added: Result<Added, IndexError>,
}

impl Index {
    /// [`Index::add`] of the articles of `inputs`, read twice and added a
    /// unit at a time; the answers and the commits are those of one add of
    /// them all.
    pub fn add_inputs(
        &mut self,
        inputs: &Inputs,
        options: &ReadOptions,
        window: Option<Window>,
        chunk: usize,
        committed: &mut (dyn FnMut(usize) + Send),
    ) -> Ingested {
        let unit = write::unit_len(chunk);
        self.add_inputs_by(inputs, options, window, (chunk, unit), committed)
    }

    /// [`Index::add_inputs`], `(chunk, unit)` articles at a time.
    fn add_inputs_by(
        &mut self,
        inputs: &Inputs,
        options: &ReadOptions,
        window: Option<Window>,
        (chunk, unit): (usize, usize),
        committed: &mut (dyn FnMut(usize) + Send),
    ) -> Ingested {
        let (first, cleaner) = match self.params.clean {
            true => {
                let (problems, cleaner) = crate::gather(inputs, options, &Progress::default());
                match cleaner {
                    Ok(cleaner) => (Some(problems), Some(cleaner)),
                    Err(e) => {
                        return Ingested {
                            problems,
                            added: Err(IndexError::Io(e.0)),
                        }
                    }
                }
            }
            false => (None, None),
        };
        let mut adding = Adding {
            index: self,
            cleaner: cleaner.as_ref(),
            window,
            chunk,
            unit,
            committed,
            read: 0,
            pending: Vec::new(),
            added: Added {
                answers: Vec::new(),
                skipped: 0,
            },
            failed: None,
        };
        let second = read::read_batches(inputs, options, &mut |batch| adding.take(batch));
        let added = adding.finish();
        Ingested {
            // Both passes read the same inputs: the first pass's problems stand.
            problems: first.unwrap_or(second),
            added,
        }
    }
}

/// The second pass: articles prepared as they are read, and added a unit
/// at a time.
struct Adding<'a> {
    index: &'a Index,
    cleaner: Option<&'a clean::Cleaner>,
    window: Option<Window>,
    chunk: usize,
    /// Articles added at a time: whole chunks.
    unit: usize,
    committed: &'a mut (dyn FnMut(usize) + Send),
    /// Articles read so far: the corpus number of the next one, as the
    /// cleaner's first pass counted them.
    read: usize,
    /// Articles prepared and not stored yet, fewer than a unit.
    pending: Vec<Prepared>,
    added: Added,
    /// The first error: the rest of the inputs is read, not added.
    failed: Option<IndexError>,
}

impl Adding<'_> {
    fn take(&mut self, batch: Vec<Article>) {
        let first = self.read;
        self.read += batch.len();
        if self.failed.is_some() {
            return;
        }
        let prepared = prepare_with(&batch, first, self.cleaner, &self.index.params);
        drop(batch);
        // The stored ones (an add run again) are dropped here, so that units
        // are cut where one add of everything would cut them.
        match write::stored(&self.index.db, &prepared) {
            Ok(stored) => {
                let before = self.pending.len();
                self.pending.extend(
                    (prepared.into_iter().zip(stored))
                        .filter(|&(_, stored)| !stored)
                        .map(|(p, _)| p),
                );
                self.added.skipped += self.read - first - (self.pending.len() - before);
            }
            Err(e) => self.failed = Some(e),
        }
        while self.failed.is_none() && self.pending.len() >= self.unit {
            let rest = self.pending.split_off(self.unit);
            self.add_pending();
            self.pending = rest;
        }
    }

    /// Adds the articles pending as one unit.
    fn add_pending(&mut self) {
        let unit: Vec<&Prepared> = self.pending.iter().collect();
        let added = write::add_unit(
            &self.index.db,
            &self.index.params,
            &unit,
            self.window,
            self.chunk,
            &mut self.added.answers,
            self.committed,
        );
        if let Err(e) = added {
            self.failed = Some(e);
        }
    }

    fn finish(mut self) -> Result<Added, IndexError> {
        if self.failed.is_none() && !self.pending.is_empty() {
            self.add_pending();
        }
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.added),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{articles, pipeline};
    use super::super::{prepare, IndexParams};
    use super::*;

    /// Read from a file and added a few articles at a time, with some
    /// stored already, a corpus gets the answers and the index one add of
    /// it all gets: copies and events, cleaned with the whole corpus'
    /// evidence.
    #[test]
    fn adding_inputs_a_unit_at_a_time_is_one_add_of_them_all() {
        let generated = articles(240, 11);
        let dir = tempfile::tempdir().unwrap();
        // Six inputs: batches of 40 articles, numbered on across them.
        let names: Vec<String> = generated
            .chunks(40)
            .enumerate()
            .map(|(n, part)| {
                let lines: Vec<String> = part
                    .iter()
                    .map(|a| {
                        let json = serde_json::json!({
                            "id": a.id.to_string(), "source": a.source, "date": a.date,
                            "text": a.text,
                        });
                        json.to_string() + "\n"
                    })
                    .collect();
                let path = dir.path().join(format!("{n}.jsonl"));
                std::fs::write(&path, lines.concat()).unwrap();
                path.to_string_lossy().into_owned()
            })
            .collect();
        let inputs = Inputs::new(&names);
        let options = ReadOptions::default();
        let params = IndexParams::from_pipeline(&pipeline(true, true));
        let read = read::read_inputs(&names, &options).articles;
        let stored_first = &read[..30];
        let answers = |index: &mut Index, streamed: bool| {
            let mut counts = Vec::new();
            let added = match streamed {
                true => {
                    let ingested =
                        index.add_inputs_by(&inputs, &options, None, (8, 40), &mut |n| {
                            counts.push(n)
                        });
                    assert!(ingested.problems.errors.is_empty());
                    ingested.added.unwrap()
                }
                false => index
                    .add(&prepare(&read, &params).unwrap(), None, 8, &mut |n| {
                        counts.push(n)
                    })
                    .unwrap(),
            };
            (
                serde_json::to_string(&added.answers).unwrap(),
                added.skipped,
                counts,
            )
        };
        let mut runs = Vec::new();
        for streamed in [false, true] {
            let path = dir.path().join(format!("{streamed}.idx"));
            let mut index = Index::open_for_writing(&path, &params, &|_| false).unwrap();
            // Some stored already, as when an add is run again.
            let stored = prepare(stored_first, &params).unwrap();
            index.add(&stored[..20], None, 8, &mut |_| {}).unwrap();
            runs.push(answers(&mut index, streamed));
        }
        let (one, streamed) = (&runs[0], &runs[1]);
        assert_eq!(one.1, 20);
        assert!(
            one.0.contains("\"near_duplicates\":[{"),
            "no copies: {}",
            one.0
        );
        assert_eq!(one, streamed);
        assert_eq!(one.2.last(), Some(&220));
    }
}
