//! Read-only views of the live state for the game screen and reports: instances, alerts,
//! rollouts, config, the edge. Cheap to build; the metrics history is read directly.

use crate::sim::control::alerts::AlertPhase;
use crate::sim::engine::Sim;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::rules::AlertSeverity;
use crate::sim::model::spec::Backoff;
use crate::sim::resources::breaker::BreakerState;
use crate::sim::resources::instance::InstState;

#[derive(Clone, Debug, PartialEq)]
pub struct InstanceView {
    pub name: String,
    pub num: u32,
    pub state: InstState,
    pub version: String,
    pub in_rotation: bool,
    pub busy: u32,
    pub queue: u32,
    /// Memory as a fraction of the limit.
    pub memory: f64,
    pub restarts: u32,
    pub pool_busy: u32,
    pub pool_waiting: u32,
    /// User requests the instance finished in the last closed window (one second), and how
    /// many of those failed.
    pub done: u32,
    pub failed: u32,
}

impl InstanceView {
    /// The share of the last window's requests that failed; `None` when it finished none.
    pub fn error_rate(&self) -> Option<f64> {
        (self.done > 0).then(|| f64::from(self.failed) / f64::from(self.done))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertView {
    pub name: String,
    pub severity: AlertSeverity,
    pub summary: String,
    pub firing: bool,
    pub pending: bool,
    pub since: Option<SimTime>,
    pub acked: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DepConfigView {
    pub name: String,
    pub timeout: Dur,
    pub max_attempts: u32,
    pub backoff: Backoff,
    pub budget: bool,
    pub breaker_on: bool,
    pub breaker: BreakerState,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceConfigView {
    pub pool_size: Option<u32>,
    pub deadlines: bool,
    pub queue_limit: Option<u32>,
    pub deps: Vec<DepConfigView>,
    pub desired: u32,
    pub version: String,
    /// The version a rollback would roll out (none before a rollout during the run).
    pub prev_version: Option<String>,
    /// A rollout or pipeline build under way.
    pub rollout: Option<String>,
    /// The health check, when it differs from the scenario's.
    pub health: Option<String>,
    /// (threads per instance, OS limit) with `peers`.
    pub threads: Option<(u32, u32)>,
}

impl Sim {
    pub fn instances(&self, s: usize) -> Vec<InstanceView> {
        self.svcs[s]
            .alive
            .iter()
            .map(|&i| i as usize)
            .map(|i| {
                let x = &self.svcs[s].insts[i];
                InstanceView {
                    name: self.inst_name(s, i),
                    num: x.num,
                    state: x.state,
                    version: self.spec.versions[x.version].name.clone(),
                    in_rotation: x.in_rotation,
                    busy: x.busy,
                    queue: x.queue.len() as u32,
                    memory: if matches!(x.state, InstState::Ready | InstState::Draining) {
                        self.memory_fraction(s, i)
                    } else {
                        0.0
                    },
                    restarts: x.restarts,
                    pool_busy: x.pool.busy(),
                    pool_waiting: x.pool.waiting,
                    done: x.outcomes.last_done,
                    failed: x.outcomes.last_failed,
                }
            })
            .collect()
    }

    /// Rule alerts then red herrings, as monitoring shows them.
    pub fn alert_views(&self) -> Vec<AlertView> {
        let mut out: Vec<AlertView> = self
            .spec
            .alerts
            .iter()
            .zip(&self.rules.alerts)
            .map(|(rule, st)| AlertView {
                name: rule.name.clone(),
                severity: rule.severity,
                summary: rule.summary.clone(),
                firing: matches!(st.phase, AlertPhase::Firing(_)),
                pending: matches!(st.phase, AlertPhase::Pending(_)),
                since: match st.phase {
                    AlertPhase::Firing(t) | AlertPhase::Pending(t) => Some(t),
                    AlertPhase::Inactive => None,
                },
                acked: st.acked,
            })
            .collect();
        let acked = |name: &str| {
            self.desk.commands.iter().any(|c| {
                c.rejected.is_none()
                    && matches!(&c.command, crate::sim::model::command::Command::Ack { alert } if alert == name)
            })
        };
        out.extend(self.rules.fake.iter().map(|f| AlertView {
            name: f.name.clone(),
            severity: f.severity,
            summary: f.summary.clone(),
            firing: matches!(f.phase, AlertPhase::Firing(_)),
            pending: false,
            since: match f.phase {
                AlertPhase::Firing(t) => Some(t),
                _ => None,
            },
            acked: acked(&f.name),
        }));
        out
    }

    pub fn service_config(&self, s: usize) -> ServiceConfigView {
        let svc = &self.svcs[s];
        ServiceConfigView {
            pool_size: self.spec.services[s].pool.map(|_| svc.cfg.pool_size),
            deadlines: svc.cfg.deadlines,
            queue_limit: svc.cfg.queue_limit,
            deps: svc
                .deps
                .iter()
                .zip(&self.spec.services[s].deps)
                .map(|(dep, spec)| {
                    let p = &dep.cfg.policy;
                    DepConfigView {
                        name: self.spec.target_name(spec.target).to_string(),
                        timeout: p.timeout,
                        max_attempts: p.retry.max_attempts,
                        backoff: p.retry.backoff,
                        budget: p.retry.budget.is_some(),
                        breaker_on: dep.cfg.breaker_on,
                        breaker: dep.breaker_state(),
                    }
                })
                .collect(),
            desired: svc.desired,
            version: self.spec.versions[svc.version].name.clone(),
            prev_version: svc.prev_version.map(|v| self.spec.versions[v].name.clone()),
            rollout: svc
                .rollout
                .as_ref()
                .map(|r| {
                    format!(
                        "rolling to {} by {}{}",
                        self.spec.versions[r.to].name,
                        r.by,
                        if r.paused { " (paused)" } else { "" }
                    )
                })
                .or_else(|| {
                    svc.building.as_ref().map(|b| format!("building {} in the pipeline", self.spec.versions[b.to].name))
                }),
            health: (svc.cfg.health != self.spec.services[s].health).then(|| self.describe_health(s, &svc.cfg.health)),
            threads: self.spec.services[s].peers.map(|p| (svc.peer_threads, p.limit)),
        }
    }

    /// How many windows monitoring can see (lagging monitoring sees fewer than exist).
    pub fn observed_len(&self) -> usize {
        self.observed_window().map_or(0, |i| i + 1)
    }

    pub fn flag_on(&self, f: usize) -> bool {
        self.flags[f]
    }

    /// Edge settings: rate limit (rps), shed fraction, clients seen, blocked clients.
    pub fn edge_view(&self) -> (Option<f64>, f64, Vec<String>, Vec<String>) {
        let clients = self.edge.abusers.iter().map(|a| a.0.clone()).collect();
        let blocked = self.edge.blocked.iter().map(|&i| self.edge.abusers[i as usize - 1].0.clone()).collect();
        (self.edge.rate_limit.as_ref().map(|b| b.spec.rate), self.edge.shed, clients, blocked)
    }

    /// When the objectives were met (all at once), if they were.
    pub fn objectives_met(&self) -> &[Option<SimTime>] {
        &self.rules.objectives_met
    }

    /// Whether each objective holds at the latest window close.
    pub fn objectives_now(&self) -> &[bool] {
        &self.rules.objectives_now
    }

    /// Hints given so far.
    pub fn hints_given(&self) -> usize {
        self.desk.hints_given
    }

    /// Extra instance-seconds run above each service's starting count.
    pub fn extra_instance_seconds(&self) -> f64 {
        self.svcs.iter().map(|s| s.extra_instance_s).sum()
    }

    /// Requests, attempts and jobs currently in flight (a bound on memory use).
    pub fn in_flight(&self) -> (usize, usize, usize) {
        (self.calls.len(), self.attempts.len(), self.jobs.len())
    }
}
