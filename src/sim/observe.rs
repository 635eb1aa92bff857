//! Observation: everything the run produces for people and tools — per-window metrics (the
//! accumulators and the `Window` they empty into), the event log and its one classification
//! (`EventKind::category`), rate-capped log lines and read-only views of live state. Scoring,
//! reports and the game read only what this room exposes.
//!
//! Owns: `RedAcc`/`Integrator`/`Totals`, `Window` and the metric names, `Event`/`EventKind`,
//! `Logs`, the views, the state checksum (`Sim::checksum`, for lockstep drills) and the
//! `Record` of the run.
//! May not touch: the behaviour of the run. Observing never draws a random number, schedules
//! an event, emits one or changes a component (closing a window only empties the counters
//! kept for it): a run whose views are read every frame and one never read are the same run.

pub mod acc;
mod checksum;
pub mod events;
pub(crate) mod logline;
pub mod logs;
pub mod metric;
pub mod view;
pub(crate) mod window;

use super::model::spec::SimSpec;
use super::request::trace::Traces;

/// What a run has produced so far: the closed windows and the SLO's running totals, the
/// event log, log lines, sampled traces and whole-run totals.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// One entry per closed window, oldest first.
    pub windows: Vec<metric::Window>,
    /// Cumulative (good, total) SLO events at each window end, for burn rates.
    pub slo_cum: Vec<(u64, u64)>,
    pub slo_bad_total: u64,
    pub events: Vec<events::Event>,
    pub logs: logs::Logs,
    pub traces: Traces,
    pub totals: acc::Totals,
    pub work: acc::Work,
}

impl Record {
    pub fn new(spec: &SimSpec) -> Self {
        Record {
            windows: Vec::new(),
            slo_cum: Vec::new(),
            slo_bad_total: 0,
            events: Vec::new(),
            logs: logs::Logs::new(spec.logs.keep, spec.logs.per_kind_per_window),
            traces: Traces::default(),
            totals: acc::Totals::new(spec),
            work: acc::Work::default(),
        }
    }
}
