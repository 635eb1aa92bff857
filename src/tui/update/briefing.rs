//! The briefing: start the incident (the clock starts running) or go back to the menu.

use super::super::action::Action;
use super::super::app::{App, Effect, Screen};

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Select => {
            if let Screen::Briefing(g) = std::mem::replace(&mut app.screen, Screen::Title) {
                let mut g = g;
                g.pacer.paused = false;
                app.screen = Screen::Playing(g);
            }
        }
        Action::Back | Action::Quit => app.screen = Screen::Title,
        Action::Help => return app.help(),
        _ => {}
    }
    vec![]
}
