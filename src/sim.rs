//! The pure, deterministic, per-request discrete-event engine.
//!
//! Contract: `(SimSpec, seed, [(time, command)]) → events + metrics`, identical byte for byte on
//! every run. The engine reads no clock, no files, no terminal and no global randomness; the
//! driver (the game's pacer or the headless runner) calls [`Sim::advance_to`](crate::sim::Sim::advance_to) and
//! [`Sim::submit`](crate::sim::Sim::submit), and reads [`Sim::windows`](crate::sim::Sim::windows), [`Sim::events`](crate::sim::Sim::events), [`Sim::logs`](crate::sim::Sim::logs) and
//! [`Sim::traces`](crate::sim::Sim::traces). Advancing in one step or in many gives the same result.
//!
//! # The rooms
//!
//! `kernel` (time, the event queue, slab, random streams, distributions, histograms) ·
//! `model` (the spec, commands, faults, rules) · `request` (what travels: calls, tries, jobs)
//! · `resources` (what serves: instances, pools, the database, caches, third parties,
//! breakers) · `control` (what changes the system: commands, config, the timeline, alerts) ·
//! `observe` (what the run produces: windows, events, logs, views). `engine.rs` holds `Sim`,
//! the event enum and the dispatch loop; `init.rs` builds a `Sim`.
//!
//! # The life of a request
//!
//! 1. **Arrival.** `Ev::Arrival` → `on_arrival` (`request/traffic`) draws the next arrival
//!    and calls `new_user_request`: a `Call` from the user's client (`Site::Client`).
//! 2. **A try.** `send_attempt` (`request/call`) makes an `Attempt`, arms its timeout
//!    (`Ev::AttemptTimeout`) and hands it on; for a user, `edge_admit` applies TLS, the rate
//!    limit, shedding and blocked clients.
//! 3. **To an instance.** `send_to_service` (added network latency: `Ev::Deliver`) →
//!    `route_to_service` → `pick_instance` (`resources/instance`: round robin or least
//!    outstanding) → `job_create` (`request/job`): a `Job` in the instance's FIFO queue;
//!    `pump` gives it a worker.
//! 4. **The call plan.** `job_continue` walks the endpoint's steps: CPU work (`cpu_factor`,
//!    `Ev::JobStep` → `on_job_step`), `cache_lookup` (`resources/cache`), and dependency calls
//!    (`start_dep_call`): a new `Call` (`Site::Dep`) whose tries go through the breaker
//!    (`DepState::admit`, `request/dep`) and `send_attempt` again — to another service (step 3),
//!    a third party (`third_party_call` → `Ev::Reply`) or the database.
//! 5. **The pool and the database.** `db_begin` (`resources/db`) takes a connection from the
//!    instance's pool (or waits: `Ev::PoolTimeout`); `db_query` runs each query on the
//!    database's cores (`start_query` → `Ev::QueryDone` → `on_query_done`); `release_conn`
//!    gives the connection back, to the next waiter first.
//! 6. **Answers, retries, timeouts.** The callee's `attempt_done` (or the caller's
//!    `on_attempt_timeout`, `request/retry`) → `resolve_attempt` records the try
//!    (`client_try_done`, `dep_try_done`) → `try_retry` schedules `Ev::Backoff` → `on_backoff`
//!    → `send_attempt`, or `finish_call` tells the caller: `job_call_done` lets the job go on
//!    (or fail); `job_finish` frees the worker, pumps the queue and answers the job's own
//!    attempt; at the top, `user_done`. A callee may work on after its caller gave up.
//! 7. **Outcome and metrics.** Every step feeds accumulators (`observe/acc`); `Ev::Window` →
//!    `close_window` (`observe/window`) empties them into one `Window` per second, then alert
//!    rules, timeline triggers, objectives and rollouts are evaluated on it.

pub(crate) mod control;
mod engine;
mod init;
pub mod kernel;
pub mod model;
pub mod observe;
pub(crate) mod request;
pub(crate) mod resources;

pub use control::apply::{CommandRecord, Incident};
pub use control::lifecycle::Phase;
pub use control::resolve::{AlertRef, Rejection, ResolvedCommand, Restart};
pub use engine::{EndReason, Sim};
pub use kernel::time::{Dur, SimTime};
pub use model::command::{Audience, Command, CommandKind, Severity, TimedCommand};
pub use model::seat::{By, Role};
pub use model::spec::SimSpec;
pub use observe::events::{Category, ChangeKind, Event, EventKind};
pub use observe::metric::{Component, Integrity, Metric, MetricRef, Window};
pub use request::live_try_bytes;
pub use request::outcome::{Class, Outcome, Reason};
pub use request::trace::{SAMPLE_EVERY as TRACE_SAMPLE_EVERY, Span, Trace};
pub use resources::breaker::BreakerState;
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
    pub fn traces(&self) -> &std::collections::VecDeque<Trace> {
        self.rec.traces.recent()
    }
    pub fn totals(&self) -> &observe::acc::Totals {
        &self.rec.totals
    }
    /// Operations counted so far (for tests that bound the work instead of timing it).
    pub fn work(&self) -> &observe::acc::Work {
        &self.rec.work
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
    play_with_caps(spec, seed, commands, until, kernel::caps::Caps::DEFAULT)
}

/// `play` with other run-time caps (tests lower them to reach them cheaply). A run that
/// reaches one ends with `EndReason::Stopped` and keeps what ran.
pub fn play_with_caps(
    spec: Arc<SimSpec>,
    seed: u64,
    commands: &[TimedCommand],
    until: Option<SimTime>,
    caps: kernel::caps::Caps,
) -> Sim {
    let mut sim = Sim::new(spec, seed);
    sim.set_caps(caps);
    let mut ordered: Vec<&TimedCommand> = commands.iter().collect();
    ordered.sort_by_key(|c| c.at);
    let limit = until.unwrap_or(SimTime::NEVER);
    for c in ordered {
        if c.at > limit {
            break;
        }
        sim.advance_to(c.at);
        // A rejected command is recorded in the event log with its reason.
        let _ = sim.submit_as(c.command.clone(), c.by.clone());
    }
    sim.advance_to(limit);
    sim
}
