//! The fault catalogue: typed trouble a scenario injects. Faults are hidden from the player
//! (their onsets appear in the event log marked hidden, revealed in the debrief); their
//! effects are not — they act only through the simulated components.

use super::spec::{Bucket, Target};
use crate::sim::kernel::dist::Dist;
use crate::sim::kernel::time::Dur;
use crate::sim::observe::metric::Component;
use serde::{Deserialize, Serialize};

/// A runtime setting of one service, as changed by a config push (player's or someone else's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigChange {
    PoolSize(u32),
    /// Timeout of calls to a dependency (by index on the service).
    Timeout {
        dep: usize,
        timeout: Dur,
    },
    Retries {
        dep: usize,
        max_attempts: u32,
    },
    RetryBudget {
        dep: usize,
        on: bool,
    },
    Breaker {
        dep: usize,
        enabled: bool,
    },
    Deadlines(bool),
    QueueLimit(Option<u32>),
}

/// How someone else changes a service's capacity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Capacity {
    /// Removes this many instances (they are gone: nothing restarts them).
    Remove(u32),
    /// Removes this share of the live instances (rounded, at least one).
    RemoveFraction(f64),
    /// Adds this many instances (they go through start-up).
    Add(u32),
}

/// What a command someone runs by hand on a host does to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ManualEffect {
    /// Nothing the system notices (a look around, a harmless script).
    Nothing,
    /// The process is restarted: in-flight work is dropped, capacity returns after start-up.
    Restart,
    /// The process is killed and restarts after the crash back-off.
    Kill,
    /// The host is shut down for good: the service runs one instance fewer until scaled.
    Stop,
}

/// What a certificate protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CertTarget {
    /// Our public TLS certificate: every user request fails the handshake.
    Edge,
    /// Our client certificate (or API token) for a third party.
    ThirdParty(usize),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Fault {
    /// One instance (by number; `None` = one chosen at random) dies.
    InstanceCrash {
        service: usize,
        instance: Option<u32>,
    },
    /// Every request to the service fails fast with 503.
    ServiceOutage {
        service: usize,
    },
    /// Extra latency on every call to a target.
    AddLatency {
        target: Target,
        extra: Dur,
    },
    /// A fraction of calls to a target fail with 5xx.
    ErrorInjection {
        target: Target,
        rate: f64,
    },
    /// Refuses connections: calls fail fast.
    DependencyDown {
        third_party: usize,
    },
    /// Accepts connections and never answers: calls hang until the caller's timeout.
    BlackHole {
        third_party: usize,
    },
    /// The third party lowers our quota (they answer 429 above it).
    QuotaCut {
        third_party: usize,
        limit: Bucket,
    },
    /// Every query takes `factor` times longer (a lock, a missing index, a noisy neighbour).
    SlowQueries {
        factor: f64,
        fixed_by_failover: bool,
    },
    /// The primary database is unreachable until a failover.
    DatabaseDown,
    /// The database's disk is full: this fraction of queries (the writes) fail.
    DiskFull {
        write_fraction: f64,
    },
    /// Instances of the service stop returning connections to their pools.
    ConnectionLeak {
        service: usize,
        per_minute: f64,
    },
    /// Instances of the service leak memory until they are killed for it.
    MemoryLeak {
        service: usize,
        mb_per_s: f64,
    },
    /// A noisy neighbour takes this many cores from every instance of the service.
    CpuHog {
        service: usize,
        cores: f64,
    },
    /// Multiplies user traffic.
    TrafficSpike {
        factor: f64,
    },
    /// One client hammers the edge.
    AbusiveClient {
        client: String,
        rps: f64,
    },
    CacheFlush {
        cache: usize,
    },
    HotKeyExpiry {
        cache: usize,
    },
    /// Someone else rolls out a version; the rollout may miss instances (by number) or stop
    /// after replacing `stop_after` of them (version skew).
    BadDeploy {
        service: usize,
        version: usize,
        batch: u32,
        by: String,
        miss: Vec<u32>,
        stop_after: Option<u32>,
    },
    /// Someone else flips a feature flag.
    FlagFlip {
        flag: usize,
        on: bool,
        by: String,
    },
    /// Someone else removes or adds instances of a service, perhaps more than they meant to.
    CapacityChange {
        service: usize,
        change: Capacity,
        by: String,
        /// What they meant to do, shown with the change.
        intended: String,
    },
    /// Someone runs a command by hand on one instance (by number; `None` = a ready one at
    /// random).
    ManualCommand {
        service: usize,
        instance: Option<u32>,
        command: String,
        effect: ManualEffect,
        by: String,
    },
    /// A share of one endpoint's requests carry input that sends the code down a
    /// pathological path (a backtracking regex): each costs extra CPU and, with `crash`, kills
    /// the instance (a poison request). The input travels with the request, so a retry is
    /// pathological too. With `version` / `flag`, only instances running that version, or only
    /// while that flag is on, take the path.
    PathologicalInput {
        service: usize,
        endpoint: usize,
        fraction: f64,
        cpu: Dist,
        crash: bool,
        version: Option<usize>,
        flag: Option<usize>,
    },
    /// Someone else pushes a config change.
    BadConfig {
        service: usize,
        change: ConfigChange,
        by: String,
    },
    CertExpiry {
        target: CertTarget,
    },
    /// A fraction of the service's instances cannot reach the target (calls hang).
    Partition {
        service: usize,
        target: Target,
        fraction: f64,
    },
    /// Monitoring stops reporting a component (or everything).
    MonitoringBlind {
        component: Option<Component>,
    },
    /// Dashboards and alerts lag behind reality.
    MonitoringLag {
        lag: Dur,
    },
    /// `count` messages that crash the consumer instance that receives them.
    PoisonMessage {
        queue: usize,
        count: u32,
    },
    /// A replica applies writes `factor` times slower (a slow disk, a long query blocking
    /// its applier): its lag grows once writes outpace it.
    SlowReplica {
        replica: usize,
        factor: f64,
    },
    /// The primary and `fraction` of every service's instances are cut off from the
    /// replicas and the failover orchestrator.
    PrimaryPartition {
        fraction: f64,
    },
}

impl Fault {
    /// True for faults that happen at an instant and have no duration of their own.
    pub fn is_instant(&self) -> bool {
        matches!(
            self,
            Fault::InstanceCrash { .. }
                | Fault::CacheFlush { .. }
                | Fault::HotKeyExpiry { .. }
                | Fault::BadDeploy { .. }
                | Fault::BadConfig { .. }
                | Fault::FlagFlip { .. }
                | Fault::CapacityChange { .. }
                | Fault::ManualCommand { .. }
                | Fault::PoisonMessage { .. }
        )
    }

    /// Instant faults that stay active until what they changed is put right (their natural
    /// fix); the other instant faults are over as soon as they happen.
    pub fn lasts_until_fixed(&self) -> bool {
        matches!(
            self,
            Fault::BadDeploy { .. } | Fault::BadConfig { .. } | Fault::FlagFlip { .. } | Fault::CapacityChange { .. }
        )
    }

    /// Someone else's action on the system: what a timeline `change` may be (a harmless one
    /// shows in the changes list and is not trouble).
    pub fn is_action(&self) -> bool {
        matches!(
            self,
            Fault::BadDeploy { .. }
                | Fault::BadConfig { .. }
                | Fault::FlagFlip { .. }
                | Fault::CapacityChange { .. }
                | Fault::ManualCommand { .. }
        )
    }

    /// A fault that is an event, not a state: over the moment it happens (its effects may
    /// last, like a cold cache after a flush). `is_instant` also counts the faults that start
    /// at an instant and stay until what they changed is put right (`lasts_until_fixed`).
    pub fn is_momentary(&self) -> bool {
        self.is_instant() && !self.lasts_until_fixed()
    }

    /// The variant name, as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::InstanceCrash { .. } => "InstanceCrash",
            Fault::ServiceOutage { .. } => "ServiceOutage",
            Fault::AddLatency { .. } => "AddLatency",
            Fault::ErrorInjection { .. } => "ErrorInjection",
            Fault::DependencyDown { .. } => "DependencyDown",
            Fault::BlackHole { .. } => "BlackHole",
            Fault::QuotaCut { .. } => "QuotaCut",
            Fault::SlowQueries { .. } => "SlowQueries",
            Fault::DatabaseDown => "DatabaseDown",
            Fault::DiskFull { .. } => "DiskFull",
            Fault::ConnectionLeak { .. } => "ConnectionLeak",
            Fault::MemoryLeak { .. } => "MemoryLeak",
            Fault::CpuHog { .. } => "CpuHog",
            Fault::TrafficSpike { .. } => "TrafficSpike",
            Fault::AbusiveClient { .. } => "AbusiveClient",
            Fault::CacheFlush { .. } => "CacheFlush",
            Fault::HotKeyExpiry { .. } => "HotKeyExpiry",
            Fault::BadDeploy { .. } => "BadDeploy",
            Fault::BadConfig { .. } => "BadConfig",
            Fault::FlagFlip { .. } => "FlagFlip",
            Fault::CapacityChange { .. } => "CapacityChange",
            Fault::ManualCommand { .. } => "ManualCommand",
            Fault::PathologicalInput { .. } => "PathologicalInput",
            Fault::CertExpiry { .. } => "CertExpiry",
            Fault::Partition { .. } => "Partition",
            Fault::MonitoringBlind { .. } => "MonitoringBlind",
            Fault::MonitoringLag { .. } => "MonitoringLag",
            Fault::PoisonMessage { .. } => "PoisonMessage",
            Fault::SlowReplica { .. } => "SlowReplica",
            Fault::PrimaryPartition { .. } => "PrimaryPartition",
        }
    }
}
