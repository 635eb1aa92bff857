//! Modal dialogs drawn over the screen: the action menu (each command with its delay and
//! cost), parameter forms, confirmations of destructive commands, the quit question, the log
//! filter prompt, and the help overlay generated from the keymap.

use super::super::app::{App, ExportFormat, Overlay};
use super::super::forms::Field;
use super::super::keymap::Context;
use super::super::theme::{Health, Theme};
use super::wrap::wrap;
use crate::sim::CommandKind;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

fn frame<'a>(t: &Theme, title: &'a str) -> Block<'a> {
    Block::bordered()
        .border_set(t.borders())
        .border_style(t.border(true))
        .title(Span::styled(format!(" {title} "), t.title()))
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    area.centered(Constraint::Length(width.min(area.width)), Constraint::Length(height.min(area.height)))
}

/// Draws a framed dialog sized to its lines (each line is kept to one row: no wrapping).
fn show(lines: Vec<Line<'_>>, title: &str, t: &Theme, area: Rect, buf: &mut Buffer, width: u16) {
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 2;
    let width = width.max(widest.min(area.width)).min(area.width);
    let height = lines.len() as u16 + 2;
    let r = centered(area, width, height);
    Clear.render(r, buf);
    Paragraph::new(lines).block(frame(t, title)).render(r, buf);
}

pub fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    match overlay {
        Overlay::Help => help(app, area, buf),
        Overlay::Quit => {
            let lines = vec![
                Line::from("Quit firedrill? The run is still going (its clock"),
                Line::from("holds while you decide) and will not be saved."),
                Line::from(""),
                Line::from(Span::styled("y / enter: quit    m: back to the menu", t.accent())),
                Line::from(Span::styled("n / esc: keep playing", t.accent())),
            ];
            show(lines, "Quit?", t, area, buf, 60);
        }
        Overlay::Filter(_) => {
            // The filter applies as it is typed: the prompt sits at the top, so the logs it
            // filters stay in view below it.
            let text = app.game().map(|g| g.view.filter.clone()).unwrap_or_default();
            let lines = vec![
                Line::from(vec![Span::raw("/"), Span::styled(text, t.accent()), Span::styled("_", t.dim())]),
                Line::from(Span::styled("filters as you type · enter: keep · esc: clear", t.dim())),
            ];
            let r = Rect::new(area.x, area.y, area.width.min(60), 4);
            Clear.render(r, buf);
            Paragraph::new(lines).block(frame(t, "Filter logs")).render(r, buf);
        }
        Overlay::Seed(text) => {
            let lines = vec![
                Line::from(vec![
                    Span::raw("seed: "),
                    Span::styled(text.clone(), t.accent()),
                    Span::styled("_", t.dim()),
                ]),
                Line::from(Span::styled("digits · enter: use it · esc: keep the seed", t.dim())),
            ];
            show(lines, "Seed of this run", t, area, buf, 50);
        }
        Overlay::Actions { items, cursor, title, .. } => {
            let mut lines = Vec::new();
            // Leave the screen's frame visible around the dialog; the list scrolls.
            let visible = (area.height as usize).saturating_sub(9).max(3);
            let first = cursor.saturating_sub(visible - 1);
            for (i, k) in items.iter().enumerate().skip(first).take(visible) {
                let delay = k.delay();
                // A hint's price is the next hint's tier, taken from the overall score.
                let price = match (k, app.game()) {
                    (crate::sim::CommandKind::Hint, Some(g)) if g.sim.hints_given() < g.spec.sim.hints.len() => {
                        let tier = crate::sim::model::hint::HintTier::of(g.sim.hints_given(), g.spec.sim.hints.len());
                        format!("−{} score", tier.points())
                    }
                    _ if k.cost() == 0 => String::new(),
                    _ => format!("{} pts", k.cost()),
                };
                let meta = format!(
                    "{:>6} {:>8}{}",
                    if delay.0 == 0 { "now".to_string() } else { delay.to_string() },
                    price,
                    if k.destructive() { " !" } else { "  " }
                );
                let mut line = Line::from(vec![
                    Span::styled(format!("{:<15} ", format!("{k:?}")), t.text()),
                    Span::styled(format!("{:<40}", k.describe()), t.dim()),
                    Span::styled(meta, t.accent()),
                ]);
                if i == *cursor {
                    line = line.style(t.selected());
                }
                lines.push(line);
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("enter: choose · esc: close", t.dim())));
            lines.push(Line::from(Span::styled(
                "columns: time until it takes effect, cost, ! = asks to confirm",
                t.dim(),
            )));
            show(lines, title, t, area, buf, 78);
        }
        Overlay::Export { cursor } => {
            let mut lines =
                vec![Line::from(Span::styled("Write the debrief to the data directory as:", t.dim())), Line::from("")];
            for (i, f) in ExportFormat::ALL.iter().enumerate() {
                let mut line = Line::from(Span::styled(format!(" {} ", f.describe()), t.text()));
                if i == *cursor {
                    line = line.style(t.selected());
                }
                lines.push(line);
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("up/down: choose · enter: write · esc: cancel", t.dim())));
            show(lines, "Export the debrief", t, area, buf, 64);
        }
        Overlay::Form(form) => {
            let mut lines = vec![Line::from(Span::styled(form.kind.describe(), t.dim())), Line::from("")];
            for (i, f) in form.fields.iter().enumerate() {
                let value = match f {
                    Field::Choice { options, .. } if options.is_empty() => "(none available)".to_string(),
                    Field::Choice { .. } => format!("< {} >", f.value()),
                    _ => format!("[{}{}]", f.value(), if i == form.cursor { "_" } else { "" }),
                };
                let mut line = Line::from(vec![
                    Span::styled(format!("{:>26}: ", f.label()), t.text()),
                    Span::styled(value, t.accent()),
                ]);
                if i == form.cursor {
                    line = line.style(t.selected());
                }
                lines.push(line);
            }
            if let Some(g) = app.game() {
                // Wrapped to the widest the dialog gets, so nothing is cut at 80 columns.
                let width = usize::from(area.width.saturating_sub(4).min(90));
                for note in super::super::form_notes::notes(form, g) {
                    let rows = super::wrap::wrap(&format!("  {note}"), width, 4);
                    lines.extend(rows.into_iter().map(|r| Line::from(Span::styled(r, t.accent()))));
                }
            }
            if let Some(e) = &form.error {
                lines.push(Line::from(Span::styled(e.clone(), t.health(Health::Crit))));
            }
            if matches!(form.kind, CommandKind::Declare | CommandKind::ChangeSeverity) {
                // The rubric the severity is judged by, the chosen level highlighted.
                lines.push(Line::from(""));
                let chosen = form.fields.first().map(super::super::forms::Field::value).unwrap_or_default();
                for l in rubric(app) {
                    let style = if l.starts_with(&chosen) { t.accent() } else { t.dim() };
                    lines.extend(wrap(&l, 68, 6).into_iter().map(|row| Line::from(Span::styled(row, style))));
                }
            }
            lines.push(Line::from(""));
            let delay =
                if form.kind.delay().0 == 0 { "at once".to_string() } else { format!("after {}", form.kind.delay()) };
            // A free action says nothing of points (a hint's price is in its note above).
            let price = match form.kind.cost() {
                0 => String::new(),
                c => format!(", costs {c} points"),
            };
            lines.push(Line::from(Span::styled(format!("takes effect {delay}{price}"), t.dim())));
            lines.push(Line::from(Span::styled(
                "left/right: change · type to edit · enter: send · esc: cancel",
                t.dim(),
            )));
            show(lines, &format!("{:?}", form.kind), t, area, buf, 72);
        }
        Overlay::CommandLine(c) => super::cmdline::render(app, c, area, buf),
        Overlay::Confirm { command } => {
            let k = command.kind();
            let when = if k.delay().0 == 0 { "at once".to_string() } else { format!("in {}", k.delay()) };
            let mut lines = vec![
                Line::from(Span::styled(command.label(), t.accent())),
                Line::from(""),
                Line::from(match k.cost() {
                    0 => format!("{}: takes effect {when}.", k.describe()),
                    c => format!("{}: takes effect {when}, costs {c} points.", k.describe()),
                }),
            ];
            if k.destructive() {
                lines.push(Line::from("This can hurt if it is the wrong move."));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("y / enter: do it    n / esc: cancel", t.accent())));
            show(lines, "Are you sure?", t, area, buf, 70);
        }
    }
}

/// The severity rubric of the game in progress (the default one on other screens).
fn rubric(app: &App) -> Vec<String> {
    app.game().map_or_else(|| crate::scenario::Rubric::default().lines(), |g| g.spec.rubric.lines())
}

fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let context = match app.screen {
        super::super::app::Screen::Playing(_) => Context::Incident,
        super::super::app::Screen::End(_) => Context::Debrief,
        _ => Context::Menu,
    };
    let mut lines =
        vec![Line::from(Span::styled("Keys (from the keymap; override in keymap.ron in the config dir)", t.dim()))];
    let bindings = app.keymap.bindings(context);
    // One column when it fits the window (header, blank, footer and frame take five rows);
    // otherwise two, so no binding is cut off at the minimum size.
    let columns = if bindings.len() + 10 > usize::from(area.height) { 2 } else { 1 };
    let key_w =
        if columns == 1 { 18 } else { bindings.iter().map(|b| b.key_names(", ").chars().count()).max().unwrap_or(0) };
    let desc_w = bindings.iter().map(|b| b.desc.chars().count()).max().unwrap_or(0);
    let rows = bindings.len().div_ceil(columns);
    for r in 0..rows {
        let mut spans = Vec::new();
        for b in (0..columns).filter_map(|c| bindings.get(c * rows + r)) {
            spans.push(Span::styled(format!("{:>key_w$}  ", b.key_names(", ")), t.accent()));
            spans.push(Span::styled(format!("{:<desc_w$}   ", b.desc), t.text()));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    if context == Context::Incident {
        lines.push(Line::from(Span::styled(
            ": types a command (rollback api); `help` there lists every command's form.",
            t.dim(),
        )));
    }
    lines.push(Line::from(Span::styled(
        "Looking is free: switching panes, filtering and reading never cost sim time.",
        t.dim(),
    )));
    // The severity rubric: whole when there is room, else each level's name (the Declare form
    // shows it whole).
    let levels = rubric(app);
    let full: Vec<String> = levels.iter().flat_map(|l| wrap(l, 72, 6)).collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Severity: declare the level the impact has, escalate as it grows", t.title())));
    if lines.len() + full.len() + 2 <= usize::from(area.height) {
        lines.extend(full.into_iter().map(|r| Line::from(Span::styled(r, t.text()))));
    } else {
        let short: Vec<&str> = levels.iter().map(|l| l.split(':').next().unwrap_or(l)).collect();
        let text = format!("{} (the Declare form says what each means)", short.join(" · "));
        lines.extend(wrap(&text.replace("  ", " "), 72, 0).into_iter().map(|r| Line::from(Span::styled(r, t.text()))));
    }
    show(lines, "Help", t, area, buf, 76);
}
