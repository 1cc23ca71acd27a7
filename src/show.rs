//! Text from the inputs, made safe to show on a terminal.
//!
//! Ids, titles and passages come from files a user did not write: a raw
//! `ESC [2J` would clear the screen, an OSC sequence retitle the window, and
//! a bidi override reorder what is read. Every control character (C0, DEL,
//! C1) and every bidi embedding, override or isolate is written as an escape
//! (`\n`, `\u{1b}`, `\u{202e}`) instead.

use std::borrow::Cow;

/// `text`, with control and bidi-control characters escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_are_shown_not_run() {
        assert_eq!(printable("plain – text"), "plain – text");
        assert_eq!(printable("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("\x1b]0;owned\x07"), "\\u{1b}]0;owned\\u{7}");
        assert_eq!(printable("x\ny\tz"), "x\\ny\\tz");
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(printable("abc\u{202E}fed"), "abc\\u{202e}fed");
    }
}
