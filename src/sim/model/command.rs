//! Everything a player can do, as one typed enum. Commands name things (services, flags,
//! alerts) the way a person does, so the same value is typed in the game, written in a
//! `--commands` file and stored in a saved run; the engine resolves the names when the command
//! is submitted and rejects it with a reason if they do not resolve.

pub use super::command_kind::CommandKind;
use super::spec::{Backoff, Lane};
use crate::sim::kernel::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Sev1, Severity::Sev2, Severity::Sev3, Severity::Sev4];

    /// `Sev1`…`Sev4`: the words incident responders use.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Sev1 => "Sev1",
            Severity::Sev2 => "Sev2",
            Severity::Sev3 => "Sev3",
            Severity::Sev4 => "Sev4",
        }
    }

    /// 1 for Sev1 (worst) … 4 for Sev4.
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    Internal,
    Executives,
    Customers,
}

impl Audience {
    /// Who reads it, in words.
    pub fn word(self) -> &'static str {
        match self {
            Audience::Internal => "the team",
            Audience::Executives => "executives",
            Audience::Customers => "customers",
        }
    }
}

/// A player action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Command {
    /// Acknowledge a firing alert (stops it re-paging; changes nothing else).
    Ack {
        alert: String,
    },
    /// Declare an incident at a severity (Sev1 is worst).
    Declare {
        severity: Severity,
    },
    /// Post a status update and promise the next one; `all_clear: true` is the final one
    /// (the service is back to normal, no next update is promised).
    StatusUpdate {
        audience: Audience,
        #[serde(default)]
        impact: String,
        #[serde(default)]
        next_update: Dur,
        #[serde(default)]
        all_clear: bool,
    },
    /// Escalate or de-escalate a declared incident to another severity.
    ChangeSeverity {
        severity: Severity,
    },
    /// Close the incident.
    Resolve,
    /// Roll the service back to the version it ran before the last rollout.
    Rollback {
        service: String,
    },
    PauseRollout {
        service: String,
    },
    ResumeRollout {
        service: String,
    },
    /// Roll out a given version (roll forward to a fix).
    Deploy {
        service: String,
        version: String,
    },
    /// Set the number of instances.
    Scale {
        service: String,
        instances: u32,
    },
    /// Restart one instance (by number) or all, one at a time or all at once.
    Restart {
        service: String,
        #[serde(default)]
        instance: Option<u32>,
        #[serde(default)]
        all_at_once: bool,
    },
    /// Take one instance out of rotation and stop it once idle.
    Drain {
        service: String,
        instance: u32,
    },
    SetFlag {
        flag: String,
        on: bool,
    },
    /// Edge rate limit (requests per second; `None` removes it).
    SetRateLimit {
        #[serde(default)]
        rps: Option<f64>,
        #[serde(default)]
        burst: Option<f64>,
    },
    /// Reject this fraction of user traffic at the edge (0 stops shedding).
    SetShed {
        fraction: f64,
    },
    /// Reject every request from one client at the edge.
    BlockClient {
        client: String,
    },
    SetBreaker {
        service: String,
        dependency: String,
        enabled: bool,
    },
    SetRetries {
        service: String,
        dependency: String,
        max_attempts: u32,
        #[serde(default)]
        budget: Option<bool>,
        #[serde(default)]
        backoff: Option<Backoff>,
    },
    SetTimeout {
        service: String,
        dependency: String,
        timeout: Dur,
    },
    SetPoolSize {
        service: String,
        size: u32,
    },
    SetDeadlines {
        service: String,
        on: bool,
    },
    /// Change the load balancer's health check of a service: the endpoint it requests
    /// (`"health"` for the built-in shallow check), whether it waits in the request queue
    /// (`Shared`) or on its own lane, its interval, timeout and thresholds; or switch it off
    /// (every ready instance stays in rotation). Fields left out keep their values.
    SetHealthCheck {
        service: String,
        #[serde(default)]
        endpoint: Option<String>,
        #[serde(default)]
        lane: Option<Lane>,
        #[serde(default)]
        interval: Option<Dur>,
        #[serde(default)]
        timeout: Option<Dur>,
        #[serde(default)]
        unhealthy_after: Option<u32>,
        #[serde(default)]
        healthy_after: Option<u32>,
        #[serde(default)]
        enabled: Option<bool>,
    },
    /// Put back the service's config as it was before the last push.
    RevertConfig {
        service: String,
    },
    FlushCache {
        cache: String,
    },
    /// Pre-load the cache from the database (adds database load while it warms).
    WarmCache {
        cache: String,
    },
    /// Promote the database replica (a window of errors, then a fresh primary).
    Failover,
    /// Rebuild the database node a failover left diverged, from backup (`database.restore`).
    Restore,
    /// Renew an expired certificate or token ("edge" or a third party's name).
    RenewCert {
        target: String,
    },
    /// Page another team; they arrive after a while.
    Page {
        team: String,
    },
    /// Ask for a hint (costs score).
    Hint,
    /// Facilitator: fire the manual timeline entry (a contingency or a live inject) with this
    /// label, now.
    Fire {
        entry: String,
    },
    /// Facilitator: show a clue to everyone.
    Reveal {
        text: String,
    },
    /// Facilitator: a hint to one seat (by its name).
    Tip {
        seat: String,
        text: String,
    },
}

/// A command with the sim time it was submitted at: the unit of a commands file and a save.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedCommand {
    pub at: SimTime,
    pub command: Command,
    /// The drill seat that sent it; `None` in a solo run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<super::seat::By>,
}

impl Command {
    pub fn kind(&self) -> CommandKind {
        use Command as C;
        use CommandKind as K;
        match self {
            C::Ack { .. } => K::Ack,
            C::Declare { .. } => K::Declare,
            C::StatusUpdate { .. } => K::StatusUpdate,
            C::ChangeSeverity { .. } => K::ChangeSeverity,
            C::Resolve => K::Resolve,
            C::Rollback { .. } => K::Rollback,
            C::PauseRollout { .. } => K::PauseRollout,
            C::ResumeRollout { .. } => K::ResumeRollout,
            C::Deploy { .. } => K::Deploy,
            C::Scale { .. } => K::Scale,
            C::Restart { .. } => K::Restart,
            C::Drain { .. } => K::Drain,
            C::SetFlag { .. } => K::SetFlag,
            C::SetRateLimit { .. } => K::SetRateLimit,
            C::SetShed { .. } => K::SetShed,
            C::BlockClient { .. } => K::BlockClient,
            C::SetBreaker { .. } => K::SetBreaker,
            C::SetRetries { .. } => K::SetRetries,
            C::SetTimeout { .. } => K::SetTimeout,
            C::SetPoolSize { .. } => K::SetPoolSize,
            C::SetDeadlines { .. } => K::SetDeadlines,
            C::SetHealthCheck { .. } => K::SetHealthCheck,
            C::RevertConfig { .. } => K::RevertConfig,
            C::FlushCache { .. } => K::FlushCache,
            C::WarmCache { .. } => K::WarmCache,
            C::Failover => K::Failover,
            C::Restore => K::Restore,
            C::RenewCert { .. } => K::RenewCert,
            C::Page { .. } => K::Page,
            C::Hint => K::Hint,
            C::Fire { .. } => K::Fire,
            C::Reveal { .. } => K::Reveal,
            C::Tip { .. } => K::Tip,
        }
    }

    /// The service the command acts on, if any (for "commands for the selected component").
    pub fn service(&self) -> Option<&str> {
        use Command as C;
        match self {
            C::Rollback { service }
            | C::PauseRollout { service }
            | C::ResumeRollout { service }
            | C::Deploy { service, .. }
            | C::Scale { service, .. }
            | C::Restart { service, .. }
            | C::Drain { service, .. }
            | C::SetBreaker { service, .. }
            | C::SetRetries { service, .. }
            | C::SetTimeout { service, .. }
            | C::SetPoolSize { service, .. }
            | C::SetDeadlines { service, .. }
            | C::SetHealthCheck { service, .. }
            | C::RevertConfig { service } => Some(service),
            _ => None,
        }
    }
}

impl Command {
    /// A short human description: "roll back api", "turn flag coupons-v2 off".
    pub fn label(&self) -> String {
        use Command as C;
        let onoff = |b: bool| if b { "on" } else { "off" };
        match self {
            C::Ack { alert } => format!("acknowledge {alert}"),
            C::Declare { severity } => format!("declare a {} incident", severity.name()),
            C::StatusUpdate { audience, all_clear: true, .. } => format!("all-clear to {}", audience.word()),
            C::StatusUpdate { audience, next_update, .. } => {
                format!("status update to {} (next in {})", audience.word(), next_update.human())
            }
            C::ChangeSeverity { severity } => format!("change the severity to {}", severity.name()),
            C::Resolve => "resolve the incident".into(),
            C::Rollback { service } => format!("roll back {service}"),
            C::PauseRollout { service } => format!("pause the rollout of {service}"),
            C::ResumeRollout { service } => format!("resume the rollout of {service}"),
            C::Deploy { service, version } => format!("deploy {service} {version}"),
            C::Scale { service, instances } => format!("scale {service} to {instances}"),
            C::Restart { service, instance: Some(n), .. } => format!("restart {service}-{n}"),
            C::Restart { service, all_at_once: true, .. } => format!("restart all of {service} at once"),
            C::Restart { service, .. } => format!("rolling restart of {service}"),
            C::Drain { service, instance } => format!("drain {service}-{instance}"),
            C::SetFlag { flag, on } => format!("turn flag {flag} {}", onoff(*on)),
            C::SetRateLimit { rps: Some(r), .. } => format!("rate-limit the edge to {r} rps"),
            C::SetRateLimit { rps: None, .. } => "remove the edge rate limit".into(),
            C::SetShed { fraction } => format!("shed {:.0}% of traffic", fraction * 100.0),
            C::BlockClient { client } => format!("block client {client}"),
            C::SetBreaker { service, dependency, enabled } => {
                format!("breaker {service}→{dependency} {}", onoff(*enabled))
            }
            C::SetRetries { service, dependency, max_attempts, budget, .. } => format!(
                "{service}→{dependency}: {max_attempts} {}{}",
                if *max_attempts == 1 { "try (no retries)" } else { "tries" },
                budget.map(|b| format!(", retry budget {}", onoff(b))).unwrap_or_default()
            ),
            C::SetTimeout { service, dependency, timeout } => format!("{service}→{dependency} timeout {timeout}"),
            C::SetPoolSize { service, size } => format!("{service} pool size {size}"),
            C::SetDeadlines { service, on } => format!("{service} deadline propagation {}", onoff(*on)),
            C::SetHealthCheck { service, enabled: Some(false), .. } => format!("switch {service}'s health check off"),
            C::SetHealthCheck { service, endpoint, interval, .. } => format!(
                "{service} health check{}{}",
                endpoint.as_ref().map(|e| format!(" → {e}")).unwrap_or_default(),
                interval.map(|i| format!(" every {i}")).unwrap_or_default()
            ),
            C::RevertConfig { service } => format!("revert {service}'s last config push"),
            C::FlushCache { cache } => format!("flush cache {cache}"),
            C::WarmCache { cache } => format!("warm cache {cache}"),
            C::Failover => "fail the database over".into(),
            C::Restore => "restore the diverged database node from backup".into(),
            C::RenewCert { target } => format!("renew the certificate for {target}"),
            C::Page { team } => format!("page {team}"),
            C::Hint => "ask for a hint".into(),
            C::Fire { entry } => format!("fired contingency {entry}"),
            C::Reveal { text } => format!("revealed: {text}"),
            C::Tip { seat, text } => format!("tip to {seat}: {text}"),
        }
    }
}

impl fmt::Display for Command {
    /// The command in the RON form a commands file uses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = ron::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_prints_as_ron_that_reads_back() {
        let c = Command::Restart { service: "api".into(), instance: Some(2), all_at_once: false };
        let text = c.to_string();
        assert!(text.starts_with("Restart("), "{text}");
        let back: Command = ron::from_str(&text).unwrap();
        assert_eq!(back, c);
    }
}
