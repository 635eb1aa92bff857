//! Greedy word wrapping for prose that a screen lays out row by row. A screen that wraps its
//! own text knows exactly how many rows it takes, so a box can be sized to fit and a scroll
//! limit reaches the last row (with `Paragraph`'s wrapping both would have to guess).

use ratatui::text::Span;

fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Splits `text` into rows at most `max` columns wide, breaking at spaces (leading spaces are
/// kept); a word wider than a row is cut. Rows after the first start with `indent` spaces.
pub fn wrap(text: &str, max: usize, indent: usize) -> Vec<String> {
    let indent = indent.min(max.saturating_sub(1));
    let max = max.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut used = 0;
    // Whether `row` holds nothing but its indent: the next word goes in without a space.
    let mut fresh = true;
    for word in text.split(' ') {
        let w = width(word);
        if !fresh && used + 1 + w <= max {
            row.push(' ');
            row.push_str(word);
            used += 1 + w;
            continue;
        }
        if !fresh {
            rows.push(std::mem::take(&mut row));
            row = " ".repeat(indent);
            used = indent;
        }
        // A word too wide for a row of its own is cut where the row ends.
        let mut rest = word;
        while used + width(rest) > max {
            let room = max - used;
            let (mut end, mut w) = (0, 0);
            for (i, c) in rest.char_indices() {
                let cw = width(c.encode_utf8(&mut [0; 4]));
                if w + cw > room {
                    break;
                }
                w += cw;
                end = i + c.len_utf8();
            }
            if end == 0 {
                break;
            }
            row.push_str(&rest[..end]);
            rows.push(std::mem::take(&mut row));
            row = " ".repeat(indent);
            used = indent;
            rest = &rest[end..];
        }
        row.push_str(rest);
        used += width(rest);
        fresh = false;
    }
    rows.push(row);
    rows
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn it_breaks_at_spaces_with_a_hanging_indent() {
        assert_eq!(
            wrap(" 02:40 you: declare a Sev2 incident", 20, 7),
            [" 02:40 you: declare", "       a Sev2", "       incident"]
        );
        assert_eq!(wrap("short", 20, 2), ["short"]);
        assert_eq!(wrap("", 20, 2), [""]);
    }

    #[test]
    fn a_word_wider_than_a_row_is_cut() {
        assert_eq!(wrap("ab abcdefghij", 5, 1), ["ab", " abcd", " efgh", " ij"]);
        assert_eq!(wrap("→→→→→→", 4, 0), ["→→→→", "→→"]);
    }
}
