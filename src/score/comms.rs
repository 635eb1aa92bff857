//! Communication: declaring the incident, at the right severity at each moment, and keeping
//! people told (the first update in time, each promised update kept).
//!
//! Severity is read against the scenario's rubric from the impact as it was: at each moment
//! the declared severity should be at least the level the impact has held for the last two
//! minutes (the time a responder needs to notice a change and escalate), and no worse than the
//! worst level reached so far or in the next two minutes (declaring ahead of a visible trend is
//! judgement; over-declaring beyond anything that happened wakes people for nothing; keeping the
//! peak after mitigation is fine). So escalating as impact grows is right, and never loses
//! points.

use super::evidence::Evidence;
use super::{Dimension, dim};
use crate::scenario::Spec;
use crate::sim::{Command, Dur, EventKind, Severity, SimTime};

/// Seconds per step of the severity check, and the tolerance for a change of impact.
const STEP: u32 = 10;
const TOLERANCE_S: u32 = 120;

/// The severity in force from each change on: (from, severity), in order.
fn declared(ev: &Evidence) -> Vec<(SimTime, Severity)> {
    ev.events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::IncidentDeclared { severity } => Some((e.t, severity)),
            EventKind::SeverityChanged { to, .. } => Some((e.t, to)),
            _ => None,
        })
        .collect()
}

/// The rubric's level for the minute ending at second `t`.
fn level(spec: &Spec, ev: &Evidence, t: u32) -> Severity {
    let (bad, data) = ev.impact(t.saturating_sub(60), t);
    spec.rubric.level_for(bad, data)
}

/// Mean levels off (time-weighted over the declared span) and the spans that were off:
/// (from, to, declared, wanted).
fn severity_gaps(spec: &Spec, ev: &Evidence, onset: SimTime) -> (f64, Vec<(u32, u32, Severity, Severity)>) {
    let changes = declared(ev);
    let Some(&(first, _)) = changes.first() else { return (0.0, Vec::new()) };
    let end = ev.end_s();
    let onset_s = onset.whole_secs() as u32;
    let levels: Vec<(u32, Severity)> =
        (onset_s..end).step_by(STEP as usize).map(|t| (t, level(spec, ev, t + STEP))).collect();
    let mut history: Vec<(u32, Severity)> = Vec::new();
    let (mut off_sum, mut steps) = (0.0, 0u32);
    let mut gaps: Vec<(u32, u32, Severity, Severity)> = Vec::new();
    let mut t = onset_s;
    while t < end {
        let now = levels.iter().find(|l| l.0 == t).map_or(Severity::Sev4, |l| l.1);
        // The worst level so far, or within the next two minutes.
        let worst = levels.iter().take_while(|l| l.0 <= t + TOLERANCE_S).map(|l| l.1).min().unwrap_or(now);
        history.push((t, now));
        // The least severe level of the last two minutes: what the impact has held.
        let held = history.iter().rev().take_while(|(x, _)| t.saturating_sub(*x) <= TOLERANCE_S).map(|h| h.1).max();
        let at = SimTime::from_secs(u64::from(t));
        if at >= first {
            let sev = changes.iter().rev().find(|c| c.0 <= at).map_or(changes[0].1, |c| c.1);
            let want = match held {
                Some(h) if sev > h && t >= onset_s + TOLERANCE_S => Some(h),
                _ if sev < worst => Some(worst),
                _ => None,
            };
            steps += 1;
            if let Some(w) = want {
                off_sum += f64::from(sev.rank().abs_diff(w.rank()));
                // One span per stretch off in the same direction, with the furthest level wanted.
                let under = sev > w;
                match gaps.last_mut() {
                    Some(g) if g.1 == t && g.2 == sev && (g.2 > g.3) == under => {
                        g.1 = t + STEP;
                        g.3 = if under { g.3.min(w) } else { g.3.max(w) };
                    }
                    _ => gaps.push((t, t + STEP, sev, w)),
                }
            }
        }
        t += STEP;
    }
    (if steps == 0 { 0.0 } else { off_sum / f64::from(steps) }, gaps)
}

pub(super) fn communication(
    spec: &Spec,
    ev: &Evidence,
    onset: Option<SimTime>,
    affected: bool,
    weight: u32,
) -> Dimension {
    communication_charged(spec, ev, onset, affected, weight).0
}

/// `communication`, and the points it charged to a command: (index in `ev.commands`, points,
/// why). A late declaration is charged to the declaring command, a late first update, a false
/// all-clear and each broken promise to the update concerned; what no single command did (no
/// declaration, no update, the severity's fit over time) is charged to nobody.
pub(super) fn communication_charged(
    spec: &Spec,
    ev: &Evidence,
    onset: Option<SimTime>,
    affected: bool,
    weight: u32,
) -> (Dimension, Vec<(usize, i64, String)>) {
    let mut charged: Vec<(usize, i64, String)> = Vec::new();
    let c = &spec.comms;
    let clock = |t: SimTime| spec.clock(t);
    let changes = declared(ev);
    if !affected && changes.is_empty() {
        let d = dim("communication", 100, weight, vec!["customers were not affected: nothing to declare".into()]);
        return (d, charged);
    }
    let Some(&(at, sev)) = changes.first() else {
        let d = dim(
            "communication",
            0,
            weight,
            vec!["never declared an incident although customers were affected, so nobody was told (-100)".into()],
        );
        return (d, charged);
    };
    // The command that declared: the last Declare applied by then.
    let declarer = ev
        .commands
        .iter()
        .enumerate()
        .rev()
        .find(|(_, r)| r.rejected.is_none() && matches!(r.command, Command::Declare { .. }) && r.at <= at)
        .map(|(k, _)| k);
    let mut s: i64 = 100;
    let mut reasons = vec![format!("declared {} at {}", sev.name(), clock(at))];
    for w in changes.windows(2) {
        let verb = if w[1].1 < w[0].1 { "escalated" } else { "de-escalated" };
        reasons.push(format!("{verb} to {} at {}", w[1].1.name(), clock(w[1].0)));
    }
    if let Some(o) = onset {
        let late = at.since(o);
        if late > Dur(spec.par.detect.0 * 3) {
            s -= 10;
            let why = format!("declared {} after trouble began (-10)", late.human());
            if let Some(k) = declarer {
                charged.push((k, -10, why.clone()));
            }
            reasons.push(why);
        }
        let (off, gaps) = severity_gaps(spec, ev, o);
        // 15 points per level off, on average over the declared span, at most 30.
        let pen = ((15.0 * off).round() as i64).min(30);
        if pen > 0 {
            s -= pen;
            for (from, to, was, want) in gaps.iter().take(3) {
                let (a, b) = (SimTime::from_secs(u64::from(*from)), SimTime::from_secs(u64::from(*to)));
                let (how, upto) = if was > want { ("under-declared", "up to") } else { ("over-declared", "at worst") };
                reasons.push(format!(
                    "{how} from {} to {}: {} declared, the impact {upto} {} ({})",
                    clock(a),
                    clock(b),
                    was.name(),
                    want.name(),
                    spec.rubric.level(*want).means
                ));
            }
            reasons.push(format!("severity off by {off:.1} levels on average while declared (-{pen})"));
        }
    }
    let records: Vec<usize> = ev
        .commands
        .iter()
        .enumerate()
        .filter(|(_, r)| r.rejected.is_none() && r.at >= at && matches!(r.command, Command::StatusUpdate { .. }))
        .map(|(k, _)| k)
        .collect();
    let updates: Vec<(SimTime, Dur, bool)> = records
        .iter()
        .filter_map(|&k| match ev.commands[k].command {
            Command::StatusUpdate { next_update, all_clear, .. } => Some((ev.commands[k].at, next_update, all_clear)),
            _ => None,
        })
        .collect();
    match updates.first() {
        None => {
            s -= 40;
            reasons.push("no status update after declaring (-40)".into());
        }
        Some((first, _, _)) => {
            let d = first.since(at);
            if d > c.first_update_within {
                s -= 20;
                let why = format!(
                    "first status update {} after declaring; due within {} (-20)",
                    d.human(),
                    c.first_update_within.human()
                );
                charged.push((records[0], -20, why.clone()));
                reasons.push(why);
            } else {
                reasons.push(format!("first status update {} after declaring", d.human()));
            }
        }
    }
    // Telling people it is over while it is not is worse than saying nothing yet.
    if let Some(i) = updates.iter().position(|u| u.2)
        && !super::lifecycle::stable_at(ev, updates[i].0)
    {
        s -= 20;
        let why = format!("the all-clear at {} told people it was over while it was not (-20)", clock(updates[i].0));
        charged.push((records[i], -20, why.clone()));
        reasons.push(why);
    }
    let mut missed = 0;
    for (i, (t, next, all_clear)) in updates.iter().enumerate() {
        if *all_clear {
            continue;
        }
        let due = *t + *next;
        let kept = updates.get(i + 1).is_some_and(|(n, _, _)| *n <= due);
        if !kept && due < ev.ended {
            missed += 1;
            // 10 each, at most 30 in all: the first three broken promises carry them.
            if missed <= 3 {
                charged.push((
                    records[i],
                    -10,
                    format!("promised the next update by {}, and none came (-10)", clock(due)),
                ));
            }
        }
    }
    if missed > 0 {
        let pen = (10 * missed).min(30);
        s -= pen;
        let what =
            if missed == 1 { "1 promised update was".to_string() } else { format!("{missed} promised updates were") };
        reasons.push(format!("{what} not posted on time (-{pen})"));
    }
    (dim("communication", s, weight, reasons), charged)
}
