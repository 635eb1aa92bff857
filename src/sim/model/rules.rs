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
    /// The feature flag with this index is on.
    FlagOn(usize),
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
}

/// What a timeline entry does.
#[derive(Clone, Debug, Serialize)]
pub enum Inject {
    /// Hidden trouble: shown to the player only in the debrief.
    Fault(Fault),
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
    /// Player commands that clear this fault (besides its natural fixes).
    pub cleared_by: Vec<CommandKind>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    pub name: String,
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
