//! The tutorial's prompt box and its part of the debrief. The box has a band of its own in the
//! incident screen's layout (`layout.rs`), above the map and the signals, so it never covers
//! what it points at, and dialogs open below it. Its height is a function of the prompt and the
//! width only, so it does not flicker as the run goes on. It says which key does the step, from
//! the live keymap, and how to skip it.

use super::super::action::Action;
use super::super::app::App;
use super::super::game::Game;
use super::super::keymap::Context;
use super::super::theme::{Health, Theme};
use super::super::tutor::{self, Outcome};
use super::wrap::wrap;
use crate::scenario::tutorial::{Step, Wait};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

/// The box is at most this wide (centred on a wider screen), so its lines stay readable.
const MAX_WIDTH: u16 = 100;
/// Rows of prompt text at most (a prompt of `MAX_SAY` characters fits at 80 columns).
const MAX_ROWS: usize = 5;

fn box_width(width: u16) -> u16 {
    width.min(MAX_WIDTH)
}

/// The prompt's rows at a screen `width`.
fn rows(app: &App, step: &Step, width: u16) -> Vec<String> {
    let mut rows = wrap(&tutor::say(step, &app.keymap), usize::from(box_width(width).saturating_sub(2)), 0);
    rows.truncate(MAX_ROWS);
    rows
}

/// The height of the tutorial's band at a screen `width`: 0 with no prompt waiting.
pub fn height(app: &App, game: &Game, width: u16) -> u16 {
    game.prompt().map_or(0, |(_, step)| rows(app, step, width).len() as u16 + 2)
}

/// How to do the step, in keys: the bottom line of the box.
fn how(app: &App, step: &Step) -> String {
    let keys = &app.keymap;
    let skip = format!("{}: skip this step", tutor::skip_key(keys));
    let key = tutor::key(&step.wait, keys).unwrap_or_default();
    let how = match &step.wait {
        Wait::Continue => format!("{key}: continue"),
        Wait::Until(_) => {
            format!("waiting for the system · {}: faster", keys.key_for(Context::Incident, Action::SpeedUp))
        }
        Wait::Command(k) if key == keys.key_for(Context::Incident, Action::CommandLine) => {
            let menu = keys.key_for(Context::Incident, Action::Actions);
            format!("press {key} and type {} · or {menu}: the action menu", crate::cmdtext::verbs::verb(*k).word)
        }
        _ => format!("press {key}"),
    };
    format!(" {how} · {skip} ")
}

/// Draws the waiting prompt in `area` (the layout's band for it).
pub fn render(app: &App, game: &Game, area: Rect, buf: &mut Buffer) {
    let Some((i, step)) = game.prompt() else { return };
    if area.height == 0 {
        return;
    }
    let t: &Theme = &app.theme;
    let r = area.centered(Constraint::Length(box_width(area.width)), Constraint::Percentage(100));
    let lines: Vec<Line> =
        rows(app, step, area.width).into_iter().map(|row| Line::from(Span::styled(row, t.text()))).collect();
    let mut title = vec![Span::styled(format!(" Tutorial {}/{} ", i + 1, game.spec.tutorial.len()), t.title())];
    if step.hold {
        title.push(Span::styled(format!("{} clock held ", t.paused()), t.health(Health::Warn)));
    }
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_set(t.borders())
        .border_style(t.border(true))
        .title(Line::from(title))
        .title_bottom(Span::styled(how(app, step), t.accent()));
    Paragraph::new(lines).block(block).render(r, buf);
}

/// The debrief's tutorial section: that the run is practice, then each prompt — done (when),
/// skipped or not reached — with what it taught; each line with the indent of its wrapped rows.
pub fn debrief(app: &App, game: &Game) -> Vec<(String, ratatui::style::Style, usize)> {
    let t = &app.theme;
    let Some(tutor) = &game.tutor else { return Vec::new() };
    let steps = &game.spec.tutorial;
    let done = tutor.outcomes.iter().filter(|o| matches!(o, Outcome::Done(_))).count();
    let mut out = vec![
        (format!("Tutorial: {done} of {} steps done", steps.len()), t.title(), 0),
        (
            "This run is practice: finishing it marks the tutorial done and unlocks the campaign; its score is not kept."
                .to_string(),
            t.accent(),
            0,
        ),
    ];
    for (i, step) in steps.iter().enumerate() {
        let taught =
            if step.learn.is_empty() { first_sentence(&tutor::say(step, &app.keymap)) } else { step.learn.clone() };
        let (mark, when, style) = match tutor.outcomes.get(i) {
            Some(Outcome::Done(at)) => (if t.ascii { "[x]" } else { "✓" }, game.spec.clock(*at), t.text()),
            Some(Outcome::Skipped(at)) => ("skipped", game.spec.clock(*at), t.dim()),
            None => ("not reached", String::new(), t.dim()),
        };
        let head = if when.is_empty() { format!(" {mark} ") } else { format!(" {mark} {when} ") };
        let indent = head.chars().count();
        out.push((format!("{head}{taught}"), style, indent));
    }
    out
}

/// The prompt's first sentence, placeholders dropped: what a step taught when it names nothing.
fn first_sentence(say: &str) -> String {
    let end = say.find(". ").map_or(say.len(), |i| i + 1);
    say[..end].to_string()
}
