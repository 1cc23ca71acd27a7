//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `dedup` binary, run in `dir`.
pub fn dedup(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("dedup").expect("the dedup binary is built");
    cmd.current_dir(dir);
    cmd
}

/// A temporary directory holding the files of one test.
pub struct Dir {
    temp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            temp: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Writes `bytes` to `name` (parent directories created) and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.temp.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn dedup(&self) -> Command {
        dedup(self.path())
    }
}

/// The project's fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The fixture articles as a user names them from the project root, sorted.
pub fn fixture_paths() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .map(|n| format!("fixtures/{n}"))
        .collect();
    names.sort();
    names
}

/// A short, ordinary article about `topic`.
pub fn article(topic: &str) -> String {
    format!(
        "{topic} makes the news\n\nThe story of {topic} was reported on Tuesday by several \
         people who saw what happened. Officials said more would be known later this week.\n"
    )
}

/// Runs `cmd`, returning (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("dedup runs");
    (
        out.status.code().expect("dedup exits with a code"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// The ids in a `--format jsonl` output, in order.
pub fn jsonl_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            value["id"].as_str().expect("an id").to_string()
        })
        .collect()
}
