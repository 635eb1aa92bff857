//! An interactive tutorial, as data: a scenario's `tutorial` is a list of prompts, each with
//! what it says and what it waits for (a key's action, a tab, a dialog, a log filter, a command
//! of a kind, a condition of the run, or just "continue"), and whether the clock holds while it
//! waits. The words live in the scenario file; keys are named by the action they do, never by
//! the key, so a rebound key still works and the prompt names it from the live keymap
//! (`{key}` in the text, `{choose}` for the key that chooses in a dialog, or `{CommandLine}`-style
//! names of any action below).
//!
//! Nothing here knows the terminal: the game (`tui/tutor.rs`) maps each wait onto its own
//! actions, panels and dialogs, and headless runs ignore the tutorial.

use crate::sim::CommandKind;
use crate::sim::model::rules::Condition;
use serde::Deserialize;

/// Characters a prompt may have: four rows of the box at the minimum 80 columns.
pub const MAX_SAY: usize = 300;

/// One prompt of the tutorial.
#[derive(Clone, Debug)]
pub struct Step {
    /// What the prompt says; `{key}` and `{Action}` placeholders are still in it.
    pub say: String,
    pub wait: Wait,
    /// The clock stands still until the wait is satisfied.
    pub hold: bool,
    /// What the step teaches, for the debrief's list ("" when the step teaches nothing new).
    pub learn: String,
}

/// What a prompt waits for.
#[derive(Clone, Debug)]
pub enum Wait {
    /// The player reads and presses the "choose" key (enter).
    Continue,
    /// The player does this action on the incident screen (by whatever key is bound to it).
    Press(Press),
    /// The tabbed panel shows this tab (by its key, the arrows or a click).
    Tab(Tab),
    /// This dialog is open.
    Open(Open),
    /// The logs are filtered by a text (typed and kept).
    Filter,
    /// A command of this kind was accepted; each such step needs a command of its own.
    Command(CommandKind),
    /// The run reaches this condition (the clock must run for it).
    Until(Condition),
}

impl Wait {
    /// The default for `hold`: reading and looking stop the clock; acting and waiting for the
    /// system do not.
    pub fn holds_by_default(&self) -> bool {
        matches!(self, Wait::Continue | Wait::Press(_) | Wait::Tab(_) | Wait::Open(_) | Wait::Filter)
    }

    /// Whether a key does it, so `{key}` can name it.
    pub fn has_key(&self) -> bool {
        !matches!(self, Wait::Until(_))
    }
}

/// The tabs of the incident screen's panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Tab {
    Alerts,
    Logs,
    Changes,
    Trace,
    Comms,
    Instances,
}

/// The dialogs a prompt can wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Open {
    /// The `:` command line.
    CommandLine,
    /// The action menu (every command).
    Actions,
    /// The incident console (declare, status update, resolve).
    Console,
    /// The key help.
    Help,
}

/// Generates `Press` and its list of names from one list, so the two cannot drift.
macro_rules! presses {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// The incident screen's actions a prompt can ask for, named as the keymap names them
        /// (`assets/keymap.ron`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
        pub enum Press {
            $($(#[$doc])* $name,)*
        }

        impl Press {
            pub const ALL: &'static [Press] = &[$(Press::$name,)*];
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name),)*];
        }
    };
}

presses!(
    TogglePause,
    SpeedUp,
    SpeedDown,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Actions,
    CommandLine,
    Incident,
    Filter,
    Ack,
    Follow,
    LevelFilter,
    ComponentFilter,
    ExpandSuppressed,
    PrevItem,
    NextItem,
    SortNext,
    AimRestart,
    AimDrain,
    Dismiss,
    Help,
    Panel1,
    Panel2,
    Panel3,
    Panel4,
    Panel5,
    Panel6,
);

impl Press {
    pub fn name(self) -> &'static str {
        Press::NAMES[Press::ALL.iter().position(|p| *p == self).unwrap_or(0)]
    }

    pub fn by_name(name: &str) -> Option<Press> {
        Press::NAMES.iter().position(|n| *n == name).map(|i| Press::ALL[i])
    }
}

/// A piece of a prompt's text: words, or a placeholder for a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// `{key}`: the key that satisfies the step.
    Key,
    /// `{choose}`: the key that chooses in a dialog (enter), also the tutorial's "continue".
    Choose,
    /// `{SpeedUp}`: the key bound to that action.
    Action(Press),
}

/// Splits a prompt into words and placeholders; the error is the bad placeholder's text.
pub fn pieces(say: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = say;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { return Err(rest[open..].chars().take(20).collect()) };
        let name = &after[..close];
        out.push(match name {
            "key" => Piece::Key,
            "choose" => Piece::Choose,
            _ => Piece::Action(Press::by_name(name).ok_or_else(|| format!("{{{name}}}"))?),
        });
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_splits_into_words_and_key_placeholders() {
        assert_eq!(
            pieces("Press {key}, or {SpeedUp} to go faster, then {choose}.").unwrap(),
            [
                Piece::Text("Press "),
                Piece::Key,
                Piece::Text(", or "),
                Piece::Action(Press::SpeedUp),
                Piece::Text(" to go faster, then "),
                Piece::Choose,
                Piece::Text(".")
            ]
        );
        assert_eq!(pieces("no keys").unwrap(), [Piece::Text("no keys")]);
        assert_eq!(pieces("press {Pauze}").unwrap_err(), "{Pauze}");
        assert_eq!(pieces("press {key").unwrap_err(), "{key");
    }

    #[test]
    fn every_press_has_its_name() {
        assert_eq!(Press::ALL.len(), Press::NAMES.len());
        for p in Press::ALL {
            assert_eq!(format!("{p:?}"), p.name());
            assert_eq!(Press::by_name(p.name()), Some(*p));
        }
    }
}
