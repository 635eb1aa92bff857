//! Building a `Sim` from a spec and a seed, and the event loop that drives it.

use super::kernel::time::{Dur, SEC, SimTime};
use super::model::spec::SimSpec;
use super::observe::acc::{Integrator, Totals};
use super::observe::events::{Event, EventKind};
use super::observe::logs::Logs;
use super::request::trace::Traces;
use super::resources::breaker::Breaker;
use super::resources::bucket::{Budget, TokenBucket};
use super::state::{
    AlertPhase, AlertState, CacheState, DbState, DepAcc, EdgeState, EndReason, Ev, Incident, Inst, InstState,
    PoolState, Rngs, Sim, SvcAcc, SvcConfig, SvcState, TlState, TpState,
};
use std::collections::VecDeque;
use std::sync::Arc;

/// Health checks, ticks and windows.
pub(crate) const TICK: Dur = Dur(100_000);
pub(crate) const WINDOW: Dur = Dur(SEC);

pub(crate) fn new_inst(num: u32, version: usize, state: InstState, now: SimTime) -> Inst {
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
    }
}

impl Sim {
    /// A fresh run of `spec` with `seed`, at time zero, with every instance warm and ready.
    pub fn new(spec: Arc<SimSpec>, seed: u64) -> Sim {
        let now = SimTime::ZERO;
        let svcs = spec
            .services
            .iter()
            .map(|s| {
                let insts: Vec<Inst> = (0..s.instances)
                    .map(|i| {
                        let mut inst = new_inst(i + 1, s.version, InstState::Ready, now);
                        inst.in_rotation = true;
                        inst.hc_ok = s.health.healthy_threshold;
                        inst
                    })
                    .collect();
                SvcState {
                    rotation: (0..s.instances).collect(),
                    insts,
                    rr: 0,
                    desired: s.instances,
                    version: s.version,
                    prev_version: None,
                    cfg: SvcConfig {
                        pool_size: s.pool.map_or(0, |p| p.size),
                        deps: s.deps.iter().map(|d| d.policy.clone()).collect(),
                        breaker_on: s.deps.iter().map(|d| d.policy.breaker.is_some()).collect(),
                        deadlines: s.deadline_propagation,
                        queue_limit: s.queue_limit,
                    },
                    cfg_history: Vec::new(),
                    breakers: s.deps.iter().map(|d| Breaker::new(d.policy.breaker.unwrap_or_default())).collect(),
                    budgets: s.deps.iter().map(|d| d.policy.retry.budget.map(Budget::new)).collect(),
                    rollout: None,
                    outage: 0,
                    error_rate: 0.0,
                    extra_latency: Dur::ZERO,
                    cpu_hog: 0.0,
                    leak_mb_s: 0.0,
                    conn_leak_per_s: 0.0,
                    partitions: Vec::new(),
                    acc: SvcAcc::default(),
                    dep_acc: vec![DepAcc::default(); s.deps.len()],
                    extra_instance_s: 0.0,
                }
            })
            .collect();
        let n_svc = spec.services.len();
        let totals = Totals {
            service_hist: vec![super::kernel::hist::Hist::default(); n_svc],
            service_arrivals: vec![0; n_svc],
            service_done: vec![0; n_svc],
            service_in_system: vec![Integrator::default(); n_svc],
            service_wait: vec![super::kernel::hist::Hist::default(); n_svc],
            pool_wait: vec![super::kernel::hist::Hist::default(); n_svc],
            dep_attempts: spec.services.iter().map(|s| vec![0; s.deps.len()]).collect(),
            dep_duplicates: spec.services.iter().map(|s| vec![0; s.deps.len()]).collect(),
            third_party_attempts: vec![0; spec.third_parties.len()],
            ..Totals::default()
        };
        let mut sim = Sim {
            seed,
            now,
            q: super::kernel::queue::EventQueue::default(),
            rng: Rngs::new(seed),
            calls: super::kernel::slab::Slab::default(),
            attempts: super::kernel::slab::Slab::default(),
            jobs: super::kernel::slab::Slab::default(),
            svcs,
            db: DbState::default(),
            caches: spec
                .caches
                .iter()
                .map(|_| CacheState { warmth: 1.0, hot_present: true, ..CacheState::default() })
                .collect(),
            tps: spec
                .third_parties
                .iter()
                .map(|t| TpState { limit: t.rate_limit.map(|b| TokenBucket::new(b, now)), ..TpState::default() })
                .collect(),
            edge: EdgeState {
                rate_limit: spec.edge.rate_limit.map(|b| TokenBucket::new(b, now)),
                shed: spec.edge.shed_fraction,
                spike: 1.0,
                ..EdgeState::default()
            },
            flags: spec.flags.iter().map(|f| f.on).collect(),
            client_policy: spec.traffic.client.clone(),
            client_budget: spec.traffic.client.retry.budget.map(Budget::new),
            timeline: vec![TlState::default(); spec.timeline.len()],
            alerts: vec![AlertState { phase: AlertPhase::Inactive, acked: false }; spec.alerts.len()],
            fake_alerts: Vec::new(),
            incident: Incident::default(),
            commands: Vec::new(),
            deferred: Vec::new(),
            hints_given: 0,
            blind: Vec::new(),
            lag: Vec::new(),
            objectives_met: vec![None; spec.objectives.len()],
            objectives_now: vec![false; spec.objectives.len()],
            windows: Vec::new(),
            slo_cum: Vec::new(),
            slo_bad_total: 0,
            events: Vec::new(),
            logs: Logs::new(spec.logs.keep, spec.logs.per_kind_per_window),
            traces: Traces::default(),
            totals,
            ended: None,
            arrival_seg: super::request::traffic::Segment { seg: u64::MAX, bound: 0.0, linear: None },
            pumping: false,
            rollout_busy: false,
            rollout_pending: Vec::new(),
            pump_list: Vec::new(),
            bg_query_acc: 0.0,
            spec,
        };
        sim.schedule_start();
        sim
    }

    fn schedule_start(&mut self) {
        let spec = self.spec.clone();
        self.schedule_next_arrival();
        self.q.push(SimTime::ZERO + WINDOW, Ev::Window);
        self.q.push(SimTime::ZERO + TICK, Ev::Tick);
        for (s, svc) in spec.services.iter().enumerate() {
            let n = svc.instances.max(1);
            for i in 0..svc.instances {
                // Stagger checks across the interval, as real probes are.
                let offset = Dur(svc.health.interval.0 * u64::from(i) / u64::from(n));
                self.q.push(SimTime::ZERO + offset, Ev::HealthCheck { svc: s as u16, inst: i, life: 1 });
            }
        }
        for (i, entry) in spec.timeline.iter().enumerate() {
            if let super::model::rules::Trigger::At(t) = entry.trigger {
                self.q.push(t, Ev::Timeline { idx: i as u32 });
            }
        }
    }

    /// Processes every event up to and including `t` (never past the end of the run).
    pub fn advance_to(&mut self, t: SimTime) {
        let limit = SimTime(self.spec.duration.0).min(t);
        while self.ended.is_none() {
            let attempts = &self.attempts;
            let stale = |ev: &Ev| match ev {
                Ev::AttemptTimeout { att } => attempts.get(*att).is_none_or(|a| a.resolved),
                Ev::PoolTimeout { att } => {
                    attempts.get(*att).is_none_or(|a| !matches!(a.via, super::state::Via::Db { waiting: true, .. }))
                }
                _ => false,
            };
            let Some((te, ev)) = self.q.pop_until(limit, stale) else {
                break;
            };
            self.now = te;
            self.dispatch(ev);
        }
        if self.ended.is_none() {
            self.now = self.now.max(limit);
            if self.now.0 >= self.spec.duration.0 {
                self.end(EndReason::TimeUp);
            }
        }
    }

    /// Runs to the end of the scenario.
    pub fn run_to_end(&mut self) {
        self.advance_to(SimTime::NEVER);
    }

    pub(crate) fn end(&mut self, reason: EndReason) {
        if self.ended.is_none() {
            self.ended = Some((self.now, reason));
            self.emit(false, EventKind::RunEnded { reason });
        }
    }

    pub(crate) fn emit(&mut self, hidden: bool, kind: EventKind) {
        self.events.push(Event { t: self.now, hidden, kind });
    }

    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Arrival => self.on_arrival(),
            Ev::Abuse { source } => self.on_abuse(source),
            Ev::Window => self.close_window(),
            Ev::Tick => self.on_tick(),
            Ev::Backoff { call } => self.on_backoff(call),
            Ev::AttemptTimeout { att } => self.on_attempt_timeout(att),
            Ev::Reply { att } => self.on_reply(att),
            Ev::Deliver { att } => self.on_deliver(att),
            Ev::JobStep { job } => self.on_job_step(job),
            Ev::QueryDone { att, background } => self.on_query_done(att, background),
            Ev::PoolTimeout { att } => self.on_pool_timeout(att),
            Ev::HealthCheck { svc, inst, life } => self.on_health_check(svc as usize, inst as usize, life),
            Ev::StartupDone { svc, inst, life } => self.on_startup_done(svc as usize, inst as usize, life),
            Ev::RestartDue { svc, inst, life } => self.on_restart_due(svc as usize, inst as usize, life),
            Ev::DrainTimeout { svc, inst, life } => self.on_drain_timeout(svc as usize, inst as usize, life),
            Ev::Timeline { idx } => self.fire_entry(idx as usize),
            Ev::FaultEnd { idx } => self.clear_entry(idx as usize, "its duration ended"),
            Ev::Deferred { idx } => self.take_effect(idx as usize),
            Ev::TeamArrives { idx } => self.on_team_arrives(idx as usize),
            Ev::FailoverDone => self.on_failover_done(),
            Ev::FakeAlertEnd { idx } => self.on_fake_alert_end(idx as usize),
        }
    }
}
