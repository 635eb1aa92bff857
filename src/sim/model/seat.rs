//! Drill seats: who sent a command and in which role. A solo run has no seats; in a drill
//! every command in the timed log names its seat, so the debrief can say who did what and a
//! replay reproduces the drill. The roles follow incident command practice: the incident
//! commander owns the incident's state, operations changes the system, communications talks
//! to stakeholders, and the facilitator runs the exercise.

use super::command_kind::CommandKind;
use serde::{Deserialize, Serialize};

/// A seat's role in a drill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Runs the exercise: sees the truth, injects trouble, moves the clock.
    Facilitator,
    /// The incident commander: declares, sets the severity, resolves.
    Ic,
    /// Operations: changes the system (rollbacks, scaling, flags, breakers …).
    Ops,
    /// Communications: posts status updates.
    Comms,
    /// Watches on their own screen and may do nothing.
    Observer,
    /// The room's big read-only dashboard.
    Projector,
}

/// Who sent a command: the name they joined with and their seat's role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct By {
    pub name: String,
    pub role: Role,
}

impl std::fmt::Display for By {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.role.name())
    }
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Facilitator, Role::Ic, Role::Ops, Role::Comms, Role::Observer, Role::Projector];
    /// The roles a participant may join as (the facilitator is the host).
    pub const SEATS: [Role; 5] = [Role::Ic, Role::Ops, Role::Comms, Role::Observer, Role::Projector];

    /// The short name used on the command line and in run files' prose.
    pub fn name(self) -> &'static str {
        match self {
            Role::Facilitator => "facilitator",
            Role::Ic => "ic",
            Role::Ops => "ops",
            Role::Comms => "comms",
            Role::Observer => "observer",
            Role::Projector => "projector",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Role::Facilitator => "facilitator",
            Role::Ic => "incident commander",
            Role::Ops => "operations",
            Role::Comms => "communications",
            Role::Observer => "observer",
            Role::Projector => "projector",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name().eq_ignore_ascii_case(s.trim()))
    }

    /// Whether the seat acts at all (observers and the projector only watch).
    pub fn acts(self) -> bool {
        !matches!(self, Role::Observer | Role::Projector)
    }

    /// The role that owns a kind of command by default. `None`: anyone who acts may (an
    /// acknowledgement, a hint, paging another team).
    pub fn owner(kind: CommandKind) -> Option<Role> {
        use CommandKind as K;
        match kind {
            K::Ack | K::Hint | K::Page => None,
            K::Fire | K::Reveal | K::Tip => Some(Role::Facilitator),
            K::Declare | K::ChangeSeverity | K::Resolve => Some(Role::Ic),
            K::StatusUpdate => Some(Role::Comms),
            _ => Some(Role::Ops),
        }
    }

    /// The kinds this role may send by default.
    pub fn default_kinds(self) -> Vec<CommandKind> {
        if !self.acts() {
            return Vec::new();
        }
        CommandKind::ALL
            .into_iter()
            .filter(|&k| self == Role::Facilitator || Role::owner(k).is_none_or(|o| o == self))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_own_what_incident_command_gives_them() {
        assert!(Role::Ic.default_kinds().contains(&CommandKind::Declare));
        assert!(!Role::Ic.default_kinds().contains(&CommandKind::Rollback));
        assert!(Role::Ops.default_kinds().contains(&CommandKind::Rollback));
        assert!(!Role::Ops.default_kinds().contains(&CommandKind::Resolve));
        assert_eq!(
            Role::Comms.default_kinds(),
            [CommandKind::Ack, CommandKind::StatusUpdate, CommandKind::Page, CommandKind::Hint]
        );
        assert!(Role::Observer.default_kinds().is_empty() && Role::Projector.default_kinds().is_empty());
        assert_eq!(Role::Facilitator.default_kinds().len(), CommandKind::ALL.len());
        // Running the exercise is the facilitator's alone.
        for k in [CommandKind::Fire, CommandKind::Reveal, CommandKind::Tip] {
            assert!(k.facilitator_only());
            assert_eq!(Role::owner(k), Some(Role::Facilitator));
            for r in Role::SEATS {
                assert!(!r.default_kinds().contains(&k), "{r:?} {k:?}");
            }
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.name()), Some(r));
        }
        assert_eq!(Role::parse(" IC "), Some(Role::Ic));
        assert_eq!(Role::parse("boss"), None);
    }
}
