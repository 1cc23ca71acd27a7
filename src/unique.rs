//! `--write-unique`: the corpus without its duplicates, one article per
//! near-duplicate group (its representative) plus every article that has no
//! copy. A target that is one of the inputs (stdin included), or holds one, is
//! refused before anything is read.
//!
//! Written safely: into a temporary sibling made with `O_EXCL` under a random
//! name (so a planted link or a stale temporary is never written through),
//! data and directory synced, then renamed into place, so a reader never sees
//! half a corpus. The temporary is removed on an error and on SIGINT/SIGTERM.
//!
//! - `FILE.jsonl`: each kept JSONL line byte for byte as it was read (no field
//!   dropped, added or retyped); an article from a text file becomes
//!   `{"<id field>": …, "<text field>": …}`.
//! - `DIR`: one `.txt` file per article, named after its id (made safe,
//!   unique and short enough), and `DIR/index.jsonl` mapping each id to its
//!   file.
//! - With `--write-cleaned`, the cleaned text instead of the raw one.

use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use anyhow::{bail, Context, Result};

use crate::article::Article;
use crate::read::{is_jsonl, Fields};

/// Where the unique corpus goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A directory of `.txt` files, one per article, and `index.jsonl`.
    Dir(PathBuf),
    /// One JSONL file: the kept input lines as read.
    Jsonl(PathBuf),
}

/// One article to write.
pub struct Kept<'a> {
    pub article: &'a Article,
    /// Its cleaned text, written instead of the raw one (`--write-cleaned`).
    pub cleaned: Option<&'a str>,
}

/// A unique corpus being written, one kept article at a time, into a
/// temporary that [`Writer::finish`] puts in place: memory never holds the
/// corpus.
pub struct Writer {
    path: PathBuf,
    out: Out,
    written: usize,
}

enum Out {
    Jsonl {
        file: AtomicFile,
        fields: Fields,
    },
    Dir {
        temp: tempfile::TempDir,
        _registered: Registered,
        names: Names,
        index: BufWriter<fs::File>,
        dirs: Vec<PathBuf>,
        files: Vec<PathBuf>,
    },
}

impl Target {
    /// Checks `path` against the inputs: it must not be one of them (by name
    /// or by file identity, so a hard link or stdin redirected from it
    /// counts), inside an input directory, or a directory holding an input.
    pub fn new(path: &str, inputs: &[String]) -> Result<Target> {
        let target = PathBuf::from(path);
        let absolute = resolved(&target);
        for input in inputs.iter().filter(|i| *i != "-") {
            let input = resolved(Path::new(input));
            if absolute.starts_with(&input) || input.starts_with(&absolute) {
                bail!(
                    "--write-unique {path}: would write over or inside the input {}; choose another path",
                    input.display()
                );
            }
        }
        if let Ok(meta) = fs::metadata(&target) {
            for input in inputs {
                let name = if input == "-" { "stdin" } else { input };
                if same_file(&meta, input) {
                    bail!("--write-unique {path}: is the input {name}; choose another path");
                }
            }
        }
        if is_jsonl(&target) {
            if target.is_dir() {
                bail!("--write-unique {path}: is a directory");
            }
            return Ok(Target::Jsonl(target));
        }
        if target.is_file() {
            bail!("--write-unique {path}: is a file; name a directory, or a .jsonl file");
        }
        if target.is_dir() && fs::read_dir(&target)?.next().is_some() {
            bail!("--write-unique {path}: directory is not empty; choose a new or empty one");
        }
        Ok(Target::Dir(target))
    }

    /// Starts writing the corpus at the target; `fields` name the id and
    /// text of an article from a text file in a JSONL target.
    pub fn writer(&self, fields: &Fields) -> Result<Writer> {
        let out = match self {
            Target::Jsonl(path) => AtomicFile::create(path).map(|file| Out::Jsonl {
                file,
                fields: fields.clone(),
            }),
            Target::Dir(path) => {
                let parent = parent_of(path);
                beside(path, 0o755, |b| b.tempdir_in(parent)).and_then(|(temp, registered)| {
                    let index = new_file(&temp.path().join("index.jsonl"))?;
                    Ok(Out::Dir {
                        dirs: vec![temp.path().to_path_buf()],
                        temp,
                        _registered: registered,
                        names: Names::default(),
                        index: BufWriter::new(index),
                        files: Vec::new(),
                    })
                })
            }
        };
        let out = reported(self.path(), out)?;
        Ok(Writer {
            path: self.path().to_path_buf(),
            out,
            written: 0,
        })
    }

    pub fn path(&self) -> &Path {
        match self {
            Target::Dir(path) | Target::Jsonl(path) => path,
        }
    }
}

/// True when `input` (a path, or `-` for stdin) is the file `target` is.
#[cfg(unix)]
fn same_file(target: &fs::Metadata, input: &str) -> bool {
    use std::os::unix::fs::MetadataExt;
    let meta = if input == "-" {
        use std::os::fd::AsFd;
        let stdin = std::io::stdin();
        let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
            return false;
        };
        fs::File::from(fd).metadata()
    } else {
        fs::metadata(input)
    };
    meta.is_ok_and(|m| m.dev() == target.dev() && m.ino() == target.ino())
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &str) -> bool {
    false
}

impl Writer {
    /// Writes the next kept article.
    pub fn add(&mut self, kept: &Kept) -> Result<()> {
        let added = match &mut self.out {
            Out::Jsonl { file, fields } => write_line(&mut file.out, kept, fields),
            Out::Dir {
                temp,
                names,
                index,
                dirs,
                files,
                ..
            } => write_file(temp.path(), names, index, dirs, files, kept),
        };
        reported(&self.path, added)?;
        self.written += 1;
        Ok(())
    }

    /// Syncs what was written and puts it in place; how many articles.
    pub fn finish(self) -> Result<usize> {
        let finished = match self.out {
            Out::Jsonl { file, .. } => file.commit(),
            Out::Dir {
                temp,
                _registered,
                index,
                dirs,
                files,
                ..
            } => commit_dir(&self.path, temp, index, &dirs, &files),
        };
        reported(&self.path, finished)?;
        Ok(self.written)
    }
}

/// `result`, named after the target at `path` when it failed. A write that
/// failed because a signal removed its temporary is not an error to report:
/// the exit the signal asked for comes first.
fn reported<T>(path: &Path, result: Result<T>) -> Result<T> {
    if result.is_err() {
        stop_if_interrupted();
    }
    result.with_context(|| format!("--write-unique {}", path.display()))
}

/// A file being written atomically: into a new temporary beside it,
/// synced and renamed into place once complete ([`AtomicFile::commit`]),
/// so a reader never finds half a file there; the temporary goes on
/// failure.
struct AtomicFile {
    temp: tempfile::NamedTempFile,
    _registered: Registered,
    out: BufWriter<fs::File>,
    path: PathBuf,
}

impl AtomicFile {
    fn create(path: &Path) -> Result<AtomicFile> {
        let parent = parent_of(path);
        let (temp, registered) = beside(path, 0o644, |b| b.tempfile_in(parent))?;
        let out = BufWriter::new(temp.as_file().try_clone()?);
        Ok(AtomicFile {
            temp,
            _registered: registered,
            out,
            path: path.to_path_buf(),
        })
    }

    fn commit(self) -> Result<()> {
        self.out
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        stop_if_interrupted();
        let parent = parent_of(&self.path).to_path_buf();
        self.temp.persist(&self.path)?;
        sync_dir(&parent)?;
        Ok(())
    }
}

/// Writes a file at `path` through `write`, atomically ([`AtomicFile`]).
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(&mut file.out)?;
    file.commit()
}

/// One line of a JSONL target: the article's line as read, or, for an
/// article from a text file, its id and text.
fn write_line(out: &mut impl Write, kept: &Kept, fields: &Fields) -> Result<()> {
    let article = kept.article;
    let context = || format!("writing {}", article.origin);
    match &article.line {
        Some(raw) => match kept.cleaned {
            None => out.write_all(raw)?,
            Some(cleaned) => {
                let line = String::from_utf8_lossy(raw);
                let line = crate::read::with_field(&line, &fields.text, cleaned)
                    .map_err(|p| anyhow::anyhow!("{p}"))
                    .with_context(context)?;
                out.write_all(line.as_bytes())?;
            }
        },
        None => {
            let text = kept.cleaned.unwrap_or(&article.text);
            write!(
                out,
                "{{{}:{},{}:{}}}",
                serde_json::to_string(&fields.id)?,
                serde_json::to_string(&article.id)?,
                serde_json::to_string(&fields.text)?,
                serde_json::to_string(text)?
            )?;
        }
    }
    out.write_all(b"\n")?;
    Ok(())
}

/// One article of a directory target: its file, and its line in the index.
fn write_file(
    root: &Path,
    names: &mut Names,
    index: &mut BufWriter<fs::File>,
    dirs: &mut Vec<PathBuf>,
    files: &mut Vec<PathBuf>,
    kept: &Kept,
) -> Result<()> {
    stop_if_interrupted();
    let id = &kept.article.id;
    let name = names.claim(id);
    let file = root.join(&name);
    let parent = file.parent().expect("a file inside the directory");
    if !parent.exists() {
        fs::create_dir_all(parent)?;
        dirs.push(parent.to_path_buf());
    }
    let mut out = new_file(&file).with_context(|| format!("id {id}: {}", name.display()))?;
    out.write_all(kept.cleaned.unwrap_or(&kept.article.text).as_bytes())?;
    files.push(file);
    let name = serde_json::to_string(&name.to_string_lossy())?;
    writeln!(
        index,
        "{{\"id\":{},\"file\":{name}}}",
        serde_json::to_string(id)?
    )?;
    Ok(())
}

/// Syncs a directory target's files and puts it in place at `path`.
fn commit_dir(
    path: &Path,
    temp: tempfile::TempDir,
    index: BufWriter<fs::File>,
    dirs: &[PathBuf],
    files: &[PathBuf],
) -> Result<()> {
    index.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    sync_all(files)?;
    sync_all(dirs)?;
    stop_if_interrupted();
    // rename(2) replaces an empty directory, so an empty target is fine.
    fs::rename(temp.path(), path)?;
    let _ = temp.keep(); // renamed: nothing left to remove
    sync_dir(parent_of(path))?;
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A temporary beside `path`: a hidden sibling `.<name>.tmp-<random>`,
/// created new (`O_EXCL`, or `mkdir`) with permissions `mode`, and
/// registered for removal on a signal. The registry is locked while it is
/// created, so a signal cannot come between its creation and its record.
fn beside<T: AsRef<Path>>(
    path: &Path,
    mode: u32,
    create: impl FnOnce(&tempfile::Builder) -> std::io::Result<T>,
) -> Result<(T, Registered)> {
    watch_signals();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.tmp-");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .rand_bytes(12)
        .permissions(readable(mode));
    let mut registry = lock();
    let temp = create(&builder).context("cannot create a temporary beside it")?;
    let registered = temp.as_ref().to_path_buf();
    registry.push(registered.clone());
    Ok((temp, Registered(registered)))
}

#[cfg(unix)]
fn readable(mode: u32) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(mode)
}

/// A new file, never an existing one or a link (`O_EXCL`).
fn new_file(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Syncs `paths` (files or directories) together at the end, from many
/// threads: the waits overlap and the file system commits many at once,
/// where one fsync after each write waits for each in turn (3,000 files:
/// 9.5 s one by one, 5 s on two threads, 2 to 4 s on 32, on this machine).
fn sync_all(paths: &[PathBuf]) -> std::io::Result<()> {
    const THREADS: usize = 32;
    let chunk = paths.len().div_ceil(THREADS).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().try_for_each(|p| sync_dir(p))))
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a sync thread does not panic"))
    })
}

/// Makes a file's data, or a rename or new entries in a directory, durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Temporaries to remove should the process be interrupted.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary's place in [`TEMPORARIES`] while it exists.
struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        lock().retain(|p| *p != self.0);
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Set when SIGINT or SIGTERM arrives, before the temporaries are removed.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Called by a writer before it adds an entry to a temporary: once a signal
/// has come, the writer waits for the exit instead, so the removal is not
/// racing a writer that keeps adding files (CI saw a directory survive ten
/// removals that way).
fn stop_if_interrupted() {
    while INTERRUPTED.load(Ordering::SeqCst) {
        std::thread::park();
    }
}

/// On SIGINT or SIGTERM, stops the writers, removes the temporaries and exits
/// as the signal would (128 + its number). Started once, with the first
/// temporary.
fn watch_signals() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                INTERRUPTED.store(true, Ordering::SeqCst);
                for path in lock().iter() {
                    // A writer may be adding the one file it started before
                    // it saw the flag, which makes a removal fail: try again
                    // after a moment.
                    for _ in 0..100 {
                        let _ = fs::remove_dir_all(path).or_else(|_| fs::remove_file(path));
                        if fs::symlink_metadata(path).is_err() {
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

/// Longest name component written, in bytes: under the 255 of common file
/// systems with room for a `-N` suffix and `.txt`.
const MAX_COMPONENT: usize = 200;
/// Deepest and longest id path kept as directories; past that an id gets a
/// flat name at the top.
const MAX_DEPTH: usize = 16;
const MAX_PATH: usize = 1024;

/// The file names given so far. Compared without case, so that names stay
/// distinct on case-insensitive file systems too.
#[derive(Default)]
struct Names {
    files: HashSet<String>,
    dirs: HashSet<String>,
}

impl Names {
    /// A unique, safe relative `.txt` path for `id`: its own path when it is
    /// one and free, else the same with `-2`, `-3`…, or, when a directory on
    /// its way is already a file, a flat name at the top.
    fn claim(&mut self, id: &str) -> PathBuf {
        let wanted = file_name_for(id);
        let blocked = wanted
            .ancestors()
            .skip(1)
            .any(|a| self.files.contains(&key(a)));
        let wanted = if blocked { flat(&wanted) } else { wanted };
        let mut candidate = wanted.clone();
        let mut n = 1;
        while self.files.contains(&key(&candidate)) || self.dirs.contains(&key(&candidate)) {
            n += 1;
            let stem = wanted.file_stem().unwrap_or_default().to_string_lossy();
            candidate = wanted.with_file_name(format!("{stem}-{n}.txt"));
        }
        for dir in candidate.ancestors().skip(1) {
            self.dirs.insert(key(dir));
        }
        self.files.insert(key(&candidate));
        candidate
    }
}

fn key(path: &Path) -> String {
    path.to_string_lossy().to_lowercase()
}

/// A relative `.txt` path for an id: the id's own path when it is one
/// (`fixtures/a.txt`), with `..`, roots and odd characters removed, and each
/// part cut to [`MAX_COMPONENT`] bytes with a hash of what was cut.
pub fn file_name_for(id: &str) -> PathBuf {
    let mut path = PathBuf::new();
    for component in Path::new(id).components() {
        if let Component::Normal(part) = component {
            let clean: String = part
                .to_string_lossy()
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let clean = clean.trim_start_matches('.');
            if !clean.is_empty() {
                path.push(&*bounded(clean));
            }
        }
    }
    if path.as_os_str().is_empty() {
        path.push("article");
    }
    if path.components().count() > MAX_DEPTH || path.as_os_str().len() > MAX_PATH {
        path = flat(&path);
    }
    if path.extension().is_none_or(|e| e != "txt") {
        let mut name = path.into_os_string();
        name.push(".txt");
        path = PathBuf::from(name);
    }
    path
}

/// `path` as one name at the top: its parts joined by `_`, bounded.
fn flat(path: &Path) -> PathBuf {
    let joined: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut name = bounded(&joined.join("_")).into_owned();
    if !name.ends_with(".txt") {
        name.push_str(".txt");
    }
    PathBuf::from(name)
}

/// `part` when short enough; else its start and a hash of all of it.
fn bounded(part: &str) -> std::borrow::Cow<'_, str> {
    if part.len() <= MAX_COMPONENT {
        return part.into();
    }
    let hash = xxhash_rust::xxh3::xxh3_64(part.as_bytes());
    let mut cut = MAX_COMPONENT - 17;
    while !part.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash:016x}", &part[..cut]).into()
}

/// The path with links resolved as far as it exists, so that two names of
/// one file compare equal.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => resolved(parent).join(name),
        _ => absolute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_safe_relative_txt_paths() {
        assert_eq!(
            file_name_for("fixtures/a.txt"),
            PathBuf::from("fixtures/a.txt")
        );
        assert_eq!(
            file_name_for("/etc/../passwd"),
            PathBuf::from("etc/passwd.txt")
        );
        assert_eq!(file_name_for("a0000001"), PathBuf::from("a0000001.txt"));
        assert_eq!(file_name_for("news:1 2"), PathBuf::from("news_1_2.txt"));
        assert_eq!(file_name_for(".."), PathBuf::from("article.txt"));
    }

    #[test]
    fn long_ids_get_bounded_distinct_names() {
        let a = format!("https://example.com/{}a", "x".repeat(400));
        let b = format!("https://example.com/{}b", "x".repeat(400));
        let (na, nb) = (file_name_for(&a), file_name_for(&b));
        assert_ne!(na, nb);
        for name in [&na, &nb] {
            assert!(
                name.components().all(|c| c.as_os_str().len() <= 255),
                "{name:?}"
            );
        }
        let deep = "a/".repeat(100) + "b";
        assert_eq!(file_name_for(&deep).components().count(), 1);
    }

    #[test]
    fn clashing_names_stay_distinct() {
        let mut names = Names::default();
        assert_eq!(names.claim("a.txt"), PathBuf::from("a.txt"));
        assert_eq!(names.claim("a"), PathBuf::from("a-2.txt"));
        assert_eq!(names.claim("A.txt"), PathBuf::from("A-3.txt"));
        // a.txt is a file, so a.txt/b cannot be a file inside it.
        assert_eq!(names.claim("a.txt/b"), PathBuf::from("a.txt_b.txt"));
        // b.txt/c makes b.txt a directory, so the id b.txt takes another name.
        assert_eq!(names.claim("b.txt/c"), PathBuf::from("b.txt/c.txt"));
        assert_eq!(names.claim("b.txt"), PathBuf::from("b-2.txt"));
    }
}
