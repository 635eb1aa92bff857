//! The `:` command line's state (k9s-style): the text being typed, the completion for the
//! word at its end, an error kept beside the text so it can be fixed, and the history of
//! lines sent this session. `update/cmdline.rs` changes it; `widgets/cmdline.rs` draws it.

use crate::cmdtext::{self, Completion, Names};

/// The most lines the history keeps (older ones are dropped).
pub const HISTORY: usize = 100;
/// The longest line the command line takes (a status update's text included).
pub const MAX_LINE: usize = 300;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CmdLine {
    pub text: String,
    /// What may come next, for the text as it is now.
    pub completion: Completion,
    /// Why the last Enter did not send the line (parse error or the engine's rejection).
    pub error: Option<String>,
    /// Text shown instead of candidates (the answer to `help`).
    pub info: Vec<String>,
    /// Which history entry is shown (0 = the newest), while browsing it.
    pub browsing: Option<usize>,
    /// The text typed before browsing the history, restored after its newest entry.
    pub draft: String,
}

impl CmdLine {
    pub fn new(names: &Names) -> CmdLine {
        let mut c = CmdLine::default();
        c.refresh(names);
        c
    }

    /// Recomputes the completion after the text changed; an error is kept until the next
    /// Enter (the player may be fixing it).
    pub fn refresh(&mut self, names: &Names) {
        self.completion = cmdtext::complete(&self.text, names);
        self.info.clear();
    }

    /// Tab: completes the word at the end of the line.
    pub fn tab(&mut self, names: &Names) {
        let (text, _) = cmdtext::tab(&self.text, names);
        self.text = text;
        self.refresh(names);
    }

    /// Shows an older (`back`) or newer history entry in place of the text.
    pub fn browse(&mut self, history: &[String], back: bool, names: &Names) {
        if history.is_empty() {
            return;
        }
        let next = match (self.browsing, back) {
            (None, true) => Some(0),
            (Some(i), true) => Some((i + 1).min(history.len() - 1)),
            (None | Some(0), false) => None,
            (Some(i), false) => Some(i - 1),
        };
        if self.browsing.is_none() && next.is_some() {
            self.draft = self.text.clone();
        }
        self.text = match next {
            Some(i) => history[history.len() - 1 - i].clone(),
            None => std::mem::take(&mut self.draft),
        };
        self.browsing = next;
        self.refresh(names);
    }
}

/// Adds a sent line to the history (not twice in a row), keeping the newest [`HISTORY`].
pub fn remember(history: &mut Vec<String>, line: &str) {
    let line = line.trim();
    if line.is_empty() || history.last().is_some_and(|l| l == line) {
        return;
    }
    history.push(line.to_string());
    if history.len() > HISTORY {
        history.remove(0);
    }
}

/// What `help` and `help VERB` in the command line answer: every verb, or one's form.
/// The facilitator's help: their verbs besides the commands, and `help inject`'s catalogue.
pub fn facilitator_help(topic: Option<&str>) -> Option<Vec<String>> {
    match topic.map(str::to_ascii_lowercase).as_deref() {
        None => Some(vec![
            "facilitator: inject ENTRY · say FROM: TEXT · fire CONTINGENCY · reveal TEXT · tip SEAT TEXT · note TEXT · pause · resume · speed N · end".to_string(),
            "help inject lists what can be injected; every command below works too, sent as the facilitator".to_string(),
        ]),
        Some("inject") => {
            let all = crate::scenario::catalogue();
            let mut out = vec![
                "inject (WHAT: …, for: DURATION) — a timeline entry in scenario syntax, fired now".to_string(),
                format!("e.g. inject {}", all.first().map_or("", |(_, e)| *e)),
            ];
            out.push(format!(
                "help inject NAME for one of: {}",
                all.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" ")
            ));
            Some(out)
        }
        Some(name) if name.starts_with("inject ") => {
            let want = name["inject ".len()..].trim();
            let all = crate::scenario::catalogue();
            let found = all.iter().find(|(n, _)| n.eq_ignore_ascii_case(want));
            Some(match found {
                Some((n, e)) => vec![format!("{n}: inject {e}")],
                None => vec![format!(
                    "nothing called `{want}` to inject: {}",
                    all.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" ")
                )],
            })
        }
        Some("say") => Some(vec!["say FROM: TEXT — a stakeholder writes to the team now; e.g. say VP Engineering: is checkout down?".into()]),
        Some("note") => Some(vec!["note TEXT — a private note, saved with the drill, that no seat sees".into()]),
        Some("end") => Some(vec!["end — end the drill now: every seat sees the debrief, and the run is saved".into()]),
        _ => None,
    }
}

pub fn help(topic: Option<&str>) -> Result<Vec<String>, String> {
    use crate::cmdtext::verbs;
    match topic {
        None => {
            let mut out = vec!["commands (help VERB shows one's form):".to_string()];
            out.push(verbs::for_players().map(|v| v.word).collect::<Vec<_>>().join(" "));
            Ok(out)
        }
        Some(word) => {
            let Some(v) = verbs::lookup(word) else {
                let all: Vec<&str> = verbs::for_players().map(|v| v.word).collect();
                return Err(format!(
                    "no command `{word}`: {}commands are: {}",
                    crate::scenario::error::did_you_mean(word, &all),
                    all.join(", ")
                ));
            };
            Ok(vec![format!("{} — {}", v.usage(), v.kind.describe()), format!("e.g. {}", v.example)])
        }
    }
}
