//! The `:` command line, drawn at the bottom of the screen over the key bar: the candidates
//! for the word being typed (or the answer to `help`), the command's usage or the error that
//! kept the line from being sent, and the prompt with the text.

use super::super::app::App;
use super::super::cmdline::CmdLine;
use super::super::theme::Health;
use super::wrap::wrap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

/// The most rows of candidates shown; more are summarised as "… N more".
const MAX_CANDIDATE_ROWS: usize = 4;

pub fn render(app: &App, c: &CmdLine, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let inner_w = usize::from(area.width.saturating_sub(2)).max(10);
    let mut lines: Vec<Line<'_>> = Vec::new();
    if c.info.is_empty() {
        lines
            .extend(candidate_rows(&c.completion.candidates, inner_w).into_iter().map(|r| Line::styled(r, t.accent())));
    } else {
        for l in &c.info {
            lines.extend(wrap(l, inner_w, 2).into_iter().map(|r| Line::styled(r, t.text())));
        }
    }
    if let Some(e) = &c.error {
        let rows = wrap(&format!("error: {e}"), inner_w, 7);
        lines.extend(rows.into_iter().take(4).map(|r| Line::styled(r, t.health(Health::Crit))));
    } else {
        let hint = match (&c.completion.usage, &c.completion.expects) {
            (Some(usage), Some(next)) => format!("{usage}  ·  next: {next}"),
            (Some(usage), None) => usage.clone(),
            (None, _) => "type a command (help lists them; help VERB shows one)".into(),
        };
        lines.push(Line::styled(hint, t.dim()));
    }
    // The prompt: the end of the text stays visible on a long line.
    let room = inner_w.saturating_sub(2);
    let shown: String = {
        let n = c.text.chars().count();
        c.text.chars().skip(n.saturating_sub(room)).collect()
    };
    lines.push(Line::from(vec![
        Span::styled(":", t.title()),
        Span::styled(shown, t.text()),
        Span::styled("_", t.dim()),
    ]));
    let height = (lines.len() as u16 + 2).min(area.height / 2).max(3);
    let r = Rect::new(area.x, area.bottom().saturating_sub(height), area.width, height);
    // Keep the newest rows (the prompt) when the panel is cut to half the screen.
    let skip = lines.len().saturating_sub(usize::from(height - 2));
    let block = Block::bordered()
        .border_set(t.borders())
        .border_style(t.border(true))
        .title(Span::styled(" command ", t.title()))
        .title_bottom(Span::styled(" tab: complete · up/down: history · enter: run · esc: close ", t.dim()));
    Clear.render(r, buf);
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).block(block).render(r, buf);
}

/// Candidates in columns as wide as the widest, at most [`MAX_CANDIDATE_ROWS`] rows.
fn candidate_rows(candidates: &[String], width: usize) -> Vec<String> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let col = candidates.iter().map(|c| c.chars().count()).max().unwrap_or(0) + 2;
    let cols = (width / col).max(1);
    let rows = candidates.len().div_ceil(cols);
    let shown_rows = rows.min(MAX_CANDIDATE_ROWS);
    let mut out: Vec<String> = (0..shown_rows)
        .map(|r| {
            let row = candidates.iter().skip(r * cols).take(cols).fold(String::new(), |mut row, c| {
                row.push_str(&format!("{c:<col$}"));
                row
            });
            row.trim_end().to_string()
        })
        .collect();
    let hidden = candidates.len().saturating_sub(shown_rows * cols);
    if hidden > 0
        && let Some(last) = out.last_mut()
    {
        *last = format!("{last}  … {hidden} more");
    }
    out
}
