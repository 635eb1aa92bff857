//! Observation: everything the run produces for people and tools — per-window metrics (the
//! accumulators and their `Window`), the event log, rate-capped log lines and read-only views
//! of live state. Scoring, reports and the game read only what this room exposes.
//!
//! Owns: `RedAcc`/`Integrator`/`Totals`, `Window` and the metric names, `Event`/`EventKind`,
//! `Logs`, the views.
//! May not touch: the behaviour of the run. Observing never draws a random number, schedules
//! an event or changes a component: a run with the views read every frame and one never read
//! are the same run.

pub mod acc;
pub mod events;
pub(crate) mod logline;
pub mod logs;
pub mod metric;
pub mod view;
pub(crate) mod window;
