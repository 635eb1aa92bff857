//! Splitting a command line into words: whitespace separates them, and a double-quoted part
//! is one word (`"checkout errors, next update 30m"`), with `\"` and `\\` inside it. Every
//! word keeps its byte range in the line, so an error can point at it and completion can
//! replace it.

use std::ops::Range;

/// One word of a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed and escapes applied.
    pub text: String,
    /// Where it is in the line, quotes included.
    pub at: Range<usize>,
    /// It was written in quotes.
    pub quoted: bool,
}

/// A quoted word with no closing quote: where its opening quote is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unclosed(pub usize);

/// The words of `line`, or where an unclosed quote opens.
pub fn words(line: &str) -> Result<Vec<Word>, Unclosed> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut end = line.len();
        if c == '"' {
            quoted = true;
            chars.next();
            let mut closed = false;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        end = i + 1;
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, e)) => text.push(e),
                        None => break,
                    },
                    c => text.push(c),
                }
            }
            if !closed {
                return Err(Unclosed(start));
            }
        } else {
            while let Some(&(i, c)) = chars.peek() {
                if c.is_whitespace() {
                    end = i;
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        out.push(Word { text, at: start..end, quoted });
    }
    Ok(out)
}

/// `text` as one word: bare if it is a plain word, else in quotes with `"` and `\` escaped.
pub fn quote(text: &str) -> String {
    let plain = !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\');
    if plain {
        return text.to_string();
    }
    let mut out = String::from('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        words(line).unwrap().into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_split_on_whitespace_and_quotes_hold_one_word() {
        assert_eq!(texts("  scale  api 8 "), ["scale", "api", "8"]);
        assert_eq!(
            texts(r#"status customers "checkout errors, next 30m" 30m"#),
            ["status", "customers", "checkout errors, next 30m", "30m"]
        );
        assert_eq!(texts(r#"x "a \"b\" \\ c""#), ["x", r#"a "b" \ c"#]);
        let w = words(r#"ab "c d""#).unwrap();
        assert_eq!((w[0].at.clone(), w[1].at.clone(), w[1].quoted), (0..2, 3..8, true));
        assert_eq!(words(r#"status internal "oops"#), Err(Unclosed(16)));
    }

    #[test]
    fn quote_gives_back_the_same_word() {
        for text in ["plain", "two words", r#"say "hi""#, r"back\slash", "", "tab\there"] {
            let q = quote(text);
            assert_eq!(texts(&format!("x {q}")), ["x", text], "{q}");
        }
        assert_eq!(quote("api"), "api");
    }
}
