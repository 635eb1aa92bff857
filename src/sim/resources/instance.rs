//! Instance lifecycle and the load balancer's view of it: starting → ready (in rotation after
//! passing health checks) → draining → stopped, or crashed → restarted after a Kubernetes-style
//! back-off. Memory grows with in-flight work and leaks; past the limit the instance is killed.

use super::db::PoolState;
use crate::sim::engine::{Ev, Sim, TICK};
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, MIN, SimTime};
use crate::sim::model::spec::Balance;
use crate::sim::observe::acc::Integrator;
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;

use crate::sim::request::outcome::Reason;
use std::collections::VecDeque;

/// Kubernetes' crash-loop back-off: immediate, then 10 s doubling to 5 minutes.
pub const RESTART_BACKOFF_S: [u64; 7] = [0, 10, 20, 40, 80, 160, 300];
/// The back-off resets after this long up.
const BACKOFF_RESET: Dur = Dur(10 * MIN);
/// A draining instance is stopped after this long even if work remains.
const DRAIN_TIMEOUT: Dur = Dur(30_000_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum InstState {
    Starting,
    Ready,
    Draining,
    Stopped,
    Crashed,
}

#[derive(Clone, Debug)]
pub(crate) struct Inst {
    pub num: u32,
    pub state: InstState,
    pub life: u32,
    pub version: usize,
    pub up_since: SimTime,
    pub queue: VecDeque<Key>,
    pub busy: u32,
    pub cpu_active: u32,
    pub in_rotation: bool,
    pub hc_ok: u32,
    pub hc_fail: u32,
    pub restarts: u32,
    pub leaked_mb: f64,
    pub pool: PoolState,
    pub busy_int: Integrator,
    pub cpu_int: Integrator,
    /// User requests this instance finished (and of those, failed) in the open window, and in
    /// the last closed one: the instances view's error rate. Counted only, never read by the
    /// engine.
    pub outcomes: Outcomes,
}

/// Finished and failed requests of one instance: in the open window and the last closed one.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Outcomes {
    pub done: u32,
    pub failed: u32,
    pub last_done: u32,
    pub last_failed: u32,
}

impl Outcomes {
    /// The window closed: its counts become the last window's.
    pub fn roll(&mut self) {
        *self = Outcomes { done: 0, failed: 0, last_done: self.done, last_failed: self.failed };
    }
}

impl Inst {
    pub fn outstanding(&self) -> u32 {
        self.queue.len() as u32 + self.busy
    }
    pub fn live(&self) -> bool {
        matches!(self.state, InstState::Starting | InstState::Ready | InstState::Crashed)
    }
}

impl Inst {
    /// A worker picks up a job (`take_worker`) or is given back (`free_worker`); a job starts
    /// or stops using the CPU (contention is counted from these). Each level is integrated
    /// over time for the utilisation metrics.
    pub fn take_worker(&mut self, now: SimTime) {
        step(&mut self.busy, &mut self.busy_int, now, true);
    }
    pub fn free_worker(&mut self, now: SimTime) {
        step(&mut self.busy, &mut self.busy_int, now, false);
    }
    pub fn cpu_start(&mut self, now: SimTime) {
        step(&mut self.cpu_active, &mut self.cpu_int, now, true);
    }
    pub fn cpu_end(&mut self, now: SimTime) {
        step(&mut self.cpu_active, &mut self.cpu_int, now, false);
    }

    /// A new instance (life 1) in `state`, up since `now`, with an empty queue and pool.
    pub fn new(num: u32, version: usize, state: InstState, now: SimTime) -> Inst {
        Inst {
            num,
            state,
            life: 1,
            version,
            up_since: now,
            queue: VecDeque::new(),
            busy: 0,
            cpu_active: 0,
            in_rotation: false,
            hc_ok: 0,
            hc_fail: 0,
            restarts: 0,
            leaked_mb: 0.0,
            pool: PoolState::default(),
            busy_int: Integrator::default(),
            cpu_int: Integrator::default(),
            outcomes: Outcomes::default(),
        }
    }
}

fn step(level: &mut u32, integral: &mut Integrator, now: SimTime, up: bool) {
    if up {
        *level += 1;
    } else {
        *level -= 1;
    }
    integral.set(now, f64::from(*level));
}

impl Sim {
    pub(crate) fn inst_name(&self, s: usize, i: usize) -> String {
        format!("{}-{}", self.spec.services[s].name, self.svcs[s].insts[i].num)
    }

    /// The balancer's choice among instances in rotation.
    pub(crate) fn pick_instance(&mut self, s: usize) -> Option<usize> {
        let svc = &mut self.svcs[s];
        let n = svc.rotation.len();
        if n == 0 {
            return None;
        }
        svc.rr = (svc.rr + 1) % n;
        match self.spec.services[s].balance {
            Balance::RoundRobin => Some(svc.rotation[svc.rr] as usize),
            Balance::LeastOutstanding => {
                let mut best = svc.rotation[svc.rr] as usize;
                for k in 1..n {
                    let i = svc.rotation[(svc.rr + k) % n] as usize;
                    if svc.insts[i].outstanding() < svc.insts[best].outstanding() {
                        best = i;
                    }
                }
                Some(best)
            }
        }
    }

    pub(crate) fn set_rotation(&mut self, s: usize, i: usize, on: bool, why: &str) {
        let svc = &mut self.svcs[s];
        if svc.insts[i].in_rotation == on {
            return;
        }
        svc.insts[i].in_rotation = on;
        if on {
            let pos = svc.rotation.partition_point(|&x| (x as usize) < i);
            svc.rotation.insert(pos, i as u32);
        } else {
            svc.rotation.retain(|&x| x as usize != i);
        }
        let (service, instance) = (self.spec.services[s].name.clone(), self.inst_name(s, i));
        if on {
            self.emit(false, EventKind::InstanceInRotation { service, instance });
        } else if !why.is_empty() {
            self.emit(false, EventKind::InstanceOutOfRotation { service, instance, why: why.to_string() });
        }
    }

    /// Adds a new instance running `version`; it becomes ready after the start-up time.
    pub(crate) fn add_instance(&mut self, s: usize, version: usize) -> usize {
        let svc = &mut self.svcs[s];
        let num = svc.next_num;
        svc.next_num += 1;
        svc.insts.push(Inst::new(num, version, InstState::Starting, self.now));
        let i = svc.insts.len() - 1;
        svc.alive.push(i as u32);
        self.begin_start(s, i);
        i
    }

    fn begin_start(&mut self, s: usize, i: usize) {
        let startup = self.spec.services[s].startup;
        let inst = &mut self.svcs[s].insts[i];
        inst.state = InstState::Starting;
        inst.hc_ok = 0;
        inst.hc_fail = 0;
        inst.leaked_mb = 0.0;
        let (life, version) = (inst.life, inst.version);
        self.q.push(self.now + startup, Ev::StartupDone { svc: s as u16, inst: i as u32, life });
        self.recount_peers(s);
        let (service, instance) = (self.spec.services[s].name.clone(), self.inst_name(s, i));
        let version = self.spec.versions[version].name.clone();
        self.emit(false, EventKind::InstanceStarting { service, instance, version });
    }

    pub(crate) fn on_startup_done(&mut self, s: usize, i: usize, life: u32) {
        let inst = &self.svcs[s].insts[i];
        if inst.life != life || inst.state != InstState::Starting {
            return;
        }
        if let Some(v) = self.active_version(s, i).filter(|v| v.crash_on_start) {
            let why = format!("exited with code 1 during start-up ({})", v.note);
            return self.crash(s, i, &why);
        }
        let inst = &mut self.svcs[s].insts[i];
        inst.state = InstState::Ready;
        inst.up_since = self.now;
        self.q.push(self.now, Ev::HealthCheck { svc: s as u16, inst: i as u32, life });
    }

    /// Kills the jobs of an instance (their callers see the connection reset).
    fn kill_jobs(&mut self, s: usize, i: usize) {
        let inst = &mut self.svcs[s].insts[i];
        let queued: Vec<_> = inst.queue.drain(..).collect();
        let life = inst.life;
        let mut victims = queued;
        victims.extend(self.jobs_of(s, i, life));
        victims.sort_by_key(|k| (k.idx, k.generation));
        victims.dedup();
        // The instance's counters restart from zero with its next life.
        let inst = &mut self.svcs[s].insts[i];
        inst.busy = 0;
        inst.cpu_active = 0;
        inst.busy_int.set(self.now, 0.0);
        inst.cpu_int.set(self.now, 0.0);
        inst.life += 1;
        for jk in victims {
            if let Some(job) = self.jobs.get_mut(jk) {
                job.running = false;
                job.in_cpu = false;
            }
            self.job_finish(jk, Err(Reason::ConnectionReset));
        }
    }

    fn jobs_of(&self, s: usize, i: usize, life: u32) -> Vec<crate::sim::kernel::slab::Key> {
        self.jobs
            .keys()
            .filter(|k| {
                self.jobs.get(*k).is_some_and(|j| j.svc as usize == s && j.inst as usize == i && j.life == life)
            })
            .collect()
    }

    /// The instance dies; it restarts after the back-off.
    pub(crate) fn crash(&mut self, s: usize, i: usize, why: &str) {
        self.set_rotation(s, i, false, "");
        self.kill_jobs(s, i);
        self.close_pool(s, i);
        let now = self.now;
        let inst = &mut self.svcs[s].insts[i];
        if now.since(inst.up_since) >= BACKOFF_RESET && inst.state == InstState::Ready {
            inst.restarts = 0;
        }
        let idx = (inst.restarts as usize).min(RESTART_BACKOFF_S.len() - 1);
        inst.restarts += 1;
        inst.state = InstState::Crashed;
        let life = inst.life;
        let after = Dur::from_secs(RESTART_BACKOFF_S[idx]);
        self.q.push(now + after, Ev::RestartDue { svc: s as u16, inst: i as u32, life });
        let (service, instance) = (self.spec.services[s].name.clone(), self.inst_name(s, i));
        self.rec.logs.push(now, Level::Error, &service, &instance, None, format!("{instance} terminated: {why}"));
        self.emit(
            false,
            EventKind::InstanceCrashed { service: service.clone(), instance: instance.clone(), why: why.to_string() },
        );
        self.emit(false, EventKind::InstanceRestarting { service, instance, after });
        self.recount_peers(s);
        self.rollout_step(s);
    }

    pub(crate) fn on_restart_due(&mut self, s: usize, i: usize, life: u32) {
        let inst = &self.svcs[s].insts[i];
        if inst.life == life && inst.state == InstState::Crashed {
            self.begin_start(s, i);
        }
    }

    /// Restarts one instance now: in-flight work is dropped, capacity returns after start-up.
    pub(crate) fn restart_instance(&mut self, s: usize, i: usize, why: &str) {
        if !self.svcs[s].insts[i].live() {
            return;
        }
        self.set_rotation(s, i, false, why);
        self.kill_jobs(s, i);
        self.close_pool(s, i);
        let (service, instance) = (self.spec.services[s].name.clone(), self.inst_name(s, i));
        self.emit(false, EventKind::InstanceRestarting { service, instance, after: Dur::ZERO });
        self.begin_start(s, i);
    }

    /// The player restarts an instance: a new process (Kubernetes: a new pod), so its
    /// crash-loop back-off starts again from zero. A liveness probe's restart does not reset it.
    pub(crate) fn restart_by_player(&mut self, s: usize, i: usize) {
        if self.svcs[s].insts[i].live() {
            self.svcs[s].insts[i].restarts = 0;
            self.restart_instance(s, i, "restarted by you");
        }
    }

    /// Out of rotation; stops once idle (or after the drain timeout).
    pub(crate) fn drain_instance(&mut self, s: usize, i: usize) {
        let inst = &self.svcs[s].insts[i];
        if !inst.live() {
            return;
        }
        if inst.state != InstState::Ready {
            return self.stop_instance(s, i);
        }
        self.set_rotation(s, i, false, "draining");
        let inst = &mut self.svcs[s].insts[i];
        inst.state = InstState::Draining;
        let life = inst.life;
        self.q.push(self.now + DRAIN_TIMEOUT, Ev::DrainTimeout { svc: s as u16, inst: i as u32, life });
        self.maybe_finish_drain(s, i);
    }

    pub(crate) fn maybe_finish_drain(&mut self, s: usize, i: usize) {
        let inst = &self.svcs[s].insts[i];
        if inst.state == InstState::Draining && inst.outstanding() == 0 {
            self.stop_instance(s, i);
        }
    }

    pub(crate) fn on_drain_timeout(&mut self, s: usize, i: usize, life: u32) {
        let inst = &self.svcs[s].insts[i];
        if inst.life == life && inst.state == InstState::Draining {
            self.stop_instance(s, i);
        }
    }

    pub(crate) fn stop_instance(&mut self, s: usize, i: usize) {
        if self.svcs[s].insts[i].state == InstState::Stopped {
            return;
        }
        self.set_rotation(s, i, false, "");
        self.kill_jobs(s, i);
        self.close_pool(s, i);
        self.svcs[s].insts[i].state = InstState::Stopped;
        let svc = &mut self.svcs[s];
        if let Ok(k) = svc.alive.binary_search(&(i as u32)) {
            svc.alive.remove(k);
        }
        svc.stopped_in_window.push(i as u32);
        self.recount_peers(s);
        let (service, instance) = (self.spec.services[s].name.clone(), self.inst_name(s, i));
        self.emit(false, EventKind::InstanceStopped { service, instance });
        // The last instance of a bad version may be the one that just stopped.
        self.clear_gone_versions(s);
        self.rollout_step(s);
    }

    /// Memory use as a fraction of the limit: a request being worked on holds its full
    /// working set; one waiting in the accept queue holds only its buffers (a twentieth).
    pub(crate) fn memory_fraction(&self, s: usize, i: usize) -> f64 {
        let m = &self.spec.services[s].memory;
        let inst = &self.svcs[s].insts[i];
        let in_use = f64::from(inst.busy) + inst.queue.len() as f64 / 20.0;
        (m.baseline_mb + m.per_inflight_mb * in_use + inst.leaked_mb) / m.limit_mb.max(1.0)
    }

    /// Every tick: leaks grow, memory is checked, caches age, pools leak, costs accrue.
    pub(crate) fn on_tick(&mut self) {
        let dt = TICK.secs_f64();
        for s in 0..self.svcs.len() {
            let fault_leak = self.svcs[s].faults.leak_mb_s;
            let alive = self.svcs[s].alive.clone();
            self.rec.work.instance_visits += alive.len() as u64;
            for i in alive.into_iter().map(|i| i as usize) {
                let inst = &self.svcs[s].insts[i];
                if !matches!(inst.state, InstState::Ready | InstState::Draining) {
                    continue;
                }
                let leak = fault_leak + self.active_version(s, i).map_or(0.0, |v| v.leak_mb_per_s);
                self.svcs[s].insts[i].leaked_mb += leak * dt;
                if self.memory_fraction(s, i) >= 1.0 {
                    let limit = self.spec.services[s].memory.limit_mb;
                    self.crash(s, i, &format!("OOMKilled (memory limit {limit:.0} MB)"));
                }
            }
            // Scaling cost counts what the player asked for, not a rollout's temporary surge.
            let extra = f64::from(self.svcs[s].desired) - f64::from(self.spec.services[s].instances);
            self.svcs[s].extra_instance_s += extra.max(0.0) * dt;
        }
        self.cache_tick(dt);
        self.db_tick(dt);
        self.queue_tick();
        self.q.push(self.now + TICK, Ev::Tick);
    }
}
