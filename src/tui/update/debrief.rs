//! The debrief at the end of a run: scroll it, export it (markdown or HTML), or go back to the
//! menu page the scenario was chosen from.

use super::super::action::Action;
use super::super::app::{App, Effect, Screen};

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::End(g) = &mut app.screen else { return vec![] };
    match action {
        // Back to the list the scenario was chosen from, its cursor where it was: the same
        // place Esc from the briefing leads to.
        // The debrief's own notes ("run saved to …", "new best …") were read there; the title
        // screen shows warnings only.
        // A drill has no menu to go back to: leaving its debrief leaves the drill.
        Action::Select | Action::Back | Action::Quit if app.link.is_some() => return vec![Effect::Quit],
        Action::Select | Action::Back | Action::Quit => {
            app.screen = Screen::Title;
            app.notices.clear();
        }
        Action::Up => g.debrief_scroll = g.debrief_scroll.saturating_sub(1),
        Action::Down => g.debrief_scroll += 1,
        Action::PageUp => g.debrief_scroll = g.debrief_scroll.saturating_sub(10),
        Action::PageDown => g.debrief_scroll += 10,
        Action::Export => app.overlay = Some(super::super::app::Overlay::Export { cursor: 0 }),
        Action::Help => return app.help(),
        _ => {}
    }
    vec![]
}
