//! A FIFO, a device or a directory given where firedrill reads a file — a scenario
//! (`validate`, `run`, `play`), a commands file (`run --commands`) or the user's keymap — is
//! refused at once with a message that says what it is (issue 10 §5). Before, opening a FIFO
//! blocked until a writer came (for ever), and `/dev/zero` was read without end.
//!
//! The binary runs under a deadline: a hang fails the test (and the child is killed) instead of
//! stalling the run. Nothing here reads a clock to decide a result; the deadline only stops a
//! hang.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

/// Runs the binary with `args` in a temp home; panics if it has not exited by the deadline.
fn firedrill_within_deadline(args: &[&str], home: &Path) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .env("FIREDRILL_DATA", home.join("data"))
        .env("FIREDRILL_CONFIG", home.join("config"))
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("firedrill {args:?} did not exit within {DEADLINE:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// (kind, how the message names it, make it at `path`).
fn specials(dir: &Path) -> Vec<(&'static str, &'static str, PathBuf)> {
    let fifo = dir.join("fifo.ron");
    assert!(Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()), "mkfifo");
    let device = dir.join("zero.ron");
    std::os::unix::fs::symlink("/dev/zero", &device).unwrap();
    let folder = dir.join("folder.ron");
    std::fs::create_dir(&folder).unwrap();
    vec![
        ("fifo", "is a named pipe (FIFO), not a", fifo),
        ("device", "is a device, not a", device),
        ("directory", "is a directory, not a", folder),
    ]
}

#[test]
fn a_special_file_as_scenario_or_commands_file_is_refused_at_once() {
    let home = tempfile::tempdir().unwrap();
    for (kind, says, path) in specials(home.path()) {
        let p = path.to_str().unwrap();
        for (args, what) in [
            (vec!["validate", p], "scenario file"),
            (vec!["run", p], "scenario file"),
            (vec!["run", "friday-deploy", "--commands", p], "commands file"),
        ] {
            let (code, err) = firedrill_within_deadline(&args, home.path());
            assert_eq!(code, 1, "{kind}: {args:?}: {err}");
            assert!(err.contains(&format!("{says} {what}")), "{kind}: {args:?} should say what it is: {err}");
        }
    }
}

#[test]
fn a_special_file_as_the_keymap_is_refused_and_the_default_keys_stay() {
    let home = tempfile::tempdir().unwrap();
    for (kind, says, path) in specials(home.path()) {
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let _ = tx.send(firedrill::tui::keymap::Keymap::load_user(&p));
        });
        let (keymap, warnings) =
            rx.recv_timeout(DEADLINE).unwrap_or_else(|_| panic!("{kind}: loading the keymap hangs"));
        assert_eq!(keymap, firedrill::tui::keymap::Keymap::default_map(), "{kind}");
        assert_eq!(warnings.len(), 1, "{kind}: {warnings:?}");
        assert!(warnings[0].contains(&format!("{says} keymap file")), "{kind}: {warnings:?}");
        assert!(warnings[0].ends_with("the default keys are in force"), "{kind}: {warnings:?}");
    }
}
