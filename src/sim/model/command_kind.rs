//! The kinds of command, without their parameters: what scenarios judge and clear faults by,
//! what the action menu lists, and each kind's delay, cost and whether it needs confirming.

use crate::sim::kernel::time::Dur;
use serde::{Deserialize, Serialize};

/// The kind of a command, without its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CommandKind {
    Ack,
    Declare,
    StatusUpdate,
    ChangeSeverity,
    Resolve,
    Rollback,
    PauseRollout,
    ResumeRollout,
    Deploy,
    Scale,
    Restart,
    Drain,
    SetFlag,
    SetRateLimit,
    SetShed,
    BlockClient,
    SetBreaker,
    SetRetries,
    SetTimeout,
    SetPoolSize,
    SetDeadlines,
    SetHealthCheck,
    RevertConfig,
    FlushCache,
    WarmCache,
    Failover,
    Restore,
    RenewCert,
    Page,
    Hint,
    /// Facilitator: fire a manual timeline entry (a contingency or a live inject).
    Fire,
    /// Facilitator: show a clue to everyone.
    Reveal,
    /// Facilitator: a hint to one seat.
    Tip,
}

impl CommandKind {
    pub const ALL: [CommandKind; 33] = [
        CommandKind::Ack,
        CommandKind::Declare,
        CommandKind::StatusUpdate,
        CommandKind::ChangeSeverity,
        CommandKind::Resolve,
        CommandKind::Rollback,
        CommandKind::PauseRollout,
        CommandKind::ResumeRollout,
        CommandKind::Deploy,
        CommandKind::Scale,
        CommandKind::Restart,
        CommandKind::Drain,
        CommandKind::SetFlag,
        CommandKind::SetRateLimit,
        CommandKind::SetShed,
        CommandKind::BlockClient,
        CommandKind::SetBreaker,
        CommandKind::SetRetries,
        CommandKind::SetTimeout,
        CommandKind::SetPoolSize,
        CommandKind::SetDeadlines,
        CommandKind::SetHealthCheck,
        CommandKind::RevertConfig,
        CommandKind::FlushCache,
        CommandKind::WarmCache,
        CommandKind::Failover,
        CommandKind::Restore,
        CommandKind::RenewCert,
        CommandKind::Page,
        CommandKind::Hint,
        CommandKind::Fire,
        CommandKind::Reveal,
        CommandKind::Tip,
    ];

    /// Commands only a drill's facilitator gives: they run the exercise, not the incident, so
    /// no score, hint or judgement counts them and the action menu does not offer them.
    pub fn facilitator_only(self) -> bool {
        matches!(self, CommandKind::Fire | CommandKind::Reveal | CommandKind::Tip)
    }

    /// How long after submission the command takes effect.
    pub fn delay(self) -> Dur {
        use CommandKind as K;
        match self {
            K::Ack
            | K::Declare
            | K::StatusUpdate
            | K::ChangeSeverity
            | K::Resolve
            | K::Hint
            | K::Page
            | K::Fire
            | K::Reveal
            | K::Tip => Dur::ZERO,
            K::Restart | K::Drain | K::FlushCache | K::PauseRollout | K::ResumeRollout => Dur::from_secs(2),
            K::SetRateLimit | K::SetShed | K::BlockClient | K::SetHealthCheck => Dur::from_secs(10),
            K::SetFlag | K::Failover | K::Restore => Dur::from_secs(5),
            K::SetBreaker | K::SetRetries | K::SetTimeout | K::SetPoolSize | K::SetDeadlines | K::RevertConfig => {
                Dur::from_secs(20)
            }
            K::Scale | K::WarmCache => Dur::from_secs(15),
            K::Rollback | K::Deploy => Dur::from_secs(30),
            K::RenewCert => Dur::from_secs(90),
        }
    }

    /// Cost in points (money, risk and people's time), summed into the cost score.
    /// Scaling also costs per extra instance-minute, counted separately.
    pub fn cost(self) -> u32 {
        use CommandKind as K;
        match self {
            K::Failover => 30,
            K::Page => 20,
            K::Restore => 10,
            K::Deploy | K::Rollback => 5,
            K::Restart | K::WarmCache | K::RenewCert => 3,
            _ => 0,
        }
    }

    /// Commands whose side effects can hurt: the game asks for confirmation.
    pub fn destructive(self) -> bool {
        use CommandKind as K;
        matches!(
            self,
            K::Rollback
                | K::Deploy
                | K::Restart
                | K::Drain
                | K::FlushCache
                | K::Failover
                | K::SetShed
                | K::BlockClient
                | K::Resolve
        )
    }

    /// A one-line description for menus and help.
    pub fn describe(self) -> &'static str {
        use CommandKind as K;
        match self {
            K::Ack => "acknowledge an alert",
            K::Declare => "declare an incident with a severity",
            K::StatusUpdate => "post a status update (or the all-clear)",
            K::ChangeSeverity => "escalate or de-escalate the incident",
            K::Resolve => "resolve the incident (ends the run)",
            K::Rollback => "roll back to the previous version",
            K::PauseRollout => "pause a rollout in progress",
            K::ResumeRollout => "resume a paused rollout",
            K::Deploy => "roll out a given version",
            K::Scale => "set the number of instances",
            K::Restart => "restart one instance or all",
            K::Drain => "drain an instance and stop it",
            K::SetFlag => "turn a feature flag on or off",
            K::SetRateLimit => "set or remove the edge rate limit",
            K::SetShed => "shed a fraction of traffic at the edge",
            K::BlockClient => "block one client at the edge",
            K::SetBreaker => "enable or disable a circuit breaker",
            K::SetRetries => "change a retry policy",
            K::SetTimeout => "change a call timeout",
            K::SetPoolSize => "change the database pool size",
            K::SetDeadlines => "turn deadline propagation on or off",
            K::SetHealthCheck => "change a service's health check",
            K::RevertConfig => "revert the last config push",
            K::FlushCache => "empty a cache",
            K::WarmCache => "pre-load a cache from the database",
            K::Failover => "fail the database over to its replica",
            K::Restore => "rebuild a diverged database node from backup",
            K::RenewCert => "renew an expired certificate or token",
            K::Page => "page another team for help",
            K::Hint => "ask for a hint (costs score)",
            K::Fire => "fire a contingency or live inject now (facilitator)",
            K::Reveal => "show a clue to everyone (facilitator)",
            K::Tip => "send a hint to one seat (facilitator)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CommandKind;

    #[test]
    fn all_lists_every_kind_once_in_declaration_order() {
        // serde's derive knows every variant: reading an unknown one fails with the list of
        // them all, in declaration order. ALL must be exactly that list, so a new variant
        // fails this test until ALL lists it.
        let err = ron::from_str::<CommandKind>("NotAKind").expect_err("not a kind");
        let ron::error::Error::NoSuchEnumVariant { expected, .. } = err.code else { panic!("{err}") };
        let every: Vec<CommandKind> =
            expected.iter().map(|name| ron::from_str(name).unwrap_or_else(|e| panic!("{name}: {e}"))).collect();
        assert_eq!(CommandKind::ALL.to_vec(), every);
        // Each kind's discriminant is its position in ALL.
        for (i, k) in CommandKind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i, "{k:?}");
        }
    }
}
