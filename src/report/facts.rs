//! The postmortem as data: what the markdown and the HTML pages both say, worked out once.
//! A blameless postmortem skeleton — summary, impact in numbers, timeline (what was seen, what
//! was true, what was done), contributing factors, what went well, what went badly, action
//! items, and the status updates the player wrote — plus the score and the expert's path.
//!
//! Every string here has crossed the output boundary: text from outside (scenario text, the
//! player's status updates, names) goes through `crate::text::clean_line` (one line) or
//! `clean` (a paragraph). A rendering only escapes for its format.

use crate::scenario::Verdict;
use crate::score::Debrief;
use crate::score::debrief::Column;
use crate::score::impact::money;
use crate::sim::observe::logs::group_thousands;
use crate::sim::{EndReason, SimTime};
use crate::text::{clean, clean_line};

/// A status update, ready to show.
pub struct Update {
    pub at: String,
    pub to: String,
    pub text: String,
    pub note: String,
}

pub struct Postmortem {
    pub title: String,
    /// Scenario, seed, start, end and why, version.
    pub about: String,
    pub summary: Vec<String>,
    /// (what, how much)
    pub impact: Vec<(String, String)>,
    /// (time, column, text)
    pub timeline: Vec<(String, Column, String)>,
    pub truth: String,
    pub factors: Vec<String>,
    pub went_well: Vec<String>,
    pub went_badly: Vec<String>,
    pub actions: Vec<String>,
    pub updates: Vec<Update>,
    /// (dimension, score, weight, reasons)
    pub score: Vec<(String, u32, u32, Vec<String>)>,
    pub headline: String,
    pub expert: Vec<(String, String)>,
    pub par: String,
    pub lessons: Vec<String>,
}

fn line(s: &str) -> String {
    clean_line(s).into_owned()
}

fn pct(n: u64, of: u64) -> String {
    if of == 0 { "0%".into() } else { format!("{:.2}%", n as f64 * 100.0 / of as f64) }
}

pub fn postmortem(d: &Debrief) -> Postmortem {
    let clock = |t: SimTime| d.clock(t);
    let s = &d.score;
    let h = &s.harm;
    let ended = d.end_reason.map_or_else(|| "stopped before the end".to_string(), EndReason::describe);
    let start = d.starts_at.map(|_| format!(" · started {}", clock(SimTime::ZERO))).unwrap_or_default();
    let about = format!(
        "Scenario `{}` · seed {}{start} · ended at {} ({ended}) · firedrill {}",
        line(&d.scenario_id),
        d.seed,
        clock(d.ended_at),
        env!("CARGO_PKG_VERSION")
    );
    // Summary: what happened, when it was noticed, when users recovered, how it ended.
    let mut summary = Vec::new();
    if let (Some(o), Some(f)) = (s.onset, d.faults.first()) {
        summary.push(format!("Trouble began at {}: {}.", clock(o), line(&f.detail)));
    } else {
        // No trouble began: the detection reason says whether it was averted or never came.
        let why = s.dimensions.iter().find(|x| x.name == "detection").and_then(|x| x.reasons.first());
        let why = why.map_or("no trouble was injected in this run", String::as_str);
        let mut c = why.chars();
        let first = c.next().map(|f| f.to_uppercase().collect::<String>()).unwrap_or_default();
        summary.push(format!("{first}{}.", c.as_str()));
    }
    if let Some(o) = s.onset {
        summary.push(match s.first_response {
            Some(r) => format!("The first meaningful response came at {}, {} later.", clock(r), r.since(o).human()),
            None => "Nobody responded to it.".into(),
        });
        summary.push(match s.recovered {
            Some(r) => format!("Users recovered at {}, {} after trouble began.", clock(r), r.since(o).human()),
            None => "The SLO had not recovered when the run ended.".into(),
        });
    }
    let e = &s.end;
    let mut end = Vec::new();
    if let Some(t) = e.first_stable {
        end.push(format!("the service was stable from {}", clock(t)));
    }
    end.push(
        e.cause_removed
            .map_or("the cause was never removed".into(), |t| format!("the cause was removed at {}", clock(t))),
    );
    end.push(match e.all_clear {
        Some((t, true)) => format!("the all-clear went out at {}", clock(t)),
        Some((t, false)) => format!("an all-clear went out at {} while the service was still broken", clock(t)),
        None => "no all-clear was posted".into(),
    });
    end.push(match e.resolved {
        Some((t, true)) => format!("the incident was resolved at {} while stable", clock(t)),
        Some((t, false)) => format!("the incident was resolved at {} while users were still affected", clock(t)),
        None => "the incident was never resolved".into(),
    });
    let mut first = end.join("; ");
    if let Some(c) = first.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    summary.push(format!("{first}."));
    summary.push(format!(
        "{} of {} user requests failed ({}); {:.1}% of the month's error budget was burned.",
        group_thousands(h.user_requests_failed),
        group_thousands(h.user_requests),
        pct(h.user_requests_failed, h.user_requests),
        h.budget_burned * 100.0
    ));
    summary.push(format!("Score {} ({}): {}.", s.overall, s.grade, line(&s.summary)));

    let mut impact = vec![
        (
            "user requests failed (after retries)".to_string(),
            format!(
                "{} of {} ({})",
                group_thousands(h.user_requests_failed),
                group_thousands(h.user_requests),
                pct(h.user_requests_failed, h.user_requests)
            ),
        ),
        (
            "user tries failed".into(),
            format!(
                "{} of {} ({})",
                group_thousands(h.tries_failed),
                group_thousands(h.tries),
                pct(h.tries_failed, h.tries)
            ),
        ),
        (
            "user tries slower than the SLO".into(),
            format!("{} ({})", group_thousands(h.tries_slow), pct(h.tries_slow, h.tries)),
        ),
        ("error budget burned".into(), format!("{:.2}% of the month's budget", h.budget_burned * 100.0)),
    ];
    for (n, what) in [
        (h.duplicates, "duplicate side effects (e.g. charged twice)"),
        (h.lost_writes, "lost writes"),
        (h.stale_reads, "stale reads"),
        (h.conflicting_writes, "conflicting writes"),
    ] {
        impact.push((what.to_string(), group_thousands(n)));
    }
    if !h.currency.is_empty() {
        impact.push(("cost to the business".into(), money(&line(&h.currency), h.cost)));
    }
    if let Some(o) = s.onset {
        let span = |t: Option<SimTime>| t.map_or("never".to_string(), |t| t.since(o).human());
        impact.push(("time to the first response".into(), span(s.first_response)));
        impact.push(("time until users recovered".into(), span(s.recovered)));
        impact.push(("time until stable".into(), span(e.first_stable)));
        impact.push(("time until resolved".into(), span(e.resolved.map(|r| r.0))));
    }
    if let Some(x) = h.extrapolated {
        impact.push(("counted on after the resolve".into(), format!("{} at the last minute's rate", x.human())));
    }

    let timeline = d
        .rows
        .iter()
        .map(|r| {
            let text = r.text.strip_prefix("you: ").unwrap_or(&r.text);
            (clock(r.t), r.column, line(text))
        })
        .collect();
    let factors = d
        .faults
        .iter()
        .map(|f| {
            let mut ending = f.ending(clock);
            // A fault can go on while its harm is stopped (a blocked scraper keeps sending): the
            // scenario's cause condition says when that counted as removing the cause.
            if let (None, false, Some(t)) = (f.to, f.momentary, e.cause_removed) {
                ending = format!("{ending}; the cause counted as removed from {}", clock(t));
            }
            format!("{} **{}**: {} — {ending}", clock(f.from), line(&f.label), line(&f.detail))
        })
        .collect();

    let mut went_well = Vec::new();
    let mut went_badly = Vec::new();
    for dec in &s.decisions {
        let item = format!("{} {}: {}", clock(dec.at), line(&dec.command), line(&dec.why));
        match dec.verdict {
            Verdict::Helpful => went_well.push(item),
            Verdict::Harmful => went_badly.push(item),
            Verdict::Neutral => {}
        }
    }
    for dim in &s.dimensions {
        if dim.name == "decisions" {
            if let Some(r) = dim.reasons.iter().find(|r| r.starts_with("no command addressed the cause")) {
                went_badly.push(line(r.trim_end_matches(" (-50)")));
            }
            continue;
        }
        for r in &dim.reasons {
            let r = line(r);
            if r.contains("(-") && !r.contains("(-0)") {
                went_badly.push(format!("{}: {r}", dim.name));
            } else if dim.score >= 90
                && (dim.name == "detection" || dim.name == "mitigation" || dim.name == "communication")
            {
                went_well.push(format!("{}: {r}", dim.name));
                break;
            }
        }
    }
    let mut actions = Vec::new();
    if e.cause_removed.is_none() && s.onset.is_some() {
        let active: Vec<String> = d.faults.iter().filter(|f| f.to.is_none()).map(|f| line(&f.label)).collect();
        actions.push(if active.is_empty() {
            "Remove the cause: it was still in place when the run ended.".to_string()
        } else {
            format!("Remove the cause: {} was still active when the run ended.", active.join(", "))
        });
    }
    if e.all_clear.is_none() && s.onset.is_some() {
        actions.push("Post the all-clear to the people who were told about the incident.".into());
    }
    if e.resolved.is_none() && s.onset.is_some() {
        actions.push("Resolve the incident once the service is stable and the cause removed.".into());
    }
    actions.extend(d.lessons.iter().map(|l| format!("Follow up: {}", line(l))));

    let updates = d
        .updates
        .iter()
        .map(|u| Update {
            at: clock(u.t),
            to: u.audience.word().to_string(),
            text: if u.impact.is_empty() { "(no text)".into() } else { line(&u.impact) },
            note: if u.all_clear {
                "all-clear".into()
            } else {
                format!("next update promised in {}", u.next_update.human())
            },
        })
        .collect();
    Postmortem {
        title: line(&d.title),
        about,
        summary,
        impact,
        timeline,
        truth: clean(&d.truth).into_owned(),
        factors,
        went_well,
        went_badly,
        actions,
        updates,
        score: s
            .dimensions
            .iter()
            .map(|x| (x.name.clone(), x.score, x.weight, x.reasons.iter().map(|r| line(r)).collect()))
            .collect(),
        headline: match crate::score::hints::describe(&s.hints, |t| d.clock(t)) {
            Some(h) => format!("{} ({}), {h}", s.overall, s.grade),
            None => format!("{} ({})", s.overall, s.grade),
        },
        expert: d.expert.iter().map(|m| (clock(m.t), line(&m.text))).collect(),
        par: format!(
            "detect within {}, mitigate within {} of the first fault",
            d.par_detect.human(),
            d.par_mitigate.human()
        ),
        lessons: d.lessons.iter().map(|l| line(l)).collect(),
    }
}
