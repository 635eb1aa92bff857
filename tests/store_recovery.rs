//! What the next start does after a save was killed: it sweeps the temp files the kill left
//! (only firedrill's, only stale ones), and a file that is missing while its `.bak` is good —
//! a restore was killed between moving the damaged file aside and putting the copy back — is
//! restored from the `.bak` instead of starting fresh. And the saved runs the start replays
//! are bounded like commands files.

mod common;
mod disk;

use common::bin::{firedrill, stderr};
use disk::{bak, dead_pid};
use firedrill::scenario::{MAX_COMMANDS, MAX_COMMANDS_PER_SECOND};
use firedrill::store::{Dirs, Loaded, Profile, Settings};
use std::path::{Path, PathBuf};

fn dirs(root: &Path) -> Dirs {
    Dirs { data: root.join("data"), config: root.join("config") }
}

#[test]
fn the_start_sweeps_stale_temps_of_killed_saves_and_keeps_everything_else() {
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    let dead = dead_pid();
    let live = std::process::id();
    let mut stale = Vec::new();
    let mut kept = Vec::new();
    for dir in [d.data.clone(), d.runs_dir(), d.data.join("debriefs"), d.config.clone()] {
        std::fs::create_dir_all(&dir).unwrap();
        let put = |name: String| -> PathBuf {
            let p = dir.join(name);
            std::fs::write(&p, b"(version: 1, half").unwrap();
            p
        };
        stale.push(put(format!(".profile.ron.tmp-{dead}")));
        stale.push(put(format!(".1700000000-friday-deploy-seed7.ron.tmp-{dead}")));
        stale.push(put(format!(".settings.ron.bak.tmp-{dead}")));
        kept.push(put(format!(".profile.ron.tmp-{live}")));
        kept.push(put(format!("notes.ron.tmp-{dead}")));
        kept.push(put(format!(".notes.tmp-{dead}.txt")));
    }
    assert_eq!(Profile::load(&d), Loaded { value: Profile::default(), warning: None });
    assert_eq!(Settings::load(&d), Loaded { value: Settings::default(), warning: None });
    for p in &stale {
        assert!(!p.exists(), "{} is a stale temp of a dead save: swept", p.display());
    }
    for p in &kept {
        assert!(p.exists(), "{} is not a stale temp of ours: kept", p.display());
    }
}

#[test]
fn a_missing_profile_with_a_good_backup_is_restored_not_started_fresh() {
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    let mut p = Profile::default();
    p.record("friday-deploy", 71, "B");
    p.save(&d).unwrap();
    let saved = p.clone();
    p.record("slow-database", 88, "A");
    p.save(&d).unwrap();
    // What a restore killed after moving the damaged file aside leaves.
    std::fs::rename(d.profile_file(), d.data.join("profile.ron.corrupt-1")).unwrap();
    let loaded = Profile::load(&d);
    assert_eq!(loaded.value, saved);
    let w = loaded.warning.expect("the player is told");
    assert!(w.contains("was missing") && w.contains("profile.ron.bak) was restored"), "{w}");
    assert_eq!(std::fs::read(d.profile_file()).unwrap(), std::fs::read(bak(&d.profile_file())).unwrap());
    assert_eq!(Profile::load(&d), Loaded { value: saved, warning: None }, "the next start finds it in place");
}

/// A saved run of friday-deploy with `commands` (RON entries) in place of its own.
fn saved_run_with(home: &Path, entries: &[String]) -> PathBuf {
    let run = home.join("run.ron");
    let run_arg = run.to_str().unwrap();
    let o = firedrill(&["run", "friday-deploy", "--until", "1m", "--save", run_arg], home);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&run).unwrap();
    assert!(text.contains("commands: [],"), "{text}");
    std::fs::write(&run, text.replace("commands: [],", &format!("commands: [\n{}\n],", entries.join(",\n")))).unwrap();
    run
}

#[test]
fn a_saved_run_over_the_commands_limit_is_refused_but_a_burst_at_one_instant_is_not() {
    let home = tempfile::tempdir().unwrap();
    // A paused player can submit many commands at one instant: that is a real game's record.
    let burst: Vec<String> =
        (0..=MAX_COMMANDS_PER_SECOND * 2).map(|_| "(at: \"30s\", command: Ack(alert: \"x\"))".to_string()).collect();
    let run = saved_run_with(home.path(), &burst);
    let o = firedrill(&["replay", run.to_str().unwrap()], home.path());
    assert!(o.status.success(), "a burst at one instant replays: {}", stderr(&o));

    let many: Vec<String> = (0..=MAX_COMMANDS).map(|i| format!("(at: \"{}ms\", command: Hint)", i * 100)).collect();
    let run = saved_run_with(home.path(), &many);
    let o = firedrill(&["replay", run.to_str().unwrap()], home.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("not a saved run: too many commands: this is command 10001 of 10001"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
