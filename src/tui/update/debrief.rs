//! The debrief at the end of a run: scroll it, export it (markdown or HTML), or go back to the
//! menu.

use super::super::action::Action;
use super::super::app::{App, Effect, MenuPage, Screen};

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::End(g) = &mut app.screen else { return vec![] };
    match action {
        Action::Select | Action::Back | Action::Quit => {
            app.screen = Screen::Title;
            app.menu.page = MenuPage::Main;
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
