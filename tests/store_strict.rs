//! The files firedrill keeps refuse fields they do not know, with the position and the fields
//! allowed: a typo in the profile or the settings is damage (moved aside, the last good copy
//! restored, a warning naming `file:line:column`), a file from a newer firedrill keeps its own
//! handling (kept aside as `.newer-…`), and a saved run with an unknown field is not replayed.

mod common;

use common::bin::{firedrill, stderr};
use firedrill::store::{Dirs, Loaded, Profile, Settings, ThemeName};
use std::path::Path;

fn dirs(root: &Path) -> Dirs {
    Dirs { data: root.join("data"), config: root.join("config") }
}

fn aside(path: &Path, suffix: &str) -> Vec<String> {
    let prefix = format!("{}{suffix}", path.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Saves `first` then `second`, rewrites the file with `edit`, and loads it: the last good
/// copy (`first`) must come back, with a warning that contains each of `says`.
fn a_typo_is_damage<T: Clone + PartialEq + std::fmt::Debug>(
    first: &T,
    second: &T,
    path: fn(&Dirs) -> std::path::PathBuf,
    save: fn(&T, &Dirs) -> std::io::Result<()>,
    load: fn(&Dirs) -> Loaded<T>,
    edit: (&str, &str),
    says: &[&str],
) {
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    save(first, &d).unwrap();
    save(second, &d).unwrap();
    let p = path(&d);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(edit.0), "{text}");
    std::fs::write(&p, text.replacen(edit.0, edit.1, 1)).unwrap();
    let loaded = load(&d);
    assert_eq!(&loaded.value, first, "the last good copy is restored");
    let w = loaded.warning.expect("the player is told");
    for s in says {
        assert!(w.contains(s), "{w:?} should say {s:?}");
    }
    assert_eq!(aside(&p, ".corrupt-").len(), 1, "the file with the typo is kept aside");
}

#[test]
fn a_profile_with_an_unknown_field_is_damage_with_its_position_and_the_allowed_fields() {
    let mut first = Profile::default();
    first.record("friday-deploy", 71, "B");
    let mut second = first.clone();
    second.record("slow-database", 88, "A");
    let typos: [((&str, &str), &[&str]); 2] = [
        (
            ("runs_played:", "runs_playd:"),
            &[
                "profile.ron:",
                "unknown field `runs_playd` in `Profile`",
                "did you mean `runs_played`? the fields allowed here are: version, completed, best, runs_played",
                "the last good copy was restored",
            ],
        ),
        // A field inside a best score, too.
        (
            ("grade:", "grad:"),
            &["unknown field `grad` in `Best`", "the fields allowed here are: scenario, score, grade"],
        ),
    ];
    for (edit, says) in typos {
        a_typo_is_damage(&first, &second, Dirs::profile_file, Profile::save, Profile::load, edit, says);
    }
}

#[test]
fn settings_with_an_unknown_field_are_damage_with_its_position_and_the_allowed_fields() {
    let first = Settings { ascii: true, ..Settings::default() };
    let second = Settings { theme: ThemeName::HighContrast, speed: 4, ..Settings::default() };
    a_typo_is_damage(
        &first,
        &second,
        Dirs::settings_file,
        Settings::save,
        Settings::load,
        ("speed:", "sped:"),
        &[
            "settings.ron:",
            "unknown field `sped` in `Settings`",
            "did you mean `speed`?",
            "version, theme, ascii, speed",
        ],
    );
}

#[test]
fn the_position_is_the_line_and_column_of_the_unknown_field() {
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    std::fs::create_dir_all(&d.config).unwrap();
    std::fs::write(d.settings_file(), "(\n    version: 1,\n    ascii: true,\n    colour: \"red\",\n)\n").unwrap();
    let w = Settings::load(&d).warning.unwrap();
    assert!(w.contains(&format!("{}:4:5: unknown field `colour`", d.settings_file().display())), "{w}");
}

#[test]
fn a_newer_settings_file_with_new_fields_is_still_kept_aside_as_newer() {
    let root = tempfile::tempdir().unwrap();
    let d = dirs(root.path());
    std::fs::create_dir_all(&d.config).unwrap();
    std::fs::write(d.settings_file(), "(version: 2, theme: Default, hologram: true)").unwrap();
    let loaded = Settings::load(&d);
    assert_eq!(loaded.value, Settings::default());
    assert!(loaded.warning.unwrap().contains("newer firedrill (version 2"));
    assert_eq!(aside(&d.settings_file(), ".newer-").len(), 1);
    assert!(aside(&d.settings_file(), ".corrupt-").is_empty());
}

#[test]
fn a_saved_run_with_an_unknown_field_is_not_replayed() {
    let home = tempfile::tempdir().unwrap();
    let run = home.path().join("run.ron");
    let run_arg = run.to_str().unwrap();
    let o = firedrill(&["run", "friday-deploy", "--until", "1m", "--seed", "5", "--save", run_arg], home.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&run).unwrap();
    std::fs::write(&run, text.replacen("seed: 5,", "seed: 5,\n    sed: 6,", 1)).unwrap();
    let line = text.lines().position(|l| l.contains("seed: 5,")).unwrap() + 2;
    for sub in ["replay", "report"] {
        let o = firedrill(&[sub, run_arg], home.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("{run_arg}:{line}:5: not a saved run: unknown field `sed` in `SavedRun`")),
            "{err}"
        );
        assert!(err.contains("the fields allowed here are: version, program, scenario"), "{err}");
    }
}
