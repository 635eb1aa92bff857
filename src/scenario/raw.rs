//! The scenario file as written: serde structs that mirror the RON text, with
//! `deny_unknown_fields` so a typo is an error rather than a silently ignored setting, and
//! defaults so small scenarios stay small. Names are still names here; `validate` resolves
//! them. Every default is documented in `scenarios/README.md` — keep the two in step.

mod assess;
mod data;
mod load;
mod rules;
mod service;
mod tutorial;

pub use assess::*;
pub use data::*;
pub use load::*;
pub use rules::*;
pub use service::*;
pub use tutorial::*;

use crate::sim::Dur;
use crate::sim::model::spec::Backoff;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A map that keeps the author's order (services are listed in the order written).
#[derive(Debug, Clone)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of names to values, like { \"api\": (...) }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct RawScenario {
    pub id: String,
    pub title: String,
    pub difficulty: Difficulty,
    pub length: Dur,
    #[serde(default)]
    pub teaches: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub role: String,
    pub briefing: String,
    #[serde(default)]
    pub owns: Vec<String>,
    #[serde(default)]
    pub runbook: Vec<String>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub slo: RawSlo,
    pub traffic: RawTraffic,
    #[serde(default)]
    pub edge: RawEdge,
    #[serde(default)]
    pub entry: Option<String>,
    pub services: Ordered<RawService>,
    #[serde(default)]
    pub database: Option<RawDatabase>,
    #[serde(default)]
    pub caches: Ordered<RawCache>,
    #[serde(default)]
    pub third_parties: Ordered<RawThirdParty>,
    #[serde(default)]
    pub queues: Ordered<RawQueue>,
    #[serde(default)]
    pub versions: Ordered<RawVersion>,
    #[serde(default)]
    pub flags: Ordered<RawFlag>,
    #[serde(default)]
    pub alerts: Vec<RawAlert>,
    #[serde(default)]
    pub timeline: Vec<RawEntry>,
    #[serde(default)]
    pub objectives: Vec<RawObjective>,
    /// Replaced by `lifecycle` (an error with a hint, so old files say what to change).
    #[serde(default)]
    pub end_when_objectives_met: Option<bool>,
    #[serde(default)]
    pub lifecycle: RawLifecycle,
    /// The wall-clock time the scenario starts at, `"16:40"` or `"16:40:30"`.
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub severity: RawRubric,
    #[serde(default)]
    pub business: Option<RawBusiness>,
    #[serde(default)]
    pub teams: Ordered<RawTeam>,
    #[serde(default)]
    pub hints: Vec<String>,
    #[serde(default)]
    pub truth: String,
    #[serde(default)]
    pub judge: Vec<RawJudge>,
    #[serde(default)]
    pub par: RawPar,
    #[serde(default)]
    pub expert: Vec<RawExpert>,
    #[serde(default)]
    pub lessons: Vec<String>,
    #[serde(default)]
    pub comms: RawComms,
    #[serde(default)]
    pub logs: RawLogs,
    #[serde(default)]
    pub tooling: RawTooling,
    /// Prompts that walk a first-time player through the screen (`scenario/tutorial.rs`).
    #[serde(default)]
    pub tutorial: Option<Vec<RawPrompt>>,
    /// In a drill, what each seat's role may send, replacing that role's defaults
    /// (`scenario/seats.rs`).
    #[serde(default)]
    pub seats: std::collections::BTreeMap<crate::sim::Role, Vec<crate::sim::CommandKind>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawSlo {
    /// Percent, e.g. 99.9.
    pub availability: f64,
    pub latency_p99: Option<Dur>,
    /// Percent of requests that must be faster than `latency_p99`.
    pub latency_target: f64,
    pub period: Dur,
    /// Percent of the period's error budget left at the start.
    pub budget_left: f64,
}

impl Default for RawSlo {
    fn default() -> Self {
        RawSlo {
            availability: 99.9,
            latency_p99: None,
            latency_target: 99.0,
            period: Dur::from_secs(30 * 86_400),
            budget_left: 100.0,
        }
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawTraffic {
    pub base_rps: f64,
    #[serde(default)]
    pub shape: RawShape,
    #[serde(default)]
    pub spikes: Vec<RawSpike>,
    #[serde(default)]
    pub client: RawPolicy,
    #[serde(default)]
    pub closed: Option<RawClosedLoop>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub enum RawShape {
    #[default]
    Flat,
    Diurnal {
        period: Dur,
        amplitude: f64,
        #[serde(default)]
        peak_at: Dur,
    },
    Points(Vec<(Dur, f64)>),
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawSpike {
    pub at: Dur,
    #[serde(rename = "for")]
    pub for_: Dur,
    pub factor: f64,
}

/// A call policy: for user clients (`traffic.client`) and for each dependency a service calls.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields, default)]
pub struct RawPolicy {
    pub timeout: Option<Dur>,
    /// Retries after the first try.
    pub retries: u32,
    pub backoff: Backoff,
    pub base: Dur,
    pub cap: Dur,
    pub budget: Option<RawBudget>,
    pub breaker: Option<RawBreaker>,
    pub idempotent: bool,
    pub idempotency_key: bool,
    /// Network delay each way, e.g. `Exp("100ms")`.
    pub network: Option<RawDist>,
}

impl Default for RawPolicy {
    fn default() -> Self {
        RawPolicy {
            timeout: None,
            retries: 0,
            backoff: Backoff::Full,
            base: Dur::from_millis(100),
            cap: Dur::from_secs(10),
            budget: None,
            breaker: None,
            idempotent: true,
            idempotency_key: false,
            network: None,
        }
    }
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct RawBudget {
    pub max_tokens: f64,
    pub ratio: f64,
}

impl Default for RawBudget {
    fn default() -> Self {
        RawBudget { max_tokens: 10.0, ratio: 0.1 }
    }
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct RawBreaker {
    pub window: Dur,
    /// The health-snapshot interval: the decision reads buckets this wide.
    pub snapshot: Dur,
    pub min_volume: u32,
    /// Fraction of failed calls that opens the breaker.
    pub error_threshold: f64,
    pub open_for: Dur,
    pub half_open_trials: u32,
    /// A count-based window (resilience4j) of this many calls.
    pub window_calls: Option<u32>,
}

impl Default for RawBreaker {
    fn default() -> Self {
        RawBreaker {
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

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawEdge {
    pub rate_limit: Option<RawBucket>,
    /// Fraction of traffic shed at the start.
    pub shed: f64,
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RawBucket {
    pub rps: f64,
    #[serde(default)]
    pub burst: Option<f64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    #[serde(default = "d_db_cores")]
    pub cores: u32,
    #[serde(default = "d_max_conns")]
    pub max_connections: u32,
    #[serde(default = "d_query")]
    pub query: RawDist,
    #[serde(default = "d_failover")]
    pub failover_window: Dur,
    #[serde(default)]
    pub replicas: Vec<RawReplica>,
    #[serde(default)]
    pub keys: Option<f64>,
    #[serde(default)]
    pub auto_failover: Option<RawAutoFailover>,
    #[serde(default)]
    pub fence_old_primary: bool,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub rtt: Dur,
    #[serde(default)]
    pub restore: Option<RawRestore>,
}

fn d_db_cores() -> u32 {
    8
}
fn d_max_conns() -> u32 {
    100
}
fn d_query() -> RawDist {
    RawDist::Exp(Dur::from_millis(5))
}
fn d_failover() -> Dur {
    Dur::from_secs(30)
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawCache {
    #[serde(default = "d_hit")]
    pub hit_ratio: f64,
    #[serde(default = "d_keys")]
    pub keys: f64,
    #[serde(default)]
    pub ttl: Option<Dur>,
    #[serde(default = "d_lookup")]
    pub lookup: Dur,
    #[serde(default)]
    pub hot_key: Option<RawHotKey>,
}

fn d_hit() -> f64 {
    0.95
}
fn d_keys() -> f64 {
    10_000.0
}
fn d_lookup() -> Dur {
    Dur::from_millis(1)
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RawHotKey {
    pub share: f64,
    #[serde(default)]
    pub single_flight: bool,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawThirdParty {
    pub latency: RawDist,
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub rate_limit: Option<RawBucket>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawVersion {
    pub error_rate: f64,
    pub latency_factor: Option<f64>,
    pub leak_mb_per_min: f64,
    pub extra_queries: u32,
    pub crash_on_start: bool,
    pub only_with_flag: Option<String>,
    pub note: String,
    /// Endpoint name → the plan this version runs for it instead.
    pub plans: Ordered<Vec<RawStep>>,
    /// `false`: the version's calls carry no idempotency keys.
    pub idempotency_keys: bool,
}

impl Default for RawVersion {
    fn default() -> Self {
        RawVersion {
            error_rate: 0.0,
            latency_factor: None,
            leak_mb_per_min: 0.0,
            extra_queries: 0,
            crash_on_start: false,
            only_with_flag: None,
            note: String::new(),
            plans: Ordered::default(),
            idempotency_keys: true,
        }
    }
}

/// The responders' tools that depend on a component of the system.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawTooling {
    pub status_page: Option<RawTool>,
    pub deploys: Option<RawTool>,
    pub monitoring: Option<RawTool>,
    pub commands: Option<RawTool>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawTool {
    /// A component name: a service, `db`, a third party, a cache or `edge`.
    pub depends_on: String,
    /// When the component counts as down (default: half its requests failing, or no instance
    /// in rotation).
    #[serde(default)]
    pub when: Option<RawCondition>,
    pub effect: RawToolEffect,
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub enum RawToolEffect {
    Rejected,
    Delayed(Dur),
    Blind,
    Lag(Dur),
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawFlag {
    pub on: bool,
    pub effects: Vec<RawFlagEffect>,
    pub note: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawFlagEffect {
    pub service: String,
    #[serde(default)]
    pub endpoints: Vec<String>,
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub latency_factor: Option<f64>,
    #[serde(default)]
    pub extra_queries: u32,
}
