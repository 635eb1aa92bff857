//! The range of every numeric field that the other validation passes leave open or clamp
//! without a word (issue 10 §2d): each value outside its range is an error at its position
//! with the range in the message. Lists sized from input (traffic points and spikes, a
//! timeline entry's `cleared_by`) are bounded here too, before anything walks them.
//!
//! The ranges are wide — they only shut out values no incident needs and that could make a
//! run hang or allocate without bound. They are listed in `scenarios/README.md` (Limits).

use super::error::{field, index, key};
use super::locate::Seg;
use super::raw::{RawCondition, RawDist, RawEntry, RawFault, RawPolicy, RawScenario, RawStep};
use super::validate::{Ctx, MAX_ITEMS};
use crate::sim::Dur;
use crate::sim::kernel::time::{HOUR, MIN, MS, SEC};

/// Durations that are waits or delays: at most a day.
const DAY: Dur = Dur(24 * HOUR);
/// Service and query times: at most an hour.
const MAX_WORK: Dur = Dur(HOUR);
/// Multipliers (latency factors, slow queries): at most 1,000×.
const MAX_FACTOR: f64 = 1_000.0;
/// `cleared_by` of one timeline entry: at most the number of command kinds there are, twice.
const MAX_CLEARED_BY: usize = 64;

fn p(base: &[Seg], f: &str) -> Vec<Seg> {
    [base, &[field(f)]].concat()
}

impl Ctx {
    fn in_range(&mut self, path: &[Seg], x: f64, lo: f64, hi: f64, what: &str) {
        if !(x.is_finite() && x >= lo && x <= hi) {
            self.err(path, format!("{what} must be between {lo} and {hi}, not {x}"), "");
        }
    }

    fn dur_in(&mut self, path: &[Seg], d: Dur, lo: Dur, hi: Dur, what: &str) {
        if d < lo || d > hi {
            self.err(path, format!("{what} must be between {lo} and {hi}, not {d}"), "");
        }
    }

    fn count_in(&mut self, path: &[Seg], n: u64, lo: u64, hi: u64, what: &str) {
        if n < lo || n > hi {
            self.err(path, format!("{what} must be between {lo} and {hi}, not {n}"), "");
        }
    }

    fn dist_in(&mut self, path: &[Seg], d: &RawDist) {
        let z = Dur::ZERO;
        match d {
            RawDist::Const(x) | RawDist::Exp(x) => {
                self.dur_in(&[path, &[index(0)]].concat(), *x, z, MAX_WORK, "a time");
            }
            RawDist::LogNormal { p99, .. } => self.dur_in(&p(path, "p99"), *p99, z, MAX_WORK, "p99"),
            RawDist::Uniform { max, .. } => self.dur_in(&p(path, "max"), *max, z, MAX_WORK, "max"),
            RawDist::Mix { fast, slow, .. } => {
                self.dist_in(&p(path, "fast"), fast);
                self.dist_in(&p(path, "slow"), slow);
            }
        }
    }

    fn plan_in(&mut self, path: &[Seg], steps: &[RawStep], depth: usize) {
        if depth > 4 {
            return;
        }
        for (i, st) in steps.iter().enumerate().take(256) {
            let sp = [path, &[index(i)]].concat();
            match st {
                RawStep::Cpu(d) => self.dist_in(&[&sp[..], &[index(0)]].concat(), d),
                RawStep::Db { query: Some(q), .. } => self.dist_in(&p(&sp, "query"), q),
                RawStep::Cache { miss, .. } => self.plan_in(&p(&sp, "miss"), miss, depth + 1),
                _ => {}
            }
        }
    }

    fn policy_in(&mut self, path: &[Seg], r: &RawPolicy) {
        self.dur_in(&p(path, "cap"), r.cap, Dur::ZERO, Dur(HOUR), "the backoff cap");
        self.dur_in(&p(path, "base"), r.base, Dur::ZERO, Dur(HOUR), "the backoff base");
        if let Some(b) = r.budget {
            self.in_range(
                &[path, &[field("budget"), field("max_tokens")]].concat(),
                b.max_tokens,
                1.0,
                1e6,
                "max_tokens",
            );
        }
        if let Some(b) = r.breaker {
            let bp = p(path, "breaker");
            self.dur_in(&p(&bp, "window"), b.window, Dur(SEC), Dur(HOUR), "a breaker's window");
            self.count_in(&p(&bp, "min_volume"), b.min_volume.into(), 0, 1_000_000, "min_volume");
            self.dur_in(&p(&bp, "open_for"), b.open_for, Dur(MS), Dur(HOUR), "open_for");
            self.count_in(&p(&bp, "half_open_trials"), b.half_open_trials.into(), 1, 1_000, "half_open_trials");
        }
    }

    /// One timeline entry's numbers (a live inject's too).
    pub(super) fn entry_in(&mut self, ep: &[Seg], e: &RawEntry) {
        if e.cleared_by.len() > MAX_CLEARED_BY {
            self.err(&p(ep, "cleared_by"), format!("at most {MAX_CLEARED_BY} commands clear a fault"), "");
        }
        if let Some(f) = &e.fault {
            self.fault_in(&p(ep, "fault"), f);
        }
        if let Some(c) = &e.when {
            self.condition_in(&p(ep, "when"), c, 0);
        }
    }

    fn condition_in(&mut self, path: &[Seg], c: &RawCondition, depth: usize) {
        if depth > 64 {
            return;
        }
        match c {
            RawCondition::Metric { above, below, for_, .. } | RawCondition::Recovered { above, below, for_, .. } => {
                for (name, v) in [("above", above), ("below", below)] {
                    if let Some(v) = v {
                        self.in_range(&p(path, name), *v, -1e12, 1e12, name);
                    }
                }
                self.dur_in(&p(path, "for"), *for_, Dur::ZERO, DAY, "`for`");
            }
            RawCondition::All(cs) | RawCondition::Any(cs) => {
                self.count(&[path, &[index(0)]].concat(), cs.len());
                for (i, c) in cs.iter().enumerate().take(MAX_ITEMS) {
                    self.condition_in(&[path, &[index(0), index(i)]].concat(), c, depth + 1);
                }
            }
            RawCondition::Not(c) => self.condition_in(&[path, &[index(0)]].concat(), c, depth + 1),
            _ => {}
        }
    }

    fn fault_in(&mut self, path: &[Seg], f: &RawFault) {
        let big = 1e6;
        match f {
            RawFault::AddLatency { extra, .. } => self.dur_in(&p(path, "extra"), *extra, Dur::ZERO, MAX_WORK, "extra"),
            RawFault::QuotaCut { rps, burst, .. } => {
                self.in_range(&p(path, "rps"), *rps, 1e-3, big, "rps");
                if let Some(b) = burst {
                    self.in_range(&p(path, "burst"), *b, 1.0, big, "burst");
                }
            }
            RawFault::SlowQueries { factor, .. } => {
                self.in_range(&p(path, "factor"), *factor, 1e-3, MAX_FACTOR, "factor");
            }
            RawFault::ConnectionLeak { per_minute, .. } => {
                self.in_range(&p(path, "per_minute"), *per_minute, 1e-3, big, "per_minute");
            }
            RawFault::MemoryLeak { mb_per_min, .. } => {
                self.in_range(&p(path, "mb_per_min"), *mb_per_min, 1e-3, big, "mb_per_min");
            }
            RawFault::CpuHog { cores, .. } => self.in_range(&p(path, "cores"), *cores, 1e-3, 1_024.0, "cores"),
            RawFault::TrafficSpike { factor } => self.in_range(&p(path, "factor"), *factor, 0.0, 20_000.0, "factor"),
            RawFault::BadDeploy { batch: Some(b), .. } => {
                self.count_in(&p(path, "batch"), (*b).into(), 1, 200, "batch");
            }
            RawFault::BadConfig { change, .. } => {
                use super::raw::RawConfigChange as C;
                let cp = p(path, "change");
                match change {
                    C::PoolSize(n) => {
                        self.count_in(&[&cp[..], &[index(0)]].concat(), (*n).into(), 1, 1_000, "PoolSize");
                    }
                    C::Retries { max_attempts, .. } => {
                        self.count_in(&p(&cp, "max_attempts"), (*max_attempts).into(), 1, 10, "max_attempts");
                    }
                    C::Timeout { timeout, .. } => {
                        self.dur_in(&p(&cp, "timeout"), *timeout, Dur(1), Dur(HOUR), "timeout");
                    }
                    C::QueueLimit(Some(n)) => {
                        self.count_in(&[&cp[..], &[index(0)]].concat(), (*n).into(), 0, 1_000_000, "QueueLimit");
                    }
                    _ => {}
                }
            }
            RawFault::MonitoringLag { lag } => self.dur_in(&p(path, "lag"), *lag, Dur::ZERO, Dur(10 * MIN), "lag"),
            _ => {}
        }
    }
}

/// Checks every numeric field the other passes leave open.
pub(super) fn ranges(cx: &mut Ctx, raw: &RawScenario) {
    let s = &raw.slo;
    if let Some(l) = s.latency_p99 {
        cx.dur_in(&[field("slo"), field("latency_p99")], l, Dur(MS), Dur(HOUR), "latency_p99");
    }
    cx.dur_in(&[field("slo"), field("period")], s.period, Dur(HOUR), Dur(366 * 24 * HOUR), "the SLO period");
    let t = &raw.traffic;
    let tp = [field("traffic")];
    match &t.shape {
        super::raw::RawShape::Diurnal { period, peak_at, .. } => {
            cx.dur_in(
                &[&tp[..], &[field("shape"), field("period")]].concat(),
                *period,
                Dur(MIN),
                Dur(30 * 24 * HOUR),
                "period",
            );
            cx.dur_in(
                &[&tp[..], &[field("shape"), field("peak_at")]].concat(),
                *peak_at,
                Dur::ZERO,
                Dur(30 * 24 * HOUR),
                "peak_at",
            );
        }
        super::raw::RawShape::Points(points) => cx.count(&[&tp[..], &[field("shape")]].concat(), points.len()),
        super::raw::RawShape::Flat => {}
    }
    cx.count(&[&tp[..], &[field("spikes")]].concat(), t.spikes.len());
    for (i, sp) in t.spikes.iter().enumerate().take(MAX_ITEMS) {
        cx.in_range(
            &[&tp[..], &[field("spikes"), index(i), field("factor")]].concat(),
            sp.factor,
            0.0,
            20_000.0,
            "factor",
        );
    }
    cx.policy_in(&[&tp[..], &[field("client")]].concat(), &t.client);
    if let Some(b) = &raw.edge.rate_limit {
        cx.in_range(&[field("edge"), field("rate_limit"), field("rps")], b.rps, 1e-3, 1e6, "rps");
        if let Some(burst) = b.burst {
            cx.in_range(&[field("edge"), field("rate_limit"), field("burst")], burst, 1.0, 1e7, "burst");
        }
    }
    for (name, svc) in &raw.services.0 {
        let sp = [field("services"), key(name)];
        cx.in_range(&p(&sp, "cores"), svc.cores, 1e-3, 1_024.0, "cores");
        if let Some(q) = svc.queue_limit {
            cx.count_in(&p(&sp, "queue_limit"), q.into(), 0, 1_000_000, "queue_limit");
        }
        cx.dur_in(&p(&sp, "startup"), svc.startup, Dur::ZERO, Dur(HOUR), "startup");
        let m = &svc.memory;
        cx.in_range(&[&sp[..], &[field("memory"), field("limit_mb")]].concat(), m.limit_mb, 1.0, 1e6, "limit_mb");
        cx.in_range(
            &[&sp[..], &[field("memory"), field("per_request_mb")]].concat(),
            m.per_request_mb,
            0.0,
            1e4,
            "per_request_mb",
        );
        if let Some(pool) = svc.pool {
            cx.dur_in(
                &[&sp[..], &[field("pool"), field("acquire_timeout")]].concat(),
                pool.acquire_timeout,
                Dur(1),
                Dur(HOUR),
                "acquire_timeout",
            );
        }
        let h = &svc.health;
        let hp = p(&sp, "health");
        cx.dur_in(&p(&hp, "interval"), h.interval, Dur(100 * MS), Dur(HOUR), "a health check's interval");
        cx.dur_in(&p(&hp, "timeout"), h.timeout, Dur(MS), Dur(HOUR), "a health check's timeout");
        cx.count_in(&p(&hp, "unhealthy_after"), h.unhealthy_after.into(), 1, 1_000, "unhealthy_after");
        cx.count_in(&p(&hp, "healthy_after"), h.healthy_after.into(), 1, 1_000, "healthy_after");
        if let Some(r) = h.restart_after {
            cx.count_in(&p(&hp, "restart_after"), r.into(), 1, 1_000, "restart_after");
        }
        for (e, ep) in svc.endpoints.iter().enumerate().take(20) {
            let epp = [&sp[..], &[field("endpoints"), index(e)]].concat();
            cx.in_range(&p(&epp, "weight"), ep.weight, 0.0, 1e6, "weight");
            cx.plan_in(&p(&epp, "plan"), &ep.plan, 0);
        }
        for (target, policy) in svc.calls.0.iter().take(MAX_ITEMS) {
            cx.policy_in(&[&sp[..], &[field("calls"), key(target)]].concat(), policy);
        }
    }
    if let Some(d) = &raw.database {
        cx.count_in(&[field("database"), field("cores")], d.cores.into(), 1, 1_024, "cores");
        cx.count_in(
            &[field("database"), field("max_connections")],
            d.max_connections.into(),
            1,
            100_000,
            "max_connections",
        );
        cx.dist_in(&[field("database"), field("query")], &d.query);
        cx.dur_in(
            &[field("database"), field("failover_window")],
            d.failover_window,
            Dur::ZERO,
            Dur(HOUR),
            "failover_window",
        );
    }
    for (name, c) in &raw.caches.0 {
        let cp = [field("caches"), key(name)];
        cx.in_range(&p(&cp, "keys"), c.keys, 1.0, 1e9, "keys");
        cx.dur_in(&p(&cp, "lookup"), c.lookup, Dur::ZERO, Dur(MIN), "lookup");
    }
    for (name, tpy) in &raw.third_parties.0 {
        let pp = [field("third_parties"), key(name)];
        cx.dist_in(&p(&pp, "latency"), &tpy.latency);
        if let Some(b) = &tpy.rate_limit {
            cx.in_range(&[&pp[..], &[field("rate_limit"), field("rps")]].concat(), b.rps, 1e-3, 1e6, "rps");
        }
    }
    for (name, v) in &raw.versions.0 {
        let vp = [field("versions"), key(name)];
        if let Some(f) = v.latency_factor {
            cx.in_range(&p(&vp, "latency_factor"), f, 1e-3, MAX_FACTOR, "latency_factor");
        }
        cx.in_range(&p(&vp, "leak_mb_per_min"), v.leak_mb_per_min, 0.0, 1e6, "leak_mb_per_min");
    }
    for (name, f) in &raw.flags.0 {
        for (i, e) in f.effects.iter().enumerate().take(MAX_ITEMS) {
            let ep = [field("flags"), key(name), field("effects"), index(i)];
            if let Some(x) = e.latency_factor {
                cx.in_range(&p(&ep, "latency_factor"), x, 1e-3, MAX_FACTOR, "latency_factor");
            }
            cx.count_in(&p(&ep, "extra_queries"), e.extra_queries.into(), 0, 1_000, "extra_queries");
        }
    }
    for (i, e) in raw.timeline.iter().enumerate().take(MAX_ITEMS) {
        cx.entry_in(&[field("timeline"), index(i)], e);
    }
    for (i, o) in raw.objectives.iter().enumerate().take(MAX_ITEMS) {
        cx.condition_in(&[field("objectives"), index(i), field("when")], &o.when, 0);
    }
    for (i, a) in raw.alerts.iter().enumerate().take(MAX_ITEMS) {
        let ap = [field("alerts"), index(i), field("when")];
        match &a.when {
            super::raw::RawAlertExpr::Threshold { above, below, for_, .. } => {
                for (n, v) in [("above", above), ("below", below)] {
                    if let Some(v) = v {
                        cx.in_range(&p(&ap, n), *v, -1e12, 1e12, n);
                    }
                }
                cx.dur_in(&p(&ap, "for"), *for_, Dur::ZERO, DAY, "`for`");
            }
            super::raw::RawAlertExpr::BurnRate { long, factor, .. } => {
                cx.dur_in(&p(&ap, "long"), *long, Dur(SEC), Dur(30 * 24 * HOUR), "long");
                cx.in_range(&p(&ap, "factor"), *factor, 1e-3, 1e6, "factor");
            }
        }
    }
    for (name, team) in &raw.teams.0 {
        cx.dur_in(
            &[field("teams"), key(name), field("arrives_after")],
            team.arrives_after,
            Dur::ZERO,
            DAY,
            "arrives_after",
        );
    }
    cx.dur_in(&[field("par"), field("detect")], raw.par.detect, Dur::ZERO, DAY, "par.detect");
    cx.dur_in(&[field("par"), field("mitigate")], raw.par.mitigate, Dur::ZERO, DAY, "par.mitigate");
    cx.dur_in(
        &[field("comms"), field("first_update_within")],
        raw.comms.first_update_within,
        Dur(MIN),
        DAY,
        "first_update_within",
    );
    cx.dur_in(&[field("comms"), field("cadence")], raw.comms.cadence, Dur(MIN), DAY, "cadence");
    cx.count_in(
        &[field("logs"), field("per_kind_per_window")],
        raw.logs.per_kind_per_window.into(),
        1,
        100,
        "per_kind_per_window",
    );
    cx.count_in(&[field("logs"), field("keep")], raw.logs.keep as u64, 100, 100_000, "keep");
}
