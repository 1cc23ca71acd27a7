//! Calendar dates for the event stage: when an article was published, and
//! the dates it mentions.
//!
//! Input: a metadata date string (`EventDoc::date`, ISO `YYYY-MM-DD…` best)
//! or an article's text. Output: a [`Day`] (days since 1970-01-01), or the
//! month and day of a date mentioned in the text.
//!
//! Invariants: month names are understood in the stopword lists'
//! languages ([`MONTHS`]), numeric dates day first unless impossible; a date
//! is taken from the text only from a *dateline* (a short line near the top
//! that carries a full date with a year and does not read like a sentence),
//! never from a date merely mentioned in the story, such as an appeal banner's
//! "Since July 1, 2024".

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// A calendar day: days since 1970-01-01 (negative before).
pub type Day = i32;

/// Month numbers with their names and common abbreviations, lowercase:
/// English, then German, French, Spanish, Italian, Portuguese, Dutch,
/// Polish, Russian and Ukrainian (de, fr, es, it, pt, nl, pl, ru, uk).
/// English names are read only capitalised ("May 5", not "may 5"); the
/// other languages write them in lowercase, so there any case goes. Polish, Russian and Ukrainian come in the nominative and the
/// genitive a date uses ("30 grudnia", "30 декабря", "30 грудня").
const MONTHS: [(u32, &[&str], &[&str]); 12] = [
    (
        1,
        &["january", "jan"],
        &[
            "januar",
            "jänner",
            "janvier",
            "janv",
            "enero",
            "gennaio",
            "janeiro",
            "januari",
            "styczeń",
            "stycznia",
            "январь",
            "января",
            "січень",
            "січня",
        ],
    ),
    (
        2,
        &["february", "feb"],
        &[
            "februar",
            "février",
            "févr",
            "febrero",
            "febbraio",
            "fevereiro",
            "februari",
            "luty",
            "lutego",
            "февраль",
            "февраля",
            "лютий",
            "лютого",
        ],
    ),
    (
        3,
        &["march", "mar"],
        &[
            "märz",
            "maerz",
            "mars",
            "marzo",
            "março",
            "maart",
            "marzec",
            "marca",
            "март",
            "марта",
            "березень",
            "березня",
        ],
    ),
    (
        4,
        &["april", "apr"],
        &[
            "avril",
            "avr",
            "abril",
            "aprile",
            "kwiecień",
            "kwietnia",
            "апрель",
            "апреля",
            "квітень",
            "квітня",
        ],
    ),
    (
        5,
        &["may"],
        &[
            "mai",
            "mayo",
            "maggio",
            "maio",
            "mei",
            "maj",
            "maja",
            "май",
            "мая",
            "травень",
            "травня",
        ],
    ),
    (
        6,
        &["june", "jun"],
        &[
            "juni",
            "juin",
            "junio",
            "giugno",
            "junho",
            "czerwiec",
            "czerwca",
            "июнь",
            "июня",
            "червень",
            "червня",
        ],
    ),
    (
        7,
        &["july", "jul"],
        &[
            "juli",
            "juillet",
            "juil",
            "julio",
            "luglio",
            "julho",
            "lipiec",
            "lipca",
            "июль",
            "июля",
            "липень",
            "липня",
        ],
    ),
    (
        8,
        &["august", "aug"],
        &[
            "août",
            "agosto",
            "augustus",
            "sierpień",
            "sierpnia",
            "август",
            "августа",
            "серпень",
            "серпня",
        ],
    ),
    (
        9,
        &["september", "sep", "sept"],
        &[
            "septembre",
            "septiembre",
            "setiembre",
            "settembre",
            "setembro",
            "wrzesień",
            "września",
            "сентябрь",
            "сентября",
            "вересень",
            "вересня",
        ],
    ),
    (
        10,
        &["october", "oct"],
        &[
            "oktober",
            "okt",
            "octobre",
            "octubre",
            "ottobre",
            "outubro",
            "październik",
            "października",
            "октябрь",
            "октября",
            "жовтень",
            "жовтня",
        ],
    ),
    (
        11,
        &["november", "nov"],
        &[
            "novembre",
            "noviembre",
            "novembro",
            "listopad",
            "listopada",
            "ноябрь",
            "ноября",
            "листопад",
            "листопада",
        ],
    ),
    (
        12,
        &["december", "dec"],
        &[
            "dezember",
            "dez",
            "décembre",
            "déc",
            "diciembre",
            "dic",
            "dicembre",
            "dezembro",
            "grudzień",
            "grudnia",
            "декабрь",
            "декабря",
            "грудень",
            "грудня",
        ],
    ),
];

/// English month names that are also common words, read only capitalised.
const ENGLISH_WORDS: [&str; 3] = ["may", "march", "mar"];

/// Every month name as a regex alternation, longest first so that a name
/// is never cut to its abbreviation.
fn month_pattern() -> &'static str {
    static PATTERN: OnceLock<String> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let mut english: Vec<String> = Vec::new();
        let mut other: Vec<&str> = Vec::new();
        for (_, en, names) in MONTHS {
            english.extend(
                en.iter()
                    .map(|name| name[..1].to_ascii_uppercase() + &name[1..]),
            );
            // Dutch and German share most English names, in lowercase;
            // "may" and "march" are English words too.
            other.extend(
                names
                    .iter()
                    .chain(en)
                    .filter(|n| !ENGLISH_WORDS.contains(n)),
            );
        }
        english.sort_by_key(|n| std::cmp::Reverse(n.len()));
        other.sort_by_key(|n| std::cmp::Reverse(n.len()));
        format!("{}|(?i:{})", english.join("|"), other.join("|"))
    })
}

/// Month number (1–12) of a month name or abbreviation in any language of
/// [`MONTHS`], any case, with or without a trailing dot.
pub fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .find(|(_, en, names)| en.contains(&lower.as_str()) || names.contains(&lower.as_str()))
        .map(|&(m, _, _)| m)
}

const MONTH_KEYS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// How many non-blank lines from the top may hold a dateline.
const DATELINE_LINES: usize = 8;

/// How a sentence (no dateline) ends, in Latin, CJK, Arabic and Urdu
/// punctuation.
const SENTENCE_ENDS: &[char] = &['.', '!', '?', ';', ',', '。', '！', '？', '؟', '۔', '،'];

/// A dateline has at most this many words besides its date.
const DATELINE_WORDS: usize = 14;

/// A date written in a text: its byte range, month, day and year if given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub month: u32,
    pub day: u32,
    pub year: Option<i32>,
}

/// The space between the parts of a written date: at most one line break,
/// so that a date never spans a paragraph break ("… proper Jan.", blank
/// line, "5 Arts …" is no date).
const GAP: &str = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)";
/// [`GAP`], or nothing.
const GAP_OR_NONE: &str = r"[^\S\n]*\n?[^\S\n]*";

struct DatePatterns {
    day_month: Regex,
    month_day: Regex,
    iso: Regex,
    numeric: Regex,
    cjk: Regex,
}

fn date_patterns() -> &'static DatePatterns {
    static PATTERNS: OnceLock<DatePatterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let months = month_pattern();
        let (gap, gap0) = (GAP, GAP_OR_NONE);
        let re = |p: &str| Regex::new(p).expect("valid date pattern");
        DatePatterns {
            // "30 December 2021", "30. Dezember 2021", "1er janvier",
            // "30 de diciembre de 2021", "the 10th of January".
            day_month: re(&format!(
                r"\b(\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?{gap}(?:of{gap}|de{gap})?({months})\b\.?(?:,?{gap}(?:de{gap})?(\d{{4}})\b)?"
            )),
            // "December 30, 2021", "Dec. 30th".
            month_day: re(&format!(
                r"\b({months})\.?{gap}(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?{gap}(\d{{4}})\b)?"
            )),
            iso: re(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),
            numeric: re(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"),
            // Chinese and Japanese "2024年3月14日" (year optional), Korean
            // "2024년 3월 14일".
            cjk: re(&format!(
                r"(?:(\d{{4}}){gap0}[年년]{gap0})?(\d{{1,2}}){gap0}[月월]{gap0}(\d{{1,2}}){gap0}[日일]"
            )),
        }
    })
}

/// Every date written in `text`, in the order of the patterns (written
/// day–month, month–day, ISO, numeric), never two over the same bytes.
pub fn mentions(text: &str) -> Vec<Mention> {
    mentions_in(text, &digit_spans(text))
}

/// [`mentions`], searching only `spans` of `text`, which must hold every
/// date written in it.
pub(crate) fn mentions_in(text: &str, spans: &[Range<usize>]) -> Vec<Mention> {
    let p = date_patterns();
    let mut found: Vec<Mention> = Vec::new();
    let add = |found: &mut Vec<Mention>,
               m: Range<usize>,
               month: Option<u32>,
               day: &str,
               year: Option<&str>| {
        let (Some(month), Ok(day)) = (month, day.parse::<u32>()) else {
            return;
        };
        if !(1..=31).contains(&day) || found.iter().any(|f| m.start < f.end && f.start < m.end) {
            return;
        }
        found.push(Mention {
            start: m.start,
            end: m.end,
            month,
            day,
            year: year.and_then(|y| y.parse().ok()),
        });
    };
    for (at, caps) in captures_in(&p.day_month, text, spans) {
        let year = caps.get(3).map(|m| m.as_str());
        add(
            &mut found,
            whole(at, &caps),
            month_number(&caps[2]),
            &caps[1],
            year,
        );
    }
    for (at, caps) in captures_in(&p.month_day, text, spans) {
        let year = caps.get(3).map(|m| m.as_str());
        add(
            &mut found,
            whole(at, &caps),
            month_number(&caps[1]),
            &caps[2],
            year,
        );
    }
    for (at, caps) in captures_in(&p.iso, text, spans) {
        let month = caps[2].parse().ok().filter(|m| (1..=12).contains(m));
        add(
            &mut found,
            whole(at, &caps),
            month,
            &caps[3],
            Some(&caps[1]),
        );
    }
    for (at, caps) in captures_in(&p.cjk, text, spans) {
        let month = caps[2].parse().ok().filter(|m| (1..=12).contains(m));
        let year = caps.get(1).map(|m| m.as_str());
        add(&mut found, whole(at, &caps), month, &caps[3], year);
    }
    for (at, caps) in captures_in(&p.numeric, text, spans) {
        let (a, b): (u32, u32) = (caps[1].parse().unwrap_or(0), caps[2].parse().unwrap_or(0));
        // Day first (30.12.2021, 30/12/2021: most of the world) unless that
        // cannot be; US month-first (12/30/2021) when the first part is no
        // day of a month.
        let (month, day) = if b <= 12 { (b, a) } else { (a, b) };
        let month = Some(month).filter(|m| (1..=12).contains(m));
        add(
            &mut found,
            whole(at, &caps),
            month,
            &day.to_string(),
            Some(&caps[3]),
        );
    }
    found
}

/// The byte range in the whole text of a match found at offset `at`.
fn whole(at: usize, caps: &regex::Captures) -> Range<usize> {
    let m = caps.get(0).expect("whole match");
    at + m.start()..at + m.end()
}

/// Words either side of a word with a digit that a date or a time through
/// it can reach: every date has a number, and no part of one is more than
/// two words from one ("10th of January", "30 de diciembre de 2021",
/// "10:30 a.m.").
const DATE_REACH: usize = 2;

/// The parts of `text` where a date can be written: each word (a run
/// without whitespace) holding a digit, with [`DATE_REACH`] words either
/// side, joined where they meet or touch, in text order. The date patterns
/// are searched there only: on text with any non-ASCII character their
/// Unicode word boundaries make the regex crate use its slowest engine for
/// the whole search, and over whole texts they took over half of a
/// whole-pipeline run (10k kit corpus); short spans are mostly ASCII. The
/// spans start and end next to whitespace, which is no word character, so
/// a pattern's `\b` at their edges means what it means in the whole text.
pub(crate) fn digit_spans(text: &str) -> Vec<Range<usize>> {
    let words: Vec<(Range<usize>, bool)> = words(text)
        .map(|word| {
            let digit = text[word.clone()].chars().any(char::is_numeric);
            (word, digit)
        })
        .collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, (_, digit)) in words.iter().enumerate() {
        if !digit {
            continue;
        }
        let (first, last) = (
            i.saturating_sub(DATE_REACH),
            (i + DATE_REACH).min(words.len() - 1),
        );
        match spans.last_mut() {
            Some(span) if span.1 + 1 >= first => span.1 = last,
            _ => spans.push((first, last)),
        }
    }
    spans
        .into_iter()
        .map(|(first, last)| words[first].0.start..words[last].0.end)
        .collect()
}

/// The byte ranges of the runs of `text` without whitespace.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    text.split(char::is_whitespace)
        .filter(|word| !word.is_empty())
        .map(move |word| {
            let start = word.as_ptr() as usize - text.as_ptr() as usize;
            start..start + word.len()
        })
}

/// Every match of `re` in the `spans` of `text`, with the offset of its span.
pub(crate) fn captures_in<'t>(
    re: &'t Regex,
    text: &'t str,
    spans: &'t [Range<usize>],
) -> impl Iterator<Item = (usize, regex::Captures<'t>)> + 't {
    spans.iter().flat_map(move |span| {
        re.captures_iter(&text[span.clone()])
            .map(move |caps| (span.start, caps))
    })
}

/// The anchor key of a month and day: `dec-30`.
pub fn month_day_key(month: u32, day: u32) -> String {
    format!("{}-{day:02}", MONTH_KEYS[month as usize - 1])
}

/// Days since 1970-01-01 of a proleptic Gregorian date, or `None` when the
/// date does not exist (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Option<Day> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The (year, month, day) of a [`Day`].
pub fn civil_from_days(days: Day) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + (month <= 2) as i32;
    (year, month, day)
}

/// Monday = 0 … Sunday = 6.
pub fn weekday(day: Day) -> i32 {
    // 1970-01-01 was a Thursday.
    (day + 3).rem_euclid(7)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A metadata date: ISO `YYYY-MM-DD` (anything may follow: a time, a zone),
/// `YYYY/MM/DD`, or a written date with a year in any language of
/// [`MONTHS`] ("30 December 2021", "December 30, 2021", "30. Dezember
/// 2021", "30.12.2021").
pub fn parse(value: &str) -> Option<Day> {
    let value = value.trim();
    let b = value.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && matches!(b[4], b'-' | b'/')
        && b[7] == b[4]
        && [5, 6, 8, 9].iter().all(|&i| b[i].is_ascii_digit())
    {
        let year = value[..4].parse().ok()?;
        let month = value[5..7].parse().ok()?;
        let day = value[8..10].parse().ok()?;
        return days_from_civil(year, month, day);
    }
    full_date(value)
}

/// The first date with a year written in `text` (in pattern order).
fn full_date(text: &str) -> Option<Day> {
    mentions(text)
        .into_iter()
        .filter_map(|m| days_from_civil(m.year?, m.month, m.day))
        .next()
}

/// The date of a dateline near the top of `text` ("Kyiv | 30 December 2021",
/// "By Staff Writer | Published 31 December 2021, 07:15"): one of the first
/// non-blank lines, short, not ending like a sentence, holding a full date.
pub fn dateline(text: &str) -> Option<Day> {
    dateline_line(text).map(|(day, _)| day)
}

/// The dateline's day and its line's byte range in `text`.
pub fn dateline_line(text: &str) -> Option<(Day, Range<usize>)> {
    let base = text.as_ptr() as usize;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .take(DATELINE_LINES)
        .filter(|line| !line.trim().ends_with(SENTENCE_ENDS))
        .filter(|line| line.split_whitespace().count() <= DATELINE_WORDS)
        .find_map(|line| {
            let start = line.as_ptr() as usize - base;
            full_date(line).map(|day| (day, start..start + line.len()))
        })
}

/// Weekday names (Monday first; a slot may hold several forms, `|`
/// between them) and the word for "yesterday", per language of [`MONTHS`].
/// Polish, Russian and Ukrainian give the accusative of "on Monday"
/// ("w środę", "в среду"), not the nominative ("среда" is also
/// "environment").
const RELATIVE: [(&str, [&str; 7], &str); 10] = [
    (
        "en",
        [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ],
        "yesterday",
    ),
    (
        "de",
        [
            "montag",
            "dienstag",
            "mittwoch",
            "donnerstag",
            "freitag",
            "samstag|sonnabend",
            "sonntag",
        ],
        "gestern",
    ),
    (
        "fr",
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        "hier",
    ),
    (
        "es",
        [
            "lunes",
            "martes",
            "miércoles|miercoles",
            "jueves",
            "viernes",
            "sábado|sabado",
            "domingo",
        ],
        "ayer",
    ),
    (
        "it",
        [
            "lunedì|lunedi",
            "martedì|martedi",
            "mercoledì|mercoledi",
            "giovedì|giovedi",
            "venerdì|venerdi",
            "sabato",
            "domenica",
        ],
        "ieri",
    ),
    (
        "pt",
        [
            "segunda-feira",
            "terça-feira|terca-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado|sabado",
            "domingo",
        ],
        "ontem",
    ),
    (
        "nl",
        [
            "maandag",
            "dinsdag",
            "woensdag",
            "donderdag",
            "vrijdag",
            "zaterdag",
            "zondag",
        ],
        "gisteren",
    ),
    (
        "pl",
        [
            "poniedziałek",
            "wtorek",
            "środę",
            "czwartek",
            "piątek",
            "sobotę",
            "niedzielę",
        ],
        "wczoraj",
    ),
    (
        "ru",
        [
            "понедельник",
            "вторник",
            "среду",
            "четверг",
            "пятницу",
            "субботу",
            "воскресенье",
        ],
        "вчера",
    ),
    (
        "uk",
        [
            "понеділок",
            "вівторок",
            "середу",
            "четвер",
            "п'ятницю|п’ятницю",
            "суботу",
            "неділю",
        ],
        "вчора",
    ),
];

/// Whether `lowercase` names a month or a weekday in a language of
/// [`MONTHS`] / [`RELATIVE`] (month abbreviations included).
pub fn is_calendar_word(lowercase: &str) -> bool {
    // Asked of every capitalised word of every article: a table, not a scan
    // of the lists (which took a seventh of a whole-pipeline run).
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS
        .get_or_init(|| {
            let months = MONTHS
                .iter()
                .flat_map(|(_, en, names)| en.iter().chain(names.iter()).copied());
            let days = RELATIVE
                .iter()
                .flat_map(|(_, days, _)| days.iter().flat_map(|forms| forms.split('|')));
            months.chain(days).collect()
        })
        .contains(lowercase)
}

/// Words of the lead in which a relative day ("on Tuesday") is looked for:
/// the event of a news story is told in its first sentences.
const RELATIVE_LEAD_WORDS: usize = 60;

/// The day a story's lead refers to by weekday or "yesterday", resolved
/// against its publication day: "on Tuesday" in an article published on
/// Thursday is two days before; a weekday that is the publication day's own
/// is that day. `None` when the lead names no day or the language has no
/// list. Only the first such word counts.
pub fn relative_day(text: &str, language: &str, published: Day) -> Option<Day> {
    let (_, days, yesterday) = RELATIVE.iter().find(|(l, _, _)| *l == language)?;
    // Hyphenated (pt "terça-feira") and apostrophised (uk "п'ятницю") forms
    // are single words here: split on whitespace and punctuation around them.
    text.split_whitespace()
        .take(RELATIVE_LEAD_WORDS)
        .find_map(|raw| {
            let word = raw
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if word == *yesterday {
                return Some(published - 1);
            }
            let wd = days
                .iter()
                .position(|forms| forms.split('|').any(|f| f == word))?;
            Some(published - (weekday(published) - wd as i32).rem_euclid(7))
        })
}

/// The publication day of an article: its metadata date when that parses,
/// else its dateline.
pub fn published(metadata: Option<&str>, text: &str) -> Option<Day> {
    metadata.and_then(parse).or_else(|| dateline(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(days: Day) -> (i32, u32, u32) {
        civil_from_days(days)
    }

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2021, 12, 30), Some(18_991));
        assert_eq!(days_from_civil(2024, 2, 29).map(ymd), Some((2024, 2, 29)));
        assert_eq!(days_from_civil(2023, 2, 29), None);
        assert_eq!(days_from_civil(2021, 13, 1), None);
        for d in [-800_000, -1, 0, 59, 18_991, 30_000] {
            let (y, m, dd) = ymd(d);
            assert_eq!(days_from_civil(y, m, dd), Some(d));
        }
        // 30 December 2021 was a Thursday.
        assert_eq!(weekday(days_from_civil(2021, 12, 30).unwrap()), 3);
    }

    #[test]
    fn metadata_dates_in_common_shapes() {
        let dec30 = days_from_civil(2021, 12, 30);
        assert_eq!(parse("2021-12-30"), dec30);
        assert_eq!(parse("2021-12-30T20:30:00Z"), dec30);
        assert_eq!(parse("2021/12/30"), dec30);
        assert_eq!(parse("30 December 2021"), dec30);
        assert_eq!(parse("December 30, 2021"), dec30);
        assert_eq!(parse("Dec. 30th, 2021"), dec30);
        assert_eq!(parse("30. Dezember 2021"), dec30);
        assert_eq!(parse("30 de diciembre de 2021"), dec30);
        assert_eq!(parse("30 декабря 2021 г."), dec30);
        assert_eq!(parse("30.12.2021"), dec30);
        assert_eq!(parse("2021年12月30日"), dec30);
        assert_eq!(parse("2021년 12월 30일"), dec30);
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2021-02-30"), None);
    }

    #[test]
    fn datelines_are_short_lines_near_the_top() {
        let text = "Ukraine reports fresh ceasefire violations\n\nKyiv | 30 December 2021\n\nBody.";
        assert_eq!(dateline(text), days_from_civil(2021, 12, 30));
        let text = "Title\n\nBy Staff Writer | Published 31 December 2021, 07:15\n";
        assert_eq!(dateline(text), days_from_civil(2021, 12, 31));
    }

    #[test]
    fn a_date_inside_a_sentence_is_no_dateline() {
        let banner = "×\nEnjoying ad-free content?\nSince July 1, 2024, we have disabled all \
                      ads to improve your reading experience.\nSupport us\n";
        assert_eq!(dateline(banner), None);
        let late = format!("{}Kyiv | 30 December 2021\n", "A line.\n".repeat(10));
        assert_eq!(dateline(&late), None, "too far down");
        assert_eq!(
            published(Some("2021-12-07"), "Kyiv | 30 December 2021"),
            days_from_civil(2021, 12, 7),
            "metadata wins"
        );
        assert_eq!(
            published(Some("soon"), "Kyiv | 30 December 2021"),
            days_from_civil(2021, 12, 30)
        );
    }

    #[test]
    fn relative_days_resolve_against_the_publication_day() {
        // 30 December 2021 was a Thursday.
        let thu = days_from_civil(2021, 12, 30).unwrap();
        let text = "Biden and Putin spoke on Tuesday, officials said.";
        assert_eq!(relative_day(text, "en", thu), Some(thu - 2));
        assert_eq!(relative_day("Talks on Thursday.", "en", thu), Some(thu));
        assert_eq!(
            relative_day("It rained yesterday.", "en", thu),
            Some(thu - 1)
        );
        assert_eq!(
            relative_day("Am Dienstag sprachen sie.", "de", thu),
            Some(thu - 2)
        );
        assert_eq!(
            relative_day("В среду они говорили.", "ru", thu),
            Some(thu - 1)
        );
        assert_eq!(
            relative_day("Na terça-feira, falaram.", "pt", thu),
            Some(thu - 2)
        );
        assert_eq!(
            relative_day("Hier ist es.", "de", thu),
            None,
            "German hier is here"
        );
        assert_eq!(relative_day("No day named.", "en", thu), None);
        let late = format!("{}on Monday", "word ".repeat(RELATIVE_LEAD_WORDS));
        assert_eq!(relative_day(&late, "en", thu), None, "past the lead");
    }

    #[test]
    fn month_names() {
        assert_eq!(month_number("Dec."), Some(12));
        assert_eq!(month_number("September"), Some(9));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("Xy"), None);
        assert_eq!(month_number("März"), Some(3));
        assert_eq!(month_number("października"), Some(10));
        assert_eq!(month_number("ГРУДНЯ"), Some(12));
        assert_eq!(month_day_key(1, 10), "jan-10");
    }

    #[test]
    fn a_date_spans_one_line_break_but_not_a_paragraph() {
        let wrapped = mentions("the playoff on Jan.\n5 in Detroit");
        assert_eq!(
            wrapped.iter().map(|m| (m.month, m.day)).collect::<Vec<_>>(),
            [(1, 5)]
        );
        assert_eq!(mentions("the playoff proper Jan.\n\n5 Arts don't look"), []);
        assert_eq!(mentions("on the 10th\nof\nJanuary")[0].day, 10);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 1024,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Searching the lines near digits finds what searching the whole
        /// text finds.
        #[test]
        fn digit_spans_hold_every_date(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "10th", "of", "de", "January", "Jan.", "5", "2021", "30.", "Dezember",
                    "2024-03-14", "30/12/2021", "3", "月", "14", "日", "年", "word", "é", "(Jan.",
                ]),
                0..40,
            ),
            joins in proptest::collection::vec(proptest::sample::select(vec![" ", "\n", "\n", "\n\n", ", ", "", "\u{a0}"]),
                40,
            ),
        ) {
            let text: String = words
                .iter()
                .zip(&joins)
                .flat_map(|(w, j)| [*w, *j])
                .collect();
            let whole = 0..text.len();
            let whole = std::slice::from_ref(&whole);
            proptest::prop_assert_eq!(mentions(&text), mentions_in(&text, whole));
        }
    }
}
