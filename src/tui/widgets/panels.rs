//! The bottom panel's tabs: alerts (firing, pending, recently resolved), logs (scroll, follow,
//! filters, suppressed counts), changes ("what changed?"), a sampled trace of a slow or failed
//! request, and comms (incident state, stakeholders' messages, objectives).

use super::super::game::{Game, Panel};
use super::super::theme::{Health, Theme};
use crate::sim::Component;
use crate::sim::observe::logs::Level;
use crate::sim::{Category, EventKind, SimTime};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn put(buf: &mut Buffer, area: Rect, lines: &[Line<'_>]) {
    for (i, line) in lines.iter().take(area.height as usize).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

/// The last `height` lines of `lines`, scrolled back by `scroll`.
fn tail<T: Clone>(lines: &[T], height: usize, scroll: usize) -> Vec<T> {
    let end = lines.len().saturating_sub(scroll);
    lines[end.saturating_sub(height)..end].to_vec()
}

pub fn render(game: &Game, theme: &Theme, area: Rect, buf: &mut Buffer) {
    match game.view.panel {
        Panel::Alerts => alerts(game, theme, area, buf),
        Panel::Logs => logs(game, theme, area, buf),
        Panel::Changes => changes(game, theme, area, buf),
        Panel::Trace => trace(game, theme, area, buf),
        Panel::Comms => comms(game, theme, area, buf),
    }
}

fn alerts(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let views = game.sim.alert_views();
    let mut lines = Vec::new();
    for (i, a) in views.iter().enumerate() {
        let (state, h) = if a.firing {
            ("FIRING ", Health::Crit)
        } else if a.pending {
            ("pending", Health::Warn)
        } else {
            ("ok     ", Health::Ok)
        };
        let since = a.since.map(|s| format!(" since {}", game.spec.clock(s))).unwrap_or_default();
        let ack = if a.acked { " [acked]" } else { "" };
        let mut line = Line::from(vec![
            Span::styled(format!("{state} "), t.health(h)),
            Span::styled(format!("{:<6} ", a.severity.word()), t.dim()),
            Span::styled(format!("{:<22}", a.name), t.text()),
            Span::styled(format!("{since}{ack}  "), t.accent()),
            Span::styled(a.summary.clone(), t.dim()),
        ]);
        if i == game.view.cursor {
            line = line.style(t.selected());
        }
        lines.push(line);
    }
    let resolved: Vec<Line> = game
        .sim
        .events()
        .iter()
        .rev()
        .filter_map(|e| match &e.kind {
            EventKind::AlertResolved { alert } => {
                Some(Line::from(Span::styled(format!("{} resolved {alert}", game.spec.clock(e.t)), t.dim())))
            }
            _ => None,
        })
        .take(3)
        .collect();
    lines.extend(resolved);
    if views.is_empty() {
        lines.push(Line::from(Span::styled("no alert rules in this scenario", t.dim())));
    }
    put(buf, area, &lines);
}

fn level_style(t: &Theme, l: Level) -> Style {
    match l {
        Level::Error => t.health(Health::Crit),
        Level::Warn => t.health(Health::Warn),
        _ => t.dim(),
    }
}

fn logs(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let v = &game.view;
    let needle = v.filter.to_lowercase();
    let only = if v.only_selected {
        match game.selected_component() {
            Component::Dep { service, .. } => Some(game.spec.sim.services[service].name.clone()),
            c => Some(game.row_name(c)),
        }
    } else {
        None
    };
    let lines: Vec<Line> = game
        .sim
        .logs()
        .lines()
        .iter()
        .filter(|l| v.min_level.is_none_or(|m| l.level >= m))
        .filter(|l| only.as_ref().is_none_or(|c| &l.component == c))
        .filter(|l| {
            needle.is_empty() || l.text.to_lowercase().contains(&needle) || l.source.to_lowercase().contains(&needle)
        })
        .map(|l| {
            let trace = l.trace.map(|id| format!(" trace={:08x}", id >> 32)).unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("{} ", game.spec.clock(l.t)), t.dim()),
                Span::styled(format!("{:<5} ", l.level.label()), level_style(t, l.level)),
                Span::styled(format!("{:<10} ", l.source), t.text()),
                Span::styled(l.text.clone(), t.text()),
                Span::styled(trace, t.dim()),
            ])
        })
        .collect();
    let height = area.height as usize;
    let scroll = if v.follow { 0 } else { v.scroll[1].min(lines.len().saturating_sub(height)) };
    let shown = tail(&lines, height, scroll);
    if shown.is_empty() {
        put(buf, area, &[Line::from(Span::styled("no log lines match", t.dim()))]);
    } else {
        put(buf, area, &shown);
    }
}

fn changes(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = game
        .sim
        .events()
        .iter()
        .filter(|e| {
            !e.hidden
                && matches!(e.kind.category(), Category::Change(_) | Category::Progress(_) | Category::Command { .. })
        })
        .map(|e| {
            let style = if matches!(e.kind.category(), Category::Command { .. }) { t.accent() } else { t.text() };
            Line::from(vec![
                Span::styled(format!("{} ", game.spec.clock(e.t)), t.dim()),
                Span::styled(e.kind.describe(), style),
            ])
        })
        .collect();
    let height = area.height as usize;
    if lines.is_empty() {
        put(buf, area, &[Line::from(Span::styled("nothing has changed yet", t.dim()))]);
        return;
    }
    let scroll = game.view.scroll[2].min(lines.len().saturating_sub(height));
    put(buf, area, &tail(&lines, height, scroll));
}

fn trace(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let traces = game.sim.traces();
    let Some(tr) = traces.iter().rev().nth(game.view.cursor.min(traces.len().saturating_sub(1))) else {
        put(
            buf,
            area,
            &[Line::from(Span::styled("no slow or failed request sampled yet (1 in 64 is traced)", t.dim()))],
        );
        return;
    };
    let total = tr.end.since(tr.start).0.max(1);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("trace {} ", tr.trace_id_hex()), t.title()),
        Span::styled(
            format!(
                "{} at {} took {} — {}",
                tr.endpoint,
                game.spec.clock(tr.start),
                crate::sim::Dur(total).human(),
                tr.outcome
            ),
            t.text(),
        ),
        Span::styled(format!("   ({} of {} kept; ↑/↓ older/newer)", game.view.cursor + 1, traces.len()), t.dim()),
    ])];
    let label_w = (area.width as usize / 2).clamp(20, 48);
    let bar_w = (area.width as usize).saturating_sub(label_w + 10).max(4);
    for s in &tr.spans {
        let from = (s.start.since(tr.start).0 * bar_w as u64 / total) as usize;
        let len =
            ((s.end.since(s.start).0 * bar_w as u64).div_ceil(total) as usize).max(1).min(bar_w - from.min(bar_w - 1));
        let label: String =
            format!("{}{}", "  ".repeat(s.depth.saturating_sub(1) as usize), s.label).chars().take(label_w).collect();
        let fill = if t.ascii { "=" } else { "━" };
        let style = if s.ok { t.series(0) } else { t.health(Health::Crit) };
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<label_w$} "), if s.ok { t.text() } else { t.health(Health::Crit) }),
            Span::raw(" ".repeat(from.min(bar_w))),
            Span::styled(fill.repeat(len), style),
            Span::styled(format!(" {}", crate::sim::Dur(s.end.since(s.start).0).human()), t.dim()),
        ]));
    }
    put(buf, area, &lines);
}

fn comms(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let now = game.sim.now();
    let inc = game.sim.incident();
    let mut lines = Vec::new();
    let state = match (inc.declared, inc.resolved) {
        (_, Some(r)) => format!("incident resolved at {}", game.spec.clock(r)),
        (Some((at, sev)), None) => format!("incident {} since {}", sev.name(), game.spec.clock(at)),
        (None, None) => "no incident declared".into(),
    };
    let due = match inc.next_update_due {
        Some(d) if d < now => {
            Span::styled(format!("  · status update OVERDUE since {}", game.spec.clock(d)), t.health(Health::Crit))
        }
        Some(d) => Span::styled(format!("  · next status update due {}", game.spec.clock(d)), t.dim()),
        None if inc.all_clear.is_some() => Span::styled("  · all-clear posted", t.health(Health::Ok)),
        None if inc.declared.is_some() => Span::styled("  · no status update posted yet", t.health(Health::Warn)),
        None => Span::raw(""),
    };
    lines.push(Line::from(vec![Span::styled(state, t.title()), due]));
    let objectives = &game.spec.sim.objectives;
    for (o, holds) in objectives.iter().zip(game.sim.objectives_now()) {
        let mark = if *holds {
            if t.ascii { "[x]" } else { "✔" }
        } else if t.ascii {
            "[ ]"
        } else {
            "○"
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), if *holds { t.health(Health::Ok) } else { t.dim() }),
            Span::styled(o.name.clone(), t.text()),
        ]));
    }
    let msgs: Vec<Line> = game
        .sim
        .events()
        .iter()
        .filter(|e| !e.hidden)
        .filter_map(|e| {
            let (who, text) = match &e.kind {
                EventKind::Message { from, text } => (from.clone(), text.clone()),
                EventKind::TeamArrived { team, says } => (format!("{team} (paged)"), says.clone()),
                EventKind::HintGiven { text } => ("hint".into(), text.clone()),
                EventKind::StatusUpdatePosted { audience, impact, all_clear: true, .. } => {
                    (format!("you → {} (all-clear)", audience.word()), impact.clone())
                }
                EventKind::StatusUpdatePosted { audience, impact, next_update, .. } => {
                    (format!("you → {}", audience.word()), format!("{impact} (next update in {})", next_update.human()))
                }
                _ => return None,
            };
            Some(Line::from(vec![
                Span::styled(format!("{} ", game.spec.clock(e.t)), t.dim()),
                Span::styled(format!("{who}: "), t.accent()),
                Span::styled(text, t.text()),
            ]))
        })
        .collect();
    let room = (area.height as usize).saturating_sub(lines.len());
    lines.extend(tail(&msgs, room, game.view.scroll[4].min(msgs.len().saturating_sub(room))));
    put(buf, area, &lines);
    let _ = SimTime::ZERO;
}
