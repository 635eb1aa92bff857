//! One service's calls to one of its dependencies: the policy they follow (timeout, retries,
//! breaker on or off — what config pushes change), the circuit breaker and the retry budget
//! they share, and the counters dashboards show. One `DepState` per dependency replaces what
//! were five parallel vectors, so "the breaker's state if it is on" has one home.

use super::outcome::Outcome;
use crate::sim::control::config::DepConfig;
use crate::sim::engine::Sim;
use crate::sim::kernel::time::SimTime;
use crate::sim::model::spec::Dep;
use crate::sim::observe::acc::RedAcc;
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;
use crate::sim::resources::breaker::{Admit, Breaker, BreakerState, Transition};
use crate::sim::resources::bucket::Budget;

/// Per-window counters of one dependency's calls, emptied at every window close.
#[derive(Clone, Debug, Default)]
pub(crate) struct DepAcc {
    pub red: RedAcc,
    pub calls: u32,
    pub retries: u32,
    pub short_circuited: u32,
    pub budget_denied: u32,
    pub duplicates: u32,
    pub calls_done: u32,
    pub attempts_done: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct DepState {
    /// The live policy (a config push replaces it; history lives with the service).
    pub cfg: DepConfig,
    pub breaker: Breaker,
    pub budget: Option<Budget>,
    pub acc: DepAcc,
}

impl DepState {
    pub fn new(dep: &Dep) -> Self {
        let policy = &dep.policy;
        DepState {
            cfg: DepConfig { policy: policy.clone(), breaker_on: policy.breaker.is_some() },
            breaker: Breaker::new(policy.breaker.unwrap_or_default()),
            budget: policy.retry.budget.map(Budget::new),
            acc: DepAcc::default(),
        }
    }

    /// The breaker's state if it is switched on; a switched-off breaker is always closed.
    pub fn breaker_state(&self) -> BreakerState {
        if self.cfg.breaker_on { self.breaker.state } else { BreakerState::Closed }
    }

    /// May a try go out now? Only a breaker that is on says no (or "as a trial").
    pub fn admit(&mut self, now: SimTime) -> (Admit, Option<Transition>) {
        if self.cfg.breaker_on { self.breaker.admit(now) } else { (Admit::Yes, None) }
    }

    /// A try's outcome: into the breaker (if on) and the retry budget (if any).
    fn record(&mut self, now: SimTime, ok: bool, trial: bool) -> Option<Transition> {
        let transition = if self.cfg.breaker_on { self.breaker.record(now, ok, trial) } else { None };
        if let Some(b) = self.budget.as_mut() {
            b.record(ok);
        }
        transition
    }
}

impl Sim {
    /// The caller has the answer to a try of dependency `d` of service `s`.
    pub(crate) fn dep_try_done(&mut self, s: usize, d: usize, outcome: Outcome, latency: u64, trial: bool) {
        let dep = &mut self.svcs[s].deps[d];
        dep.acc.red.finish(outcome, latency);
        if let Some(tr) = dep.record(self.now, outcome.is_ok(), trial) {
            self.breaker_event(s, d, tr);
        }
    }

    /// Reports a breaker's state change: an event and a log line.
    pub(crate) fn breaker_event(&mut self, s: usize, d: usize, tr: Transition) {
        let service = self.spec.services[s].name.clone();
        let dependency = self.spec.target_name(self.spec.services[s].deps[d].target).to_string();
        let (kind, level, text) = match tr {
            Transition::Opened => (
                EventKind::BreakerOpened { service: service.clone(), dependency: dependency.clone() },
                Level::Warn,
                format!("circuit breaker for {dependency} OPEN: failing fast"),
            ),
            Transition::HalfOpened => (
                EventKind::BreakerHalfOpen { service: service.clone(), dependency: dependency.clone() },
                Level::Info,
                format!("circuit breaker for {dependency} half-open: sending a trial request"),
            ),
            Transition::Closed => (
                EventKind::BreakerClosed { service: service.clone(), dependency: dependency.clone() },
                Level::Info,
                format!("circuit breaker for {dependency} closed"),
            ),
        };
        self.emit(false, kind);
        self.rec.logs.push(self.now, level, &service, &service, None, text);
    }
}
