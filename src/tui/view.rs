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
        return;
    }
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
