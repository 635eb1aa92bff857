//! Drawing: a function of the app state. Below the minimum size the game says so instead of
//! drawing a broken layout.
//!
//! The terminal boundary: whatever a widget drew, every cell of the finished frame passes
//! [`safe_cells`] before the frame is flushed, so no escape sequence, C1 control, bidi control
//! or zero-width character reaches the terminal from any widget (ratatui drops C0/C1
//! controls from spans but keeps format characters such as U+202E and U+200B, appending them
//! to the previous cell). Text from outside is cleaned earlier too (at load), so a marker shows
//! where something was; this pass is the guarantee.

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
            Screen::Playing(g) => match (app.host(), app.seat()) {
                (Some(h), _) if !app.team_view => screens::console::console(app, g, h, area, buf),
                (_, Some(f)) if f.you.role == crate::sim::Role::Projector => {
                    screens::projector::projector(app, g, f, area, buf);
                }
                _ => screens::incident(app, g, area, buf),
            },
            Screen::End(g) => screens::end(app, g, area, buf),
        }
        if let Some(o) = &app.overlay {
            widgets::dialogs::render(app, o, dialog_area(app, area), buf);
        }
    }
    safe_cells(buf, area, app.theme.ascii);
}

/// Where dialogs open: the whole screen, or below the tutorial's prompt while one waits, so
/// the prompt stays in view over the dialog it talks about.
fn dialog_area(app: &App, area: Rect) -> Rect {
    let Screen::Playing(g) = &app.screen else { return area };
    let coach = widgets::tutor::height(app, g, area.width);
    if coach == 0 {
        return area;
    }
    let banner = widgets::chrome::banner_text(g, &app.theme).is_some();
    let top = super::layout::incident(area, g.view.panel, banner, coach).coach.bottom();
    Rect::new(area.x, top, area.width, area.bottom().saturating_sub(top))
}

/// The last pass over a frame, cell by cell, before it is flushed. A cell whose symbol holds a
/// character `text` marks (an escape, a C1 control, a bidi or zero-width character, a tag)
/// becomes that character's visible marker (`␛`, `�`) — one cell wide, so no layout shifts.
///
/// With `ascii`, every other non-ASCII cell is folded to ASCII too: ASCII mode promises that
/// nothing outside ASCII reaches the terminal, but separators and arrows also arrive in text
/// the theme does not draw (scenario prose, "deploy api v41 → v42"); the markers fold to `?`.
pub fn safe_cells(buf: &mut Buffer, area: Rect, ascii: bool) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            let symbol = cell.symbol();
            // Almost every cell is one printable ASCII byte.
            if let [b] = symbol.as_bytes()
                && (0x20..0x7f).contains(b)
            {
                continue;
            }
            let mut chars = symbol.chars();
            if let Some(bad) = symbol.chars().find(|c| crate::text::is_unsafe(*c) || *c == '\n' || *c == '\t') {
                let one = chars.next().is_some() && chars.next().is_none();
                let marker = if one { crate::text::marker_for(bad) } else { crate::text::MARKER };
                let mut utf8 = [0u8; 4];
                cell.set_symbol(if ascii { "?" } else { marker.encode_utf8(&mut utf8) });
            } else if ascii && !symbol.is_ascii() {
                let folded = ascii_for(symbol);
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
