//! Read replicas and what replication does to data. Every query of a database step that is
//! not `read_only` is a write; when it commits on the primary it joins each replica's
//! backlog. A replica ships a write `delay` after its commit and applies writes in commit
//! order, one after another at `apply_rate` (÷ any `SlowReplica` factor), so when writes come
//! faster than it applies them its backlog grows: its lag — the age of the oldest write it has
//! not applied (0 when caught up) — is backlog / apply rate.
//!
//! **Stale reads.** A `read_only` step's queries run on a replica (round robin), on its own
//! cores. A read is stale when the row it reads has a write the replica has not applied. With
//! writes and reads spread uniformly over `keys` rows and B writes unapplied, the chance that
//! a given row is among them is 1 − (1 − 1/keys)^B ≈ 1 − e^(−B/keys), drawn per read. This is
//! the honest version of "lag × write rate / keys": B is exactly the writes inside the lag
//! (B = write rate × lag when the rate is steady), and a replica that is behind on rows nobody
//! reads hurts no one — a threshold on lag alone would call every read during a lag stale.
//!
//! **Failover** (`failover.rs`). A failover (the `Failover` command, or the orchestrator's after
//! the primary has been unreachable for `detect_after`) promotes the most caught-up replica; the
//! writes it had not applied when the failover began are lost (`lost_writes`: RPO = lag). The
//! old primary takes its slot and every replica starts caught up with the new primary — at once,
//! unless `database.restore` models rebuilds (`restore.rs`). **Split brain.** While a `PrimaryPartition` holds, the primary and
//! `fraction` of each service's instances are cut off from the replicas and the orchestrator:
//! replication stops, the other instances cannot reach the primary (writes hang; replica reads
//! work), the cut-off ones keep using it (reads too). If a failover begins during the partition
//! and the old primary is not fenced, both primaries accept writes until the partition heals:
//! every write on either is a conflicting write (`conflicting_writes` = write rate × split
//! time). Fenced, the old primary refuses its side's queries instead.
//!
//! Invariants: `unapplied` is the sum of the backlog's counts; a bucket's apply time is fixed
//! once it reaches the head (`head_done`); nothing here runs without replicas (`active`).

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::fmath;
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::replication::WRITE_BUCKET;
use crate::sim::model::spec::{SimSpec, Step};
use crate::sim::observe::acc::Integrator;
use crate::sim::observe::logs::Level;
use crate::sim::observe::metric::{ReplicaStats, ReplicationStats};
use crate::sim::request::call::Via;
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub(crate) struct ReplicaState {
    /// Writes not yet applied: (bucket start, writes), oldest first.
    pub(super) backlog: VecDeque<(SimTime, u32)>,
    pub(super) unapplied: u64,
    /// When the applier finished its last bucket.
    pub(super) free_at: SimTime,
    /// When the head bucket will have been applied, once it has started.
    pub(super) head_done: Option<SimTime>,
    /// Active `SlowReplica` faults: (timeline index, factor).
    pub slow: Vec<(usize, f64)>,
    busy: u32,
    queue: VecDeque<Key>,
    busy_int: Integrator,
    reads: u32,
    stale: u32,
}

#[derive(Clone, Debug, Default)]
pub(super) struct DataAcc {
    pub(super) lost: u32,
    stale: u32,
    conflicting: u32,
}

// Four independent switches of the data engine (replicas, a split, a planned switchover,
// rebuilds modelled): a state machine would not make them clearer.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, Default)]
pub(crate) struct DataState {
    /// The database has replicas: everything in this module is in play.
    pub active: bool,
    pub(super) replicas: Vec<ReplicaState>,
    rr: usize,
    /// Active `PrimaryPartition` faults: (timeline index, fraction of instances cut off with
    /// the primary).
    pub(super) isolated: Vec<(usize, f64)>,
    /// Since when nothing ships from the primary (a partition, before any failover): writes
    /// that would arrive later wait.
    pub(super) blocked_since: Option<SimTime>,
    /// A failover began during the partition: the cut-off instances use the abandoned old
    /// primary.
    pub(super) abandoned: bool,
    /// Bumped whenever the primary's reachability changes, so a detection scheduled before
    /// does not fire.
    pub(super) epoch: u32,
    /// The replica a failover under way promotes.
    pub(super) promoting: Option<usize>,
    /// A planned switchover (the fail-back after a restore): nothing is lost.
    pub(super) planned: bool,
    pub(super) acc: DataAcc,
    pub(super) totals: (u64, u64, u64),
    /// Which node is where: the primary's node, and each replica slot's (node 0 is the primary
    /// at the start, node 1 + r replica r). Only the round trip and the name move with a node.
    pub(super) primary_node: usize,
    pub(super) slot_node: Vec<usize>,
    /// Rebuilds from backup are modelled (`database.restore`).
    pub(super) rebuilds: bool,
    /// The old primary an unfenced failover left behind (`restore` only), and what it holds.
    pub(super) diverged: Option<super::restore::Diverged>,
    /// Writes only the old primary held: on it while diverged, then in its saved binlog until a
    /// restore replays them onto the primary.
    pub(super) old_side: u64,
    /// A restore under way.
    pub(super) restore: Option<super::restore::RestoreRun>,
    /// Writes the serving primary committed in each second of the run (`restore` only): what a
    /// node rebuilt from the backup taken at 0 s must apply to catch up.
    pub(super) history: Vec<u32>,
}

impl DataState {
    pub fn new(spec: &SimSpec) -> Self {
        let n = spec.database.as_ref().map_or(0, |d| d.replication.replicas.len());
        DataState {
            active: n > 0,
            replicas: vec![ReplicaState::default(); n],
            slot_node: (1..=n).collect(),
            rebuilds: spec.database.as_ref().is_some_and(|d| d.replication.restore.is_some()),
            ..DataState::default()
        }
    }

    pub(super) fn split(&self, fenced: bool) -> bool {
        self.abandoned && !fenced
    }
}

impl Sim {
    pub(super) fn fenced(&self) -> bool {
        self.spec.database.as_ref().is_some_and(|d| d.replication.fence_old_primary)
    }

    /// Whether instance `i` of service `s` is on the partitioned primary's side.
    pub(crate) fn on_old_side(&self, s: usize, i: usize) -> bool {
        let Some(f) = self.data.isolated.iter().map(|x| x.1).reduce(f64::max) else { return false };
        let n = self.svcs[s].insts.len().max(1) as f64;
        (i as f64 + 0.5) / n <= f
    }

    /// A `SlowReplica` fault (timeline entry `idx`) starts or ends.
    pub(crate) fn set_replica_slow(&mut self, r: usize, idx: usize, factor: f64, on: bool) {
        if r >= self.data.replicas.len() {
            return;
        }
        self.advance(r);
        if let Some(st) = self.data.replicas.get_mut(r) {
            if on {
                st.slow.push((idx, factor));
            } else {
                st.slow.retain(|x| x.0 != idx);
            }
        }
    }

    /// Where a query of attempt `ak` runs, when the database has replicas: `Some(r)` for a
    /// read on replica `r`; `None` for the primary.
    pub(crate) fn replica_for(&mut self, ak: Key) -> Option<usize> {
        let Some(Via::Db { svc, inst, read: true, .. }) = self.attempts.get(ak).map(|a| a.via) else { return None };
        self.route_read(svc as usize, inst as usize)
    }

    /// Whether the primary refuses attempt `ak`'s query (see `primary_unavailable`).
    pub(crate) fn primary_refuses(&self, ak: Key) -> bool {
        match self.attempts.get(ak).map(|a| a.via) {
            Some(Via::Db { svc, inst, .. }) => self.primary_unavailable(svc as usize, inst as usize),
            _ => self.db.down > 0 || self.db.failing_over,
        }
    }

    /// A query of attempt `ak` finished on the primary: a write unless its step is a read.
    pub(crate) fn query_committed(&mut self, ak: Key) {
        if let Some(Via::Db { svc, inst, read: false, .. }) = self.attempts.get(ak).map(|a| a.via) {
            self.data_write(svc as usize, inst as usize);
        }
    }

    /// Whether a database step's attempt is a read that may go to a replica.
    pub(crate) fn is_replica_read(&self, ak: Key) -> bool {
        let from = self.attempts.get(ak).and_then(|a| self.calls.get(a.call)).map(|c| c.from);
        let step = from.map(|(s, e, pc)| &self.spec.services[s as usize].endpoints[e as usize].plan[pc as usize]);
        matches!(step, Some(Step::Call { read_only: true, .. }))
    }

    /// During a partition, before any failover, the other instances cannot reach the primary:
    /// their writes (and reads with no replica to go to) hang until the caller's timeout.
    pub(crate) fn primary_out_of_reach(&self, s: usize, i: usize, read: bool) -> bool {
        !self.data.isolated.is_empty()
            && !self.data.abandoned
            && !self.on_old_side(s, i)
            && (!read || !(0..self.data.replicas.len()).any(|r| self.takes_reads(r)))
    }

    /// Whether the primary refuses a query from instance `i` of `s`: the abandoned old primary
    /// when fenced (the cut-off side), the current one while down or failing over.
    fn primary_unavailable(&self, s: usize, i: usize) -> bool {
        if self.data.active && !self.data.isolated.is_empty() && self.on_old_side(s, i) {
            return self.data.abandoned && self.fenced();
        }
        self.db.down > 0 || self.db.failing_over
    }

    /// The replica a read goes to, if any (none for the cut-off side of a partition).
    fn route_read(&mut self, s: usize, i: usize) -> Option<usize> {
        if !self.data.isolated.is_empty() && self.on_old_side(s, i) {
            return None;
        }
        let n = self.data.replicas.len();
        for _ in 0..n {
            self.data.rr = (self.data.rr + 1) % n;
            if self.takes_reads(self.data.rr) {
                return Some(self.data.rr);
            }
        }
        None // no replica takes reads: the primary serves them
    }

    /// A write committed on the primary by instance `i` of service `s`.
    fn data_write(&mut self, s: usize, i: usize) {
        if self.data.split(self.fenced()) {
            self.data.acc.conflicting += 1;
            self.data.totals.1 += 1;
            if self.on_old_side(s, i) {
                if self.data.diverged.is_some() {
                    self.data.old_side += 1; // only the old primary holds it
                }
                return; // on the abandoned primary: never replicated
            }
        }
        let cut = self.diverged_write();
        let bucket = SimTime(self.now.0 - self.now.0 % WRITE_BUCKET.0);
        for (k, r) in self.data.replicas.iter_mut().enumerate() {
            if cut == Some(k) {
                continue;
            }
            match r.backlog.back_mut() {
                Some((b, n)) if *b == bucket => *n += 1,
                _ => r.backlog.push_back((bucket, 1)),
            }
            r.unapplied += 1;
        }
    }

    /// Applies what replica `r` has applied by now (a slot that replicates nothing — diverged,
    /// or being restored — has an empty backlog). Lazy: anything that changes the apply
    /// schedule (a fault, a partition) advances every replica first.
    pub(super) fn advance(&mut self, r: usize) {
        let now = self.now;
        let blocked = self.data.blocked_since;
        let spec = &self.spec.database.as_ref().expect("replicas need a database").replication.replicas[r];
        let st = &mut self.data.replicas[r];
        let slow: f64 = st.slow.iter().map(|x| x.1).product();
        while let Some(&(tb, n)) = st.backlog.front() {
            let done = match st.head_done {
                Some(d) => d,
                None if blocked.is_some_and(|b| tb + spec.delay >= b) => break,
                None => {
                    let start = st.free_at.max(tb + spec.delay);
                    let d = start + Dur::from_secs_f64(f64::from(n) * slow / spec.apply_rate);
                    st.head_done = Some(d);
                    d
                }
            };
            if done > now {
                break;
            }
            st.backlog.pop_front();
            st.unapplied -= u64::from(n);
            st.free_at = done;
            st.head_done = None;
        }
    }

    /// Replica `r`'s lag: the age of the oldest write it has not applied.
    pub(super) fn lag(&mut self, r: usize) -> Dur {
        self.advance(r);
        self.data.replicas[r].backlog.front().map_or(Dur::ZERO, |&(tb, _)| self.now.since(tb))
    }

    /// A read runs on replica `r` (its own cores, FIFO beyond them).
    pub(crate) fn replica_query(&mut self, ak: Key, r: usize) {
        self.db.red.arrive();
        if let Some(a) = self.attempts.get_mut(ak) {
            a.pool_asked = self.now;
        }
        let cores = self.spec.database.as_ref().map_or(1, |d| d.replication.replicas[r].cores);
        if self.data.replicas[r].busy < cores {
            self.start_replica_query(ak, r);
        } else {
            self.data.replicas[r].queue.push_back(ak);
        }
    }

    fn start_replica_query(&mut self, ak: Key, r: usize) {
        let spec = Arc::clone(&self.spec);
        let Some(db) = spec.database.as_ref() else { return };
        let from = self.attempts.get(ak).and_then(|a| self.calls.get(a.call)).map(|c| c.from);
        let dist = match from.map(|(s, e, pc)| &spec.services[s as usize].endpoints[e as usize].plan[pc as usize]) {
            Some(Step::Call { query: Some(q), .. }) => q,
            _ => &db.query,
        };
        let slow: f64 = self.db.slow.iter().map(|x| x.1).product();
        let t = Dur::from_us_f64(dist.sample(&mut self.rng.deps) * slow);
        // The read sees the replica as it is now: stale if its row has an unapplied write.
        self.advance(r);
        let p = 1.0 - fmath::exp(-(self.data.replicas[r].unapplied as f64) / db.replication.keys);
        if self.rng.data.chance(p) {
            self.data.replicas[r].stale += 1;
            self.data.acc.stale += 1;
            self.data.totals.2 += 1;
        }
        let st = &mut self.data.replicas[r];
        st.busy += 1;
        st.busy_int.set(self.now, f64::from(st.busy));
        self.q.push(self.now + t, Ev::ReplicaQueryDone { att: ak, replica: r as u16 });
    }

    pub(crate) fn on_replica_query_done(&mut self, ak: Key, r: usize) {
        let now = self.now;
        let cores = self.spec.database.as_ref().map_or(1, |d| d.replication.replicas[r].cores);
        let st = &mut self.data.replicas[r];
        st.busy -= 1;
        st.reads += 1;
        st.busy_int.set(now, f64::from(st.busy));
        self.rec.totals.db_queries += 1;
        while self.data.replicas[r].busy < cores {
            let Some(next) = self.data.replicas[r].queue.pop_front() else { break };
            if self.attempts.get(next).is_some() {
                self.start_replica_query(next, r);
            }
        }
        let Some(att) = self.attempts.get(ak).filter(|a| matches!(a.via, Via::Db { .. })) else { return };
        let asked = att.pool_asked;
        let wire = self.db.extra + self.node_rtt(self.data.slot_node[r]);
        self.query_served(ak, asked, wire);
    }

    /// A `PrimaryPartition` (timeline entry `idx`) starts or heals.
    pub(crate) fn set_primary_partition(&mut self, idx: usize, fraction: f64, on: bool) {
        if !self.data.active {
            return;
        }
        for r in 0..self.data.replicas.len() {
            self.advance(r);
        }
        if on {
            if self.data.isolated.is_empty() && !self.data.abandoned {
                self.data.blocked_since = Some(self.now);
            }
            self.data.isolated.push((idx, fraction));
        } else {
            self.data.isolated.retain(|x| x.0 != idx);
            if self.data.isolated.is_empty() {
                if std::mem::take(&mut self.data.abandoned) {
                    let text = "partition healed: every instance uses the new primary; the old one's writes conflict"
                        .to_string();
                    self.rec.logs.push(self.now, Level::Warn, "db", "orchestrator", None, text);
                } else if self.data.blocked_since.take().is_some() {
                    // Shipping resumes: what queued up is applied from now on.
                    for st in &mut self.data.replicas {
                        st.free_at = st.free_at.max(self.now);
                    }
                }
            }
        }
        self.primary_reachability_changed();
    }

    /// This window's replication figures (counts emptied) and the three integrity counts.
    pub(crate) fn replication_stats(&mut self, secs: f64) -> ((u32, u32, u32), Option<ReplicationStats>) {
        let acc = std::mem::take(&mut self.data.acc);
        let counts = (acc.lost, acc.stale, acc.conflicting);
        if !self.data.active {
            return (counts, None);
        }
        let now = self.now;
        let mut replicas = Vec::with_capacity(self.data.replicas.len());
        for r in 0..self.data.replicas.len() {
            let lag = self.lag(r);
            let cores = self.spec.database.as_ref().map_or(1, |d| d.replication.replicas[r].cores);
            let node = self.node_name(self.data.slot_node[r]).to_string();
            let st = &mut self.data.replicas[r];
            replicas.push(ReplicaStats {
                node,
                lag_s: lag.secs_f64() as f32,
                unapplied: st.unapplied,
                reads: std::mem::take(&mut st.reads),
                stale_reads: std::mem::take(&mut st.stale),
                load: (st.busy_int.take(now) / (f64::from(cores) * secs)) as f32,
                queue: st.queue.len() as u32,
            });
        }
        let (old_side_writes, new_side_writes, restore) = self.restore_stats();
        let stats = ReplicationStats {
            primary: self.node_name(self.data.primary_node).to_string(),
            primary_rtt_ms: self.db.rtt.secs_f64() as f32 * 1000.0,
            diverged: self.data.diverged.map(|d| self.node_name(d.node).to_string()),
            old_side_writes,
            new_side_writes,
            restore,
            lag_s: replicas.iter().map(|r| r.lag_s).fold(0.0, f32::max),
            lost_writes_total: self.data.totals.0,
            conflicting_writes_total: self.data.totals.1,
            stale_reads_total: self.data.totals.2,
            split_brain: self.data.split(self.fenced()),
            partitioned: !self.data.isolated.is_empty(),
            replicas,
        };
        (counts, Some(stats))
    }
}
