//! What firedrill keeps on disk: settings and the keymap under the OS config dir, campaign
//! progress, saved runs and the diagnostics log under the OS data dir (`FIREDRILL_CONFIG` and
//! `FIREDRILL_DATA` override them). Every write is atomic (temp file, fsync, rename) and keeps
//! a copy of the last good file, so a kill at any instant leaves a good copy (`atomic.rs`);
//! killed saves' temp files are swept (`temps.rs`). Every file carries a schema version and
//! refuses unknown fields. A corrupt or newer file is moved aside with a warning and the game
//! goes on — nothing is ever lost or fatal. Files are read only if they are regular files, so a
//! FIFO or a device cannot hang the game (`read.rs`); a full or read-only disk is an error
//! that says what was kept.

mod atomic;
mod drill;
mod paths;
mod profile;
mod read;
mod runs;
mod settings;
mod temps;
mod today;
mod versioned;

pub use atomic::{SaveError, SaveStep, save_atomic, write_atomic};
pub use drill::DrillRecord;
pub use paths::Dirs;
pub use profile::{DailyBest, Profile};
pub use read::{ReadError, read_text_file};
pub use runs::{MAX_RUN_BYTES, RUN_VERSION, RunFileError, SavedRun, ScenarioRef};
pub use settings::{Settings, ThemeName};
pub use temps::{STALE_AFTER, sweep_stale_temps};
pub use today::{format_date, parse_date, today_utc};
pub use versioned::{Loaded, MAX_STORE_BYTES, load_versioned, save_versioned};

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
