//! Commands as people type them: one text grammar (`rollback api`, `flag coupons-v2 off`,
//! `timeout api payments 2s`, `status customers "checkout errors" 30m`) shared by the game's
//! `:` command line, `play --plain` and, later, drill seats. A line parses to the same typed
//! [`Command`] every other path builds, and a `Command` formats back to the line that parses
//! to it (tested for every kind).
//!
//! Parsing checks names against the scenario ([`Names`]) so that a typo is caught while the
//! player still has the text in front of them, with the closest name and the list of valid
//! ones; everything that depends on the live system (is that alert firing, is there a rollout
//! to pause) is left to the engine's `Sim::resolve`, which front ends call before asking
//! "are you sure?". Completion lists the candidates for the next word from the same table.
//!
//! The grammar is data ([`verbs::VERBS`]): a verb word per `CommandKind`, then its places.

pub mod complete;
mod cursor;
mod format;
pub mod lex;
mod parse;
pub mod verbs;

pub use complete::{Completion, complete, tab};
pub use format::text;
pub use parse::parse;

use crate::sim::{Command, Sim, SimSpec};
use std::ops::Range;

/// The names a command line may use, from the scenario and, in a running game, the live
/// system (red-herring alerts that fired, abusive clients, instance numbers).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    pub services: Vec<String>,
    /// Per service: the names of what it calls (services, third parties, `db`).
    pub deps: Vec<Vec<String>>,
    /// Per service: the numbers of its live instances (empty: not known, any number parses).
    pub instances: Vec<Vec<u32>>,
    /// Per service: what a health check may request (`health`, then its endpoints).
    pub endpoints: Vec<Vec<String>>,
    pub versions: Vec<String>,
    pub flags: Vec<String>,
    pub caches: Vec<String>,
    pub teams: Vec<String>,
    pub alerts: Vec<String>,
    pub clients: Vec<String>,
    pub third_parties: Vec<String>,
    /// The manual timeline entries that have not fired (what `fire` may name).
    pub contingencies: Vec<String>,
    /// The drill's seats by name (what `tip` may name); empty: any word parses.
    pub seats: Vec<String>,
    /// The line is a drill facilitator's: `fire`, `reveal` and `tip` parse and complete
    /// (elsewhere they are refused, and completion and help leave them out).
    pub facilitator: bool,
}

impl Names {
    /// The names a scenario defines.
    pub fn of_spec(spec: &SimSpec) -> Names {
        let names = |it: &mut dyn Iterator<Item = &String>| it.cloned().collect::<Vec<_>>();
        Names {
            services: names(&mut spec.services.iter().map(|s| &s.name)),
            deps: spec
                .services
                .iter()
                .map(|s| s.deps.iter().map(|d| spec.target_name(d.target).to_string()).collect())
                .collect(),
            instances: vec![Vec::new(); spec.services.len()],
            endpoints: spec
                .services
                .iter()
                .map(|s| {
                    std::iter::once("health".to_string()).chain(s.endpoints.iter().map(|e| e.name.clone())).collect()
                })
                .collect(),
            versions: names(&mut spec.versions.iter().map(|v| &v.name)),
            flags: names(&mut spec.flags.iter().map(|f| &f.name)),
            caches: names(&mut spec.caches.iter().map(|c| &c.name)),
            teams: names(&mut spec.teams.iter().map(|t| &t.name)),
            alerts: names(&mut spec.alerts.iter().map(|a| &a.name)),
            clients: Vec::new(),
            third_parties: names(&mut spec.third_parties.iter().map(|t| &t.name)),
            contingencies: names(&mut spec.timeline.iter().filter(|e| e.trigger.is_manual()).map(|e| &e.label)),
            seats: Vec::new(),
            facilitator: false,
        }
    }

    /// The names of a run as it is now: the scenario's, plus the alerts that exist (firing
    /// first), the clients the edge has seen and each service's live instance numbers.
    pub fn of_sim(sim: &Sim) -> Names {
        let mut n = Names::of_spec(sim.spec());
        let mut alerts = sim.alert_views();
        alerts.sort_by_key(|a| !a.firing);
        n.alerts = alerts.into_iter().map(|a| a.name).collect();
        n.clients = sim.edge_view().2;
        n.instances = (0..n.services.len()).map(|s| sim.instances(s).iter().map(|i| i.num).collect()).collect();
        n.contingencies = sim.contingencies();
        n
    }

    pub(crate) fn service_index(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s == name)
    }
}

/// What kind of mistake a line has (tests and front ends match on it; people read the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing was typed.
    Empty,
    /// A `"` opens text that is never closed.
    Unclosed,
    /// The first word is not a command.
    UnknownVerb,
    /// A required word is missing.
    Missing,
    /// A name (service, flag, …) that the scenario does not have.
    UnknownName,
    /// The command names a kind of thing the scenario has none of.
    NothingToName,
    /// A word that should be a number, duration, on/off, … is not one.
    BadValue,
    /// Words left over after the command is complete.
    Extra,
    /// An option given twice.
    Repeated,
}

/// Why a line is not a command: the message says what is wrong and how to write it; `at` is
/// the byte range of the offending word (or the end of the line, for a missing one).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub kind: ErrorKind,
    pub message: String,
    pub at: Range<usize>,
}

/// Parses `line` and formats the command back: the canonical text of what was typed.
pub fn canonical(line: &str, names: &Names) -> Result<String, ParseError> {
    parse(line, names).map(|c: Command| text(&c))
}
