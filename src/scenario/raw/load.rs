//! Load models as written: closed-loop users in `traffic.closed` and a service's
//! `concurrency_cost`.

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
