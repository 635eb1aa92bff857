//! Load models as written: closed-loop users in `traffic.closed`, a service's
//! `concurrency_cost`, and message queues (`queues`) with their consumers.

use super::RawDist;
use crate::sim::Dur;
use serde::Deserialize;

/// `traffic: (closed: (users: 50, think: Exp("2s"), endpoint: "search"))`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawClosedLoop {
    pub users: u32,
    #[serde(default = "d_think")]
    pub think: RawDist,
    #[serde(default)]
    pub endpoint: Option<String>,
}

fn d_think() -> RawDist {
    RawDist::Const(Dur::ZERO)
}

/// `concurrency_cost: (per_in_service: "10ms", per_pair: "0ms")`.
#[derive(Deserialize, Debug, Clone, Copy, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawContention {
    pub per_in_service: Dur,
    pub per_pair: Dur,
}

/// `queues: { "emails": (consumer: "mailer", endpoint: "send", visibility_timeout: "30s") }`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    pub consumer: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default = "d_per_instance")]
    pub per_instance: u32,
    #[serde(default = "d_visibility")]
    pub visibility_timeout: Dur,
    #[serde(default)]
    pub max_receives: Option<u32>,
    #[serde(default)]
    pub retention: Option<Dur>,
    #[serde(default)]
    pub idempotent: bool,
    #[serde(default)]
    pub flag: Option<String>,
}

fn d_per_instance() -> u32 {
    4
}
fn d_visibility() -> Dur {
    Dur::from_secs(30)
}
