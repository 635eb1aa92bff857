//! The pure, deterministic, per-request discrete-event engine.
//!
//! Contract: `(SimSpec, seed, [(time, command)]) → events + metrics`, identical byte for byte on
//! every run. The engine reads no clock, no files, no terminal and no global randomness; the
//! driver (the game's pacer or the headless runner) calls [`Sim::advance_to`] and
//! [`Sim::submit`], and reads [`Sim::windows`], [`Sim::events`], [`Sim::logs`] and
//! [`Sim::traces`]. Advancing in one step or in many gives the same result.

pub mod control;
mod engine;
mod init;
pub mod kernel;
pub mod model;
pub mod observe;
pub mod request;
pub mod resources;

pub use control::apply::{CommandRecord, Incident};
pub use control::resolve::{AlertRef, Rejection, ResolvedCommand, Restart};
pub use engine::{EndReason, Sim};
pub use kernel::time::{Dur, SimTime};
pub use model::command::{Audience, Command, CommandKind, Severity, TimedCommand};
pub use model::spec::SimSpec;
pub use observe::events::{Event, EventKind};
pub use observe::metric::{Component, Metric, MetricRef, Window};
pub use resources::instance::InstState;

use std::sync::Arc;

impl Sim {
    pub fn spec(&self) -> &Arc<SimSpec> {
        &self.spec
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// When and why the run ended, once it has.
    pub fn ended(&self) -> Option<(SimTime, EndReason)> {
        self.ended
    }
    /// One entry per closed window, oldest first (`windows()[k]` covers second k).
    pub fn windows(&self) -> &[Window] {
        &self.rec.windows
    }
    pub fn events(&self) -> &[Event] {
        &self.rec.events
    }
    pub fn logs(&self) -> &observe::logs::Logs {
        &self.rec.logs
    }
    pub fn traces(&self) -> &std::collections::VecDeque<request::trace::Trace> {
        self.rec.traces.recent()
    }
    pub fn totals(&self) -> &observe::acc::Totals {
        &self.rec.totals
    }
    pub fn commands(&self) -> &[CommandRecord] {
        &self.desk.commands
    }
    pub fn incident(&self) -> &Incident {
        &self.desk.incident
    }
    /// Advances by `d` from now.
    pub fn advance_by(&mut self, d: Dur) {
        self.advance_to(self.now + d);
    }
}

/// Runs `spec` with `seed`, applying each command at its time (in order; ties keep file
/// order), up to `until` or the end of the scenario. This is the whole headless game: the
/// same inputs give the same `Sim`, event for event.
pub fn play(spec: Arc<SimSpec>, seed: u64, commands: &[TimedCommand], until: Option<SimTime>) -> Sim {
    let mut sim = Sim::new(spec, seed);
    let mut ordered: Vec<&TimedCommand> = commands.iter().collect();
    ordered.sort_by_key(|c| c.at);
    let limit = until.unwrap_or(SimTime::NEVER);
    for c in ordered {
        if c.at > limit {
            break;
        }
        sim.advance_to(c.at);
        // A rejected command is recorded in the event log with its reason.
        let _ = sim.submit(c.command.clone());
    }
    sim.advance_to(limit);
    sim
}
