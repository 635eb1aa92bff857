//! The plain-text timeline chart the markdown postmortem shares with the game's debrief screen:
//! the user error rate over the run, the hidden faults revealed, the player's actions marked.

use crate::score::Debrief;
use crate::score::debrief::STEP_S;

/// A text chart of the user error rate over the whole run, one column per `STEP_S` seconds
/// (merged to fit `width`, or widened to fill it), with hidden faults revealed (`=`) and the
/// player's actions (`^`) on rows under the time axis.
pub fn timeline_chart(d: &Debrief, width: usize, ascii: bool) -> Vec<String> {
    let n = d.timeline.len().max(1);
    let cols = width.saturating_sub(8).max(10);
    let per = n.div_ceil(cols);
    // A short run is drawn with wider columns so the chart uses the room it has.
    let rep = (cols / n.div_ceil(per)).clamp(1, 8);
    let buckets: Vec<(f32, f32)> = d
        .timeline
        .chunks(per)
        .map(|c| (c.iter().map(|p| p.error_pct).fold(0.0, f32::max), c.iter().map(|p| p.p99_ms).fold(0.0, f32::max)))
        .collect();
    let top = buckets.iter().map(|b| b.0).fold(1.0, f32::max);
    let rows = 6;
    let full = if ascii { "#" } else { "█" };
    let half = if ascii { "." } else { "▄" };
    let mut out = Vec::new();
    for r in (0..rows).rev() {
        let label = if r == rows - 1 {
            format!("{top:>5.1}% ")
        } else if r == 0 {
            format!("{:>5}% ", 0)
        } else {
            " ".repeat(7)
        };
        let mut line = label;
        line.push('|');
        for (e, _) in &buckets {
            let h = e / top * rows as f32;
            let cell = if h >= r as f32 + 0.75 {
                full
            } else if h >= r as f32 + 0.25 {
                half
            } else {
                " "
            };
            line.push_str(&cell.repeat(rep));
        }
        out.push(line.trim_end().to_string());
    }
    let secs_per_col = per as u32 * STEP_S;
    let col_of = |t: crate::sim::SimTime| (t.whole_secs() as u32 / secs_per_col) as usize;
    let mut faults = vec![' '; buckets.len()];
    for f in &d.faults {
        let a = col_of(f.from).min(buckets.len().saturating_sub(1));
        let b = f.to.map_or(buckets.len(), |t| col_of(t) + 1).min(buckets.len());
        for c in faults.iter_mut().take(b.max(a + 1)).skip(a) {
            *c = '=';
        }
    }
    let mut acts = vec![' '; buckets.len()];
    for a in &d.actions {
        if let Some(c) = acts.get_mut(col_of(a.t)) {
            *c = '^';
        }
    }
    let widen = |row: &[char]| row.iter().flat_map(|c| std::iter::repeat_n(*c, rep)).collect::<String>();
    let cols_drawn = buckets.len() * rep;
    out.push(format!("       +{}", "-".repeat(cols_drawn)));
    out.push(format!("faults  {}", widen(&faults)).trim_end().to_string());
    out.push(format!("you     {}", widen(&acts)).trim_end().to_string());
    let start = d.clock(crate::sim::SimTime::ZERO);
    let end = d.clock(crate::sim::SimTime::from_secs(u64::from(d.timeline.len() as u32 * STEP_S)));
    let w = cols_drawn.saturating_sub(start.chars().count());
    out.push(format!("        {start}{end:>w$}"));
    out
}
