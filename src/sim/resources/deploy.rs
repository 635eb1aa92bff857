//! Rollouts and scaling. A rollout replaces instances in batches with surge: start a batch of
//! new instances, wait until they pass health checks, drain as many old ones, repeat. So it
//! takes ⌈N/batch⌉ × (start-up + readiness); a rollback is simply another rollout, and a
//! version that crashes on start stalls its rollout (nothing new ever becomes ready).

use super::instance::InstState;
use crate::sim::engine::Sim;
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;

#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    pub to: usize,
    pub batch: u32,
    pub by: String,
    pub paused: bool,
    /// Instances (by index) this rollout replaces.
    pub replace: Vec<u32>,
}

impl Sim {
    /// Starts rolling service `s` to version `to`. With `replace_all` every instance is replaced
    /// even if it already runs `to` (a rolling restart).
    pub(crate) fn start_rollout(&mut self, s: usize, to: usize, batch: u32, by: &str, replace_all: bool) {
        if let Some(old) = self.svcs[s].rollout.take() {
            // Abandon the old rollout's instances that never started serving.
            for i in 0..self.svcs[s].insts.len() {
                let x = &self.svcs[s].insts[i];
                if x.live()
                    && x.version == old.to
                    && x.version != to
                    && !x.in_rotation
                    && !old.replace.contains(&(i as u32))
                {
                    self.stop_instance(s, i);
                }
            }
        }
        let svc = &mut self.svcs[s];
        let from = svc.version;
        if from != to {
            svc.prev_version = Some(from);
        }
        svc.version = to;
        let replace: Vec<u32> = svc
            .insts
            .iter()
            .enumerate()
            .filter(|(_, x)| x.live() && (replace_all || x.version != to))
            .map(|(i, _)| i as u32)
            .collect();
        svc.rollout = Some(Rollout { to, batch: batch.max(1), by: by.to_string(), paused: false, replace });
        let service = self.spec.services[s].name.clone();
        let (from, to_name) = (self.spec.versions[from].name.clone(), self.spec.versions[to].name.clone());
        self.rec.logs.push(
            self.now,
            Level::Info,
            &service,
            "deployer",
            None,
            format!("rollout of {service} {from} → {to_name} started by {by}, {batch} at a time"),
        );
        self.emit(false, EventKind::DeployStarted { service, from, to: to_name, by: by.to_string() });
        self.rollout_step(s);
    }

    /// Moves a rollout forward if its current batch is ready. Retiring an idle instance stops
    /// it at once, which asks for another step: such nested requests are queued, not nested,
    /// so one step never runs inside another.
    pub(crate) fn rollout_step(&mut self, s: usize) {
        if !self.rollouts.enter_once(s) {
            return;
        }
        while let Some(next) = self.rollouts.next() {
            self.rollout_step_once(next);
        }
    }

    fn rollout_step_once(&mut self, s: usize) {
        let Some(r) = self.svcs[s].rollout.as_ref() else {
            return;
        };
        if r.paused {
            return;
        }
        let (to, batch) = (r.to, r.batch);
        let replace = r.replace.clone();
        let svc = &self.svcs[s];
        let is_old = |i: usize| replace.contains(&(i as u32));
        let pending = svc.insts.iter().enumerate().filter(|(i, x)| x.live() && !is_old(*i) && !x.in_rotation).count();
        if pending > 0 {
            return;
        }
        let mut old: Vec<usize> = (0..svc.insts.len()).filter(|&i| is_old(i) && svc.insts[i].live()).collect();
        let serving = svc.insts.iter().enumerate().filter(|(i, x)| x.live() && !is_old(*i)).count() + old.len();
        let surplus = serving.saturating_sub(svc.desired as usize);
        // Retire the ones that are not serving first, then the oldest.
        old.sort_by_key(|&i| (svc.insts[i].in_rotation, i));
        let retire: Vec<usize> = old.iter().take(surplus).copied().collect();
        for i in &retire {
            self.drain_instance(s, *i);
        }
        let remaining = old.len() - retire.len();
        if remaining == 0 {
            self.svcs[s].rollout = None;
            let service = self.spec.services[s].name.clone();
            let version = self.spec.versions[to].name.clone();
            self.emit(false, EventKind::DeployFinished { service, version });
            self.clear_gone_versions(s);
            return;
        }
        for _ in 0..(batch as usize).min(remaining) {
            self.add_instance(s, to);
        }
    }

    pub(crate) fn set_rollout_paused(&mut self, s: usize, paused: bool) {
        if let Some(r) = self.svcs[s].rollout.as_mut() {
            r.paused = paused;
        }
        let service = self.spec.services[s].name.clone();
        if paused {
            self.emit(false, EventKind::DeployPaused { service });
        } else {
            self.emit(false, EventKind::DeployResumed { service });
            self.rollout_step(s);
        }
    }

    /// Sets the instance count: new ones start, surplus ones drain (non-serving first, then newest).
    pub(crate) fn scale(&mut self, s: usize, n: u32) {
        let from = self.svcs[s].desired;
        self.svcs[s].desired = n;
        let mut live: Vec<usize> = (0..self.svcs[s].insts.len()).filter(|&i| self.svcs[s].insts[i].live()).collect();
        let count = live.len() as u32;
        if n > count {
            let version = self.svcs[s].version;
            for _ in count..n {
                self.add_instance(s, version);
            }
        } else if n < count {
            let svc = &self.svcs[s];
            live.sort_by_key(|&i| (svc.insts[i].in_rotation, std::cmp::Reverse(i)));
            for &i in live.iter().take((count - n) as usize) {
                self.drain_instance(s, i);
            }
        }
        let service = self.spec.services[s].name.clone();
        self.emit(false, EventKind::Scaled { service, from, to: n });
        self.rollout_step(s);
    }

    /// Live instances and their versions, for status and the "versions" column.
    pub(crate) fn live_versions(&self, s: usize) -> Vec<(usize, u32)> {
        let mut out: Vec<(usize, u32)> = Vec::new();
        for x in self.svcs[s].insts.iter().filter(|x| {
            matches!(x.state, InstState::Ready | InstState::Starting | InstState::Draining | InstState::Crashed)
        }) {
            match out.iter_mut().find(|(v, _)| *v == x.version) {
                Some(e) => e.1 += 1,
                None => out.push((x.version, 1)),
            }
        }
        out.sort_unstable();
        out
    }
}
