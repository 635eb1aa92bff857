//! Connection pools and the database. A database step takes one connection from the calling
//! instance's pool (waiting in FIFO order up to the acquire timeout, or opening a new one if the
//! pool is below its size and the database below `max_connections`), runs its queries one after
//! another on it, and gives it back. The database is an M/M/k-style server: `cores` queries run
//! at once, the rest queue. So when queries slow down, the latency shows up as pool wait first.
//! Network latency added to the database (`AddLatency`) is time on the wire after a query's
//! core is free: it holds the connection but no core, so it raises latency, not `load`; so is
//! the round trip to the node that serves the query (`rtt`: a primary across the country).

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::spec::Step;
use crate::sim::observe::acc::{Integrator, RedAcc};
use crate::sim::observe::logs::Level;
use crate::sim::request::call::{Origin, Via};
use crate::sim::request::outcome::Reason;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub(crate) struct PoolState {
    pub open: u32,
    pub idle: u32,
    pub leaked: u32,
    pub waiting: u32,
    pub waiters: VecDeque<Key>,
    pub leak_acc: f64,
}

impl PoolState {
    pub fn busy(&self) -> u32 {
        self.open - self.idle
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct DbState {
    pub busy: u32,
    /// Queries waiting for a core: (attempt, background).
    pub queue: VecDeque<(Key, bool)>,
    pub conns: u32,
    pub down: u32,
    pub failing_over: bool,
    /// (timeline index, factor, fixed by failover) of active slow-query faults.
    pub slow: Vec<(usize, f64, bool)>,
    pub disk_full: f64,
    pub error_rate: f64,
    pub extra: Dur,
    /// The primary node's round trip from the services (`database.rtt`, or the promoted
    /// replica's): wire time like `extra`.
    pub rtt: Dur,
    /// `extra` + `rtt`: a primary query's time on the wire (kept up to date by both).
    pub wire: Dur,
    pub busy_int: Integrator,
    pub red: RedAcc,
    /// ∫ busy connections dt, as of the last window close.
    pub conns_busy_area: f64,
}

impl Sim {
    /// Starts a database call: acquire a connection, then query.
    // Forced: the hot path of every try; callgrind shows the cost when LLVM declines.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn db_begin(&mut self, ak: Key) {
        let now = self.now;
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        let Some(call) = self.calls.get(att.call) else {
            return;
        };
        let queries = call.queries.max(1);
        let Origin::Job(jk) = call.origin else {
            return self.attempt_done(ak, Err(Reason::DbError));
        };
        let Some(job) = self.jobs.get(jk) else {
            return self.attempt_done(ak, Err(Reason::DbError));
        };
        let (s, i, life) = (job.svc as usize, job.inst as usize, job.life);
        let read = self.data.active && self.is_replica_read(ak);
        if self.data.active && self.primary_out_of_reach(s, i, read) {
            // The primary is partitioned away from this instance: nothing answers.
            if let Some(a) = self.attempts.get_mut(ak) {
                a.target_done = true;
            }
            return;
        }
        let size = self.svcs[s].cfg.pool_size;
        let max_conns = self.spec.database.as_ref().map_or(0, |d| d.max_connections);
        let acquire_timeout = self.spec.services[s].pool.map_or(Dur::from_secs(1), |p| p.acquire_timeout);
        let pool = &mut self.svcs[s].insts[i].pool;
        let via =
            |waiting, conn| Via::Db { svc: s as u16, inst: i as u32, life, remaining: queries, waiting, conn, read };
        let att = self.attempts.get_mut(ak).expect("attempt exists");
        att.pool_asked = now;
        if pool.idle > 0 {
            pool.idle -= 1;
            att.via = via(false, true);
        } else if pool.open < size {
            if self.db.conns >= max_conns {
                self.log_db_conn_refused(s, i);
                return self.attempt_done(ak, Err(Reason::TooManyConnections));
            }
            pool.open += 1;
            self.db.conns += 1;
            att.via = via(false, true);
        } else {
            att.via = via(true, false);
            pool.waiters.push_back(ak);
            pool.waiting += 1;
            self.q.push_after(now, acquire_timeout, Ev::PoolTimeout { att: ak });
            return;
        }
        self.rec.totals.pool_wait[s].record(0);
        self.svcs[s].acc.waits.pool_wait(0);
        self.rec.totals.conns_busy.add(now, 1.0);
        self.db_query(ak);
    }

    /// Runs the next query of an attempt that holds a connection.
    fn db_query(&mut self, ak: Key) {
        let now = self.now;
        if self.data.active
            && let Some(r) = self.replica_for(ak)
        {
            return self.replica_query(ak, r);
        }
        let unavailable =
            if self.data.active { self.primary_refuses(ak) } else { self.db.down > 0 || self.db.failing_over };
        let db = &self.db;
        let failure = if unavailable {
            Some(Reason::DbUnavailable)
        } else if db.disk_full > 0.0 && self.rng.deps.chance(db.disk_full) {
            Some(Reason::DiskFull)
        } else if db.error_rate > 0.0 && self.rng.deps.chance(db.error_rate) {
            Some(Reason::DbError)
        } else {
            None
        };
        if let Some(reason) = failure {
            self.db.red.arrive();
            self.db.red.finish(Err(reason), 0);
            self.release_conn(ak, reason == Reason::DbUnavailable);
            return self.attempt_done(ak, Err(reason));
        }
        let cores = self.spec.database.as_ref().map_or(1, |d| d.cores);
        self.db.red.arrive();
        if let Some(att) = self.attempts.get_mut(ak) {
            att.pool_asked = now; // from here on: when this query was submitted
        }
        if self.db.busy < cores {
            self.start_query(ak, false);
        } else {
            self.db.queue.push_back((ak, false));
        }
    }

    fn start_query(&mut self, ak: Key, background: bool) {
        let now = self.now;
        let Some(spec) = self.spec.database.as_ref() else {
            return;
        };
        let dist = if background {
            &spec.query
        } else {
            let from = self.attempts.get(ak).and_then(|a| self.calls.get(a.call)).map(|c| c.from);
            match from.map(|(s, e, pc)| &self.spec.services[s as usize].endpoints[e as usize].plan[pc as usize]) {
                Some(Step::Call { query: Some(q), .. }) => q,
                _ => &spec.query,
            }
        };
        let slow: f64 = self.db.slow.iter().map(|x| x.1).product();
        let t = Dur::from_us_f64(dist.sample(&mut self.rng.deps) * slow);
        self.db.busy += 1;
        self.db.busy_int.set(now, f64::from(self.db.busy));
        self.q.push(now + t, Ev::QueryDone { att: ak, background });
    }

    pub(crate) fn on_query_done(&mut self, ak: Key, background: bool) {
        let now = self.now;
        self.db.busy -= 1;
        self.db.busy_int.set(now, f64::from(self.db.busy));
        self.rec.totals.db_queries += 1;
        // Start the next waiting query first: the core is free now.
        let cores = self.spec.database.as_ref().map_or(1, |d| d.cores);
        while self.db.busy < cores {
            let Some((next, bg)) = self.db.queue.pop_front() else {
                break;
            };
            if bg || self.attempts.get(next).is_some() {
                self.start_query(next, bg);
            }
        }
        if background {
            // A warm-up loader's query: `ak.idx` is the cache it loads.
            let ok = !(self.db.error_rate > 0.0 && self.rng.deps.chance(self.db.error_rate));
            self.db.red.finish(if ok { Ok(()) } else { Err(Reason::DbError) }, 0);
            return self.loader_query_done(ak.idx as usize, ok);
        }
        if self.data.active {
            self.query_committed(ak);
        }
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        if !matches!(att.via, Via::Db { .. }) {
            return;
        }
        let asked = att.pool_asked;
        let wire = self.db.wire;
        self.query_served(ak, asked, wire);
    }

    /// A query `ak` (asked for its connection at `asked`) has been served by the primary or
    /// a replica: the database's own latency (its queue and its cores, not the network) is
    /// recorded, and the answer goes back — after `wire`, the time on the network, if any
    /// (`AddLatency` on the database and the node's round trip: the core is already free, the
    /// connection stays held).
    pub(crate) fn query_served(&mut self, ak: Key, asked: SimTime, wire: Dur) {
        let now = self.now;
        let latency = now.since(asked).0;
        self.db.red.finish(Ok(()), latency);
        self.rec.totals.db_hist.record(latency);
        if wire.0 > 0 {
            self.q.push(now + wire, Ev::QueryReply { att: ak });
            return;
        }
        self.query_answered(ak);
    }

    /// The caller's side of a finished query: the next query on the connection, or the
    /// connection back and the attempt answered. Inlined into both of its callers: it is
    /// the second half of every query's completion.
    // Forced: the hot path of every try; callgrind shows the cost when LLVM declines.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn query_answered(&mut self, ak: Key) {
        let now = self.now;
        let Some(att) = self.attempts.get_mut(ak) else {
            return;
        };
        let started = att.pool_asked;
        let resolved = att.resolved;
        let Via::Db { remaining, .. } = &mut att.via else {
            return;
        };
        *remaining = remaining.saturating_sub(1);
        let more = *remaining > 0;
        if let Some(trace) = self.attempts.get(ak).and_then(|a| self.calls.get(a.call)).map(|c| (c.trace, c.depth))
            && trace.0 != 0
        {
            self.rec.traces.span(trace.0, trace.1 + 1, "db query".to_string(), started, now, true);
        }
        if more && !resolved {
            return self.db_query(ak);
        }
        self.release_conn(ak, false);
        self.attempt_done(ak, Ok(()));
    }

    /// Gives the attempt's connection back (to a waiter, the idle set, or closes it).
    fn release_conn(&mut self, ak: Key, broken: bool) {
        let now = self.now;
        let Some(att) = self.attempts.get_mut(ak) else {
            return;
        };
        let Via::Db { svc, inst, life, conn, .. } = &mut att.via else {
            return;
        };
        if !*conn {
            return;
        }
        *conn = false;
        let (s, i, life) = (*svc as usize, *inst as usize, *life);
        self.rec.totals.conns_busy.add(now, -1.0);
        let size = self.svcs[s].cfg.pool_size;
        let inst = &mut self.svcs[s].insts[i];
        if inst.life != life {
            return; // the instance restarted: the connection died with it
        }
        let pool = &mut inst.pool;
        if broken || pool.open > size {
            pool.open -= 1;
            self.db.conns = self.db.conns.saturating_sub(1);
            return;
        }
        if pool.leak_acc >= 1.0 {
            // A leaked connection is never returned.
            pool.leak_acc -= 1.0;
            pool.leaked += 1;
            return;
        }
        while let Some(w) = pool.waiters.pop_front() {
            let Some(wa) = self.attempts.get_mut(w) else {
                continue;
            };
            let Via::Db { waiting, conn, .. } = &mut wa.via else {
                continue;
            };
            if !*waiting {
                continue;
            }
            *waiting = false;
            *conn = true;
            pool.waiting -= 1;
            let asked = wa.pool_asked;
            self.rec.totals.pool_wait[s].record(now.since(asked).0);
            self.svcs[s].acc.waits.pool_wait(now.since(asked).0);
            self.rec.totals.conns_busy.add(now, 1.0);
            if let Some(c) = self.calls.get(wa.call)
                && c.trace != 0
            {
                let (t, d) = (c.trace, c.depth);
                self.rec.traces.span(t, d + 1, "pool wait".to_string(), asked, now, true);
            }
            return self.db_query(w);
        }
        pool.idle += 1;
    }

    /// An attempt waiting for a connection leaves the pool's queue (its caller gave up, or
    /// the acquire timeout fired): the service whose pool it waited in, or `None` if it was
    /// not waiting.
    pub(crate) fn leave_pool_queue(&mut self, ak: Key) -> Option<usize> {
        let att = self.attempts.get_mut(ak)?;
        let Via::Db { svc, inst, life, waiting, .. } = &mut att.via else {
            return None;
        };
        if !*waiting {
            return None;
        }
        *waiting = false;
        att.target_done = true;
        let (s, i, life) = (*svc as usize, *inst as usize, *life);
        let inst = &mut self.svcs[s].insts[i];
        if inst.life == life {
            inst.pool.waiting -= 1;
        }
        Some(s)
    }

    /// No connection within the acquire timeout: the try fails (its caller may retry).
    pub(crate) fn on_pool_timeout(&mut self, ak: Key) {
        if let Some(s) = self.leave_pool_queue(ak) {
            self.svcs[s].acc.pool_timeouts += 1;
            self.attempt_done(ak, Err(Reason::PoolTimeout));
        }
    }

    /// Closes every connection of an instance's pool (it crashed, restarted or stopped).
    pub(crate) fn close_pool(&mut self, s: usize, i: usize) {
        let pool = std::mem::take(&mut self.svcs[s].insts[i].pool);
        self.db.conns = self.db.conns.saturating_sub(pool.open);
    }

    /// Sends a query that no request waits for (a warm-up loader's): it queues for a core like
    /// any other.
    pub(crate) fn submit_background_query(&mut self, key: Key) {
        let cores = self.spec.database.as_ref().map_or(1, |d| d.cores);
        self.db.red.arrive();
        if self.db.busy < cores {
            self.start_query(key, true);
        } else {
            self.db.queue.push_back((key, true));
        }
    }

    /// Per tick: leaking pools lose connections; stalled warm-up loaders start again.
    pub(crate) fn db_tick(&mut self, dt_s: f64) {
        for svc in &mut self.svcs {
            if svc.faults.conn_leak_per_s > 0.0 {
                for inst in svc.insts.iter_mut().filter(|x| x.live()) {
                    inst.pool.leak_acc += svc.faults.conn_leak_per_s * dt_s;
                }
            }
        }
        self.loader_tick();
    }

    fn log_db_conn_refused(&mut self, s: usize, i: usize) {
        let name = &self.spec.services[s].name;
        if self.rec.logs.allow((s as u16, 40), Level::Error, name) {
            let src = format!("{name}-{}", self.svcs[s].insts[i].num);
            let name = name.clone();
            self.rec.logs.push(
                self.now,
                Level::Error,
                &name,
                &src,
                None,
                format!("pool: cannot open connection: {}", Reason::TooManyConnections.text()),
            );
        }
    }
}
