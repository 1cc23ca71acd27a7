//! Anchors: the numbers, dates and times an article states. They survive
//! translation and rewording, and they tell apart two instances of one kind
//! of event (same people, another day; same kind of quake, another magnitude).
//!
//! Input: an article's text. Output: sorted, unique anchor keys:
//! - `d:dec-30` a day of a month ("December 30", "30 Dec", "30.12.2021",
//!   "2021-12-30");
//! - `t:20:30` a clock time ("20:30 GMT", "3:35 PM" → `t:15:35`);
//! - `n:100000` a number with two or more digits, thousands separators
//!   dropped (a date's year counts as a number too);
//! - `p:5` a percentage ("5%", "5 percent").
//!
//! Invariants: a number inside a date or time is not also a plain number
//! (except a date's year); a digit run glued to letters (`8CjCd`, `G20`,
//! `covid19`) is no anchor. A bare weekday ("on Thursday") is no anchor even
//! when the publication day would resolve it: it only says "the same week",
//! which is the time factor's business, and as an anchor it tied every
//! same-day story together (the Donbas fixture to the seeds).

use std::sync::OnceLock;

use regex::Regex;

use super::dates::{self, MONTH_PATTERN};

struct Patterns {
    day_month: Regex,
    month_day: Regex,
    iso: Regex,
    numeric: Regex,
    time: Regex,
    number: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("valid anchor pattern");
        Patterns {
            day_month: re(&format!(
                r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_PATTERN})\b\.?(?:,?\s+(\d{{4}})\b)?"
            )),
            month_day: re(&format!(
                r"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"
            )),
            iso: re(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),
            numeric: re(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"),
            time: re(r"\b(\d{1,2}):(\d{2})\b(?:\s*([AaPp])\.?[Mm]\b\.?)?"),
            number: re(r"\d+(?:,\d{3})*(?:\.\d+)?"),
        }
    })
}

/// The anchors of `text`, sorted and unique.
pub fn anchors(text: &str) -> Vec<String> {
    let p = patterns();
    let mut found: Vec<String> = Vec::new();
    // Byte spans already read as dates or times.
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let date = |found: &mut Vec<String>, month: Option<u32>, day: &str, year: Option<&str>| {
        let (Some(month), Ok(day)) = (month, day.parse::<u32>()) else {
            return false;
        };
        if !(1..=31).contains(&day) {
            return false;
        }
        found.push(format!("d:{}", dates::month_day_key(month, day)));
        if let Some(year) = year {
            found.push(format!("n:{year}"));
        }
        true
    };
    for caps in p.day_month.captures_iter(text) {
        let m = caps.get(0).expect("whole match");
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let month = dates::month_number(&caps[2]);
        if date(&mut found, month, &caps[1], caps.get(3).map(|m| m.as_str())) {
            taken.push((m.start(), m.end()));
        }
    }
    for caps in p.month_day.captures_iter(text) {
        let m = caps.get(0).expect("whole match");
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let month = dates::month_number(&caps[1]);
        if date(&mut found, month, &caps[2], caps.get(3).map(|m| m.as_str())) {
            taken.push((m.start(), m.end()));
        }
    }
    for caps in p.iso.captures_iter(text) {
        let m = caps.get(0).expect("whole match");
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let month = caps[2].parse().ok().filter(|m| (1..=12).contains(m));
        if date(&mut found, month, &caps[3], Some(&caps[1])) {
            taken.push((m.start(), m.end()));
        }
    }
    for caps in p.numeric.captures_iter(text) {
        let m = caps.get(0).expect("whole match");
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let (a, b): (u32, u32) = (caps[1].parse().unwrap_or(0), caps[2].parse().unwrap_or(0));
        // Day first (30.12.2021, 30/12/2021) unless that cannot be; US
        // month-first (12/30/2021) when the first part is no day of a month.
        let (month, day) = if b <= 12 { (b, a) } else { (a, b) };
        let month = Some(month).filter(|m| (1..=12).contains(m));
        if date(&mut found, month, &day.to_string(), Some(&caps[3])) {
            taken.push((m.start(), m.end()));
        }
    }
    for caps in p.time.captures_iter(text) {
        let m = caps.get(0).expect("whole match");
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let (Ok(mut hour), Ok(minute)) = (caps[1].parse::<u32>(), caps[2].parse::<u32>()) else {
            continue;
        };
        match caps.get(3).map(|c| c.as_str()) {
            Some("p" | "P") if hour < 12 => hour += 12,
            Some("a" | "A") if hour == 12 => hour = 0,
            _ => {}
        }
        if hour < 24 && minute < 60 {
            found.push(format!("t:{hour:02}:{minute:02}"));
            taken.push((m.start(), m.end()));
        }
    }
    for m in p.number.find_iter(text) {
        let glued = |i: Option<usize>| {
            i.and_then(|i| text[i..].chars().next())
                .is_some_and(char::is_alphanumeric)
        };
        let before = text[..m.start()].char_indices().next_back().map(|(i, _)| i);
        if glued(before) || glued(Some(m.end())) || overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let value: String = m.as_str().chars().filter(|&c| c != ',').collect();
        let rest = &text[m.end()..];
        let percent =
            rest.starts_with('%') || rest.starts_with(" percent") || rest.starts_with(" per cent");
        if percent {
            found.push(format!("p:{value}"));
        } else if value.bytes().filter(u8::is_ascii_digit).count() >= 2 {
            found.push(format!("n:{value}"));
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

fn overlaps(taken: &[(usize, usize)], start: usize, end: usize) -> bool {
    taken.iter().any(|&(s, e)| start < e && s < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Vec<String> {
        anchors(text)
    }

    #[test]
    fn dates_in_many_shapes_meet_in_one_key() {
        for text in [
            "talks on January 10 in Geneva",
            "talks on Jan. 10 in Geneva",
            "talks on 10 January in Geneva",
            "talks on the 10th of January",
        ] {
            assert_eq!(of(text), ["d:jan-10"], "{text}");
        }
        assert_eq!(of("on December 30, 2021."), ["d:dec-30", "n:2021"]);
        assert_eq!(of("Kyiv | 30 December 2021"), ["d:dec-30", "n:2021"]);
        assert_eq!(of("on 30.12.2021 and 2021-12-30"), ["d:dec-30", "n:2021"]);
        assert_eq!(of("filed 12/30/2021"), ["d:dec-30", "n:2021"]);
    }

    #[test]
    fn numbers_times_and_percentages() {
        assert_eq!(
            of("about 100,000 troops; over 13,000 lives; 2 days; a 6.4 quake"),
            ["n:100000", "n:13000", "n:6.4"]
        );
        assert_eq!(of("at 20:30 GMT"), ["t:20:30"]);
        assert_eq!(
            of("began at 3:35 PM EST (8:35 PM GMT)"),
            ["t:15:35", "t:20:35"]
        );
        assert_eq!(of("up 5% or 12 percent"), ["p:12", "p:5"]);
    }

    #[test]
    fn digits_glued_to_letters_are_no_anchors() {
        assert_eq!(
            of("pic.twitter.com/8CjCdIPl5k at the G20 over covid19"),
            Vec::<String>::new()
        );
    }
}
