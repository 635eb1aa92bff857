//! Closing a metrics window: every accumulator becomes one `Window` of statistics (the SLO's
//! burn rates and budget included) and the log caps reset. What is evaluated on the window —
//! alert rules, triggers, objectives, rollouts — the engine runs next (`Sim::on_window`).

use super::metric::{
    CacheStats, DbStats, DepStats, EdgeStats, InstanceCounts, ServiceStats, SloStats, ThirdPartyStats, Window,
};
use crate::sim::engine::{Sim, WINDOW};
use crate::sim::kernel::time::{Dur, SEC};
use crate::sim::model::spec::{Business, HarmCounts};
use crate::sim::request::dep::DepAcc;
use crate::sim::resources::instance::InstState;

/// What one window's harm cost: failed user requests, slow user tries and each harm to data,
/// at the scenario's prices.
fn business_cost(b: &Business, w: &Window) -> f64 {
    let i = w.integrity();
    b.cost(&HarmCounts {
        failed_requests: f64::from(w.edge.users_failed),
        slow_tries: f64::from(w.slo.slow),
        duplicates: f64::from(i.duplicates),
        lost_writes: f64::from(i.lost_writes),
        stale_reads: f64::from(i.stale_reads),
        conflicting_writes: f64::from(i.conflicting_writes),
    })
}

impl Sim {
    pub(crate) fn close_window(&mut self) {
        let now = self.now;
        let secs = WINDOW.secs_f64();
        let t = (now.0 / SEC).saturating_sub(1) as u32;
        let e = &mut self.edge;
        let users_done = e.users_ok + e.users_failed;
        let edge = EdgeStats {
            red: e.red.take(),
            users: e.users,
            users_ok: e.users_ok,
            users_failed: e.users_failed,
            attempts_per_request: if users_done == 0 { 0.0 } else { e.user_tries as f32 / users_done as f32 },
            blocked: e.blocked_count,
            duplicates: e.duplicates,
        };
        e.users = 0;
        e.users_ok = 0;
        e.users_failed = 0;
        e.user_tries = 0;
        e.blocked_count = 0;
        e.duplicates = 0;

        let abandoned = self.abandoned_now();
        let mut services = Vec::with_capacity(self.svcs.len());
        let mut deps = Vec::with_capacity(self.svcs.len());
        for (s, abandoned) in abandoned.into_iter().enumerate() {
            let mut stats = self.service_stats(s, secs);
            stats.abandoned = abandoned;
            services.push(stats);
            let svc = &mut self.svcs[s];
            let mut row = Vec::with_capacity(svc.deps.len());
            for dep in &mut svc.deps {
                let breaker = dep.breaker_state();
                let acc = &mut dep.acc;
                row.push(DepStats {
                    red: acc.red.take(),
                    calls: acc.calls,
                    retries: acc.retries,
                    attempts_per_call: if acc.calls_done == 0 {
                        0.0
                    } else {
                        acc.attempts_done as f32 / acc.calls_done as f32
                    },
                    breaker,
                    short_circuited: acc.short_circuited,
                    budget_denied: acc.budget_denied,
                    duplicates: acc.duplicates,
                });
                *acc = DepAcc::default();
            }
            deps.push(row);
        }
        let conns_area = self.rec.totals.conns_busy.area_until(now);
        let conns_busy = ((conns_area - std::mem::replace(&mut self.db.conns_busy_area, conns_area)) / secs) as f32;
        let ((lost_writes, stale_reads, conflicting_writes), replication) = self.replication_stats(secs);
        let db = self.spec.database.as_ref().map(|spec| DbStats {
            red: self.db.red.take(),
            load: (self.db.busy_int.take(now) / (f64::from(spec.cores) * secs)) as f32,
            queue: self.db.queue.len() as u32,
            connections: self.db.conns,
            max_connections: spec.max_connections,
            up: self.db.down == 0 && !self.db.failing_over,
            conns_busy,
            lost_writes,
            stale_reads,
            conflicting_writes,
            replication,
        });
        let caches = self
            .caches
            .iter_mut()
            .map(|c| {
                let total = c.hits + c.misses;
                let s = CacheStats {
                    hits: c.hits,
                    misses: c.misses,
                    hit_ratio: if total == 0 { 0.0 } else { c.hits as f32 / total as f32 },
                    warmth: c.warmth as f32,
                    stampede: c.stampede_max,
                };
                c.hits = 0;
                c.misses = 0;
                c.stampede_max = c.hot_filling;
                s
            })
            .collect();
        let third_parties = self
            .tps
            .iter_mut()
            .map(|tp| ThirdPartyStats {
                red: tp.red.take(),
                status: if tp.cert_expired {
                    "cert expired"
                } else if tp.down > 0 {
                    "down"
                } else if tp.blackhole > 0 {
                    "hanging"
                } else {
                    "up"
                }
                .to_string(),
            })
            .collect();
        let slo = self.slo_stats();
        let lag_s = self.timeline.lag.iter().map(|l| l.1.0 / SEC).max().unwrap_or(0) as u32;
        let mut blind: Vec<_> =
            self.timeline.blind.iter().map(|b| b.1).collect::<Vec<_>>().into_iter().flatten().collect();
        if self.timeline.blind.iter().any(|b| b.1.is_none()) {
            blind.push(super::metric::Component::Edge);
            blind.extend((0..self.svcs.len()).map(super::metric::Component::Service));
            blind.push(super::metric::Component::Database);
            blind.extend((0..self.caches.len()).map(super::metric::Component::Cache));
            blind.extend((0..self.tps.len()).map(super::metric::Component::ThirdParty));
            blind.extend((0..self.queues.len()).map(super::metric::Component::Queue));
        }
        blind.sort_unstable();
        blind.dedup();
        let tools_down =
            self.spec.tooling.iter().zip(&self.tooling.down).filter(|(_, down)| **down).map(|(t, _)| t.tool).collect();
        let queues = (0..self.queues.len()).map(|q| self.queue_stats(q)).collect();
        let mut w = Window {
            t,
            edge,
            services,
            deps,
            db,
            caches,
            third_parties,
            slo,
            blind,
            lag_s,
            tools_down,
            queues,
            business_cost: 0.0,
        };
        w.business_cost = self.spec.business.as_ref().map_or(0.0, |b| business_cost(b, &w));
        self.rec.windows.push(w);
        self.rec.logs.close_window(now);
    }

    fn service_stats(&mut self, s: usize, secs: f64) -> ServiceStats {
        let now = self.now;
        let spec = &self.spec.services[s];
        let versions: Vec<(String, u32)> =
            self.live_versions(s).into_iter().map(|(v, n)| (self.spec.versions[v].name.clone(), n)).collect();
        let mem_max = self.svcs[s]
            .alive
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| matches!(self.svcs[s].insts[i].state, InstState::Ready | InstState::Draining))
            .map(|i| self.memory_fraction(s, i))
            .fold(0.0, f64::max);
        let svc = &mut self.svcs[s];
        // The live instances, and those stopped during this window (their utilisation
        // integrals still hold part of it), in index order as the sums always took them.
        let mut visit = svc.alive.clone();
        visit.append(&mut svc.stopped_in_window);
        visit.sort_unstable();
        visit.dedup();
        self.rec.work.instance_visits += 2 * visit.len() as u64;
        let mut counts = InstanceCounts::default();
        let (mut busy_area, mut cpu_area, mut serving) = (0.0, 0.0, 0u32);
        let (mut in_flight, mut queue, mut pool_busy, mut pool_waiting, mut pool_open) = (0, 0, 0, 0, 0);
        for &i in &visit {
            let x = &mut svc.insts[i as usize];
            busy_area += x.busy_int.take(now);
            cpu_area += x.cpu_int.take(now);
            match x.state {
                InstState::Starting => counts.starting += 1,
                InstState::Ready => counts.ready += 1,
                InstState::Draining => counts.draining += 1,
                InstState::Crashed => counts.crashed += 1,
                InstState::Stopped => {}
            }
            if x.in_rotation {
                counts.in_rotation += 1;
            }
            if matches!(x.state, InstState::Ready | InstState::Draining) {
                serving += 1;
                in_flight += x.busy;
                queue += x.queue.len() as u32;
                pool_busy += x.pool.busy();
                pool_waiting += x.pool.waiting;
                pool_open += x.pool.open;
            }
        }
        let denom = f64::from(serving.max(1)) * secs;
        let area = self.rec.totals.service_in_system[s].area_until(now);
        let in_system = ((area - std::mem::replace(&mut svc.acc.in_system_area, area)) / secs) as f32;
        let stats = ServiceStats {
            red: svc.acc.red.take(),
            in_flight: in_flight + queue,
            queue,
            queue_max: svc.acc.queue_max.max(queue),
            worker_util: (busy_area / (denom * f64::from(spec.workers))).min(1.0) as f32,
            cpu_util: (cpu_area / (denom * spec.cores)).min(1.0) as f32,
            mem_max: mem_max as f32,
            pool_busy,
            pool_waiting,
            pool_timeouts: svc.acc.pool_timeouts,
            pool_open,
            instances: counts,
            versions,
            waits: svc.acc.waits.take(),
            in_system,
            abandoned: 0,
            abandoned_done: std::mem::take(&mut svc.acc.waits.abandoned_done),
            pathological: std::mem::take(&mut svc.acc.pathological),
            health_failures: std::mem::take(&mut svc.acc.health_failures),
            threads: svc.peer_threads,
        };
        svc.acc.queue_max = 0;
        svc.acc.pool_timeouts = 0;
        stats
    }

    /// Per service: requests queued or running whose caller has given up (an attempt that is
    /// resolved or gone). Health checks are left out, as in every request metric.
    fn abandoned_now(&self) -> Vec<u32> {
        let mut out = vec![0u32; self.svcs.len()];
        for k in self.jobs.keys() {
            let Some(job) = self.jobs.get(k) else { continue };
            let s = job.svc as usize;
            if job.endpoint as usize != self.spec.services[s].health_endpoint
                && self.attempts.get(job.att).is_none_or(|a| a.resolved)
            {
                out[s] += 1;
            }
        }
        out
    }

    /// SLO events of this window, burn rates and the budget left.
    fn slo_stats(&mut self) -> SloStats {
        let e = &mut self.edge;
        let (good, total, slow) = (e.slo_good, e.slo_total, e.slo_slow);
        e.slo_good = 0;
        e.slo_total = 0;
        e.slo_slow = 0;
        let (cg, ct) = self.rec.slo_cum.last().copied().unwrap_or((0, 0));
        self.rec.slo_cum.push((cg + u64::from(good), ct + u64::from(total)));
        let slo = &self.spec.slo;
        let allowed = 1.0 - slo.availability;
        let budget_total = allowed * self.spec.traffic.base_rps * slo.period.secs_f64();
        SloStats {
            good,
            total,
            slow,
            budget_left: slo.budget_at_start - self.rec.slo_bad_total as f64 / budget_total.max(1.0),
            burn_1h: self.burn_rate(Dur::from_secs(3600)) as f32,
            burn_5m: self.burn_rate(Dur::from_secs(300)) as f32,
        }
    }

    /// Availability burn rate over the trailing `span` of the run so far.
    pub fn burn_rate(&self, span: Dur) -> f64 {
        self.burn_rate_upto(self.rec.slo_cum.len(), span)
    }

    /// Burn rate over `span` ending with window `n - 1`. History before the run counts as
    /// healthy traffic at the base rate: the service was running before the scenario began.
    pub(crate) fn burn_rate_upto(&self, n: usize, span: Dur) -> f64 {
        if n == 0 {
            return 0.0;
        }
        let k = (span.0 / SEC) as usize;
        let (g1, t1) = self.rec.slo_cum[n - 1];
        let (g0, t0) = if k < n { self.rec.slo_cum[n - 1 - k] } else { (0, 0) };
        let mut total = (t1 - t0) as f64;
        let mut good = (g1 - g0) as f64;
        if k > n {
            let before = (k - n) as f64 * self.spec.traffic.base_rps;
            total += before;
            good += before;
        }
        if total <= 0.0 {
            return 0.0;
        }
        (1.0 - good / total) / (1.0 - self.spec.slo.availability).max(1e-9)
    }
}
