//! The header (scenario, clock, speed or PAUSED, firing alerts, incident state and phase,
//! error budget, seed), the feedback line, the lifecycle banner (stable: what is left to do;
//! the end of the run coming, with a countdown) and the key bar generated from the keymap.

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
    } else if game.held() {
        // The tutorial's prompt holds the clock until it is answered.
        Span::styled(format!(" {} HELD ", t.paused()), t.health(Health::Warn))
    } else {
        Span::styled(format!(" {} {}x ", t.cursor(), game.pacer.speed), t.accent())
    };
    let incident = alarm(game, t);
    let budget = sim.windows().last().map_or(game.spec.sim.slo.budget_at_start, |w| w.slo.budget_left);
    let bh = if budget < 0.25 {
        Health::Crit
    } else if budget < 0.5 {
        Health::Warn
    } else {
        Health::Ok
    };
    let sep = Span::styled(" | ", t.dim());
    let mut state = vec![
        Span::styled(format!("{clock} / {}", game.spec.clock(crate::sim::SimTime(game.spec.length().0))), t.text()),
        pace,
        sep.clone(),
    ];
    state.extend(incident);
    state.extend([
        sep.clone(),
        Span::styled(format!("budget {:.1}%", budget * 100.0), t.health(bh)),
        sep.clone(),
        Span::styled(format!("seed {}", sim.seed()), t.dim()),
    ]);
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

/// What is firing and where the incident stands, in words and a symbol (never colour alone):
/// "✖ 3 FIRING · page · not declared", "▲ 1 pending · not declared", "INCIDENT Sev2",
/// "no incident" only when nothing fires or is pending.
pub fn alarm(game: &Game, t: &Theme) -> Vec<Span<'static>> {
    use crate::sim::model::rules::AlertSeverity;
    let alerts = game.sim.alert_views();
    let firing: Vec<_> = alerts.iter().filter(|a| a.firing).collect();
    let pending = alerts.iter().filter(|a| a.pending).count();
    let inc = game.sim.incident();
    let stable = game.sim.phase().stable_since.is_some();
    let declared = match (inc.declared, inc.resolved) {
        (_, Some(_)) => Span::styled("resolved", t.health(Health::Ok)),
        (Some((_, sev)), None) if stable => {
            Span::styled(format!("INCIDENT {} · stable", sev.name()), t.health(Health::Warn))
        }
        (Some((_, sev)), None) => Span::styled(format!("INCIDENT {}", sev.name()), t.health(Health::Crit)),
        (None, None) if stable && firing.is_empty() => return vec![Span::styled("stable", t.health(Health::Ok))],
        (None, None) if firing.is_empty() && pending == 0 => return vec![Span::styled("no incident", t.dim())],
        (None, None) => Span::styled("not declared", t.health(Health::Warn)),
    };
    let dot = Span::styled(" · ", t.dim());
    let mut out = Vec::new();
    if firing.is_empty() {
        if pending > 0 {
            let (sym, _) = t.health_label(Health::Warn);
            out.extend([Span::styled(format!("{sym} {pending} pending"), t.health(Health::Warn)), dot.clone()]);
        }
    } else {
        let worst = if firing.iter().any(|a| a.severity == AlertSeverity::Page) { "page" } else { "ticket" };
        let h = if worst == "page" { Health::Crit } else { Health::Warn };
        let (sym, _) = t.health_label(h);
        let unacked = firing.iter().filter(|a| !a.acked).count();
        let acked = if unacked == firing.len() { String::new() } else { format!(" ({unacked} unacked)") };
        out.extend([
            Span::styled(format!("{sym} {} FIRING{acked}", firing.len()), t.health(h)),
            dot.clone(),
            Span::styled(worst, t.health(h)),
            dot,
        ]);
    }
    out.push(declared);
    out
}

/// The last command's outcome, or the newest message to the player.
pub fn flash(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(f) = &game.flash else {
        let hint = "enter: actions · i: incident console · 1-6: panels · ?: help";
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
            crate::sim::EndReason::Facilitator => "the facilitator ends the drill".to_string(),
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
    use super::super::action::Action as A;
    let t = &app.theme;
    let context = app.context();
    let bindings = app.keymap.bindings(context);
    // A vertical list (the action menu) moves with up/down, home/end; elsewhere those keys go
    // unsaid and left/right (form choices) are shown.
    let vertical = matches!(app.overlay, Some(super::super::app::Overlay::Actions { .. }));
    // `m` means "back to the menu" in the quit dialog only.
    let quitting = matches!(app.overlay, Some(super::super::app::Overlay::Quit));
    let shown = |a: A| match a {
        A::Help | A::Quit | A::ForceQuit | A::PageUp | A::PageDown => false,
        A::TeamView => app.host().is_some(),
        // In a drill's seat the facilitator runs the clock and chose the seed and challenge.
        A::TogglePause | A::SpeedUp | A::SpeedDown | A::SetSeed | A::RandomSeed | A::Challenge => {
            app.seat().is_none()
        }
        A::ToMenu => quitting,
        A::Up | A::Down | A::Home | A::End => vertical,
        A::Left | A::Right => !vertical,
        _ => true,
    };
    let first: Vec<_> = bindings
        .iter()
        .filter(|b| matches!(b.action, A::Help | A::Quit))
        .chain(bindings.iter().filter(|b| shown(b.action)))
        .collect();
    // The seed is chosen on the briefing; the title's menu has no use for those keys.
    let title = matches!(app.screen, super::super::app::Screen::Title);
    let mut spans = Vec::new();
    let mut used = 0usize;
    // A drill seat says whose screen this is, and when the host has gone.
    if let Some(f) = app.seat() {
        if let Some(why) = &f.lost {
            let line = Line::from(Span::styled(format!(" ⚠ {why}"), t.health(super::super::theme::Health::Crit)));
            buf.set_line(area.x, area.y, &line, area.width);
            return;
        }
        let badge = format!(" {} · {} ", f.you.name, f.you.role.title());
        used += badge.chars().count();
        spans.push(Span::styled(badge, t.selected()));
    }
    for b in first.into_iter().filter(|b| {
        !(title
            && matches!(
                b.action,
                super::super::action::Action::SetSeed
                    | super::super::action::Action::RandomSeed
                    | super::super::action::Action::Challenge
            ))
    }) {
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
