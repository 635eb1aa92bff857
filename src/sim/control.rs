//! Control: what changes the system from outside the request path — the player's commands
//! (resolved once, applied after their delay), config pushes and reverts, the scenario
//! timeline (faults and injects, timed or conditional) and the rules evaluated on each window
//! (alert rules, the conditions triggers and objectives use).
//!
//! Owns: the timeline's progress and the monitoring faults in force, the faults acting on each
//! service (`SvcFaults`), alert and red-herring states, objectives, the player's desk (the
//! incident, the command history, deferred commands, hints), configs (`SvcConfig`,
//! `DepConfig`), `ResolvedCommand` and `Rejection`, the clears waiting for a command to take
//! effect (`Clears`) and the tools' states (`Tooling`).
//! May not touch: entities in flight (calls, attempts, jobs). Control acts on resources and
//! configs through their functions; requests feel a change on their next step.

pub(crate) mod alerts;
pub(crate) mod apply;
pub(crate) mod clear;
pub(crate) mod config;
pub(crate) mod inject;
pub(crate) mod lifecycle;
pub(crate) mod manual;
pub(crate) mod resolve;
pub(crate) mod tooling;
