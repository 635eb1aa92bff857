//! Accumulators filled as events happen and emptied into a `Window` at every window close:
//! counters by outcome class, a latency histogram for successes and one for failures, and
//! time integrals for levels (busy workers, busy cores) so utilisation is a true time average.

use super::metric::{Red, Waits};
use crate::sim::kernel::hist::Hist;
use crate::sim::kernel::time::SimTime;
use crate::sim::model::spec::SimSpec;
use crate::sim::request::outcome::{Class, Outcome, class_of};

#[derive(Clone, Debug, Default)]
pub struct RedAcc {
    requests: u32,
    ok: u32,
    e5xx: u32,
    timeout: u32,
    r429: u32,
    shed: u32,
    hist_ok: Hist,
    hist_err: Hist,
}

impl RedAcc {
    pub fn arrive(&mut self) {
        self.requests += 1;
    }

    pub fn finish(&mut self, outcome: Outcome, latency_us: u64) {
        match class_of(outcome) {
            Class::Ok => {
                self.ok += 1;
                self.hist_ok.record(latency_us);
                return;
            }
            Class::E5xx => self.e5xx += 1,
            Class::Timeout => self.timeout += 1,
            Class::R429 => self.r429 += 1,
            Class::Shed => self.shed += 1,
        }
        self.hist_err.record(latency_us);
    }

    /// Empties the accumulator into a `Red`.
    pub fn take(&mut self) -> Red {
        let ms = |us: f64| (us / 1000.0) as f32;
        let [p50, p90, p99, p999] = self.hist_ok.quantiles([0.5, 0.9, 0.99, 0.999]);
        let red = Red {
            requests: self.requests,
            ok: self.ok,
            e5xx: self.e5xx,
            timeout: self.timeout,
            r429: self.r429,
            shed: self.shed,
            p50_ms: ms(p50),
            p90_ms: ms(p90),
            p99_ms: ms(p99),
            p999_ms: ms(p999),
            mean_ms: ms(self.hist_ok.mean()),
            err_p50_ms: ms(self.hist_err.quantile(0.5)),
        };
        self.requests = 0;
        self.ok = 0;
        self.e5xx = 0;
        self.timeout = 0;
        self.r429 = 0;
        self.shed = 0;
        self.hist_ok.clear();
        self.hist_err.clear();
        red
    }
}

/// The time integral of a level that changes at events.
#[derive(Clone, Debug, Default)]
pub struct Integrator {
    level: f64,
    last: SimTime,
    area: f64,
}

impl Integrator {
    pub fn set(&mut self, now: SimTime, level: f64) {
        self.area += self.level * now.since(self.last).secs_f64();
        self.level = level;
        self.last = now;
    }

    pub fn add(&mut self, now: SimTime, delta: f64) {
        let level = self.level + delta;
        self.set(now, level);
    }

    pub fn level(&self) -> f64 {
        self.level
    }

    /// The area (level·seconds) since the last take, up to `now`, without taking it.
    pub fn area_until(&self, now: SimTime) -> f64 {
        self.area + self.level * now.since(self.last).secs_f64()
    }

    /// The area (level·seconds) since the last take.
    pub fn take(&mut self, now: SimTime) -> f64 {
        self.set(now, self.level);
        std::mem::take(&mut self.area)
    }
}

/// One service's waits in one window: for a worker (the instance queue) and for a pool
/// connection, and the requests it finished after their caller had given up.
#[derive(Clone, Debug, Default)]
pub struct WaitAcc {
    queue: Hist,
    pool: Hist,
    pub abandoned_done: u32,
}

impl WaitAcc {
    pub fn queue_wait(&mut self, us: u64) {
        self.queue.record(us);
    }
    pub fn pool_wait(&mut self, us: u64) {
        self.pool.record(us);
    }

    /// Empties the accumulator into a `Waits`.
    pub fn take(&mut self) -> Waits {
        let ms = |us: f64| (us / 1000.0) as f32;
        let [q50, q99] = self.queue.quantiles([0.5, 0.99]);
        let [p50, p99] = self.pool.quantiles([0.5, 0.99]);
        let w = Waits {
            queue_p50_ms: ms(q50),
            queue_p99_ms: ms(q99),
            pool_p50_ms: ms(p50),
            pool_p99_ms: ms(p99),
            pool_acquired: self.pool.count() as u32,
        };
        self.queue.clear();
        self.pool.clear();
        w
    }
}

/// Operations the engine performed, counted so tests can bound the work a run does instead
/// of timing it.
#[derive(Clone, Debug, Default)]
pub struct Work {
    /// Instances visited by the loops over a service's instances (ticks, windows, rollouts,
    /// scaling, version counts).
    pub instance_visits: u64,
}

/// Whole-run totals, kept for summaries and for the physics tests.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// User-facing attempts at the edge.
    pub edge: Hist,
    pub edge_attempts: u64,
    pub users: u64,
    pub users_ok: u64,
    pub duplicates: u64,
    /// Per service: server-side latency of successful jobs, completions and arrivals.
    pub service_hist: Vec<Hist>,
    pub service_arrivals: Vec<u64>,
    pub service_done: Vec<u64>,
    /// Per service: ∫ requests in the system (queued + running) dt, for Little's law.
    pub service_in_system: Vec<Integrator>,
    /// Per service: time from arrival to getting a worker.
    pub service_wait: Vec<Hist>,
    /// Per service: time from asking the pool for a connection to getting one.
    pub pool_wait: Vec<Hist>,
    /// Per service: requests finished after their caller had given up (work nobody awaited).
    pub abandoned_done: Vec<u64>,
    /// Per service and dependency: attempts made.
    pub dep_attempts: Vec<Vec<u64>>,
    pub dep_duplicates: Vec<Vec<u64>>,
    /// Queries run by the database and their latency (queue + service).
    pub db_queries: u64,
    pub db_hist: Hist,
    /// ∫ busy connections dt over all pools.
    pub conns_busy: Integrator,
    pub third_party_attempts: Vec<u64>,
}

impl Totals {
    /// Zero totals shaped for `spec`'s services, dependencies and third parties.
    pub fn new(spec: &SimSpec) -> Self {
        let n_svc = spec.services.len();
        Totals {
            service_hist: vec![Hist::default(); n_svc],
            service_arrivals: vec![0; n_svc],
            service_done: vec![0; n_svc],
            service_in_system: vec![Integrator::default(); n_svc],
            service_wait: vec![Hist::default(); n_svc],
            pool_wait: vec![Hist::default(); n_svc],
            abandoned_done: vec![0; n_svc],
            dep_attempts: spec.services.iter().map(|s| vec![0; s.deps.len()]).collect(),
            dep_duplicates: spec.services.iter().map(|s| vec![0; s.deps.len()]).collect(),
            third_party_attempts: vec![0; spec.third_parties.len()],
            ..Totals::default()
        }
    }
}
