//! The debrief as markdown (pasteable into a postmortem document) and the plain-text timeline
//! chart it shares with the game's debrief screen.

use crate::scenario::Verdict;
use crate::score::Debrief;
use crate::score::debrief::STEP_S;
use crate::sim::EndReason;

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
    let end = crate::sim::SimTime::from_secs(u64::from(d.timeline.len() as u32 * STEP_S)).clock();
    out.push(format!("        00:00{:>w$}", end, w = cols_drawn.saturating_sub(5)));
    out
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Helpful => "helpful",
        Verdict::Neutral => "neutral",
        Verdict::Harmful => "harmful",
    }
}

/// Escapes the table separator in cell text.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn markdown(d: &Debrief) -> String {
    let mut o = String::new();
    let s = &d.score;
    o.push_str(&format!("# Debrief: {}\n\n", d.title));
    // Words, not the enum's name: this line is pasted into postmortems.
    let stopped;
    let ended = match d.end_reason {
        Some(EndReason::TimeUp) => "the scenario's time ran out",
        Some(EndReason::ObjectivesMet) => "objectives met",
        Some(EndReason::Resolved) => "resolved by the player",
        Some(EndReason::Stopped(cap)) => {
            stopped = cap.describe();
            &stopped
        }
        None => "stopped before the end",
    };
    o.push_str(&format!(
        "Scenario `{}` · seed {} · ended at {} ({ended}) · firedrill {}\n\n",
        d.scenario_id,
        d.seed,
        d.ended_at.clock(),
        env!("CARGO_PKG_VERSION")
    ));
    o.push_str(&format!("## Score: {} ({})\n\n", s.overall, s.grade));
    o.push_str("| dimension | score | weight | why |\n|---|---:|---:|---|\n");
    for dim in &s.dimensions {
        o.push_str(&format!(
            "| {} | {} | {}% | {} |\n",
            dim.name,
            dim.score,
            dim.weight,
            cell(&dim.reasons.join("<br>"))
        ));
    }
    o.push_str(
        "\n## Timeline\n\nUser error rate over the run; `=` marks the hidden faults, `^` your actions.\n\n```\n",
    );
    for line in timeline_chart(d, 80, true) {
        // Pasted text keeps no trailing blanks (editors and linters strip them anyway).
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o.push_str("```\n\n## What was really happening\n\n");
    if !d.truth.is_empty() {
        o.push_str(&format!("{}\n\n", d.truth));
    }
    for f in &d.faults {
        let until = match (&f.to, &f.cleared_by) {
            (Some(t), Some(why)) => format!(" — until {} ({why})", t.clock()),
            _ => " — still active at the end".to_string(),
        };
        o.push_str(&format!("- {} **{}**: {}{until}\n", f.from.clock(), f.label, f.detail));
    }
    o.push_str("\n## What you saw\n\n");
    if d.saw.is_empty() {
        o.push_str("- nothing: no alert fired and nobody wrote\n");
    }
    for m in &d.saw {
        o.push_str(&format!("- {} {}\n", m.t.clock(), m.text));
    }
    o.push_str("\n## What you did\n\n");
    if d.actions.is_empty() {
        o.push_str("- nothing\n");
    }
    for m in &d.actions {
        // Under "What you did", the log's "you: " prefix only repeats the heading.
        o.push_str(&format!("- {} {}\n", m.t.clock(), m.text.strip_prefix("you: ").unwrap_or(&m.text)));
    }
    if !s.decisions.is_empty() {
        o.push_str("\nJudged:\n\n");
        for dec in &s.decisions {
            o.push_str(&format!("- {} {} — **{}**: {}\n", dec.at.clock(), dec.command, verdict(dec.verdict), dec.why));
        }
    }
    o.push_str(&format!(
        "\n## What an expert would have done\n\nPar: detect within {}, mitigate within {} of the first fault.\n\n",
        d.par_detect, d.par_mitigate
    ));
    for m in &d.expert {
        o.push_str(&format!("- {} {}\n", m.t.clock(), m.text));
    }
    o.push_str("\n## Lessons\n\n");
    for l in &d.lessons {
        o.push_str(&format!("- {l}\n"));
    }
    o
}
