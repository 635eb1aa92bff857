//! The engine's state: the entities in flight (calls, attempts, jobs), the components
//! (instances, pools, database, caches, third parties, edge), and the event kinds. The
//! behaviour lives in sibling modules as `impl Sim` blocks, one concern each.

use super::kernel::queue::EventQueue;
use super::kernel::rng::{Stream, StreamId};
use super::kernel::slab::{Key, Slab};
use super::kernel::time::{Dur, SimTime};
use super::model::command::{Command, Severity};
use super::model::spec::{CallPolicy, SimSpec, Target};
use super::observe::acc::{Integrator, RedAcc, Totals};
use super::observe::events::Event;
use super::observe::logs::Logs;
use super::observe::metric::Window;
use super::request::outcome::Outcome;
use super::request::trace::Traces;
use super::resources::breaker::Breaker;
use super::resources::bucket::{Budget, TokenBucket};
use std::collections::VecDeque;
use std::sync::Arc;

/// Something scheduled to happen.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    Arrival,
    Abuse {
        source: u16,
    },
    Window,
    Tick,
    Backoff {
        call: Key,
    },
    AttemptTimeout {
        att: Key,
    },
    /// A third party's answer arrives (the outcome is stored on the attempt).
    Reply {
        att: Key,
    },
    /// A service call reaches the callee after added network latency.
    Deliver {
        att: Key,
    },
    JobStep {
        job: Key,
    },
    QueryDone {
        att: Key,
        background: bool,
    },
    PoolTimeout {
        att: Key,
    },
    HealthCheck {
        svc: u16,
        inst: u32,
        life: u32,
    },
    StartupDone {
        svc: u16,
        inst: u32,
        life: u32,
    },
    RestartDue {
        svc: u16,
        inst: u32,
        life: u32,
    },
    DrainTimeout {
        svc: u16,
        inst: u32,
        life: u32,
    },
    Timeline {
        idx: u32,
    },
    FaultEnd {
        idx: u32,
    },
    Deferred {
        idx: u32,
    },
    TeamArrives {
        idx: u32,
    },
    FailoverDone,
    FakeAlertEnd {
        idx: u32,
    },
}

/// Who is waiting for a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A user's client (the call is the user's request, retries included).
    User,
    Job(Key),
    Health {
        svc: u16,
        inst: u32,
        life: u32,
    },
}

/// Whose policy governs a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    Client,
    Dep { svc: u16, dep: u16 },
    Health { svc: u16 },
}

/// One logical call: the first try and its retries.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub origin: Origin,
    pub site: Site,
    pub started: SimTime,
    pub deadline: SimTime,
    pub tries: u16,
    pub prev_backoff: Dur,
    /// Tries whose side effect happened at the callee.
    pub effects: u8,
    /// Attempts still allocated.
    pub live: u16,
    pub done: bool,
    pub trace: u32,
    /// Callee endpoint (service targets) or number of queries (database).
    pub endpoint: u16,
    pub queries: u32,
    /// Where the call was made from (service, endpoint, step), for per-step query times.
    pub from: (u16, u16, u16),
    /// 0 for ordinary users, k for abusive client k.
    pub client: u16,
    /// A retried try that duplicates a side effect counts as a duplicate.
    pub counts_duplicates: bool,
    /// Nesting depth in the request tree (for trace indentation).
    pub depth: u8,
}

/// Where a try is being served.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Via {
    /// On the wire to a service (network latency).
    InFlight,
    Job,
    Db {
        svc: u16,
        inst: u32,
        life: u32,
        remaining: u32,
        waiting: bool,
        conn: bool,
    },
    ThirdParty(u16),
    /// Answered at once (rejected, short-circuited) or never (black hole).
    Nowhere,
}

/// One try of a call.
#[derive(Clone, Debug)]
pub(crate) struct Attempt {
    pub call: Key,
    pub sent: SimTime,
    /// The caller has its answer (a reply or its own timeout).
    pub resolved: bool,
    /// The callee has finished with it (or never will do anything more).
    pub target_done: bool,
    pub trial: bool,
    /// A scheduled third-party answer.
    pub pending: Outcome,
    pub via: Via,
    pub target: Option<Target>,
    pub timeout: Dur,
    pub pool_asked: SimTime,
}

/// A request being served by one instance.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub svc: u16,
    pub inst: u32,
    pub life: u32,
    pub endpoint: u16,
    pub pc: u16,
    pub next_pc: u16,
    pub att: Key,
    pub deadline: SimTime,
    pub arrived: SimTime,
    pub running: bool,
    pub in_cpu: bool,
    /// This job is recomputing the hot key of this cache.
    pub hot_fill: Option<u16>,
    pub hot_wait: bool,
    pub trace: u32,
    pub span_start: SimTime,
    pub depth: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum InstState {
    Starting,
    Ready,
    Draining,
    Stopped,
    Crashed,
}

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
}

impl Inst {
    pub fn outstanding(&self) -> u32 {
        self.queue.len() as u32 + self.busy
    }
    pub fn live(&self) -> bool {
        matches!(self.state, InstState::Starting | InstState::Ready | InstState::Crashed)
    }
}

/// A service's runtime config (what config pushes change).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SvcConfig {
    pub pool_size: u32,
    pub deps: Vec<CallPolicy>,
    pub breaker_on: Vec<bool>,
    pub deadlines: bool,
    pub queue_limit: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    pub to: usize,
    pub batch: u32,
    pub by: String,
    pub paused: bool,
    /// Instances (by index) this rollout replaces.
    pub replace: Vec<u32>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct DepAcc {
    pub red: RedAcc,
    pub calls: u32,
    pub retries: u32,
    pub short_circuited: u32,
    pub budget_denied: u32,
    pub duplicates: u32,
    pub calls_done: u32,
    pub attempts_done: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct SvcAcc {
    pub red: RedAcc,
    pub queue_max: u32,
    pub pool_timeouts: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct SvcState {
    pub insts: Vec<Inst>,
    pub rotation: Vec<u32>,
    pub rr: usize,
    pub desired: u32,
    pub version: usize,
    pub prev_version: Option<usize>,
    pub cfg: SvcConfig,
    pub cfg_history: Vec<SvcConfig>,
    pub breakers: Vec<Breaker>,
    pub budgets: Vec<Option<Budget>>,
    pub rollout: Option<Rollout>,
    pub outage: u32,
    pub error_rate: f64,
    pub extra_latency: Dur,
    pub cpu_hog: f64,
    pub leak_mb_s: f64,
    pub conn_leak_per_s: f64,
    pub partitions: Vec<(Target, f64)>,
    pub acc: SvcAcc,
    pub dep_acc: Vec<DepAcc>,
    /// Instance-seconds accumulated above the starting count (scaling cost).
    pub extra_instance_s: f64,
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
    pub busy_int: Integrator,
    pub red: RedAcc,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct CacheState {
    pub warmth: f64,
    pub hot_present: bool,
    pub hot_filling: u32,
    pub hot_waiters: Vec<Key>,
    pub warming_until: SimTime,
    pub hits: u32,
    pub misses: u32,
    pub stampede_max: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct TpState {
    pub down: u32,
    pub blackhole: u32,
    pub cert_expired: bool,
    pub limit: Option<TokenBucket>,
    pub quota_cut: Option<TokenBucket>,
    pub error_rate: f64,
    pub extra: Dur,
    pub red: RedAcc,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct EdgeState {
    pub rate_limit: Option<TokenBucket>,
    pub shed: f64,
    pub blocked: Vec<u16>,
    pub cert_expired: bool,
    pub red: RedAcc,
    pub users: u32,
    pub users_ok: u32,
    pub users_failed: u32,
    pub user_tries: u32,
    pub duplicates: u32,
    pub blocked_count: u32,
    pub next_user: u64,
    pub spike: f64,
    /// Abusive clients: (name, rate, active faults driving it).
    pub abusers: Vec<(String, f64, u32)>,
    pub slo_good: u32,
    pub slo_total: u32,
    pub slo_slow: u32,
}

/// Timeline entry progress.
#[derive(Clone, Debug, Default)]
pub(crate) struct TlState {
    pub fired: Option<SimTime>,
    pub active: bool,
    pub cleared: Option<SimTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AlertPhase {
    Inactive,
    Pending(SimTime),
    Firing(SimTime),
}

#[derive(Clone, Debug)]
pub(crate) struct AlertState {
    pub phase: AlertPhase,
    pub acked: bool,
}

/// The incident as the player runs it.
#[derive(Clone, Debug, Default)]
pub struct Incident {
    pub declared: Option<(SimTime, Severity)>,
    pub updates: Vec<SimTime>,
    pub next_update_due: Option<SimTime>,
    pub resolved: Option<SimTime>,
}

/// Why the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EndReason {
    TimeUp,
    ObjectivesMet,
    Resolved,
}

/// A submitted command and what became of it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CommandRecord {
    pub at: SimTime,
    pub command: Command,
    /// `None` if applied; the reason if rejected.
    pub rejected: Option<String>,
    pub effective_at: SimTime,
}

/// Per-subsystem random streams.
#[derive(Clone, Debug)]
pub(crate) struct Rngs {
    pub arrivals: Stream,
    pub routing: Stream,
    pub service: Stream,
    pub deps: Stream,
    pub retry: Stream,
    pub faults: Stream,
}

impl Rngs {
    pub fn new(seed: u64) -> Self {
        Rngs {
            arrivals: Stream::new(seed, StreamId::Arrivals),
            routing: Stream::new(seed, StreamId::Routing),
            service: Stream::new(seed, StreamId::Service),
            deps: Stream::new(seed, StreamId::Deps),
            retry: Stream::new(seed, StreamId::Retry),
            faults: Stream::new(seed, StreamId::Faults),
        }
    }
}

/// The simulation. See the module docs of `sim` for the contract.
pub struct Sim {
    pub(crate) spec: Arc<SimSpec>,
    pub(crate) seed: u64,
    pub(crate) now: SimTime,
    pub(crate) q: EventQueue<Ev>,
    pub(crate) rng: Rngs,
    pub(crate) calls: Slab<Call>,
    pub(crate) attempts: Slab<Attempt>,
    pub(crate) jobs: Slab<Job>,
    pub(crate) svcs: Vec<SvcState>,
    pub(crate) db: DbState,
    pub(crate) caches: Vec<CacheState>,
    pub(crate) tps: Vec<TpState>,
    pub(crate) edge: EdgeState,
    pub(crate) flags: Vec<bool>,
    pub(crate) client_policy: CallPolicy,
    pub(crate) client_budget: Option<Budget>,
    pub(crate) timeline: Vec<TlState>,
    pub(crate) alerts: Vec<AlertState>,
    pub(crate) fake_alerts: Vec<(String, super::model::rules::AlertSeverity, String, AlertPhase)>,
    pub(crate) incident: Incident,
    pub(crate) commands: Vec<CommandRecord>,
    pub(crate) deferred: Vec<Command>,
    pub(crate) hints_given: usize,
    pub(crate) blind: Vec<(usize, Option<super::observe::metric::Component>)>,
    pub(crate) lag: Vec<(usize, Dur)>,
    pub(crate) objectives_met: Vec<Option<SimTime>>,
    pub(crate) objectives_now: Vec<bool>,
    pub(crate) windows: Vec<Window>,
    /// Cumulative (good, total) SLO events at each window end, for burn rates.
    pub(crate) slo_cum: Vec<(u64, u64)>,
    pub(crate) slo_bad_total: u64,
    pub(crate) events: Vec<Event>,
    pub(crate) logs: Logs,
    pub(crate) traces: Traces,
    pub(crate) totals: Totals,
    pub(crate) ended: Option<(SimTime, EndReason)>,
    /// The arrival process of the current one-second segment.
    pub(crate) arrival_seg: super::request::traffic::Segment,
    pub(crate) pumping: bool,
    pub(crate) rollout_busy: bool,
    pub(crate) rollout_pending: Vec<usize>,
    pub(crate) pump_list: Vec<(usize, usize)>,
    pub(crate) bg_query_acc: f64,
}
