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

/// Four scraped pages (JSONL, each with its `url`): two stories of one
/// site, `gazette-baths` and `gazette-whisky`, inside one template whose
/// prose sidebar the cleaner keeps and that outweighs each short story;
/// `gazette-baths` posted again by the site with another "Related" line
/// (`gazette-baths-again`); and the baths story under another site's
/// furniture (`chronicle-baths`). Copies: the three baths pages. The whisky
/// story is like the others only in its site's furniture.
pub fn template_pages() -> String {
    let baths = (
        "Haverstead to close the Mill Lane baths",
        "The council of Haverstead voted on Tuesday evening to close the old swimming baths \
         on Mill Lane after engineers found cracks in the roof beams, and said that a new pool \
         would open next to the library within three years at a cost of twelve million pounds.",
    );
    let whisky = (
        "Two men held over Port Calder whisky theft",
        "Police in Port Calder arrested two men on Sunday after a lorry carrying four hundred \
         cases of whisky was stolen from a depot near the harbour, and officers said that most \
         of the bottles had been found in a barn outside the town by Monday morning.",
    );
    let sidebar = [
        "The Haverstead Gazette has written about the life of the town and the villages \
         around it since 1871, and its reporters have covered the council, the courts, the \
         schools and the sports clubs that make this corner of the county what it is.",
        "Our offices are in the old corn exchange on the market square, a building that was \
         saved from demolition in the seventies by a campaign that the paper started and that \
         most of the town joined within a few weeks of the first article.",
        "The paper is printed every Thursday and is sold in the shops of the town and of the \
         villages, and its pages are read each week by more than twenty thousand people who \
         live and work in the valley and along the coast.",
    ];
    let gazette = |(headline, body): (&str, &str), related: &str| {
        format!(
            "Home\nNews\nSport\nOpinion\nWeather\n\n{headline}\n\n{body}\n\nRelated: {related}\n\n{}\n\n\
             © 2024 Haverstead Gazette\n",
            sidebar.join("\n")
        )
    };
    let chronicle = format!(
        "Port Calder Evening Chronicle\n\n{}\n\n{}\n\nRead more local news\n",
        baths.0, baths.1
    );
    let pages = [
        (
            "gazette-baths",
            "https://gazette.test/baths",
            gazette(baths, "Library extension approved"),
        ),
        (
            "gazette-whisky",
            "https://gazette.test/whisky",
            gazette(whisky, "Harbour wall repairs begin"),
        ),
        (
            "gazette-baths-again",
            "https://gazette.test/news/baths",
            gazette(baths, "Traders fear for footfall"),
        ),
        ("chronicle-baths", "https://chronicle.test/baths", chronicle),
    ];
    pages
        .iter()
        .map(|(id, url, text)| {
            let page = serde_json::json!({"id": id, "url": url, "text": text});
            format!("{page}\n")
        })
        .collect()
}
