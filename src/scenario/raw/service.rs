//! A service as written: its instances and workers, memory, pool and health checks, its
//! endpoints' call plans, the policies of the calls it makes, and the duration distributions
//! plans use. Defaults keep small services small (see `scenarios/README.md`).

use super::{Ordered, RawPolicy};
use crate::sim::Dur;
use crate::sim::model::spec::{Balance, Lane};
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub instances: u32,
    #[serde(default = "d_workers")]
    pub workers: u32,
    #[serde(default = "d_cores")]
    pub cores: f64,
    #[serde(default)]
    pub queue_limit: Option<u32>,
    #[serde(default = "d_startup")]
    pub startup: Dur,
    #[serde(default = "d_version")]
    pub version: String,
    #[serde(default)]
    pub memory: RawMemory,
    #[serde(default = "d_balance")]
    pub balance: Balance,
    #[serde(default)]
    pub pool: Option<RawPool>,
    #[serde(default)]
    pub health: RawHealth,
    #[serde(default)]
    pub deadlines: bool,
    #[serde(default = "d_max_instances")]
    pub max_instances: u32,
    pub endpoints: Vec<RawEndpoint>,
    #[serde(default)]
    pub calls: Ordered<RawPolicy>,
    /// Instances that start on other versions: version name → how many (the last ones).
    #[serde(default)]
    pub skew: Ordered<u32>,
    #[serde(default)]
    pub pipeline: RawPipeline,
    #[serde(default)]
    pub peers: Option<RawPeers>,
    #[serde(default)]
    pub concurrency_cost: Option<super::RawContention>,
}

/// Build time of the service's deploy pipeline.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawPipeline {
    pub deploy: Dur,
    /// Defaults to `deploy`.
    pub rollback: Option<Dur>,
}

/// Threads each instance holds for its peers, under an OS limit.
#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RawPeers {
    #[serde(default)]
    pub base: u32,
    #[serde(default = "d_per_peer")]
    pub per_peer: u32,
    pub limit: u32,
}

fn d_per_peer() -> u32 {
    1
}

fn d_workers() -> u32 {
    8
}
fn d_cores() -> f64 {
    2.0
}
fn d_startup() -> Dur {
    Dur::from_secs(20)
}
pub fn d_version() -> String {
    "v1".to_string()
}
fn d_balance() -> Balance {
    Balance::RoundRobin
}
fn d_max_instances() -> u32 {
    50
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawMemory {
    pub limit_mb: f64,
    pub baseline_mb: f64,
    pub per_request_mb: f64,
}

impl Default for RawMemory {
    fn default() -> Self {
        RawMemory { limit_mb: 1024.0, baseline_mb: 256.0, per_request_mb: 0.5 }
    }
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct RawPool {
    pub size: u32,
    pub acquire_timeout: Dur,
}

impl Default for RawPool {
    fn default() -> Self {
        RawPool { size: 10, acquire_timeout: Dur::from_secs(1) }
    }
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthCheck {
    /// Answers from memory (still needs a free worker).
    Shallow,
    /// Runs a database query too.
    Deep,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawHealth {
    pub interval: Dur,
    pub timeout: Dur,
    pub unhealthy_after: u32,
    pub healthy_after: u32,
    pub check: HealthCheck,
    pub restart_after: Option<u32>,
    /// The endpoint the check requests (default: the hidden health endpoint).
    pub endpoint: Option<String>,
    pub lane: Lane,
    pub enabled: bool,
}

impl Default for RawHealth {
    fn default() -> Self {
        RawHealth {
            interval: Dur::from_secs(5),
            timeout: Dur::from_secs(2),
            unhealthy_after: 3,
            healthy_after: 2,
            check: HealthCheck::Shallow,
            restart_after: None,
            endpoint: None,
            lane: Lane::Shared,
            enabled: true,
        }
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawEndpoint {
    pub name: String,
    #[serde(default = "d_weight")]
    pub weight: f64,
    pub plan: Vec<RawStep>,
}

fn d_weight() -> f64 {
    1.0
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub enum RawStep {
    Cpu(RawDist),
    Wait(RawDist),
    Cache {
        name: String,
        #[serde(default)]
        miss: Vec<RawStep>,
    },
    Db {
        #[serde(default = "d_queries")]
        queries: u32,
        #[serde(default)]
        query: Option<RawDist>,
        #[serde(default)]
        optional: bool,
        #[serde(default)]
        flag: Option<String>,
        #[serde(default)]
        read_only: bool,
        #[serde(default)]
        repeats: bool,
    },
    Call {
        to: String,
        #[serde(default)]
        optional: bool,
        #[serde(default)]
        flag: Option<String>,
    },
    Enqueue {
        queue: String,
    },
}

fn d_queries() -> u32 {
    1
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub enum RawDist {
    Const(Dur),
    Exp(Dur),
    LogNormal { median: Dur, p99: Dur },
    Uniform { min: Dur, max: Dur },
    Mix { p: f64, fast: Box<RawDist>, slow: Box<RawDist> },
}
