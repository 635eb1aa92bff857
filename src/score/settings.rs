//! What a command changed: the setting it moves, as it was just before the command and as the
//! command sets it — so a judgement can read the direction (more or fewer instances, a longer
//! or shorter timeout, a rate limit set or removed) and the value, not just the kind. The value
//! before is the scenario's own, then the last change to it before the command: the player's
//! earlier commands and the bad config pushes that had started. (Reverting a config push is not
//! followed: a judgement after a revert compares with the value before the revert.)

use super::evidence::Evidence;
use crate::scenario::{Direction, Spec};
use crate::sim::model::fault::{ConfigChange, Fault};
use crate::sim::model::rules::Inject;
use crate::sim::{Command, EventKind, SimTime};

/// A setting's value: a number (instances, tries, size, rps, fraction, seconds), a switch, or
/// "no limit".
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Switch(bool),
    /// No rate limit: as high as it goes.
    Unlimited,
}

impl Value {
    fn number(self) -> f64 {
        match self {
            Value::Number(x) => x,
            Value::Switch(on) => f64::from(u8::from(on)),
            Value::Unlimited => f64::INFINITY,
        }
    }
}

/// The change a command makes: before and after.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    pub before: Value,
    pub after: Value,
}

impl Change {
    /// Whether the change goes the way `d` says.
    pub fn is(&self, d: Direction) -> bool {
        let (a, b) = (self.before.number(), self.after.number());
        match d {
            Direction::Up | Direction::Longer => b > a,
            Direction::Down | Direction::Shorter => b < a,
            Direction::On | Direction::Set => matches!(self.after, Value::Switch(true)) || (b > 0.0 && b.is_finite()),
            Direction::Off => matches!(self.after, Value::Switch(false)) || b == 0.0,
            Direction::Removed => matches!(self.after, Value::Unlimited) || b == 0.0,
        }
    }

    /// The command's number, for `at_least` / `at_most`.
    pub fn value(&self) -> Option<f64> {
        match self.after {
            Value::Number(x) => Some(x),
            _ => None,
        }
    }
}

/// The earlier applied commands, newest first.
fn earlier(ev: &Evidence, at: SimTime) -> impl Iterator<Item = &Command> {
    ev.commands_before(at).iter().rev().filter(|r| r.rejected.is_none()).map(|r| &r.command)
}

/// Config pushes by others (bad config faults) to service `s` that started before `at`, newest first.
fn pushes<'a>(spec: &'a Spec, ev: &'a Evidence, s: usize, at: SimTime) -> impl Iterator<Item = &'a ConfigChange> {
    // Without a config push to `s` in the timeline there is nothing to look for.
    let pushed_to_s = spec
        .sim
        .timeline
        .iter()
        .any(|x| matches!(&x.inject, Inject::Fault(Fault::BadConfig { service, .. }) if *service == s));
    let until = if pushed_to_s { at } else { SimTime::ZERO };
    ev.events_before(until).iter().rev().filter_map(move |e| match &e.kind {
        EventKind::FaultStarted { label, .. } => {
            spec.sim.timeline.iter().find(|x| &x.label == label).and_then(|x| match &x.inject {
                Inject::Fault(Fault::BadConfig { service, change, .. }) if *service == s => Some(change),
                _ => None,
            })
        }
        _ => None,
    })
}

/// What `c` (applied at `at`) changes, or `None` for a command that moves no setting.
pub fn change(spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> Option<Change> {
    use Command as C;
    let sim = &spec.sim;
    let dep = |service: &str, dependency: &str| {
        let s = sim.service_index(service)?;
        Some((s, sim.dep_index(s, dependency)?))
    };
    Some(match c {
        C::Scale { service, instances } => {
            let before = ev
                .events_until(at)
                .iter()
                .rev()
                .find_map(|e| match &e.kind {
                    // The player's scale, or someone else's capacity change.
                    EventKind::Scaled { service: s, to, .. } | EventKind::CapacityChanged { service: s, to, .. }
                        if s == service =>
                    {
                        Some(*to)
                    }
                    _ => None,
                })
                .or_else(|| sim.service_index(service).map(|s| sim.services[s].instances))?;
            Change { before: Value::Number(f64::from(before)), after: Value::Number(f64::from(*instances)) }
        }
        C::SetRetries { service, dependency, max_attempts, budget, .. } => {
            let (s, d) = dep(service, dependency)?;
            let mine = earlier(ev, at).find_map(|x| match x {
                C::SetRetries { service: a, dependency: b, max_attempts, .. } if a == service && b == dependency => {
                    Some(*max_attempts)
                }
                _ => None,
            });
            let pushed = pushes(spec, ev, s, at).find_map(|x| match x {
                ConfigChange::Retries { dep, max_attempts } if *dep == d => Some(*max_attempts),
                _ => None,
            });
            let before = mine.or(pushed).unwrap_or(sim.services[s].deps[d].policy.retry.max_attempts);
            if *max_attempts == before
                && let Some(on) = budget
            {
                // Only the retry budget changes: a switch.
                return Some(Change { before: Value::Switch(!on), after: Value::Switch(*on) });
            }
            Change { before: Value::Number(f64::from(before)), after: Value::Number(f64::from(*max_attempts)) }
        }
        C::SetTimeout { service, dependency, timeout } => {
            let (s, d) = dep(service, dependency)?;
            let mine = earlier(ev, at).find_map(|x| match x {
                C::SetTimeout { service: a, dependency: b, timeout } if a == service && b == dependency => {
                    Some(*timeout)
                }
                _ => None,
            });
            let pushed = pushes(spec, ev, s, at).find_map(|x| match x {
                ConfigChange::Timeout { dep, timeout } if *dep == d => Some(*timeout),
                _ => None,
            });
            let before = mine.or(pushed).unwrap_or(sim.services[s].deps[d].policy.timeout);
            Change { before: Value::Number(before.secs_f64()), after: Value::Number(timeout.secs_f64()) }
        }
        C::SetPoolSize { service, size } => {
            let s = sim.service_index(service)?;
            let mine = earlier(ev, at).find_map(|x| match x {
                C::SetPoolSize { service: a, size } if a == service => Some(*size),
                _ => None,
            });
            let pushed = pushes(spec, ev, s, at).find_map(|x| match x {
                ConfigChange::PoolSize(n) => Some(*n),
                _ => None,
            });
            let before = mine.or(pushed).or(sim.services[s].pool.as_ref().map(|p| p.size))?;
            Change { before: Value::Number(f64::from(before)), after: Value::Number(f64::from(*size)) }
        }
        C::SetShed { fraction } => {
            let before = earlier(ev, at)
                .find_map(|x| match x {
                    C::SetShed { fraction } => Some(*fraction),
                    _ => None,
                })
                .unwrap_or(sim.edge.shed_fraction);
            Change { before: Value::Number(before), after: Value::Number(*fraction) }
        }
        C::SetRateLimit { rps, .. } => {
            let limit = |r: Option<f64>| r.map_or(Value::Unlimited, Value::Number);
            let before = earlier(ev, at)
                .find_map(|x| match x {
                    C::SetRateLimit { rps, .. } => Some(limit(*rps)),
                    _ => None,
                })
                .unwrap_or(limit(sim.edge.rate_limit.map(|b| b.rate)));
            Change { before, after: limit(*rps) }
        }
        C::SetFlag { on, .. } | C::SetDeadlines { on, .. } | C::SetBreaker { enabled: on, .. } => {
            Change { before: Value::Switch(!on), after: Value::Switch(*on) }
        }
        _ => return None,
    })
}

/// The version a `Deploy` or `Rollback` rolls out: the deploy's own, or for a rollback the
/// version the service ran before its last rollout.
pub fn version<'a>(ev: &'a Evidence, c: &'a Command, at: SimTime) -> Option<&'a str> {
    match c {
        Command::Deploy { version, .. } => Some(version),
        Command::Rollback { service } => previous_version(ev, service, at),
        _ => None,
    }
}

/// The version `service` ran before its last rollout that started before `at`. A rolling
/// restart (a rollout from a version to itself) changes no version and does not count.
pub fn previous_version<'a>(ev: &'a Evidence, service: &str, at: SimTime) -> Option<&'a str> {
    ev.events_until(at).iter().rev().find_map(|e| match &e.kind {
        EventKind::DeployStarted { service: s, from, to, .. } if s == service && from != to => Some(from.as_str()),
        _ => None,
    })
}

/// A deploy of the version the service ran before its last rollout is a rollback, done by hand.
pub fn is_manual_rollback(ev: &Evidence, c: &Command, at: SimTime) -> bool {
    matches!(c, Command::Deploy { service, version } if previous_version(ev, service, at) == Some(version.as_str()))
}
