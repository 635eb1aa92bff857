//! Scoring: a pure function of the scenario and the run's evidence (event log, commands,
//! metrics). Seven dimensions, each 0–100 with the reasons that produced it, weighted into an
//! overall score and a grade. Nothing here is magic: every point lost has a sentence.

pub mod debrief;
pub mod evidence;
pub mod judge;

pub use debrief::{Debrief, debrief};
pub use evidence::Evidence;
pub use judge::{Decision, Source};

use crate::scenario::Spec;
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::Inject;
use crate::sim::{Command, CommandKind};
use crate::sim::{Dur, EventKind, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub score: u32,
    /// Share of the overall score, in percent.
    pub weight: u32,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub overall: u32,
    pub grade: String,
    pub dimensions: Vec<Dimension>,
    pub decisions: Vec<Decision>,
    /// When trouble began (the first hidden fault).
    pub onset: Option<SimTime>,
    pub first_response: Option<SimTime>,
    /// When the SLO recovered for good, if it did.
    pub recovered: Option<SimTime>,
}

pub fn grade(overall: u32) -> &'static str {
    match overall {
        95.. => "S",
        85..=94 => "A",
        70..=84 => "B",
        55..=69 => "C",
        40..=54 => "D",
        _ => "F",
    }
}

/// 100 at or under `par`, falling linearly to 0 at `zero`.
fn linear(d: Dur, par: Dur, zero: Dur) -> u32 {
    if d <= par {
        return 100;
    }
    if d >= zero || zero <= par {
        return 0;
    }
    (100.0 * (zero.0 - d.0) as f64 / (zero.0 - par.0) as f64).round() as u32
}

fn dim(name: &str, score: i64, weight: u32, reasons: Vec<String>) -> Dimension {
    Dimension { name: name.into(), score: score.clamp(0, 100) as u32, weight, reasons }
}

fn secs(t: SimTime) -> u32 {
    t.whole_secs() as u32
}

/// Scores a run.
pub fn score(spec: &Spec, ev: &Evidence) -> Score {
    let onset = ev.onset();
    let decisions = judge::decisions(spec, ev);
    let (recovered, breached) = recovery(spec, ev, onset);
    let first_response = onset.and_then(|o| {
        ev.applied()
            .find(|r| r.at >= o && judge::meaningful(spec, ev, &r.command, r.at))
            .map(|r| (r.at, r.command.label()))
    });
    let dimensions = vec![
        detection(spec, onset, first_response.as_ref()),
        mitigation(spec, ev, onset, recovered, breached),
        judge::decision_quality(spec, &decisions),
        rollback(spec, ev),
        impact(spec, ev),
        communication(spec, ev, onset, breached),
        cost(ev),
    ];
    let overall = (dimensions.iter().map(|d| f64::from(d.score * d.weight)).sum::<f64>() / 100.0).round() as u32;
    Score {
        overall,
        grade: grade(overall).to_string(),
        dimensions,
        decisions,
        onset,
        first_response: first_response.map(|f| f.0),
        recovered,
    }
}

fn detection(spec: &Spec, onset: Option<SimTime>, first: Option<&(SimTime, String)>) -> Dimension {
    let par = spec.par.detect;
    let Some(onset) = onset else {
        return dim("detection", 100, 15, vec!["no trouble was injected in this run".into()]);
    };
    match first {
        None => dim(
            "detection",
            0,
            15,
            vec![
                "no meaningful response: no firing alert acknowledged, no incident declared, no helpful action".into(),
            ],
        ),
        Some((at, what)) => {
            let d = at.since(onset);
            let s = linear(d, par, Dur(par.0 * 4));
            dim(
                "detection",
                i64::from(s),
                15,
                vec![format!(
                    "first meaningful response ({what}) at {}, {d} after trouble began; par {par}",
                    at.clock()
                )],
            )
        }
    }
}

/// When the user-facing SLO recovered for good (10 s blocks under the error and latency
/// thresholds up to the end, at least 30 s of them), and whether it was ever breached.
fn recovery(spec: &Spec, ev: &Evidence, onset: Option<SimTime>) -> (Option<SimTime>, bool) {
    let Some(onset) = onset else { return (None, false) };
    let slo = &spec.sim.slo;
    let max_err = (5.0 * (1.0 - slo.availability)).max(0.01);
    let max_p99 = slo.latency_threshold.map(|d| d.millis_f64() * 1.1);
    let end = secs(ev.ended);
    let ok = |from: u32| {
        let to = (from + 10).min(end);
        ev.error_ratio(from, to) <= max_err && max_p99.is_none_or(|m| ev.p99(from, to) <= m)
    };
    let blocks: Vec<u32> = (secs(onset)..end).step_by(10).collect();
    let good: Vec<bool> = blocks.iter().map(|&b| ok(b)).collect();
    let breached = good.iter().any(|g| !g);
    let tail_ok = good.iter().rev().take_while(|g| **g).count();
    let recovered = (breached && tail_ok >= 3 && tail_ok < good.len())
        .then(|| SimTime::from_secs(u64::from(blocks[good.len() - tail_ok])));
    (recovered, breached)
}

fn mitigation(
    spec: &Spec,
    ev: &Evidence,
    onset: Option<SimTime>,
    recovered: Option<SimTime>,
    breached: bool,
) -> Dimension {
    let par = spec.par.mitigate;
    let Some(onset) = onset else {
        return dim("mitigation", 100, 25, vec!["no trouble was injected in this run".into()]);
    };
    if !breached {
        return dim("mitigation", 100, 25, vec!["the SLO never broke: customers did not notice".into()]);
    }
    match recovered {
        None => dim("mitigation", 0, 25, vec!["the SLO had not recovered when the run ended".into()]),
        Some(r) if !acted_before(ev, onset, r) => dim(
            "mitigation",
            0,
            25,
            vec![format!(
                "the SLO recovered at {} only because the trouble ended: nothing you did changed the system",
                r.clock()
            )],
        ),
        Some(r) => {
            let d = r.since(onset);
            dim(
                "mitigation",
                i64::from(linear(d, par, Dur(par.0 * 3))),
                25,
                vec![format!("the SLO recovered at {}, {d} after trouble began; par {par}", r.clock())],
            )
        }
    }
}

/// Whether the player changed the system (not just talked about it) from `from` until the first
/// recovered block (10 s from `to`) was over: recovery is measured in 10 s blocks.
fn acted_before(ev: &Evidence, from: SimTime, to: SimTime) -> bool {
    use CommandKind as K;
    let until = to + Dur::from_secs(10);
    ev.applied().any(|r| {
        r.at >= from
            && r.at < until
            && !matches!(r.command.kind(), K::Ack | K::Declare | K::StatusUpdate | K::Resolve | K::Hint)
    })
}

fn rollback(spec: &Spec, ev: &Evidence) -> Dimension {
    let sim = &spec.sim;
    let bad: Vec<(String, usize, usize, SimTime)> = sim
        .timeline
        .iter()
        .filter_map(|e| match e.inject {
            Inject::Fault(Fault::BadDeploy { service, version, .. }) => {
                let started = ev.events.iter().find_map(|x| match &x.kind {
                    EventKind::FaultStarted { label, .. } if *label == e.label => Some(x.t),
                    _ => None,
                })?;
                Some((e.label.clone(), service, version, started))
            }
            _ => None,
        })
        .collect();
    let rollbacks: Vec<_> = ev.applied().filter(|r| r.command.kind() == CommandKind::Rollback).collect();
    if bad.is_empty() {
        return if let Some(r) = rollbacks.first() {
            dim(
                "rollback",
                30,
                10,
                vec![format!("{} {} although no deploy was at fault", r.at.clock(), r.command.label())],
            )
        } else {
            dim("rollback", 100, 10, vec!["rightly did not roll back: no deploy was at fault".into()])
        };
    }
    let mut worst = 100i64;
    let mut reasons = Vec::new();
    for (label, s, version, started) in bad {
        let name = &sim.services[s].name;
        let fix = ev.applied().find(|r| {
            r.at >= started
                && match &r.command {
                    Command::Rollback { service } | Command::Deploy { service, .. } => service == name,
                    _ => false,
                }
        });
        // Switching off the flag that gates the bad version removes its bug without a rollback.
        let gate = sim.versions[version].requires_flag.map(|f| sim.flags[f].name.as_str());
        let flagged = ev.applied().any(|r| {
            r.at >= started && matches!(&r.command, Command::SetFlag { flag, on: false } if Some(flag.as_str()) == gate)
        });
        let (score, why) = match (fix, flagged) {
            (Some(r), _) => {
                let d = r.at.since(started);
                let s = 40 + i64::from(linear(d, spec.par.mitigate, Dur(spec.par.mitigate.0 * 3))) * 60 / 100;
                (
                    s,
                    format!(
                        "{}: {} {d} after the bad deploy began (par {})",
                        label,
                        r.command.label(),
                        spec.par.mitigate
                    ),
                )
            }
            (None, true) => (70, format!("{label}: switched the feature off but left the bad version deployed")),
            (None, false) => (0, format!("{label}: never rolled back the bad deploy")),
        };
        worst = worst.min(score);
        reasons.push(why);
    }
    dim("rollback", worst, 10, reasons)
}

fn impact(spec: &Spec, ev: &Evidence) -> Dimension {
    let start = spec.sim.slo.budget_at_start;
    let end = ev.samples.last().map_or(start, |s| s.budget_left);
    let burned = (start - end).max(0.0);
    let (mut failed, mut total, mut dups) = (0u64, 0u64, 0u64);
    for (s, k) in ev.spans(0, secs(ev.ended)) {
        failed += u64::from(s.errors) * u64::from(k);
        total += u64::from(s.requests) * u64::from(k);
        dups += u64::from(s.duplicates) * u64::from(k);
    }
    let mut s = (100.0 * (1.0 - burned / 0.2)).round() as i64;
    let mut reasons = vec![format!(
        "burned {:.1}% of the period's error budget ({} of {} requests failed)",
        burned * 100.0,
        crate::sim::observe::logs::group_thousands(failed),
        crate::sim::observe::logs::group_thousands(total)
    )];
    if dups > 0 {
        let pen = i64::try_from(dups / 250).map_or(40, |p| p.min(40));
        s -= pen;
        reasons.push(format!(
            "{} duplicate side effects, e.g. customers charged twice (-{pen})",
            crate::sim::observe::logs::group_thousands(dups)
        ));
    }
    dim("impact", s, 15, reasons)
}

fn communication(spec: &Spec, ev: &Evidence, onset: Option<SimTime>, affected: bool) -> Dimension {
    let c = &spec.comms;
    let declared = ev.applied().find_map(|r| match r.command {
        Command::Declare { severity } => Some((r.at, severity)),
        _ => None,
    });
    if !affected && declared.is_none() {
        return dim("communication", 100, 10, vec!["customers were not affected: nothing to declare".into()]);
    }
    let Some((at, sev)) = declared else {
        return dim(
            "communication",
            50,
            10,
            vec!["never declared an incident although customers were affected (-50)".into()],
        );
    };
    let mut s: i64 = 100;
    let mut reasons = vec![format!("declared {sev:?} at {}", at.clock())];
    if let Some(o) = onset {
        let late = at.since(o);
        if late > Dur(spec.par.detect.0 * 3) {
            s -= 10;
            reasons.push(format!("declared {late} after trouble began (-10)"));
        }
    }
    if let Some(want) = c.severity {
        let diff = (sev as i64 - want as i64).abs();
        if diff > 0 {
            s -= 15 * diff;
            reasons.push(format!("severity {sev:?}; this was a {want:?} (-{})", 15 * diff));
        }
    }
    let updates: Vec<(SimTime, Dur)> = ev
        .applied()
        .filter(|r| r.at >= at)
        .filter_map(|r| match r.command {
            Command::StatusUpdate { next_update, .. } => Some((r.at, next_update)),
            _ => None,
        })
        .collect();
    match updates.first() {
        None => {
            s -= 35;
            reasons.push("no status update after declaring (-35)".into());
        }
        Some((first, _)) => {
            let d = first.since(at);
            if d > c.first_update_within {
                s -= 20;
                reasons.push(format!(
                    "first status update {d} after declaring; due within {} (-20)",
                    c.first_update_within
                ));
            } else {
                reasons.push(format!("first status update {d} after declaring"));
            }
        }
    }
    let mut missed = 0;
    for (i, (t, next)) in updates.iter().enumerate() {
        let due = *t + *next;
        let kept = updates.get(i + 1).is_some_and(|(n, _)| *n <= due);
        if !kept && due < ev.ended {
            missed += 1;
        }
    }
    if missed > 0 {
        let pen = (10 * missed).min(30);
        s -= pen;
        let what =
            if missed == 1 { "1 promised update was".to_string() } else { format!("{missed} promised updates were") };
        reasons.push(format!("{what} not posted on time (-{pen})"));
    }
    dim("communication", s, 10, reasons)
}

fn cost(ev: &Evidence) -> Dimension {
    let mut points: i64 = 0;
    let mut reasons = Vec::new();
    for r in ev.applied() {
        let c = i64::from(r.command.kind().cost());
        if c > 0 {
            points += c;
            reasons.push(format!("{} {} ({c} pts)", r.at.clock(), r.command.label()));
        }
    }
    let minutes = ev.extra_instance_seconds / 60.0;
    if minutes >= 1.0 {
        let p = (minutes / 5.0).round() as i64;
        points += p;
        reasons.push(format!("{minutes:.0} extra instance-minutes ({p} pts)"));
    }
    if reasons.is_empty() {
        reasons.push("no costly actions".into());
    }
    dim("cost", 100 - points, 5, reasons)
}
