//! The notice box: the oldest reply or message the player has not dismissed, drawn over the
//! top-right corner of the incident screen until `x` dismisses it, with how many more wait.
//! A reply and a message are told apart by words ("reply", "message"), not colour alone.

use super::super::game::Game;
use super::super::theme::Theme;
use super::wrap::wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

/// Rows of message text shown at most; the rest is in Comms.
const MAX_TEXT_ROWS: usize = 4;

/// Draws the notice (if any) inside `area`, at its top-right corner.
pub fn render(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let toasts = &game.toasts;
    let Some(toast) = toasts.waiting.front() else { return };
    let width = area.width.min(64).max(area.width.min(36));
    let text_w = usize::from(width.saturating_sub(2));
    let what = if toast.reply { "reply" } else { "message" };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} {what} from ", game.spec.clock(toast.at)), t.dim()),
        Span::styled(toast.from.clone(), t.title()),
    ])];
    let mut rows = wrap(&toast.text, text_w, 0);
    if rows.len() > MAX_TEXT_ROWS {
        rows.truncate(MAX_TEXT_ROWS);
        if let Some(last) = rows.last_mut() {
            last.push_str(" …");
        }
    }
    lines.extend(rows.into_iter().map(|r| Line::from(Span::styled(r, t.text()))));
    let more = toasts.waiting.len() - 1 + toasts.dropped;
    let footer =
        if more == 0 { "x: dismiss".to_string() } else { format!("x: dismiss · {more} more · all in 5 Comms") };
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = Rect::new(area.right().saturating_sub(width), area.y, width, height);
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_set(t.borders())
        .border_style(t.border(true))
        .title(Span::styled(" Notice ", t.title()))
        .title_bottom(Span::styled(format!(" {footer} "), t.accent()));
    Paragraph::new(lines).block(block).render(r, buf);
}
