//! What each action does on the incident screen: navigate panes, pace the clock, open the action
//! menu and console, filter logs, acknowledge alerts. Only commands sent through the action menu
//! (and acknowledging) touch the simulation; looking is free.

use super::super::action::Action;
use super::super::app::{App, Effect, Overlay};
use super::super::forms;
use super::super::game::{Focus, Game, Panel};
use super::super::instances;
use crate::sim::{Command, CommandKind};

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let seated = app.seat().is_some();
    let hosting = app.host().is_some();
    if action == Action::TeamView && hosting {
        app.team_view = !app.team_view;
        return vec![];
    }
    let Some(g) = app.game_mut() else { return vec![] };
    if seated && matches!(action, Action::TogglePause | Action::SpeedUp | Action::SpeedDown) {
        let text = "the facilitator runs the clock in a drill".to_string();
        g.flash = Some(super::super::game::Flash { text, error: true, at: g.sim.now() });
        return vec![];
    }
    let v = &mut g.view;
    let panel = App::panel_index(v.panel);
    match action {
        Action::Quit => app.overlay = Some(Overlay::Quit),
        Action::Help => return app.help(),
        Action::TogglePause => g.pacer.paused = !g.pacer.paused,
        Action::SpeedUp => g.pacer.faster(),
        Action::SpeedDown => g.pacer.slower(),
        Action::FocusNext | Action::FocusPrev => v.focus = App::focus_cycle(v.focus, action == Action::FocusPrev),
        Action::Panel1 | Action::Panel2 | Action::Panel3 | Action::Panel4 | Action::Panel5 | Action::Panel6 => {
            let i = [Action::Panel1, Action::Panel2, Action::Panel3, Action::Panel4, Action::Panel5, Action::Panel6]
                .iter()
                .position(|a| *a == action)
                .unwrap_or(0);
            v.panel = Panel::ALL[i];
            v.cursor = 0;
        }
        Action::Up | Action::Down => {
            let down = action == Action::Down;
            match v.focus {
                Focus::Map | Focus::Signals => {
                    let n = g.series.rows.len();
                    v.selected = if down { (v.selected + 1).min(n - 1) } else { v.selected.saturating_sub(1) };
                }
                Focus::Panel => scroll(g, down, 1),
            }
        }
        Action::PageUp | Action::PageDown => scroll(g, action == Action::PageDown, 10),
        Action::Left | Action::Right => {
            if v.focus == Focus::Panel {
                let n = Panel::ALL.len();
                let i = if action == Action::Left { (panel + n - 1) % n } else { (panel + 1) % n };
                v.panel = Panel::ALL[i];
                v.cursor = 0;
            }
        }
        Action::Actions => {
            let items = forms::menu(g);
            app.overlay = Some(Overlay::Actions { items, cursor: 0, title: forms::ACTIONS_TITLE });
        }
        Action::CommandLine => super::cmdline::open(app),
        Action::Incident => {
            let items = forms::console(g);
            app.overlay = Some(Overlay::Actions { items, cursor: 0, title: forms::CONSOLE_TITLE });
        }
        Action::Filter => {
            v.panel = Panel::Logs;
            app.overlay = Some(Overlay::Filter(v.filter.clone()));
        }
        Action::Follow => {
            v.follow = !v.follow;
            v.scroll[1] = 0;
            v.panel = Panel::Logs;
        }
        Action::LevelFilter => {
            v.min_level = App::next_level(v.min_level);
            v.panel = Panel::Logs;
        }
        Action::ComponentFilter => {
            v.only_selected = !v.only_selected;
            v.panel = Panel::Logs;
        }
        Action::ExpandSuppressed => {
            v.expand_suppressed = !v.expand_suppressed;
            v.panel = Panel::Logs;
        }
        Action::PrevItem | Action::NextItem => scroll(g, action == Action::NextItem, 1),
        Action::SortNext => {
            v.instances.sort = v.instances.sort.next();
            v.panel = Panel::Instances;
        }
        Action::AimRestart | Action::AimDrain => {
            let kind = if action == Action::AimRestart { CommandKind::Restart } else { CommandKind::Drain };
            let aim = v.panel == Panel::Instances;
            let form = instances::aimed_form(kind, g, aim);
            app.overlay = Some(Overlay::Form(form));
        }
        Action::Dismiss => g.toasts.dismiss(),
        Action::Ack => {
            let alerts = g.sim.alert_views();
            let firing: Vec<_> = alerts.iter().filter(|a| a.firing && !a.acked).collect();
            let pick = if v.panel == Panel::Alerts { alerts.get(v.cursor).filter(|a| a.firing) } else { None };
            if let Some(a) = pick.or(firing.first().copied()) {
                let alert = a.name.clone();
                // Through `send`, so in a drill the ack goes to the host like any command.
                app.send(Command::Ack { alert });
                return vec![];
            }
            // Nothing to acknowledge: say why rather than do nothing silently.
            let at_cursor = if v.panel == Panel::Alerts { alerts.get(v.cursor) } else { None };
            let text = match at_cursor {
                Some(a) if a.pending => format!("{} is pending, not firing yet: nothing to acknowledge", a.name),
                _ if alerts.iter().any(|a| a.firing) => "every firing alert is already acknowledged".into(),
                _ => "no alert is firing: nothing to acknowledge".into(),
            };
            g.flash = Some(super::super::game::Flash { text, error: false, at: g.sim.now() });
        }
        Action::TeamView
        | Action::Back
        | Action::Select
        | Action::Yes
        | Action::No
        | Action::ForceQuit
        | Action::Export
        | Action::SetSeed
        | Action::RandomSeed
        | Action::Challenge
        | Action::ToMenu
        | Action::Home
        | Action::End => {}
    }
    vec![]
}

/// Scrolls the current panel: the alert list moves its cursor; text panels scroll back.
fn scroll(g: &mut Game, down: bool, by: usize) {
    let panel = g.view.panel;
    scroll_panel(g, panel, down, by);
}

/// Scrolls `panel` (the tabbed one, or one beside it on a big screen).
pub(super) fn scroll_panel(g: &mut Game, panel: Panel, down: bool, by: usize) {
    let v = &mut g.view;
    let i = App::panel_index(panel);
    match panel {
        Panel::Alerts | Panel::Trace => {
            v.cursor = if down { v.cursor + by } else { v.cursor.saturating_sub(by) };
        }
        Panel::Instances => instances::step(g, down, by),
        _ => {
            // Scrolling back (up) from the newest line stops following.
            if down {
                v.scroll[i] = v.scroll[i].saturating_sub(by);
            } else {
                v.scroll[i] += by;
                if panel == Panel::Logs {
                    v.follow = false;
                }
            }
            if panel == Panel::Logs && v.scroll[i] == 0 {
                v.follow = true;
            }
        }
    }
}
