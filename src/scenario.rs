//! Scenarios: RON text → raw serde structs → validated `Spec` (story, scoring data and the
//! engine's `SimSpec`). Loading never panics on bad input: syntax errors and every semantic
//! problem come back together, each with file, line, column and a hint. Limits keep a hostile
//! file from hanging the program or exhausting memory; scenario text is stripped of control
//! characters. The shipped scenarios are embedded in the binary.

pub mod budget;
mod builtin;
pub mod campaign;
pub mod challenge;
mod commands;
pub mod error;
pub mod live;
pub mod locate;
mod metric_ref;
pub mod raw;
mod rubric;
mod seats;
pub mod tutorial;
mod validate;
mod validate_assess;
mod validate_ctx;
mod validate_data;
mod validate_fault;
mod validate_load;
mod validate_mech;
mod validate_plan;
mod validate_queue;
mod validate_ranges;
mod validate_rules;
mod validate_tutorial;

pub use builtin::{BUILTIN, builtin, builtin_ids};
pub use commands::{
    MAX_COMMANDS, MAX_COMMANDS_PER_SECOND, check_command_limits, clean_command, clean_commands, parse_commands,
};
pub use error::{ScenarioError, ScenarioErrors};
pub use live::{LiveEntryError, catalogue, live_entry};
pub use raw::{Difficulty, Direction, Verdict};
pub use rubric::{Level, Rubric};
pub use validate_ctx::MAX_ITEMS;

use crate::sim::Dur;
use crate::sim::SimSpec;
use crate::sim::{CommandKind, SimTime};
use std::sync::Arc;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Spec {
    pub id: String,
    pub title: String,
    pub difficulty: Difficulty,
    pub teaches: Vec<String>,
    /// One line: what this scenario is about.
    pub summary: String,
    pub role: String,
    pub briefing: String,
    pub owns: Vec<String>,
    pub runbook: Vec<String>,
    pub default_seed: u64,
    /// What was really going on (revealed in the debrief).
    pub truth: String,
    pub judge: Vec<Judgement>,
    pub par: Par,
    pub expert: Vec<ExpertStep>,
    pub lessons: Vec<String>,
    pub comms: Comms,
    /// The wall-clock time the scenario starts at, seconds past midnight (`starts_at`).
    pub starts_at: Option<u32>,
    /// What each severity means here, and when it applies.
    pub rubric: Rubric,
    /// Objectives' par times are in `expert`/`par`; names are in `sim.objectives`.
    pub sim: Arc<SimSpec>,
    /// The interactive tutorial's prompts (empty: not a tutorial). Only the game shows them;
    /// a tutorial's result marks it done and is never kept as a best score.
    pub tutorial: Vec<tutorial::Step>,
    /// What each drill seat may send, for the roles the scenario changes (the others keep
    /// `Role::default_kinds`).
    pub seats: std::collections::BTreeMap<crate::sim::Role, Vec<crate::sim::CommandKind>>,
    /// FNV-1a of the file's bytes: a saved run records it to detect a changed scenario.
    pub content_hash: u64,
}

impl Spec {
    /// Whether this scenario is an interactive tutorial.
    pub fn is_tutorial(&self) -> bool {
        !self.tutorial.is_empty()
    }

    pub fn length(&self) -> Dur {
        self.sim.duration
    }

    /// `t` as the player reads it: the time of day if the scenario has a start, else the run
    /// clock (`02:10`).
    pub fn clock(&self, t: SimTime) -> String {
        t.clock_from(self.starts_at)
    }
}

/// A scenario's verdict on a kind of command.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    pub command: CommandKind,
    pub service: Option<String>,
    /// A dependency, flag, cache, version, team, alert or client name.
    pub target: Option<String>,
    pub on: Option<bool>,
    pub direction: Option<Direction>,
    /// For `Deploy`/`Rollback`: the version rolled out.
    pub version: Option<String>,
    /// Inclusive bounds on the command's number.
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub verdict: Verdict,
    pub why: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Par {
    /// Time from the first fault to a meaningful response.
    pub detect: Dur,
    /// Time from the first fault until the SLO recovers.
    pub mitigate: Dur,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExpertStep {
    pub at: Dur,
    pub action: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comms {
    pub first_update_within: Dur,
    pub cadence: Dur,
}

/// FNV-1a, 64 bit: stable across platforms and releases (unlike `DefaultHasher`).
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Parses and validates scenario text; `file` is the name used in error messages.
pub fn parse(file: &str, text: &str) -> Result<Spec, ScenarioErrors> {
    parse_measured(file, text).0
}

/// The work loading a scenario did, in the units that could grow with a hostile file. The
/// limits bound each of them, so tests bound the work instead of timing it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Bytes handed to the RON parser (none when the file is refused for its size).
    pub parsed_bytes: usize,
    /// Names compared while resolving references (a lookup scans one list of names).
    pub name_comparisons: u64,
    /// Bytes the locator scanned to position problems: the whole text once per problem.
    pub located_bytes: usize,
}

/// `parse`, and the work it did.
pub fn parse_measured(file: &str, text: &str) -> (Result<Spec, ScenarioErrors>, Work) {
    let mut work = Work::default();
    if text.len() > MAX_FILE_BYTES {
        let error = ScenarioError {
            file: file.to_string(),
            line: 1,
            col: 1,
            message: format!("the file is {} bytes; scenarios are limited to {MAX_FILE_BYTES} bytes", text.len()),
            hint: "split the scenario or remove embedded data".into(),
        };
        return (Err(ScenarioErrors(vec![error])), work);
    }
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64);
    work.parsed_bytes = text.len();
    let raw: raw::RawScenario = match options.from_str(text) {
        Ok(raw) => raw,
        Err(e) => return (Err(ScenarioErrors(vec![error::from_ron(file, &e)])), work),
    };
    let result = validate::validate(&raw, content_hash(text.as_bytes()), &mut work).map_err(|problems| {
        ScenarioErrors(
            problems
                .0
                .into_iter()
                .map(|p| {
                    work.located_bytes += text.len();
                    let (line, col) = locate::locate(text, &p.path).unwrap_or((1, 1));
                    ScenarioError { file: file.to_string(), line, col, message: p.message, hint: p.hint }
                })
                .collect(),
        )
    });
    (result, work)
}
