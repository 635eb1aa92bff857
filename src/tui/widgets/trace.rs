//! The Trace tab: where one request's time went, as a waterfall of its spans, and the kept
//! traces to choose from (newest first; `[`/`]` choose whatever has focus, and ↑/↓ do when the
//! panel has it). The engine always keeps the newest failed and the newest slow request, so
//! both are in the list however many of the other kind came after; they are marked.

use super::super::game::Game;
use super::super::theme::{Health, Theme};
use crate::sim::{Dur, Trace};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Width of the list of kept traces, when the panel is wide enough to show it.
const LIST_W: u16 = 50;

/// What a kept trace is: failed, slow (over the SLO's latency), or kept as a sample.
fn kind(game: &Game, tr: &Trace) -> &'static str {
    let slow = game.spec.sim.slo.latency_threshold.is_none_or(|d| tr.end.since(tr.start).0 >= d.0);
    match (tr.ok, slow) {
        (false, _) => "FAILED",
        (true, true) => "slow",
        (true, false) => "sample",
    }
}

/// The kept traces newest first, each with a mark if it is the newest of its kind.
fn listed(game: &Game) -> Vec<(&Trace, &'static str, &'static str)> {
    let mut seen_failed = false;
    let mut seen_slow = false;
    game.sim
        .traces()
        .iter()
        .rev()
        .map(|tr| {
            let k = kind(game, tr);
            let mark = match k {
                "FAILED" if !seen_failed => {
                    seen_failed = true;
                    "newest failed"
                }
                "slow" if !seen_slow => {
                    seen_slow = true;
                    "newest slow"
                }
                _ => "",
            };
            (tr, k, mark)
        })
        .collect()
}

pub fn render(game: &Game, t: &Theme, area: Rect, buf: &mut Buffer) {
    let list = listed(game);
    let put = |buf: &mut Buffer, r: Rect, lines: &[Line<'_>]| {
        for (i, line) in lines.iter().take(r.height as usize).enumerate() {
            buf.set_line(r.x, r.y + i as u16, line, r.width);
        }
    };
    if list.is_empty() {
        let text = format!("no slow or failed request sampled yet (1 in {} is traced)", crate::sim::TRACE_SAMPLE_EVERY);
        put(buf, area, &[Line::from(Span::styled(text, t.dim()))]);
        return;
    }
    let at = game.view.cursor.min(list.len() - 1);
    let (waterfall, side) = if area.width >= 110 {
        let w = area.width - LIST_W - 1;
        (Rect { width: w, ..area }, Some(Rect::new(area.x + w + 1, area.y, LIST_W, area.height)))
    } else {
        (area, None)
    };
    let (tr, k, mark) = list[at];
    let total = tr.end.since(tr.start).0.max(1);
    let mark = if mark.is_empty() { String::new() } else { format!(" · {mark}") };
    // Where the newest failed and slow ones are, so the player can go straight to them.
    let find = |want: &str| list.iter().position(|x| x.2 == want).map(|i| format!(" · {want} #{}", i + 1));
    let pinned: String = [find("newest failed"), find("newest slow")].into_iter().flatten().collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("trace {} ", tr.trace_id_hex()), t.title()),
            Span::styled(
                format!(
                    "{} at {} took {} — {}",
                    tr.endpoint,
                    game.spec.clock(tr.start),
                    Dur(total).human(),
                    tr.outcome
                ),
                if tr.ok { t.text() } else { t.health(Health::Crit) },
            ),
        ]),
        Line::from(Span::styled(
            format!("{k}{mark} · {} of {} kept, newest first{pinned} · [/]: choose", at + 1, list.len()),
            t.dim(),
        )),
    ];
    let width = waterfall.width as usize;
    let label_w = (width / 2).clamp(20, 48);
    let bar_w = width.saturating_sub(label_w + 10).max(4);
    for s in &tr.spans {
        let from = (s.start.since(tr.start).0 * bar_w as u64 / total) as usize;
        let len =
            ((s.end.since(s.start).0 * bar_w as u64).div_ceil(total) as usize).max(1).min(bar_w - from.min(bar_w - 1));
        let label: String =
            format!("{}{}", "  ".repeat(s.depth.saturating_sub(1) as usize), s.label).chars().take(label_w).collect();
        let fill = if t.ascii { "=" } else { "━" };
        let style = if s.ok { t.series(0) } else { t.health(Health::Crit) };
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<label_w$} "), if s.ok { t.text() } else { t.health(Health::Crit) }),
            Span::raw(" ".repeat(from.min(bar_w))),
            Span::styled(fill.repeat(len), style),
            Span::styled(format!(" {}", Dur(s.end.since(s.start).0).human()), t.dim()),
        ]));
    }
    put(buf, waterfall, &lines);
    let Some(side) = side else { return };
    let room = side.height as usize;
    let first = at.saturating_sub(room.saturating_sub(1));
    let rows: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, (tr, k, mark))| {
            let pointer = if i == at { t.cursor() } else { " " };
            let took = Dur(tr.end.since(tr.start).0).human();
            let name: String = tr.endpoint.chars().take(10).collect();
            let text = format!("{pointer} {} {name:<10} {took:>10} {k:<6} {mark}", game.spec.clock(tr.start));
            let style = if *k == "FAILED" { t.health(Health::Crit) } else { t.text() };
            let line = Line::from(Span::styled(text, style));
            if i == at { line.style(t.selected()) } else { line }
        })
        .collect();
    put(buf, side, &rows);
}
