//! The title screen: the main menu, the campaign in chapters, free play, opening a file, the
//! settings and the daily challenge. Lists longer than the window scroll: the selected row is
//! kept in the middle (a pure function of the cursor, so nothing jumps or flickers), with
//! "↑ n more" / "↓ n more" where rows are cut off. The selected scenario's summary stays below
//! the list, outside the scrolled part.

use super::super::app::{App, MAIN_ITEMS, MenuPage};
use super::super::theme::{Health, Theme};
use super::super::widgets::chrome;
use super::super::widgets::wrap::wrap;
use super::block;
use crate::scenario::campaign::{self, CHAPTERS};
use crate::scenario::{BUILTIN, Spec};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

const LOGO: &str = "firedrill";

/// Rows of a list page, which of them belong to the selected item, and the row each item
/// starts on (for "↓ 3 more": items, not rows).
struct Rows {
    lines: Vec<Line<'static>>,
    selected: (usize, usize),
    starts: Vec<usize>,
}

pub fn title(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let [top, body, foot] =
        Layout::vertical([Constraint::Length(4), Constraint::Min(5), Constraint::Length(1)]).areas(area);
    let head = vec![
        Line::from(Span::styled(LOGO, t.title())).centered(),
        Line::from(Span::styled("production thinking, under simulated fire", t.dim())).centered(),
    ];
    Paragraph::new(head).render(top.inner(ratatui::layout::Margin::new(0, 1)), buf);
    let inner_w = body.width.min(100);
    let r = body.centered(Constraint::Length(inner_w), Constraint::Percentage(100));
    let text_w = usize::from(inner_w.saturating_sub(2));
    let page_title = match app.menu.page {
        MenuPage::Main => "Main menu",
        MenuPage::Campaign => "Campaign — chapters unlock in order",
        MenuPage::FreePlay => "Free play — every scenario",
        MenuPage::Settings => "Settings",
        MenuPage::Open => "Open a scenario file",
    };
    let rows = match app.menu.page {
        MenuPage::Main => main_rows(app, t),
        MenuPage::Campaign | MenuPage::FreePlay => scenario_rows(app, t, text_w),
        MenuPage::Settings => settings_rows(app, t),
        MenuPage::Open => open_rows(app, t),
    };
    // Below the list: the selected scenario's summary, errors and warnings. Never scrolled.
    let mut below: Vec<Line<'static>> = Vec::new();
    let prose = |lines: &mut Vec<Line<'static>>, text: &str, style| {
        lines.extend(wrap(&format!("  {text}"), text_w, 2).into_iter().map(|row| Line::from(Span::styled(row, style))));
    };
    if matches!(app.menu.page, MenuPage::Campaign | MenuPage::FreePlay)
        && let Some(spec) = selected_spec(app)
    {
        below.push(Line::from(""));
        prose(&mut below, &spec.summary, t.text());
    }
    if let Some(e) = &app.menu.error {
        below.push(Line::from(""));
        for l in e.lines() {
            prose(&mut below, l, t.health(Health::Crit));
        }
    }
    for n in &app.notices {
        below.push(Line::from(""));
        prose(&mut below, &format!("warning: {n}"), t.health(Health::Warn));
    }
    let room = usize::from(r.height.saturating_sub(2)).saturating_sub(below.len()).max(3);
    let mut lines = window(rows, room, t);
    lines.extend(below);
    let height = (lines.len() as u16 + 2).min(r.height);
    let r = r.centered(Constraint::Percentage(100), Constraint::Length(height));
    Paragraph::new(lines).block(block(t, Span::styled(format!(" {page_title} "), t.title()), true)).render(r, buf);
    chrome::keybar(app, foot, buf);
}

/// The rows that fit in `room`, the selection centred, with markers where rows are cut off.
fn window(rows: Rows, room: usize, t: &Theme) -> Vec<Line<'static>> {
    let n = rows.lines.len();
    if n <= room {
        return rows.lines;
    }
    // Two rows go to the markers; the rest show the list around the selection.
    let show = room.saturating_sub(2).max(1);
    let (a, b) = rows.selected;
    let middle = usize::midpoint(a, b);
    let start = middle.saturating_sub(show / 2).min(n - show).min(a);
    let end = start + show;
    let (up, down) = if t.ascii { ("^", "v") } else { ("↑", "↓") };
    let above = rows.starts.iter().filter(|&&r| r < start).count();
    let below = rows.starts.iter().filter(|&&r| r >= end).count();
    let more = |arrow: &str, k: usize| if k > 0 { format!("  {arrow} {k} more") } else { String::new() };
    let mut out = Vec::with_capacity(room);
    out.push(Line::from(Span::styled(more(up, above), t.dim())));
    out.extend(rows.lines.into_iter().skip(start).take(show));
    out.push(Line::from(Span::styled(more(down, below), t.dim())));
    out
}

fn item(t: &Theme, selected: bool, spans: Vec<Span<'static>>) -> Line<'static> {
    let line = Line::from(spans);
    if selected { line.style(t.selected()) } else { line }
}

fn main_rows(app: &App, t: &Theme) -> Rows {
    let mut lines = Vec::new();
    for (i, name) in MAIN_ITEMS.iter().enumerate() {
        lines.push(item(t, i == app.menu.cursor, vec![Span::styled(format!("  {name}"), t.text())]));
    }
    let today = app.today();
    let (id, seed) = campaign::daily(&today);
    if MAIN_ITEMS[app.menu.cursor] == "Daily challenge"
        && let Some(Ok(spec)) = crate::scenario::builtin(id)
    {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(format!("  {today}: {} · seed {seed}", spec.title), t.accent())));
        let best = app.profile.daily_for(&today).map_or_else(
            || "not played yet today".to_string(),
            |b| format!("your best today: {} ({})", b.score, b.grade),
        );
        let streak = app.profile.daily_streak(&today);
        lines.push(Line::from(Span::styled(
            format!("  the same scenario and seed for everyone today · {best} · streak {streak}"),
            t.dim(),
        )));
    }
    let cursor = app.menu.cursor;
    Rows { lines, selected: (cursor, cursor), starts: (0..MAIN_ITEMS.len()).collect() }
}

fn selected_spec(app: &App) -> Option<Spec> {
    BUILTIN.get(app.menu.cursor).and_then(|b| crate::scenario::builtin(b.0)).and_then(Result::ok)
}

/// The campaign (chapter headings, locks) or free play (every scenario): one row per scenario,
/// with what it teaches wrapped under its own column.
fn scenario_rows(app: &App, t: &Theme, text_w: usize) -> Rows {
    let campaign = app.menu.page == MenuPage::Campaign;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut selected = (0, 0);
    let mut starts = Vec::new();
    let num_w = BUILTIN.len().to_string().len();
    for (i, (id, ..)) in BUILTIN.iter().enumerate() {
        let Some(Ok(spec)) = crate::scenario::builtin(id) else { continue };
        if campaign
            && let Some(c) = campaign::chapter_of(id)
            && CHAPTERS[c].scenarios.first() == Some(id)
        {
            if !lines.is_empty() {
                lines.push(Line::from(""));
            }
            let chapter = &CHAPTERS[c];
            let style = if app.unlocked(i) { t.title() } else { t.dim() };
            let head = format!("  Chapter {} · {}", c + 1, chapter.title);
            let about = wrap(&format!("{head} — {}", chapter.about), text_w, 4);
            for row in about {
                lines.push(Line::from(Span::styled(row, style)));
            }
        }
        let status = if campaign && !app.unlocked(i) {
            Span::styled("[locked]  ", t.dim())
        } else if app.profile.is_completed(id) {
            let best = app.profile.best_for(id).map(|b| format!("{} {}", b.grade, b.score)).unwrap_or_default();
            Span::styled(format!("[done {best:<5}]"), t.health(Health::Ok))
        } else {
            Span::styled("[new]     ", t.accent())
        };
        let mut spans = vec![
            // Numbers right-aligned to the widest, so the columns line up past nine.
            Span::styled(format!("  {:>num_w$}. ", i + 1), t.dim()),
            status,
            Span::styled(format!(" {:<26}", spec.title), t.text()),
            Span::styled(format!("{:<7}{:>5}  ", format!("{:?}", spec.difficulty), spec.length().to_string()), t.dim()),
        ];
        let column = Line::from(spans.clone()).width();
        let teaches = wrap(&spec.teaches.join(", "), text_w.saturating_sub(column).max(10), 0);
        let mut rest = teaches.into_iter();
        spans.push(Span::styled(rest.next().unwrap_or_default(), t.dim()));
        let is_cursor = i == app.menu.cursor;
        let first = lines.len();
        starts.push(first);
        lines.push(item(t, is_cursor, spans));
        for row in rest {
            lines.push(item(t, is_cursor, vec![Span::styled(format!("{:column$}{row}", ""), t.dim())]));
        }
        if is_cursor {
            selected = (first, lines.len() - 1);
        }
    }
    Rows { lines, selected, starts }
}

fn settings_rows(app: &App, t: &Theme) -> Rows {
    let s = &app.settings;
    let values = [
        ("Theme", format!("{:?}", s.theme)),
        ("ASCII only", if s.ascii { "on".into() } else { "off".into() }),
        ("Start speed", format!("{}x", s.speed)),
        ("Bell on page", if s.bell { "on".into() } else { "off".into() }),
    ];
    let mut lines = Vec::new();
    for (i, (k, v)) in values.iter().enumerate() {
        lines.push(item(
            t,
            i == app.menu.cursor,
            vec![Span::styled(format!("  {k:<14}"), t.text()), Span::styled(format!("< {v} >"), t.accent())],
        ));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("  colour: {}", if app.no_color { "off (NO_COLOR is set)" } else { "on" }),
        t.dim(),
    )));
    let cursor = app.menu.cursor;
    Rows { lines, selected: (cursor, cursor), starts: (0..values.len()).collect() }
}

fn open_rows(app: &App, t: &Theme) -> Rows {
    let lines = vec![
        Line::from(vec![Span::raw("  path: "), Span::styled(format!("{}_", app.menu.path), t.accent())]),
        Line::from(Span::styled("  type a path to a .ron scenario and press enter (see scenarios/README.md)", t.dim())),
    ];
    Rows { lines, selected: (0, 0), starts: vec![0] }
}
