//! The projector: the room's big read-only dashboard during a drill. It shows what every seat
//! may see — the edge's golden signals as large charts (request rate, errors, latency p99 with
//! p50), the alerts that fire, the incident's state and the comms timeline — and whether the
//! facilitator has paused the drill or the host has gone. It reads the seat's own re-simulated
//! `Game` through the same views as the incident screen, so nothing hidden can reach it.

use super::block;
use super::console::{dot, fit};
use crate::sim::Component;
use crate::tui::app::App;
use crate::tui::drill::follow::Follower;
use crate::tui::game::{Game, Panel};
use crate::tui::layout::big;
use crate::tui::theme::{Health, Theme};
use crate::tui::widgets::chart::{ColumnChart, fit_title, ms, rate};
use crate::tui::widgets::wrap::wrap;
use crate::tui::widgets::{chrome, panels};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub fn projector(app: &App, game: &Game, seat: &Follower, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let notices = notices(game, seat, t);
    let [head, notice, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(notices.len() as u16),
        Constraint::Min(8),
        Constraint::Length(1),
    ])
    .areas(area);
    header(game, seat, t, head, buf);
    for (i, line) in notices.iter().enumerate() {
        buf.set_line(notice.x, notice.y + i as u16, line, notice.width);
    }
    // A roomy screen: the charts stacked on the left, alerts and comms on the right. The
    // minimum screen: the charts side by side on top, alerts beside comms below.
    let roomy = area.width >= 120 && area.height >= 36;
    let (charts, alerts_r, comms_r, stacked) = if roomy {
        let [charts, side] = Layout::horizontal([Constraint::Percentage(62), Constraint::Min(30)]).areas(body);
        let rows = alert_lines(game, t, usize::from(side.width.saturating_sub(2))).len() as u16;
        let alerts_h = (rows + 2).clamp(3, (side.height / 2).max(3));
        let [a, c] = Layout::vertical([Constraint::Length(alerts_h), Constraint::Min(4)]).areas(side);
        (charts, a, c, true)
    } else {
        let [charts, bottom] = Layout::vertical([Constraint::Percentage(55), Constraint::Min(5)]).areas(body);
        let [a, c] = Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(bottom);
        (charts, a, c, false)
    };
    edge_charts(game, t, charts, stacked || big(area), buf);
    let ab = block(t, Span::styled(" Alerts ", t.title()), false);
    let inner = ab.inner(alerts_r);
    ab.render(alerts_r, buf);
    for (i, line) in alert_lines(game, t, usize::from(inner.width)).iter().take(usize::from(inner.height)).enumerate() {
        buf.set_line(inner.x, inner.y + i as u16, line, inner.width);
    }
    let cb = block(t, Span::styled(" Incident and comms ", t.title()), false);
    let inner = cb.inner(comms_r);
    cb.render(comms_r, buf);
    panels::render_panel(game, t, Panel::Comms, inner, buf);
    let who = format!("{}projector{}read-only{}{}", dot(t), dot(t), dot(t), seat.you.name);
    let keys =
        Line::from(vec![Span::styled(" q", t.accent()), Span::styled(" quit", t.dim()), Span::styled(who, t.dim())]);
    buf.set_line(foot.x, foot.y, &keys, foot.width);
}

/// " DRILL <title> · 16:43:00 ▶ 2× · ✖ 2 FIRING · page · INCIDENT Sev2 · budget 87.3%".
fn header(game: &Game, seat: &Follower, t: &Theme, area: Rect, buf: &mut Buffer) {
    let sep = || Span::styled(dot(t), t.dim());
    let pace = if seat.clock.paused {
        Span::styled(format!("{} PAUSED", t.paused()), t.health(Health::Warn))
    } else {
        Span::styled(format!("{} {}{}", t.cursor(), seat.clock.speed, if t.ascii { "x" } else { "×" }), t.accent())
    };
    let budget = game.sim.windows().last().map_or(game.spec.sim.slo.budget_at_start, |w| w.slo.budget_left);
    let bh = match budget {
        b if b < 0.25 => Health::Crit,
        b if b < 0.5 => Health::Warn,
        _ => Health::Ok,
    };
    let mut state = vec![sep(), Span::styled(game.spec.clock(game.sim.now()), t.text()), Span::raw(" "), pace, sep()];
    state.extend(chrome::alarm(game, t));
    state.extend([sep(), Span::styled(format!("budget {:.1}%", budget * 100.0), t.health(bh))]);
    let room = usize::from(area.width).saturating_sub(Line::from(state.clone()).width() + 7);
    let mut spans = vec![Span::styled(" DRILL ", t.title())];
    if room >= 8 {
        spans.push(Span::styled(fit(&game.spec.title, room, t.ascii), t.text()));
    }
    spans.extend(state);
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// What the room must know first: the host gone, the drill over or paused, the lifecycle.
fn notices(game: &Game, seat: &Follower, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let loud = |text: String, h: Health| Line::from(Span::styled(text, t.health(h)));
    if let Some(why) = &seat.lost {
        out.push(loud(format!(" {} the host has gone: {why}", t.health_label(Health::Crit).0), Health::Crit));
    } else if let Some(at) = seat.ended {
        out.push(loud(
            format!(" the facilitator ended the drill at {}: the debrief is next", game.spec.clock(at)),
            Health::Warn,
        ));
    } else if seat.clock.paused {
        out.push(loud(format!(" {} PAUSED by the facilitator", t.paused()), Health::Warn));
    }
    if let Some((text, h)) = chrome::banner_text(game, t) {
        out.push(loud(text, h));
    }
    out
}

/// The alerts firing, then those pending, each wrapped under its name; "none firing" when
/// quiet.
fn alert_lines(game: &Game, t: &Theme, width: usize) -> Vec<Line<'static>> {
    let views = game.sim.alert_views();
    let mut shown: Vec<_> = views.iter().filter(|a| a.firing || a.pending).collect();
    shown.sort_by_key(|a| !a.firing);
    if shown.is_empty() {
        let (sym, _) = t.health_label(Health::Ok);
        return vec![Line::from(Span::styled(format!("{sym} none firing"), t.health(Health::Ok)))];
    }
    let mut out = Vec::new();
    for a in shown {
        let h = if a.firing { Health::Crit } else { Health::Warn };
        let (sym, _) = t.health_label(h);
        let state = if a.firing { "FIRING" } else { "pending" };
        let since = a.since.map(|s| format!(" since {}", game.spec.clock(s))).unwrap_or_default();
        let ack = if a.acked { " [acked]" } else { "" };
        let text = format!("{sym} {} {state}{since}{ack}{}{}", a.name, dot(t), a.summary);
        for (i, row) in wrap(&text, width, 2).into_iter().enumerate() {
            out.push(Line::from(Span::styled(row, if i == 0 { t.health(h) } else { t.text() })));
        }
    }
    out
}

/// The edge's request rate, errors and latency as monitoring shows them (5 s per column,
/// newest on the right), stacked or side by side.
fn edge_charts(game: &Game, t: &Theme, area: Rect, stacked: bool, buf: &mut Buffer) {
    let row = game.series.rows.iter().position(|c| *c == Component::Edge).unwrap_or(0);
    let points = &game.series.points[row];
    let last = points.back().copied();
    let cur = |f: fn(&crate::tui::series::Point) -> f32| last.map_or(f32::NAN, |p| f(&p));
    let err = cur(|p| p.err);
    let err_text = if err.is_finite() { format!("{err:.1}%") } else { t.dash().to_string() };
    let specs = [
        (format!(" REQUESTS {}/s ", rate(cur(|p| p.rps))), points.iter().map(|p| p.rps).collect::<Vec<_>>(), 0, 0.0),
        (format!(" ERRORS {err_text} "), points.iter().map(|p| p.err).collect(), 1, 1.0),
        (
            format!(" LATENCY p99 {}{}p50 {} ", ms(cur(|p| p.p99)), dot(t), ms(cur(|p| p.p50))),
            points.iter().map(|p| p.p99).collect(),
            0,
            0.0,
        ),
    ];
    let cells = if stacked {
        Layout::vertical([Constraint::Ratio(1, 3); 3]).split(area)
    } else {
        Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(area)
    };
    let p50: Vec<f32> = points.iter().map(|p| p.p50).collect();
    for (k, ((title, values, color, floor), cell)) in specs.into_iter().zip(cells.iter()).enumerate() {
        let title = format!(" {} ", fit_title(title.trim(), usize::from(cell.width.saturating_sub(4))));
        let b = block(t, Span::styled(title, t.title()), false);
        let inner = b.inner(*cell);
        b.render(*cell, buf);
        let chart = ColumnChart {
            title: format!("edge{}5s per column", dot(t)),
            values,
            top: None,
            floor,
            markers: markers(game, usize::from(inner.width)),
            overlay: if k == 2 { p50.clone() } else { Vec::new() },
            theme: t,
            style: t.series(color),
        };
        chart.render(inner, buf);
    }
}

/// The time axis' markers (changes, actions, alerts) for the newest `width` columns.
fn markers(game: &Game, width: usize) -> Vec<Option<char>> {
    let now = game.series.buckets;
    let start = now.saturating_sub(width);
    let mut out = vec![None; now - start];
    for &(b, ch) in &game.series.markers {
        if b >= start && b < now {
            let slot = &mut out[b - start];
            // Changes and actions outrank alerts in a shared column, as on the incident screen.
            if slot.is_none() || *slot == Some('!') {
                *slot = Some(ch);
            }
        }
    }
    out
}
