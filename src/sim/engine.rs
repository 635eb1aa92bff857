//! The engine: the `Sim` itself, the events it schedules, and the loop that pops them in
//! `(time, sequence)` order and hands each to the code that owns it. `Sim` holds handles —
//! one state per room (requests in flight, resources, control, observation) — not the fields
//! of every component; each component's state type lives beside the code that changes it.

use super::control::alerts::Rules;
use super::control::apply::Desk;
use super::control::inject::Timeline;
use super::control::lifecycle::Phase;
use super::kernel::queue::EventQueue;
use super::kernel::rng::Rngs;
use super::kernel::slab::{Key, Slab};
use super::kernel::time::{Dur, SEC, SimTime};
use super::model::spec::SimSpec;
use super::observe::Record;
use super::observe::events::{Event, EventKind};
use super::request::call::{Attempt, Call, Via};
use super::request::job::Job;
use super::request::traffic::{Client, EdgeState};
use super::resources::cache::CacheState;
use super::resources::db::DbState;
use super::resources::service::SvcState;
use super::resources::third_party::TpState;
use std::sync::Arc;

/// Health checks, ticks and windows.
pub(crate) const TICK: Dur = Dur(100_000);
pub(crate) const WINDOW: Dur = Dur(SEC);

/// Something scheduled to happen. Handles name entities by slab key (a stale key finds
/// nothing) and instances by `(service, index, life)` (a restarted instance has a new life).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    Arrival,
    Abuse {
        source: u16,
    },
    Window,
    Tick,
    Backoff {
        call: Key,
    },
    AttemptTimeout {
        att: Key,
    },
    /// A third party's answer arrives (the outcome is stored on the attempt).
    Reply {
        att: Key,
    },
    /// A service call reaches the callee after added network latency.
    Deliver {
        att: Key,
    },
    /// A try reaches its callee after its policy's network delay.
    RequestLeg {
        att: Key,
    },
    /// A try's answer reaches its caller after its policy's network delay.
    ResponseLeg {
        att: Key,
    },
    /// A closed-loop user has finished thinking and sends its next request.
    ThinkDone,
    /// A read on a replica is done.
    ReplicaQueryDone {
        att: Key,
        replica: u16,
    },
    /// A restore from backup moves on (once a second while it runs).
    RestoreTick,
    /// The orchestrator's detection time has passed (unless the primary's reachability has
    /// changed since: `epoch`).
    AutoFailover {
        epoch: u32,
    },
    /// A received message's visibility timeout may have ended.
    Visibility {
        queue: u16,
        msg: Key,
    },
    JobStep {
        job: Key,
    },
    QueryDone {
        att: Key,
        background: bool,
    },
    PoolTimeout {
        att: Key,
    },
    /// A query's answer arrives after the network latency `AddLatency` adds to the database.
    QueryReply {
        att: Key,
    },
    HealthCheck {
        svc: u16,
        inst: u32,
        life: u32,
    },
    StartupDone {
        svc: u16,
        inst: u32,
        life: u32,
    },
    RestartDue {
        svc: u16,
        inst: u32,
        life: u32,
    },
    DrainTimeout {
        svc: u16,
        inst: u32,
        life: u32,
    },
    Timeline {
        idx: u32,
    },
    FaultEnd {
        idx: u32,
    },
    Deferred {
        idx: u32,
    },
    TeamArrives {
        idx: u32,
    },
    FailoverDone,
    /// A deploy's build finishes (`resources/pipeline`).
    BuildDone {
        svc: u16,
        build: u32,
    },
    FakeAlertEnd {
        idx: u32,
    },
}

/// Why the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EndReason {
    /// The scenario's `length` ran out.
    TimeUp,
    /// The scenario's `auto_end` after the service had been stable for its grace period.
    AutoEnd,
    /// The player resolved the incident.
    Resolved,
    /// The run reached a hard cap (`kernel::caps`) and was stopped; what ran is kept.
    Stopped(super::kernel::caps::Cap),
    /// The facilitator ended the drill (a drill's run file records when).
    Facilitator,
}

impl EndReason {
    /// In words, for people (reports, the debrief, the end-of-run notice).
    pub fn describe(self) -> String {
        match self {
            EndReason::TimeUp => "the scenario's time ran out".into(),
            EndReason::AutoEnd => "the scenario ends itself once the service has been stable for a while".into(),
            EndReason::Resolved => "resolved by the player".into(),
            EndReason::Stopped(cap) => cap.describe(),
            EndReason::Facilitator => "the facilitator ended the drill".into(),
        }
    }
}

/// Work asked for while the same kind of work is already running is queued, not nested, so
/// one step never runs inside another and a long chain cannot recurse deeply. Last in, first
/// out, as the engine has always taken it.
#[derive(Clone, Debug)]
pub(crate) struct WorkList<T> {
    busy: bool,
    pending: Vec<T>,
}

impl<T> Default for WorkList<T> {
    fn default() -> Self {
        WorkList { busy: false, pending: Vec::new() }
    }
}

impl<T> WorkList<T> {
    /// Queues `item`; true if the caller should now drain the list (nobody else is).
    pub fn enter(&mut self, item: T) -> bool {
        self.pending.push(item);
        !std::mem::replace(&mut self.busy, true)
    }

    /// The next queued item; `None` (and no longer busy) once the list is empty.
    pub fn next(&mut self) -> Option<T> {
        let item = self.pending.pop();
        self.busy = item.is_some();
        item
    }
}

impl<T: PartialEq> WorkList<T> {
    /// Like `enter`, but an item already queued is not queued twice.
    pub fn enter_once(&mut self, item: T) -> bool {
        if self.pending.contains(&item) {
            return !std::mem::replace(&mut self.busy, true);
        }
        self.enter(item)
    }
}

/// The simulation. See the module docs of `sim` for the contract.
pub struct Sim {
    pub(crate) spec: Arc<SimSpec>,
    pub(crate) seed: u64,
    pub(crate) now: SimTime,
    pub(crate) q: EventQueue<Ev>,
    pub(crate) rng: Rngs,
    pub(crate) ended: Option<(SimTime, EndReason)>,
    // Requests in flight (`request`).
    pub(crate) calls: Slab<Call>,
    pub(crate) attempts: Slab<Attempt>,
    pub(crate) jobs: Slab<Job>,
    pub(crate) edge: EdgeState,
    pub(crate) client: Client,
    // Resources.
    pub(crate) svcs: Vec<SvcState>,
    pub(crate) db: DbState,
    pub(crate) data: super::resources::replica::DataState,
    pub(crate) caches: Vec<CacheState>,
    pub(crate) tps: Vec<TpState>,
    pub(crate) queues: Vec<super::resources::queue::QueueState>,
    pub(crate) flags: Vec<bool>,
    // Control.
    pub(crate) timeline: Timeline,
    pub(crate) rules: Rules,
    pub(crate) desk: Desk,
    pub(crate) clears: super::control::clear::Clears,
    pub(crate) tooling: super::control::tooling::Tooling,
    pub(crate) phase: Phase,
    // What the run produces (`observe`).
    pub(crate) rec: Record,
    // Re-entrant work: instances whose queue to pump, services whose rollout to step.
    pub(crate) pumps: WorkList<(usize, usize)>,
    pub(crate) rollouts: WorkList<usize>,
    /// Events until the next check of the run-time caps, and the caps.
    pub(crate) caps_check: super::kernel::caps::Countdown,
    pub(crate) caps: super::kernel::caps::Caps,
}

impl Sim {
    /// Processes every event up to and including `t` (never past the end of the run).
    pub fn advance_to(&mut self, t: SimTime) {
        let limit = SimTime(self.spec.duration.0).min(t);
        while self.ended.is_none() {
            let attempts = &self.attempts;
            let stale = |ev: &Ev| match ev {
                Ev::AttemptTimeout { att } => attempts.get(*att).is_none_or(|a| a.resolved),
                Ev::PoolTimeout { att } => {
                    attempts.get(*att).is_none_or(|a| !matches!(a.via, Via::Db { waiting: true, .. }))
                }
                _ => false,
            };
            let Some((te, ev)) = self.q.pop_until(limit, stale) else {
                break;
            };
            self.now = te;
            self.dispatch(ev);
            if self.caps_check.tick()
                && let Some(cap) = self.over_cap()
            {
                self.end(EndReason::Stopped(cap));
            }
        }
        if self.ended.is_none() {
            self.now = self.now.max(limit);
            if self.now.0 >= self.spec.duration.0 {
                self.end(EndReason::TimeUp);
            }
        }
    }

    /// The first run-time cap this run is over, if any (`kernel::caps`).
    pub(crate) fn over_cap(&self) -> Option<super::kernel::caps::Cap> {
        use super::kernel::caps::Cap;
        let c = self.caps;
        if self.calls.len() + self.attempts.len() + self.jobs.len() + self.queued_messages() > c.live {
            return Some(Cap::InFlight { limit: c.live });
        }
        if self.q.len() > c.queued {
            return Some(Cap::Queued { limit: c.queued });
        }
        if self.rec.events.len() > c.events {
            return Some(Cap::EventLog { limit: c.events });
        }
        let deps: usize = self.spec.services.iter().map(|s| s.deps.len()).sum();
        let per_window = 2 + self.spec.services.len() + deps + self.spec.caches.len() + self.spec.third_parties.len();
        if self.rec.windows.len().saturating_mul(per_window) > c.window_cells {
            return Some(Cap::Windows { limit: c.window_cells });
        }
        None
    }

    /// Replaces the run-time caps (`Caps::DEFAULT` otherwise): tests lower them to reach them
    /// with little memory.
    pub fn set_caps(&mut self, caps: super::kernel::caps::Caps) {
        self.caps = caps;
    }

    /// Runs to the end of the scenario.
    pub fn run_to_end(&mut self) {
        self.advance_to(SimTime::NEVER);
    }

    /// Ends the run now, as a drill's facilitator does (after `advance_to` the drill's end).
    pub fn end_drill(&mut self) {
        self.end(EndReason::Facilitator);
    }

    pub(crate) fn end(&mut self, reason: EndReason) {
        if self.ended.is_none() {
            self.ended = Some((self.now, reason));
            self.emit(false, EventKind::RunEnded { reason });
        }
    }

    pub(crate) fn emit(&mut self, hidden: bool, kind: EventKind) {
        self.rec.events.push(Event { t: self.now, hidden, kind });
    }

    /// Every second: close the metrics window, then evaluate the scenario's rules on it and
    /// move rollouts on (a batch that became ready during the window proceeds).
    fn on_window(&mut self) {
        self.close_window();
        self.evaluate_alerts();
        self.check_triggers();
        self.check_clears();
        self.check_tooling();
        self.check_objectives();
        self.check_lifecycle();
        for s in 0..self.svcs.len() {
            self.rollout_step(s);
        }
        self.q.push(self.now + WINDOW, Ev::Window);
    }

    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Arrival => self.on_arrival(),
            Ev::Abuse { source } => self.on_abuse(source),
            Ev::Window => self.on_window(),
            Ev::Tick => self.on_tick(),
            Ev::Backoff { call } => self.on_backoff(call),
            Ev::AttemptTimeout { att } => self.on_attempt_timeout(att),
            Ev::Reply { att } => self.on_reply(att),
            Ev::Deliver { att } => self.on_deliver(att),
            Ev::RequestLeg { att } => self.on_request_leg(att),
            Ev::ResponseLeg { att } => self.on_response_leg(att),
            Ev::ThinkDone => self.on_think_done(),
            Ev::Visibility { queue, msg } => self.on_visibility(queue as usize, msg),
            Ev::ReplicaQueryDone { att, replica } => self.on_replica_query_done(att, replica as usize),
            Ev::AutoFailover { epoch } => self.on_auto_failover(epoch),
            Ev::RestoreTick => self.on_restore_tick(),
            Ev::JobStep { job } => self.on_job_step(job),
            Ev::QueryDone { att, background } => self.on_query_done(att, background),
            Ev::PoolTimeout { att } => self.on_pool_timeout(att),
            Ev::QueryReply { att } => self.query_answered(att),
            Ev::HealthCheck { svc, inst, life } => self.on_health_check(svc as usize, inst as usize, life),
            Ev::StartupDone { svc, inst, life } => self.on_startup_done(svc as usize, inst as usize, life),
            Ev::RestartDue { svc, inst, life } => self.on_restart_due(svc as usize, inst as usize, life),
            Ev::DrainTimeout { svc, inst, life } => self.on_drain_timeout(svc as usize, inst as usize, life),
            Ev::Timeline { idx } => self.fire_entry(idx as usize),
            Ev::FaultEnd { idx } => {
                self.clear_entry(idx as usize, "its duration ended", super::observe::events::ClearCause::Duration);
            }
            Ev::Deferred { idx } => self.take_effect(idx as usize),
            Ev::TeamArrives { idx } => self.on_team_arrives(idx as usize),
            Ev::FailoverDone => self.on_failover_done(),
            Ev::BuildDone { svc, build } => self.on_build_done(svc as usize, build),
            Ev::FakeAlertEnd { idx } => self.on_fake_alert_end(idx as usize),
        }
    }
}
