//! Rollouts and scaling. A rollout replaces instances in batches with surge: start a batch of
//! new instances, wait until they pass health checks, drain as many old ones, repeat. So it
//! takes ⌈N/batch⌉ × (start-up + readiness); a rollback is simply another rollout, and a
//! version that crashes on start stalls its rollout (nothing new ever becomes ready). A
//! rollout may miss instances or stop partway (someone else's broken deploy script): the
//! instances it leaves run their old version, and the finished rollout says how many it
//! updated (version skew).

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
    /// Which rollout of the service this is (`SvcState::rollouts_started` when it began).
    pub id: u32,
    /// A rolling restart: the versions of the instances it replaces, in the order it retires
    /// them, still owed to the new ones (a restart keeps each instance's code). Empty for a
    /// deploy.
    pub keep: Vec<usize>,
    pub restart: bool,
}

/// Which instances a rollout leaves alone: instance numbers it misses, and the most it
/// replaces.
#[derive(Clone, Debug, Default)]
pub(crate) struct Skips<'a> {
    pub miss: &'a [u32],
    pub stop_after: Option<u32>,
}

impl Sim {
    /// Starts rolling service `s` to version `to`; returns the rollout's id. With
    /// `replace_all` every instance is replaced even if it already runs `to`: a rolling
    /// restart, whose new instances keep the versions of the ones they replace (version skew
    /// survives a restart).
    pub(crate) fn start_rollout(&mut self, s: usize, to: usize, batch: u32, by: &str, replace_all: bool) -> u32 {
        self.start_rollout_skipping(s, to, batch, by, replace_all, &Skips::default())
    }

    /// `start_rollout`, leaving the instances `skips` names on their version.
    pub(crate) fn start_rollout_skipping(
        &mut self,
        s: usize,
        to: usize,
        batch: u32,
        by: &str,
        replace_all: bool,
        skips: &Skips<'_>,
    ) -> u32 {
        if let Some(old) = self.svcs[s].rollout.take() {
            self.rollout_superseded(s, old.id);
            // Abandon the old rollout's instances that never started serving (this rollout
            // brings the fleet back to the desired count).
            let alive = self.svcs[s].alive.clone();
            self.rec.work.instance_visits += alive.len() as u64;
            for i in alive.into_iter().map(|i| i as usize) {
                let x = &self.svcs[s].insts[i];
                if x.live()
                    && x.version == old.to
                    && x.version != to
                    && !x.in_rotation
                    && old.replace.binary_search(&(i as u32)).is_err()
                {
                    self.stop_instance(s, i);
                }
            }
        }
        let svc = &mut self.svcs[s];
        let from = svc.version;
        // What the fleet runs now, for the changes list: a canary's or a stalled rollout's
        // fleet runs more than the service's one desired version.
        let mut running: Vec<usize> =
            svc.alive.iter().map(|&i| &svc.insts[i as usize]).filter(|x| x.live()).map(|x| x.version).collect();
        running.sort_unstable();
        running.dedup();
        if running.is_empty() {
            running.push(from);
        }
        if from != to {
            svc.prev_version = Some(from);
        }
        svc.version = to;
        // Ascending (it is searched by bisection).
        let mut replace: Vec<u32> = svc
            .alive
            .iter()
            .copied()
            .filter(|&i| {
                let x = &svc.insts[i as usize];
                x.live() && (replace_all || x.version != to) && !skips.miss.contains(&x.num)
            })
            .collect();
        if let Some(n) = skips.stop_after {
            replace.truncate(n as usize);
        }
        // The retire order of `rollout_step_once` (all in rotation: lowest index first).
        let keep = if replace_all {
            let mut order = replace.clone();
            order.sort_by_key(|&i| (svc.insts[i as usize].in_rotation, i));
            order.iter().map(|&i| svc.insts[i as usize].version).collect()
        } else {
            Vec::new()
        };
        svc.rollouts_started += 1;
        let id = svc.rollouts_started;
        svc.rollout = Some(Rollout {
            to,
            batch: batch.max(1),
            by: by.to_string(),
            paused: false,
            replace,
            id,
            keep,
            restart: replace_all,
        });
        let service = self.spec.services[s].name.clone();
        let from: Vec<&str> = running.iter().map(|&v| self.spec.versions[v].name.as_str()).collect();
        let (from, to_name) = (from.join(" + "), self.spec.versions[to].name.clone());
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
        id
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

    /// One step: once every new instance is serving, retire as many old ones as the fleet has
    /// above its desired count, then start the next batch — enough to bring the new
    /// instances up to the desired count, not only to replace the old ones left, so a fleet
    /// that lost instances (an abandoned rollout's, a crash loop's) grows back.
    fn rollout_step_once(&mut self, s: usize) {
        let Some(r) = self.svcs[s].rollout.as_ref() else {
            return;
        };
        if r.paused {
            return;
        }
        let (to, batch, id, restart) = (r.to, r.batch, r.id, r.restart);
        let svc = &self.svcs[s];
        self.rec.work.instance_visits += svc.alive.len() as u64;
        let is_old = |i: usize| r.replace.binary_search(&(i as u32)).is_ok();
        let (mut old, mut new, mut pending) = (Vec::new(), 0usize, 0usize);
        for i in svc.alive.iter().map(|&i| i as usize) {
            let x = &svc.insts[i];
            if !x.live() {
                continue;
            }
            if is_old(i) {
                old.push(i);
            } else {
                new += 1;
                pending += usize::from(!x.in_rotation);
            }
        }
        if pending > 0 {
            return;
        }
        let desired = svc.desired as usize;
        let surplus = (new + old.len()).saturating_sub(desired);
        // Retire the ones that are not serving first, then the oldest.
        old.sort_by_key(|&i| (svc.insts[i].in_rotation, i));
        let retire: Vec<usize> = old.iter().take(surplus).copied().collect();
        for i in &retire {
            self.drain_instance(s, *i);
        }
        let remaining = old.len() - retire.len();
        if remaining == 0 && new >= desired {
            self.svcs[s].rollout = None;
            let service = self.spec.services[s].name.clone();
            let version = self.spec.versions[to].name.clone();
            self.emit(false, EventKind::DeployFinished { service: service.clone(), version: version.clone() });
            // Instances the rollout left alone (not the ones it is draining) still run
            // something else: say how many it did update.
            let svc = &self.svcs[s];
            let staying = || svc.alive.iter().map(|&i| &svc.insts[i as usize]).filter(|x| x.live());
            let total = staying().count() as u32;
            let updated = staying().filter(|x| x.version == to).count() as u32;
            if updated < total && !restart {
                self.emit(false, EventKind::DeployIncomplete { service, version, updated, total });
            }
            self.clear_gone_versions(s);
            self.rollout_finished(s, id);
            return;
        }
        // With the fleet at its desired count this is min(batch, old instances left).
        for _ in 0..(batch as usize).min(desired.saturating_sub(new).max(remaining)) {
            let kept = self.svcs[s].rollout.as_mut().and_then(|r| (!r.keep.is_empty()).then(|| r.keep.remove(0)));
            self.add_instance(s, kept.unwrap_or(to));
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
        self.rec.work.instance_visits += self.svcs[s].alive.len() as u64;
        self.svcs[s].desired = n;
        let svc = &self.svcs[s];
        let mut live: Vec<usize> = svc.alive.iter().map(|&i| i as usize).filter(|&i| svc.insts[i].live()).collect();
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
        let svc = &self.svcs[s];
        for x in svc.alive.iter().map(|&i| &svc.insts[i as usize]).filter(|x| {
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
