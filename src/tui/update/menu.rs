//! Moving in the action menu and incident console beyond up/down: type-ahead (a letter jumps
//! to the next command whose name or command-line verb starts with it, so `f` reaches
//! `SetFlag` — `flag` — at once, and again reaches the next), page up/down, home/end, and `q`
//! doing what the key bar says.

use super::super::action::Action;
use super::super::app::{App, Overlay};
use crate::sim::CommandKind;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Rows page up/down moves.
const PAGE: usize = 10;

/// Whether `k` starts with `c`, by its name or its verb (`SetFlag` / `flag`).
fn starts(k: CommandKind, c: char) -> bool {
    let c = c.to_ascii_lowercase();
    let name = format!("{k:?}").to_ascii_lowercase();
    name.starts_with(c) || crate::cmdtext::verbs::verb(k).word.starts_with(c)
}

/// A letter in the open menu: jumps to the next matching command (true), or is left to the
/// keymap when none matches (`j`, `k`, `q`, `y`, `n` match no command).
pub(super) fn on_key(app: &mut App, k: &KeyEvent) -> bool {
    if k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return false;
    }
    let (Some(Overlay::Actions { items, cursor, .. }), KeyCode::Char(c)) = (&mut app.overlay, k.code) else {
        return false;
    };
    if !c.is_ascii_alphabetic() {
        return false;
    }
    let n = items.len();
    let Some(next) = (1..=n).map(|d| (*cursor + d) % n).find(|&i| starts(items[i], c)) else { return false };
    *cursor = next;
    true
}

/// Page, home/end and quit in the open menu; false for the actions it does not handle.
pub(super) fn on_action(app: &mut App, action: Action) -> bool {
    let Some(Overlay::Actions { items, cursor, .. }) = &mut app.overlay else { return false };
    let last = items.len().saturating_sub(1);
    match action {
        Action::PageUp => *cursor = cursor.saturating_sub(PAGE),
        Action::PageDown => *cursor = (*cursor + PAGE).min(last),
        Action::Home => *cursor = 0,
        Action::End => *cursor = last,
        Action::Quit => app.overlay = Some(Overlay::Quit),
        _ => return false,
    }
    true
}
