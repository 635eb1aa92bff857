//! The header (scenario, clock, speed or PAUSED, incident state, error budget, seed), the
//! feedback line, and the key bar generated from the keymap.

use super::super::app::App;
use super::super::game::Game;
use super::super::keymap::Context;
use super::super::theme::{Health, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn header(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let sim = &game.sim;
    let clock = sim.now().clock();
    let pace = if game.pacer.paused {
        Span::styled(format!(" {} PAUSED ", t.paused()), t.health(Health::Warn))
    } else {
        Span::styled(format!(" {} {}x ", t.cursor(), game.pacer.speed), t.accent())
    };
    let inc = sim.incident();
    let incident = match (inc.declared, inc.resolved) {
        (_, Some(_)) => Span::styled("resolved", t.health(Health::Ok)),
        (Some((_, sev)), None) => Span::styled(format!("INCIDENT {sev:?}"), t.health(Health::Crit)),
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
        Span::styled(format!("{clock} / {}", crate::sim::SimTime(game.spec.length().0).clock()), t.text()),
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
    buf.set_stringn(area.x, area.y, format!(" {} {}", f.at.clock(), f.text), area.width as usize, style);
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
    let shown = |a: A| match a {
        A::Help | A::Quit | A::ForceQuit | A::PageUp | A::PageDown => false,
        A::Up | A::Down | A::Home | A::End => vertical,
        A::Left | A::Right => !vertical,
        _ => true,
    };
    let first: Vec<_> = bindings
        .iter()
        .filter(|b| matches!(b.action, A::Help | A::Quit))
        .chain(bindings.iter().filter(|b| shown(b.action)))
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
