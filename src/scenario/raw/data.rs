//! Replication as written, inside `database`: `replicas`, `keys`, `auto_failover`,
//! `fence_old_primary`, `name`, `rtt`, `restore`.

use crate::sim::Dur;
use serde::Deserialize;

/// `(name: "west", apply_rate: 5000, delay: "20ms", cores: 8, rtt: "70ms", reads: false)`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawReplica {
    pub name: String,
    #[serde(default = "d_apply_rate")]
    pub apply_rate: f64,
    #[serde(default = "d_delay")]
    pub delay: Dur,
    #[serde(default)]
    pub cores: Option<u32>,
    #[serde(default)]
    pub rtt: Dur,
    #[serde(default = "d_true")]
    pub reads: bool,
}

fn d_true() -> bool {
    true
}

/// `restore: (transfer: "4m", fail_back: true)`.
#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RawRestore {
    pub transfer: Dur,
    #[serde(default)]
    pub fail_back: bool,
}

fn d_apply_rate() -> f64 {
    5_000.0
}
fn d_delay() -> Dur {
    Dur::from_millis(10)
}

/// `auto_failover: (detect_after: "15s")`.
#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct RawAutoFailover {
    pub detect_after: Dur,
}

impl Default for RawAutoFailover {
    fn default() -> Self {
        RawAutoFailover { detect_after: Dur::from_secs(15) }
    }
}
