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
//!
//! Where it is wired in: the command line's stdout and stderr writers (`cli::print_out`,
//! `cli::print_json`, the failure lines), every exported file ([`document`]: the game's
//! markdown export, and the HTML export's writer should call it too), the game's frame (a pass
//! over every cell of the buffer before it is flushed, `tui::view`), and at load: scenario
//! prose ([`scrub`]) and the names and texts of commands files and saved runs
//! (`scenario::clean_commands`), so one value can never pose as two lines anywhere.

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

/// Whether `c` is one of the characters this module marks (newline and tab count as safe).
pub fn is_unsafe(c: char) -> bool {
    unsafe_char(c, true)
}

/// The visible stand-in for one unsafe character: its control picture, or [`MARKER`].
pub fn marker_for(c: char) -> char {
    marker(c)
}

/// Scenario prose, cleaned once at load: control characters carry no meaning in prose and are
/// dropped (newlines kept, tabs become spaces), as scenarios always have been; invisible
/// characters (bidi controls, zero-width characters, tags, BOM, line separators) become
/// [`MARKER`], so a disguised line shows where something was.
pub fn scrub(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c if unsafe_char(c, true) => Some(MARKER),
            c => Some(c),
        })
        .collect()
}

/// A JSON document (as `serde_json` writes it). `serde_json` escapes C0 controls (`\u001b`),
/// which is inert on a terminal but gives the raw character back to any tool that decodes the
/// string and prints it (`jq -r`); it does not escape DEL, C1, bidi or zero-width characters
/// at all. So raw unsafe characters become markers, and the escapes of C0 controls other than
/// newline and tab become the escaped control's picture: every decoded string is clean too,
/// and the document stays valid JSON.
pub fn clean_json(s: &str) -> Cow<'_, str> {
    // A run's document is megabytes, nearly all ASCII: one byte scan decides.
    if !json_needs_cleaning(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(if unsafe_char(c, true) { marker(c) } else { c });
            continue;
        }
        // An escape: serde_json writes them only inside strings.
        let Some(e) = chars.next() else {
            out.push(c);
            break;
        };
        match e {
            'r' | 'b' | 'f' => out.push(marker(match e {
                'r' => '\r',
                'b' => '\u{8}',
                _ => '\u{c}',
            })),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(x) if x != '\n' && x != '\t' && unsafe_char(x, true) => out.push(marker(x)),
                    _ => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Cow::Owned(out)
}

/// Whether a JSON document holds an unsafe character (other than newline and tab) or the
/// escape of a C0 control, decided on its UTF-8 bytes: the lead bytes of the unsafe ranges
/// are C2 (U+0080–U+009F), D8 (U+061C), E1 (U+180E), E2 (U+200B–U+2069), EF (U+FEFF) and
/// F3 (tags); a backslash starts an escape (`\\` is skipped as a pair).
fn json_needs_cleaning(b: &[u8]) -> bool {
    // `&`, not `&&`: branch-free, so the chunk test below vectorizes.
    #[allow(clippy::needless_bitwise_bool)]
    let plain = |c: u8| (0x20..0x7f).contains(&c) & (c != b'\\');
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while i < b.len() {
        // Whole chunks of plain printable ASCII are skipped (the test vectorizes).
        if let Some(chunk) = b.get(i..i + 32)
            && chunk.iter().fold(true, |all, &c| all & plain(c))
        {
            i += 32;
            continue;
        }
        let c = b[i];
        if c < 0x80 && c != b'\\' && c != 0x7f && (c >= 0x20 || c == b'\n' || c == b'\t') {
            i += 1;
            continue;
        }
        let hit = match c {
            b'\\' => match at(i + 1) {
                b'r' | b'b' | b'f' => true,
                b'u' => at(i + 2) == b'0' && at(i + 3) == b'0' && matches!(at(i + 4), b'0' | b'1'),
                _ => {
                    i += 2;
                    continue;
                }
            },
            0xc2 => (0x80..=0x9f).contains(&at(i + 1)),
            0xd8 => at(i + 1) == 0x9c,
            0xe1 => at(i + 1) == 0xa0 && at(i + 2) == 0x8e,
            0xe2 => match at(i + 1) {
                0x80 => matches!(at(i + 2), 0x8b..=0x8f | 0xa8..=0xae),
                0x81 => matches!(at(i + 2), 0xa0..=0xa4 | 0xa6..=0xa9),
                _ => false,
            },
            0xef => at(i + 1) == 0xbb && at(i + 2) == 0xbf,
            0xf3 => at(i + 1) == 0xa0 && matches!(at(i + 2), 0x80 | 0x81),
            c => c < 0x80,
        };
        if hit {
            return true;
        }
        i += 1;
    }
    false
}

/// The kinds of document that leave the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doc {
    /// Plain text: `run`'s summary, `list`, `validate`, failure messages.
    Text,
    Markdown,
    /// HTML, already escaped for HTML (this does not escape `<` or `&`).
    Html,
    Json,
}

/// A whole document on its way out — to stdout or into an exported file. Every exported file
/// goes through this, whoever renders it.
pub fn document(kind: Doc, s: &str) -> Cow<'_, str> {
    match kind {
        Doc::Json => clean_json(s),
        Doc::Text | Doc::Markdown | Doc::Html => clean(s),
    }
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
    fn scenario_prose_drops_controls_and_marks_invisible_characters() {
        assert_eq!(scrub("red\u{1b}[31m alert\u{7}\nnext\tline"), "red[31m alert\nnext line");
        assert_eq!(scrub("a\u{202e}b\u{200b}c\u{feff}d\u{e0041}"), "a�b�c�d�");
        assert_eq!(scrub("naïve → ok"), "naïve → ok");
    }

    #[test]
    fn json_escapes_of_controls_become_pictures_and_the_document_stays_json() {
        let doc = serde_json::json!({
            "esc": "x\u{1b}]0;pwned\u{7}", "nl": "a\nb\tc", "bidi": "pay\u{202e}gnp",
            "c1": "\u{9b}2J", "cr": "a\rb", "bs": "back\\u001b", "del": "a\u{7f}",
        })
        .to_string();
        let clean = clean_json(&doc);
        assert!(!clean.chars().any(is_unsafe), "{clean}");
        let back: serde_json::Value = serde_json::from_str(&clean).expect("still JSON");
        assert_eq!(back["esc"], "x␛]0;pwned␇");
        assert_eq!(back["nl"], "a\nb\tc", "newline and tab are kept");
        assert_eq!(back["bidi"], "pay�gnp");
        assert_eq!(back["c1"], "�2J");
        assert_eq!(back["cr"], "a␍b");
        assert_eq!(back["bs"], "back\\u001b", "an escaped backslash is not an escape");
        assert_eq!(back["del"], "a␡");
        let plain = serde_json::json!({"a": "checkout → ok", "b": "x\ny", "c": "say \"hi\" \\ ✓ é"}).to_string();
        assert!(matches!(clean_json(&plain), Cow::Borrowed(_)));
        // The byte scan agrees with the character test on every unsafe character.
        for c in (0..0x3000u32).chain(0xfe00..0xff00).chain(0xe0000..0xe0080).filter_map(char::from_u32) {
            let doc = serde_json::json!({ "s": format!("a{c}b") }).to_string();
            let raw_unsafe = unsafe_char(c, true) && c != '\n' && c != '\t';
            assert_eq!(json_needs_cleaning(doc.as_bytes()), raw_unsafe, "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn ordinary_unicode_is_left_alone() {
        for s in ["naïve café", "日本語", "emoji 🔥", "→ ↑ ⚠ ●", "Ünïcödé – “quotes”"] {
            assert_eq!(clean_line(s), s);
            assert!(is_clean_line(s));
        }
    }
}
