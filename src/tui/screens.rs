//! The screens: title menu (campaign, free play, open a file, settings), briefing, the
//! incident screen's layout, and the end-of-run summary. Views are functions of state.

pub mod console;
pub mod projector;
mod title;
pub use title::title;

use super::app::App;
use super::game::{Focus, Game, Panel};
use super::theme::{Health, Theme};
use super::widgets::wrap::wrap;
use super::widgets::{self, chrome, map, panels, signals};
use crate::scenario::Spec;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

fn block<'a>(t: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::bordered().border_set(t.borders()).border_style(t.border(focused)).title(title)
}

pub fn briefing(app: &App, game: &Game, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let spec: &Spec = &game.spec;
    let [body, foot] = Layout::vertical([Constraint::Min(5), Constraint::Length(1)]).areas(area);
    let slo = &spec.sim.slo;
    let r = body.centered(Constraint::Length(body.width.min(100)), Constraint::Percentage(100));
    let text_w = usize::from(r.width.saturating_sub(2));
    let mut lines = Vec::new();
    if !spec.role.is_empty() {
        lines.push(Line::from(Span::styled(spec.role.clone(), t.accent())));
        lines.push(Line::from(""));
    }
    lines.push(Line::from(spec.briefing.clone()));
    lines.push(Line::from(""));
    let latency = slo
        .latency_threshold
        .map(|d| format!(", {:.0}% of requests under {d}", slo.latency_target * 100.0))
        .unwrap_or_default();
    lines.push(Line::from(vec![
        Span::styled("SLO  ", t.title()),
        Span::raw(format!(
            "{:.2}% of requests succeed{latency}; {:.0}% of this month's error budget is left",
            slo.availability * 100.0,
            slo.budget_at_start * 100.0
        )),
    ]));
    if !spec.owns.is_empty() {
        lines.push(Line::from(vec![Span::styled("You own  ", t.title()), Span::raw(spec.owns.join(", "))]));
    }
    // Before: what this scenario teaches, so the player knows what to watch for.
    if !spec.teaches.is_empty() {
        lines.push(Line::from(vec![Span::styled("Teaches  ", t.title()), Span::raw(spec.teaches.join(", "))]));
    }
    lines.push(Line::from(vec![
        Span::styled("Challenge  ", t.title()),
        Span::raw(format!("{} — {}", game.challenge, game.challenge.about())),
    ]));
    if let Some(date) = &game.daily {
        lines.push(Line::from(vec![
            Span::styled("Daily challenge  ", t.title()),
            Span::raw(format!("{date}: the same scenario and seed for everyone today; your best is kept")),
        ]));
    }
    if let Some(f) = &game.flash {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(f.text.clone(), t.health(Health::Warn))));
    }
    if !spec.runbook.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Runbook", t.title())));
        for step in &spec.runbook {
            lines.extend(wrap(&format!(" {} {step}", t.bullet()), text_w, 3).into_iter().map(Line::from));
        }
    }
    // The title and the way to start live on the frame, so they stay visible when the text is
    // too long for the window.
    let title = Line::from(vec![
        Span::styled(format!(" Briefing: {} ", spec.title), t.title()),
        Span::styled(format!("· {:?} · {} · seed {} ", spec.difficulty, spec.length(), game.sim.seed()), t.dim()),
    ]);
    let start = match app.seat() {
        Some(_) => " The facilitator starts the clock · enter: the incident screen now ",
        None => " Press enter to start the clock · s: set the seed · r: random one · c: challenge · esc: back ",
    };
    let start = Line::from(Span::styled(start, t.accent())).centered();
    Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, title, true).title_bottom(start)).render(r, buf);
    chrome::keybar(app, foot, buf);
}

pub fn incident(app: &App, game: &Game, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let banner_shown = chrome::banner_text(game, t).is_some();
    let v = &game.view;
    let coach = widgets::tutor::height(app, game, area.width);
    let regions = super::layout::incident(area, v.panel, banner_shown, coach);
    chrome::header(game, t, regions.head, buf);
    chrome::flash(game, t, regions.flash, buf);
    chrome::banner(game, t, regions.banner, buf);
    widgets::tutor::render(app, game, regions.coach, buf);
    let mb = block(t, Span::styled(" Service map ", t.title()), v.focus == Focus::Map);
    let inner = mb.inner(regions.map);
    mb.render(regions.map, buf);
    map::render(game, t, inner, buf, v.focus == Focus::Map);
    let selected = game.row_name(game.selected_component());
    let sb = block(
        t,
        Span::styled(format!(" {selected} · golden signals, 5s per column "), t.title()),
        v.focus == Focus::Signals,
    );
    let inner = sb.inner(regions.signals);
    sb.render(regions.signals, buf);
    signals::render(game, t, inner, buf);
    if let Some(r) = regions.changes {
        let cb = block(t, Span::styled(" What changed ", t.title()), false);
        let inner = cb.inner(r);
        cb.render(r, buf);
        panels::render_panel(game, t, Panel::Changes, inner, buf);
    }
    let mut tabs = vec![Span::raw(" ")];
    for (i, p) in Panel::ALL.iter().enumerate() {
        let label = format!("{} {}", i + 1, p.title());
        let style = if *p == v.panel { t.selected() } else { t.dim() };
        tabs.push(Span::styled(label, style));
        tabs.push(Span::raw(" "));
    }
    if v.panel == Panel::Logs {
        tabs.push(Span::styled(format!("[{}] ", panels::log_state(game, app)), t.accent()));
    }
    let pb = block(t, Line::from(tabs), v.focus == Focus::Panel);
    let inner = pb.inner(regions.panel);
    pb.render(regions.panel, buf);
    panels::render_panel(game, t, v.panel, inner, buf);
    for (p, r) in &regions.companions {
        let mut title = vec![Span::styled(format!(" {} ", p.title()), t.title())];
        if *p == Panel::Logs {
            title.push(Span::styled(format!("[{}] ", panels::log_state(game, app)), t.accent()));
        }
        let cb = block(t, Line::from(title), false);
        let inner = cb.inner(*r);
        cb.render(*r, buf);
        panels::render_panel(game, t, *p, inner, buf);
    }
    widgets::toasts::render(game, t, regions.signals, buf);
    chrome::keybar(app, regions.foot, buf);
}

/// The debrief: score and reasons, the timeline with faults revealed, the postmortem's
/// sections (what happened, impact, what was really happening, seen/true/done, the status
/// updates, what went well and badly), the expert path and the lessons. Scrolls; `e` exports it.
pub fn end(app: &App, game: &Game, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let [body, foot] = Layout::vertical([Constraint::Min(5), Constraint::Length(1)]).areas(area);
    let r = body.centered(Constraint::Length(body.width.min(120)), Constraint::Percentage(100));
    let Some(d) = &game.debrief else { return };
    let s = &d.score;
    let p = crate::report::facts::postmortem(d);
    let width = r.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let h = |text: &str| Line::from(Span::styled(text.to_string(), t.title()));
    // Prose is wrapped here (continuation rows indented under the text), so the scroll limit
    // below counts real rows and the last lesson can be reached.
    let para = |lines: &mut Vec<Line<'static>>, text: &str, indent: usize, style| {
        let text = text.replace("**", "");
        lines.extend(wrap(&text, width, indent).into_iter().map(|row| Line::from(Span::styled(row, style))));
    };
    let ended = d.end_reason.map_or_else(|| "stopped before the end".to_string(), crate::sim::EndReason::describe);
    let score = Span::styled(format!("Score {} — grade {}", s.overall, s.grade), t.title());
    let knob = if game.challenge.is_standard() { String::new() } else { format!(" · {}", game.challenge) };
    let about =
        format!("ended at {} ({ended}) · seed {}{knob} · scroll with ↑/↓ · e: export", d.clock(d.ended_at), d.seed);
    if score.width() + 3 + about.chars().count() <= width {
        lines.push(Line::from(vec![score, Span::styled(format!("   {about}"), t.dim())]));
    } else {
        lines.push(Line::from(score));
        para(&mut lines, &about, 0, t.dim());
    }
    para(&mut lines, &crate::text::clean_line(&s.summary), 0, t.accent());
    for n in &app.notices {
        para(&mut lines, n, 0, t.accent());
    }
    for (i, (text, style, indent)) in widgets::tutor::debrief(app, game).into_iter().enumerate() {
        if i == 0 {
            lines.push(Line::from(""));
        }
        para(&mut lines, &text, indent, style);
    }
    lines.push(Line::from(""));
    let bar_w = 20usize;
    for dim in &s.dimensions {
        let filled = (dim.score as usize * bar_w).div_ceil(100);
        let (full, empty) = if t.ascii { ("#", ".") } else { ("█", "·") };
        let health = if dim.score >= 80 {
            Health::Ok
        } else if dim.score >= 50 {
            Health::Warn
        } else {
            Health::Crit
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14}{:>4} ", dim.name, dim.score), t.text()),
            Span::styled(full.repeat(filled), t.health(health)),
            Span::styled(empty.repeat(bar_w - filled), t.dim()),
            Span::styled(format!(" {}%", dim.weight), t.dim()),
        ]));
        for why in &dim.reasons {
            para(&mut lines, &format!("              {why}"), 14, t.dim());
        }
    }
    if let Some(h) = crate::score::hints::describe(&s.hints, |at| d.clock(at)) {
        para(&mut lines, &h, 14, t.accent());
    }
    lines.push(Line::from(""));
    lines.push(h("Timeline: user error rate; = hidden faults, ^ your actions"));
    for l in crate::report::timeline_chart(d, width, t.ascii) {
        lines.push(Line::from(Span::styled(l, t.text())));
    }
    lines.push(Line::from(""));
    lines.push(h("Summary"));
    para(&mut lines, &p.summary.join(" "), 0, t.text());
    lines.push(Line::from(""));
    lines.push(h("Impact"));
    let label_w = p.impact.iter().map(|(w, _)| w.chars().count()).max().unwrap_or(0);
    for (what, n) in &p.impact {
        para(&mut lines, &format!(" {what:<label_w$}  {n}"), label_w + 3, t.text());
    }
    lines.push(Line::from(""));
    lines.push(h("What was really happening"));
    if !p.truth.is_empty() {
        para(&mut lines, &p.truth, 0, t.text());
    }
    for f in &p.factors {
        para(&mut lines, &format!(" {f}"), 7, t.accent());
    }
    if !game.spec.sim.objectives.is_empty() {
        lines.push(Line::from(""));
        lines.push(h("Objectives, in full (during the run you saw their goals)"));
        for (o, met) in game.spec.sim.objectives.iter().zip(game.sim.objectives_met()) {
            let when = met.map_or("not met".to_string(), |at| format!("met at {}", game.spec.clock(at)));
            let shown = if o.goal == o.name { String::new() } else { format!(" (shown as \"{}\")", o.goal) };
            para(&mut lines, &format!(" {} {}{shown} — {when}", t.bullet(), o.name), 3, t.text());
        }
    }
    lines.push(Line::from(""));
    lines.push(h("Timeline: what you saw, what was true, what you did"));
    for (at, col, text) in &p.timeline {
        let (tag, style) = match col {
            crate::score::debrief::Column::Seen => ("saw ", t.text()),
            crate::score::debrief::Column::True => ("true", t.accent()),
            crate::score::debrief::Column::Done => ("did ", t.title()),
        };
        let indent = at.chars().count() + 7;
        para(&mut lines, &format!(" {at} {tag} {text}"), indent, style);
    }
    // A drill: who did what, per seat, with the points their commands earned or cost.
    let seats = crate::report::seats::who_did_what(d);
    if !seats.is_empty() {
        lines.push(Line::from(""));
        lines.push(h("Who did what"));
        for (heading, rows) in seats {
            para(&mut lines, &format!(" {heading}"), 1, t.accent());
            for row in rows {
                para(&mut lines, &format!("   {row}"), 3, t.text());
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(h("Status updates you wrote"));
    if p.updates.is_empty() {
        lines.push(Line::from(" none"));
    }
    for u in &p.updates {
        para(&mut lines, &format!(" {} to {} ({}): {}", u.at, u.to, u.note, u.text), 7, t.text());
    }
    for (title, items) in [("What went well", &p.went_well), ("What went badly", &p.went_badly)] {
        lines.push(Line::from(""));
        lines.push(h(title));
        if items.is_empty() {
            lines.push(Line::from(" nothing stood out"));
        }
        for i in items {
            para(&mut lines, &format!(" {} {i}", t.bullet()), 3, t.text());
        }
    }
    lines.push(Line::from(""));
    lines.push(h(&format!("What an expert would have done (par: {})", p.par)));
    for (at, text) in &p.expert {
        para(&mut lines, &format!(" {at} {text}"), 7, t.text());
    }
    lines.push(Line::from(""));
    lines.push(h("Lessons"));
    for l in &p.lessons {
        para(&mut lines, &format!(" {} {l}", t.bullet()), 3, t.text());
    }
    // After: what the scenario set out to teach, and where the campaign goes next.
    if !game.spec.teaches.is_empty() {
        lines.push(Line::from(""));
        lines.push(h("What you practised"));
        para(&mut lines, &format!(" {}", game.spec.teaches.join(", ")), 1, t.text());
        if let Some(next) = crate::scenario::campaign::next_after(&game.spec.id)
            && let Some(Ok(spec)) = crate::scenario::builtin(next)
        {
            let chapter = crate::scenario::campaign::chapter_of(next).map_or(0, |c| c + 1);
            para(
                &mut lines,
                &format!(" next in the campaign: {} (chapter {chapter}): {}", spec.title, spec.teaches.join(", ")),
                1,
                t.dim(),
            );
        }
    }
    let inner_h = r.height.saturating_sub(2) as usize;
    let scroll = game.debrief_scroll.min(lines.len().saturating_sub(inner_h));
    let title = Span::styled(format!(" Debrief: {} ", p.title), t.title());
    Paragraph::new(lines).scroll((scroll as u16, 0)).block(block(t, title, true)).render(r, buf);
    chrome::keybar(app, foot, buf);
}
