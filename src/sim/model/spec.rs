//! The validated model the engine runs: topology, traffic, versions and flags, with every
//! cross-reference resolved to an index. Built by `scenario` (or directly in tests); the
//! engine never re-checks it, so every invariant listed here is the validator's job.

pub use super::assess::{Business, HarmCounts, Lifecycle};
use super::rules::{AlertRule, Objective, TimelineEntry};
use crate::sim::kernel::dist::Dist;
use crate::sim::kernel::time::{Dur, SimTime};
use serde::Serialize;

/// Everything the engine needs to run a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct SimSpec {
    /// The run ends here at the latest.
    pub duration: Dur,
    pub traffic: Traffic,
    pub edge: Edge,
    /// Non-empty; `entry` indexes it.
    pub services: Vec<Service>,
    /// The service the edge routes user requests to.
    pub entry: usize,
    pub database: Option<Database>,
    pub caches: Vec<Cache>,
    pub third_parties: Vec<ThirdParty>,
    pub queues: Vec<super::queue::Queue>,
    /// Every version any service can run; `Service::version` indexes it.
    pub versions: Vec<Version>,
    pub flags: Vec<Flag>,
    pub slo: Slo,
    pub alerts: Vec<AlertRule>,
    pub timeline: Vec<TimelineEntry>,
    pub objectives: Vec<Objective>,
    /// How the incident ends: when the cause counts as removed, and whether the run ends by
    /// itself once the service is stable.
    pub lifecycle: Lifecycle,
    /// What harm costs the business, per unit; `None` when the scenario sets no costs.
    pub business: Option<Business>,
    pub teams: Vec<Team>,
    /// Shown one at a time when the player asks for a hint.
    pub hints: Vec<String>,
    pub logs: LogLimits,
    /// The responders' tools that depend on a component of the system.
    pub tooling: Vec<ToolDep>,
}

/// Offered user load: open-loop Poisson arrivals at `base_rps × shape(t) × spikes(t)`.
#[derive(Clone, Debug, Serialize)]
pub struct Traffic {
    pub base_rps: f64,
    pub shape: Shape,
    pub spikes: Vec<Spike>,
    /// How users' clients behave: their timeout and whether they retry.
    pub client: CallPolicy,
    /// Closed-loop users besides the open-loop arrivals.
    pub closed: Option<super::load::ClosedLoop>,
}

#[derive(Clone, Debug, Serialize)]
pub enum Shape {
    Flat,
    /// `1 + amplitude · cos(2π (t − peak_at) / period)`.
    Diurnal {
        period: Dur,
        amplitude: f64,
        peak_at: Dur,
    },
    /// Piecewise-linear multiplier through `(time, factor)` points, flat beyond the ends.
    Points(Vec<(SimTime, f64)>),
}

/// A temporary multiplier on the arrival rate.
#[derive(Clone, Debug, Serialize)]
pub struct Spike {
    pub at: SimTime,
    pub duration: Dur,
    pub factor: f64,
}

/// The public load balancer in front of the entry service.
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub rate_limit: Option<Bucket>,
    /// Fraction of arrivals rejected at the edge (player-controlled load shedding).
    pub shed_fraction: f64,
}

/// A token bucket: `rate` tokens per second, holding at most `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bucket {
    pub rate: f64,
    pub burst: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Balance {
    RoundRobin,
    LeastOutstanding,
}

/// One service: identical instances behind an internal balancer.
#[derive(Clone, Debug, Serialize)]
pub struct Service {
    pub name: String,
    pub instances: u32,
    /// Worker threads per instance; a request holds one for its whole life.
    pub workers: u32,
    /// Requests waiting beyond this are rejected (503, class "shed"); `None` = unbounded.
    pub queue_limit: Option<u32>,
    /// CPU cores per instance; more CPU-bound work than cores stretches every CPU step.
    pub cores: f64,
    pub startup: Dur,
    pub version: usize,
    pub memory: Memory,
    /// Weighted user-facing endpoints, then the health-check endpoint (weight 0).
    pub endpoints: Vec<Endpoint>,
    pub health_endpoint: usize,
    pub pool: Option<Pool>,
    pub deps: Vec<Dep>,
    pub health: Health,
    pub balance: Balance,
    pub deadline_propagation: bool,
    pub max_instances: u32,
    /// Instances that start on another version than `version`: (version, how many), taken
    /// from the last instances.
    pub skew: Vec<(usize, u32)>,
    /// Endpoints whose plan a version replaces: requests to `endpoint` on an instance running
    /// `version` (while its behaviour is active) run the plan of endpoint `plan` (hidden,
    /// weight 0, after the health endpoint).
    pub variants: Vec<Variant>,
    /// Build time before a deploy or rollback the player starts reaches any instance.
    pub pipeline: Pipeline,
    /// Threads each instance holds for its peers, under an OS limit.
    pub peers: Option<PeerThreads>,
    /// Service time that grows with the requests in service on an instance.
    pub contention: Option<super::load::Contention>,
}

/// A version's replacement for one endpoint's plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    pub version: usize,
    pub endpoint: usize,
    pub plan: usize,
}

/// How long a service's deploy pipeline builds before a rollout starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    pub deploy: Dur,
    pub rollback: Dur,
}

/// A resource that grows with the fleet (Kinesis, November 2020): each instance holds `base`
/// threads plus `per_peer` for every other instance of the service that is up; above `limit`
/// it cannot create the threads it needs and fails every request and health check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PeerThreads {
    pub base: u32,
    pub per_peer: u32,
    pub limit: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct Memory {
    pub limit_mb: f64,
    pub baseline_mb: f64,
    pub per_inflight_mb: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Endpoint {
    pub name: String,
    pub weight: f64,
    pub plan: Vec<Step>,
}

/// One instruction of an endpoint's call plan, executed in order by the worker.
#[derive(Clone, Debug, Serialize)]
pub enum Step {
    /// CPU work, stretched by CPU contention, GC pressure and the version's latency factor.
    Cpu(Dist),
    /// Time the request holds its worker but no core (a lock, a sleep, I/O not modelled).
    Wait(Dist),
    /// Put a message on a queue (at once; the broker is not modelled as failing).
    Enqueue { queue: usize },
    /// Look up a cache; on a hit skip the next `skip` steps (the miss path and its fill).
    CacheGet { cache: usize, skip: u16 },
    /// A successful miss path refills the cache.
    CacheFill { cache: usize },
    /// Call a dependency through the service's policy for it. For the database, `queries`
    /// run on one pooled connection. `optional` calls degrade instead of failing the request.
    /// With `flag`, the step runs only while that flag is on. A `read_only` database step
    /// runs on a replica when there are replicas. A `repeats` database step's queries repeat a
    /// side effect already done (orders for a parent already filled): each query of a try
    /// that completes is counted as a duplicate.
    Call {
        dep: usize,
        queries: u32,
        query: Option<Dist>,
        optional: bool,
        flag: Option<usize>,
        read_only: bool,
        repeats: bool,
    },
}

/// A dependency as seen from one service, with its call policy.
#[derive(Clone, Debug, Serialize)]
pub struct Dep {
    pub target: Target,
    pub policy: CallPolicy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Target {
    Database,
    Service(usize),
    ThirdParty(usize),
}

/// How a caller calls: timeout, retries, breaker, idempotency.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallPolicy {
    pub timeout: Dur,
    pub retry: RetryPolicy,
    pub breaker: Option<BreakerSpec>,
    /// Retrying a non-idempotent call whose earlier attempt took effect duplicates the
    /// side effect unless the call carries an idempotency key.
    pub idempotent: bool,
    pub idempotency_key: bool,
    /// Network delay drawn independently for the request and for the response of each try;
    /// it holds nothing and counts toward the try's timeout.
    pub network: Option<Dist>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetryPolicy {
    /// Total tries, the first included (1 = no retries).
    pub max_attempts: u32,
    pub backoff: Backoff,
    pub base: Dur,
    pub cap: Dur,
    pub budget: Option<RetryBudget>,
}

impl RetryPolicy {
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            backoff: Backoff::Full,
            base: Dur::from_millis(100),
            cap: Dur::from_secs(10),
            budget: None,
        }
    }
}

/// Backoff between tries, `expo(n) = min(cap, base · 2ⁿ)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Backoff {
    /// Retry at once.
    None,
    /// `expo(n)`, no jitter: clients stay in lock-step.
    Exponential,
    /// `U(0, expo(n))`.
    Full,
    /// `expo(n)/2 + U(0, expo(n)/2)`.
    Equal,
    /// `min(cap, U(base, 3 · previous))`.
    Decorrelated,
}

/// gRPC-style retry throttle: tokens in `[0, max]`, −1 per failure, +`ratio` per success;
/// retries allowed only while tokens > max/2.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RetryBudget {
    pub max_tokens: f64,
    pub ratio: f64,
}

/// Circuit-breaker parameters: Hystrix-style (a time window read at health snapshots) or,
/// with `window_calls`, resilience4j-style (the last N calls). See `resources/breaker`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BreakerSpec {
    pub window: Dur,
    /// How often the health snapshot the decision reads is taken (Hystrix: 500 ms).
    pub snapshot: Dur,
    pub min_volume: u32,
    pub error_threshold: f64,
    pub open_for: Dur,
    pub half_open_trials: u32,
    /// A count-based window of the last N calls instead of the time window.
    pub window_calls: Option<u32>,
}

impl Default for BreakerSpec {
    fn default() -> Self {
        BreakerSpec {
            window: Dur::from_secs(10),
            snapshot: Dur::from_millis(500),
            min_volume: 20,
            error_threshold: 0.5,
            open_for: Dur::from_secs(5),
            half_open_trials: 1,
            window_calls: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Pool {
    pub size: u32,
    pub acquire_timeout: Dur,
}

/// Load-balancer health checks. A check runs an endpoint's plan (the hidden health endpoint,
/// or a named one: a deep check on the home page) either through the same queue and workers
/// as real traffic (`Lane::Shared`) or on a lane of its own.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Health {
    pub interval: Dur,
    pub timeout: Dur,
    pub unhealthy_threshold: u32,
    pub healthy_threshold: u32,
    /// A liveness probe: restart the instance after this many consecutive failures.
    pub restart_after: Option<u32>,
    /// The endpoint whose plan the check runs.
    pub endpoint: usize,
    pub lane: Lane,
    /// A disabled check leaves every ready instance in rotation.
    pub enabled: bool,
}

/// Where a health check waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Lane {
    /// In the instance's queue, then on one of its workers, like any request.
    Shared,
    /// On its own thread: no queue, no worker (it still needs the CPU).
    Separate,
}

/// One primary database (an M/M/k server behind a global connection limit).
#[derive(Clone, Debug, Serialize)]
pub struct Database {
    pub cores: u32,
    pub max_connections: u32,
    pub query: Dist,
    /// How long queries fail while a failover promotes the replica.
    pub failover_window: Dur,
    /// Read replicas and failover behaviour (no replicas: a single primary, as before).
    pub replication: super::replication::Replication,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cache {
    pub name: String,
    /// Hit probability when fully warm.
    pub hit_ratio: f64,
    /// Working-set size: each successful fill warms the cache by 1/keys.
    pub keys: f64,
    pub ttl: Option<Dur>,
    pub lookup: Dur,
    pub hot_key: Option<HotKey>,
}

/// A single very popular key; when it expires every request for it misses at once.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct HotKey {
    pub share: f64,
    pub single_flight: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ThirdParty {
    pub name: String,
    pub latency: Dist,
    pub error_rate: f64,
    pub rate_limit: Option<Bucket>,
}

/// A build of a service, with the behaviour it brings.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    pub name: String,
    pub error_rate: f64,
    pub latency_factor: f64,
    pub leak_mb_per_s: f64,
    /// Added to every database step's query count (the N+1 bug).
    pub extra_queries: u32,
    pub crash_on_start: bool,
    /// The version's bad behaviour shows only while this flag is on.
    pub requires_flag: Option<usize>,
    /// The version's calls carry no idempotency keys: retried non-idempotent calls can take
    /// effect twice.
    pub drops_idempotency_keys: bool,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flag {
    pub name: String,
    pub on: bool,
    pub effects: Vec<FlagEffect>,
}

/// What a flag does to one service's endpoints while it is on.
#[derive(Clone, Debug, Serialize)]
pub struct FlagEffect {
    pub service: usize,
    /// Empty = every endpoint.
    pub endpoints: Vec<usize>,
    pub error_rate: f64,
    pub latency_factor: f64,
    pub extra_queries: u32,
}

/// Service-level objective on user requests at the edge.
#[derive(Clone, Debug, Serialize)]
pub struct Slo {
    /// e.g. 0.999
    pub availability: f64,
    /// A successful request slower than this is "slow".
    pub latency_threshold: Option<Dur>,
    /// Fraction of requests that must be fast, e.g. 0.99.
    pub latency_target: f64,
    /// The budget period (30 days by default).
    pub period: Dur,
    /// Fraction of the period's budget left when the scenario starts.
    pub budget_at_start: f64,
}

/// Someone the player can page; they arrive after a while and say something useful.
#[derive(Clone, Debug, Serialize)]
pub struct Team {
    pub name: String,
    pub arrives_after: Dur,
    pub says: String,
}

/// One of the responders' tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub enum Tool {
    /// Where customers read status updates.
    StatusPage,
    /// The pipeline `Deploy` and `Rollback` go through.
    Deploys,
    /// Dashboards and alerts.
    Monitoring,
    /// The access path every command goes through (VPN, bastion, admin console).
    Commands,
}

/// What a tool does while the component it depends on is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ToolEffect {
    /// Commands through it are refused.
    Rejected,
    /// Commands through it take this much longer to take effect.
    Delayed(Dur),
    /// Monitoring sees nothing.
    Blind,
    /// Monitoring lags this far behind.
    Lag(Dur),
}

/// A tool that depends on a component, and what happens to it while that component is down.
#[derive(Clone, Debug, Serialize)]
pub struct ToolDep {
    pub tool: Tool,
    pub depends_on: crate::sim::observe::metric::Component,
    /// When the component counts as down; `None`: when at least half of its requests failed
    /// in the last window or (a service) none of its instances is in rotation.
    pub down_when: Option<super::rules::Condition>,
    pub effect: ToolEffect,
}

/// Caps on generated log lines.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LogLimits {
    /// Lines of one kind from one component per one-second window; the rest are counted.
    pub per_kind_per_window: u32,
    /// Lines kept in memory.
    pub keep: usize,
}

impl Default for LogLimits {
    fn default() -> Self {
        LogLimits { per_kind_per_window: 3, keep: 5_000 }
    }
}

impl SimSpec {
    /// Appends `entry` to the timeline as a manual one (its trigger becomes
    /// [`Trigger::Manual`](super::rules::Trigger::Manual)): it fires only when a facilitator
    /// fires it. Its index. A live inject added to a running sim and the same inject written
    /// into the spec before the run both come through here, so the two runs are the same.
    pub fn push_manual(&mut self, mut entry: TimelineEntry) -> usize {
        entry.trigger = super::rules::Trigger::Manual;
        self.timeline.push(entry);
        self.timeline.len() - 1
    }

    pub fn service_index(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s.name == name)
    }
    pub fn version_index(&self, name: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.name == name)
    }
    pub fn flag_index(&self, name: &str) -> Option<usize> {
        self.flags.iter().position(|f| f.name == name)
    }
    pub fn cache_index(&self, name: &str) -> Option<usize> {
        self.caches.iter().position(|c| c.name == name)
    }
    pub fn third_party_index(&self, name: &str) -> Option<usize> {
        self.third_parties.iter().position(|t| t.name == name)
    }
    /// The display name of what `target` points at.
    pub fn target_name(&self, target: Target) -> &str {
        match target {
            Target::Database => "db",
            Target::Service(s) => &self.services[s].name,
            Target::ThirdParty(t) => &self.third_parties[t].name,
        }
    }
    /// The dependency of `service` named `name` (a service, third party, or "db").
    pub fn dep_index(&self, service: usize, name: &str) -> Option<usize> {
        self.services[service].deps.iter().position(|d| self.target_name(d.target) == name)
    }
}
