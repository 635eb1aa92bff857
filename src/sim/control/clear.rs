//! How a fault ends, besides its duration: a player's command that its `cleared_by` names —
//! matched on the command's kind and, optionally, its parameters — once that command has
//! taken effect in the simulation; its `clear_when` condition; or its natural fix when what
//! it changed is put right (a flag flipped back, the capacity restored).
//!
//! "Taken effect" means what the command does has happened, not that it was accepted: a
//! deploy or rollback clears when its rollout has replaced the instances (after any build), a
//! rolling restart when it finishes, a restart when the restarted instances are back in
//! rotation, a scale-up when the instances asked for are in rotation (a scale-down when the
//! surplus has gone), a drain when the instance has stopped, a warm-up when the cache is
//! warm; everything else when the command is applied. A rollout or build that a newer one
//! replaces never takes effect. Every clear is one `FaultCleared` event with its cause.

use super::resolve::ResolvedCommand;
use crate::sim::engine::Sim;
use crate::sim::model::command::Command;
use crate::sim::model::fault::{Capacity, Fault};
use crate::sim::model::rules::{CommandMatch, Direction, Inject};
use crate::sim::observe::events::ClearCause;
use crate::sim::resources::instance::InstState;
use crate::sim::resources::pipeline::Ticket;

/// What a command's effect is waiting for before it counts as taken.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Effect {
    /// Taken at once.
    Now,
    /// A deploy: its build (if any), then its rollout, must finish.
    Deploy { service: usize, ticket: Ticket },
    /// These instances (index, life after the restart) must be back in rotation.
    InRotation { service: usize, insts: Vec<(usize, u32)> },
    /// At least this many instances in rotation.
    ScaledUp { service: usize, to: u32 },
    /// At most this many instances live.
    ScaledDown { service: usize, to: u32 },
    /// The instance must have stopped.
    Stopped { service: usize, inst: usize },
    /// The cache's warm-up must have finished.
    CacheWarm { cache: usize },
}

#[derive(Clone, Debug)]
struct Pending {
    entry: usize,
    command: Command,
    effect: Effect,
}

/// Clears waiting for their command to take effect, and what capacity changes took away.
#[derive(Clone, Debug, Default)]
pub(crate) struct Clears {
    pending: Vec<Pending>,
    /// (timeline entry, the service's desired count before) of `CapacityChange` faults.
    pub capacity_before: Vec<(usize, u32)>,
}

/// The name parameters of a command besides its service, as `cleared_by` and judgements
/// name them.
pub(crate) fn targets(c: &Command) -> Vec<&str> {
    use Command as C;
    match c {
        C::Ack { alert } => vec![alert],
        C::Deploy { version, .. } => vec![version],
        C::SetFlag { flag, .. } => vec![flag],
        C::BlockClient { client } => vec![client],
        C::SetBreaker { dependency, .. } | C::SetRetries { dependency, .. } | C::SetTimeout { dependency, .. } => {
            vec![dependency]
        }
        C::FlushCache { cache } | C::WarmCache { cache } => vec![cache],
        C::RenewCert { target } => vec![target],
        C::Page { team } => vec![team],
        C::SetHealthCheck { endpoint: Some(e), .. } => vec![e],
        _ => vec![],
    }
}

/// The on/off a command sets (a flag, a breaker, deadlines, a health check, a retry budget),
/// as `cleared_by` and judgements match it with `on`.
pub(crate) fn switch(c: &Command) -> Option<bool> {
    match c {
        Command::SetFlag { on, .. } | Command::SetDeadlines { on, .. } => Some(*on),
        Command::SetBreaker { enabled, .. } => Some(*enabled),
        Command::SetHealthCheck { enabled, .. } => *enabled,
        Command::SetRetries { budget, .. } => *budget,
        _ => None,
    }
}

/// The number `below` / `above` compare with.
pub(crate) fn value(c: &Command) -> Option<f64> {
    Some(match c {
        Command::Scale { instances, .. } => f64::from(*instances),
        Command::SetTimeout { timeout, .. } => timeout.0 as f64 / 1000.0,
        Command::SetRetries { max_attempts, .. } => f64::from(*max_attempts),
        Command::SetPoolSize { size, .. } => f64::from(*size),
        Command::SetShed { fraction } => *fraction,
        Command::SetRateLimit { rps, .. } => (*rps)?,
        _ => return None,
    })
}

/// Whether command `c` (scaling in `direction`) is one that `m` names.
pub(crate) fn matches(m: &CommandMatch, c: &Command, direction: Option<Direction>) -> bool {
    m.kind == c.kind()
        && m.service.as_deref().is_none_or(|s| c.service() == Some(s))
        && m.target.as_deref().is_none_or(|t| targets(c).contains(&t))
        && m.on.is_none_or(|on| switch(c) == Some(on))
        && m.direction.is_none_or(|d| direction == Some(d))
        && m.below.is_none_or(|b| value(c).is_some_and(|v| v < b))
        && m.above.is_none_or(|a| value(c).is_some_and(|v| v > a))
}

impl Sim {
    /// The scale direction of a resolved command, read before it takes effect.
    pub(crate) fn direction_of(&self, r: &ResolvedCommand) -> Option<Direction> {
        match *r {
            ResolvedCommand::Scale { service, instances } => {
                Some(if instances > self.svcs[service].desired { Direction::Up } else { Direction::Down })
            }
            _ => None,
        }
    }

    /// A command has been applied: the faults whose `cleared_by` names it clear now, or once
    /// `effect` has happened.
    pub(crate) fn command_applied(&mut self, command: &Command, direction: Option<Direction>, effect: &Effect) {
        for idx in 0..self.spec.timeline.len() {
            if !self.timeline.entries[idx].active
                || !self.spec.timeline[idx].cleared_by.iter().any(|m| matches(m, command, direction))
            {
                continue;
            }
            if *effect == Effect::Now {
                self.clear_by(idx, command);
            } else if !self.clears.pending.iter().any(|p| p.entry == idx && p.effect == *effect) {
                self.clears.pending.push(Pending { entry: idx, command: command.clone(), effect: effect.clone() });
            }
        }
    }

    fn clear_by(&mut self, idx: usize, command: &Command) {
        let why = format!("cleared by {}", command.label());
        self.clear_entry(idx, &why, ClearCause::Command { command: command.clone() });
    }

    /// Clears the faults waiting on effects that `done` says have happened, in the order they
    /// were asked for.
    fn resolve_pending(&mut self, done: impl Fn(&Sim, &Effect) -> bool) {
        if self.clears.pending.is_empty() {
            return;
        }
        let (ready, waiting): (Vec<Pending>, Vec<Pending>) =
            std::mem::take(&mut self.clears.pending).into_iter().partition(|p| done(self, &p.effect));
        self.clears.pending = waiting;
        for p in ready {
            self.clear_by(p.entry, &p.command);
        }
    }

    /// A rollout finished: the deploys waiting for it have taken effect.
    pub(crate) fn rollout_finished(&mut self, s: usize, id: u32) {
        let rollout = Ticket::Rollout(id);
        self.resolve_pending(
            |_, e| matches!(e, Effect::Deploy { service, ticket } if *service == s && *ticket == rollout),
        );
    }

    /// A newer rollout replaced rollout `id`, which will never take effect.
    pub(crate) fn rollout_superseded(&mut self, s: usize, id: u32) {
        let gone = Effect::Deploy { service: s, ticket: Ticket::Rollout(id) };
        self.clears.pending.retain(|p| p.effect != gone);
    }

    /// A newer deploy replaced build `id`, which will never take effect.
    pub(crate) fn build_superseded(&mut self, s: usize, id: u32) {
        let gone = Effect::Deploy { service: s, ticket: Ticket::Build(id) };
        self.clears.pending.retain(|p| p.effect != gone);
    }

    /// Build `id` is done and rolling out as rollout `rollout`.
    pub(crate) fn build_became_rollout(&mut self, s: usize, id: u32, rollout: u32) {
        for p in &mut self.clears.pending {
            if p.effect == (Effect::Deploy { service: s, ticket: Ticket::Build(id) }) {
                p.effect = Effect::Deploy { service: s, ticket: Ticket::Rollout(rollout) };
            }
        }
    }

    /// A warm-up finished.
    pub(crate) fn cache_warmed(&mut self, c: usize) {
        self.resolve_pending(|_, e| *e == Effect::CacheWarm { cache: c });
    }

    /// Whether a state-based effect has happened.
    fn effect_done(&self, e: &Effect) -> bool {
        let in_rotation = |s: usize| self.svcs[s].rotation.len() as u32;
        match e {
            Effect::Now => true,
            Effect::Deploy { .. } | Effect::CacheWarm { .. } => false,
            Effect::InRotation { service, insts } => insts.iter().all(|&(i, life)| {
                let x = &self.svcs[*service].insts[i];
                x.life >= life && x.in_rotation
            }),
            Effect::ScaledUp { service, to } => in_rotation(*service) >= *to,
            Effect::ScaledDown { service, to } => {
                let svc = &self.svcs[*service];
                svc.alive.iter().filter(|&&i| svc.insts[i as usize].state != InstState::Stopped).count() as u32 <= *to
            }
            Effect::Stopped { service, inst } => self.svcs[*service].insts[*inst].state == InstState::Stopped,
        }
    }

    /// At every window close: commands whose effect has now happened, `clear_when`
    /// conditions, and the natural fixes of flags and capacity others changed.
    pub(crate) fn check_clears(&mut self) {
        self.resolve_pending(Sim::effect_done);
        for idx in 0..self.spec.timeline.len() {
            if !self.timeline.entries[idx].active {
                continue;
            }
            let entry = &self.spec.timeline[idx];
            if let Some(c) = &entry.clear_when
                && self.holds(c)
            {
                self.clear_entry(idx, "its clear_when condition holds", ClearCause::Condition);
                continue;
            }
            let fixed = match &entry.inject {
                Inject::Fault(Fault::FlagFlip { flag, on, .. }) => {
                    (self.flags[*flag] != *on).then_some("the flag is back")
                }
                Inject::Fault(Fault::CapacityChange { service, change, .. }) => {
                    let before = self.clears.capacity_before.iter().find(|x| x.0 == idx).map_or(0, |x| x.1);
                    let s = *service;
                    let back = match change {
                        Capacity::Add(_) => {
                            self.svcs[s].desired <= before
                                && self.effect_done(&Effect::ScaledDown { service: s, to: before })
                        }
                        _ => {
                            self.svcs[s].desired >= before
                                && self.effect_done(&Effect::ScaledUp { service: s, to: before })
                        }
                    };
                    back.then_some("the capacity is back")
                }
                _ => None,
            };
            if let Some(why) = fixed {
                self.clear_entry(idx, why, ClearCause::Fixed);
            }
        }
    }
}
