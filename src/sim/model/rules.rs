//! Declarative rules the engine evaluates at every window close: alert rules, the scenario
//! timeline (timed and conditional faults and injects), and objectives. Conditions read the
//! recorded metrics and the command history, so they carry no hidden state of their own.

use super::command::CommandKind;
use super::fault::Fault;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::observe::metric::MetricRef;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Above,
    Below,
}

impl Cmp {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Cmp::Above => value > threshold,
            Cmp::Below => value < threshold,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Above => ">",
            Cmp::Below => "<",
        }
    }
}

/// Something that is true or false at a window close.
#[derive(Clone, Debug, Serialize)]
pub enum Condition {
    /// The metric has satisfied `op value` in every window of the last `for_` (at least one).
    Metric {
        metric: MetricRef,
        op: Cmp,
        value: f64,
        for_: Dur,
    },
    /// The metric was out of bounds in some earlier ten-second span and, over the last `for_`,
    /// satisfies `op value`: "it broke and has recovered".
    Recovered {
        metric: MetricRef,
        op: Cmp,
        value: f64,
        for_: Dur,
    },
    /// Sim time has reached this instant.
    After(SimTime),
    /// The player has applied a command of this kind.
    Command(CommandKind),
    /// `by` has passed and no command of this kind was applied before it.
    NoCommandBy {
        kind: CommandKind,
        by: SimTime,
    },
    Declared,
    StatusPosted,
    /// The timeline entry with this index has fired.
    Started(usize),
    /// The timeline entry with this index is active (started and not cleared).
    FaultActive(usize),
    /// The timeline entry with this index started and has since been cleared.
    FaultCleared(usize),
    /// The timeline entry with this index was headed off before it fired (a certificate
    /// renewed in time): it never will.
    Averted(usize),
    /// The feature flag with this index is on.
    FlagOn(usize),
    /// Every live instance of the service (starting, serving, draining or crashed) runs the
    /// version: a rollout to it has replaced the others.
    VersionEverywhere {
        service: usize,
        version: usize,
    },
    /// No live instance of the service runs the version any more.
    VersionGone {
        service: usize,
        version: usize,
    },
    /// The client with this name (an abusive client of the timeline) is blocked at the edge.
    Blocked(String),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// When a timeline entry fires (once).
#[derive(Clone, Debug, Serialize)]
pub enum Trigger {
    At(SimTime),
    When(Condition),
    /// A contingency: only a facilitator's `Fire` command fires it (a solo run never does).
    Manual,
}

impl Trigger {
    pub fn is_manual(&self) -> bool {
        matches!(self, Trigger::Manual)
    }
}

/// What a timeline entry does.
#[derive(Clone, Debug, Serialize)]
pub enum Inject {
    /// Hidden trouble: shown to the player only in the debrief.
    Fault(Fault),
    /// Someone else's action that is not trouble (a deploy by another team, a flag they
    /// flip): it shows in the changes list with who did it, and no fault starts.
    Change(Fault),
    /// A person writes to the player (a stakeholder, a colleague).
    Message { from: String, text: String },
    /// A scripted log line.
    Log { source: String, level: crate::sim::observe::logs::Level, text: String },
    /// An alert that fires for `duration` and means nothing (a red herring).
    FakeAlert { name: String, severity: AlertSeverity, summary: String, duration: Dur },
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub label: String,
    pub trigger: Trigger,
    pub inject: Inject,
    /// A fault lasts this long; `None` = until something clears it.
    pub duration: Option<Dur>,
    /// Player commands that clear this fault (besides its natural fixes), once they have
    /// taken effect in the simulation.
    pub cleared_by: Vec<CommandMatch>,
    /// The fault clears when this holds (checked at every window close).
    pub clear_when: Option<Condition>,
}

/// More instances or fewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Up,
    Down,
}

/// Which player commands clear a fault: a kind, and optionally the parameters the command
/// must have. Names are compared as written in the command.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommandMatch {
    pub kind: CommandKind,
    /// The command's `service`.
    pub service: Option<String>,
    /// The command's other name: a flag, dependency, cache, version, team, alert, client or
    /// certificate target.
    pub target: Option<String>,
    /// `SetFlag(on:)`, `SetBreaker(enabled:)`, `SetDeadlines(on:)`,
    /// `SetHealthCheck(enabled:)`.
    pub on: Option<bool>,
    /// `Scale`: more or fewer instances than the service has when it takes effect.
    pub direction: Option<Direction>,
    /// The command's number must be below / above this: instances (`Scale`), the timeout in
    /// milliseconds (`SetTimeout`), tries (`SetRetries`), the pool size (`SetPoolSize`), the
    /// fraction (`SetShed`), rps (`SetRateLimit`).
    pub below: Option<f64>,
    pub above: Option<f64>,
}

impl CommandMatch {
    /// Any command of this kind.
    pub fn kind(kind: CommandKind) -> Self {
        CommandMatch { kind, service: None, target: None, on: None, direction: None, below: None, above: None }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    /// The real wording, revealed in the debrief.
    pub name: String,
    /// What the player is shown during the run: words that do not give the cause away.
    pub goal: String,
    pub condition: Condition,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlertSeverity {
    Page,
    Ticket,
}

impl AlertSeverity {
    /// `PAGE` or `ticket`: how loud the alert is.
    pub fn word(self) -> &'static str {
        match self {
            AlertSeverity::Page => "page",
            AlertSeverity::Ticket => "ticket",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub enum AlertExpr {
    /// Fires when the metric, computed over the trailing `over` (like a range query), has
    /// satisfied `op value` at every evaluation for `for_`.
    Threshold { metric: MetricRef, op: Cmp, value: f64, for_: Dur, over: Dur },
    /// Fires while the availability burn rate over both windows is at least `factor`.
    BurnRate { long: Dur, short: Dur, factor: f64 },
}

#[derive(Clone, Debug, Serialize)]
pub struct AlertRule {
    pub name: String,
    pub severity: AlertSeverity,
    pub expr: AlertExpr,
    pub summary: String,
}
