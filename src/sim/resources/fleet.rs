//! The fleet as others change it, and a resource that grows with it.
//!
//! * Someone else's capacity change (`CapacityChange`): instances removed for good, or added
//!   through start-up, with the desired count moved to match — possibly far more than they
//!   meant (Amazon S3, February 2017). The player's `Scale` puts capacity back.
//! * A command someone runs by hand on one host (`ManualCommand`): it is logged on the host,
//!   shows in the changes list, and may restart, kill or stop the process.
//! * Peer threads (`peers`): each instance holds `base + per_peer × (peers up)` threads, where
//!   peers are the other instances that are starting, serving or draining. Above the OS limit
//!   every instance fails every request and health check at once, so adding capacity can take
//!   the whole fleet down (AWS Kinesis, November 2020), and removing it brings it back.

use super::instance::InstState;
use crate::sim::engine::Sim;
use crate::sim::model::fault::{Capacity, ManualEffect};
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;

impl Sim {
    /// Removes or adds instances of `s` as someone else's command does; returns the desired
    /// count before it.
    pub(crate) fn change_capacity(&mut self, s: usize, change: Capacity, by: &str, intended: &str) -> u32 {
        let before = self.svcs[s].desired;
        let live: Vec<usize> =
            self.svcs[s].alive.iter().map(|&i| i as usize).filter(|&i| self.svcs[s].insts[i].live()).collect();
        match change {
            Capacity::Add(n) => {
                let version = self.svcs[s].version;
                for _ in 0..n {
                    self.add_instance(s, version);
                }
                self.svcs[s].desired = before.saturating_add(n);
            }
            Capacity::Remove(_) | Capacity::RemoveFraction(_) => {
                let n = match change {
                    Capacity::Remove(n) => n as usize,
                    Capacity::RemoveFraction(f) => ((f * live.len() as f64).round() as usize).max(1),
                    Capacity::Add(_) => 0,
                };
                let gone = n.min(live.len());
                // The oldest first: a tool picks hosts by its own list, not by their health.
                for &i in &live[..gone] {
                    self.stop_instance(s, i);
                }
                self.svcs[s].desired = before.saturating_sub(gone as u32);
            }
        }
        let service = self.spec.services[s].name.clone();
        let to = self.svcs[s].desired;
        let (by, intended) = (by.to_string(), intended.to_string());
        self.emit(false, EventKind::CapacityChanged { service, from: before, to, by, intended });
        self.rollout_step(s);
        before
    }

    /// Someone runs `command` by hand on instance number `num` of `s` (a ready one at random
    /// without a number).
    pub(crate) fn run_manual_command(
        &mut self,
        s: usize,
        num: Option<u32>,
        command: &str,
        effect: ManualEffect,
        by: &str,
    ) {
        let svc = &self.svcs[s];
        let ready: Vec<usize> = svc
            .alive
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| match num {
                Some(n) => svc.insts[i].num == n,
                None => svc.insts[i].state == InstState::Ready,
            })
            .collect();
        let i = match (num, ready.len()) {
            (_, 0) => return,
            (Some(_), _) => ready[0],
            (None, n) => ready[self.rng.faults.below(n)],
        };
        let (service, instance) = (self.spec.services[s].name.clone(), self.inst_name(s, i));
        self.rec.logs.push(self.now, Level::Info, &service, &instance, None, format!("{by}@{instance}$ {command}"));
        self.emit(
            false,
            EventKind::ManualCommandRun { service, instance, command: command.to_string(), by: by.to_string() },
        );
        match effect {
            ManualEffect::Nothing => {}
            ManualEffect::Restart => self.restart_instance(s, i, &format!("restarted by {by}")),
            ManualEffect::Kill => self.crash(s, i, &format!("killed by {by} ({command})")),
            ManualEffect::Stop => self.stop_instance(s, i),
        }
    }

    /// Recomputes the threads each instance of `s` holds for its peers after the fleet
    /// changed; crossing the OS limit (either way) is logged, and crossing it upwards is a
    /// signal the player sees.
    pub(crate) fn recount_peers(&mut self, s: usize) {
        let Some(p) = self.spec.services[s].peers else {
            return;
        };
        let svc = &self.svcs[s];
        let up = svc
            .alive
            .iter()
            .filter(|&&i| {
                matches!(svc.insts[i as usize].state, InstState::Starting | InstState::Ready | InstState::Draining)
            })
            .count() as u32;
        let threads = p.base + p.per_peer * up.saturating_sub(1);
        let over = threads > p.limit;
        let was = std::mem::replace(&mut self.svcs[s].over_thread_limit, over);
        self.svcs[s].peer_threads = threads;
        if over == was {
            return;
        }
        let service = self.spec.services[s].name.clone();
        let (level, text) = if over {
            (
                Level::Error,
                format!(
                    "pthread_create failed: Resource temporarily unavailable ({threads} threads per instance, limit {}): cannot open connections to {} peers",
                    p.limit,
                    up.saturating_sub(1)
                ),
            )
        } else {
            (Level::Info, format!("threads per instance back to {threads} (limit {})", p.limit))
        };
        self.rec.logs.push(self.now, level, &service, &service, None, text);
        if over {
            self.emit(false, EventKind::ThreadLimitReached { service, threads, limit: p.limit });
        }
    }
}
