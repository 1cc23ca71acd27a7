//! Stage 1, read: turn the inputs a user names into [`Article`]s.
//!
//! Inputs are text files (one article each), HTML pages (one article each,
//! [`html`]), directories (searched recursively for names matching `--glob`,
//! `*.txt` by default), `.jsonl` / `.ndjson` corpora (one article per line)
//! and `-` for JSONL on stdin. Any of them may be gzip or zstd compressed
//! ([`compressed`]).
//! Nothing here writes anywhere: inputs are only ever opened for reading.
//!
//! A bad input never stops the run: it becomes an [`InputError`] in
//! [`Corpus::errors`] and the other inputs are still read. Invalid UTF-8 is
//! decoded lossily and noted in [`Corpus::warnings`].

mod compressed;
mod html;
mod jsonl;
mod text;
mod walk;

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use crate::article::{Article, Location};
use crate::error::{InputError, Problem};
use crate::id::Id;
use xxhash_rust::xxh3::xxh3_128;

pub use jsonl::{with_field, Fields};

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// File-name pattern for files found inside directories.
    pub glob: String,
    pub fields: Fields,
    /// Largest article (a text file, or one JSONL line) read, in bytes.
    pub max_bytes: u64,
    /// Keep each JSONL article's line as written ([`Article::line`]).
    pub keep_lines: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            glob: "*.txt".into(),
            fields: Fields::default(),
            max_bytes: 16 << 20,
            keep_lines: false,
        }
    }
}

/// Everything read from the inputs, in input order.
#[derive(Default)]
pub struct Corpus<'s> {
    /// The articles read; with a sink ([`read_batches`]), only those not yet
    /// handed on.
    pub articles: Vec<Article>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<InputError>,
    /// The files (and stdin) articles were read from, in order.
    pub sources: Sources,
    /// Where each error and warning fell among the inputs, in the order they
    /// were noted, so [`Corpus::problems`] can tell them in input order.
    notes: Vec<Note>,
    /// Where articles go as they are read, instead of `articles`.
    sink: Option<&'s mut Sink<'s>>,
    /// Articles handed to the sink so far, repeated ids included.
    handed: usize,
    /// Ids seen so far, with the place each was first seen (with a sink).
    seen: SeenIds,
    /// Repeated ids, noted after the inputs' own problems as
    /// [`drop_duplicate_ids`] does (with a sink).
    repeated: Vec<(Note, InputError)>,
    /// Where a pass keeps, or finds, its copy of standard input (with a sink).
    stdin: Option<&'s OnceLock<File>>,
    /// Whether this pass has read standard input.
    stdin_read: bool,
    /// The files this pass has opened, by device and inode.
    files_read: std::collections::HashSet<(u64, u64)>,
}

/// The ids of a corpus read a batch at a time, and where each was first
/// seen, in a few dozen bytes an article: a 128-bit hash of the id (two ids
/// share one with probability 2⁻¹²⁸ a pair) and the place's text in one
/// buffer, where a table of ids and strings would take several times that.
#[derive(Debug, Default)]
struct SeenIds {
    /// Each id's hash, and the number of the place it was first seen.
    ids: HashMap<u128, u32>,
    /// The places, one after another; `ends[i]` is where place `i` ends.
    places: String,
    ends: Vec<usize>,
}

impl SeenIds {
    /// Where `id` was first seen, if it was.
    fn first(&self, id: &Id) -> Option<&str> {
        let i = *self.ids.get(&xxh3_128(id.as_bytes()))? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.places[start..self.ends[i]])
    }

    fn insert(&mut self, id: &Id, place: &str) {
        self.ids
            .insert(xxh3_128(id.as_bytes()), self.ends.len() as u32);
        self.places.push_str(place);
        self.ends.push(self.places.len());
    }
}

/// What receives the articles of [`read_batches`], a batch at a time.
pub type Sink<'s> = dyn FnMut(Vec<Article>) + Send + 's;

impl std::fmt::Debug for Corpus<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus")
            .field("articles", &self.articles)
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
struct Note {
    /// Articles read before the problem was met.
    at: usize,
    warning: bool,
}

impl Corpus<'_> {
    fn error(&mut self, input: impl Into<String>, problem: Problem) {
        self.error_at(self.handed + self.articles.len(), input, problem);
    }

    fn error_at(&mut self, at: usize, input: impl Into<String>, problem: Problem) {
        self.notes.push(Note { at, warning: false });
        self.errors.push(InputError {
            input: input.into(),
            problem,
        });
    }

    fn warn(&mut self, input: impl Into<String>, problem: Problem) {
        let at = self.handed + self.articles.len();
        self.notes.push(Note { at, warning: true });
        self.warnings.push(InputError {
            input: input.into(),
            problem,
        });
    }

    /// Hands the articles read so far to the sink, if there is one, less
    /// those whose id was seen before.
    fn flush(&mut self) {
        let Some(sink) = self.sink.as_deref_mut() else {
            return;
        };
        let mut batch = std::mem::take(&mut self.articles);
        let (handed, seen, repeated) = (self.handed, &mut self.seen, &mut self.repeated);
        let mut n = 0;
        batch.retain(|article| {
            n += 1;
            if let Some(first) = seen.first(&article.id) {
                // Told where the article was: after the problems met before
                // it was read (noted at its place, earlier), before those
                // met after it.
                let note = Note {
                    at: handed + n - 1,
                    warning: false,
                };
                let problem = Problem::DuplicateId {
                    id: article.id.to_string(),
                    first: first.to_string(),
                };
                let input = article.origin.clone();
                repeated.push((note, InputError { input, problem }));
                return false;
            }
            seen.insert(&article.id, &article.origin);
            true
        });
        self.handed += n;
        if !batch.is_empty() {
            sink(batch);
        }
    }

    /// Appends what was read of a later part of the input.
    fn append(&mut self, other: Corpus) {
        let offset = self.handed + self.articles.len();
        self.notes.extend(other.notes.into_iter().map(|n| Note {
            at: n.at + offset,
            ..n
        }));
        self.articles.extend(other.articles);
        self.sources.0.extend(other.sources.0);
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }

    /// Every error and warning, in the order of the inputs they are about.
    pub fn problems(&self) -> Vec<&InputError> {
        let (mut errors, mut warnings) = (self.errors.iter(), self.warnings.iter());
        let mut noted: Vec<(usize, &InputError)> = self
            .notes
            .iter()
            .filter_map(|n| {
                let problem = if n.warning {
                    warnings.next()
                } else {
                    errors.next()
                };
                problem.map(|p| (n.at, p))
            })
            .collect();
        noted.sort_by_key(|&(at, _)| at); // stable: same place, noted order
        noted.into_iter().map(|(_, p)| p).collect()
    }
}

/// Reads every input in order. Ids must be unique: a repeated id is an error
/// that names both places, and only the first article keeps it. Only regular
/// files (and stdin) are read: a FIFO or device is reported by its kind and
/// never opened.
pub fn read_inputs(inputs: &[String], options: &ReadOptions) -> Corpus<'static> {
    let mut corpus = Corpus::default();
    read_into(inputs, options, &mut corpus);
    drop_duplicate_ids(&mut corpus);
    corpus
}

/// The inputs of a run, readable more than once: the first pass copies
/// standard input (`-`) to an unnamed temporary file as it reads it, and
/// later passes read the copy.
#[derive(Debug)]
pub struct Inputs {
    names: Vec<String>,
    stdin: OnceLock<File>,
}

impl Inputs {
    pub fn new(names: &[String]) -> Inputs {
        Inputs {
            names: names.to_vec(),
            stdin: OnceLock::new(),
        }
    }
}

/// Reads every input in order, as [`read_inputs`] does, but hands the
/// articles to `sink` a batch at a time (in input order) instead of keeping
/// them: memory holds a few batches, not the corpus. The sink runs on a
/// thread of its own, so reading and parsing the next batch overlaps the
/// work on this one (on the 100k kit corpus the reader alone kept a core
/// busy while the analysis waited). Returns the problems and sources found;
/// its `articles` are empty.
pub fn read_batches(inputs: &Inputs, options: &ReadOptions, sink: &mut Sink) -> Corpus<'static> {
    // A rendezvous: the reader hands a batch over when the sink takes it,
    // so at most two batches are held, the one worked on and the next.
    let (batches, received) = std::sync::mpsc::sync_channel::<Vec<Article>>(0);
    std::thread::scope(|scope| {
        scope.spawn(move || received.into_iter().for_each(sink));
        // A send fails only when the sink's thread has panicked; the scope
        // then passes the panic on.
        let mut send = move |batch| drop(batches.send(batch));
        let mut corpus = Corpus {
            sink: Some(&mut send),
            stdin: Some(&inputs.stdin),
            ..Corpus::default()
        };
        read_into(&inputs.names, options, &mut corpus);
        corpus.flush();
        for (note, error) in std::mem::take(&mut corpus.repeated) {
            corpus.notes.push(note);
            corpus.errors.push(error);
        }
        Corpus {
            errors: std::mem::take(&mut corpus.errors),
            warnings: std::mem::take(&mut corpus.warnings),
            sources: std::mem::take(&mut corpus.sources),
            notes: std::mem::take(&mut corpus.notes),
            ..Corpus::default()
        }
    })
}

/// Text files read before their articles are handed on, with a sink.
const TEXT_BATCH: usize = 1024;

fn read_into(inputs: &[String], options: &ReadOptions, corpus: &mut Corpus) {
    for input in inputs {
        if input == "-" {
            read_stdin(options, corpus);
            corpus.flush();
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                corpus.error(input.as_str(), Problem::NotFound);
            }
            Err(e) => corpus.error(input.as_str(), Problem::Unreadable(e.to_string())),
            Ok(meta) if meta.is_dir() => {
                let files = walk::files_in(path, &options.glob, corpus);
                if files.is_empty() {
                    corpus.error(
                        input.as_str(),
                        Problem::NoMatch {
                            glob: options.glob.clone(),
                        },
                    );
                }
                for file in files {
                    read_file(&file, options, corpus);
                    if corpus.articles.len() >= TEXT_BATCH {
                        corpus.flush();
                    }
                }
            }
            Ok(_) => read_file(path, options, corpus),
        }
        corpus.flush();
    }
}

/// Reads JSONL from any reader, as a `.jsonl` input named `name` (for
/// tests, fuzzing, or a program that has the bytes already).
pub fn read_jsonl(
    reader: impl std::io::BufRead,
    name: &str,
    options: &ReadOptions,
) -> Corpus<'static> {
    let mut corpus = Corpus::default();
    corpus.sources.0.push(Source::Read);
    jsonl::read(reader, name, 0, options, &mut corpus);
    drop_duplicate_ids(&mut corpus);
    corpus
}

/// Decodes the bytes of a text file named `name`, as the reader does: the
/// article, or the error or warnings it gives.
pub fn read_text(bytes: Vec<u8>, name: &str) -> Corpus<'static> {
    let mut corpus = Corpus::default();
    if let Some(text) = text::decode(bytes, name, &mut corpus) {
        let article = text::article(name, text, Location::default());
        corpus.articles.push(article);
    }
    corpus
}

/// JSONL on stdin; copied to a spool file as it is read when asked.
fn read_stdin(options: &ReadOptions, corpus: &mut Corpus) {
    let Some(copy) = corpus.stdin else {
        return match compressed::sniffed(std::io::stdin().lock()) {
            Ok(stdin) => read_stream(stdin, "stdin", false, options, corpus),
            Err(e) => corpus.error("stdin", Problem::Unreadable(e.to_string())),
        };
    };
    // A pass of a run ([`Inputs`]): the first copies stdin as it reads it,
    // the next ones read the copy.
    if std::mem::replace(&mut corpus.stdin_read, true) {
        // Standard input can be read once: a second `-` finds it at its end.
        return corpus.sources.0.push(Source::Read);
    }
    if let Some(copy) = copy.get() {
        return read_copy(copy, options, corpus);
    }
    let input = corpus.sources.0.len();
    match compressed::sniffed(std::io::stdin().lock()) {
        Ok(stdin) => read_stream(stdin, "stdin", true, options, corpus),
        Err(e) => corpus.error("stdin", Problem::Unreadable(e.to_string())),
    }
    if let Some(Source::Spool(spool)) = corpus.sources.0.get(input) {
        if let Ok(handle) = spool.try_clone() {
            let _ = copy.set(handle);
        }
    }
}

/// JSONL from a stream that cannot be read again (stdin, a decompressed
/// file): with `spool`, copied to a temporary file as it is read, for the
/// next pass of a run ([`Inputs`]).
fn read_stream(
    stream: impl std::io::BufRead,
    name: &str,
    spool: bool,
    options: &ReadOptions,
    corpus: &mut Corpus,
) {
    let input = corpus.sources.0.len();
    if !spool {
        corpus.sources.0.push(Source::Read);
        return jsonl::read(stream, name, input, options, corpus);
    }
    let spool = match tempfile::tempfile() {
        Ok(spool) => spool,
        Err(e) => {
            let why = format!("cannot make a temporary copy: {e}");
            return corpus.error(name, Problem::Unreadable(why));
        }
    };
    corpus.sources.0.push(Source::Read);
    let mut tee = Tee {
        from: stream,
        copy: std::io::BufWriter::new(spool),
    };
    jsonl::read(
        std::io::BufReader::new(&mut tee),
        name,
        input,
        options,
        corpus,
    );
    match tee.copy.into_inner() {
        Ok(spool) => corpus.sources.0[input] = Source::Spool(spool),
        Err(e) => {
            let why = format!("cannot make a temporary copy: {}", e.error());
            corpus.error(name, Problem::Unreadable(why));
        }
    }
}

/// Standard input from the copy an earlier pass made of it ([`Inputs`]).
fn read_copy(copy: &File, options: &ReadOptions, corpus: &mut Corpus) {
    use std::io::{Seek, SeekFrom};
    let input = corpus.sources.push_read();
    let reader = copy.try_clone().and_then(|mut reader| {
        reader.seek(SeekFrom::Start(0))?;
        Ok(reader)
    });
    match reader {
        Ok(reader) => jsonl::read(
            std::io::BufReader::new(reader),
            "stdin",
            input,
            options,
            corpus,
        ),
        Err(e) => {
            let why = format!("cannot read its temporary copy: {e}");
            corpus.error("stdin", Problem::Unreadable(why));
        }
    }
}

/// A reader that writes a copy of everything read from it.
struct Tee<R, W> {
    from: R,
    copy: W,
}

impl<R: Read, W: Write> Read for Tee<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.from.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// The inputs articles came from, indexed by [`Location::input`].
#[derive(Debug, Default)]
pub struct Sources(Vec<Source>);

#[derive(Debug)]
enum Source {
    /// A file, or a stream read once.
    Read,
    /// Standard input's content, copied as it was read, for the next pass.
    Spool(File),
}

impl Sources {
    fn push_read(&mut self) -> usize {
        self.0.push(Source::Read);
        self.0.len() - 1
    }
}

/// What a file that is neither a regular file nor a directory is, for people.
fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
    }
    let _ = file_type;
    "a special file"
}

/// Reads one file, if it is a regular file (links followed): anything else
/// is reported by kind without being opened, since opening a FIFO blocks.
fn read_file(path: &Path, options: &ReadOptions, corpus: &mut Corpus) {
    let name = path_name(path);
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return corpus.error(name, Problem::NotRegular(kind(&meta.file_type())));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return corpus.error(name, Problem::NotFound);
        }
        _ => {}
    }
    let (file, meta) = match File::open(path).and_then(|f| f.metadata().map(|m| (f, m))) {
        Ok(opened) => opened,
        Err(e) => return corpus.error(name, Problem::Unreadable(e.to_string())),
    };
    // The same file met again (named twice, or inside a directory also
    // named) is told once as such, not as each of its ids clashing with
    // itself; known by the file itself, since two names can read alike.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if !corpus.files_read.insert((meta.dev(), meta.ino())) {
            return corpus.error(name, Problem::ReadTwice);
        }
    }
    let mut file = std::io::BufReader::new(file);
    match std::io::BufRead::fill_buf(&mut file).map(compressed::Codec::sniff) {
        Ok(Some(codec)) => return compressed::read(path, file, codec, options, corpus),
        Ok(None) => {}
        Err(e) => return corpus.error(name, Problem::Unreadable(e.to_string())),
    }
    let jsonl = is_jsonl(path);
    let input = corpus.sources.push_read();
    if jsonl {
        jsonl::read(file, &name, input, options, corpus);
    } else if html::is_html(path) {
        html::read(file, &meta, &name, input, options, corpus);
    } else {
        text::read(file, &meta, &name, input, options, corpus);
    }
}

/// A path as text, for ids and messages. A path that is not UTF-8 has its
/// backslashes doubled and each byte outside UTF-8 written `\xHH`, so the
/// bytes can be recovered and two such paths never share a name (and should
/// one match a UTF-8 name, the repeated id is reported, never merged).
pub fn path_name(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        return text.to_string();
    }
    escaped_bytes(path)
}

#[cfg(unix)]
fn escaped_bytes(path: &Path) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let mut name = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        name.push_str(&chunk.valid().replace('\\', "\\\\"));
        for byte in chunk.invalid() {
            let _ = write!(name, "\\x{byte:02X}");
        }
    }
    name
}

#[cfg(not(unix))]
fn escaped_bytes(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// JSONL corpora are recognised by their extension.
pub fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

fn drop_duplicate_ids(corpus: &mut Corpus) {
    let mut seen = SeenIds::default();
    let mut kept = Vec::with_capacity(corpus.articles.len());
    for (n, article) in std::mem::take(&mut corpus.articles).into_iter().enumerate() {
        if let Some(first) = seen.first(&article.id) {
            let problem = Problem::DuplicateId {
                id: article.id.to_string(),
                first: first.to_string(),
            };
            // Told where the article was (see `Corpus::flush`).
            corpus.error_at(n, article.origin.clone(), problem);
        } else {
            seen.insert(&article.id, &article.origin);
            kept.push(article);
        }
    }
    corpus.articles = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_is_known_by_extension() {
        assert!(is_jsonl(Path::new("a/corpus.jsonl")));
        assert!(is_jsonl(Path::new("corpus.ndjson")));
        assert!(!is_jsonl(Path::new("story.txt")));
    }

    #[test]
    fn lines_are_kept_as_written_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let lines = "\u{feff}{\"id\":1,\"text\":\"one\"}\r\n\n{\"text\":\"two\",\"x\":[1]}";
        std::fs::write(&path, lines).unwrap();
        let inputs = [path.display().to_string()];
        let keep = ReadOptions {
            keep_lines: true,
            ..ReadOptions::default()
        };
        let lines: Vec<Option<Vec<u8>>> = read_inputs(&inputs, &keep)
            .articles
            .into_iter()
            .map(|a| a.line)
            .collect();
        assert_eq!(
            lines,
            [
                Some(b"{\"id\":1,\"text\":\"one\"}".to_vec()),
                Some(b"{\"text\":\"two\",\"x\":[1]}".to_vec())
            ]
        );
        let unkept = read_inputs(&inputs, &ReadOptions::default());
        assert!(unkept.articles.iter().all(|a| a.line.is_none()));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_path_bytes_are_escaped_reversibly() {
        use std::os::unix::ffi::OsStrExt;
        let name = |bytes: &[u8]| path_name(Path::new(std::ffi::OsStr::from_bytes(bytes)));
        assert_eq!(name(b"a\xfe.txt"), "a\\xFE.txt");
        assert_eq!(name(b"a\xff.txt"), "a\\xFF.txt");
        assert_eq!(name(b"b\\\xff"), "b\\\\\\xFF");
        assert_eq!(name("caf\u{e9}\\x.txt".as_bytes()), "caf\u{e9}\\x.txt");
    }

    #[test]
    fn a_repeated_id_is_an_error_naming_both_places() {
        let article = |origin: &str| Article {
            line: None,
            id: "x".into(),
            origin: origin.into(),
            source: None,
            url: None,
            title: None,
            date: None,
            text: "t".into(),
            location: Default::default(),
        };
        let mut corpus = Corpus {
            articles: vec![article("a.jsonl:1"), article("b.jsonl:7")],
            ..Corpus::default()
        };
        drop_duplicate_ids(&mut corpus);
        assert_eq!(corpus.articles.len(), 1);
        assert_eq!(
            corpus.errors[0].to_string(),
            "b.jsonl:7: duplicate id \"x\" (first seen at a.jsonl:1), skipped"
        );
    }
}
