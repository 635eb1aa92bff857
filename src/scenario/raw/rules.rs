//! The scenario's rules as written: alerts, the timeline (triggers, conditions, faults and
//! injects), objectives, teams, and the scoring data (judgements, par, expert path, comms).

use crate::sim::Dur;
use crate::sim::model::fault::ManualEffect;
use crate::sim::model::rules::AlertSeverity;
use crate::sim::observe::logs::Level;
use crate::sim::{CommandKind, Severity};
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub name: String,
    #[serde(default = "d_page")]
    pub severity: AlertSeverity,
    pub when: RawAlertExpr,
    #[serde(default)]
    pub summary: String,
}

fn d_over() -> Dur {
    Dur::from_secs(30)
}

fn d_page() -> AlertSeverity {
    AlertSeverity::Page
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub enum RawAlertExpr {
    Threshold {
        metric: String,
        #[serde(default)]
        above: Option<f64>,
        #[serde(default)]
        below: Option<f64>,
        #[serde(rename = "for", default)]
        for_: Dur,
        #[serde(default = "d_over")]
        over: Dur,
    },
    BurnRate {
        long: Dur,
        short: Dur,
        factor: f64,
    },
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub at: Option<Dur>,
    #[serde(default)]
    pub when: Option<RawCondition>,
    /// A contingency: fires only when a facilitator fires it during a drill (never by itself).
    #[serde(default)]
    pub manual: bool,
    #[serde(rename = "for", default)]
    pub for_: Option<Dur>,
    #[serde(default)]
    pub cleared_by: Vec<RawClearBy>,
    #[serde(default)]
    pub clear_when: Option<RawCondition>,
    #[serde(default)]
    pub fault: Option<RawFault>,
    /// Someone else's action that is not trouble.
    #[serde(default)]
    pub change: Option<RawChange>,
    #[serde(default)]
    pub message: Option<RawMessage>,
    #[serde(default)]
    pub log: Option<RawLog>,
    #[serde(default)]
    pub fake_alert: Option<RawFakeAlert>,
}

/// A `cleared_by` entry: a command kind, or a kind with the parameters it must have.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum RawClearBy {
    Kind(CommandKind),
    Match(RawClearMatch),
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawClearMatch {
    pub command: CommandKind,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub on: Option<bool>,
    #[serde(default)]
    pub direction: Option<crate::sim::model::rules::Direction>,
    #[serde(default)]
    pub below: Option<f64>,
    #[serde(default)]
    pub above: Option<f64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    pub from: String,
    pub text: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    pub source: String,
    #[serde(default = "d_warn")]
    pub level: Level,
    pub text: String,
}

fn d_warn() -> Level {
    Level::Warn
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawFakeAlert {
    pub name: String,
    #[serde(default = "d_ticket")]
    pub severity: AlertSeverity,
    #[serde(default)]
    pub summary: String,
    #[serde(rename = "for")]
    pub for_: Dur,
}

fn d_ticket() -> AlertSeverity {
    AlertSeverity::Ticket
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub enum RawCondition {
    Metric {
        metric: String,
        #[serde(default)]
        above: Option<f64>,
        #[serde(default)]
        below: Option<f64>,
        #[serde(rename = "for", default)]
        for_: Dur,
    },
    Recovered {
        metric: String,
        #[serde(default)]
        above: Option<f64>,
        #[serde(default)]
        below: Option<f64>,
        #[serde(rename = "for", default)]
        for_: Dur,
    },
    After(Dur),
    Command(CommandKind),
    NoCommandBy {
        command: CommandKind,
        by: Dur,
    },
    NoStatusUpdateBy(Dur),
    Declared,
    StatusPosted,
    Started(String),
    FaultActive(String),
    FaultCleared(String),
    Averted(String),
    FlagOn(String),
    FlagOff(String),
    VersionEverywhere {
        service: String,
        version: String,
    },
    VersionGone {
        service: String,
        version: String,
    },
    Blocked(String),
    All(Vec<RawCondition>),
    Any(Vec<RawCondition>),
    Not(Box<RawCondition>),
}

impl RawCondition {
    /// Whether the condition names something only the ground truth knows (a fault, a flag, a
    /// version): an objective written with it would give the cause away if shown as it is.
    pub fn names_the_cause(&self) -> bool {
        match self {
            RawCondition::FaultActive(_)
            | RawCondition::FaultCleared(_)
            | RawCondition::Averted(_)
            | RawCondition::FlagOn(_)
            | RawCondition::FlagOff(_)
            | RawCondition::VersionEverywhere { .. }
            | RawCondition::VersionGone { .. } => true,
            RawCondition::All(all) | RawCondition::Any(all) => all.iter().any(RawCondition::names_the_cause),
            RawCondition::Not(c) => c.names_the_cause(),
            _ => false,
        }
    }
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub enum RawFault {
    InstanceCrash {
        service: String,
        #[serde(default)]
        instance: Option<u32>,
    },
    ServiceOutage {
        service: String,
    },
    AddLatency {
        target: String,
        extra: Dur,
    },
    ErrorInjection {
        target: String,
        rate: f64,
    },
    DependencyDown {
        target: String,
    },
    BlackHole {
        target: String,
    },
    QuotaCut {
        target: String,
        rps: f64,
        #[serde(default)]
        burst: Option<f64>,
    },
    SlowQueries {
        factor: f64,
        #[serde(default)]
        fixed_by_failover: bool,
    },
    DatabaseDown,
    DiskFull {
        write_fraction: f64,
    },
    ConnectionLeak {
        service: String,
        per_minute: f64,
    },
    MemoryLeak {
        service: String,
        mb_per_min: f64,
    },
    CpuHog {
        service: String,
        cores: f64,
    },
    TrafficSpike {
        factor: f64,
    },
    AbusiveClient {
        client: String,
        rps: f64,
    },
    CacheFlush {
        cache: String,
    },
    HotKeyExpiry {
        cache: String,
    },
    BadDeploy {
        service: String,
        version: String,
        #[serde(default)]
        batch: Option<u32>,
        by: String,
        #[serde(default)]
        miss: Vec<u32>,
        #[serde(default)]
        stop_after: Option<u32>,
    },
    FlagFlip {
        flag: String,
        on: bool,
        by: String,
    },
    CapacityChange {
        service: String,
        #[serde(default)]
        remove: Option<u32>,
        #[serde(default)]
        add: Option<u32>,
        #[serde(default)]
        fraction: Option<f64>,
        by: String,
        #[serde(default)]
        intended: String,
    },
    ManualCommand {
        service: String,
        #[serde(default)]
        instance: Option<u32>,
        command: String,
        #[serde(default = "d_effect")]
        effect: ManualEffect,
        by: String,
    },
    PathologicalInput {
        service: String,
        endpoint: String,
        #[serde(default = "d_one")]
        fraction: f64,
        cpu: super::RawDist,
        #[serde(default)]
        crash: bool,
        #[serde(default)]
        version: Option<String>,
        #[serde(default)]
        flag: Option<String>,
    },
    BadConfig {
        service: String,
        change: RawConfigChange,
        by: String,
    },
    CertExpiry {
        target: String,
    },
    Partition {
        service: String,
        target: String,
        fraction: f64,
    },
    MonitoringBlind {
        #[serde(default)]
        component: Option<String>,
    },
    MonitoringLag {
        lag: Dur,
    },
    PoisonMessage {
        queue: String,
        #[serde(default = "d_one_message")]
        count: u32,
    },
    SlowReplica {
        replica: String,
        factor: f64,
    },
    PrimaryPartition {
        fraction: f64,
    },
}

fn d_one_message() -> u32 {
    1
}

fn d_effect() -> ManualEffect {
    ManualEffect::Nothing
}

fn d_one() -> f64 {
    1.0
}

/// Someone else's action that is not trouble: the same fields as the fault it mirrors.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub enum RawChange {
    Deploy {
        service: String,
        version: String,
        #[serde(default)]
        batch: Option<u32>,
        by: String,
        #[serde(default)]
        miss: Vec<u32>,
        #[serde(default)]
        stop_after: Option<u32>,
    },
    Config {
        service: String,
        change: RawConfigChange,
        by: String,
    },
    Flag {
        flag: String,
        on: bool,
        by: String,
    },
    Capacity {
        service: String,
        #[serde(default)]
        remove: Option<u32>,
        #[serde(default)]
        add: Option<u32>,
        #[serde(default)]
        fraction: Option<f64>,
        by: String,
        #[serde(default)]
        intended: String,
    },
    Manual {
        service: String,
        #[serde(default)]
        instance: Option<u32>,
        command: String,
        #[serde(default = "d_effect")]
        effect: ManualEffect,
        by: String,
    },
}

impl RawChange {
    /// The fault that does the same thing (validated the same way).
    pub fn as_fault(&self) -> RawFault {
        match self.clone() {
            RawChange::Deploy { service, version, batch, by, miss, stop_after } => {
                RawFault::BadDeploy { service, version, batch, by, miss, stop_after }
            }
            RawChange::Config { service, change, by } => RawFault::BadConfig { service, change, by },
            RawChange::Flag { flag, on, by } => RawFault::FlagFlip { flag, on, by },
            RawChange::Capacity { service, remove, add, fraction, by, intended } => {
                RawFault::CapacityChange { service, remove, add, fraction, by, intended }
            }
            RawChange::Manual { service, instance, command, effect, by } => {
                RawFault::ManualCommand { service, instance, command, effect, by }
            }
        }
    }
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub enum RawConfigChange {
    PoolSize(u32),
    Timeout { dependency: String, timeout: Dur },
    Retries { dependency: String, max_attempts: u32 },
    RetryBudget { dependency: String, on: bool },
    Breaker { dependency: String, enabled: bool },
    Deadlines(bool),
    QueueLimit(Option<u32>),
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    pub name: String,
    /// What the player is shown during the run, in words that do not give the cause away
    /// (the name is revealed in the debrief).
    #[serde(default)]
    pub goal: Option<String>,
    pub when: RawCondition,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    pub arrives_after: Dur,
    pub says: String,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Verdict {
    Helpful,
    Neutral,
    Harmful,
}

/// Which way a command moves a setting, relative to what was in force just before it.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Direction {
    /// More: instances, tries, pool size, shed fraction, a higher rate limit, a longer timeout.
    Up,
    /// Fewer or less.
    Down,
    /// A longer timeout (`Up` for durations).
    Longer,
    /// A shorter timeout (`Down` for durations).
    Shorter,
    /// Switched on: a flag, a breaker, deadline propagation, a retry budget, shedding.
    On,
    /// Switched off.
    Off,
    /// A rate limit (or shedding) set where there was none, or changed to another value.
    Set,
    /// A rate limit removed, shedding stopped.
    Removed,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawJudge {
    pub command: CommandKind,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub on: Option<bool>,
    #[serde(default)]
    pub direction: Option<Direction>,
    /// For `Deploy` and `Rollback`: the version the command rolls out.
    #[serde(default)]
    pub version: Option<String>,
    /// Bounds on the command's number (instances, tries, pool size, rps, shed fraction, the
    /// timeout in seconds), inclusive.
    #[serde(default)]
    pub at_least: Option<f64>,
    #[serde(default)]
    pub at_most: Option<f64>,
    pub verdict: Verdict,
    pub why: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawPar {
    pub detect: Dur,
    pub mitigate: Dur,
}

impl Default for RawPar {
    fn default() -> Self {
        RawPar { detect: Dur::from_secs(300), mitigate: Dur::from_secs(900) }
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawExpert {
    pub at: Dur,
    pub action: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawComms {
    /// Replaced by the severity rubric (`severity:` at the top level): an error with a hint.
    pub severity: Option<Severity>,
    /// The first status update is due this long after the incident is declared.
    pub first_update_within: Dur,
    /// Later updates are due this often.
    pub cadence: Dur,
}

impl Default for RawComms {
    fn default() -> Self {
        RawComms { severity: None, first_update_within: Dur::from_secs(600), cadence: Dur::from_secs(1800) }
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, default)]
pub struct RawLogs {
    pub per_kind_per_window: u32,
    pub keep: usize,
}

impl Default for RawLogs {
    fn default() -> Self {
        RawLogs { per_kind_per_window: 3, keep: 5_000 }
    }
}
