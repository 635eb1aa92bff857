//! Control: what changes the system from outside the request path — the player's commands
//! (checked, resolved and applied after their delay), config pushes and reverts, the scenario
//! timeline (faults and injects, timed or conditional) and alert rules with the conditions
//! triggers and objectives use.
//!
//! Owns: the timeline's progress, alert states, red-herring alerts, the incident, the command
//! history, deferred commands, hints.
//! May not touch: entities in flight (calls, attempts, jobs) — control acts on resources and
//! configs; requests feel the change on their next step.

pub(crate) mod alerts;
pub(crate) mod apply;
pub(crate) mod config;
pub(crate) mod inject;
pub(crate) mod resolve;
