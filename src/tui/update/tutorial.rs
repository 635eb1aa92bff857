//! The tutorial's keys and checks: "continue" and "skip" answer the waiting prompt before the
//! incident screen sees the key (only those two, so the rest of the screen keeps working under
//! a prompt), and after every message the prompt is checked against what the game now shows.

use super::super::action::Action;
use super::super::app::{App, Screen};
use super::super::keymap::Context;
use super::super::tutor::{self, Outcome};
use crate::scenario::tutorial::Wait;
use ratatui::crossterm::event::KeyEvent;

/// Continue (a prompt that waits for it) and skip (any prompt), when no dialog is open. True
/// if the key was the prompt's.
pub(super) fn on_key(app: &mut App, k: &KeyEvent) -> bool {
    if app.overlay.is_some() {
        return false;
    }
    let Screen::Playing(g) = &mut app.screen else { return false };
    let Some((_, step)) = g.prompt() else { return false };
    let next = matches!(step.wait, Wait::Continue) && app.keymap.lookup(Context::Dialog, k) == Some(Action::Select);
    let skip = app.keymap.lookup(Context::Incident, k) == Some(Action::Back);
    if !next && !skip {
        return false;
    }
    let now = g.sim.now();
    if let Some(t) = g.tutor.as_mut() {
        t.pass(if next { Outcome::Done(now) } else { Outcome::Skipped(now) });
    }
    observe(app, None);
    true
}

/// Checks the waiting prompt (and the ones after it) against the game; `done`: the action the
/// incident screen just did. True if a prompt was passed.
pub(super) fn observe(app: &mut App, done: Option<Action>) -> bool {
    let overlay = app.overlay.as_ref();
    let Screen::Playing(g) = &mut app.screen else { return false };
    let passed = tutor::observe(g, overlay, done);
    if passed {
        app.dirty = true;
    }
    passed
}
