//! Rollback judgement and cost. Rollback: rolling back a bad deploy promptly (or switching off
//! the flag that gates it), never rolling back when no deploy is at fault. Cost: what the
//! player's actions cost in money, risk and people's time — each command's price and the extra
//! instance-minutes.

use super::evidence::Evidence;
use super::{Dimension, dim, linear, settings};
use crate::scenario::Spec;
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::Inject;
use crate::sim::{Command, CommandKind, Dur, EventKind, SimTime};

pub(super) fn rollback(spec: &Spec, ev: &Evidence, weight: u32) -> Dimension {
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
                weight,
                vec![format!("{} {} although no deploy was at fault", spec.clock(r.at), r.command.label())],
            )
        } else {
            dim("rollback", 100, weight, vec!["rightly did not roll back: no deploy was at fault".into()])
        };
    }
    let mut worst = 100i64;
    let mut reasons = Vec::new();
    for (label, s, version, started) in bad {
        let name = &sim.services[s].name;
        // A rollback, or a deploy of another version than the bad one (a roll forward or the
        // previous version by hand).
        let bad_name = &sim.versions[version].name;
        let fix = ev.applied().find(|r| {
            r.at >= started
                && match &r.command {
                    Command::Rollback { service } => service == name,
                    Command::Deploy { service, version } => service == name && version != bad_name,
                    _ => false,
                }
        });
        // Switching off the flag that gates the bad version removes its bug without a rollback.
        let gate = sim.versions[version].requires_flag.map(|f| sim.flags[f].name.as_str());
        let flag_off = ev.applied().find(|r| {
            r.at >= started && matches!(&r.command, Command::SetFlag { flag, on: false } if Some(flag.as_str()) == gate)
        });
        let (score, why) = match (fix, flag_off) {
            // The flag took the bug away at once; the rollback that follows removes the code at
            // leisure: its timing no longer hurts anyone.
            (Some(r), Some(f)) if f.at <= r.at => (
                100,
                format!(
                    "{label}: switched the feature off at {}, then {}{} to remove the bad version",
                    spec.clock(f.at),
                    r.command.label(),
                    if settings::is_manual_rollback(ev, &r.command, r.at) { " (a rollback by hand)" } else { "" }
                ),
            ),
            (Some(r), _) => {
                let d = r.at.since(started);
                let s = 40 + i64::from(linear(d, spec.par.mitigate, Dur(spec.par.mitigate.0 * 3))) * 60 / 100;
                (
                    s,
                    format!(
                        "{}: {}{} {} after the bad deploy began (par {})",
                        label,
                        r.command.label(),
                        if settings::is_manual_rollback(ev, &r.command, r.at) { " (a rollback by hand)" } else { "" },
                        d.human(),
                        spec.par.mitigate.human()
                    ),
                )
            }
            (None, Some(_)) => (70, format!("{label}: switched the feature off but left the bad version deployed")),
            (None, None) => (0, format!("{label}: never rolled back the bad deploy")),
        };
        worst = worst.min(score);
        reasons.push(why);
    }
    dim("rollback", worst, weight, reasons)
}

pub(super) fn cost(spec: &Spec, ev: &Evidence, weight: u32) -> Dimension {
    let mut points: i64 = 0;
    let mut reasons = Vec::new();
    for r in ev.applied() {
        let c = i64::from(r.command.kind().cost());
        if c > 0 {
            points += c;
            reasons.push(format!("{} {} ({c} pts)", spec.clock(r.at), r.command.label()));
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
    dim("cost", 100 - points, weight, reasons)
}
