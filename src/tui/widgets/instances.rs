//! The instances drill-down: one row per live instance of the selected service — version,
//! state, in rotation or not, workers busy and queue, pool busy and waiting, memory, restarts
//! and the last second's error rate — sorted by the column named in the header (which is
//! marked with a symbol, not colour alone). The chosen instance is marked and is what `r` and
//! `d` aim at. Figures are per instance, with their units, so none is a sum against a limit of
//! one.

use super::super::game::Game;
use super::super::instances::{self, SortBy};
use super::super::theme::{Health, Theme};
use crate::sim::InstState;
use crate::sim::observe::view::InstanceView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::fmt::Write as _;

/// Column titles, widths and the sort each is, in order; then the same, narrow (under
/// [`WIDE`] columns), where every column still shows.
const COLUMNS: [(&str, usize, Option<SortBy>); 9] = [
    ("instance", 11, Some(SortBy::Name)),
    ("version", 9, None),
    ("state", 9, None),
    ("rotation", 9, None),
    ("workers", 12, Some(SortBy::Busy)),
    ("pool", 12, Some(SortBy::Pool)),
    ("mem", 6, Some(SortBy::Memory)),
    ("restarts", 9, Some(SortBy::Restarts)),
    ("errors 1s", 14, Some(SortBy::Errors)),
];
const NARROW: [(&str, usize, Option<SortBy>); 9] = [
    ("inst", 8, Some(SortBy::Name)),
    ("ver", 7, None),
    ("state", 9, None),
    ("rot", 4, None),
    ("workers", 11, Some(SortBy::Busy)),
    ("pool", 11, Some(SortBy::Pool)),
    ("mem", 5, Some(SortBy::Memory)),
    ("rst", 4, Some(SortBy::Restarts)),
    ("err 1s", 14, Some(SortBy::Errors)),
];
const WIDE: u16 = 100;

fn state_word(s: InstState) -> &'static str {
    match s {
        InstState::Starting => "starting",
        InstState::Ready => "ready",
        InstState::Draining => "draining",
        InstState::Stopped => "stopped",
        InstState::Crashed => "CRASHED",
    }
}

/// One instance's cells, in column order, and the row's health.
fn cells(i: &InstanceView, workers: u32, pool: Option<u32>) -> ([String; 9], Health) {
    let err = i.error_rate();
    let health = if i.state == InstState::Crashed || err.is_some_and(|e| e > 0.05) {
        Health::Crit
    } else if !i.in_rotation || err.is_some_and(|e| e > 0.01) || i.memory > 0.9 {
        Health::Warn
    } else {
        Health::Ok
    };
    let cells = [
        i.name.clone(),
        i.version.clone(),
        state_word(i.state).to_string(),
        if i.in_rotation { "in" } else { "OUT" }.to_string(),
        format!("{}/{workers} q{}", i.busy, i.queue),
        pool.map_or("—".to_string(), |size| format!("{}/{size} w{}", i.pool_busy, i.pool_waiting)),
        if matches!(i.state, InstState::Ready | InstState::Draining) {
            format!("{:.0}%", i.memory * 100.0)
        } else {
            "—".into()
        },
        i.restarts.to_string(),
        err.map_or("—".to_string(), |e| format!("{:.1}% {}/{}", e * 100.0, i.failed, i.done)),
    ];
    (cells, health)
}

pub fn render(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let (s, rows) = instances::rows(game);
    let spec = &game.spec.sim.services[s];
    let cfg = game.sim.service_config(s);
    let sort = game.view.instances.sort;
    let in_rotation = rows.iter().filter(|i| i.in_rotation).count();
    let mark = if t.ascii { "v" } else { "▼" };
    let wide = area.width >= WIDE;
    let mut columns = if wide { COLUMNS } else { NARROW };
    // The version column fits the scenario's longest version name ("docs-5.12.0"), up to 16.
    let longest = game.spec.sim.versions.iter().map(|v| v.name.chars().count()).max().unwrap_or(0);
    columns[1].1 = columns[1].1.max(longest + 1).min(17);
    let keys = if wide { "   s: sort · [/]: choose · r: restart · d: drain it" } else { "  s [ ] r d" };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", spec.name), t.title()),
        Span::styled(format!("{} live · {in_rotation} in rotation · {} wanted · ", rows.len(), cfg.desired), t.text()),
        Span::styled(format!("sorted by {} {mark}", sort.label()), t.accent()),
        Span::styled(keys, t.dim()),
    ])];
    let mut header = String::new();
    for (title, w, by) in columns {
        let title = if by == Some(sort) { format!("{title}{mark}") } else { title.to_string() };
        let _ = write!(header, "{title:<w$}");
    }
    lines.push(Line::from(Span::styled(format!("  {header}"), t.dim())));
    if rows.is_empty() {
        lines.push(Line::from(Span::styled("  no live instance", t.health(Health::Crit))));
    }
    let room = (area.height as usize).saturating_sub(lines.len()).max(1);
    let chosen = instances::chosen(&game.view.instances, &rows);
    let first = chosen.saturating_sub(room - 1);
    for (k, i) in rows.iter().enumerate().skip(first).take(room) {
        let (cells, health) = cells(i, spec.workers, cfg.pool_size);
        let pointer = if k == chosen { format!("{} ", t.cursor()) } else { "  ".into() };
        let mut spans = vec![Span::styled(pointer, t.accent())];
        for (c, (cell, (_, w, _))) in cells.iter().zip(columns).enumerate() {
            let style = match c {
                2 | 3 | 8 => t.health(health),
                _ => t.text(),
            };
            let cell: String = cell.chars().take(w - 1).collect();
            spans.push(Span::styled(format!("{cell:<w$}"), style));
        }
        let mut line = Line::from(spans);
        if k == chosen {
            line = line.style(t.selected());
        }
        lines.push(line);
    }
    for (i, line) in lines.iter().take(area.height as usize).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}
