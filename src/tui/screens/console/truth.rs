//! What is really going on, for the facilitator: each timeline entry of the scenario (live
//! injects included) that has fired, with its state, and each still to come, with its
//! trigger. Derived from the run's event log and the scenario alone, so the console reads the
//! engine through the same public views as the debrief: a fault's onset, clear or aversion is
//! a hidden event carrying its label; an entry that is not a fault (a message, a log line, a
//! red-herring alert, someone else's change) is known by its visible effect, or by its time.

use crate::sim::model::fault::Fault;
use crate::sim::model::rules::{Cmp, Condition, Inject, TimelineEntry, Trigger};
use crate::sim::{Category, EventKind, SimTime};
use crate::tui::game::Game;

/// Where a fired entry stands.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// A fault in force now.
    Active,
    /// A fault that ended, and why.
    Cleared { at: SimTime, why: String },
    /// Over as soon as it happened: a momentary fault, a message, a log line, a change.
    Momentary,
}

/// A timeline entry that has fired.
#[derive(Clone, Debug, PartialEq)]
pub struct Fired {
    pub at: SimTime,
    pub label: String,
    pub state: State,
    pub what: String,
}

/// A timeline entry still to come (or headed off: `averted` says why it never will).
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// "at 06:00", "when v42 rollout started and no `StatusUpdate` by 09:00".
    pub trigger: String,
    pub label: String,
    pub what: String,
    pub averted: Option<String>,
}

/// The fired entries in the order they fired, and the rest in the scenario's order.
pub fn truth(game: &Game) -> (Vec<Fired>, Vec<Pending>) {
    let timeline = &game.spec.sim.timeline;
    let mut fired = Vec::new();
    let mut pending = Vec::new();
    for (i, e) in timeline.iter().enumerate() {
        let what = describe(game, &e.inject);
        let label = e.label.clone();
        let averted = game.sim.events().iter().find_map(|ev| match &ev.kind {
            EventKind::FaultAverted { label: l, why } if *l == e.label => Some(why.clone()),
            _ => None,
        });
        let state = match &e.inject {
            Inject::Fault(f) => fault_state(game, &e.label, f),
            _ => effect_at(game, timeline, i).map(|at| (at, State::Momentary)),
        };
        match state {
            Some((at, state)) => fired.push(Fired { at, label, state, what }),
            None => pending.push(Pending { trigger: trigger(game, &e.trigger), label, what, averted }),
        }
    }
    fired.sort_by_key(|f| f.at);
    (fired, pending)
}

/// A fault entry's onset and state, from its hidden events.
fn fault_state(game: &Game, label: &str, f: &Fault) -> Option<(SimTime, State)> {
    let events = game.sim.events();
    let start =
        events.iter().position(|e| matches!(&e.kind, EventKind::FaultStarted { label: l, .. } if l == label))?;
    let at = events[start].t;
    if f.is_momentary() {
        return Some((at, State::Momentary));
    }
    let cleared = events[start..].iter().find_map(|e| match &e.kind {
        EventKind::FaultCleared { label: l, why, .. } if l == label => {
            Some(State::Cleared { at: e.t, why: why.clone() })
        }
        _ => None,
    });
    Some((at, cleared.unwrap_or(State::Active)))
}

/// When entry `i` (not a fault) fired. One at a time fired once its time came; one with a
/// condition is known by its visible effect. Entries with the same effect (two identical
/// reboots) take the effect's distinct instants in the scenario's order.
fn effect_at(game: &Game, timeline: &[TimelineEntry], i: usize) -> Option<SimTime> {
    let e = &timeline[i];
    if let Trigger::At(t) = e.trigger {
        return (game.sim.now() >= t).then_some(t);
    }
    let mut times = effect_times(game, &e.inject);
    times.dedup();
    let twins = timeline[..i]
        .iter()
        .filter(|o| matches!(o.trigger, Trigger::When(_)) && same_effect(&o.inject, &e.inject))
        .count();
    times.get(twins).copied()
}

fn same_effect(a: &Inject, b: &Inject) -> bool {
    match (a, b) {
        (Inject::Message { from: f1, text: t1 }, Inject::Message { from: f2, text: t2 }) => f1 == f2 && t1 == t2,
        (Inject::Log { source: s1, text: t1, .. }, Inject::Log { source: s2, text: t2, .. }) => s1 == s2 && t1 == t2,
        (Inject::FakeAlert { name: n1, .. }, Inject::FakeAlert { name: n2, .. }) => n1 == n2,
        (Inject::Change(f1), Inject::Change(f2)) => actor(f1).is_some() && actor(f1) == actor(f2),
        _ => false,
    }
}

/// The instants an inject's visible effect appeared, in order.
fn effect_times(game: &Game, inject: &Inject) -> Vec<SimTime> {
    let visible = game.sim.events().iter().filter(|e| !e.hidden);
    match inject {
        Inject::Message { from, text } => visible
            .filter(|e| matches!(&e.kind, EventKind::Message { from: f, text: t } if f == from && t == text))
            .map(|e| e.t)
            .collect(),
        Inject::FakeAlert { name, .. } => visible
            .filter(|e| matches!(&e.kind, EventKind::AlertFiring { alert, .. } if alert == name))
            .map(|e| e.t)
            .collect(),
        Inject::Log { source, text, .. } => {
            game.sim.logs().lines().iter().filter(|l| &l.source == source && &l.text == text).map(|l| l.t).collect()
        }
        Inject::Change(f) => {
            let Some(by) = actor(f) else { return Vec::new() };
            visible
                .filter(|e| matches!(e.kind.category(), Category::Change(_)) && e.kind.actor() == Some(by))
                .map(|e| e.t)
                .collect()
        }
        Inject::Fault(_) => Vec::new(),
    }
}

/// Who makes a change, for the changes that name someone.
fn actor(f: &Fault) -> Option<&str> {
    match f {
        Fault::BadDeploy { by, .. }
        | Fault::FlagFlip { by, .. }
        | Fault::CapacityChange { by, .. }
        | Fault::ManualCommand { by, .. }
        | Fault::BadConfig { by, .. } => Some(by),
        _ => None,
    }
}

/// What an entry does, in a line.
pub fn describe(game: &Game, inject: &Inject) -> String {
    match inject {
        Inject::Fault(f) => format!("{} ({})", game.sim.describe_fault(f), f.name()),
        Inject::Change(f) => format!("change: {}", game.sim.describe_fault(f)),
        Inject::Message { from, text } => format!("message from {from}: {text}"),
        Inject::Log { source, level, text } => format!("log {} {source}: {text}", level.label()),
        Inject::FakeAlert { name, severity, summary, duration } => {
            format!("fake alert {name} ({}, {}): {summary}", severity.word(), duration.human())
        }
    }
}

fn trigger(game: &Game, t: &Trigger) -> String {
    match t {
        Trigger::At(at) => format!("at {}", at.clock()),
        Trigger::When(c) => format!("when {}", condition(game, c)),
        Trigger::Manual => "contingency: yours to fire".to_string(),
    }
}

/// A condition in words, close to how the scenario file writes it.
pub fn condition(game: &Game, c: &Condition) -> String {
    let sim = &game.spec.sim;
    let label = |i: &usize| sim.timeline.get(*i).map_or_else(|| format!("entry {}", i + 1), |e| e.label.clone());
    let metric = |m: &crate::sim::MetricRef, op: &Cmp, value: &f64| {
        let name = snake(&format!("{:?}", m.metric));
        let op = if *op == Cmp::Above { "above" } else { "below" };
        format!("{}.{name} {op} {value}", game.row_name(m.component))
    };
    let svc = |s: &usize| sim.services.get(*s).map_or("?", |x| x.name.as_str());
    let ver = |v: &usize| sim.versions.get(*v).map_or("?", |x| x.name.as_str());
    let list = |cs: &[Condition], join: &str| {
        let parts: Vec<String> = cs
            .iter()
            .map(|c| match c {
                Condition::All(_) | Condition::Any(_) => format!("({})", condition(game, c)),
                _ => condition(game, c),
            })
            .collect();
        parts.join(join)
    };
    match c {
        Condition::Metric { metric: m, op, value, for_ } => format!("{} for {}", metric(m, op, value), for_.human()),
        Condition::Recovered { metric: m, op, value, for_ } => {
            format!("{} again for {}", metric(m, op, value), for_.human())
        }
        Condition::After(t) => format!("after {}", t.clock()),
        Condition::Command(k) => format!("someone sends {k:?}"),
        Condition::NoCommandBy { kind, by } => format!("no {kind:?} by {}", by.clock()),
        Condition::Declared => "the incident is declared".into(),
        Condition::StatusPosted => "a status update is posted".into(),
        Condition::Started(i) => format!("{} started", label(i)),
        Condition::FaultActive(i) => format!("{} is active", label(i)),
        Condition::FaultCleared(i) => format!("{} cleared", label(i)),
        Condition::Averted(i) => format!("{} averted", label(i)),
        Condition::FlagOn(f) => format!("flag {} on", sim.flags.get(*f).map_or("?", |x| x.name.as_str())),
        Condition::VersionEverywhere { service, version } => format!("{} all on {}", svc(service), ver(version)),
        Condition::VersionGone { service, version } => format!("{} runs no {}", svc(service), ver(version)),
        Condition::Blocked(client) => format!("{client} is blocked"),
        Condition::All(cs) => list(cs, " and "),
        Condition::Any(cs) => list(cs, " or "),
        Condition::Not(c) => format!("not ({})", condition(game, c)),
    }
}

/// `ErrorRate` → `error_rate`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_read_as_the_scenario_writes_them() {
        assert_eq!(snake("ErrorRate"), "error_rate");
        assert_eq!(snake("P99"), "p99");
    }
}
