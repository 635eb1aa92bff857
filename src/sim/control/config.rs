//! Runtime config pushes: pool size, timeouts, retries, retry budgets, breakers, deadline
//! propagation, queue limits. Every push keeps the previous config so it can be reverted, and
//! changes take effect on live state (a smaller pool closes idle connections, a re-enabled
//! breaker starts with an empty window).

use crate::sim::model::fault::ConfigChange;
use crate::sim::model::spec::RetryBudget;
use crate::sim::observe::events::EventKind;
use crate::sim::resources::bucket::Budget;
use crate::sim::state::{Sim, SvcConfig};

/// The budget a retry policy gets when one is switched on without parameters.
pub const DEFAULT_BUDGET: RetryBudget = RetryBudget { max_tokens: 10.0, ratio: 0.1 };

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

    /// Applies a change to a copy of the service's config.
    pub(crate) fn changed_config(&self, s: usize, change: &ConfigChange) -> SvcConfig {
        let mut cfg = self.svcs[s].cfg.clone();
        match change {
            ConfigChange::PoolSize(n) => cfg.pool_size = *n,
            ConfigChange::Timeout { dep, timeout } => cfg.deps[*dep].timeout = *timeout,
            ConfigChange::Retries { dep, max_attempts } => cfg.deps[*dep].retry.max_attempts = *max_attempts,
            ConfigChange::RetryBudget { dep, on } => {
                let spec = cfg.deps[*dep].retry.budget.unwrap_or(DEFAULT_BUDGET);
                cfg.deps[*dep].retry.budget = on.then_some(spec);
            }
            ConfigChange::Breaker { dep, enabled } => cfg.breaker_on[*dep] = *enabled,
            ConfigChange::Deadlines(on) => cfg.deadlines = *on,
            ConfigChange::QueueLimit(l) => cfg.queue_limit = *l,
        }
        cfg
    }

    /// Replaces the service's config (remembering the old one) and applies side effects.
    pub(crate) fn push_config(&mut self, s: usize, cfg: SvcConfig, what: String, by: &str) {
        let old = std::mem::replace(&mut self.svcs[s].cfg, cfg);
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
        let old = std::mem::replace(&mut self.svcs[s].cfg, prev);
        self.config_side_effects(s, &old);
        let service = self.spec.services[s].name.clone();
        self.emit(
            false,
            EventKind::ConfigChanged { service, change: "reverted to the previous config".into(), by: by.to_string() },
        );
        true
    }

    fn config_side_effects(&mut self, s: usize, old: &SvcConfig) {
        let new = self.svcs[s].cfg.clone();
        if new.pool_size < old.pool_size {
            for inst in &mut self.svcs[s].insts {
                let close = inst.pool.idle.min(inst.pool.open.saturating_sub(new.pool_size));
                inst.pool.idle -= close;
                inst.pool.open -= close;
                self.db.conns = self.db.conns.saturating_sub(close);
            }
        }
        for d in 0..new.deps.len() {
            if new.breaker_on[d] != old.breaker_on[d] {
                self.svcs[s].breakers[d].reset();
            }
            if new.deps[d].retry.budget != old.deps[d].retry.budget {
                self.svcs[s].budgets[d] = new.deps[d].retry.budget.map(Budget::new);
            }
        }
    }
}
