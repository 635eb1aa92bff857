//! Runtime config pushes: pool size, timeouts, retries, retry budgets, breakers, deadline
//! propagation, queue limits. Every push keeps the previous config so it can be reverted, and
//! changes take effect on live state (a smaller pool closes idle connections, a re-enabled
//! breaker starts with an empty window).

use crate::sim::engine::Sim;
use crate::sim::model::fault::ConfigChange;
use crate::sim::model::spec::{CallPolicy, RetryBudget};
use crate::sim::observe::events::EventKind;
use crate::sim::resources::bucket::Budget;

/// The budget a retry policy gets when one is switched on without parameters.
pub const DEFAULT_BUDGET: RetryBudget = RetryBudget { max_tokens: 10.0, ratio: 0.1 };

/// A service's own settings a push can change (its dependencies' live in their `DepState`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SvcConfig {
    pub pool_size: u32,
    pub deadlines: bool,
    pub queue_limit: Option<u32>,
    /// The load balancer's health check of this service (`SetHealthCheck` changes it).
    pub health: crate::sim::model::spec::Health,
}

/// One dependency's settings a push can change.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DepConfig {
    pub policy: CallPolicy,
    pub breaker_on: bool,
}

/// A service's whole runtime config as one value: what a push replaces, a revert restores
/// and a bad push is compared against.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Config {
    pub svc: SvcConfig,
    pub deps: Vec<DepConfig>,
}

impl Sim {
    pub(crate) fn describe_change(&self, s: usize, change: &ConfigChange) -> String {
        let dep = |d: &usize| self.spec.target_name(self.spec.services[s].deps[*d].target).to_string();
        match change {
            ConfigChange::PoolSize(n) => format!("db pool size {n}"),
            ConfigChange::Timeout { dep: d, timeout } => format!("timeout to {} {timeout}", dep(d)),
            ConfigChange::Retries { dep: d, max_attempts } => format!("retries to {}: {max_attempts} attempts", dep(d)),
            ConfigChange::RetryBudget { dep: d, on } => {
                format!("retry budget to {} {}", dep(d), if *on { "on" } else { "off" })
            }
            ConfigChange::Breaker { dep: d, enabled } => {
                format!("circuit breaker to {} {}", dep(d), if *enabled { "on" } else { "off" })
            }
            ConfigChange::Deadlines(on) => {
                format!("deadline propagation {}", if *on { "on" } else { "off" })
            }
            ConfigChange::QueueLimit(l) => match l {
                Some(n) => format!("queue limit {n}"),
                None => "queue unbounded".to_string(),
            },
        }
    }

    /// The service's live config, as a value.
    pub(crate) fn config(&self, s: usize) -> Config {
        let svc = &self.svcs[s];
        Config { svc: svc.cfg.clone(), deps: svc.deps.iter().map(|d| d.cfg.clone()).collect() }
    }

    /// Applies a change to a copy of the service's config.
    pub(crate) fn changed_config(&self, s: usize, change: &ConfigChange) -> Config {
        let mut cfg = self.config(s);
        match change {
            ConfigChange::PoolSize(n) => cfg.svc.pool_size = *n,
            ConfigChange::Timeout { dep, timeout } => cfg.deps[*dep].policy.timeout = *timeout,
            ConfigChange::Retries { dep, max_attempts } => cfg.deps[*dep].policy.retry.max_attempts = *max_attempts,
            ConfigChange::RetryBudget { dep, on } => {
                let spec = cfg.deps[*dep].policy.retry.budget.unwrap_or(DEFAULT_BUDGET);
                cfg.deps[*dep].policy.retry.budget = on.then_some(spec);
            }
            ConfigChange::Breaker { dep, enabled } => cfg.deps[*dep].breaker_on = *enabled,
            ConfigChange::Deadlines(on) => cfg.svc.deadlines = *on,
            ConfigChange::QueueLimit(l) => cfg.svc.queue_limit = *l,
        }
        cfg
    }

    /// Replaces the service's config (remembering the old one) and applies side effects.
    pub(crate) fn push_config(&mut self, s: usize, cfg: Config, what: String, by: &str) {
        let old = self.set_config(s, cfg);
        self.svcs[s].cfg_history.push(old.clone());
        self.config_side_effects(s, &old);
        let service = self.spec.services[s].name.clone();
        self.emit(false, EventKind::ConfigChanged { service, change: what, by: by.to_string() });
    }

    /// Puts back the config from before the last push.
    pub(crate) fn revert_config(&mut self, s: usize, by: &str) -> bool {
        let Some(prev) = self.svcs[s].cfg_history.pop() else {
            return false;
        };
        let old = self.set_config(s, prev);
        self.config_side_effects(s, &old);
        let service = self.spec.services[s].name.clone();
        self.emit(
            false,
            EventKind::ConfigChanged { service, change: "reverted to the previous config".into(), by: by.to_string() },
        );
        true
    }

    /// Makes `cfg` the live config; returns the one it replaces.
    fn set_config(&mut self, s: usize, cfg: Config) -> Config {
        let old = self.config(s);
        let svc = &mut self.svcs[s];
        svc.cfg = cfg.svc;
        for (dep, c) in svc.deps.iter_mut().zip(cfg.deps) {
            dep.cfg = c;
        }
        old
    }

    fn config_side_effects(&mut self, s: usize, old: &Config) {
        if self.svcs[s].cfg.health != old.svc.health {
            self.health_side_effects(s);
        }
        let pool_size = self.svcs[s].cfg.pool_size;
        if pool_size < old.svc.pool_size {
            for inst in &mut self.svcs[s].insts {
                let close = inst.pool.idle.min(inst.pool.open.saturating_sub(pool_size));
                inst.pool.idle -= close;
                inst.pool.open -= close;
                self.db.conns = self.db.conns.saturating_sub(close);
            }
        }
        for (dep, was) in self.svcs[s].deps.iter_mut().zip(&old.deps) {
            if dep.cfg.breaker_on != was.breaker_on {
                dep.breaker.reset();
            }
            if dep.cfg.policy.retry.budget != was.policy.retry.budget {
                dep.budget = dep.cfg.policy.retry.budget.map(Budget::new);
            }
        }
    }
}
