//! A data file that is not a regular file — a FIFO, a device, a directory — must not hang the
//! game's start or a replay, and is not firedrill's to fix: it is never read, moved, replaced
//! or deleted. Loading says so and uses the last good copy (`.bak`) if there is one, else the
//! defaults; saving over it fails with a clear error. Every load runs on a thread with a
//! deadline, so a hang fails the test instead of stalling the run.

mod disk;

use disk::{bak, finish_within, firedrill};
use firedrill::store::{Dirs, Loaded, Profile, Settings, ThemeName};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(10);

/// Runs `f` on a thread; fails the test if it does not return within the deadline (the thread
/// is left blocked: the test process ends soon after).
#[track_caller]
fn within_deadline<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(DEADLINE).unwrap_or_else(|_| panic!("{what} did not return within {DEADLINE:?}: it hangs"))
}

/// The special files a data file can be replaced with, and how a warning names each.
fn make_special(kind: &str, path: &Path) -> &'static str {
    match kind {
        "fifo" => {
            let ok = std::process::Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success());
            assert!(ok, "mkfifo {}", path.display());
            "is a named pipe (FIFO), not a regular file"
        }
        "directory" => {
            std::fs::create_dir(path).unwrap();
            "is a directory, not a regular file"
        }
        "device" => {
            std::os::unix::fs::symlink("/dev/null", path).unwrap();
            "is a device, not a regular file"
        }
        _ => unreachable!("{kind}"),
    }
}

fn is_special(path: &Path, kind: &str) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    let t = meta.file_type();
    match kind {
        "fifo" => t.is_fifo(),
        "directory" => t.is_dir(),
        _ => t.is_char_device(),
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    n.sort();
    n
}

/// One kind of store file, as in `tests/store.rs`: where it lives, how it loads and saves.
struct Kind<T> {
    path: fn(&Dirs) -> PathBuf,
    load: fn(&Dirs) -> Loaded<T>,
    save: fn(&T, &Dirs) -> std::io::Result<()>,
    first: T,
    second: T,
}

fn left_alone<T>(kind: &Kind<T>)
where
    T: Clone + PartialEq + std::fmt::Debug + Default + Send + 'static,
{
    for special in ["fifo", "directory", "device"] {
        for with_backup in [true, false] {
            let root = tempfile::tempdir().unwrap();
            let d = Dirs { data: root.path().join("data"), config: root.path().join("config") };
            let path = (kind.path)(&d);
            (kind.save)(&kind.first, &d).unwrap();
            if with_backup {
                (kind.save)(&kind.second, &d).unwrap();
            } else {
                std::fs::remove_file(bak(&path)).ok();
            }
            std::fs::remove_file(&path).unwrap();
            let says = make_special(special, &path);
            let before = names(path.parent().unwrap());
            let case =
                format!("{} as a {special}, {} backup", path.display(), if with_backup { "with a" } else { "no" });

            let (load, dirs) = (kind.load, d.clone());
            let loaded = within_deadline(&case, move || load(&dirs));
            let expected = if with_backup { kind.first.clone() } else { T::default() };
            assert_eq!(loaded.value, expected, "{case}: the last good copy, else the defaults");
            let warning = loaded.warning.unwrap_or_else(|| panic!("{case}: the player is told"));
            let fallback = if with_backup { "using its last good copy" } else { "starting fresh" };
            assert!(warning.contains(says) && warning.contains(fallback), "{case}: {warning}");
            assert!(warning.contains("will not replace or delete it"), "{case}: {warning}");

            let e = (kind.save)(&kind.second, &d).expect_err("saving over a special file fails");
            assert!(e.to_string().contains(says), "{case}: {e}");
            assert!(is_special(&path, special), "{case}: the {special} is still there");
            assert_eq!(names(path.parent().unwrap()), before, "{case}: nothing was moved, added or removed");
        }
    }
}

#[test]
fn a_profile_that_is_a_fifo_a_device_or_a_directory_is_left_alone_and_the_start_goes_on() {
    let mut first = Profile::default();
    first.record("friday-deploy", 71, "B");
    let mut second = first.clone();
    second.record("slow-database", 88, "A");
    left_alone(&Kind { path: Dirs::profile_file, load: Profile::load, save: Profile::save, first, second });
}

#[test]
fn settings_that_are_a_fifo_a_device_or_a_directory_are_left_alone_and_the_start_goes_on() {
    let first = Settings { ascii: true, ..Settings::default() };
    let second = Settings { theme: ThemeName::HighContrast, ..Settings::default() };
    left_alone(&Kind { path: Dirs::settings_file, load: Settings::load, save: Settings::save, first, second });
}

#[test]
fn a_damaged_profile_whose_backup_is_a_fifo_starts_fresh_at_once() {
    let root = tempfile::tempdir().unwrap();
    let d = Dirs { data: root.path().join("data"), config: root.path().join("config") };
    Profile::default().save(&d).unwrap();
    std::fs::write(d.profile_file(), "(version: 1, complet").unwrap();
    make_special("fifo", &bak(&d.profile_file()));
    let dirs = d.clone();
    let loaded = within_deadline("loading a damaged profile with a FIFO backup", move || Profile::load(&dirs));
    assert_eq!(loaded.value, Profile::default());
    assert!(loaded.warning.is_some_and(|w| w.contains("damaged") && w.contains("starting fresh")));
    assert!(is_special(&bak(&d.profile_file()), "fifo"), "the FIFO is left alone");
}

#[test]
fn replay_and_report_of_a_fifo_or_a_device_fail_at_once_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    for (special, says) in
        [("fifo", "is a named pipe (FIFO), not a saved run file"), ("device", "is a device, not a saved run file")]
    {
        let path = home.path().join(format!("{special}.ron"));
        make_special(special, &path);
        for sub in ["replay", "report"] {
            let o = finish_within(firedrill(home.path()).arg(sub).arg(&path), DEADLINE);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{sub} {special}: {err}");
            assert_eq!(err.lines().count(), 1, "{sub} {special}: one line: {err}");
            assert!(err.contains(&path.display().to_string()) && err.contains(says), "{sub} {special}: {err}");
        }
        assert!(is_special(&path, special));
    }
}
