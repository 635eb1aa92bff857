//! A column chart of one series over time, newest on the right, one column per chart point,
//! with a title line of current values and a marker row for changes, actions and alerts.
//! Gaps (monitoring could not see) are drawn as `?`. It only reads prepared ring buffers.

use super::super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

pub struct ColumnChart<'a> {
    pub title: String,
    /// Values, oldest first; `NaN` = no data.
    pub values: Vec<f32>,
    /// A fixed top of scale (e.g. 100 for percentages); otherwise the visible maximum.
    pub top: Option<f32>,
    /// The least top of an autoscaled chart, so noise does not fill it (1 for an error
    /// percentage: 0.02 % of errors is a sliver, not a full column).
    pub floor: f32,
    /// Marker symbols per column (same length as `values` or shorter, aligned right).
    pub markers: Vec<Option<char>>,
    /// A second series drawn as a tick at its level (e.g. p50 inside the p99 columns); may be
    /// empty. Same alignment as `values`.
    pub overlay: Vec<f32>,
    pub theme: &'a Theme,
    pub style: Style,
}

impl ColumnChart<'_> {
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        if area.height < 2 || area.width < 4 {
            return;
        }
        let t = self.theme;
        buf.set_stringn(area.x, area.y, fit_title(&self.title, area.width as usize), area.width as usize, t.text());
        let rows = area.height.saturating_sub(2).max(1);
        let width = area.width as usize;
        let shown = &self.values[self.values.len().saturating_sub(width)..];
        let top = self
            .top
            .unwrap_or_else(|| shown.iter().copied().filter(|v| v.is_finite()).fold(self.floor, f32::max))
            .max(1e-6);
        let bars = t.bars();
        let offset = width - shown.len();
        for (i, v) in shown.iter().enumerate() {
            let x = area.x + (offset + i) as u16;
            if !v.is_finite() {
                buf.set_string(x, area.y + rows, "?", t.dim());
                continue;
            }
            // Height in eighths of a row.
            let eighths = ((v / top).clamp(0.0, 1.0) * f32::from(rows) * 8.0).round() as u32;
            for r in 0..rows {
                let level = eighths.saturating_sub(u32::from(r) * 8).min(8) as usize;
                let y = area.y + rows - r;
                if level > 0 {
                    buf.set_string(x, y, bars[level], self.style);
                } else if r == 0 && *v > 0.0 {
                    buf.set_string(x, y, bars[1], self.style);
                }
            }
        }
        let over = &self.overlay[self.overlay.len().saturating_sub(width)..];
        let ooff = width - over.len();
        let tick = if t.ascii { "-" } else { "─" };
        for (i, v) in over.iter().enumerate() {
            if v.is_finite() {
                let r = (((v / top).clamp(0.0, 1.0) * f32::from(rows)).ceil() as u16).clamp(1, rows);
                let (x, y) = (area.x + (ooff + i) as u16, area.y + rows + 1 - r);
                // Inside a column the cell keeps its glyph and takes the overlay's colour; above
                // the column the tick is drawn.
                if buf[(x, y)].symbol() == " " {
                    buf.set_string(x, y, tick, t.series(1));
                } else {
                    buf.set_style(Rect::new(x, y, 1, 1), t.series(1));
                }
            }
        }
        if area.height >= 3 {
            let y = area.y + area.height - 1;
            let marks = &self.markers[self.markers.len().saturating_sub(width)..];
            let moff = width - marks.len();
            for (i, m) in marks.iter().enumerate() {
                if let Some(c) = m {
                    let style = if *c == '!' { t.health(super::super::theme::Health::Crit) } else { t.accent() };
                    buf.set_string(area.x + (moff + i) as u16, y, c.to_string(), style);
                }
            }
        }
    }
}

/// A title that fits `width` without cutting a number: trailing " · " parts go first, then
/// the label before the last word (the current value) is shortened.
pub fn fit_title(title: &str, width: usize) -> String {
    let len = |s: &str| s.chars().count();
    let mut title = title;
    while len(title) > width {
        match title.rsplit_once(" · ") {
            Some((head, _)) => title = head,
            None => break,
        }
    }
    if len(title) <= width {
        return title.to_string();
    }
    match title.rsplit_once(' ') {
        Some((label, value)) if len(value) + 3 <= width => {
            let keep = width - len(value) - 2;
            format!("{}… {value}", label.chars().take(keep).collect::<String>())
        }
        _ => title.chars().take(width).collect(),
    }
}

/// Formats a latency in milliseconds compactly: 45ms, 1.2s.
pub fn ms(v: f32) -> String {
    if !v.is_finite() {
        "—".to_string()
    } else if v >= 1000.0 {
        format!("{:.1}s", v / 1000.0)
    } else {
        format!("{v:.0}ms")
    }
}

/// Formats a rate: 612, 1.2k.
pub fn rate(v: f32) -> String {
    if !v.is_finite() {
        "—".to_string()
    } else if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ThemeName;

    #[test]
    fn it_draws_columns_scaled_to_the_top_with_gaps_and_markers() {
        let theme = Theme::new(ThemeName::Default, true, true);
        let chart = ColumnChart {
            title: "errors".into(),
            values: vec![0.0, 50.0, 100.0, f32::NAN],
            top: Some(100.0),
            floor: 0.0,
            markers: vec![None, Some('D'), None, None],
            overlay: Vec::new(),
            theme: &theme,
            style: Style::new(),
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 5));
        chart.render(buf.area, &mut buf);
        // Columns: 2 padding, then 0 (empty), 50 (one and a half rows), 100 (full), a gap.
        let rows: Vec<String> =
            (0..5).map(|y| (0..6).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>()).collect();
        assert_eq!(rows, ["errors", "    # ", "   :# ", "   ##?", "   D  "]);
    }

    #[test]
    fn a_floor_keeps_noise_a_sliver_and_a_real_rise_full() {
        let theme = Theme::new(ThemeName::Default, true, true);
        let column = |values: Vec<f32>| {
            let chart = ColumnChart {
                title: "errors".into(),
                values,
                top: None,
                floor: 1.0,
                markers: Vec::new(),
                overlay: Vec::new(),
                theme: &theme,
                style: Style::new(),
            };
            let mut buf = Buffer::empty(Rect::new(0, 0, 6, 5));
            chart.render(buf.area, &mut buf);
            (1..4).map(|y| buf[(5, y)].symbol().to_string()).collect::<String>()
        };
        // 0.02 % of errors under a 1 % floor: the lowest sliver, not a full column.
        assert_eq!(column(vec![0.0, 0.02]), "  .");
        // Above the floor, the visible maximum is the top again.
        assert_eq!(column(vec![0.0, 5.0]), "###");
    }

    #[test]
    fn a_title_too_wide_loses_its_tail_or_label_never_its_value() {
        assert_eq!(fit_title("latency p99 480ms · p50 10ms", 21), "latency p99 480ms");
        assert_eq!(fit_title("SLO burn rate (5m) 39.76x", 21), "SLO burn rate… 39.76x");
        assert_eq!(fit_title("errors 9.7%", 21), "errors 9.7%");
    }

    #[test]
    fn values_format_compactly() {
        assert_eq!(ms(45.2), "45ms");
        assert_eq!(ms(1234.0), "1.2s");
        assert_eq!(rate(612.4), "612");
        assert_eq!(rate(1500.0), "1.5k");
        assert_eq!(ms(f32::NAN), "—");
    }
}
