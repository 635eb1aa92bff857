//! The assessment's fields as written: the lifecycle, the severity rubric and the business's
//! prices.

use super::RawCondition;
use crate::sim::Dur;
use serde::Deserialize;

/// How the incident ends (see `Lifecycle` in the engine's spec).
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawLifecycle {
    /// When the cause counts as removed; by default, when no fault of the timeline is active.
    pub cause: Option<RawCondition>,
    /// End the run this long after the service became stable (with a countdown).
    pub auto_end: Option<Dur>,
    /// Warn this long before the scenario's length ends the run (default: 2 minutes, or half
    /// a shorter scenario).
    pub warn_before_end: Option<Dur>,
}

/// One level of the severity rubric: what it means, and the impact at which it applies.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub means: String,
    /// Percent of user requests failing or slow over the trailing minute.
    #[serde(default)]
    pub bad: Option<f64>,
    /// Harms to data (duplicates, lost, stale or conflicting writes) per minute.
    #[serde(default)]
    pub integrity: Option<u32>,
}

/// The severity rubric; a level left out keeps the default's.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawRubric {
    pub sev1: Option<RawLevel>,
    pub sev2: Option<RawLevel>,
    pub sev3: Option<RawLevel>,
    pub sev4: Option<RawLevel>,
}

/// What harm costs the business, per unit.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawBusiness {
    #[serde(default = "d_currency")]
    pub currency: String,
    #[serde(default)]
    pub per_failed_request: f64,
    #[serde(default)]
    pub per_slow_request: f64,
    #[serde(default)]
    pub per_duplicate: f64,
    #[serde(default)]
    pub per_lost_write: f64,
    #[serde(default)]
    pub per_stale_read: f64,
    #[serde(default)]
    pub per_conflicting_write: f64,
    /// An amount that matters here (default 1,000): the score's cost scale.
    #[serde(default = "d_scale")]
    pub scale: f64,
}

fn d_scale() -> f64 {
    1000.0
}

fn d_currency() -> String {
    "$".into()
}
