//! What a person at a terminal sees: progress bars that move. The binary
//! runs with its stderr on a real pseudo-terminal, and the test reads every
//! frame drawn there.

use std::fs::File;
use std::io::Read;
use std::process::{Command, Stdio};

use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
use rustix::termios::{tcsetwinsize, Winsize};

use crate::util::Dir;

/// Runs dedup with `args` in `dir`, stderr on a pseudo-terminal and stdout
/// discarded; returns what the terminal received and the exit code.
fn run_on_terminal(dir: &Dir, args: &[&str]) -> (String, i32) {
    run_with_terminal(dir, args, Shown::Stderr, 80)
}

/// Which stream of dedup's is the terminal (the other is discarded).
#[derive(PartialEq)]
enum Shown {
    Stdout,
    Stderr,
}

/// Runs dedup with `args` in `dir`, `shown` on a pseudo-terminal of
/// `columns`; returns what the terminal received and the exit code.
fn run_with_terminal(dir: &Dir, args: &[&str], shown: Shown, columns: u16) -> (String, i32) {
    run_with_terminal_env(dir, args, shown, columns, &[])
}

/// [`run_with_terminal`] with `env` set for dedup.
fn run_with_terminal_env(
    dir: &Dir,
    args: &[&str],
    shown: Shown,
    columns: u16,
    env: &[(&str, &str)],
) -> (String, i32) {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let size = Winsize {
        ws_row: 24,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&master, size).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let terminal = File::options()
        .read(true)
        .write(true)
        .open(name.to_str().unwrap())
        .unwrap();
    // The other stream is no pipe nobody reads while the terminal is read:
    // output larger than the pipe's buffer would block the child.
    let (stdout, stderr) = match shown {
        Shown::Stdout => (Stdio::from(terminal), Stdio::null()),
        Shown::Stderr => (Stdio::null(), Stdio::from(terminal)),
    };
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dedup"))
        .current_dir(dir.path())
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("dedup starts");
    // The child holds the only other end: reading stops when it exits.
    let mut master = File::from(master);
    let mut screen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match master.read(&mut buf) {
            Ok(0) | Err(_) => break, // EIO once the terminal is closed
            Ok(n) => screen.extend_from_slice(&buf[..n]),
        }
    }
    let status = child.wait().unwrap();
    (
        String::from_utf8_lossy(&screen).into_owned(),
        status.code().unwrap(),
    )
}

/// (stage, done, total) of every bar frame drawn.
fn frames(screen: &str) -> Vec<(String, usize, usize)> {
    let number = |s: &str| s.replace(',', "").parse::<usize>().ok();
    screen
        .split('\r')
        .filter_map(|frame| {
            let frame = frame.trim_start_matches("\x1b[2K");
            let (stage, rest) = frame.split_once(" [")?;
            let (_, counts) = rest.split_once("]  ")?;
            let (done, rest) = counts.split_once('/')?;
            let total = rest.split_whitespace().next()?;
            Some((stage.to_string(), number(done)?, number(total)?))
        })
        .collect()
}

#[test]
fn a_long_run_on_a_terminal_draws_bars_that_move() {
    // Frames every few milliseconds from the start: with the usual half
    // second before the first bar, a fast machine finished every stage of a
    // known size before any bar was drawn, and only the event stage, which
    // has no total, was seen (the release build failed; 8 December).
    let dir = Dir::new();
    let mut corpus = String::new();
    for a in dedup::synth::news_corpus(3000, 7) {
        let line = serde_json::json!({"id": a.id, "text": a.text, "date": a.date});
        corpus.push_str(&format!("{line}\n"));
    }
    dir.write("corpus.jsonl", corpus);
    let (screen, code) = run_with_terminal_env(
        &dir,
        &["--format", "jsonl", "corpus.jsonl"],
        Shown::Stderr,
        80,
        &[("DEDUP_BAR_FRAME_MS", "5")],
    );
    assert_eq!(code, 0, "{screen}");
    let frames = frames(&screen);
    let moving: Vec<_> = frames
        .iter()
        .filter(|(_, done, total)| 0 < *done && done < total)
        .collect();
    assert!(
        !moving.is_empty(),
        "no frame between 0 and the total among {frames:?}\n{screen:?}"
    );
    assert!(screen.contains("/s  ETA "), "no rate and ETA: {screen:?}");
    // The last bar is cleared before the summary line.
    assert!(
        screen.contains("\r\x1b[2Kdedup: 3,000 articles"),
        "{screen:?}"
    );
}

#[test]
fn no_bar_is_drawn_when_stderr_is_not_a_terminal_or_with_quiet() {
    let dir = Dir::new();
    dir.write("a.txt", crate::util::article("the harbour"));
    let (code, _, stderr) = crate::util::run(dir.dedup().arg("a.txt"));
    assert_eq!(code, 0);
    assert!(!stderr.contains('\r'), "{stderr:?}");
    let (screen, code) = run_on_terminal(&dir, &["--quiet", "a.txt"]);
    assert_eq!((code, screen.as_str()), (0, ""));
}

#[test]
fn the_text_report_is_cut_to_the_terminal_width() {
    let dir = Dir::new();
    let headline = "Harbour council approves the long-awaited extension of the eastern quay";
    let story = crate::util::article("the harbour");
    for name in ["a.txt", "b.txt"] {
        dir.write(name, format!("{headline}\n\n{story}"));
    }
    let longest = |screen: &str| screen.lines().map(|l| l.trim_end().chars().count()).max();
    let (wide, code) = run_with_terminal(
        &dir,
        &["--color", "never", "a.txt", "b.txt"],
        Shown::Stdout,
        160,
    );
    assert_eq!(code, 0, "{wide}");
    assert!(wide.contains(&format!("a.txt  {headline}")), "{wide}");
    assert!(longest(&wide) > Some(80), "{wide}");
    let (narrow, _) = run_with_terminal(
        &dir,
        &["--color", "never", "a.txt", "b.txt"],
        Shown::Stdout,
        60,
    );
    assert!(longest(&narrow) <= Some(60), "{narrow}");
    // Not a terminal: 80 columns, as the README's examples show.
    let (code, piped, _) = crate::util::run(dir.dedup().args(["a.txt", "b.txt"]));
    assert_eq!(code, 0);
    assert!(longest(&piped) <= Some(80), "{piped}");
}

/// The in-memory path `eval` and `explain` run on (`dedup::cluster`): each
/// stage of a known size counts every article, so its bar reaches the end.
#[test]
fn the_in_memory_path_counts_every_article_in_its_stages() {
    let paths: Vec<String> = crate::util::fixture_paths()
        .iter()
        .map(|p| {
            let name = p.trim_start_matches("fixtures/");
            crate::util::fixtures().join(name).display().to_string()
        })
        .collect();
    let corpus = dedup::read::read_inputs(&paths, &dedup::read::ReadOptions::default());
    let pipeline = dedup::config::Config::default().validate().unwrap();
    let progress = dedup::progress::Progress::default();
    dedup::cluster(&corpus.articles, &pipeline, &progress).unwrap();
    progress.finish();
    let n = corpus.articles.len();
    for stage in ["clean", "analyse"] {
        let timing = progress.timings().into_iter().find(|t| t.stage == stage);
        assert_eq!(timing.map(|t| t.items), Some(n), "{stage}");
    }
}
