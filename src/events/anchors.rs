//! Anchors: the numbers, dates and times an article states. They survive
//! translation and rewording, and they tell apart two instances of one kind
//! of event (same people, another day; same kind of quake, another magnitude).
//!
//! Input: an article's text. Output: sorted, unique anchor keys:
//! - `d:dec-30` a day of a month ("December 30", "30 Dec", "30.12.2021",
//!   "2021-12-30", "30. Dezember", "30 декабря": see [`dates::mentions`]);
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

use super::dates;

struct Patterns {
    time: Regex,
    number: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("valid anchor pattern");
        Patterns {
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
    // Dates and times are looked for near digits only (see
    // `dates::digit_spans`: whole texts kept the regex crate on its
    // slowest engine).
    let spans = dates::digit_spans(text);
    for m in dates::mentions_in(text, &spans) {
        found.push(format!("d:{}", dates::month_day_key(m.month, m.day)));
        if let Some(year) = m.year {
            found.push(format!("n:{year}"));
        }
        taken.push((m.start, m.end));
    }
    for (at, caps) in dates::captures_in(&p.time, text, &spans) {
        let whole = caps.get(0).expect("whole match");
        let (start, end) = (at + whole.start(), at + whole.end());
        if overlaps(&taken, start, end) {
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
            taken.push((start, end));
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
        for text in [
            "am 30. Dezember 2021",
            "le 30 décembre 2021",
            "el 30 de diciembre de 2021",
            "il 30 dicembre 2021",
            "em 30 de dezembro de 2021",
            "op 30 december 2021",
            "dnia 30 grudnia 2021",
            "30 декабря 2021 года",
            "30 грудня 2021 року",
        ] {
            assert_eq!(of(text), ["d:dec-30", "n:2021"], "{text}");
        }
        assert_eq!(of("le 1er mars"), ["d:mar-01"]);
        assert_eq!(of("they may 15 times"), ["n:15"], "a verb, not a month");
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
