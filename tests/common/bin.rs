//! Running the real `firedrill` binary from integration tests, isolated in a home directory
//! of the test's own so no test reads or writes the user's saves.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary from the project root with its data and config under `home`, and without
/// `RUST_BACKTRACE`, so a failure's stderr is what a user would see.
pub fn firedrill(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("FIREDRILL_DATA", home.join("data"))
        .env("FIREDRILL_CONFIG", home.join("config"))
        .env("HOME", home)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the firedrill binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
