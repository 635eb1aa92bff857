//! The one boundary every piece of text crosses on its way out: to the terminal (the game's
//! frame, `--plain` lines, stderr), to stdout (text, JSON), and into exported files (markdown,
//! HTML). Text from outside — scenario and commands files, saved runs, file names, seat names —
//! may carry escape sequences that move the cursor, retitle the window or hide a line, and
//! invisible characters that make one string read as another. This module makes such text
//! inert and visible:
//!
//! - C0 controls (except newline and tab in multi-line text) and DEL become their Unicode
//!   control pictures (`ESC` → `␛`), so `x\e]0;pwned\a.ron` prints as `x␛]0;pwned␇.ron`;
//! - C1 controls, bidi overrides and isolates, zero-width characters, line and paragraph
//!   separators and tag characters become `�` (U+FFFD).
//!
//! Nothing is silently dropped: every removed character leaves a marker. Clean text passes
//! through without allocating.

use std::borrow::Cow;

/// The marker for a removed character that has no control picture.
pub const MARKER: char = '\u{FFFD}';

/// Whether `c` must not reach an output as it is.
fn unsafe_char(c: char, keep_newlines: bool) -> bool {
    if c == '\n' || c == '\t' {
        return !keep_newlines;
    }
    matches!(c,
        // C0 controls, DEL and C1 controls.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidi marks, embeddings, overrides and isolates (the "Trojan Source" set).
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Zero-width space, non-joiner, joiner, word joiner, invisible operators, BOM.
        | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{180e}'
        // Line and paragraph separators break lines in some renderers and not in others.
        | '\u{2028}' | '\u{2029}'
        // Tag characters: invisible copies of ASCII.
        | '\u{e0000}'..='\u{e007f}')
}

/// What an unsafe character is shown as.
fn marker(c: char) -> char {
    match c {
        // U+2400 CONTROL PICTURE FOR NULL onwards mirror the C0 range one for one.
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or(MARKER),
        '\u{7f}' => '\u{2421}',
        _ => MARKER,
    }
}

fn clean_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let Some(first) = s.char_indices().find(|(_, c)| unsafe_char(*c, keep_newlines)).map(|(i, _)| i) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    let mut chars = s[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && keep_newlines && chars.peek() == Some(&'\n') {
            // CRLF is just a newline; a lone carriage return (which rewrites the start of the
            // line) is marked like any other control.
            continue;
        }
        out.push(if unsafe_char(c, keep_newlines) { marker(c) } else { c });
    }
    Cow::Owned(out)
}

/// Multi-line text (a briefing, a report, a JSON document): newlines and tabs stay, CRLF
/// becomes LF, every other unsafe character becomes a visible marker.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_with(s, true)
}

/// One line (a name, a label, a cell of the screen, a file name in an error): newlines, tabs
/// and carriage returns become markers too, so one value can never pose as two lines.
pub fn clean_line(s: &str) -> Cow<'_, str> {
    clean_with(s, false)
}

/// Whether `s` would pass through [`clean_line`] unchanged.
pub fn is_clean_line(s: &str) -> bool {
    !s.chars().any(|c| unsafe_char(c, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed_not_copied() {
        assert!(matches!(clean("checkout errors since 16:42\n\tnext update 30m"), Cow::Borrowed(_)));
        assert!(matches!(clean_line("api-3 → db"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_control_pictures() {
        assert_eq!(clean_line("x\u{1b}]0;pwned\u{7}.ron"), "x␛]0;pwned␇.ron");
        assert_eq!(clean("\u{1b}[2J\u{1b}[H"), "␛[2J␛[H");
        assert_eq!(clean_line("a\u{7f}b"), "a␡b");
    }

    #[test]
    fn c1_bidi_and_zero_width_characters_leave_a_marker() {
        assert_eq!(clean_line("\u{9b}31m"), "�31m", "CSI as one C1 character");
        assert_eq!(clean_line("pay\u{202e}gnp.exe"), "pay�gnp.exe");
        assert_eq!(clean_line("ro\u{200b}llback"), "ro�llback");
        assert_eq!(clean_line("\u{feff}title\u{2066}x\u{2069}"), "�title�x�");
        assert_eq!(clean_line("a\u{e0041}b"), "a�b");
    }

    #[test]
    fn newlines_survive_in_text_but_not_in_a_line() {
        assert_eq!(clean("one\r\ntwo\rthree"), "one\ntwo␍three");
        assert_eq!(clean_line("one\ntwo\tthree\r"), "one␊two␉three␍");
    }

    #[test]
    fn ordinary_unicode_is_left_alone() {
        for s in ["naïve café", "日本語", "emoji 🔥", "→ ↑ ⚠ ●", "Ünïcödé – “quotes”"] {
            assert_eq!(clean_line(s), s);
            assert!(is_clean_line(s));
        }
    }
}
