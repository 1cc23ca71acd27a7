//! Directory inputs: every file below the directory whose name matches the
//! glob, in sorted order so runs are reproducible. Hidden entries (names
//! starting with `.`) are skipped and symbolic links to directories are not
//! followed, so a link cycle cannot loop. FIFOs, sockets and devices whose
//! names match are listed, to be reported by kind when their turn comes.

use std::path::{Path, PathBuf};

use super::Corpus;
use crate::error::Problem;

pub(super) fn files_in(dir: &Path, glob: &str, corpus: &mut Corpus) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                corpus.error(super::path_name(&dir), Problem::Unreadable(e.to_string()));
                continue;
            }
        };
        let mut names: Vec<_> = entries.filter_map(Result::ok).collect();
        names.sort_by_key(|e| e.file_name());
        for entry in names.into_iter().rev() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            // A link to a directory is not followed, so a cycle cannot loop.
            let linked_dir = kind.is_symlink() && entry.path().is_dir();
            if kind.is_dir() {
                pending.push(entry.path());
            } else if !linked_dir && glob_matches(glob, &name) {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

/// Shell-style match of a file name: `*` any run, `?` one character.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_a_shell() {
        assert!(glob_matches("*.txt", "a.txt"));
        assert!(glob_matches("*.txt", ".txt"));
        assert!(!glob_matches("*.txt", "a.txt.bak"));
        assert!(glob_matches("story-??.md", "story-01.md"));
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches("a*b*c", "axxbyyc"));
        assert!(!glob_matches("a*b*c", "axxbyy"));
    }
}
