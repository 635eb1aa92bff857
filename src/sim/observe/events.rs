//! The event log: everything that happened in a run, in order — hidden fault onsets included
//! (flagged `hidden`, revealed in the debrief). Scoring and the debrief read only this log and
//! the metrics; the game's "what changed?" list and alert panel are views of it. Which events
//! matter to which view is decided by one classification, [`EventKind::category`].

use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::command::{Audience, Command, Severity};
use crate::sim::model::rules::AlertSeverity;
use crate::sim::model::seat::By;
use crate::sim::observe::logs::group_thousands;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub t: SimTime,
    /// Not visible to the player during the run (fault onsets and clears).
    pub hidden: bool,
    pub kind: EventKind,
}

/// Who made a change (for the "what changed?" list).
pub type Actor = String;

/// What ended a fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClearCause {
    /// Its `for` ran out.
    Duration,
    /// A player's command that its `cleared_by` names, once the command had taken effect in
    /// the simulation (a rollout finished, a cache warm, instances back in rotation).
    Command { command: Command },
    /// Its `clear_when` condition held.
    Condition,
    /// What it broke was put right: the bad version no longer runs, the setting, flag or
    /// capacity is back, the certificate renewed, the database failed over.
    Fixed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    FaultStarted {
        label: String,
        fault: String,
        detail: String,
    },
    FaultCleared {
        label: String,
        why: String,
        /// `None` only in event logs recorded before causes were.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<ClearCause>,
    },
    /// A fault that was scheduled and will not happen: the player acted in time (a
    /// certificate renewed before it expired).
    FaultAverted {
        label: String,
        why: String,
    },
    CommandApplied {
        command: Command,
        effective_in: Dur,
        cost: u32,
        /// The drill seat that sent it (`None` in a solo run).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<By>,
    },
    CommandRejected {
        command: Command,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<By>,
    },
    CommandTookEffect {
        command: Command,
    },
    AlertPending {
        alert: String,
    },
    AlertFiring {
        alert: String,
        severity: AlertSeverity,
        summary: String,
    },
    AlertResolved {
        alert: String,
    },
    AlertAcknowledged {
        alert: String,
    },
    DeployStarted {
        service: String,
        from: String,
        to: String,
        by: Actor,
    },
    DeployFinished {
        service: String,
        version: String,
    },
    /// A finished rollout left instances on other versions (it missed some, or stopped
    /// partway): `updated` of the `total` live instances run `version`.
    DeployIncomplete {
        service: String,
        version: String,
        updated: u32,
        total: u32,
    },
    /// A deploy the player started is building in the service's pipeline.
    BuildStarted {
        service: String,
        version: String,
        by: Actor,
        takes: Dur,
    },
    DeployPaused {
        service: String,
    },
    DeployResumed {
        service: String,
    },
    ConfigChanged {
        service: String,
        change: String,
        by: Actor,
    },
    FlagChanged {
        flag: String,
        on: bool,
        by: Actor,
    },
    /// Someone else removed or added instances (`intended`: what they meant to do).
    CapacityChanged {
        service: String,
        from: u32,
        to: u32,
        by: Actor,
        intended: String,
    },
    /// Someone ran a command by hand on an instance.
    ManualCommandRun {
        service: String,
        instance: String,
        command: String,
        by: Actor,
    },
    /// Each instance now needs more threads for its peers than the OS allows.
    ThreadLimitReached {
        service: String,
        threads: u32,
        limit: u32,
    },
    /// A tool of the responders stops working, because the component it depends on is down.
    ToolingDown {
        tool: crate::sim::model::spec::Tool,
        component: String,
    },
    ToolingUp {
        tool: crate::sim::model::spec::Tool,
    },
    Scaled {
        service: String,
        from: u32,
        to: u32,
    },
    InstanceStarting {
        service: String,
        instance: String,
        version: String,
    },
    InstanceInRotation {
        service: String,
        instance: String,
    },
    InstanceOutOfRotation {
        service: String,
        instance: String,
        why: String,
    },
    InstanceCrashed {
        service: String,
        instance: String,
        why: String,
    },
    InstanceRestarting {
        service: String,
        instance: String,
        after: Dur,
    },
    InstanceStopped {
        service: String,
        instance: String,
    },
    BreakerOpened {
        service: String,
        dependency: String,
    },
    BreakerHalfOpen {
        service: String,
        dependency: String,
    },
    BreakerClosed {
        service: String,
        dependency: String,
    },
    CacheFlushed {
        cache: String,
    },
    /// A warm-up (`WarmCache`) has loaded the working set.
    CacheWarmed {
        cache: String,
    },
    FailoverStarted,
    FailoverFinished,
    /// A database node is being rebuilt from backup (`Restore`).
    RestoreStarted {
        node: String,
    },
    /// The backup is on the node; it replicates from the primary, `behind` writes behind.
    RestoreCopied {
        node: String,
        behind: u64,
    },
    /// The rebuilt node has caught up with the primary.
    RestoreFinished {
        node: String,
    },
    EdgeChanged {
        change: String,
    },
    IncidentDeclared {
        severity: Severity,
    },
    SeverityChanged {
        from: Severity,
        to: Severity,
    },
    StatusUpdatePosted {
        audience: Audience,
        impact: String,
        #[serde(default)]
        next_update: Dur,
        #[serde(default)]
        all_clear: bool,
    },
    IncidentResolved,
    Message {
        from: String,
        text: String,
    },
    /// The facilitator shows a clue to everyone.
    Revealed {
        text: String,
    },
    /// The facilitator's hint to one seat (everyone's log has it; a seat shows its own).
    Tip {
        seat: String,
        text: String,
    },
    HintGiven {
        text: String,
        #[serde(default)]
        tier: crate::sim::model::hint::HintTier,
    },
    TeamArrived {
        team: String,
        says: String,
    },
    ObjectiveMet {
        objective: String,
    },
    /// Every objective holds (`stable: true`), or they no longer all do (a relapse).
    StabilityChanged {
        stable: bool,
    },
    /// The scenario's cause condition now holds (`removed: true`), or no longer does.
    CauseChanged {
        removed: bool,
    },
    /// The game will end the run at `at` unless something changes: announced in advance.
    EndScheduled {
        at: SimTime,
        reason: crate::sim::engine::EndReason,
    },
    /// A scheduled auto-end no longer applies (the service is not stable any more).
    EndCancelled,
    RunEnded {
        reason: crate::sim::engine::EndReason,
    },
}

/// How a tool is named to the player.
pub fn tool_name(t: crate::sim::model::spec::Tool) -> &'static str {
    use crate::sim::model::spec::Tool;
    match t {
        Tool::StatusPage => "the status page",
        Tool::Deploys => "the deploy pipeline",
        Tool::Monitoring => "monitoring",
        Tool::Commands => "the access path for commands",
    }
}

/// What sort of change to the system an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Deploy,
    Config,
    Flag,
    Scale,
    Restart,
    /// A command run by hand on a host.
    Manual,
    /// A cache flushed or warmed.
    Cache,
    Failover,
    Edge,
}

/// What an event means to a person reading the run. This is the one classification: the
/// changes panel, the chart markers, the debrief's sections and the text report each choose
/// the categories they show, so a new event kind is classified here, once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// A hidden fault starts or clears: the truth, revealed in the debrief.
    Fault,
    /// The player's command was accepted or rejected.
    Command { accepted: bool },
    /// Someone starts changing the system: a deploy, config push, flag, scaling, restart,
    /// cache flush, failover or edge setting ("what changed?").
    Change(ChangeKind),
    /// A change under way moves on: a rollout finishes, pauses or resumes; a failover ends.
    Progress(ChangeKind),
    /// Monitoring pages: an alert fires.
    Alert,
    /// Trouble the player can see or is told about: a crash, a breaker opening, a message.
    Signal,
    /// Help arrives: a paged team, a hint.
    Help,
    /// Things get better: an alert resolves, a breaker closes, the objectives are met.
    Recovery,
    /// The incident as the player runs it: declared, a status update, resolved.
    Incident,
    /// The run is over.
    End,
    /// Bookkeeping the summaries leave out: pending and acknowledged alerts, instance
    /// lifecycle steps, a half-open breaker, a delayed command taking effect.
    Detail,
}

impl EventKind {
    pub fn category(&self) -> Category {
        use EventKind as E;
        match self {
            E::FaultStarted { .. } | E::FaultCleared { .. } | E::FaultAverted { .. } => Category::Fault,
            E::CommandApplied { .. } => Category::Command { accepted: true },
            E::CommandRejected { .. } => Category::Command { accepted: false },
            E::DeployStarted { .. } | E::BuildStarted { .. } => Category::Change(ChangeKind::Deploy),
            E::DeployFinished { .. }
            | E::DeployIncomplete { .. }
            | E::DeployPaused { .. }
            | E::DeployResumed { .. } => Category::Progress(ChangeKind::Deploy),
            E::ManualCommandRun { .. } => Category::Change(ChangeKind::Manual),
            E::ConfigChanged { .. } => Category::Change(ChangeKind::Config),
            E::FlagChanged { .. } => Category::Change(ChangeKind::Flag),
            E::Scaled { .. } | E::CapacityChanged { .. } => Category::Change(ChangeKind::Scale),
            E::InstanceRestarting { .. } => Category::Change(ChangeKind::Restart),
            E::CacheFlushed { .. } => Category::Change(ChangeKind::Cache),
            E::CacheWarmed { .. } => Category::Progress(ChangeKind::Cache),
            // A restore changes the database's topology, as a failover does.
            E::FailoverStarted | E::RestoreStarted { .. } => Category::Change(ChangeKind::Failover),
            E::FailoverFinished | E::RestoreCopied { .. } | E::RestoreFinished { .. } => {
                Category::Progress(ChangeKind::Failover)
            }
            E::EdgeChanged { .. } => Category::Change(ChangeKind::Edge),
            E::AlertFiring { .. } => Category::Alert,
            E::InstanceCrashed { .. }
            | E::BreakerOpened { .. }
            | E::Message { .. }
            | E::ThreadLimitReached { .. }
            | E::ToolingDown { .. } => Category::Signal,
            E::TeamArrived { .. } | E::HintGiven { .. } | E::Revealed { .. } | E::Tip { .. } => Category::Help,
            E::AlertResolved { .. }
            | E::BreakerClosed { .. }
            | E::ObjectiveMet { .. }
            | E::ToolingUp { .. }
            | E::StabilityChanged { .. }
            | E::CauseChanged { .. } => Category::Recovery,
            E::IncidentDeclared { .. }
            | E::SeverityChanged { .. }
            | E::StatusUpdatePosted { .. }
            | E::IncidentResolved => Category::Incident,
            E::EndScheduled { .. } | E::EndCancelled | E::RunEnded { .. } => Category::End,
            E::CommandTookEffect { .. }
            | E::AlertPending { .. }
            | E::AlertAcknowledged { .. }
            | E::InstanceStarting { .. }
            | E::InstanceInRotation { .. }
            | E::InstanceOutOfRotation { .. }
            | E::InstanceStopped { .. }
            | E::BreakerHalfOpen { .. } => Category::Detail,
        }
    }

    /// Who made a change, where the event says (`"you"` for the player).
    pub fn actor(&self) -> Option<&str> {
        match self {
            EventKind::DeployStarted { by, .. }
            | EventKind::BuildStarted { by, .. }
            | EventKind::ConfigChanged { by, .. }
            | EventKind::FlagChanged { by, .. }
            | EventKind::CapacityChanged { by, .. }
            | EventKind::ManualCommandRun { by, .. } => Some(by),
            _ => None,
        }
    }

    /// One readable line, the instants it names shown by `clock` (the time of day when the
    /// scenario has a start; `describe` shows the run clock).
    pub fn describe_with(&self, clock: impl Fn(SimTime) -> String) -> String {
        match self {
            EventKind::EndScheduled { at, reason } => {
                format!("the run will end at {} ({})", clock(*at), reason.describe())
            }
            _ => self.describe(),
        }
    }

    /// One readable line.
    pub fn describe(&self) -> String {
        use EventKind as E;
        match self {
            E::FaultStarted { label, detail, .. } => format!("FAULT {label}: {detail}"),
            E::FaultCleared { label, why, .. } => format!("fault {label} cleared ({why})"),
            E::FaultAverted { label, why } => format!("fault {label} averted ({why})"),
            E::CommandApplied { command, by, .. } if command.kind().facilitator_only() => {
                format!("{}: {}", by.as_ref().map_or("facilitator".to_string(), By::to_string), command.label())
            }
            E::CommandApplied { command, effective_in, by, .. } => {
                let who = by.as_ref().map_or("you".to_string(), By::to_string);
                if effective_in.0 == 0 {
                    format!("{who}: {}", command.label())
                } else {
                    format!("{who}: {} (takes effect in {})", command.label(), effective_in.human())
                }
            }
            E::CommandRejected { command, reason, by: None } => format!("rejected: {}: {reason}", command.label()),
            E::CommandRejected { command, reason, by: Some(by) } => {
                format!("{by}: rejected: {}: {reason}", command.label())
            }
            E::CommandTookEffect { command } => format!("in effect: {}", command.label()),
            E::AlertPending { alert } => format!("alert pending: {alert}"),
            E::AlertFiring { alert, severity, summary } => format!("ALERT {alert} ({}): {summary}", severity.word()),
            E::AlertResolved { alert } => format!("alert resolved: {alert}"),
            E::AlertAcknowledged { alert } => format!("alert acknowledged: {alert}"),
            E::DeployStarted { service, from, to, by } if from == to => {
                format!("rolling restart of {service} ({to}) by {by}")
            }
            E::DeployStarted { service, from, to, by } => format!("deploy {service} {from} → {to} by {by}"),
            E::DeployFinished { service, version } => {
                format!("deploy of {service} {version} finished")
            }
            E::DeployIncomplete { service, version, updated, total } => {
                format!("{service}: only {updated} of {total} instances run {version} after the deploy")
            }
            E::BuildStarted { service, version, by, takes } => {
                format!("build of {service} {version} by {by} (the pipeline takes {takes})")
            }
            E::DeployPaused { service } => format!("rollout of {service} paused"),
            E::DeployResumed { service } => format!("rollout of {service} resumed"),
            E::ConfigChanged { service, change, by } => format!("config {service}: {change} by {by}"),
            E::FlagChanged { flag, on, by } => {
                format!("flag {flag} {} by {by}", if *on { "on" } else { "off" })
            }
            E::Scaled { service, from, to } => format!("scale {service} {from} → {to}"),
            E::CapacityChanged { service, from, to, by, intended } => {
                let meant = if intended.is_empty() { String::new() } else { format!(" (intended: {intended})") };
                format!("capacity {service} {from} → {to} by {by}{meant}")
            }
            E::ManualCommandRun { instance, command, by, .. } => format!("{by} ran `{command}` on {instance}"),
            E::ThreadLimitReached { service, threads, limit } => {
                format!("{service}: {threads} threads per instance, over the OS limit of {limit}")
            }
            E::ToolingDown { tool, component } => {
                format!("{} is not working: it depends on {component}", tool_name(*tool))
            }
            E::ToolingUp { tool } => format!("{} works again", tool_name(*tool)),
            E::InstanceStarting { instance, version, .. } => format!("{instance} starting ({version})"),
            E::InstanceInRotation { instance, .. } => format!("{instance} healthy, in rotation"),
            E::InstanceOutOfRotation { instance, why, .. } => {
                format!("{instance} out of rotation: {why}")
            }
            E::InstanceCrashed { instance, why, .. } => format!("{instance} crashed: {why}"),
            E::InstanceRestarting { instance, after, .. } => format!("{instance} restarting in {}", after.human()),
            E::InstanceStopped { instance, .. } => format!("{instance} stopped"),
            E::BreakerOpened { service, dependency } => format!("breaker {service}→{dependency} OPEN"),
            E::BreakerHalfOpen { service, dependency } => format!("breaker {service}→{dependency} half-open"),
            E::BreakerClosed { service, dependency } => format!("breaker {service}→{dependency} closed"),
            E::CacheFlushed { cache } => format!("cache {cache} flushed"),
            E::CacheWarmed { cache } => format!("cache {cache} warmed up"),
            E::FailoverStarted => "database failover started".to_string(),
            E::FailoverFinished => "database failover finished: replica promoted".to_string(),
            E::RestoreStarted { node } => format!("restore of {node} from backup started"),
            E::RestoreCopied { node, behind } => {
                format!("restore of {node}: backup copied, replicating ({} writes behind)", group_thousands(*behind))
            }
            E::RestoreFinished { node } => format!("restore of {node} finished: caught up with the primary"),
            E::EdgeChanged { change } => format!("edge: {change}"),
            E::IncidentDeclared { severity } => format!("incident declared {}", severity.name()),
            E::SeverityChanged { from, to } => format!(
                "{} from {} to {}",
                if to < from { "escalated" } else { "de-escalated" },
                from.name(),
                to.name()
            ),
            E::StatusUpdatePosted { audience, all_clear: true, .. } => {
                format!("all-clear posted to {}", audience.word())
            }
            E::StatusUpdatePosted { audience, next_update, .. } => {
                format!("status update to {}, next in {}", audience.word(), next_update.human())
            }
            E::IncidentResolved => "incident resolved".to_string(),
            E::Message { from, text } => format!("{from}: {text}"),
            E::HintGiven { text, tier } => format!("hint, {} (−{} points): {text}", tier.name(), tier.points()),
            E::TeamArrived { team, says } => format!("{team} joined: {says}"),
            E::Revealed { text } => format!("revealed: {text}"),
            E::Tip { seat, text } => format!("tip to {seat}: {text}"),
            E::ObjectiveMet { objective } => format!("objective met: {objective}"),
            E::StabilityChanged { stable: true } => {
                "stable: every objective holds — remove the cause, post the all-clear, resolve".to_string()
            }
            E::StabilityChanged { stable: false } => "no longer stable: an objective stopped holding".to_string(),
            E::CauseChanged { removed: true } => "the cause is removed".to_string(),
            E::CauseChanged { removed: false } => "the cause is back".to_string(),
            E::EndScheduled { at, reason } => format!("the run will end at {} ({})", at.clock(), reason.describe()),
            E::EndCancelled => "the scheduled end is cancelled: the service is no longer stable".to_string(),
            E::RunEnded { reason } => format!("run ended: {}", reason.describe()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;
    use crate::sim::kernel::time::Dur;
    use crate::sim::model::command::Command;

    #[test]
    fn durations_in_event_lines_read_as_people_write_them() {
        // A delay computed from the engine's clock is rarely whole seconds: 1 min 0.746767 s.
        let applied =
            EventKind::CommandApplied { command: Command::Resolve, effective_in: Dur(60_746_767), cost: 0, by: None };
        assert_eq!(applied.describe(), "you: resolve the incident (takes effect in 1m 01s)");
        let restarting =
            EventKind::InstanceRestarting { service: "api".into(), instance: "api-1".into(), after: Dur(4_500_000) };
        assert_eq!(restarting.describe(), "api-1 restarting in 4.5s");
    }
}
