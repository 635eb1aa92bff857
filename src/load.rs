//! Loading scenario and commands files from the disk, for the command line and the game
//! alike: a file is size-checked before it is read, a directory or a missing file is a clear
//! error, and parse errors keep their positions. A built-in id names an embedded scenario;
//! anything else is a path.
//!
//! Errors are typed ([`LoadError`](crate::load::LoadError)); its `Display` is the one-line cause and
//! [`LoadError::detail`](crate::load::LoadError::detail) the positioned problems under it, which each front end shows its way.

use crate::scenario::{self, MAX_FILE_BYTES, ScenarioErrors, Spec};
use crate::sim::TimedCommand;
use crate::store::ScenarioRef;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {what} {path}: {reason}")]
    Unreadable { what: &'static str, path: String, reason: String },
    #[error("{path} is a directory, not a {what} file")]
    Directory { what: &'static str, path: String },
    #[error("{path} is {size} bytes; a {what} file may be at most {MAX_FILE_BYTES}")]
    TooLarge { what: &'static str, path: String, size: u64 },
    #[error("{path} is not UTF-8 text")]
    NotText { path: String },
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

/// Reads a text file of at most `MAX_FILE_BYTES`; `what` names it in errors ("scenario").
pub fn read_text(path: &Path, what: &'static str) -> Result<String, LoadError> {
    let shown = path.display().to_string();
    let unreadable = |e: &std::io::Error| LoadError::Unreadable { what, path: shown.clone(), reason: io_reason(e) };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if meta.is_dir() {
        return Err(LoadError::Directory { what, path: shown });
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(LoadError::TooLarge { what, path: shown, size: meta.len() });
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(&e))?;
    String::from_utf8(bytes).map_err(|_| LoadError::NotText { path: shown })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
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
    scenario::parse(arg, &text).map_err(|errors| LoadError::InvalidScenario { name: arg.to_string(), errors })
}

/// A commands file: a RON list of timed commands.
pub fn commands(path: &Path) -> Result<Vec<TimedCommand>, LoadError> {
    let text = read_text(path, "commands")?;
    let name = path.display().to_string();
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
