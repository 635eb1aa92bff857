//! The mouse, second to the keyboard: a click selects a map row, focuses a pane, switches a
//! tab (or brings a panel beside it to the tabs) or chooses a row of a list; the wheel moves the
//! map's selection and scrolls logs and lists. Where things are comes from the same layout the
//! screen is drawn with (`layout.rs`), at the app's known size. Over a dialog, and on other
//! screens, the mouse does nothing: every dialog is driven by keys.

use super::super::app::{App, Screen};
use super::super::game::{Focus, Game, Panel};
use super::super::{instances, layout};
use super::incident::scroll_panel;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

pub(super) fn on_mouse(app: &mut App, m: MouseEvent) {
    if app.overlay.is_some() {
        return;
    }
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    // The lifecycle banner shifts what is below it by a line, as it does when drawn.
    let banner =
        matches!(&app.screen, Screen::Playing(g) if crate::tui::widgets::chrome::banner_text(g, &app.theme).is_some());
    // So does the tutorial's prompt, by its rows.
    let coach = match &app.screen {
        Screen::Playing(g) => crate::tui::widgets::tutor::height(app, g, area.width),
        _ => 0,
    };
    let Screen::Playing(g) = &mut app.screen else { return };
    let at = Position::new(m.column, m.row);
    let r = layout::incident(area, g.view.panel, banner, coach);
    let inner = |r: Rect| r.inner(ratatui::layout::Margin::new(1, 1));
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some((p, _)) = layout::tabs(r.panel).into_iter().find(|(_, t)| t.contains(at)) {
                g.view.panel = p;
                g.view.cursor = 0;
                g.view.focus = Focus::Panel;
            } else if inner(r.map).contains(at) {
                g.view.focus = Focus::Map;
                let height = usize::from(inner(r.map).height);
                let first = g.view.selected.saturating_sub(height.saturating_sub(1));
                let row = first + usize::from(at.y - inner(r.map).y);
                if row < g.series.rows.len() {
                    g.view.selected = row;
                }
            } else if r.signals.contains(at) {
                g.view.focus = Focus::Signals;
            } else if inner(r.panel).contains(at) {
                g.view.focus = Focus::Panel;
                choose_row(g, inner(r.panel), at.y);
            } else if let Some((p, _)) = r.companions.iter().find(|(_, c)| c.contains(at)) {
                g.view.panel = *p;
                g.view.cursor = 0;
                g.view.focus = Focus::Panel;
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = m.kind == MouseEventKind::ScrollDown;
            if r.map.contains(at) {
                let n = g.series.rows.len();
                g.view.selected =
                    if down { (g.view.selected + 1).min(n - 1) } else { g.view.selected.saturating_sub(1) };
            } else if r.panel.contains(at) {
                let p = g.view.panel;
                scroll_panel(g, p, down, 3);
            } else if let Some((p, _)) = r.companions.iter().find(|(_, c)| c.contains(at)) {
                scroll_panel(g, *p, down, 3);
            }
        }
        _ => {}
    }
}

/// A click on a row of the tabbed panel's list chooses it (alerts, instances).
fn choose_row(g: &mut Game, inner: Rect, y: u16) {
    let row = usize::from(y - inner.y);
    match g.view.panel {
        Panel::Alerts => g.view.cursor = row.min(g.sim.alert_views().len().saturating_sub(1)),
        Panel::Instances => {
            // The drill-down's title and column header take two rows; its rows scroll so the
            // chosen one stays in view (as drawn in `widgets/instances.rs`).
            let (_, rows) = instances::rows(g);
            let room = usize::from(inner.height).saturating_sub(2).max(1);
            let first = instances::chosen(&g.view.instances, &rows).saturating_sub(room - 1);
            if let Some(i) = row.checked_sub(2).map(|k| first + k).and_then(|k| rows.get(k)) {
                g.view.instances.num = Some(i.num);
            }
        }
        _ => {}
    }
}
