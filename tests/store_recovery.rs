//! What the next start does after a save was killed: it sweeps the temp files the kill left
//! (only firedrill's, only stale ones), and a file that is missing while its `.bak` is good —
//! a restore was killed between moving the damaged file aside and putting the copy back — is
//! restored from the `.bak` instead of starting fresh.

mod disk;

use disk::{bak, dead_pid};
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
