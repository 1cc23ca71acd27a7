//! Calendar dates for the event stage: when an article was published, and
//! the dates it mentions.
//!
//! Input: a metadata date string (`EventDoc::date`, ISO `YYYY-MM-DD…` best)
//! or an article's text. Output: a [`Day`] (days since 1970-01-01), or the
//! month and day of a date mentioned in the text.
//!
//! Invariants: only English month names are understood; a date
//! is taken from the text only from a *dateline* (a short line near the top
//! that carries a full date with a year and does not read like a sentence),
//! never from a date merely mentioned in the story, such as an appeal banner's
//! "Since July 1, 2024".

use std::sync::OnceLock;

use regex::Regex;

/// A calendar day: days since 1970-01-01 (negative before).
pub type Day = i32;

/// Month names as a regex alternation (capitalised, abbreviations allowed).
pub const MONTH_PATTERN: &str = "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|\
                                 Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";

const MONTH_KEYS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// How many non-blank lines from the top may hold a dateline.
const DATELINE_LINES: usize = 8;

/// A dateline has at most this many words besides its date.
const DATELINE_WORDS: usize = 14;

/// Month number (1–12) of an English month name or its abbreviation.
pub fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    MONTH_KEYS
        .iter()
        .position(|&m| m == prefix)
        .map(|i| i as u32 + 1)
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
/// `YYYY/MM/DD`, or a written date with a year ("30 December 2021",
/// "December 30, 2021").
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

/// The first written date with a year in `text`.
fn full_date(text: &str) -> Option<Day> {
    static FULL: OnceLock<Regex> = OnceLock::new();
    let full = FULL.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_PATTERN})\.?,?\s+(\d{{4}})|({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}))\b"
        ))
        .expect("valid date pattern")
    });
    for caps in full.captures_iter(text) {
        let (day, month, year) = match (caps.get(1), caps.get(4)) {
            (Some(day), _) => (day, &caps[2], &caps[3]),
            (None, Some(month)) => (caps.get(5)?, month.as_str(), &caps[6]),
            _ => continue,
        };
        let found = days_from_civil(
            year.parse().ok()?,
            month_number(month)?,
            day.as_str().parse().ok()?,
        );
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The date of a dateline near the top of `text` ("Kyiv | 30 December 2021",
/// "By Staff Writer | Published 31 December 2021, 07:15"): one of the first
/// non-blank lines, short, not ending like a sentence, holding a full date.
pub fn dateline(text: &str) -> Option<Day> {
    dateline_line(text).map(|(day, _)| day)
}

/// The dateline's day and its line's byte range in `text`.
pub fn dateline_line(text: &str) -> Option<(Day, std::ops::Range<usize>)> {
    let base = text.as_ptr() as usize;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .take(DATELINE_LINES)
        .filter(|line| !line.trim().ends_with(['.', '!', '?', ';', ',']))
        .filter(|line| line.split_whitespace().count() <= DATELINE_WORDS)
        .find_map(|line| {
            let start = line.as_ptr() as usize - base;
            full_date(line).map(|day| (day, start..start + line.len()))
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
    fn month_names() {
        assert_eq!(month_number("Dec."), Some(12));
        assert_eq!(month_number("September"), Some(9));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("Xy"), None);
        assert_eq!(month_day_key(1, 10), "jan-10");
    }
}
