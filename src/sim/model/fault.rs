//! The fault catalogue: typed trouble a scenario injects. Faults are hidden from the player
//! (their onsets appear in the event log marked hidden, revealed in the debrief); their
//! effects are not — they act only through the simulated components.

use super::spec::{Bucket, Target};
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
    /// Someone else rolls out a version.
    BadDeploy {
        service: usize,
        version: usize,
        batch: u32,
        by: String,
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
        )
    }

    /// A fault that is an event, not a state: over the moment it happens (its effects may
    /// last, like a cold cache after a flush). `is_instant` also counts a bad deploy or config
    /// push, which starts at an instant and stays until removed.
    pub fn is_momentary(&self) -> bool {
        matches!(self, Fault::InstanceCrash { .. } | Fault::CacheFlush { .. } | Fault::HotKeyExpiry { .. })
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
            Fault::CertExpiry { .. } => "CertExpiry",
            Fault::Partition { .. } => "Partition",
            Fault::MonitoringBlind { .. } => "MonitoringBlind",
            Fault::MonitoringLag { .. } => "MonitoringLag",
        }
    }
}
