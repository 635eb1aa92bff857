//! Judging the player's commands: the scenario's own verdicts, matched by what the command does
//! — its kind (a deploy of the previous version is a rollback), service, target, switch,
//! version, the direction it moves its setting (up or down, longer or shorter, on or off, set
//! or removed) and its value — and generic rules (`judge_rules`) for what the scenario does not
//! judge. When both speak about one command, a rule's harm cancels the scenario's helpful
//! credit (the rule saw what the command did here), and the command is penalised once, not
//! twice.

use super::Dimension;
use super::evidence::Evidence;
use super::settings;
use crate::scenario::{Judgement, Spec, Verdict};
use crate::sim::control::clear::{switch, targets};
use crate::sim::{Command, CommandKind};
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

/// Whether judgement `j` speaks about command `c` applied at `at`: its kind (a deploy of the
/// previous version counts as a rollback), service, target, switch, version, the direction it
/// moves its setting and the bounds on its value — each field given must fit.
fn matches(j: &Judgement, spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> bool {
    let kind = c.kind();
    let rollback_by_hand = j.command == CommandKind::Rollback && settings::is_manual_rollback(ev, c, at);
    if !(j.command == kind || rollback_by_hand) {
        return false;
    }
    if !(j.service.as_deref().is_none_or(|s| c.service() == Some(s))
        && j.target.as_deref().is_none_or(|t| rollback_by_hand || targets(c).contains(&t))
        && j.on.is_none_or(|on| switch(c) == Some(on))
        && j.version.as_deref().is_none_or(|v| settings::version(ev, c, at) == Some(v)))
    {
        return false;
    }
    if j.direction.is_none() && j.at_least.is_none() && j.at_most.is_none() {
        return true;
    }
    let Some(change) = settings::change(spec, ev, c, at) else { return false };
    j.direction.is_none_or(|d| change.is(d))
        && j.at_least.is_none_or(|lo| change.value().is_some_and(|v| v >= lo))
        && j.at_most.is_none_or(|hi| change.value().is_some_and(|v| v <= hi))
}

/// Every applied command with a verdict (commands nobody has an opinion on are left out).
pub fn decisions(spec: &Spec, ev: &Evidence) -> Vec<Decision> {
    decisions_by_record(spec, ev).into_iter().map(|(_, d)| d).collect()
}

/// `decisions`, each with the index in `ev.commands` of the command it judges.
pub(super) fn decisions_by_record(spec: &Spec, ev: &Evidence) -> Vec<(usize, Decision)> {
    let mut out = Vec::new();
    // The facilitator's commands run the exercise: nobody is judged on them.
    let judged =
        ev.commands.iter().enumerate().filter(|(_, r)| r.rejected.is_none() && !r.command.kind().facilitator_only());
    for (k, r) in judged {
        let c = &r.command;
        let text = c.label();
        let broken = super::judge_rules::rule(spec, ev, c, r.at);
        // A scenario judges a kind of command; a rule sees what this one did in this state. A
        // command that breaks a rule earns no credit as helpful (payments-outage calls any retry
        // change helpful because the expert lowers retries; raising them is the opposite).
        if let Some(j) = spec.judge.iter().find(|j| matches(j, spec, ev, c, r.at))
            && !(j.verdict == Verdict::Helpful && broken.is_some())
        {
            out.push((
                k,
                Decision {
                    at: r.at,
                    command: text.clone(),
                    verdict: j.verdict,
                    why: j.why.clone(),
                    source: Source::Scenario,
                },
            ));
        }
        if let Some(why) = broken {
            // A hint is noted, not condemned: its price is paid under cost.
            let verdict = if matches!(c, Command::Hint) { Verdict::Neutral } else { Verdict::Harmful };
            out.push((k, Decision { at: r.at, command: text, verdict, why, source: Source::Rule }));
        }
    }
    out
}

/// Points a verdict costs: a scenario's harm 30, a rule's 25 (the scenario knows its trap; a
/// rule sees a command that is usually wrong). Two traps leave 40 of 100 and a third 10: the
/// decisions weigh a quarter of the score, so each trap costs 6–8 points overall.
fn penalty(d: &Decision) -> i64 {
    match (d.verdict, d.source) {
        (Verdict::Harmful, Source::Rule) => -25,
        (Verdict::Harmful, Source::Scenario) => -30,
        _ => 0,
    }
}

/// The points each decision earns or costs, and the base they add to: the dimension is the
/// base plus their sum (before it is held to 0–100). A harmful verdict costs its penalty, once
/// per command; when the scenario knows a helpful command, the base is 50 and the first
/// helpful decision earns the other 50 (so no helpful command costs 50, as it always has).
pub(super) fn decision_points(spec: &Spec, decisions: &[Decision]) -> (i64, Vec<i64>) {
    let has_helpful = spec.judge.iter().any(|j| j.verdict == Verdict::Helpful);
    let first_helpful = decisions.iter().position(|d| d.verdict == Verdict::Helpful);
    let points = decisions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let credit = if has_helpful && first_helpful == Some(i) { 50 } else { 0 };
            credit + if charged(decisions, i) { penalty(d) } else { 0 }
        })
        .collect();
    (if has_helpful { 50 } else { 100 }, points)
}

/// One command, one penalty: when the scenario and a generic rule both condemn the same
/// command (scaling out into the saturated database in slow-database), it costs the larger of
/// the two, charged on the first reason that carries it; both reasons show.
fn charged(decisions: &[Decision], i: usize) -> bool {
    let d = &decisions[i];
    let same = |o: &&Decision| o.at == d.at && o.command == d.command;
    let worst = decisions.iter().filter(same).map(penalty).min().unwrap_or(0);
    decisions.iter().position(|o| same(&o) && penalty(o) == worst) == Some(i)
}

/// The decisions dimension: 100, less each harmful verdict, less 50 when the scenario knows a
/// helpful command and none was used.
pub(super) fn decision_quality(spec: &Spec, decisions: &[Decision], weight: u32) -> Dimension {
    let mut s: i64 = 100;
    let mut reasons = Vec::new();
    for (i, d) in decisions.iter().enumerate() {
        let charged = charged(decisions, i);
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
        reasons.push(format!("{} {} — {tag}: {}{pts}", spec.clock(d.at), d.command, d.why));
    }
    let has_helpful = spec.judge.iter().any(|j| j.verdict == Verdict::Helpful);
    if has_helpful && !decisions.iter().any(|d| d.verdict == Verdict::Helpful) {
        // Half the dimension: addressing the cause is the decision that matters most.
        s -= 50;
        // A command the scenario calls helpful that broke a rule was no fix: say so.
        let harmed = decisions.iter().any(|d| d.source == Source::Rule && d.verdict == Verdict::Harmful);
        reasons.push(if harmed {
            "no command addressed the cause without doing harm (-50)".into()
        } else {
            "no command addressed the cause (-50)".into()
        });
    }
    if reasons.is_empty() {
        reasons.push("no judged commands".into());
    }
    super::dim("decisions", s, weight, reasons)
}

/// Whether the timeline entry `label` was active at `at`, from the event log.
pub fn fault_active(ev: &Evidence, label: &str, at: SimTime) -> bool {
    let mut active = false;
    for e in ev.events_until(at) {
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
    for e in ev.events_until(at) {
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
        _ if c.kind().facilitator_only() => false,
        _ => {
            spec.judge.iter().any(|j| j.verdict == Verdict::Helpful && matches(j, spec, ev, c, at))
                && super::judge_rules::rule(spec, ev, c, at).is_none()
        }
    }
}
