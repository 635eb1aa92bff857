//! Scenario errors: each names the file, the line and column, what is wrong and how to fix it.
//! Syntax errors come from the RON parser with its position; semantic errors carry a path into
//! the document that `locate` turns into the position of the offending value.

use super::locate::Seg;
use std::fmt;

/// One problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Every problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// A semantic problem found by validation, positioned by its path in the document.
#[derive(Clone, Debug)]
pub struct Problem {
    pub path: Vec<Seg>,
    pub message: String,
    pub hint: String,
}

/// At most this many problems are reported, then a note that there are more: each problem is
/// located by rescanning the file, so a hostile file with thousands of problems would take
/// minutes, and a long list helps nobody.
pub const MAX_PROBLEMS: usize = 50;

/// Collects problems during validation.
#[derive(Default, Debug)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem; messages and hints are cleaned, as they may quote scenario text.
    pub fn add(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(Problem { path: path.to_vec(), message: clean(&message.into()), hint: clean(&hint.into()) });
        } else if self.0.len() == MAX_PROBLEMS {
            self.0.push(Problem {
                path: Vec::new(),
                message: format!("there are more problems; only the first {MAX_PROBLEMS} are listed"),
                hint: "fix these and validate again".into(),
            });
        }
    }
}

/// Builds a path: `path!["timeline", 3, "fault"]` → Field, Index, Field. Map keys use `key(..)`.
pub fn field(name: &str) -> Seg {
    Seg::Field(name.to_string())
}
pub fn key(name: &str) -> Seg {
    Seg::Key(name.to_string())
}
pub fn index(i: usize) -> Seg {
    Seg::Index(i)
}

/// Turns a RON syntax or type error into a positioned error with a hint.
pub fn from_ron(file: &str, e: &ron::error::SpannedError) -> ScenarioError {
    use ron::error::Error as E;
    // For a value of the wrong type, ron's span starts before the whitespace in front of the
    // value (on the previous line if the value is on a line of its own) and ends where the
    // value starts.
    let at = match e.code {
        E::ExpectedString
        | E::ExpectedFloat
        | E::ExpectedInteger
        | E::ExpectedBoolean
        | E::ExpectedArray
        | E::ExpectedMap
        | E::ExpectedStructLike
        | E::ExpectedNamedStructLike(_)
        | E::ExpectedIdentifier => e.span.end,
        _ => e.span.start,
    };
    // ron names the serde structs (`RawService`); the file's author knows them as `Service`.
    let outer = |o: &Option<String>| {
        o.as_deref().map_or(String::new(), |o| format!(" in `{}`", o.strip_prefix("Raw").unwrap_or(o)))
    };
    let (message, hint) = match &e.code {
        E::Message(m) if m.contains("untagged enum RawClearBy") => (
            "this `cleared_by` entry is neither a command kind nor a match".into(),
            "write a command kind (`Deploy`) or a match such as (command: Scale, direction: Down); a match has the \
             fields command, service, target, on, direction, below, above"
                .into(),
        ),
        E::NoSuchStructField { expected, found, outer: o } => (
            format!("unknown field `{found}`{}", outer(o)),
            format!("{}the fields allowed here are: {}", did_you_mean(found, expected), expected.join(", ")),
        ),
        E::NoSuchEnumVariant { expected, found, outer: o } => (
            format!("unknown variant `{found}`{}", outer(o)),
            format!("{}write one of: {}", did_you_mean(found, expected), expected.join(", ")),
        ),
        E::MissingStructField { field, outer: o } => {
            (format!("missing field `{field}`{}", outer(o)), format!("add `{field}: …` here"))
        }
        E::DuplicateStructField { field, outer: o } => {
            (format!("`{field}` is given twice{}", outer(o)), format!("remove one of the `{field}` fields"))
        }
        E::ExpectedNamedStructLike(name) if !name.is_empty() => (
            format!("expected `(` to open `{}`", name.strip_prefix("Raw").unwrap_or(name)),
            "write it in parentheses: (field: value, …)".into(),
        ),
        E::ExceededRecursionLimit => (
            "the values nest too deeply here".into(),
            "flatten it: write Any([a, b, c]), not Any([a, Any([b, c])])".into(),
        ),
        code => (
            code.to_string(),
            match code {
                E::ExpectedString | E::ExpectedStringEnd => {
                    "text and durations are written in double quotes, e.g. \"90s\"".into()
                }
                E::ExpectedFloat | E::ExpectedInteger => "numbers are written without quotes, e.g. 50 or 0.05".into(),
                E::ExpectedBoolean => "write true or false".into(),
                E::ExpectedIdentifier => "a field name (like `instances:`) or a variant (like `Easy`) goes here, \
                                          without quotes; an unclosed `(` above can also cause this"
                    .into(),
                E::ExpectedComma => "items are separated by commas: is one missing after the previous item?".into(),
                E::TrailingCharacters => {
                    "there is text after the scenario's closing `)`: look for an extra `)` above".into()
                }
                E::Eof => "the file ended early: look for an unclosed `(`, `[` or `{` above".into(),
                E::Message(m) if m.contains("not a duration") => {
                    "durations are strings like \"90s\", \"5m\", \"1h30m\", \"250ms\"".into()
                }
                _ => "compare with the annotated example in scenarios/README.md".into(),
            },
        ),
    };
    ScenarioError { file: file.to_string(), line: at.line, col: at.col, message: clean(&message), hint: clean(&hint) }
}

/// "did you mean `x`? " for the allowed name closest to `found`, if one is close enough.
pub fn did_you_mean(found: &str, allowed: &[&str]) -> String {
    let found = found.to_lowercase();
    allowed
        .iter()
        .map(|a| (edit_distance(&found, &a.to_lowercase()), *a))
        .filter(|(d, a)| *d <= (a.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map_or(String::new(), |(_, a)| format!("did you mean `{a}`? "))
}

/// Levenshtein distance, in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Removes control characters (keeping newlines; tabs become spaces) so that scenario text can
/// never write escape sequences to the terminal, and marks invisible characters (bidi
/// controls, zero-width characters, tags) with U+FFFD: `crate::text::scrub`.
pub fn clean(text: &str) -> String {
    crate::text::scrub(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_strips_escape_sequences_but_keeps_newlines() {
        assert_eq!(clean("red\x1b[31m alert\x07\nnext\tline"), "red[31m alert\nnext line");
    }

    #[test]
    fn it_suggests_a_close_name() {
        assert_eq!(edit_distance("instnaces", "instances"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(did_you_mean("instnaces", &["workers", "instances"]), "did you mean `instances`? ");
        assert_eq!(did_you_mean("easy", &["Easy", "Medium", "Hard"]), "did you mean `Easy`? ");
        assert_eq!(did_you_mean("colour", &["workers", "instances"]), "");
    }

    #[test]
    fn it_prints_file_line_column_message_and_hint() {
        let e = ScenarioError {
            file: "a.ron".into(),
            line: 3,
            col: 7,
            message: "unknown service `apu`".into(),
            hint: "services: api".into(),
        };
        assert_eq!(e.to_string(), "a.ron:3:7: unknown service `apu`\n  hint: services: api");
    }
}
