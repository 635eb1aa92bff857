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

/// Collects problems during validation.
#[derive(Default, Debug)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn add(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        self.0.push(Problem { path: path.to_vec(), message: message.into(), hint: hint.into() });
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
    let message = e.code.to_string();
    let hint = match &e.code {
        E::NoSuchStructField { expected, .. } => {
            format!("the fields allowed here are: {}", expected.join(", "))
        }
        E::NoSuchEnumVariant { expected, .. } => format!("write one of: {}", expected.join(", ")),
        E::MissingStructField { field, .. } => format!("add `{field}: …` here"),
        E::DuplicateStructField { field, .. } => format!("remove one of the `{field}` fields"),
        E::ExpectedString | E::ExpectedStringEnd => {
            "text and durations are written in double quotes, e.g. \"90s\"".into()
        }
        E::ExpectedComma => "separate items with commas".into(),
        E::Eof => "the file ended early: look for an unclosed `(`, `[` or `{` above".into(),
        E::Message(m) if m.contains("not a duration") => {
            "durations are strings like \"90s\", \"5m\", \"1h30m\", \"250ms\"".into()
        }
        _ => "compare with the annotated example in scenarios/README.md".into(),
    };
    ScenarioError { file: file.to_string(), line: e.span.start.line, col: e.span.start.col, message, hint }
}

/// Removes control characters (keeping newlines; tabs become spaces) so that scenario text can
/// never write escape sequences to the terminal.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            // Bidirectional overrides can disguise text; drop them too.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_strips_escape_sequences_but_keeps_newlines() {
        assert_eq!(clean("red\x1b[31m alert\x07\nnext\tline"), "red[31m alert\nnext line");
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
