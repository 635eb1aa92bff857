//! What firedrill keeps on disk: settings and the keymap under the OS config dir, campaign
//! progress, saved runs and the diagnostics log under the OS data dir (`FIREDRILL_CONFIG` and
//! `FIREDRILL_DATA` override them). Every write is atomic (temp file, fsync, rename) and keeps
//! a copy of the last good file; every file carries a schema version. A corrupt or newer file
//! is moved aside with a warning and the game goes on — nothing is ever lost or fatal.

mod atomic;
mod paths;
mod profile;
mod runs;
mod settings;
mod versioned;

pub use atomic::write_atomic;
pub use paths::Dirs;
pub use profile::Profile;
pub use runs::{RUN_VERSION, SavedRun, ScenarioRef};
pub use settings::{Settings, ThemeName};
pub use versioned::{Loaded, load_versioned, save_versioned};

/// Appends a line to the diagnostics log (never to the terminal: the screen may be up).
pub fn diag(dirs: &Dirs, line: &str) {
    use std::io::Write;
    let path = dirs.log_file();
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&path) {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let _ = writeln!(f, "{secs} {line}");
    }
}
