//! Submitting commands: each is resolved once (`resolve`); a rejected command is recorded
//! with its reason, never a panic; an accepted one takes effect after its delay — applied
//! from its resolved form, with nothing looked up again — with its side effects, and clears
//! the faults it fixes.

use super::clear::Effect;
use super::resolve::{AlertRef, Rejection, ResolvedCommand, Restart};
use crate::sim::engine::{EndReason, Ev, Sim};
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::command::{Command, Severity};
use crate::sim::model::fault::{ConfigChange, Fault};
use crate::sim::model::rules::Direction;
use crate::sim::model::rules::Inject;
use crate::sim::model::spec::Bucket;
use crate::sim::observe::events::{ClearCause, EventKind};
use crate::sim::resources::bucket::TokenBucket;
use crate::sim::resources::instance::InstState;
use crate::sim::resources::pipeline::Ticket;

/// The incident as the player runs it.
#[derive(Clone, Debug, Default)]
pub struct Incident {
    /// When it was declared or last changed severity, and its severity now.
    pub declared: Option<(SimTime, Severity)>,
    pub updates: Vec<SimTime>,
    pub next_update_due: Option<SimTime>,
    /// When the all-clear was posted.
    pub all_clear: Option<SimTime>,
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
    /// The drill seat that sent it (`None` in a solo run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<crate::sim::model::seat::By>,
}

/// The player's desk: the incident they run, every command they submitted (rejected ones
/// too), the accepted ones waiting for their delay, and the hints given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Desk {
    pub incident: Incident,
    pub commands: Vec<CommandRecord>,
    /// Accepted commands with a delay, as submitted and as resolved.
    pub deferred: Vec<(Command, ResolvedCommand)>,
    pub hints_given: usize,
}

impl Sim {
    /// Submits a command at the current sim time: `Ok(delay until it takes effect)` or why
    /// it was rejected. Either way it is recorded.
    pub fn submit(&mut self, command: Command) -> Result<Dur, Rejection> {
        self.submit_as(command, None)
    }

    /// `submit` for a drill seat: the command's record and its event name `by`.
    pub fn submit_as(&mut self, command: Command, by: Option<crate::sim::model::seat::By>) -> Result<Dur, Rejection> {
        let now = self.now;
        // A tool the command goes through may be down: it is refused, or takes longer.
        let resolved = match self.resolve(&command).and_then(|r| Ok((r, self.tool_delay(&command)?))) {
            Ok(resolved) => resolved,
            Err(rejection) => {
                let reason = rejection.to_string();
                self.desk.commands.push(CommandRecord {
                    at: now,
                    command: command.clone(),
                    rejected: Some(reason.clone()),
                    effective_at: now,
                    by: by.clone(),
                });
                // The facilitator's commands are theirs: the seats see what they do, not them.
                let hidden = command.kind().facilitator_only();
                self.emit(hidden, EventKind::CommandRejected { command, reason, by });
                return Err(rejection);
            }
        };
        let (resolved, tool_delay) = resolved;
        let kind = command.kind();
        let delay = kind.delay() + tool_delay;
        self.desk.commands.push(CommandRecord {
            at: now,
            command: command.clone(),
            rejected: None,
            effective_at: now + delay,
            by: by.clone(),
        });
        self.emit(
            kind.facilitator_only(),
            EventKind::CommandApplied { command: command.clone(), effective_in: delay, cost: kind.cost(), by },
        );
        if delay.0 == 0 {
            self.effect(&command, &resolved);
        } else {
            self.desk.deferred.push((command, resolved));
            self.q.push(now + delay, Ev::Deferred { idx: (self.desk.deferred.len() - 1) as u32 });
        }
        Ok(delay)
    }

    pub(crate) fn take_effect(&mut self, idx: usize) {
        let (command, resolved) = self.desk.deferred[idx].clone();
        self.emit(false, EventKind::CommandTookEffect { command: command.clone() });
        self.effect(&command, &resolved);
    }

    /// Applies a resolved command. State that may have changed during its delay is read now.
    /// Then the faults it clears clear, at once or once its effect has happened (`clear`).
    fn effect(&mut self, original: &Command, command: &ResolvedCommand) {
        use ResolvedCommand as R;
        let now = self.now;
        let direction = self.direction_of(command);
        let mut effect = Effect::Now;
        match *command {
            R::Ack { alert } => {
                let name = match alert {
                    AlertRef::Rule(i) => {
                        self.rules.alerts[i].acked = true;
                        self.spec.alerts[i].name.clone()
                    }
                    AlertRef::Fake(i) => self.rules.fake[i].name.clone(),
                };
                self.emit(false, EventKind::AlertAcknowledged { alert: name });
            }
            R::Declare { severity } => {
                self.desk.incident.declared = Some((now, severity));
                self.emit(false, EventKind::IncidentDeclared { severity });
            }
            R::StatusUpdate { audience, ref impact, next_update, all_clear } => {
                self.desk.incident.updates.push(now);
                self.desk.incident.next_update_due = (!all_clear).then_some(now + next_update);
                if all_clear {
                    self.desk.incident.all_clear = Some(now);
                }
                let impact = impact.clone();
                self.emit(false, EventKind::StatusUpdatePosted { audience, impact, next_update, all_clear });
            }
            R::ChangeSeverity { severity } => {
                if let Some((_, from)) = self.desk.incident.declared {
                    self.desk.incident.declared = Some((now, severity));
                    self.emit(false, EventKind::SeverityChanged { from, to: severity });
                }
            }
            R::Resolve => {
                self.desk.incident.resolved = Some(now);
                self.emit(false, EventKind::IncidentResolved);
                self.end(EndReason::Resolved);
            }
            R::Rollback { service: s } => {
                if let Some(prev) = self.svcs[s].prev_version {
                    effect = Effect::Deploy { service: s, ticket: self.deploy_by_player(s, prev, true) };
                }
            }
            R::PauseRollout { service } => self.set_rollout_paused(service, true),
            R::ResumeRollout { service } => self.set_rollout_paused(service, false),
            R::Deploy { service: s, version } => {
                effect = Effect::Deploy { service: s, ticket: self.deploy_by_player(s, version, false) };
            }
            R::Scale { service, instances } => {
                effect = match direction {
                    Some(Direction::Up) => Effect::ScaledUp { service, to: instances },
                    _ => Effect::ScaledDown { service, to: instances },
                };
                self.scale(service, instances);
            }
            R::Restart { service: s, which } => {
                let targets: Vec<usize> = match which {
                    Restart::One(i) => vec![i].into_iter().filter(|&i| self.running(s, i)).collect(),
                    Restart::AllAtOnce => self.svcs[s].alive.iter().map(|&i| i as usize).collect(),
                    Restart::Rolling => Vec::new(),
                };
                if which == Restart::Rolling {
                    let v = self.svcs[s].version;
                    effect = Effect::Deploy {
                        service: s,
                        ticket: Ticket::Rollout(self.start_rollout(s, v, 1, "you", true)),
                    };
                } else {
                    for &i in &targets {
                        self.restart_by_player(s, i);
                    }
                    let insts = targets.into_iter().map(|i| (i, self.svcs[s].insts[i].life)).collect();
                    effect = Effect::InRotation { service: s, insts };
                }
            }
            R::Drain { service: s, instance: i } => {
                if self.running(s, i) {
                    self.svcs[s].desired = self.svcs[s].desired.saturating_sub(1).max(1);
                    self.drain_instance(s, i);
                    effect = Effect::Stopped { service: s, inst: i };
                }
            }
            R::SetFlag { flag, on } => {
                self.flags[flag] = on;
                let flag = self.spec.flags[flag].name.clone();
                self.emit(false, EventKind::FlagChanged { flag, on, by: "you".into() });
            }
            R::SetRateLimit { rps, burst } => {
                self.edge.rate_limit =
                    rps.map(|r| TokenBucket::new(Bucket { rate: r, burst: burst.unwrap_or(r).max(1.0) }, now));
                let change = match rps {
                    Some(r) => format!("rate limit {r} rps"),
                    None => "rate limit removed".into(),
                };
                self.emit(false, EventKind::EdgeChanged { change });
            }
            R::SetShed { fraction } => {
                self.edge.shed = fraction;
                let change = format!("shedding {:.0}% of traffic", fraction * 100.0);
                self.emit(false, EventKind::EdgeChanged { change });
            }
            R::BlockClient { client } => {
                self.edge.blocked.push(client as u16 + 1);
                let change = format!("client {} blocked", self.edge.abusers[client].0);
                self.emit(false, EventKind::EdgeChanged { change });
            }
            R::SetBreaker { service, dep, enabled } => {
                self.push_change(service, &ConfigChange::Breaker { dep, enabled });
            }
            R::SetTimeout { service, dep, timeout } => {
                self.push_change(service, &ConfigChange::Timeout { dep, timeout });
            }
            R::SetRetries { service: s, dep: d, max_attempts, budget, backoff } => {
                let change = ConfigChange::Retries { dep: d, max_attempts };
                let mut cfg = self.changed_config(s, &change);
                let mut what = self.describe_change(s, &change);
                if let Some(on) = budget {
                    let spec = cfg.deps[d].policy.retry.budget.unwrap_or(super::config::DEFAULT_BUDGET);
                    cfg.deps[d].policy.retry.budget = on.then_some(spec);
                    what.push_str(if on { ", retry budget on" } else { ", retry budget off" });
                }
                if let Some(b) = backoff {
                    cfg.deps[d].policy.retry.backoff = b;
                    what.push_str(&format!(", backoff {}", b.word()));
                }
                self.push_config(s, cfg, what, "you");
                self.clear_fixed_configs(s);
            }
            R::SetPoolSize { service, size } => self.push_change(service, &ConfigChange::PoolSize(size)),
            R::SetDeadlines { service, on } => self.push_change(service, &ConfigChange::Deadlines(on)),
            R::SetHealthCheck { service, check } => self.set_health_check(service, check),
            R::RevertConfig { service } => {
                self.revert_config(service, "you");
                self.clear_fixed_configs(service);
            }
            R::FlushCache { cache } => {
                self.caches[cache].warmth = 0.0;
                self.caches[cache].hot_present = false;
                let cache = self.spec.caches[cache].name.clone();
                self.emit(false, EventKind::CacheFlushed { cache });
            }
            R::WarmCache { cache } => {
                self.start_warm_up(cache);
                effect = Effect::CacheWarm { cache };
            }
            R::Failover => self.start_failover(),
            R::Restore => self.start_restore(),
            R::RenewCert { target } => {
                for idx in 0..self.spec.timeline.len() {
                    if let Inject::Fault(Fault::CertExpiry { target: t }) = self.spec.timeline[idx].inject
                        && t == target
                    {
                        if self.timeline.entries[idx].fired.is_none() {
                            // An unfired contingency is not scheduled: there is nothing to avert.
                            if self.timeline.entries[idx].averted.is_some()
                                || self.spec.timeline[idx].trigger.is_manual()
                            {
                                continue;
                            }
                            // Renewed before it expired: the expiry will not happen.
                            self.timeline.entries[idx].averted = Some(self.now);
                            let label = self.spec.timeline[idx].label.clone();
                            let why = "the certificate was renewed before it expired".to_string();
                            self.emit(true, EventKind::FaultAverted { label, why });
                        } else {
                            self.clear_entry(idx, "certificate renewed", ClearCause::Fixed);
                        }
                    }
                }
            }
            R::Page { team } => {
                self.q.push(now + self.spec.teams[team].arrives_after, Ev::TeamArrives { idx: team as u32 });
            }
            R::Fire { entry } => self.fire_entry(entry),
            R::Reveal { ref text } => self.emit(false, EventKind::Revealed { text: text.clone() }),
            R::Tip { ref seat, ref text } => {
                self.emit(false, EventKind::Tip { seat: seat.clone(), text: text.clone() });
            }
            R::Hint => {
                let text = self.spec.hints[self.desk.hints_given].clone();
                let tier = crate::sim::model::hint::HintTier::of(self.desk.hints_given, self.spec.hints.len());
                self.desk.hints_given += 1;
                self.emit(false, EventKind::HintGiven { text, tier });
            }
        }
        if !matches!(command, R::Failover | R::Page { .. }) {
            // A failover fixes things when it finishes and a team when it arrives.
            self.command_applied(original, direction, &effect);
        }
    }

    /// Whether instance `i` of service `s` still runs (a delayed command finds it stopped).
    fn running(&self, s: usize, i: usize) -> bool {
        self.svcs[s].insts[i].state != InstState::Stopped
    }

    fn push_change(&mut self, s: usize, change: &ConfigChange) {
        let cfg = self.changed_config(s, change);
        let what = self.describe_change(s, change);
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
                self.clear_entry(idx, "config fixed", ClearCause::Fixed);
            }
        }
    }

    pub(crate) fn on_failover_done(&mut self) {
        self.db.failing_over = false;
        self.data_failover_done();
        for idx in 0..self.spec.timeline.len() {
            let fixed = match self.spec.timeline[idx].inject {
                Inject::Fault(Fault::DatabaseDown) => true,
                Inject::Fault(Fault::SlowQueries { fixed_by_failover, .. }) => fixed_by_failover,
                _ => false,
            };
            if fixed {
                self.clear_entry(idx, "failed over to a healthy replica", ClearCause::Fixed);
            }
        }
        self.emit(false, EventKind::FailoverFinished);
        self.command_applied(&Command::Failover, None, &Effect::Now);
    }

    pub(crate) fn on_team_arrives(&mut self, i: usize) {
        let t = &self.spec.teams[i];
        let (team, says) = (t.name.clone(), t.says.clone());
        self.emit(false, EventKind::TeamArrived { team: team.clone(), says });
        self.command_applied(&Command::Page { team }, None, &Effect::Now);
    }
}
