//! Reading scenario and commands files for the command line: size-checked before reading, a
//! directory or missing file is a clear error, and parse errors keep their positions.

use super::Failure;
use crate::scenario::{self, MAX_FILE_BYTES, Spec};
use crate::sim::model::command::TimedCommand;
use std::path::Path;

/// Reads a text file of at most `MAX_FILE_BYTES`.
pub fn read_text(path: &Path, what: &str) -> Result<String, Failure> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| Failure::new(format!("cannot read {what} {shown}: {}", io_reason(&e))))?;
    if meta.is_dir() {
        return Err(Failure::new(format!("{shown} is a directory, not a {what} file")));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(Failure::new(format!(
            "{shown} is {} bytes; a {what} file may be at most {MAX_FILE_BYTES}",
            meta.len()
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Failure::new(format!("cannot read {what} {shown}: {}", io_reason(&e))))?;
    String::from_utf8(bytes).map_err(|_| Failure::new(format!("{shown} is not UTF-8 text")))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// A built-in id or a path to a scenario file.
pub fn scenario(arg: &str) -> Result<Spec, Failure> {
    if let Some(result) = scenario::builtin(arg) {
        return result
            .map_err(|e| Failure { cause: format!("built-in scenario {arg} is invalid"), detail: e.to_string() });
    }
    let path = Path::new(arg);
    if !path.exists() && !arg.contains('/') && !path.extension().is_some_and(|x| x.eq_ignore_ascii_case("ron")) {
        let ids: Vec<&str> = scenario::builtin_ids().collect();
        return Err(Failure::new(format!(
            "no built-in scenario `{arg}` and no such file (built-ins: {})",
            ids.join(", ")
        )));
    }
    let text = read_text(path, "scenario")?;
    scenario::parse(arg, &text).map_err(|e| Failure {
        cause: format!(
            "{arg} is not a valid scenario ({} problem{})",
            e.0.len(),
            if e.0.len() == 1 { "" } else { "s" }
        ),
        detail: e.to_string(),
    })
}

pub fn commands(path: &Path) -> Result<Vec<TimedCommand>, Failure> {
    let text = read_text(path, "commands")?;
    let name = path.display().to_string();
    scenario::parse_commands(&name, &text)
        .map_err(|e| Failure { cause: format!("{name} is not a valid commands file"), detail: e.to_string() })
}
