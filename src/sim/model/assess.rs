//! What the assessment needs from the engine's model: how an incident ends (the lifecycle: the
//! cause condition, an optional auto-end, the warning before the end) and what harm costs the
//! business (priced per unit, totalled by the engine per window).

use super::rules::Condition;
use crate::sim::kernel::time::Dur;
use serde::Serialize;

/// The incident's lifecycle (DESIGN §7): trouble → detected → mitigated → stable → cause
/// removed → all-clear → resolved. The service is *stable* while every objective holds; the
/// run goes on until the player resolves, `duration` ends it, or — only if the scenario asks —
/// `auto_end` after it became stable. Every end is announced before it comes.
#[derive(Clone, Debug, Serialize)]
pub struct Lifecycle {
    /// Holds once the cause is removed (default: no fault of the timeline is active).
    pub cause: Condition,
    /// End the run this long after the service became stable (a countdown the player sees).
    pub auto_end: Option<Dur>,
    /// How long before the scenario's own end the player is warned (`EndScheduled`).
    pub warn_before_end: Dur,
}

/// What each unit of harm costs the business (in `currency`). The engine totals it per window
/// (`Window::business_cost`), objectives can read it (`business.cost`), scoring weighs it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Business {
    /// Shown before amounts, e.g. `$`, `€`, `£`.
    pub currency: String,
    /// A user request that failed after all the client's tries.
    pub per_failed_request: f64,
    /// A user try that succeeded slower than the SLO's latency threshold.
    pub per_slow_request: f64,
    pub per_duplicate: f64,
    pub per_lost_write: f64,
    pub per_stale_read: f64,
    pub per_conflicting_write: f64,
    /// An amount that matters to this business: the impact score loses 15 points per tenfold
    /// of the run's cost measured in it.
    pub scale: f64,
}

/// Counts of harm, as the business's prices read them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HarmCounts {
    pub failed_requests: f64,
    pub slow_tries: f64,
    pub duplicates: f64,
    pub lost_writes: f64,
    pub stale_reads: f64,
    pub conflicting_writes: f64,
}

impl Business {
    /// What `n` costs at these prices. The one formula: a window's cost and a run's.
    pub fn cost(&self, n: &HarmCounts) -> f64 {
        n.failed_requests * self.per_failed_request
            + n.slow_tries * self.per_slow_request
            + n.duplicates * self.per_duplicate
            + n.lost_writes * self.per_lost_write
            + n.stale_reads * self.per_stale_read
            + n.conflicting_writes * self.per_conflicting_write
    }
}
