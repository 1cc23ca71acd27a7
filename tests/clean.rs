//! `dedup clean` on the seed articles: what must go, by which rule, and that
//! everything else (every sentence of reporting, quotes, titles, section
//! headings) stays.

use serde_json::Value;

use crate::util::{dedup, fixtures, run, Dir};

/// `dedup clean --format jsonl` on one fixture: the cleaned text and the
/// removed lines as (line, rule, text).
fn clean(fixture: &str) -> (String, Vec<(u64, String, String)>) {
    let dir = fixtures();
    let (code, stdout, stderr) = run(dedup(&dir).args(["clean", "--format", "jsonl", fixture]));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line per article");
    let article: Value = serde_json::from_str(lines[0]).expect("a JSON line");
    assert_eq!(article["id"], fixture);
    let removed = article["removed"]
        .as_array()
        .expect("removed lines")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().expect("a line number"),
                r["rule"].as_str().expect("a rule").to_string(),
                r["text"].as_str().expect("the line").to_string(),
            )
        })
        .collect();
    (article["text"].as_str().expect("text").to_string(), removed)
}

/// Checks that exactly the `expected` lines (line number, rule) went, that
/// each removed line is the one in the fixture, and that every other
/// non-blank line of the fixture is in the cleaned text.
fn assert_removed(fixture: &str, expected: &[(u64, &str)]) {
    let (text, removed) = clean(fixture);
    let got: Vec<(u64, &str)> = removed
        .iter()
        .map(|(n, rule, _)| (*n, rule.as_str()))
        .collect();
    assert_eq!(got, expected, "{fixture}: removed lines");
    let original = std::fs::read_to_string(fixtures().join(fixture)).unwrap();
    for (n, line) in original.lines().enumerate() {
        let n = n as u64 + 1;
        match removed.iter().find(|(m, _, _)| *m == n) {
            Some((_, _, removed)) => assert_eq!(removed, line, "{fixture}:{n}"),
            None => assert!(text.contains(line.trim()), "{fixture}:{n} stays: {line:?}"),
        }
    }
}

#[test]
fn moscowtimes_banner_caption_and_appeal_go() {
    let appeal = (30..=52).filter(|n| ![31, 33, 35, 37, 39, 41, 43, 51].contains(n));
    let expected: Vec<(u64, &str)> = [
        (1, "no-words"),
        (2, "appeal"),
        (3, "appeal"),
        (4, "appeal"),
        (5, "appeal"),
        (6, "appeal"),
        (10, "caption"),
    ]
    .into_iter()
    .chain(appeal.map(|n| (n, "appeal")))
    .collect();
    assert_removed("moscowtimes-putin-effective-dialogue.txt", &expected);
    let (text, _) = clean("moscowtimes-putin-effective-dialogue.txt");
    assert!(text.starts_with("Putin Says 'Effective Dialogue' With U.S. Possible\n"));
    assert!(text
        .trim_end()
        .ends_with("new military bases in former Soviet republics."));
}

#[test]
fn moscowtimes_afp_author_pages_and_related_link_go() {
    assert_removed(
        "moscowtimes-afp-biden-putin-call.txt",
        &[(15, "url"), (16, "url"), (27, "read-more")],
    );
    let (text, _) = clean("moscowtimes-afp-biden-putin-call.txt");
    for heading in ["\nConversational mood\n", "\nU.S. support for Ukraine\n"] {
        assert!(text.contains(heading), "{heading:?} stays");
    }
}

#[test]
fn brasovnews_editor_source_and_signup_go() {
    assert_removed(
        "brasovnews-putin-effective-dialogue.txt",
        &[
            (21, "byline"),
            (23, "byline"),
            (26, "newsletter"),
            (28, "newsletter"),
        ],
    );
}

#[test]
fn wire_embedded_tweet_goes() {
    assert_removed(
        "wire-putin-biden-discuss-tensions.txt",
        &[(5, "tweet"), (6, "tweet")],
    );
    let (text, _) = clean("wire-putin-biden-discuss-tensions.txt");
    assert!(text.starts_with("Putin, Biden discuss tensions over Ukraine on phone\n"));
}

#[test]
fn nos_repeated_title_and_comment_form_go() {
    assert_removed(
        "nos-biden-putin-charged-call.txt",
        &[
            (3, "repeated"),
            (27, "comments"),
            (29, "comments"),
            (31, "comments"),
        ],
    );
    let (text, _) = clean("nos-biden-putin-charged-call.txt");
    assert!(text
        .starts_with("Biden and Putin end the year with a charged phone conversation | abroad\n"));
    assert!(text.contains("\nnew year message\n"));
}

#[test]
fn syndicated_header_and_footer_go() {
    assert_removed(
        "syndicated-putin-biden-discuss-tensions.txt",
        &[
            (3, "navigation"),
            (5, "byline"),
            (41, "newsletter"),
            (43, "share"),
            (45, "read-more"),
            (47, "copyright"),
        ],
    );
}

#[test]
fn the_other_fixtures_are_left_alone() {
    let dir = fixtures();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let seed = ["moscowtimes", "brasovnews", "wire-", "nos-", "syndicated-"]
            .iter()
            .any(|prefix| name.starts_with(prefix));
        if name.ends_with(".txt") && !seed {
            assert_removed(&name, &[]);
        }
    }
}

#[test]
fn explain_marks_each_removed_line_with_its_rule() {
    let (code, stdout, _) = run(dedup(&fixtures()).args([
        "clean",
        "--explain",
        "wire-putin-biden-discuss-tensions.txt",
    ]));
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "==> wire-putin-biden-discuss-tensions.txt <==");
    assert_eq!(
        lines[1],
        "  Putin, Biden discuss tensions over Ukraine on phone"
    );
    assert!(lines[5].starts_with("- [tweet] President Biden speaks on the phone"));
    assert_eq!(
        lines[6],
        "- [tweet] — The White House (@WhiteHouse) December 30, 2021"
    );
}

#[test]
fn clean_reads_jsonl_with_a_chosen_text_field() {
    let dir = Dir::new();
    let page = serde_json::json!({
        "id": "p1",
        "raw": "Home\nSkip to main content\nCouncil backs tram extension\n\nThe council voted on \
                Tuesday to extend the tram line to the eastern districts, a project that has been \
                debated for more than ten years and that its supporters say will cut commuting \
                times across the city by a third.\n\n© 2023 Haverstead Gazette",
    });
    dir.write("pages.jsonl", format!("{page}\n"));
    let (code, stdout, stderr) = run(dir.dedup().args([
        "clean",
        "--text-field",
        "raw",
        "--format",
        "jsonl",
        "pages.jsonl",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(r#"{"id":"p1","text":"Council backs"#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""removed":[{"line":1,"rule":"navigation","text":"Home"},"#),
        "{stdout}"
    );
    let article: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(article["id"], "p1");
    assert!(article["text"]
        .as_str()
        .unwrap()
        .starts_with("Council backs tram extension\n\nThe council voted"));
    let rules: Vec<&str> = article["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["navigation", "navigation", "copyright"]);
}

/// Pages of one site (named only by their `url`), each with a story of its
/// own inside the same menu and sidebar.
fn site_pages(stories: &[&str]) -> String {
    stories
        .iter()
        .enumerate()
        .map(|(n, story)| {
            let page = serde_json::json!({
                "id": format!("p{n}"),
                "url": format!("https://www.harbourside.example/news/{n}"),
                "text": format!(
                    "Home\nSport\nWeather\nSign in to manage your Harbourside account settings\n\n\
                     {story}\n\nMost read on the site this week, picked for you\nAbout us\nContact"
                ),
            });
            format!("{page}\n")
        })
        .collect()
}

#[test]
fn explain_names_the_recurring_evidence_of_a_site_found_from_its_urls() {
    let dir = Dir::new();
    let stories = [
        crate::util::article("tram"),
        crate::util::article("quake"),
        crate::util::article("cup"),
        crate::util::article("fire"),
    ];
    let stories: Vec<&str> = stories.iter().map(String::as_str).collect();
    dir.write("pages.jsonl", site_pages(&stories));
    let (code, stdout, stderr) = run(dir.dedup().args(["clean", "--explain", "pages.jsonl"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("- [recurring: recurs in 4 unrelated articles] Most read on the site"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- [recurring: recurs in 4 unrelated articles] Weather\n"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("  {}", stories[0].lines().next().unwrap())));
}

/// A page whose furniture only the block classifier can see: a menu above
/// the body, a line of links and a tag list below it.
pub fn page_with_menus() -> String {
    let paragraph = "The council voted on Tuesday to extend the tram line to the eastern \
        districts, a project that has been debated for more than ten years and that its \
        supporters say will cut commuting times across the city by a third.";
    [
        "* News",
        "* Sport",
        "Council backs tram extension",
        "",
        paragraph,
        "",
        paragraph,
        "",
        "@council #trams http://example.com/council/trams",
        "",
        "Trams Council Eastern districts",
    ]
    .join("\n")
        + "\n"
}

#[test]
fn explain_names_the_features_that_decided_each_classified_line() {
    let dir = Dir::new();
    dir.write("page.txt", page_with_menus());
    let (code, stdout, stderr) = run(dir.dedup().args(["clean", "--explain", "page.txt"]));
    assert_eq!(code, 0, "{stderr}");
    let marked: Vec<&str> = stdout.lines().filter(|l| l.starts_with("- [")).collect();
    assert_eq!(
        marked,
        [
            // The page's edge counts as a bad neighbour, as in jusText.
            "- [context: short block between bad and good blocks] * News",
            "- [context: short block between bad and good blocks] * Sport",
            "- [links: 96% of its characters are links, over 20%] \
             @council #trams http://example.com/council/trams",
            "- [context: short block between bad and bad blocks] Trams Council Eastern districts",
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains("  Council backs tram extension\n"),
        "{stdout}"
    );
}

/// #21: each fixture's title is its headline, or none when the text has
/// none (a wire story that starts with its first paragraph), never a
/// dateline, a section name or the first line of a wrapped paragraph.
#[test]
fn r21_the_fixture_titles_are_their_headlines() {
    let dir = fixtures();
    let (code, stdout, stderr) = run(dedup(&dir).args(["--no-events", "--format", "json"]).args(
        crate::util::fixture_paths()
            .iter()
            .map(|p| p.trim_start_matches("fixtures/")),
    ));
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
    let mut titles: Vec<(String, Option<String>)> = report["clusters"]
        .as_array()
        .expect("clusters")
        .iter()
        .flat_map(|c| c["members"].as_array().expect("members").iter())
        .map(|m| {
            let id = m["id"].as_str().expect("an id").to_string();
            (id, m["title"].as_str().map(str::to_string))
        })
        .collect();
    titles.sort();
    let expected = [
        ("brasovnews-putin-effective-dialogue.txt", None),
        (
            "cupfinal-eveningchronicle.txt",
            Some("Riverside end 25-year drought as substitute Varga sinks Port Calder"),
        ),
        (
            "cupfinal-sportsdesk.txt",
            Some("Varga's late strike wins County Cup for Riverside Athletic"),
        ),
        ("moscowtimes-afp-biden-putin-call.txt", None),
        (
            "moscowtimes-putin-effective-dialogue.txt",
            Some("Putin Says 'Effective Dialogue' With U.S. Possible"),
        ),
        (
            "nos-biden-putin-charged-call.txt",
            Some("Biden and Putin end the year with a charged phone conversation"),
        ),
        (
            "quake-coastalherald.txt",
            Some("Magnitude 6.4 earthquake shakes Serrano Highlands, three dead"),
        ),
        (
            "quake-globalwire.txt",
            Some("Quake of magnitude 6.4 kills 3 in Serrano Highlands"),
        ),
        (
            "quake-northernpost.txt",
            Some("Three killed as strong quake hits mountain province"),
        ),
        (
            "syndicated-putin-biden-discuss-tensions.txt",
            Some("Putin, Biden discuss tensions over Ukraine on phone"),
        ),
        (
            "tram-haversteadgazette.txt",
            Some("Council gives green light to €412m East Haverstead tram line"),
        ),
        (
            "tram-metroweekly.txt",
            Some("Haverstead approves tram to the east side after heated debate"),
        ),
        (
            "ukraine-donbas-ceasefire-violations.txt",
            Some("Ukraine reports fresh ceasefire violations in Donbas despite holiday truce"),
        ),
        (
            "videocall-biden-warns-putin-sanctions.txt",
            Some("Biden warns Putin of sanctions in two-hour video call over Ukraine"),
        ),
        (
            "videocall-putin-seeks-nato-guarantees.txt",
            Some("Putin presses Biden for binding guarantees that NATO will not move east"),
        ),
        (
            "wire-putin-biden-discuss-tensions.txt",
            Some("Putin, Biden discuss tensions over Ukraine on phone"),
        ),
    ];
    let expected: Vec<(String, Option<String>)> = expected
        .iter()
        .map(|&(id, title)| (id.to_string(), title.map(str::to_string)))
        .collect();
    assert_eq!(titles, expected);
}

/// A news page as text in a language the cleaner reads by its own function
/// words: a menu, a headline, two paragraphs, a footer.
fn page_in(menu: [&str; 4], headline: &str, paragraphs: [&str; 2], footer: &str) -> String {
    let menu = menu.map(|entry| format!("* {entry}")).join("\n");
    format!(
        "{menu}\n{headline}\n\n{}\n\n{}\n\n{footer}\n",
        paragraphs[0], paragraphs[1]
    )
}

/// #21, other languages: a page in a language with no stopword list showed
/// no prose at all, so the cleaner left it whole, menus and footers with
/// it, and two pages of one site shared them as if copied.
#[test]
fn r21_pages_in_more_languages_lose_their_menus_and_keep_their_story() {
    let pages = [
        page_in(
            ["Beranda", "Berita", "Olahraga", "Hiburan"],
            "Jalur trem diperpanjang ke timur",
            [
                "Pemerintah kota mengumumkan pada hari Selasa bahwa jalur trem akan \
                 diperpanjang ke wilayah timur, sebuah proyek yang sudah dibahas selama lebih \
                 dari sepuluh tahun dan yang menurut para pendukungnya akan memangkas waktu \
                 perjalanan di seluruh kota hingga sepertiga.",
                "Pekerjaan akan dimulai pada musim semi tahun depan, dan dewan kota mengatakan \
                 bahwa biaya proyek ini akan ditanggung bersama oleh pemerintah pusat dan \
                 pemerintah daerah, meskipun beberapa anggota oposisi masih meragukan angka \
                 tersebut.",
            ],
            "Tentang Kami | Kontak | Karier",
        ),
        page_in(
            ["Nyheter", "Sport", "Nöje", "Kultur"],
            "Spårvägen förlängs österut",
            [
                "Kommunfullmäktige beslutade på tisdagen att spårvägen ska förlängas till de \
                 östra stadsdelarna, ett projekt som har diskuterats i mer än tio år och som \
                 enligt dess anhängare kommer att korta restiderna i hela staden med en \
                 tredjedel.",
                "Arbetet börjar nästa vår, och kommunen säger att kostnaderna ska delas mellan \
                 staten och regionen, även om flera ledamöter i oppositionen fortfarande \
                 ifrågasätter de siffror som har presenterats.",
            ],
            "Om oss | Kontakt | Jobba hos oss",
        ),
        page_in(
            ["Haberler", "Spor", "Magazin", "Ekonomi"],
            "Tramvay hattı doğuya uzatılıyor",
            [
                "Belediye meclisi salı günü tramvay hattının doğu mahallelerine kadar \
                 uzatılmasına karar verdi; bu proje on yıldan fazla bir süredir tartışılıyordu \
                 ve destekçileri şehir genelinde yolculuk sürelerinin üçte bir kısalacağını \
                 söylüyor.",
                "Çalışmalar gelecek ilkbaharda başlayacak ve belediye, maliyetin devlet ile \
                 bölge arasında paylaşılacağını açıkladı, ama muhalefetteki bazı üyeler hâlâ \
                 bu rakamlara şüpheyle bakıyor ve daha fazla bilgi istiyor.",
            ],
            "Hakkımızda | İletişim | Kariyer",
        ),
    ];
    let dir = Dir::new();
    for (i, page) in pages.iter().enumerate() {
        dir.write(&format!("{i}.txt"), page);
    }
    let (code, stdout, stderr) = run(dir
        .dedup()
        .args(["clean", "--format", "jsonl", "0.txt", "1.txt", "2.txt"]));
    assert_eq!(code, 0, "{stderr}");
    for (line, page) in stdout.lines().zip(&pages) {
        let article: Value = serde_json::from_str(line).expect("a JSON line");
        let text = article["text"].as_str().expect("the cleaned text");
        // The menu, the headline, the paragraphs and the footer, as
        // `page_in` lays them out between blank lines.
        let lines: Vec<&str> = page.lines().filter(|l| !l.is_empty()).collect();
        let (menu, story, footer) = (&lines[..4], &lines[4..7], lines[7]);
        for kept in story {
            assert!(text.contains(kept), "lost {kept:?}:\n{text}");
        }
        for gone in menu.iter().chain([&footer]) {
            let gone = gone.trim_start_matches("* ");
            assert!(!text.contains(gone), "kept {gone:?}:\n{text}");
        }
    }
}
