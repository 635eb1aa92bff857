//! Drawing: a function of the app state. Below the minimum size the game says so instead of
//! drawing a broken layout.

use super::app::{App, Screen};
use super::{screens, widgets};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

/// Renders the whole screen into a buffer (also used by tests and the render benchmark).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = vec![
            Line::from(format!(
                "terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})",
                area.width, area.height
            )),
            Line::from("make the window larger, or press ctrl-c to quit"),
        ];
        let r = area.centered(Constraint::Percentage(100), Constraint::Length(2));
        Paragraph::new(text).centered().wrap(Wrap { trim: true }).render(r, buf);
    } else {
        match &app.screen {
            Screen::Title => screens::title(app, area, buf),
            Screen::Briefing(g) => screens::briefing(app, g, area, buf),
            Screen::Playing(g) => screens::incident(app, g, area, buf),
            Screen::End(g) => screens::end(app, g, area, buf),
        }
        if let Some(o) = &app.overlay {
            widgets::dialogs::render(app, o, area, buf);
        }
    }
    if app.theme.ascii {
        fold_to_ascii(buf, area);
    }
}

/// ASCII mode promises that nothing outside ASCII reaches the terminal, but separators and
/// arrows also arrive in text the theme does not draw: scenario prose and the engine's event
/// descriptions ("deploy api v41 → v42"). So every frame is folded cell by cell after
/// drawing; each replacement is one cell wide, so no layout shifts.
fn fold_to_ascii(buf: &mut Buffer, area: Rect) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if !cell.symbol().is_ascii() {
                let folded = ascii_for(cell.symbol());
                cell.set_symbol(folded);
            }
        }
    }
}

/// The one-cell ASCII stand-in for a symbol; `?` when there is no sensible one.
fn ascii_for(symbol: &str) -> &'static str {
    match symbol {
        "·" | "•" | "—" | "–" | "‐" | "─" | "━" => "-",
        "→" | "▶" | "»" => ">",
        "←" | "«" => "<",
        "↑" => "^",
        "↓" => "v",
        "×" => "x",
        "…" => "~",
        "‘" | "’" => "'",
        "“" | "”" => "\"",
        "\u{a0}" => " ",
        _ => "?",
    }
}
