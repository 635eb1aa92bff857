//! The files firedrill keeps between sessions — the profile (campaign progress, best scores)
//! and the settings — as they go wrong in real life: garbage, a half-written file, a file from
//! a newer firedrill. Each is moved aside with its bytes intact, the last good copy (`.bak`) is
//! restored when there is one, a warning says what happened, and the game saves again.

use firedrill::store::{Dirs, Loaded, Profile, Settings, ThemeName};
use std::path::{Path, PathBuf};
use std::process::Command;

fn dirs(root: &Path) -> Dirs {
    Dirs { data: root.join("data"), config: root.join("config") }
}

/// Every file in `dir`, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// One kind of versioned file: where it lives and how the game loads and saves it.
struct Kind<T> {
    name: &'static str,
    path: fn(&Dirs) -> PathBuf,
    load: fn(&Dirs) -> Loaded<T>,
    save: fn(&T, &Dirs) -> std::io::Result<()>,
    /// Two different good values: saved in this order, so the `.bak` holds `first`.
    first: T,
    second: T,
}

fn profile_kind() -> Kind<Profile> {
    let mut first = Profile::default();
    first.record("friday-deploy", 71, "B");
    let mut second = first.clone();
    second.record("slow-database", 88, "A");
    Kind { name: "profile", path: Dirs::profile_file, load: Profile::load, save: Profile::save, first, second }
}

fn settings_kind() -> Kind<Settings> {
    let first = Settings { ascii: true, ..Settings::default() };
    let second = Settings { theme: ThemeName::HighContrast, speed: 4, ..Settings::default() };
    Kind { name: "settings", path: Dirs::settings_file, load: Settings::load, save: Settings::save, first, second }
}

/// How a file goes bad: its new bytes from the good file's, and the suffix it is moved aside to.
struct Damage {
    what: &'static str,
    bytes: fn(&[u8]) -> Vec<u8>,
    aside: &'static str,
    says: &'static str,
}

const DAMAGE: [Damage; 3] = [
    Damage {
        what: "garbage",
        bytes: |_| b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe not a firedrill file".to_vec(),
        aside: ".corrupt-",
        says: "damaged",
    },
    Damage { what: "truncated", bytes: |good| good[..good.len() / 2].to_vec(), aside: ".corrupt-", says: "damaged" },
    Damage {
        what: "future version",
        bytes: |good| {
            let text = String::from_utf8(good.to_vec()).unwrap();
            let at = text.find("version: ").expect("a versioned file") + "version: ".len();
            let digits = text[at..].find(',').unwrap();
            assert!(text[at..at + digits].parse::<u32>().is_ok(), "{text}");
            // A newer shape, too: a field this firedrill has never heard of.
            let end = text.rfind(')').unwrap();
            let newer = format!("{}99{}", &text[..at], &text[at + digits..end]);
            format!("{newer}    hologram: true,\n)").into_bytes()
        },
        aside: ".newer-",
        says: "newer firedrill (version 99",
    },
];

/// The moved-aside file for `path`: exactly one, with the damaged bytes.
fn assert_moved_aside(path: &Path, suffix: &str, damaged: &[u8]) {
    let name = path.file_name().unwrap().to_string_lossy();
    let prefix = format!("{name}{suffix}");
    let aside: Vec<_> = files(path.parent().unwrap()).into_iter().filter(|(n, _)| n.starts_with(&prefix)).collect();
    assert_eq!(aside.len(), 1, "expected one {prefix}* file: {:?}", aside.iter().map(|a| &a.0).collect::<Vec<_>>());
    assert_eq!(aside[0].1, damaged, "{} must keep the damaged file's bytes", aside[0].0);
}

fn recovers_with_the_backup<T: Clone + PartialEq + std::fmt::Debug + Default>(kind: &Kind<T>) {
    for damage in &DAMAGE {
        let root = tempfile::tempdir().unwrap();
        let d = dirs(root.path());
        let path = (kind.path)(&d);
        (kind.save)(&kind.first, &d).unwrap();
        (kind.save)(&kind.second, &d).unwrap();
        let bak = path.with_file_name(format!("{}.bak", path.file_name().unwrap().to_string_lossy()));
        let bak_bytes = std::fs::read(&bak).unwrap();
        let damaged = (damage.bytes)(&std::fs::read(&path).unwrap());
        std::fs::write(&path, &damaged).unwrap();

        let loaded = (kind.load)(&d);
        let case = format!("{} file, {}", kind.name, damage.what);
        assert_eq!(loaded.value, kind.first, "{case}: the last good copy is restored");
        let warning = loaded.warning.unwrap_or_else(|| panic!("{case}: the player is told"));
        assert!(warning.contains(damage.says) && warning.contains("last good copy was restored"), "{case}: {warning}");
        assert_moved_aside(&path, damage.aside, &damaged);
        assert_eq!(std::fs::read(&bak).unwrap(), bak_bytes, "{case}: the backup is read, not consumed");

        // The player quits before anything is saved: the next session still has the restored copy.
        assert_eq!((kind.load)(&d), Loaded { value: kind.first.clone(), warning: None }, "{case}: next session");

        // The game goes on and saves again; the next session loads it without a word.
        (kind.save)(&kind.second, &d).unwrap();
        assert_eq!((kind.load)(&d), Loaded { value: kind.second.clone(), warning: None }, "{case}");
        assert_moved_aside(&path, damage.aside, &damaged);
    }
}

fn starts_fresh_without_a_backup<T: Clone + PartialEq + std::fmt::Debug + Default>(kind: &Kind<T>) {
    for damage in &DAMAGE {
        let root = tempfile::tempdir().unwrap();
        let d = dirs(root.path());
        let path = (kind.path)(&d);
        (kind.save)(&kind.first, &d).unwrap();
        let damaged = (damage.bytes)(&std::fs::read(&path).unwrap());
        std::fs::write(&path, &damaged).unwrap();

        let loaded = (kind.load)(&d);
        let case = format!("{} file, {}, no backup", kind.name, damage.what);
        assert_eq!(loaded.value, T::default(), "{case}");
        let warning = loaded.warning.unwrap_or_else(|| panic!("{case}: the player is told"));
        assert!(warning.contains("starting fresh") && warning.contains("moved it to"), "{case}: {warning}");
        assert!(!path.exists(), "{case}: the damaged file is out of the way");
        assert_moved_aside(&path, damage.aside, &damaged);

        (kind.save)(&kind.second, &d).unwrap();
        assert_eq!((kind.load)(&d), Loaded { value: kind.second.clone(), warning: None }, "{case}");
        assert_moved_aside(&path, damage.aside, &damaged);
    }
}

#[test]
fn a_damaged_or_newer_profile_is_moved_aside_and_the_last_good_copy_restored() {
    recovers_with_the_backup(&profile_kind());
}

#[test]
fn a_damaged_or_newer_settings_file_is_moved_aside_and_the_last_good_copy_restored() {
    recovers_with_the_backup(&settings_kind());
}

#[test]
fn a_damaged_or_newer_profile_without_a_backup_starts_fresh_and_keeps_the_file() {
    starts_fresh_without_a_backup(&profile_kind());
}

#[test]
fn a_damaged_or_newer_settings_file_without_a_backup_starts_fresh_and_keeps_the_file() {
    starts_fresh_without_a_backup(&settings_kind());
}

#[test]
fn a_missing_profile_is_a_fresh_start_without_a_warning() {
    let root = tempfile::tempdir().unwrap();
    assert_eq!(Profile::load(&dirs(root.path())), Loaded { value: Profile::default(), warning: None });
}

#[test]
fn settings_with_an_impossible_speed_fall_back_to_normal_speed() {
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    Settings { speed: 3, ..Settings::default() }.save(&d).unwrap();
    let loaded = Settings::load(&d);
    assert_eq!(loaded.value.speed, 1);
}

#[test]
fn the_profile_keeps_the_best_score_per_scenario() {
    let mut p = Profile::default();
    assert!(p.record("friday-deploy", 60, "C"), "a first result is a best");
    assert!(!p.record("friday-deploy", 45, "D"), "a worse result is not");
    assert!(!p.record("friday-deploy", 60, "C"), "an equal result is not a new best");
    assert!(p.record("friday-deploy", 91, "A"), "a better one is");
    assert!(p.record("slow-database", 30, "F"));
    assert_eq!(p.best_for("friday-deploy").map(|b| (b.score, b.grade.as_str())), Some((91, "A")));
    assert_eq!(p.best_for("slow-database").map(|b| (b.score, b.grade.as_str())), Some((30, "F")));
    assert_eq!(p.best_for("payments-outage"), None);
    assert_eq!(p.best.len(), 2, "one best per scenario: {:?}", p.best);
    assert_eq!(p.runs_played, 5);
}

#[test]
fn the_profile_keeps_the_campaign_in_the_order_scenarios_were_first_finished() {
    let mut p = Profile::default();
    p.record("friday-deploy", 80, "B");
    p.record("payments-outage", 20, "F");
    p.record("friday-deploy", 90, "A");
    p.record("slow-database", 70, "B");
    assert_eq!(p.completed, ["friday-deploy", "payments-outage", "slow-database"]);
    assert!(p.is_completed("payments-outage") && !p.is_completed("no-such-scenario"));

    // And it survives a save and a load.
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    p.save(&d).unwrap();
    assert_eq!(Profile::load(&d), Loaded { value: p, warning: None });
}

#[test]
fn version_prints_the_data_and_config_paths_from_the_environment() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("my data");
    let config = root.path().join("my config");
    let out = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .arg("--version")
        .env("FIREDRILL_DATA", &data)
        .env("FIREDRILL_CONFIG", &config)
        .env("HOME", root.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |label: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(label))
            .map_or_else(|| panic!("no {label} line in {text}"), str::trim)
            .to_string()
    };
    assert!(text.starts_with(&format!("firedrill {}", env!("CARGO_PKG_VERSION"))), "{text}");
    assert_eq!(line("data:"), data.display().to_string());
    assert_eq!(line("config:"), config.display().to_string());
    assert_eq!(line("log:"), data.join("firedrill.log").display().to_string());
    assert_eq!(line("keymap:"), format!("{} (optional override)", config.join("keymap.ron").display()));
    assert!(!data.exists() && !config.exists(), "--version only reports; it creates nothing");
}
