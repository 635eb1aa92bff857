//! Dialogs over any screen: help, the quit confirmation, the log filter prompt, the action
//! menu and incident console, parameter forms and the confirmation of destructive commands.
//! A completed form becomes a command, confirmed first if it is destructive.

use super::super::action::Action;
use super::super::app::{App, Effect, ExportFormat, Overlay, Screen};
use super::super::forms::{self, Field, Form};

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    if super::menu::on_action(app, action) {
        return vec![];
    }
    let Some(overlay) = app.overlay.take() else { return vec![] };
    match overlay {
        Overlay::Help => {
            if !matches!(action, Action::Help | Action::Back | Action::Select | Action::Quit) {
                app.overlay = Some(Overlay::Help);
            }
        }
        Overlay::Quit => match action {
            Action::Yes | Action::Select | Action::Quit => return vec![Effect::Quit],
            // Leave the run, unsaved and unscored, for the list it was chosen from.
            Action::ToMenu if matches!(app.screen, Screen::Playing(_)) => app.screen = Screen::Title,
            Action::No | Action::Back => {}
            _ => app.overlay = Some(Overlay::Quit),
        },
        Overlay::Filter(text) => {
            if let Some(g) = app.game_mut() {
                // The filter was applied as it was typed: enter keeps it, esc clears it.
                match action {
                    Action::Select => {}
                    Action::Back => g.view.filter.clear(),
                    _ => {
                        app.overlay = Some(Overlay::Filter(text));
                        return vec![];
                    }
                }
                g.view.scroll[1] = 0;
            }
        }
        Overlay::Actions { items, mut cursor, title } => match action {
            Action::Up => {
                cursor = cursor.saturating_sub(1);
                app.overlay = Some(Overlay::Actions { items, cursor, title });
            }
            Action::Down => {
                cursor = (cursor + 1).min(items.len().saturating_sub(1));
                app.overlay = Some(Overlay::Actions { items, cursor, title });
            }
            Action::Select => {
                if let (Some(kind), Some(g)) = (items.get(cursor).copied(), app.game()) {
                    let form = forms::form(kind, g);
                    // A hint has no fields but a price: its form shows it before it is taken.
                    if form.fields.is_empty() && form.kind != crate::sim::CommandKind::Hint {
                        return finish_form(app, form);
                    }
                    app.back_to = Some(Overlay::Actions { items, cursor, title });
                    app.overlay = Some(Overlay::Form(form));
                }
            }
            Action::Back => {}
            _ => app.overlay = Some(Overlay::Actions { items, cursor, title }),
        },
        Overlay::Form(mut form) => match action {
            Action::Up => {
                form.cursor = form.cursor.saturating_sub(1);
                app.overlay = Some(Overlay::Form(form));
            }
            Action::Down => {
                form.cursor = (form.cursor + 1).min(form.fields.len().saturating_sub(1));
                app.overlay = Some(Overlay::Form(form));
            }
            Action::Left | Action::Right => {
                if let Some(Field::Choice { options, idx, .. }) = form.fields.get_mut(form.cursor) {
                    let n = options.len().max(1);
                    *idx = if action == Action::Left { (*idx + n - 1) % n } else { (*idx + 1) % n };
                }
                app.overlay = Some(Overlay::Form(form));
            }
            Action::Select => return finish_form(app, form),
            // Back to the menu the form was chosen from.
            Action::Back => app.overlay = app.back_to.take(),
            _ => app.overlay = Some(Overlay::Form(form)),
        },
        Overlay::Export { cursor } => match action {
            Action::Up | Action::Down => {
                let n = ExportFormat::ALL.len();
                let cursor = if action == Action::Up { (cursor + n - 1) % n } else { (cursor + 1) % n };
                app.overlay = Some(Overlay::Export { cursor });
            }
            Action::Select => return vec![Effect::Export(ExportFormat::ALL[cursor.min(ExportFormat::ALL.len() - 1)])],
            Action::Back | Action::No => {}
            _ => app.overlay = Some(Overlay::Export { cursor }),
        },
        Overlay::Seed(text) => match action {
            Action::Select => match text.parse::<u64>() {
                Ok(seed) => super::briefing::reseed(app, seed),
                Err(_) => app.overlay = Some(Overlay::Seed(text)),
            },
            Action::Back => {}
            _ => app.overlay = Some(Overlay::Seed(text)),
        },
        Overlay::CommandLine(c) => return super::cmdline::on_action(app, c, action),
        Overlay::Confirm { command } => match action {
            Action::Yes | Action::Select => app.send(command),
            Action::No | Action::Back => {}
            _ => app.overlay = Some(Overlay::Confirm { command }),
        },
    }
    vec![]
}

/// A completed form becomes a command: confirmed first if destructive — unless the engine
/// would reject it, which is then said at once instead of after "are you sure?".
fn finish_form(app: &mut App, mut form: Form) -> Vec<Effect> {
    match forms::command(&form) {
        Err(e) => {
            form.error = Some(e);
            app.overlay = Some(Overlay::Form(form));
            return vec![];
        }
        Ok(command) if command.kind().destructive() && app.game().is_some_and(|g| g.sim.resolve(&command).is_ok()) => {
            app.overlay = Some(Overlay::Confirm { command });
        }
        Ok(command) => app.send(command),
    }
    app.back_to = None;
    vec![]
}
