//! The postmortem as markdown: a blameless skeleton to paste into a postmortem document and
//! complete. Every section is the `facts` module's; this only escapes for markdown (a `|` in a
//! table cell) and lays it out.

use super::facts::{Postmortem, postmortem};
use crate::score::Debrief;
use crate::score::debrief::Column;

/// Escapes the table separator in cell text.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn list(o: &mut String, items: &[String], empty: &str) {
    if items.is_empty() {
        o.push_str(&format!("- {empty}\n"));
    }
    for i in items {
        o.push_str(&format!("- {i}\n"));
    }
}

pub fn markdown(d: &Debrief) -> String {
    let p: Postmortem = postmortem(d);
    let mut o = String::new();
    o.push_str(&format!("# Postmortem: {}\n\n", p.title));
    o.push_str(&format!("{}\n\n", p.about));
    o.push_str("_Blameless: this describes what the system and the people in it did and why, to learn from it, not who is at fault._\n\n");
    o.push_str("## Summary\n\n");
    o.push_str(&p.summary.join(" "));
    o.push_str("\n\n## Impact\n\n| what | how much |\n|---|---|\n");
    for (what, n) in &p.impact {
        o.push_str(&format!("| {} | {} |\n", cell(what), cell(n)));
    }
    o.push_str(
        "\n## Timeline\n\nUser error rate over the run; `=` marks the hidden faults, `^` your actions.\n\n```\n",
    );
    for l in super::timeline_chart(d, 80, true) {
        // Pasted text keeps no trailing blanks (editors and linters strip them anyway).
        o.push_str(l.trim_end());
        o.push('\n');
    }
    o.push_str("```\n\n| time | what was seen | what was true | what was done |\n|---|---|---|---|\n");
    for (t, col, text) in &p.timeline {
        let text = cell(text);
        let (a, b, c) = match col {
            Column::Seen => (text.as_str(), "", ""),
            Column::True => ("", text.as_str(), ""),
            Column::Done => ("", "", text.as_str()),
        };
        o.push_str(&format!("| {t} | {a} | {b} | {c} |\n"));
    }
    o.push_str("\n## Contributing factors\n\n");
    if !p.truth.is_empty() {
        o.push_str(&format!("{}\n\n", p.truth));
    }
    list(&mut o, &p.factors, "no fault was injected");
    o.push_str("\n## What went well\n\n");
    list(&mut o, &p.went_well, "nothing stood out");
    o.push_str("\n## What went badly\n\n");
    list(&mut o, &p.went_badly, "nothing stood out");
    o.push_str("\n## Action items\n\n");
    for a in &p.actions {
        o.push_str(&format!("- [ ] {a}\n"));
    }
    o.push_str("\n## Status updates\n\n");
    if p.updates.is_empty() {
        o.push_str("- none was posted\n");
    }
    for u in &p.updates {
        o.push_str(&format!("- {} to {} ({}): {}\n", u.at, u.to, u.note, u.text));
    }
    let seats = super::seats::who_did_what(d);
    if !seats.is_empty() {
        o.push_str("\n## Who did what\n");
        for (heading, lines) in &seats {
            o.push_str(&format!("\n**{heading}**\n\n"));
            list(&mut o, lines, "nothing");
        }
    }
    o.push_str(&format!("\n## Score: {}\n\n", p.headline));
    o.push_str("| dimension | score | weight | why |\n|---|---:|---:|---|\n");
    for (name, score, weight, reasons) in &p.score {
        o.push_str(&format!("| {name} | {score} | {weight}% | {} |\n", cell(&reasons.join("<br>"))));
    }
    o.push_str(&format!("\n## What an expert would have done\n\nPar: {}.\n\n", p.par));
    for (t, text) in &p.expert {
        o.push_str(&format!("- {t} {text}\n"));
    }
    o.push_str("\n## Lessons\n\n");
    list(&mut o, &p.lessons, "none");
    o
}
