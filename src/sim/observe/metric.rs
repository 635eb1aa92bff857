//! What the engine measures: one `Window` of per-component statistics per second of sim time,
//! and `MetricRef`, the name of one number in it (used by alerts, conditions and charts).

use crate::sim::resources::breaker::BreakerState;
use serde::{Deserialize, Serialize};

/// Rate, errors and duration of one stream of requests in one window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Red {
    pub requests: u32,
    pub ok: u32,
    pub e5xx: u32,
    pub timeout: u32,
    pub r429: u32,
    pub shed: u32,
    /// Latency of successful requests, milliseconds.
    pub p50_ms: f32,
    pub p90_ms: f32,
    pub p99_ms: f32,
    pub p999_ms: f32,
    pub mean_ms: f32,
    /// Median latency of failed requests (fast errors hide in a shared mean).
    pub err_p50_ms: f32,
}

impl Red {
    pub fn errors(&self) -> u32 {
        self.e5xx + self.timeout + self.r429 + self.shed
    }
    /// Failed fraction of completed requests (0 when none completed).
    pub fn error_rate(&self) -> f64 {
        let done = self.ok + self.errors();
        if done == 0 { 0.0 } else { f64::from(self.errors()) / f64::from(done) }
    }
}

/// The public edge: user-facing requests (attempts as the load balancer sees them).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EdgeStats {
    pub red: Red,
    /// New user requests (before client retries).
    pub users: u32,
    pub users_ok: u32,
    pub users_failed: u32,
    /// Attempts per finished user request.
    pub attempts_per_request: f32,
    /// Requests from blocked clients, rejected before the SLO counts them.
    pub blocked: u32,
    /// Non-idempotent user requests that took effect twice or more.
    pub duplicates: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InstanceCounts {
    pub starting: u32,
    pub ready: u32,
    pub in_rotation: u32,
    pub draining: u32,
    pub crashed: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ServiceStats {
    pub red: Red,
    pub in_flight: u32,
    pub queue: u32,
    pub queue_max: u32,
    /// Busy workers over all workers of live instances, time-averaged, 0–1.
    pub worker_util: f32,
    pub cpu_util: f32,
    /// Highest instance memory as a fraction of its limit.
    pub mem_max: f32,
    pub pool_busy: u32,
    pub pool_waiting: u32,
    pub pool_timeouts: u32,
    pub pool_open: u32,
    pub instances: InstanceCounts,
    /// (version name, live instances running it).
    pub versions: Vec<(String, u32)>,
    pub waits: Waits,
    /// Requests in the service (queued or running), time-averaged over the window: Little's L.
    pub in_system: f32,
    /// Requests queued or running at the window's end whose caller has already given up
    /// (the instance queue has no timeout, so they wait on).
    pub abandoned: u32,
    /// Requests finished in the window after their caller had given up.
    pub abandoned_done: u32,
    /// Requests that took a pathological path (`PathologicalInput`) in the window.
    pub pathological: u32,
    /// Failed health checks in the window.
    pub health_failures: u32,
    /// Threads each instance holds for its peers, at the window's end (0 without `peers`).
    pub threads: u32,
}

/// Waits inside one service in one window, of the requests that got what they waited for:
/// a worker (queue) and a pool connection, milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Waits {
    pub queue_p50_ms: f32,
    pub queue_p99_ms: f32,
    pub pool_p50_ms: f32,
    pub pool_p99_ms: f32,
    /// Connections handed out (the count behind the pool percentiles).
    pub pool_acquired: u32,
}

/// One service's calls to one dependency.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DepStats {
    /// Attempts (tries) and their outcomes.
    pub red: Red,
    pub calls: u32,
    pub retries: u32,
    pub attempts_per_call: f32,
    pub breaker: BreakerState,
    pub short_circuited: u32,
    pub budget_denied: u32,
    pub duplicates: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DbStats {
    pub red: Red,
    /// Busy cores over all cores, time-averaged, 0–1.
    pub load: f32,
    pub queue: u32,
    pub connections: u32,
    pub max_connections: u32,
    pub up: bool,
    /// Connections in use over all pools, time-averaged over the window.
    pub conns_busy: f32,
    /// Writes lost by failovers in this window (the promoted replica had not applied them).
    pub lost_writes: u32,
    /// Reads served by a replica that had not applied a write to the row they read.
    pub stale_reads: u32,
    /// Writes accepted while two primaries accepted writes (split brain).
    pub conflicting_writes: u32,
    /// Replicas and run totals; absent (and not in the JSON) without replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication: Option<ReplicationStats>,
}

/// The database's replicas in one window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplicationStats {
    /// The node serving as the primary (`database.name`, or the replica promoted), and its
    /// round trip from the services.
    pub primary: String,
    pub primary_rtt_ms: f32,
    /// The old primary an unfenced failover left behind, while it holds writes the primary
    /// lacks and lacks the primary's (`database.restore` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged: Option<String>,
    /// Writes only the old primary holds (on it, or saved from it until a restore replays them).
    pub old_side_writes: u64,
    /// Writes the primary took since the split that the diverged node lacks: what a fail-back
    /// would discard.
    pub new_side_writes: u64,
    /// A rebuild from backup under way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreStats>,
    /// The largest replica lag, seconds.
    pub lag_s: f32,
    pub lost_writes_total: u64,
    pub conflicting_writes_total: u64,
    pub stale_reads_total: u64,
    /// Two primaries accept writes.
    pub split_brain: bool,
    /// A `PrimaryPartition` holds.
    pub partitioned: bool,
    /// In the order of `database.replicas`.
    pub replicas: Vec<ReplicaStats>,
}

/// A rebuild from backup at the end of a window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RestoreStats {
    /// The node being rebuilt.
    pub node: String,
    /// Share of the backup copied, 0–1 (1 once it replicates).
    pub progress: f32,
    /// The copy is done and the node is applying the writes since the backup.
    pub catching_up: bool,
}

/// One replica at the end of a window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplicaStats {
    /// The node in this slot (a failover swaps the primary into the promoted one's).
    pub node: String,
    /// Age of the oldest write it has not applied, seconds (0 when caught up).
    pub lag_s: f32,
    /// Writes it has not applied.
    pub unapplied: u64,
    /// Reads it ran in the window, and how many of them were stale.
    pub reads: u32,
    pub stale_reads: u32,
    /// Busy cores over cores, time-averaged.
    pub load: f32,
    pub queue: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CacheStats {
    pub hits: u32,
    pub misses: u32,
    pub hit_ratio: f32,
    pub warmth: f32,
    /// Most concurrent recomputations of the hot key in the window.
    pub stampede: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ThirdPartyStats {
    pub red: Red,
    pub status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SloStats {
    pub good: u32,
    pub total: u32,
    pub slow: u32,
    /// Fraction of the period's error budget left.
    pub budget_left: f64,
    pub burn_1h: f32,
    pub burn_5m: f32,
}

/// One message queue: its backlog (consumer lag) and what happened to messages.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueueStats {
    /// Messages not yet processed (visible + in flight) at the end of the window.
    pub depth: u32,
    pub visible: u32,
    pub in_flight: u32,
    /// Age of the oldest message not yet processed, seconds (0 when empty).
    pub age_s: f32,
    pub enqueued: u32,
    /// Messages processed for the first time.
    pub processed: u32,
    /// Receives after a message's first.
    pub redelivered: u32,
    /// Processings after a message's first, by a non-idempotent consumer.
    pub duplicates: u32,
    pub dead_lettered: u32,
    pub expired: u32,
    /// Messages in the dead-letter queue so far.
    pub dlq: u64,
    /// Consumer loops holding a message, and consumer loops (per instance × in rotation).
    pub consumers_busy: u32,
    pub consumers: u32,
}

/// Everything measured in one window (one second of sim time by default).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Window {
    /// Window start, whole seconds since the scenario start.
    pub t: u32,
    pub edge: EdgeStats,
    pub services: Vec<ServiceStats>,
    /// `deps[service][dep]`.
    pub deps: Vec<Vec<DepStats>>,
    pub db: Option<DbStats>,
    pub caches: Vec<CacheStats>,
    pub third_parties: Vec<ThirdPartyStats>,
    pub slo: SloStats,
    /// Components whose monitoring was blind this window (their metrics are not observable).
    pub blind: Vec<Component>,
    /// Monitoring delay in whole seconds (what the dashboards lag behind).
    pub lag_s: u32,
    /// The responders' tools that were down at the window's end.
    pub tools_down: Vec<crate::sim::model::spec::Tool>,
    /// Message queues, in scenario order (absent from the JSON when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueStats>,
    /// What this window's harm cost the business, in the scenario's currency (0 when the
    /// scenario sets no costs).
    pub business_cost: f64,
}

/// Harm to data in one window: side effects that happened twice, writes lost, reads that were
/// stale, writes that conflicted. One place reads them (scoring, costs, reports).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// Non-idempotent requests and calls that took effect twice or more.
    pub duplicates: u32,
    pub lost_writes: u32,
    pub stale_reads: u32,
    pub conflicting_writes: u32,
}

impl Integrity {
    pub fn total(&self) -> u64 {
        u64::from(self.duplicates)
            + u64::from(self.lost_writes)
            + u64::from(self.stale_reads)
            + u64::from(self.conflicting_writes)
    }
}

/// A component of the service map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Component {
    Edge,
    Service(usize),
    Database,
    Cache(usize),
    ThirdParty(usize),
    /// One service's calls to one of its dependencies.
    Dep {
        service: usize,
        dep: usize,
    },
    /// A message queue.
    Queue(usize),
}

/// A number a component reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    Rps,
    ErrorRate,
    Errors,
    P50,
    P90,
    P99,
    P999,
    Timeouts,
    Shed,
    RateLimited,
    QueueDepth,
    InFlight,
    WorkerUtil,
    CpuUtil,
    Memory,
    PoolBusy,
    PoolWaiting,
    PoolTimeouts,
    DbLoad,
    Connections,
    HitRatio,
    BreakerOpen,
    AttemptsPerRequest,
    Ready,
    Duplicates,
    BurnRate1h,
    BurnRate5m,
    BudgetLeft,
    /// p99 of the wait for a worker / a pool connection, ms.
    QueueWaitP99,
    PoolWaitP99,
    /// Requests queued or running whose caller has given up.
    Abandoned,
    /// Requests in the system, time-averaged over the window.
    InSystem,
    /// Requests that took a pathological path.
    Pathological,
    HealthFailures,
    /// Threads per instance for its peers.
    Threads,
    /// Distinct versions the service's live instances run (above 1: version skew).
    Versions,
    /// Database: the largest replica lag, seconds.
    ReplicationLag,
    LostWrites,
    StaleReads,
    ConflictingWrites,
    /// Database: lost writes since the start of the run (for objectives).
    LostWritesTotal,
    ConflictingWritesTotal,
    StaleReadsTotal,
    /// Writes only the diverged old primary holds; writes the primary has that it lacks.
    OldSideWrites,
    NewSideWrites,
    /// Share of a restore's backup copied (no data without a restore under way).
    RestoreProgress,
    /// The serving primary's round trip from the services, ms.
    PrimaryRtt,
    /// Queue: messages not yet processed.
    Backlog,
    /// Queue: age of the oldest message not yet processed, seconds.
    OldestAge,
    Enqueued,
    Processed,
    Redelivered,
    DeadLettered,
    /// Queue: messages in its dead-letter queue.
    DeadLetters,
    Expired,
    /// The window's cost to the business (`business.cost`).
    BusinessCost,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricRef {
    pub component: Component,
    pub metric: Metric,
}

impl Window {
    /// The window's harm to data, from every place that counts it.
    pub fn integrity(&self) -> Integrity {
        let db = self.db.as_ref();
        Integrity {
            duplicates: self.edge.duplicates
                + self.deps.iter().flatten().map(|d| d.duplicates).sum::<u32>()
                + self.queues.iter().map(|q| q.duplicates).sum::<u32>(),
            lost_writes: db.map_or(0, |d| d.lost_writes),
            stale_reads: db.map_or(0, |d| d.stale_reads),
            conflicting_writes: db.map_or(0, |d| d.conflicting_writes),
        }
    }

    pub fn red_of(&self, c: Component) -> Option<&Red> {
        Some(match c {
            Component::Edge => &self.edge.red,
            Component::Service(s) => &self.services.get(s)?.red,
            Component::Database => &self.db.as_ref()?.red,
            Component::ThirdParty(t) => &self.third_parties.get(t)?.red,
            Component::Dep { service, dep } => &self.deps.get(service)?.get(dep)?.red,
            Component::Cache(_) | Component::Queue(_) => return None,
        })
    }

    /// The value of `m` in this window, or `None` when the component does not report it.
    pub fn value(&self, m: MetricRef) -> Option<f64> {
        use Metric as M;
        let c = m.component;
        let red = self.red_of(c);
        let svc = match c {
            Component::Service(s) => self.services.get(s),
            _ => None,
        };
        Some(match m.metric {
            M::Rps => f64::from(red?.requests),
            M::ErrorRate => {
                let r = red?;
                if r.ok + r.errors() == 0 {
                    return None; // nothing finished: no data, not 0 %
                }
                r.error_rate()
            }
            M::Errors => f64::from(red?.errors()),
            // Latency of successful requests: no success in the window is no data, not 0 ms.
            M::P50 | M::P90 | M::P99 | M::P999 if red?.ok == 0 => return None,
            M::P50 => f64::from(red?.p50_ms),
            M::P90 => f64::from(red?.p90_ms),
            M::P99 => f64::from(red?.p99_ms),
            M::P999 => f64::from(red?.p999_ms),
            M::Timeouts => f64::from(red?.timeout),
            M::Shed => f64::from(red?.shed),
            M::RateLimited => f64::from(red?.r429),
            M::QueueDepth => match c {
                Component::Database => f64::from(self.db.as_ref()?.queue),
                _ => f64::from(svc?.queue),
            },
            M::InFlight => f64::from(svc?.in_flight),
            M::WorkerUtil => f64::from(svc?.worker_util),
            M::CpuUtil => f64::from(svc?.cpu_util),
            M::Memory => f64::from(svc?.mem_max),
            M::PoolBusy => f64::from(svc?.pool_busy),
            M::PoolWaiting => f64::from(svc?.pool_waiting),
            M::PoolTimeouts => f64::from(svc?.pool_timeouts),
            M::DbLoad => f64::from(self.db.as_ref()?.load),
            M::Connections => f64::from(self.db.as_ref()?.connections),
            M::HitRatio => match c {
                // No lookups, no ratio: an idle cache is not a cold one.
                Component::Cache(i) => {
                    let c = self.caches.get(i)?;
                    if c.hits + c.misses == 0 {
                        return None;
                    }
                    f64::from(c.hit_ratio)
                }
                _ => return None,
            },
            M::BreakerOpen => match c {
                Component::Dep { service, dep } => {
                    let open = self.deps.get(service)?.get(dep)?.breaker != BreakerState::Closed;
                    f64::from(u8::from(open))
                }
                _ => return None,
            },
            M::AttemptsPerRequest => match c {
                Component::Edge => f64::from(self.edge.attempts_per_request),
                Component::Dep { service, dep } => f64::from(self.deps.get(service)?.get(dep)?.attempts_per_call),
                _ => return None,
            },
            M::Ready => f64::from(svc?.instances.in_rotation),
            M::Duplicates => match c {
                Component::Edge => f64::from(self.edge.duplicates),
                Component::Dep { service, dep } => f64::from(self.deps.get(service)?.get(dep)?.duplicates),
                Component::Queue(q) => f64::from(self.queues.get(q)?.duplicates),
                _ => return None,
            },
            M::ReplicationLag
            | M::LostWrites
            | M::StaleReads
            | M::ConflictingWrites
            | M::LostWritesTotal
            | M::ConflictingWritesTotal
            | M::StaleReadsTotal
            | M::OldSideWrites
            | M::NewSideWrites
            | M::RestoreProgress
            | M::PrimaryRtt => {
                let db = self.db.as_ref()?;
                let rep = db.replication.as_ref()?;
                match m.metric {
                    M::ReplicationLag => f64::from(rep.lag_s),
                    M::LostWrites => f64::from(db.lost_writes),
                    M::StaleReads => f64::from(db.stale_reads),
                    M::ConflictingWrites => f64::from(db.conflicting_writes),
                    M::LostWritesTotal => rep.lost_writes_total as f64,
                    M::ConflictingWritesTotal => rep.conflicting_writes_total as f64,
                    M::OldSideWrites => rep.old_side_writes as f64,
                    M::NewSideWrites => rep.new_side_writes as f64,
                    M::RestoreProgress => f64::from(rep.restore.as_ref()?.progress),
                    M::PrimaryRtt => f64::from(rep.primary_rtt_ms),
                    _ => rep.stale_reads_total as f64,
                }
            }
            M::Backlog
            | M::OldestAge
            | M::Enqueued
            | M::Processed
            | M::Redelivered
            | M::DeadLettered
            | M::DeadLetters
            | M::Expired => {
                let Component::Queue(q) = c else { return None };
                let qs = self.queues.get(q)?;
                match m.metric {
                    M::Backlog => f64::from(qs.depth),
                    M::OldestAge => f64::from(qs.age_s),
                    M::Enqueued => f64::from(qs.enqueued),
                    M::Processed => f64::from(qs.processed),
                    M::Redelivered => f64::from(qs.redelivered),
                    M::DeadLettered => f64::from(qs.dead_lettered),
                    M::DeadLetters => qs.dlq as f64,
                    _ => f64::from(qs.expired),
                }
            }
            M::BurnRate1h => f64::from(self.slo.burn_1h),
            M::BurnRate5m => f64::from(self.slo.burn_5m),
            M::BudgetLeft => self.slo.budget_left,
            M::QueueWaitP99 => f64::from(svc?.waits.queue_p99_ms),
            M::PoolWaitP99 if svc?.waits.pool_acquired == 0 => return None,
            M::PoolWaitP99 => f64::from(svc?.waits.pool_p99_ms),
            M::Abandoned => f64::from(svc?.abandoned),
            M::InSystem => f64::from(svc?.in_system),
            M::Pathological => f64::from(svc?.pathological),
            M::HealthFailures => f64::from(svc?.health_failures),
            M::Threads => f64::from(svc?.threads),
            M::Versions => svc?.versions.len() as f64,
            M::BusinessCost => self.business_cost,
        })
    }

    /// Whether monitoring could see `c` in this window.
    pub fn observed(&self, c: Component) -> bool {
        let base = match c {
            Component::Dep { service, .. } => Component::Service(service),
            other => other,
        };
        !self.blind.contains(&c) && !self.blind.contains(&base)
    }
}

/// The value of `m` over a range of windows, the way a monitoring query over a range would
/// compute it: ratios from summed counts, latency percentiles weighted by request count,
/// rates and gauges averaged, burn rates and budget as of the last window. `None` when the
/// range has no data for it.
pub fn aggregate(ws: &[Window], m: MetricRef) -> Option<f64> {
    use Metric as M;
    let last = ws.last()?;
    match m.metric {
        M::ErrorRate => {
            let (mut err, mut done) = (0u64, 0u64);
            for w in ws {
                let r = w.red_of(m.component)?;
                err += u64::from(r.errors());
                done += u64::from(r.ok + r.errors());
            }
            (done > 0).then(|| err as f64 / done as f64)
        }
        M::P50 | M::P90 | M::P99 | M::P999 => {
            let (mut sum, mut n) = (0.0, 0u64);
            for w in ws {
                let ok = w.red_of(m.component)?.ok;
                if ok > 0 {
                    sum += w.value(m)? * f64::from(ok);
                    n += u64::from(ok);
                }
            }
            (n > 0).then(|| sum / n as f64)
        }
        M::BreakerOpen => ws.iter().filter_map(|w| w.value(m)).reduce(f64::max),
        M::BurnRate1h | M::BurnRate5m | M::BudgetLeft => last.value(m),
        _ => {
            let vals: Vec<f64> = ws.iter().filter_map(|w| w.value(m)).collect();
            (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
        }
    }
}

impl Metric {
    /// Unit suffix for display.
    pub fn unit(self) -> &'static str {
        use Metric as M;
        match self {
            M::Rps => "rps",
            M::P50 | M::P90 | M::P99 | M::P999 | M::QueueWaitP99 | M::PoolWaitP99 => "ms",
            M::ErrorRate | M::WorkerUtil | M::CpuUtil | M::Memory | M::DbLoad | M::HitRatio | M::BudgetLeft => "%",
            M::BurnRate1h | M::BurnRate5m | M::AttemptsPerRequest => "x",
            M::OldestAge | M::ReplicationLag => "s",
            M::BusinessCost => "/s",
            _ => "",
        }
    }
}
