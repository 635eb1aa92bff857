//! The header (scenario, clock, speed or PAUSED, incident state and phase, error budget, seed),
//! the feedback line, the lifecycle banner (stable: what is left to do; the end of the run
//! coming, with a countdown) and the key bar generated from the keymap.

use super::super::app::App;
use super::super::game::Game;
use super::super::keymap::Context;
use super::super::theme::{Health, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn header(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let sim = &game.sim;
    let clock = game.spec.clock(sim.now());
    let pace = if game.pacer.paused {
        Span::styled(format!(" {} PAUSED ", t.paused()), t.health(Health::Warn))
    } else {
        Span::styled(format!(" {} {}x ", t.cursor(), game.pacer.speed), t.accent())
    };
    let inc = sim.incident();
    let stable = sim.phase().stable_since.is_some();
    let incident = match (inc.declared, inc.resolved) {
        (_, Some(_)) => Span::styled("resolved", t.health(Health::Ok)),
        (Some((_, sev)), None) if stable => {
            Span::styled(format!("INCIDENT {} · stable", sev.name()), t.health(Health::Warn))
        }
        (Some((_, sev)), None) => Span::styled(format!("INCIDENT {}", sev.name()), t.health(Health::Crit)),
        (None, None) if stable => Span::styled("stable", t.health(Health::Ok)),
        (None, None) => Span::styled("no incident", t.dim()),
    };
    let budget = sim.windows().last().map_or(game.spec.sim.slo.budget_at_start, |w| w.slo.budget_left);
    let bh = if budget < 0.25 {
        Health::Crit
    } else if budget < 0.5 {
        Health::Warn
    } else {
        Health::Ok
    };
    let sep = Span::styled(" | ", t.dim());
    let state = vec![
        Span::styled(format!("{clock} / {}", game.spec.clock(crate::sim::SimTime(game.spec.length().0))), t.text()),
        pace,
        sep.clone(),
        incident,
        sep.clone(),
        Span::styled(format!("budget {:.1}%", budget * 100.0), t.health(bh)),
        sep.clone(),
        Span::styled(format!("seed {}", sim.seed()), t.dim()),
    ];
    // The clock, pace, incident, budget and seed always show; on a narrow terminal the name
    // goes first, then the scenario's title is shortened.
    let room = usize::from(area.width).saturating_sub(Line::from(state.clone()).width());
    let brand = " firedrill ".len() + 3;
    let title = &game.spec.title;
    let mut spans = Vec::new();
    if room >= brand + title.chars().count() + 3 {
        spans.extend([Span::styled(" firedrill ", t.title()), sep.clone()]);
        spans.extend([Span::styled(title.clone(), t.text()), sep]);
    } else if room >= 10 {
        let keep = room - 4;
        let short: String = if title.chars().count() <= keep {
            title.clone()
        } else {
            format!("{}…", title.chars().take(keep - 1).collect::<String>().trim_end())
        };
        spans.extend([Span::styled(format!(" {short}"), t.text()), sep]);
    } else {
        spans.push(Span::raw(" "));
    }
    spans.extend(state);
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// The last command's outcome, or the newest message to the player.
pub fn flash(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(f) = &game.flash else {
        let hint = "enter: actions · i: incident console · 1-5: panels · ?: help";
        buf.set_stringn(area.x, area.y, format!(" {hint}"), area.width as usize, t.dim());
        return;
    };
    let style = if f.error { t.health(Health::Crit) } else { t.accent() };
    buf.set_stringn(area.x, area.y, format!(" {} {}", game.spec.clock(f.at), f.text), area.width as usize, style);
}

/// The lifecycle banner's text and how loud it is, when there is something to say: the end of
/// the run coming (a countdown), or the service stable with the steps that are left.
pub fn banner_text(game: &Game, t: &Theme) -> Option<(String, Health)> {
    let sim = &game.sim;
    let phase = sim.phase();
    let now = sim.now();
    if let Some((at, reason)) = phase.ending
        && sim.ended().is_none()
    {
        let why = match reason {
            crate::sim::EndReason::TimeUp => "the scenario's time runs out".to_string(),
            crate::sim::EndReason::AutoEnd => "the scenario ends itself once the service has been stable".to_string(),
            crate::sim::EndReason::Resolved => "resolved".to_string(),
            crate::sim::EndReason::Stopped(cap) => cap.describe(),
        };
        let left = crate::sim::Dur(at.0.saturating_sub(now.0));
        return Some((
            format!(
                " {} the run ends in {} (at {}): {why}",
                if t.ascii { "!" } else { "⚠" },
                left.human(),
                game.spec.clock(at)
            ),
            Health::Warn,
        ));
    }
    phase.stable_since?;
    let inc = sim.incident();
    let mark = |done: bool| match (done, t.ascii) {
        (true, true) => "[x]",
        (false, true) => "[ ]",
        (true, false) => "✔",
        (false, false) => "○",
    };
    Some((
        format!(
            " stable — {} remove the cause  {} post the all-clear  {} resolve",
            mark(phase.cause_removed_since.is_some()),
            mark(inc.all_clear.is_some()),
            mark(inc.resolved.is_some())
        ),
        Health::Ok,
    ))
}

pub fn banner(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    if let Some((text, h)) = banner_text(game, t) {
        buf.set_stringn(area.x, area.y, text, area.width as usize, t.health(h));
    }
}

/// Key bar: help and quit first, then the context's bindings, as many as fit.
pub fn keybar(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let context = app.context();
    let bindings = app.keymap.bindings(context);
    let first: Vec<_> = bindings
        .iter()
        .filter(|b| matches!(b.action, super::super::action::Action::Help | super::super::action::Action::Quit))
        .chain(bindings.iter().filter(|b| {
            !matches!(
                b.action,
                super::super::action::Action::Help
                    | super::super::action::Action::Quit
                    | super::super::action::Action::ForceQuit
                    | super::super::action::Action::Up
                    | super::super::action::Action::Down
                    | super::super::action::Action::PageUp
                    | super::super::action::Action::PageDown
            )
        }))
        .collect();
    let mut spans = Vec::new();
    let mut used = 0usize;
    for b in first {
        let key = b.key_names("/");
        let len = key.chars().count() + b.desc.chars().count() + 3;
        if used + len > area.width as usize {
            break;
        }
        used += len;
        spans.push(Span::styled(format!(" {key}"), t.accent()));
        spans.push(Span::styled(format!(" {} ", b.desc), t.dim()));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    let _ = Context::Global;
}
