//! Where each part of the incident screen goes, as a pure function of the screen's size and the
//! panel shown. Drawing and the mouse both use it, so a click lands on what was drawn there.
//!
//! At 80×24 and up to projector size the screen has a header, a feedback line, the service
//! map beside the golden signals, the tabbed panel and the key bar. A big screen (at least
//! [`BIG_W`]×[`BIG_H`]) uses the room: a "what changed" column beside the charts, and two more
//! panels beside the tabbed one (instances, logs and alerts side by side, whichever of them
//! the tabs are not showing).

use super::game::Panel;
use ratatui::layout::{Constraint, Layout, Rect};

pub const BIG_W: u16 = 200;
pub const BIG_H: u16 = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions {
    pub head: Rect,
    pub flash: Rect,
    /// The lifecycle banner (zero height when it has nothing to say).
    pub banner: Rect,
    /// The tutorial's prompt (zero height with no prompt waiting); dialogs open below it.
    pub coach: Rect,
    /// The map's frame (rows start one cell inside).
    pub map: Rect,
    pub signals: Rect,
    /// The recent changes, on a big screen.
    pub changes: Option<Rect>,
    /// The tabbed panel's frame (its tabs are on the top border).
    pub panel: Rect,
    /// Panels shown beside the tabbed one, on a big screen.
    pub companions: Vec<(Panel, Rect)>,
    pub foot: Rect,
}

/// Whether the screen is big enough for the projector layout.
pub fn big(area: Rect) -> bool {
    area.width >= BIG_W && area.height >= BIG_H
}

/// The panels shown beside `shown` on a big screen, in order.
pub fn companions_of(shown: Panel) -> Vec<Panel> {
    [Panel::Instances, Panel::Logs, Panel::Alerts, Panel::Changes].into_iter().filter(|p| *p != shown).take(2).collect()
}

/// The incident screen's regions; `banner`: the lifecycle banner has something to say and
/// takes a line under the feedback line; `coach`: the rows the tutorial's prompt takes under
/// it (0 for none), so the prompt covers nothing it points at.
pub fn incident(area: Rect, shown: Panel, banner: bool, coach: u16) -> Regions {
    let [head, flash, banner, coach, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(banner)),
        Constraint::Length(coach),
        Constraint::Min(10),
        Constraint::Length(1),
    ])
    .areas(area);
    let top_h = if body.height >= 30 { body.height * 3 / 5 } else { body.height / 2 + 1 };
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Min(4)]).areas(body);
    let map_w = if area.width >= 120 { 40 } else { 34 };
    if !big(area) {
        let [map, signals] = Layout::horizontal([Constraint::Length(map_w), Constraint::Min(20)]).areas(top);
        return Regions {
            head,
            flash,
            banner,
            coach,
            map,
            signals,
            changes: None,
            panel: bottom,
            companions: Vec::new(),
            foot,
        };
    }
    let [map, signals, changes] =
        Layout::horizontal([Constraint::Length(map_w), Constraint::Min(60), Constraint::Percentage(28)]).areas(top);
    let [panel, a, b] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(30), Constraint::Percentage(30)])
            .areas(bottom);
    let companions = companions_of(shown).into_iter().zip([a, b]).collect();
    Regions { head, flash, banner, coach, map, signals, changes: Some(changes), panel, companions, foot }
}

/// The tabs' labels as drawn on the panel's top border ("1 Alerts", …): each tab's cells.
pub fn tabs(panel: Rect) -> Vec<(Panel, Rect)> {
    let mut x = panel.x + 2;
    Panel::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let w = (format!("{} {}", i + 1, p.title()).chars().count()) as u16;
            let r = Rect::new(x, panel.y, w, 1);
            x += w + 1;
            (*p, r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorials_band_pushes_the_body_down_and_covers_nothing() {
        let plain = incident(Rect::new(0, 0, 80, 24), Panel::Alerts, false, 0);
        let coached = incident(Rect::new(0, 0, 80, 24), Panel::Alerts, false, 6);
        assert_eq!(coached.coach, Rect::new(0, 2, 80, 6));
        assert_eq!(coached.map.y, plain.map.y + 6, "the map starts under the prompt");
        for r in [coached.map, coached.signals, coached.panel, coached.head, coached.flash, coached.foot] {
            assert!(r.intersection(coached.coach).is_empty(), "{r:?} overlaps the prompt");
        }
        assert_eq!(coached.foot, plain.foot, "the key bar stays at the bottom");
        assert!(coached.panel.height >= 4, "the panel keeps room for rows: {:?}", coached.panel);
    }

    #[test]
    fn a_big_screen_shows_two_more_panels_and_the_changes_and_a_small_one_does_not() {
        let small = incident(Rect::new(0, 0, 80, 24), Panel::Alerts, false, 0);
        assert!(small.companions.is_empty() && small.changes.is_none());
        let roomy = incident(Rect::new(0, 0, 160, 48), Panel::Alerts, false, 0);
        assert!(roomy.companions.is_empty(), "160×48 keeps the plain layout");
        let big = incident(Rect::new(0, 0, 220, 60), Panel::Alerts, false, 0);
        assert_eq!(big.companions.iter().map(|c| c.0).collect::<Vec<_>>(), [Panel::Instances, Panel::Logs]);
        assert!(big.changes.is_some());
        let on_logs = incident(Rect::new(0, 0, 220, 60), Panel::Logs, false, 0);
        assert_eq!(on_logs.companions.iter().map(|c| c.0).collect::<Vec<_>>(), [Panel::Instances, Panel::Alerts]);
    }
}
