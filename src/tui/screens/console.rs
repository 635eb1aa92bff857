//! The facilitator console: the host's screen during a drill. It shows what nobody else sees
//! — the truth (every fault that fired, in force or cleared, and what is still to come) and
//! the service's true golden signals — beside the seats, the team's activity (the drill's
//! command log interleaved with joins, leaves and refusals) and the facilitator's notes.
//! Times are the run clock (mm:ss), as the scenario's triggers are written. A function of
//! state: it reads the host's `Game` and `Host` and never changes them.

mod truth;

use super::block;
use crate::sim::observe::metric::aggregate;
use crate::sim::{Component, Metric, MetricRef, Role, SimTime};
use crate::tui::app::App;
use crate::tui::drill::host::Host;
use crate::tui::game::Game;
use crate::tui::theme::{Health, Theme};
use crate::tui::widgets::chart::{ms, rate};
use crate::tui::widgets::chrome;
use crate::tui::widgets::wrap::wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub use truth::{Fired, Pending, State, truth};

/// The answer to the facilitator's last command, or what to do first.
fn feedback(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let (text, style) = match &game.flash {
        Some(f) => {
            let style = if f.error { t.health(Health::Crit) } else { t.accent() };
            (format!(" {} {}", f.at.clock(), f.text), style)
        }
        None if game.pacer.paused && game.sim.now().0 == 0 => {
            (" the clock waits: press space to start it once everyone has joined".to_string(), t.dim())
        }
        None => return,
    };
    buf.set_stringn(area.x, area.y, text, area.width as usize, style);
}

pub fn console(app: &App, game: &Game, host: &Host, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let [head, signals, said, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
    ])
    .areas(area);
    header(game, host, t, head, buf);
    signal_line(game, t, signals, buf);
    feedback(game, t, said, buf);
    // Wide: the truth and the activity on the left, seats and notes on the right. Narrow:
    // seats over the truth, the activity beside the notes at the bottom.
    let wide = area.width >= 120;
    let seat_w = if wide { body.width * 2 / 5 } else { body.width };
    let seats = seat_lines(host, t, usize::from(seat_w.saturating_sub(2)));
    let seats_h = (seats.len() as u16 + 2).min(body.height / 3).max(3);
    let (seats_r, truth_r, activity_r, notes_r) = if wide {
        let [left, right] = Layout::horizontal([Constraint::Min(40), Constraint::Length(seat_w)]).areas(body);
        let [tr, ar] = Layout::vertical([Constraint::Percentage(55), Constraint::Min(4)]).areas(left);
        let [sr, nr] = Layout::vertical([Constraint::Length(seats_h), Constraint::Min(3)]).areas(right);
        (sr, tr, ar, nr)
    } else {
        let bottom_h = (body.height.saturating_sub(seats_h) / 2).clamp(3, 7);
        let [sr, tr, bottom] =
            Layout::vertical([Constraint::Length(seats_h), Constraint::Min(3), Constraint::Length(bottom_h)])
                .areas(body);
        let [ar, nr] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom);
        (sr, tr, ar, nr)
    };
    let online = format!(" Seats{}{} of {} online ", dot(t), host.online(), host.seats.len());
    panel(t, &online, seats_r, buf, &seats, false);
    let w = |r: Rect| usize::from(r.width.saturating_sub(2));
    let h = |r: Rect| usize::from(r.height.saturating_sub(2));
    let lines = truth_lines(game, t, w(truth_r), h(truth_r));
    panel(t, &format!(" The truth{}hidden from every seat ", dot(t)), truth_r, buf, &lines, false);
    panel(t, " Team activity ", activity_r, buf, &activity_lines(host, t, w(activity_r), h(activity_r)), true);
    let notes: Vec<Line<'static>> = if host.notes.is_empty() {
        vec![Line::from(Span::styled("none yet: `:note TEXT`", t.dim()))]
    } else {
        let items: Vec<(String, Style)> =
            host.notes.iter().map(|(at, text)| (format!("{} {text}", at.clock()), t.text())).collect();
        budget(&items, w(notes_r), h(notes_r), t.ascii, true)
    };
    panel(t, &format!(" Notes{}private ", dot(t)), notes_r, buf, &notes, true);
    footer(t, foot, buf);
}

/// "DRILL <title> · join code <code> · <addr> · 03:00 ▶ 2× · 2 of 3 seats online"; on a narrow
/// screen the labels shorten and then the title does.
fn header(game: &Game, host: &Host, t: &Theme, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let build = |short: bool, title: Option<String>| {
        let sep = || Span::styled(dot(t), t.dim());
        let mut s = vec![Span::styled(" DRILL ", t.title())];
        if let Some(title) = title {
            s.extend([Span::styled(title, t.text()), sep()]);
        }
        s.push(Span::styled(if short { "code " } else { "join code " }, t.dim()));
        s.extend([Span::styled(host.code.clone(), t.accent()), sep(), Span::styled(host.listen.clone(), t.text())]);
        s.extend([sep(), Span::styled(game.sim.now().clock(), t.text()), Span::raw(" ")]);
        s.push(if let Some(at) = host.ended {
            Span::styled(format!("ended at {}", at.clock()), t.health(Health::Warn))
        } else if game.pacer.paused {
            Span::styled(format!("{} paused", t.paused()), t.health(Health::Warn))
        } else {
            Span::styled(format!("{} {}{}", t.cursor(), game.pacer.speed, if t.ascii { "x" } else { "×" }), t.accent())
        });
        let (on, all) = (host.online(), host.seats.len());
        s.extend([
            sep(),
            Span::styled(
                if short { format!("{on}/{all} online") } else { format!("{on} of {all} seats online") },
                t.text(),
            ),
        ]);
        Line::from(s)
    };
    let title = &game.spec.title;
    let line = [false, true]
        .into_iter()
        .find_map(|short| {
            let room = width.saturating_sub(build(short, None).width() + 3);
            (room >= 10).then(|| build(short, Some(fit(title, room, t.ascii))))
        })
        .unwrap_or_else(|| build(true, None));
    buf.set_line(area.x, area.y, &line, area.width);
}

/// The whole service's golden signals at the edge, as they really are (monitoring may show
/// the seats something else), and what is firing.
fn signal_line(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let ws = game.sim.windows();
    let recent = &ws[ws.len().saturating_sub(5)..];
    let get = |m: Metric| {
        aggregate(recent, MetricRef { component: Component::Edge, metric: m }).map_or(f32::NAN, |v| v as f32)
    };
    let slo = &game.spec.sim.slo;
    let err = get(Metric::ErrorRate);
    let eh = if f64::from(err) > 1.0 - slo.availability { Health::Crit } else { Health::Ok };
    let budget = ws.last().map_or(slo.budget_at_start, |w| w.slo.budget_left);
    let bh = match budget {
        b if b < 0.25 => Health::Crit,
        b if b < 0.5 => Health::Warn,
        _ => Health::Ok,
    };
    let err_text = if err.is_finite() { format!("{:.1}%", err * 100.0) } else { t.dash().into() };
    // Everything fits on a wide screen; on a narrow one the label goes, then the words.
    let build = |long: bool| {
        let sep = || Span::styled(dot(t), t.dim());
        let mut spans = vec![
            Span::styled(if long { " truth at the edge " } else { " " }, t.dim()),
            Span::styled(format!("{} {}", rate(get(Metric::Rps)), if long { "req/s" } else { "rps" }), t.text()),
            sep(),
            Span::styled(format!("{} {err_text}", if long { "errors" } else { "err" }), t.health(eh)),
            sep(),
            Span::styled(format!("p99 {}", ms(get(Metric::P99))), t.text()),
            sep(),
            Span::styled(
                format!("{} {:.1}%", if long { "budget left" } else { "budget" }, budget * 100.0),
                t.health(bh),
            ),
            Span::styled(" | ", t.dim()),
        ];
        spans.extend(chrome::alarm(game, t));
        Line::from(spans)
    };
    let long = build(true);
    let line = if long.width() <= usize::from(area.width) { long } else { build(false) };
    buf.set_line(area.x, area.y, &line, area.width);
}

fn seat_lines(host: &Host, t: &Theme, width: usize) -> Vec<Line<'static>> {
    if host.seats.is_empty() {
        let join = format!(
            "`firedrill join {} --code {} --name NAME --seat ic|ops|comms|observer|projector`)",
            host.listen, host.code
        );
        let intro = "(no seats yet: participants run";
        if Span::raw(intro).width() + 1 + Span::raw(join.as_str()).width() <= width {
            return rows(&format!("{intro} {join}"), width, t.dim());
        }
        // The command on rows of its own, so it reads as one.
        let mut out = rows(intro, width, t.dim());
        out.extend(wrap(&join, width, 2).into_iter().map(|r| Line::from(Span::styled(format!(" {r}"), t.accent()))));
        return out;
    }
    let name_w = host.seats.iter().map(|s| Span::raw(s.by.name.as_str()).width()).max().unwrap_or(0).min(16);
    host.seats
        .iter()
        .map(|s| {
            let (mark, word, style) = if s.conn.is_some() {
                (t.health_label(Health::Ok).0, "online ", t.health(Health::Ok))
            } else {
                (if t.ascii { "-" } else { "○" }, "offline", t.dim())
            };
            let name = fit(&s.by.name, name_w, t.ascii);
            let pad = " ".repeat(name_w.saturating_sub(Span::raw(name.as_str()).width()));
            let rejoins = match s.rejoins {
                0 => String::new(),
                1 => format!("{}1 rejoin", dot(t)),
                n => format!("{}{n} rejoins", dot(t)),
            };
            Line::from(vec![
                Span::styled(format!("{mark} {word} "), style),
                Span::styled(format!("{name}{pad} "), t.text()),
                Span::styled(format!("{:<19}", s.by.role.title()), t.accent()),
                Span::styled(format!("{} sent{rejoins}", s.commands), t.dim()),
            ])
        })
        .collect()
}

/// The fired entries, then those to come, as many rows of each as fit.
fn truth_lines(game: &Game, t: &Theme, width: usize, height: usize) -> Vec<Line<'static>> {
    let (fired, pending) = truth(game);
    let mut items: Vec<(String, Style)> = Vec::new();
    let heading = |text: &str| (text.to_string(), t.title());
    if fired.is_empty() {
        items.push(("nothing has fired yet".into(), t.dim()));
    }
    for f in &fired {
        let (state, style) = match &f.state {
            State::Active => (format!("{} ACTIVE", t.health_label(Health::Crit).0), t.health(Health::Crit)),
            State::Cleared { at, why } => {
                (format!("{} cleared at {} ({why})", t.health_label(Health::Ok).0, at.clock()), t.health(Health::Ok))
            }
            State::Momentary => (format!("{} momentary", t.bullet()), t.text()),
        };
        items.push((format!("{} {state}{}{}: {}", f.at.clock(), dot(t), f.label, f.what), style));
    }
    if !pending.is_empty() {
        items.push(heading("still to come"));
    }
    for p in &pending {
        match &p.averted {
            Some(why) => items.push((format!("averted ({why}){}{}: {}", dot(t), p.label, p.what), t.dim())),
            None => items.push((format!("{}{}{}: {}", p.trigger, dot(t), p.label, p.what), t.text())),
        }
    }
    budget(&items, width, height, t.ascii, false)
}

/// The drill's log and the host's activity lines, in time order.
fn activity_lines(host: &Host, t: &Theme, width: usize, height: usize) -> Vec<Line<'static>> {
    let mut items: Vec<(SimTime, String, Style)> = host
        .log
        .iter()
        .map(|e| {
            let who = if e.by.role == Role::Facilitator { e.by.name.clone() } else { e.by.to_string() };
            let what = match &e.live {
                Some((label, text)) => format!("inject {label}: {text}"),
                None => e.command.label(),
            };
            (e.at, format!("{} {who}: {what}", e.at.clock()), t.text())
        })
        .collect();
    items.extend(host.activity.iter().map(|a| (a.at, format!("{} {}", a.at.clock(), a.text), t.dim())));
    // Stable: at one instant, a command stays before the activity it caused.
    items.sort_by_key(|i| i.0);
    if items.is_empty() {
        return vec![Line::from(Span::styled("nobody has done anything yet", t.dim()))];
    }
    let items: Vec<(String, Style)> = items.into_iter().map(|(_, text, style)| (text, style)).collect();
    budget(&items, width, height, t.ascii, true)
}

fn footer(t: &Theme, area: Rect, buf: &mut Buffer) {
    let full = usize::from(area.width) >= 110;
    let cmd = if full { "command line (inject, fire, reveal, tip, note, say, end)" } else { "command line" };
    let keys = [(":", cmd), ("t", "team view"), ("space", "pause"), ("+/-", "speed"), ("?", "help"), ("q", "quit")];
    let spans: Vec<Span> = keys
        .into_iter()
        .flat_map(|(k, d)| [Span::styled(format!(" {k}"), t.accent()), Span::styled(format!(" {d} "), t.dim())])
        .collect();
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// A bordered box of lines; `tail` keeps the newest (last) lines when they do not all fit.
fn panel(t: &Theme, title: &str, area: Rect, buf: &mut Buffer, lines: &[Line<'static>], tail: bool) {
    let b = block(t, Span::styled(title.to_string(), t.title()), false);
    let inner = b.inner(area);
    b.render(area, buf);
    let h = usize::from(inner.height);
    let skip = if tail { lines.len().saturating_sub(h) } else { 0 };
    for (i, line) in lines.iter().skip(skip).take(h).enumerate() {
        buf.set_line(inner.x, inner.y + i as u16, line, inner.width);
    }
}

/// `text` wrapped to `width` (continuation rows indented under the text after the clock).
fn rows(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, width, 6).into_iter().map(|r| Line::from(Span::styled(r, style))).collect()
}

/// Items (a text and its style) wrapped to `width` and shortened to fit `height` rows: each
/// item shown gets a row, and the spare rows go to the items in order (`tail`: the newest
/// first, and the oldest are the ones left out). A shortened item's last row ends in "…".
fn budget(items: &[(String, Style)], width: usize, height: usize, ascii: bool, tail: bool) -> Vec<Line<'static>> {
    let wrapped: Vec<Vec<String>> = items.iter().map(|(text, _)| wrap(text, width, 6)).collect();
    let n = items.len().min(height);
    let shown: Vec<usize> = if tail { (items.len() - n..items.len()).collect() } else { (0..n).collect() };
    let mut allot = vec![1usize; items.len()];
    let mut spare = height - n;
    let order: Vec<usize> = if tail { shown.iter().rev().copied().collect() } else { shown.clone() };
    for i in order {
        let extra = (wrapped[i].len() - 1).min(spare);
        allot[i] += extra;
        spare -= extra;
    }
    let mut out = Vec::new();
    for i in shown {
        let (rows, k, style) = (&wrapped[i], allot[i], items[i].1);
        for (j, row) in rows.iter().take(k).enumerate() {
            let row = if j + 1 == k && k < rows.len() {
                fit(&format!("{row} {}", rows[k].trim_start()), width, ascii)
            } else {
                row.clone()
            };
            out.push(Line::from(Span::styled(row, style)));
        }
    }
    out
}

/// `s` cut to `width` display columns, ending in "…" (ASCII: ".") when cut.
pub(crate) fn fit(s: &str, width: usize, ascii: bool) -> String {
    if Span::raw(s).width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = Span::raw(c.to_string()).width();
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push(if ascii { '.' } else { '…' });
    }
    out
}

/// The separator between parts of a line.
pub(crate) fn dot(t: &Theme) -> &'static str {
    if t.ascii { " - " } else { " · " }
}
