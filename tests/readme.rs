//! The README's console examples are run, and what they print must be what
//! the README shows, so the README cannot drift from the binary.
//!
//! Each ```` ```console ```` block whose commands are all `dedup …` (or
//! `echo $?`, `grep`, `cat`, `head`) is one shell session: its `$ ` lines run in order in one `sh`,
//! in a scratch copy of `fixtures/`, with the built `dedup` first on `PATH`;
//! a command's stdout and stderr together must match the lines that follow
//! it. `...` on a line of its own stands for any lines, `[..]` for any text
//! within a line (snapbox's wildcards). Blocks of other commands (`cargo …`)
//! are how-tos, not run.

use std::path::Path;
use std::process::Command;

use crate::util::{fixtures, Dir};

/// One command of a session and the output the README shows for it.
#[derive(Debug)]
struct Example {
    command: String,
    output: String,
}

/// The console blocks of a markdown text, each a list of examples.
fn sessions(markdown: &str) -> Vec<Vec<Example>> {
    let mut sessions = Vec::new();
    let mut current: Option<Vec<Example>> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_end() == "```console" => current = Some(Vec::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => sessions.extend(current.take()),
            Some(examples) => match line.strip_prefix("$ ") {
                Some(command) => examples.push(Example {
                    command: command.to_string(),
                    output: String::new(),
                }),
                None => {
                    let example = examples.last_mut().expect("a block starts with a command");
                    example.output.push_str(line);
                    example.output.push('\n');
                }
            },
        }
    }
    assert!(current.is_none(), "a console block is not closed");
    sessions
}

/// Runs the session's commands in one shell in `dir`; returns each one's
/// output. `$?` is the status of the previous command, as in a terminal.
fn run_session(examples: &[Example], dir: &Path) -> Vec<String> {
    const MARK: &str = "@@readme-example@@";
    let mut script = String::from("status=0\n");
    for example in examples {
        script.push_str(&format!(
            "printf '\\n{MARK}\\n'; (exit $status); {{ {}\n}} 2>&1; status=$?\n",
            example.command
        ));
    }
    let binary = assert_cmd::cargo::cargo_bin("dedup");
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .split(&format!("\n{MARK}\n"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_console_example_in_the_readme_prints_what_it_shows() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let sessions: Vec<Vec<Example>> = sessions(&readme)
        .into_iter()
        .filter(|examples| examples.iter().all(runs_dedup))
        .collect();
    assert!(
        sessions.len() >= 7,
        "dedup console blocks: {}",
        sessions.len()
    );
    for examples in &sessions {
        let dir = Dir::new();
        for entry in std::fs::read_dir(fixtures()).unwrap() {
            let entry = entry.unwrap();
            if entry.path().is_dir() {
                continue; // fixtures/languages/: not in the README's examples
            }
            dir.write(
                &format!("fixtures/{}", entry.file_name().to_string_lossy()),
                std::fs::read(entry.path()).unwrap(),
            );
        }
        let outputs = run_session(examples, dir.path());
        assert_eq!(outputs.len(), examples.len());
        for (example, actual) in examples.iter().zip(outputs) {
            // A blank line between two commands is layout, not output.
            let (actual, expected) = (actual.trim_end(), example.output.trim_end());
            if let Err(e) = snapbox::Assert::new().try_eq(
                Some(&format!("$ {}", example.command)),
                actual.into(),
                expected.into(),
            ) {
                panic!("README example `$ {}`:\n{e}", example.command);
            }
        }
    }
}

/// Whether an example is one this test runs: dedup itself, `echo $?`, or
/// a command that only reads what dedup wrote (`grep`, `cat`, `head`).
fn runs_dedup(example: &Example) -> bool {
    let first = example.command.split_whitespace().next().unwrap_or("");
    matches!(first, "dedup" | "grep" | "cat" | "head") || example.command == "echo $?"
}

#[test]
fn sessions_are_read_command_by_command() {
    let markdown = "text\n```console\n$ a\none\n...\n$ b\n```\n```sh\n$ not run\n```\n";
    let sessions = sessions(markdown);
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0][0].command, "a");
    assert_eq!(sessions[0][0].output, "one\n...\n");
    assert_eq!(sessions[0][1].output, "");
    let command = |c: &str| Example {
        command: c.into(),
        output: String::new(),
    };
    assert!(runs_dedup(&command("dedup --quiet a.txt")));
    assert!(runs_dedup(&command("echo $?")));
    assert!(!runs_dedup(&command("cargo install cargo-fuzz")));
}
