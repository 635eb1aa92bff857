//! Judging the player's commands: the scenario's own verdicts (matched by kind, service,
//! target, on/off and scale direction) and generic rules the engine can observe — scaling into
//! an exhausted database, restarting during a retry storm, rolling back an innocent deploy or
//! rolling back onto a broken version, enabling retries on a non-idempotent call, taking a hint.
//! When both speak about one command, a rule's harm cancels the scenario's helpful credit (the
//! rule saw what the command did here), and the command is penalised once, not twice.

use super::Dimension;
use super::evidence::Evidence;
use crate::scenario::{Direction, Judgement, Spec, Verdict};
use crate::sim::Command;
use crate::sim::control::clear::{switch, targets};
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::Inject;
use crate::sim::model::spec::Target;
use crate::sim::{EventKind, SimTime};
use serde::{Deserialize, Serialize};

/// Where a verdict came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Scenario,
    Rule,
}

/// One judged command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub at: SimTime,
    pub command: String,
    pub verdict: Verdict,
    pub why: String,
    pub source: Source,
}

/// The instance count a service had just before `at`.
fn instances_before(spec: &Spec, ev: &Evidence, service: &str, at: SimTime) -> u32 {
    let start = spec.sim.service_index(service).map_or(0, |s| spec.sim.services[s].instances);
    ev.events
        .iter()
        .rev()
        .filter(|e| e.t <= at)
        .find_map(|e| match &e.kind {
            EventKind::Scaled { service: s, to, .. } if s == service => Some(*to),
            _ => None,
        })
        .unwrap_or(start)
}

fn direction(spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> Option<Direction> {
    let Command::Scale { service, instances } = c else { return None };
    let before = instances_before(spec, ev, service, at);
    Some(if *instances > before { Direction::Up } else { Direction::Down })
}

fn matches(j: &Judgement, spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> bool {
    j.command == c.kind()
        && j.service.as_deref().is_none_or(|s| c.service() == Some(s))
        && j.target.as_deref().is_none_or(|t| targets(c).contains(&t))
        && j.on.is_none_or(|on| switch(c) == Some(on))
        && j.direction.is_none_or(|d| direction(spec, ev, c, at) == Some(d))
}

/// Every applied command with a verdict (commands nobody has an opinion on are left out).
pub fn decisions(spec: &Spec, ev: &Evidence) -> Vec<Decision> {
    let mut out = Vec::new();
    for r in ev.applied() {
        let c = &r.command;
        let text = c.label();
        let broken = rule(spec, ev, c, r.at);
        // A scenario judges a kind of command; a rule sees what this one did in this state. A
        // command that breaks a rule earns no credit as helpful (payments-outage calls any retry
        // change helpful because the expert lowers retries; raising them is the opposite).
        if let Some(j) = spec.judge.iter().find(|j| matches(j, spec, ev, c, r.at))
            && !(j.verdict == Verdict::Helpful && broken.is_some())
        {
            out.push(Decision {
                at: r.at,
                command: text.clone(),
                verdict: j.verdict,
                why: j.why.clone(),
                source: Source::Scenario,
            });
        }
        if let Some(why) = broken {
            // A hint is noted, not condemned: its price is paid under cost.
            let verdict = if matches!(c, Command::Hint) { Verdict::Neutral } else { Verdict::Harmful };
            out.push(Decision { at: r.at, command: text, verdict, why, source: Source::Rule });
        }
    }
    out
}

/// Generic rules; `Some(reason)` when the command breaks one.
fn rule(spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> Option<String> {
    let sim = &spec.sim;
    let sample = ev.at(at.whole_secs().saturating_sub(1) as u32);
    match c {
        Command::Hint => Some("asked for a hint (its 10 points count under cost)".into()),
        Command::Scale { service, .. } if direction(spec, ev, c, at) == Some(Direction::Up) => {
            let s = sim.service_index(service)?;
            let uses_db = sim.services[s].deps.iter().any(|d| d.target == Target::Database);
            let sample = sample?;
            let waiting = sample.services.get(s).is_some_and(|x| x.pool_waiting > 0);
            // Requests waiting for a pool connection alone are not saturation: with the database
            // idle the pools are too small, and more instances (more pools) do help.
            (uses_db && (sample.db_load >= 0.9 || sample.db_full)).then(|| {
                format!(
                    "scaled {service} out while the database was saturated (load {:.0}%{}{}): more instances bring more connections and queries, not more database",
                    sample.db_load * 100.0,
                    if sample.db_full { ", at its connection limit" } else { "" },
                    if waiting { ", requests waiting for connections" } else { "" }
                )
            })
        }
        Command::Restart { service, .. } => {
            let s = sim.service_index(service)?;
            let sample = sample?;
            let storm = sample.tries_per_request >= 1.3
                || sample.services.iter().flat_map(|x| &x.tries_per_call).any(|t| *t >= 1.5);
            let busy = sample.services.get(s).is_some_and(|x| x.worker_util >= 0.9);
            (storm && busy).then(|| {
                format!("restarted {service} during a retry storm: clients keep retrying, so restarted instances are overwhelmed again")
            })
        }
        Command::Rollback { service } => {
            let s = sim.service_index(service)?;
            let active_bad_deploy = sim.timeline.iter().enumerate().any(|(i, e)| {
                matches!(e.inject, Inject::Fault(Fault::BadDeploy { service: fs, .. }) if fs == s)
                    && fault_active(ev, &sim.timeline[i].label, at)
            });
            if !active_bad_deploy {
                return Some(format!("rolled back {service}, but its deploy was not the cause"));
            }
            // Rolling back onto a version that is broken too spreads the fault.
            let to = ev.events.iter().filter(|e| e.t >= at).find_map(|e| match &e.kind {
                EventKind::DeployStarted { service: sv, to, by, .. } if sv == service && by == "you" => {
                    Some(to.clone())
                }
                _ => None,
            })?;
            let v = sim.version_index(&to).map(|i| &sim.versions[i])?;
            (v.error_rate > 0.0 || v.crash_on_start || v.leak_mb_per_s > 0.0 || v.extra_queries > 0)
                .then(|| format!("rolled back onto {to}, which is broken too ({})", v.note))
        }
        Command::SetRetries { service, dependency, max_attempts, .. } if *max_attempts > 1 => {
            let s = sim.service_index(service)?;
            let d = sim.dep_index(s, dependency)?;
            let p = &sim.services[s].deps[d].policy;
            (!p.idempotent && !p.idempotency_key).then(|| {
                format!("enabled retries on {service}→{dependency}, which is not idempotent and has no idempotency key: a retried call can take effect twice")
            })
        }
        _ => None,
    }
}

/// Points a verdict costs: a scenario's harm 25, a rule's 20.
fn penalty(d: &Decision) -> i64 {
    match (d.verdict, d.source) {
        (Verdict::Harmful, Source::Rule) => -20,
        (Verdict::Harmful, Source::Scenario) => -25,
        _ => 0,
    }
}

/// The decisions dimension: 100, less each harmful verdict, less 40 when the scenario knows a
/// helpful command and none was used.
pub(super) fn decision_quality(spec: &Spec, decisions: &[Decision]) -> Dimension {
    let mut s: i64 = 100;
    let mut reasons = Vec::new();
    for (i, d) in decisions.iter().enumerate() {
        // One command, one penalty: when the scenario and a generic rule both condemn the same
        // command (scaling out into the saturated database in slow-database), it costs the
        // larger of the two, charged on the first reason that carries it; both reasons show.
        let same = |o: &&Decision| o.at == d.at && o.command == d.command;
        let worst = decisions.iter().filter(same).map(penalty).min().unwrap_or(0);
        let charged = decisions.iter().position(|o| same(&o) && penalty(o) == worst) == Some(i);
        let delta = penalty(d);
        let tag = match d.verdict {
            Verdict::Helpful => "helpful",
            Verdict::Neutral => "neutral",
            Verdict::Harmful => "harmful",
        };
        let pts = if delta == 0 {
            String::new()
        } else if charged {
            s += delta;
            format!(" ({delta})")
        } else {
            " (same command, counted once)".to_string()
        };
        reasons.push(format!("{} {} — {tag}: {}{pts}", d.at.clock(), d.command, d.why));
    }
    let has_helpful = spec.judge.iter().any(|j| j.verdict == Verdict::Helpful);
    if has_helpful && !decisions.iter().any(|d| d.verdict == Verdict::Helpful) {
        s -= 40;
        reasons.push("no command addressed the cause (-40)".into());
    }
    if reasons.is_empty() {
        reasons.push("no judged commands".into());
    }
    super::dim("decisions", s, 20, reasons)
}

/// Whether the timeline entry `label` was active at `at`, from the event log.
pub fn fault_active(ev: &Evidence, label: &str, at: SimTime) -> bool {
    let mut active = false;
    for e in ev.events.iter().filter(|e| e.t <= at) {
        match &e.kind {
            EventKind::FaultStarted { label: l, .. } if l == label => active = true,
            EventKind::FaultCleared { label: l, .. } if l == label => active = false,
            _ => {}
        }
    }
    active
}

/// Whether `alert` was firing at `at`, from the event log.
fn firing(ev: &Evidence, alert: &str, at: SimTime) -> bool {
    let mut on = false;
    for e in ev.events.iter().filter(|e| e.t <= at) {
        match &e.kind {
            EventKind::AlertFiring { alert: a, .. } if a == alert => on = true,
            EventKind::AlertResolved { alert: a } if a == alert => on = false,
            _ => {}
        }
    }
    on
}

/// Commands that count as a meaningful first response: acknowledging an alert that is firing
/// (acking a quiet one answers nothing: the game accepts it, as a silence), declaring, or a
/// command the scenario calls helpful that breaks no generic rule (as in `decisions`).
pub fn meaningful(spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> bool {
    match c {
        // A red herring (a scripted alert that means nothing) is not the incident.
        Command::Ack { alert } => spec.sim.alerts.iter().any(|a| &a.name == alert) && firing(ev, alert, at),
        Command::Declare { .. } => true,
        _ => {
            spec.judge.iter().any(|j| j.verdict == Verdict::Helpful && matches(j, spec, ev, c, at))
                && rule(spec, ev, c, at).is_none()
        }
    }
}
