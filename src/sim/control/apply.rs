//! Submitting commands: names are resolved and values checked (a rejected command is recorded
//! with its reason, never a panic); accepted commands take effect after their delay, with
//! their side effects, and clear the faults they fix.

use super::alerts::AlertPhase;
use crate::sim::engine::{EndReason, Ev, Sim};
use crate::sim::kernel::time::SimTime;
use crate::sim::kernel::time::{Dur, HOUR};
use crate::sim::model::command::Severity;
use crate::sim::model::command::{Command, CommandKind};
use crate::sim::model::fault::{CertTarget, ConfigChange, Fault};
use crate::sim::model::rules::Inject;
use crate::sim::model::spec::Bucket;
use crate::sim::observe::events::EventKind;
use crate::sim::resources::bucket::TokenBucket;
use crate::sim::resources::instance::InstState;

/// The incident as the player runs it.
#[derive(Clone, Debug, Default)]
pub struct Incident {
    pub declared: Option<(SimTime, Severity)>,
    pub updates: Vec<SimTime>,
    pub next_update_due: Option<SimTime>,
    pub resolved: Option<SimTime>,
}

/// A submitted command and what became of it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CommandRecord {
    pub at: SimTime,
    pub command: Command,
    /// `None` if applied; the reason if rejected.
    pub rejected: Option<String>,
    pub effective_at: SimTime,
}

/// The player's desk: the incident they run, every command they submitted (rejected ones
/// too), the accepted ones waiting for their delay, and the hints given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Desk {
    pub incident: Incident,
    pub commands: Vec<CommandRecord>,
    pub deferred: Vec<Command>,
    pub hints_given: usize,
}

impl Sim {
    /// Submits a command at the current sim time: `Ok(delay until it takes effect)` or the
    /// reason it was rejected. Either way it is recorded.
    pub fn submit(&mut self, command: Command) -> Result<Dur, String> {
        let checked = if self.ended.is_some() { Err("the run has ended".to_string()) } else { self.check(&command) };
        let now = self.now;
        if let Err(reason) = checked {
            self.desk.commands.push(CommandRecord {
                at: now,
                command: command.clone(),
                rejected: Some(reason.clone()),
                effective_at: now,
            });
            self.emit(false, EventKind::CommandRejected { command, reason: reason.clone() });
            Err(reason)
        } else {
            let kind = command.kind();
            let delay = kind.delay();
            self.desk.commands.push(CommandRecord {
                at: now,
                command: command.clone(),
                rejected: None,
                effective_at: now + delay,
            });
            self.emit(
                false,
                EventKind::CommandApplied { command: command.clone(), effective_in: delay, cost: kind.cost() },
            );
            if delay.0 == 0 {
                self.effect(&command);
            } else {
                self.desk.deferred.push(command);
                self.q.push(now + delay, Ev::Deferred { idx: (self.desk.deferred.len() - 1) as u32 });
            }
            Ok(delay)
        }
    }

    pub(crate) fn take_effect(&mut self, idx: usize) {
        let command = self.desk.deferred[idx].clone();
        self.emit(false, EventKind::CommandTookEffect { command: command.clone() });
        self.effect(&command);
    }

    fn service(&self, name: &str) -> Result<usize, String> {
        self.spec.service_index(name).ok_or_else(|| {
            let all: Vec<&str> = self.spec.services.iter().map(|s| s.name.as_str()).collect();
            format!("no service named '{name}' (services: {})", all.join(", "))
        })
    }

    fn dependency(&self, s: usize, name: &str) -> Result<usize, String> {
        self.spec.dep_index(s, name).ok_or_else(|| {
            let all: Vec<&str> = self.spec.services[s].deps.iter().map(|d| self.spec.target_name(d.target)).collect();
            format!("{} does not call '{name}' (it calls: {})", self.spec.services[s].name, all.join(", "))
        })
    }

    fn instance(&self, s: usize, num: u32) -> Result<usize, String> {
        self.svcs[s]
            .insts
            .iter()
            .position(|x| x.num == num && x.state != InstState::Stopped)
            .ok_or_else(|| format!("{} has no running instance {num}", self.spec.services[s].name))
    }

    fn cache(&self, name: &str) -> Result<usize, String> {
        self.spec.cache_index(name).ok_or_else(|| format!("no cache named '{name}'"))
    }

    /// Checks that a command makes sense now, without changing anything.
    fn check(&self, command: &Command) -> Result<(), String> {
        use Command as C;
        match command {
            C::Ack { alert } => {
                let rule = self.spec.alerts.iter().position(|a| &a.name == alert);
                let fake = self.rules.fake.iter().find(|a| &a.name == alert);
                let firing = match (rule, fake) {
                    (Some(i), _) => matches!(self.rules.alerts[i].phase, AlertPhase::Firing(_)),
                    (None, Some(f)) => matches!(f.phase, AlertPhase::Firing(_)),
                    (None, None) => return Err(format!("no alert named '{alert}'")),
                };
                if !firing {
                    return Err(format!("{alert} is not firing"));
                }
            }
            C::Declare { .. } => {}
            C::StatusUpdate { next_update, .. } => {
                if next_update.0 == 0 || next_update.0 > 24 * HOUR {
                    return Err("the next update must be promised between 1s and 24h from now".into());
                }
            }
            C::Resolve => {
                if self.desk.incident.declared.is_none() {
                    return Err("no incident has been declared; declare one first".into());
                }
            }
            C::Rollback { service } => {
                let s = self.service(service)?;
                if self.svcs[s].prev_version.is_none() {
                    return Err(format!("{service} has not been deployed during this run: nothing to roll back to"));
                }
            }
            C::PauseRollout { service } | C::ResumeRollout { service } => {
                let s = self.service(service)?;
                match &self.svcs[s].rollout {
                    None => return Err(format!("no rollout of {service} is in progress")),
                    Some(r) if r.paused == matches!(command, C::PauseRollout { .. }) => {
                        return Err(format!(
                            "the rollout of {service} is already {}",
                            if r.paused { "paused" } else { "running" }
                        ));
                    }
                    Some(_) => {}
                }
            }
            C::Deploy { service, version } => {
                let s = self.service(service)?;
                let v = self.spec.version_index(version).ok_or_else(|| format!("no version named '{version}'"))?;
                if self.svcs[s].version == v && self.svcs[s].rollout.is_none() {
                    return Err(format!("{service} already runs {version}"));
                }
            }
            C::Scale { service, instances } => {
                let s = self.service(service)?;
                let max = self.spec.services[s].max_instances;
                if *instances == 0 || *instances > max {
                    return Err(format!("{service} can run 1 to {max} instances"));
                }
            }
            C::Restart { service, instance, .. } => {
                let s = self.service(service)?;
                if let Some(n) = instance {
                    self.instance(s, *n)?;
                }
            }
            C::Drain { service, instance } => {
                let s = self.service(service)?;
                let i = self.instance(s, *instance)?;
                if self.svcs[s].insts[i].state != InstState::Ready {
                    return Err(format!("{service}-{instance} is not serving"));
                }
            }
            C::SetFlag { flag, .. } => {
                self.spec.flag_index(flag).ok_or_else(|| format!("no feature flag named '{flag}'"))?;
            }
            C::SetRateLimit { rps, burst } => {
                if rps.is_some_and(|r| !(r.is_finite() && r > 0.0 && r <= 1e6))
                    || burst.is_some_and(|b| !(b.is_finite() && b >= 1.0))
                {
                    return Err("a rate limit needs 0 < rps ≤ 1,000,000 and burst ≥ 1".into());
                }
            }
            C::SetShed { fraction } => {
                if !(0.0..=1.0).contains(fraction) {
                    return Err("the shed fraction must be between 0 and 1".into());
                }
            }
            C::BlockClient { client } => {
                if !self.edge.abusers.iter().any(|a| &a.0 == client) {
                    return Err(format!("no client named '{client}' is sending traffic"));
                }
            }
            C::SetBreaker { service, dependency, .. } | C::SetTimeout { service, dependency, .. } => {
                let s = self.service(service)?;
                self.dependency(s, dependency)?;
                if let C::SetTimeout { timeout, .. } = command
                    && (timeout.0 == 0 || timeout.0 > HOUR)
                {
                    return Err("a timeout must be between 1us and 1h".into());
                }
            }
            C::SetRetries { service, dependency, max_attempts, .. } => {
                let s = self.service(service)?;
                self.dependency(s, dependency)?;
                if *max_attempts == 0 || *max_attempts > 10 {
                    return Err("max_attempts counts the first try: 1 (no retries) to 10".into());
                }
            }
            C::SetPoolSize { service, size } => {
                let s = self.service(service)?;
                if self.spec.services[s].pool.is_none() {
                    return Err(format!("{service} has no database pool"));
                }
                if *size == 0 || *size > 1000 {
                    return Err("a pool size must be 1 to 1000".into());
                }
            }
            C::SetDeadlines { service, .. } => {
                self.service(service)?;
            }
            C::RevertConfig { service } => {
                let s = self.service(service)?;
                if self.svcs[s].cfg_history.is_empty() {
                    return Err(format!("{service}'s config has not been changed"));
                }
            }
            C::FlushCache { cache } | C::WarmCache { cache } => {
                self.cache(cache)?;
            }
            C::Failover => {
                if self.spec.database.is_none() {
                    return Err("there is no database".into());
                }
                if self.db.failing_over {
                    return Err("a failover is already in progress".into());
                }
            }
            C::RenewCert { target } => {
                if target != "edge" && self.spec.third_party_index(target).is_none() {
                    return Err(format!("no certificate for '{target}' (use \"edge\" or a third party's name)"));
                }
            }
            C::Page { team } => {
                if !self.spec.teams.iter().any(|t| &t.name == team) {
                    let all: Vec<&str> = self.spec.teams.iter().map(|t| t.name.as_str()).collect();
                    return Err(format!("no team named '{team}' (teams: {})", all.join(", ")));
                }
                if self.desk.commands.iter().any(|c| c.rejected.is_none() && c.command == *command) {
                    return Err(format!("{team} has already been paged"));
                }
            }
            C::Hint => {
                if self.desk.hints_given >= self.spec.hints.len() {
                    return Err("no more hints for this scenario".into());
                }
            }
        }
        Ok(())
    }

    /// Applies a checked command. Names resolve (they were checked at submission).
    fn effect(&mut self, command: &Command) {
        use Command as C;
        let now = self.now;
        let svc = |sim: &Sim, name: &str| sim.spec.service_index(name).expect("checked");
        match command {
            C::Ack { alert } => {
                if let Some(i) = self.spec.alerts.iter().position(|a| &a.name == alert) {
                    self.rules.alerts[i].acked = true;
                }
                self.emit(false, EventKind::AlertAcknowledged { alert: alert.clone() });
            }
            C::Declare { severity } => {
                self.desk.incident.declared = Some((now, *severity));
                self.emit(false, EventKind::IncidentDeclared { severity: *severity });
            }
            C::StatusUpdate { audience, impact, next_update } => {
                self.desk.incident.updates.push(now);
                self.desk.incident.next_update_due = Some(now + *next_update);
                self.emit(
                    false,
                    EventKind::StatusUpdatePosted {
                        audience: *audience,
                        impact: impact.clone(),
                        next_update: *next_update,
                    },
                );
            }
            C::Resolve => {
                self.desk.incident.resolved = Some(now);
                self.emit(false, EventKind::IncidentResolved);
                self.end(EndReason::Resolved);
            }
            C::Rollback { service } => {
                let s = svc(self, service);
                if let Some(prev) = self.svcs[s].prev_version {
                    let batch = self.svcs[s].desired.div_ceil(4);
                    self.start_rollout(s, prev, batch, "you", false);
                }
            }
            C::PauseRollout { service } => self.set_rollout_paused(svc(self, service), true),
            C::ResumeRollout { service } => self.set_rollout_paused(svc(self, service), false),
            C::Deploy { service, version } => {
                let s = svc(self, service);
                let v = self.spec.version_index(version).expect("checked");
                let batch = self.svcs[s].desired.div_ceil(4);
                self.start_rollout(s, v, batch, "you", false);
            }
            C::Scale { service, instances } => self.scale(svc(self, service), *instances),
            C::Restart { service, instance, all_at_once } => {
                let s = svc(self, service);
                match instance {
                    Some(n) => {
                        if let Ok(i) = self.instance(s, *n) {
                            self.restart_instance(s, i, "restarted by you");
                        }
                    }
                    None if *all_at_once => {
                        for i in 0..self.svcs[s].insts.len() {
                            self.restart_instance(s, i, "restarted by you");
                        }
                    }
                    None => {
                        let v = self.svcs[s].version;
                        self.start_rollout(s, v, 1, "you", true);
                    }
                }
            }
            C::Drain { service, instance } => {
                let s = svc(self, service);
                if let Ok(i) = self.instance(s, *instance) {
                    self.svcs[s].desired = self.svcs[s].desired.saturating_sub(1).max(1);
                    self.drain_instance(s, i);
                }
            }
            C::SetFlag { flag, on } => {
                let f = self.spec.flag_index(flag).expect("checked");
                self.flags[f] = *on;
                self.emit(false, EventKind::FlagChanged { flag: flag.clone(), on: *on, by: "you".into() });
            }
            C::SetRateLimit { rps, burst } => {
                self.edge.rate_limit =
                    rps.map(|r| TokenBucket::new(Bucket { rate: r, burst: burst.unwrap_or(r).max(1.0) }, now));
                let change = match rps {
                    Some(r) => format!("rate limit {r} rps"),
                    None => "rate limit removed".into(),
                };
                self.emit(false, EventKind::EdgeChanged { change });
            }
            C::SetShed { fraction } => {
                self.edge.shed = *fraction;
                self.emit(
                    false,
                    EventKind::EdgeChanged { change: format!("shedding {:.0}% of traffic", fraction * 100.0) },
                );
            }
            C::BlockClient { client } => {
                if let Some(i) = self.edge.abusers.iter().position(|a| &a.0 == client) {
                    self.edge.blocked.push(i as u16 + 1);
                }
                self.emit(false, EventKind::EdgeChanged { change: format!("client {client} blocked") });
            }
            C::SetBreaker { service, dependency, enabled } => {
                self.push_change(service, ConfigChange::Breaker { dep: 0, enabled: *enabled }, Some(dependency));
            }
            C::SetTimeout { service, dependency, timeout } => {
                self.push_change(service, ConfigChange::Timeout { dep: 0, timeout: *timeout }, Some(dependency));
            }
            C::SetRetries { service, dependency, max_attempts, budget, backoff } => {
                let s = svc(self, service);
                let d = self.spec.dep_index(s, dependency).expect("checked");
                let mut cfg = self.changed_config(s, &ConfigChange::Retries { dep: d, max_attempts: *max_attempts });
                let mut what = self.describe_change(s, &ConfigChange::Retries { dep: d, max_attempts: *max_attempts });
                if let Some(on) = budget {
                    let spec = cfg.deps[d].policy.retry.budget.unwrap_or(super::config::DEFAULT_BUDGET);
                    cfg.deps[d].policy.retry.budget = on.then_some(spec);
                    what.push_str(if *on { ", retry budget on" } else { ", retry budget off" });
                }
                if let Some(b) = backoff {
                    cfg.deps[d].policy.retry.backoff = *b;
                    what.push_str(&format!(", backoff {b:?}"));
                }
                self.push_config(s, cfg, what, "you");
                self.clear_fixed_configs(s);
            }
            C::SetPoolSize { service, size } => self.push_change(service, ConfigChange::PoolSize(*size), None),
            C::SetDeadlines { service, on } => self.push_change(service, ConfigChange::Deadlines(*on), None),
            C::RevertConfig { service } => {
                let s = svc(self, service);
                self.revert_config(s, "you");
                self.clear_fixed_configs(s);
            }
            C::FlushCache { cache } => {
                let c = self.cache(cache).expect("checked");
                self.caches[c].warmth = 0.0;
                self.caches[c].hot_present = false;
                self.emit(false, EventKind::CacheFlushed { cache: cache.clone() });
            }
            C::WarmCache { cache } => {
                let c = self.cache(cache).expect("checked");
                self.caches[c].warming_until = now + Dur::from_secs(crate::sim::resources::cache::WARM_UP_SECS as u64);
            }
            C::Failover => {
                self.db.failing_over = true;
                self.emit(false, EventKind::FailoverStarted);
                let window = self.spec.database.as_ref().map_or(Dur::from_secs(30), |d| d.failover_window);
                self.q.push(now + window, Ev::FailoverDone);
            }
            C::RenewCert { target } => {
                let want = if target == "edge" {
                    Some(CertTarget::Edge)
                } else {
                    self.spec.third_party_index(target).map(CertTarget::ThirdParty)
                };
                for idx in 0..self.spec.timeline.len() {
                    if let Inject::Fault(Fault::CertExpiry { target: t }) = self.spec.timeline[idx].inject
                        && Some(t) == want
                    {
                        self.clear_entry(idx, "certificate renewed");
                    }
                }
            }
            C::Page { team } => {
                if let Some(i) = self.spec.teams.iter().position(|t| &t.name == team) {
                    self.q.push(now + self.spec.teams[i].arrives_after, Ev::TeamArrives { idx: i as u32 });
                }
            }
            C::Hint => {
                let text = self.spec.hints[self.desk.hints_given].clone();
                self.desk.hints_given += 1;
                self.emit(false, EventKind::HintGiven { text });
            }
        }
        if !matches!(command, C::Failover | C::Page { .. }) {
            // A failover fixes things when it finishes and a team when it arrives.
            self.clear_by_command(command.kind());
        }
    }

    fn push_change(&mut self, service: &str, change: ConfigChange, dependency: Option<&str>) {
        let s = self.spec.service_index(service).expect("checked");
        let change = match (change, dependency) {
            (ConfigChange::Breaker { enabled, .. }, Some(d)) => {
                ConfigChange::Breaker { dep: self.spec.dep_index(s, d).expect("checked"), enabled }
            }
            (ConfigChange::Timeout { timeout, .. }, Some(d)) => {
                ConfigChange::Timeout { dep: self.spec.dep_index(s, d).expect("checked"), timeout }
            }
            (c, _) => c,
        };
        let cfg = self.changed_config(s, &change);
        let what = self.describe_change(s, &change);
        self.push_config(s, cfg, what, "you");
        self.clear_fixed_configs(s);
    }

    /// A bad config push is over once re-applying it would change something again.
    fn clear_fixed_configs(&mut self, s: usize) {
        for idx in 0..self.spec.timeline.len() {
            if let Inject::Fault(Fault::BadConfig { service, change, .. }) = &self.spec.timeline[idx].inject
                && *service == s
                && self.timeline.entries[idx].active
                && self.changed_config(s, change) != self.config(s)
            {
                self.clear_entry(idx, "config fixed");
            }
        }
    }

    pub(crate) fn on_failover_done(&mut self) {
        self.db.failing_over = false;
        for idx in 0..self.spec.timeline.len() {
            let fixed = match self.spec.timeline[idx].inject {
                Inject::Fault(Fault::DatabaseDown) => true,
                Inject::Fault(Fault::SlowQueries { fixed_by_failover, .. }) => fixed_by_failover,
                _ => false,
            };
            if fixed {
                self.clear_entry(idx, "failed over to a healthy replica");
            }
        }
        self.emit(false, EventKind::FailoverFinished);
        self.clear_by_command(CommandKind::Failover);
    }

    pub(crate) fn on_team_arrives(&mut self, i: usize) {
        let t = &self.spec.teams[i];
        let (team, says) = (t.name.clone(), t.says.clone());
        self.emit(false, EventKind::TeamArrived { team, says });
        self.clear_by_command(CommandKind::Page);
    }
}
