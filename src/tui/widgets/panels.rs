//! The bottom panel's tabs: alerts (firing, pending, recently resolved), logs (scroll, follow,
//! filters, suppressed counts and their samples), changes ("what changed?"), traces (in
//! `trace.rs`), comms (incident state, pages and replies, messages, goals) and instances (in
//! `instances.rs`).

use super::super::game::{Game, Panel};
use super::super::theme::{Health, Theme};
use crate::sim::Component;
use crate::sim::observe::logs::Level;
use crate::sim::{Category, EventKind};
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
    render_panel(game, theme, game.view.panel, area, buf);
}

/// Draws `panel` (the tabbed one, or one beside it on a big screen).
pub fn render_panel(game: &Game, theme: &Theme, panel: Panel, area: Rect, buf: &mut Buffer) {
    match panel {
        Panel::Alerts => alerts(game, theme, area, buf),
        Panel::Logs => logs(game, theme, area, buf),
        Panel::Changes => changes(game, theme, area, buf),
        Panel::Trace => super::trace::render(game, theme, area, buf),
        Panel::Comms => comms(game, theme, area, buf),
        Panel::Instances => super::instances::render(game, theme, area, buf),
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

/// The logs tab's state, for its title: following or scrolled, the filters (the text filter as
/// it is typed, with a cursor while the prompt is open), and whether samples are open.
pub fn log_state(game: &Game, app: &super::super::app::App) -> String {
    let v = &game.view;
    let mut state = vec![if v.follow { "following".to_string() } else { "scrolled".to_string() }];
    if let Some(l) = v.min_level {
        state.push(format!("{}+", l.label()));
    }
    if v.only_selected {
        state.push(format!("only {}", game.row_name(game.selected_component())));
    }
    let typing = matches!(app.overlay, Some(super::super::app::Overlay::Filter(_)));
    if typing || !v.filter.is_empty() {
        state.push(format!("/{}{}", v.filter, if typing { "_" } else { "" }));
    }
    let store = game.sim.logs();
    if v.expand_suppressed {
        state.push("samples open".into());
    } else if store.lines().iter().rev().take(500).any(|l| !store.samples(l.seq).is_empty()) {
        state.push("o: samples".into());
    }
    state.join(" · ")
}

fn log_line<'a>(game: &Game, l: &crate::sim::observe::logs::LogLine, t: &Theme, prefix: &'a str) -> Line<'a> {
    let trace = l.trace.map(|id| format!(" trace={:08x}", id >> 32)).unwrap_or_default();
    Line::from(vec![
        Span::styled(format!("{prefix}{} ", game.spec.clock(l.t)), t.dim()),
        Span::styled(format!("{:<5} ", l.level.label()), level_style(t, l.level)),
        Span::styled(format!("{:<10} ", l.source), t.text()),
        Span::styled(l.text.clone(), if prefix.is_empty() { t.text() } else { t.dim() }),
        Span::styled(trace, t.dim()),
    ])
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
    let store = game.sim.logs();
    let sample_mark = if t.ascii { "  > " } else { "  ↳ " };
    let mut lines: Vec<Line> = Vec::new();
    for l in store
        .lines()
        .iter()
        .filter(|l| v.min_level.is_none_or(|m| l.level >= m))
        .filter(|l| only.as_ref().is_none_or(|c| &l.component == c))
        .filter(|l| {
            needle.is_empty() || l.text.to_lowercase().contains(&needle) || l.source.to_lowercase().contains(&needle)
        })
    {
        lines.push(log_line(game, l, t, ""));
        if v.expand_suppressed {
            lines.extend(store.samples(l.seq).iter().map(|x| log_line(game, x, t, sample_mark)));
        }
    }
    let height = area.height as usize;
    let scroll = if v.follow { 0 } else { v.scroll[1].min(lines.len().saturating_sub(height)) };
    let shown = tail(&lines, height, scroll);
    if shown.is_empty() {
        put(buf, area, &[Line::from(Span::styled("no log lines match", t.dim()))]);
        return;
    }
    put(buf, area, &shown);
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
            // A met objective is told by its goal: its full name is the debrief's to reveal.
            let text = match &e.kind {
                EventKind::ObjectiveMet { objective } => {
                    let o = game.spec.sim.objectives.iter().find(|o| &o.name == objective);
                    format!("objective met: {}", o.map_or(objective.as_str(), |o| o.goal.as_str()))
                }
                k => k.describe(),
            };
            Line::from(vec![Span::styled(format!("{} ", game.spec.clock(e.t)), t.dim()), Span::styled(text, style)])
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
            Span::styled(o.goal.clone(), t.text()),
        ]));
    }
    // Each page, and whether the team has answered yet.
    for c in game.sim.commands().iter().filter(|c| c.rejected.is_none()) {
        let crate::sim::Command::Page { team } = &c.command else { continue };
        let answered = game.sim.events().iter().find_map(|e| match &e.kind {
            EventKind::TeamArrived { team: t2, .. } if t2 == team && e.t >= c.at => Some(e.t),
            _ => None,
        });
        let (text, style) = match answered {
            Some(at) => (format!("answered at {}", game.spec.clock(at)), t.health(Health::Ok)),
            None => ("waiting for an answer".to_string(), t.health(Health::Warn)),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} you paged {team}: ", game.spec.clock(c.at)), t.text()),
            Span::styled(text, style),
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
                EventKind::HintGiven { text, tier } => (format!("hint · {}", tier.name()), text.clone()),
                EventKind::Revealed { text } => ("the facilitator reveals".into(), text.clone()),
                // A tip is for its seat; the facilitator (no `me`) sees every one.
                EventKind::Tip { seat, text } => match &game.toasts.me {
                    Some(me) if !me.eq_ignore_ascii_case(seat) => return None,
                    Some(_) => ("tip from the facilitator".into(), text.clone()),
                    None => (format!("tip → {seat}"), text.clone()),
                },
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
}
