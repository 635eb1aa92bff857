//! Resolving a command against the run as it is now: every name (service, dependency,
//! instance, version, flag, cache, client, team, alert) becomes an index and every value is
//! checked, once. The result is a `ResolvedCommand` the engine applies — at once or after the
//! command's delay — without looking anything up again, or a `Rejection` that says why not.
//!
//! Resolving changes nothing, so a front end (the action menu, a `:` command line, a drill
//! seat) may resolve to check a command before it asks the player to confirm it.

use super::alerts::AlertPhase;
use crate::sim::engine::Sim;
use crate::sim::kernel::time::{Dur, HOUR};
use crate::sim::model::command::{Audience, Command, Severity};
use crate::sim::model::fault::CertTarget;
use crate::sim::model::spec::{Backoff, Lane, Tool};
use crate::sim::resources::instance::InstState;

/// An alert a command can name: one of the scenario's rules or a red herring it fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertRef {
    Rule(usize),
    Fake(usize),
}

/// Which instances a restart restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    /// One instance, by index into the service's instances.
    One(usize),
    /// Every instance at once (capacity drops to zero while they start).
    AllAtOnce,
    /// One at a time, as a rollout to the running version.
    Rolling,
}

/// A command with its names resolved to indices into the spec and the live system, its
/// values checked. Indices stay valid for the rest of the run (instances, clients and red
/// herrings are only ever added); state that may change before a delayed command takes
/// effect (the version to roll back to, whether an instance is still running) is read when
/// it takes effect.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolvedCommand {
    Ack {
        alert: AlertRef,
    },
    Declare {
        severity: Severity,
    },
    StatusUpdate {
        audience: Audience,
        impact: String,
        next_update: Dur,
        all_clear: bool,
    },
    ChangeSeverity {
        severity: Severity,
    },
    Resolve,
    Rollback {
        service: usize,
    },
    PauseRollout {
        service: usize,
    },
    ResumeRollout {
        service: usize,
    },
    Deploy {
        service: usize,
        version: usize,
    },
    Scale {
        service: usize,
        instances: u32,
    },
    Restart {
        service: usize,
        which: Restart,
    },
    Drain {
        service: usize,
        instance: usize,
    },
    SetFlag {
        flag: usize,
        on: bool,
    },
    SetRateLimit {
        rps: Option<f64>,
        burst: Option<f64>,
    },
    SetShed {
        fraction: f64,
    },
    BlockClient {
        client: usize,
    },
    SetBreaker {
        service: usize,
        dep: usize,
        enabled: bool,
    },
    SetRetries {
        service: usize,
        dep: usize,
        max_attempts: u32,
        budget: Option<bool>,
        backoff: Option<Backoff>,
    },
    SetTimeout {
        service: usize,
        dep: usize,
        timeout: Dur,
    },
    SetPoolSize {
        service: usize,
        size: u32,
    },
    SetDeadlines {
        service: usize,
        on: bool,
    },
    SetHealthCheck {
        service: usize,
        check: HealthCheckChange,
    },
    RevertConfig {
        service: usize,
    },
    FlushCache {
        cache: usize,
    },
    WarmCache {
        cache: usize,
    },
    Failover,
    Restore,
    RenewCert {
        target: CertTarget,
    },
    Page {
        team: usize,
    },
    Hint,
    /// A manual timeline entry, by index.
    Fire {
        entry: usize,
    },
    Reveal {
        text: String,
    },
    Tip {
        seat: String,
        text: String,
    },
}

/// What a `SetHealthCheck` changes (`None` keeps the current value); the endpoint is an
/// index into the service's endpoints.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthCheckChange {
    pub endpoint: Option<usize>,
    pub lane: Option<Lane>,
    pub interval: Option<Dur>,
    pub timeout: Option<Dur>,
    pub unhealthy_after: Option<u32>,
    pub healthy_after: Option<u32>,
    pub enabled: Option<bool>,
}

/// Why a command was not accepted. `Display` is the message the player reads (and the event
/// log records), with the valid names where a name did not resolve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the run has ended")]
    RunEnded,
    #[error("no alert named '{0}'")]
    NoSuchAlert(String),
    #[error("{0} is not firing")]
    AlertNotFiring(String),
    #[error("the next update must be promised between 1s and 24h from now (or post the all-clear)")]
    NextUpdateOutOfRange,
    #[error("no incident has been declared; declare one first")]
    NotDeclared,
    #[error("the incident is already a {0}")]
    SameSeverity(&'static str),
    #[error("no service named '{name}' (services: {})", .services.join(", "))]
    NoSuchService { name: String, services: Vec<String> },
    #[error("{0} has not been deployed during this run: nothing to roll back to")]
    NothingToRollBack(String),
    #[error("no rollout of {0} is in progress")]
    NoRollout(String),
    #[error("the rollout of {service} is already {}", if *.paused { "paused" } else { "running" })]
    RolloutAlready { service: String, paused: bool },
    #[error("no version named '{0}'")]
    NoSuchVersion(String),
    #[error("{service} already runs {version}")]
    AlreadyRuns { service: String, version: String },
    #[error("{service} can run 1 to {max} instances")]
    InstanceCount { service: String, max: u32 },
    #[error("{service} has no running instance {num}")]
    NoSuchInstance { service: String, num: u32 },
    #[error("{service}-{num} is not serving")]
    NotServing { service: String, num: u32 },
    #[error("{service} does not call '{name}' (it calls: {})", .calls.join(", "))]
    NoSuchDependency { service: String, name: String, calls: Vec<String> },
    #[error("no feature flag named '{0}'")]
    NoSuchFlag(String),
    #[error("a rate limit needs 0 < rps ≤ 1,000,000 and burst ≥ 1")]
    RateLimitOutOfRange,
    #[error("the shed fraction must be between 0 and 1")]
    ShedOutOfRange,
    #[error("no client named '{0}' is sending traffic")]
    NoSuchClient(String),
    #[error("a timeout must be between 1us and 1h")]
    TimeoutOutOfRange,
    #[error("max_attempts counts the first try: 1 (no retries) to 10")]
    MaxAttemptsOutOfRange,
    #[error("{0} has no database pool")]
    NoPool(String),
    #[error("a pool size must be 1 to 1000")]
    PoolSizeOutOfRange,
    #[error("{0}'s config has not been changed")]
    ConfigUnchanged(String),
    #[error("no cache named '{0}'")]
    NoSuchCache(String),
    #[error("there is no database")]
    NoDatabase,
    #[error("a failover is already in progress")]
    FailoverInProgress,
    #[error("no replica can be promoted: the only one is being restored from backup")]
    NothingToPromote,
    #[error("{0}")]
    NothingToRestore(&'static str),
    #[error("no certificate for '{0}' (use \"edge\" or a third party's name)")]
    NoSuchCertificate(String),
    #[error("no team named '{name}' (teams: {})", .teams.join(", "))]
    NoSuchTeam { name: String, teams: Vec<String> },
    #[error("{0} has already been paged")]
    AlreadyPaged(String),
    #[error("no more hints for this scenario")]
    NoMoreHints,
    #[error("{service} has no endpoint '{name}' (endpoints: {})", .endpoints.join(", "))]
    NoSuchEndpoint { service: String, name: String, endpoints: Vec<String> },
    #[error("a health check needs an interval and timeout from 1ms to 1h and thresholds from 1 to 100")]
    HealthCheckOutOfRange,
    #[error("{} is not working: it depends on {component}", crate::sim::observe::events::tool_name(*.tool))]
    ToolDown { tool: Tool, component: String },
    #[error("no contingency labelled '{name}' ({})", contingencies(.labels))]
    NoSuchContingency { name: String, labels: Vec<String> },
    #[error("contingency '{name}' has already fired ({})", contingencies(.labels))]
    AlreadyFired { name: String, labels: Vec<String> },
}

/// The contingencies that can still fire, for a rejection's message.
fn contingencies(labels: &[String]) -> String {
    if labels.is_empty() {
        "none is left to fire: add one with a live inject".to_string()
    } else {
        format!("contingencies left: {}", labels.join(", "))
    }
}

impl Sim {
    /// Resolves `command` against the run as it is now, changing nothing.
    pub fn resolve(&self, command: &Command) -> Result<ResolvedCommand, Rejection> {
        use Command as C;
        use ResolvedCommand as R;
        if self.ended.is_some() {
            return Err(Rejection::RunEnded);
        }
        Ok(match command {
            C::Ack { alert } => {
                let rule = self.spec.alerts.iter().position(|a| &a.name == alert);
                let fake = self.rules.fake.iter().position(|a| &a.name == alert);
                let (alert_ref, phase) = match (rule, fake) {
                    (Some(i), _) => (AlertRef::Rule(i), self.rules.alerts[i].phase),
                    (None, Some(i)) => (AlertRef::Fake(i), self.rules.fake[i].phase),
                    (None, None) => return Err(Rejection::NoSuchAlert(alert.clone())),
                };
                if !matches!(phase, AlertPhase::Firing(_)) {
                    return Err(Rejection::AlertNotFiring(alert.clone()));
                }
                R::Ack { alert: alert_ref }
            }
            C::Declare { severity } => R::Declare { severity: *severity },
            C::StatusUpdate { audience, impact, next_update, all_clear } => {
                // The all-clear promises nothing; any other update promises the next one.
                if next_update.0 > 24 * HOUR || (next_update.0 == 0 && !all_clear) {
                    return Err(Rejection::NextUpdateOutOfRange);
                }
                R::StatusUpdate {
                    audience: *audience,
                    impact: impact.clone(),
                    next_update: *next_update,
                    all_clear: *all_clear,
                }
            }
            C::ChangeSeverity { severity } => match self.desk.incident.declared {
                None => return Err(Rejection::NotDeclared),
                Some((_, now)) if now == *severity => return Err(Rejection::SameSeverity(severity.name())),
                Some(_) => R::ChangeSeverity { severity: *severity },
            },
            C::Resolve => {
                if self.desk.incident.declared.is_none() {
                    return Err(Rejection::NotDeclared);
                }
                R::Resolve
            }
            C::Rollback { service } => {
                let s = self.service(service)?;
                if self.svcs[s].prev_version.is_none() {
                    return Err(Rejection::NothingToRollBack(service.clone()));
                }
                R::Rollback { service: s }
            }
            C::PauseRollout { service } | C::ResumeRollout { service } => {
                let s = self.service(service)?;
                let pause = matches!(command, C::PauseRollout { .. });
                match &self.svcs[s].rollout {
                    None => return Err(Rejection::NoRollout(service.clone())),
                    Some(r) if r.paused == pause => {
                        return Err(Rejection::RolloutAlready { service: service.clone(), paused: r.paused });
                    }
                    Some(_) if pause => R::PauseRollout { service: s },
                    Some(_) => R::ResumeRollout { service: s },
                }
            }
            C::Deploy { service, version } => {
                let s = self.service(service)?;
                let v = self.spec.version_index(version).ok_or_else(|| Rejection::NoSuchVersion(version.clone()))?;
                // Deploying the version the service runs is refused, unless an instance runs
                // another one (a deploy that missed a server).
                let everywhere = self.live_versions(s).iter().all(|(x, _)| *x == v);
                if self.svcs[s].version == v && self.svcs[s].rollout.is_none() && everywhere {
                    return Err(Rejection::AlreadyRuns { service: service.clone(), version: version.clone() });
                }
                R::Deploy { service: s, version: v }
            }
            C::Scale { service, instances } => {
                let s = self.service(service)?;
                let max = self.spec.services[s].max_instances;
                if *instances == 0 || *instances > max {
                    return Err(Rejection::InstanceCount { service: service.clone(), max });
                }
                R::Scale { service: s, instances: *instances }
            }
            C::Restart { service, instance, all_at_once } => {
                let s = self.service(service)?;
                let which = match instance {
                    Some(n) => Restart::One(self.instance(s, *n)?),
                    None if *all_at_once => Restart::AllAtOnce,
                    None => Restart::Rolling,
                };
                R::Restart { service: s, which }
            }
            C::Drain { service, instance } => {
                let s = self.service(service)?;
                let i = self.instance(s, *instance)?;
                if self.svcs[s].insts[i].state != InstState::Ready {
                    return Err(Rejection::NotServing { service: service.clone(), num: *instance });
                }
                R::Drain { service: s, instance: i }
            }
            C::SetFlag { flag, on } => {
                let f = self.spec.flag_index(flag).ok_or_else(|| Rejection::NoSuchFlag(flag.clone()))?;
                R::SetFlag { flag: f, on: *on }
            }
            C::SetRateLimit { rps, burst } => {
                if rps.is_some_and(|r| !(r.is_finite() && r > 0.0 && r <= 1e6))
                    || burst.is_some_and(|b| !(b.is_finite() && b >= 1.0))
                {
                    return Err(Rejection::RateLimitOutOfRange);
                }
                R::SetRateLimit { rps: *rps, burst: *burst }
            }
            C::SetShed { fraction } => {
                if !(0.0..=1.0).contains(fraction) {
                    return Err(Rejection::ShedOutOfRange);
                }
                R::SetShed { fraction: *fraction }
            }
            C::BlockClient { client } => {
                let i = self.edge.abusers.iter().position(|a| &a.0 == client);
                R::BlockClient { client: i.ok_or_else(|| Rejection::NoSuchClient(client.clone()))? }
            }
            C::SetBreaker { service, dependency, enabled } => {
                let (s, d) = self.dependency(service, dependency)?;
                R::SetBreaker { service: s, dep: d, enabled: *enabled }
            }
            C::SetTimeout { service, dependency, timeout } => {
                let (s, d) = self.dependency(service, dependency)?;
                if timeout.0 == 0 || timeout.0 > HOUR {
                    return Err(Rejection::TimeoutOutOfRange);
                }
                R::SetTimeout { service: s, dep: d, timeout: *timeout }
            }
            C::SetRetries { service, dependency, max_attempts, budget, backoff } => {
                let (s, d) = self.dependency(service, dependency)?;
                if *max_attempts == 0 || *max_attempts > 10 {
                    return Err(Rejection::MaxAttemptsOutOfRange);
                }
                R::SetRetries { service: s, dep: d, max_attempts: *max_attempts, budget: *budget, backoff: *backoff }
            }
            C::SetPoolSize { service, size } => {
                let s = self.service(service)?;
                if self.spec.services[s].pool.is_none() {
                    return Err(Rejection::NoPool(service.clone()));
                }
                if *size == 0 || *size > 1000 {
                    return Err(Rejection::PoolSizeOutOfRange);
                }
                R::SetPoolSize { service: s, size: *size }
            }
            C::SetDeadlines { service, on } => R::SetDeadlines { service: self.service(service)?, on: *on },
            C::SetHealthCheck {
                service,
                endpoint,
                lane,
                interval,
                timeout,
                unhealthy_after,
                healthy_after,
                enabled,
            } => {
                let s = self.service(service)?;
                let spec = &self.spec.services[s];
                let endpoint = match endpoint {
                    None => None,
                    Some(name) => {
                        Some(spec.endpoints[..=spec.health_endpoint].iter().position(|e| &e.name == name).ok_or_else(
                            || Rejection::NoSuchEndpoint {
                                service: service.clone(),
                                name: name.clone(),
                                endpoints:
                                    spec.endpoints[..=spec.health_endpoint].iter().map(|e| e.name.clone()).collect(),
                            },
                        )?)
                    }
                };
                let time_ok = |d: &Option<Dur>| d.is_none_or(|d| d.0 >= 1_000 && d.0 <= HOUR);
                let count_ok = |n: &Option<u32>| n.is_none_or(|n| (1..=100).contains(&n));
                if !(time_ok(interval) && time_ok(timeout) && count_ok(unhealthy_after) && count_ok(healthy_after)) {
                    return Err(Rejection::HealthCheckOutOfRange);
                }
                let check = HealthCheckChange {
                    endpoint,
                    lane: *lane,
                    interval: *interval,
                    timeout: *timeout,
                    unhealthy_after: *unhealthy_after,
                    healthy_after: *healthy_after,
                    enabled: *enabled,
                };
                R::SetHealthCheck { service: s, check }
            }
            C::RevertConfig { service } => {
                let s = self.service(service)?;
                if self.svcs[s].cfg_history.is_empty() {
                    return Err(Rejection::ConfigUnchanged(service.clone()));
                }
                R::RevertConfig { service: s }
            }
            C::FlushCache { cache } => R::FlushCache { cache: self.cache(cache)? },
            C::WarmCache { cache } => {
                if self.spec.database.is_none() {
                    return Err(Rejection::NoDatabase);
                }
                R::WarmCache { cache: self.cache(cache)? }
            }
            C::Failover => {
                if self.spec.database.is_none() {
                    return Err(Rejection::NoDatabase);
                }
                if self.db.failing_over {
                    return Err(Rejection::FailoverInProgress);
                }
                if !self.can_fail_over() {
                    return Err(Rejection::NothingToPromote);
                }
                R::Failover
            }
            C::Restore => {
                if self.spec.database.is_none() {
                    return Err(Rejection::NoDatabase);
                }
                self.restore_refusal().map_err(Rejection::NothingToRestore)?;
                R::Restore
            }
            C::RenewCert { target } => {
                let target = if target == "edge" {
                    CertTarget::Edge
                } else {
                    let t = self.spec.third_party_index(target);
                    CertTarget::ThirdParty(t.ok_or_else(|| Rejection::NoSuchCertificate(target.clone()))?)
                };
                R::RenewCert { target }
            }
            C::Page { team } => {
                let Some(i) = self.spec.teams.iter().position(|t| &t.name == team) else {
                    let teams = self.spec.teams.iter().map(|t| t.name.clone()).collect();
                    return Err(Rejection::NoSuchTeam { name: team.clone(), teams });
                };
                if self.desk.commands.iter().any(|c| c.rejected.is_none() && c.command == *command) {
                    return Err(Rejection::AlreadyPaged(team.clone()));
                }
                R::Page { team: i }
            }
            C::Hint => {
                if self.desk.hints_given >= self.spec.hints.len() {
                    return Err(Rejection::NoMoreHints);
                }
                R::Hint
            }
            C::Fire { entry } => {
                let manual = |i: &usize| self.spec.timeline[*i].trigger.is_manual();
                let unfired = |i: &usize| self.timeline.entries[*i].fired.is_none();
                let labels = || {
                    (0..self.spec.timeline.len())
                        .filter(|i| manual(i) && unfired(i))
                        .map(|i| self.spec.timeline[i].label.clone())
                        .collect()
                };
                let Some(i) =
                    (0..self.spec.timeline.len()).find(|i| manual(i) && &self.spec.timeline[*i].label == entry)
                else {
                    return Err(Rejection::NoSuchContingency { name: entry.clone(), labels: labels() });
                };
                if !unfired(&i) {
                    return Err(Rejection::AlreadyFired { name: entry.clone(), labels: labels() });
                }
                R::Fire { entry: i }
            }
            C::Reveal { text } => R::Reveal { text: text.clone() },
            C::Tip { seat, text } => R::Tip { seat: seat.clone(), text: text.clone() },
        })
    }

    fn service(&self, name: &str) -> Result<usize, Rejection> {
        self.spec.service_index(name).ok_or_else(|| Rejection::NoSuchService {
            name: name.to_string(),
            services: self.spec.services.iter().map(|s| s.name.clone()).collect(),
        })
    }

    fn dependency(&self, service: &str, name: &str) -> Result<(usize, usize), Rejection> {
        let s = self.service(service)?;
        let d = self.spec.dep_index(s, name).ok_or_else(|| Rejection::NoSuchDependency {
            service: self.spec.services[s].name.clone(),
            name: name.to_string(),
            calls: self.spec.services[s].deps.iter().map(|d| self.spec.target_name(d.target).to_string()).collect(),
        })?;
        Ok((s, d))
    }

    /// The index of instance number `num` of service `s`, unless it has stopped.
    fn instance(&self, s: usize, num: u32) -> Result<usize, Rejection> {
        self.svcs[s]
            .insts
            .iter()
            .position(|x| x.num == num && x.state != InstState::Stopped)
            .ok_or_else(|| Rejection::NoSuchInstance { service: self.spec.services[s].name.clone(), num })
    }

    fn cache(&self, name: &str) -> Result<usize, Rejection> {
        self.spec.cache_index(name).ok_or_else(|| Rejection::NoSuchCache(name.to_string()))
    }
}
