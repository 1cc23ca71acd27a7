//! `--write-unique`: the corpus without its duplicates, one article per
//! near-duplicate group (its representative) plus every article that has no
//! copy. Written atomically: into a temporary sibling first, renamed into
//! place when complete, so a reader never sees half a corpus. A target that
//! is one of the inputs, or holds one, is refused before anything is read.

use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use crate::article::Article;
use crate::read::{is_jsonl, Fields};

/// Where the unique corpus goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A directory of `.txt` files, one per article.
    Dir(PathBuf),
    /// One JSONL file, with the input's field names.
    Jsonl(PathBuf),
}

impl Target {
    /// Checks `path` against the inputs: it must not be one of them, inside
    /// an input directory, or a directory holding an input.
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

    /// Writes `articles` (those to keep, in order) and returns how many.
    pub fn write(&self, articles: &[&Article], fields: &Fields) -> Result<usize> {
        match self {
            Target::Jsonl(path) => write_jsonl(path, articles, fields),
            Target::Dir(path) => write_dir(path, articles),
        }
        .with_context(|| format!("--write-unique {}", self.path().display()))?;
        Ok(articles.len())
    }

    pub fn path(&self) -> &Path {
        match self {
            Target::Dir(path) | Target::Jsonl(path) => path,
        }
    }
}

fn write_jsonl(path: &Path, articles: &[&Article], fields: &Fields) -> Result<()> {
    write_atomically(path, |out| {
        for article in articles {
            let mut row = Map::new();
            row.insert(fields.id.clone(), Value::from(article.id.as_str()));
            let optional = [
                (&fields.title, &article.title),
                (&fields.date, &article.date),
                (&fields.source, &article.source),
            ];
            for (field, value) in optional {
                if let Some(value) = value {
                    row.insert(field.clone(), Value::from(value.as_str()));
                }
            }
            row.insert(fields.text.clone(), Value::from(article.text.as_str()));
            serde_json::to_writer(&mut *out, &row)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// Writes a file at `path` through `write`, atomically: into a temporary
/// sibling, synced and renamed into place once complete, so that a reader
/// never finds half a file there; on failure the temporary file goes.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> Result<()>,
) -> Result<()> {
    let temp = temporary_sibling(path)?;
    let result = (|| -> Result<()> {
        let mut out = BufWriter::new(fs::File::create(&temp)?);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&temp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_dir(path: &Path, articles: &[&Article]) -> Result<()> {
    let temp = temporary_sibling(path)?;
    let result = (|| -> Result<()> {
        fs::create_dir_all(&temp)?;
        let mut used = HashSet::new();
        for article in articles {
            let name = unique_name(&file_name_for(&article.id), &mut used);
            let file = temp.join(&name);
            if let Some(parent) = file.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&file, &article.text)?;
        }
        // rename(2) replaces an empty directory, so an empty target is fine.
        fs::rename(&temp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&temp);
    }
    result
}

/// A relative `.txt` path for an id: the id's own path when it is one
/// (`fixtures/a.txt`), with `..`, roots and odd characters removed.
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
                path.push(clean);
            }
        }
    }
    if path.as_os_str().is_empty() {
        path.push("article");
    }
    if path.extension().is_none_or(|e| e != "txt") {
        let mut name = path.into_os_string();
        name.push(".txt");
        path = PathBuf::from(name);
    }
    path
}

/// `name`, or `name-2.txt`, `name-3.txt`… when taken.
fn unique_name(name: &Path, used: &mut HashSet<PathBuf>) -> PathBuf {
    let mut candidate = name.to_path_buf();
    let mut n = 1;
    while !used.insert(candidate.clone()) {
        n += 1;
        let stem = name.file_stem().unwrap_or_default().to_string_lossy();
        candidate = name.with_file_name(format!("{stem}-{n}.txt"));
    }
    candidate
}

fn temporary_sibling(path: &Path) -> Result<PathBuf> {
    let name = path.file_name().context("the path has no file name")?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(parent.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
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
    fn clashing_names_get_a_number() {
        let mut used = HashSet::new();
        assert_eq!(
            unique_name(Path::new("a.txt"), &mut used),
            PathBuf::from("a.txt")
        );
        assert_eq!(
            unique_name(Path::new("a.txt"), &mut used),
            PathBuf::from("a-2.txt")
        );
    }
}
