//! Loading scenario and commands files from the disk, for the command line and the game
//! alike: a file is read only if it is a regular file (`store::read_text_file`: a FIFO, a
//! device or a directory is refused at once, never opened for a blocking read), at most
//! `MAX_FILE_BYTES` of it; a missing file is a clear error, and parse errors keep their
//! positions. File names are shown as one clean line (`text::clean_line`): a name may hold
//! escape sequences or newlines. A built-in id names an embedded scenario; anything else is a
//! path.
//!
//! Errors are typed ([`LoadError`](crate::load::LoadError)); its `Display` is the one-line cause and
//! [`LoadError::detail`](crate::load::LoadError::detail) the positioned problems under it, which each front end shows its way.

use crate::scenario::{self, MAX_FILE_BYTES, ScenarioErrors, Spec};
use crate::sim::TimedCommand;
use crate::store::ScenarioRef;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Missing, unreadable, not a regular file, too large or not text.
    #[error(transparent)]
    Read(#[from] crate::store::ReadError),
    #[error("no built-in scenario `{name}` and no such file (built-ins: {})", .builtins.join(", "))]
    NoSuchScenario { name: String, builtins: Vec<String> },
    #[error("built-in scenario {id} is invalid")]
    InvalidBuiltin { id: String, errors: ScenarioErrors },
    #[error("{name} is not a valid scenario ({} problem{})", .errors.0.len(), if .errors.0.len() == 1 { "" } else { "s" })]
    InvalidScenario { name: String, errors: ScenarioErrors },
    #[error("{name} is not a valid commands file")]
    InvalidCommands { name: String, errors: ScenarioErrors },
}

impl LoadError {
    /// The lines to show under the cause: every positioned problem, or nothing.
    pub fn detail(&self) -> String {
        match self {
            LoadError::InvalidBuiltin { errors, .. }
            | LoadError::InvalidScenario { errors, .. }
            | LoadError::InvalidCommands { errors, .. } => errors.to_string(),
            _ => String::new(),
        }
    }
}

/// Reads a regular text file of at most `MAX_FILE_BYTES`; `what` names it in errors
/// ("scenario" gives "… is a named pipe (FIFO), not a scenario file").
pub fn read_text(path: &Path, what: &'static str) -> Result<String, LoadError> {
    Ok(crate::store::read_text_file(path, what, MAX_FILE_BYTES)?)
}

/// A path as one clean line, for messages.
fn shown(path: &Path) -> String {
    crate::text::clean_line(&path.display().to_string()).into_owned()
}

/// A built-in id or a path to a scenario file, loaded and validated.
pub fn scenario(arg: &str) -> Result<Spec, LoadError> {
    if let Some(result) = scenario::builtin(arg) {
        return result.map_err(|errors| LoadError::InvalidBuiltin { id: arg.to_string(), errors });
    }
    let path = Path::new(arg);
    if !path.exists() && !arg.contains('/') && !path.extension().is_some_and(|x| x.eq_ignore_ascii_case("ron")) {
        let builtins = scenario::builtin_ids().map(str::to_string).collect();
        return Err(LoadError::NoSuchScenario { name: arg.to_string(), builtins });
    }
    let text = read_text(path, "scenario")?;
    let name = shown(path);
    scenario::parse(&name, &text).map_err(|errors| LoadError::InvalidScenario { name, errors })
}

/// A commands file: a RON list of timed commands.
pub fn commands(path: &Path) -> Result<Vec<TimedCommand>, LoadError> {
    let text = read_text(path, "commands")?;
    let name = shown(path);
    scenario::parse_commands(&name, &text).map_err(|errors| LoadError::InvalidCommands { name, errors })
}

/// How a scenario argument is recorded in a saved run: a built-in by id, a file by its
/// canonical path (so a replay finds it from any directory).
pub fn scenario_ref(arg: &str) -> ScenarioRef {
    if scenario::builtin_ids().any(|b| b == arg) {
        ScenarioRef::Builtin(arg.to_string())
    } else {
        ScenarioRef::File(canonical(arg))
    }
}

/// The canonical form of a path, or the path as given if it cannot be resolved.
pub fn canonical(path: &str) -> String {
    std::fs::canonicalize(path).map_or(path.to_string(), |p| p.display().to_string())
}
