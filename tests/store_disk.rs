//! Saves on a disk that is full, nearly full or read-only: a save either succeeds whole (with
//! a whole backup) or fails with one clear line — what failed, where, why, and that the old
//! files were kept — and the old files are byte for byte what they were.
//!
//! The disk is a tmpfs of 64 KiB mounted for the test (root only; under `CI=true` a failed
//! mount fails the test, elsewhere it is skipped with a message), unmounted by a guard even
//! when the test fails. Root ignores directory permissions, so "read-only" is a read-only
//! remount, which root cannot write through either.

mod disk;

use disk::{Tmpfs, bak, finish_within, firedrill, firedrill_under, strace_ready, succeed, temps, unavailable};
use firedrill::store::{Dirs, Loaded, Profile};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

fn tmpfs(test: &str) -> Option<Tmpfs> {
    match Tmpfs::mount("64k") {
        Ok(t) => Some(t),
        Err(why) => {
            unavailable(test, &why);
            None
        }
    }
}

/// A saved run `run.ron` on the disk, over an older one kept as `run.ron.bak`. The old run
/// carries many long commands, so it takes several pages of the disk: copying it needs room
/// that linking it does not.
struct Saves {
    home: tempfile::TempDir,
    file: PathBuf,
    previous: Vec<u8>,
    old: Vec<u8>,
    new: Vec<u8>,
}

fn save_args(file: &Path, seed: u32, commands: Option<&Path>) -> Vec<String> {
    let mut args: Vec<String> = ["run", "friday-deploy", "--until", "10s", "--seed", &seed.to_string()]
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Some(c) = commands {
        args.extend(["--commands".to_string(), c.display().to_string()]);
    }
    args.extend(["--save".to_string(), file.display().to_string()]);
    args
}

impl Saves {
    fn on(disk: &Path) -> Saves {
        let home = tempfile::tempdir().unwrap();
        let commands = home.path().join("long.ron");
        let impact = "checkout is failing for a share of users while the deploy rolls out; ".repeat(3);
        let list: Vec<String> = (1..=100)
            .map(|s| {
                format!("(at: \"{s}s\", command: StatusUpdate(audience: Internal, impact: \"{impact}\", next_update: \"30m\"))")
            })
            .collect();
        std::fs::write(&commands, format!("[\n{}\n]\n", list.join(",\n"))).unwrap();
        let file = disk.join("saves").join("run.ron");
        let mut bytes = Vec::new();
        for (seed, commands) in [(1, None), (2, Some(commands.as_path())), (3, None)] {
            let reference = home.path().join(format!("ref-{seed}.ron"));
            succeed(firedrill(home.path()).args(save_args(&reference, seed, commands)));
            bytes.push(std::fs::read(&reference).unwrap());
        }
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(bak(&file), &bytes[0]).unwrap();
        std::fs::write(&file, &bytes[1]).unwrap();
        assert!(bytes[1].len() > 3 * 4096, "the old run spans pages: {} bytes", bytes[1].len());
        let [previous, old, new]: [Vec<u8>; 3] = bytes.try_into().unwrap();
        Saves { home, file, previous, old, new }
    }

    /// Saves the new run over the old one, through `wrapper` if given.
    fn save(&self, wrapper: &[&str]) -> Output {
        let mut cmd = firedrill_under(self.home.path(), wrapper);
        finish_within(cmd.args(save_args(&self.file, 3, None)), Duration::from_secs(60))
    }

    #[track_caller]
    fn assert_kept(&self, case: &str) {
        assert!(std::fs::read(&self.file).unwrap() == self.old, "{case}: run.ron must be the old run, unchanged");
        assert!(std::fs::read(bak(&self.file)).unwrap() == self.previous, "{case}: run.ron.bak must be unchanged");
        assert_eq!(temps(self.file.parent().unwrap()), Vec::<String>::new(), "{case}: no temp file is left");
    }
}

/// A failed save: exit status 1 and one line on stderr that says each of `says`.
#[track_caller]
fn assert_clear_failure(o: &Output, says: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!("{}", err.trim_end());
    assert_eq!(o.status.code(), Some(1), "the save must fail; stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for s in says {
        assert!(err.contains(s), "{err:?} should say {s:?}");
    }
}

#[test]
fn a_nearly_full_disk_gets_a_whole_backup_or_a_clear_error_never_a_truncated_one() {
    let Some(disk) = tmpfs("a_nearly_full_disk_gets_a_whole_backup") else { return };
    let saves = Saves::on(disk.path());
    // Room for the new save (one page) and no more.
    disk.fill_leaving(1);
    let o = saves.save(&[]);
    assert!(o.status.success(), "a hard link needs no room: {}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&saves.file).unwrap() == saves.new, "run.ron is the new run");
    let backup = std::fs::read(bak(&saves.file)).unwrap();
    assert!(
        backup == saves.old,
        "run.ron.bak is the whole old run, not {} of its {} bytes",
        backup.len(),
        saves.old.len()
    );
    assert_eq!(temps(saves.file.parent().unwrap()), Vec::<String>::new());

    // Where there are no hard links the backup is a copy, for which there is no room.
    if !strace_ready("a_nearly_full_disk_gets_a_whole_backup (without hard links)") {
        return;
    }
    let disk = tmpfs("a_nearly_full_disk_gets_a_whole_backup").expect("mounted once already");
    let saves = Saves::on(disk.path());
    disk.fill_leaving(1);
    let no_links = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=linkat", "-e", "inject=linkat:error=EPERM"];
    let o = saves.save(&no_links);
    let shown = saves.file.display().to_string();
    assert_clear_failure(&o, &[&shown, "run.ron.bak", "is full", "run.ron and run.ron.bak were kept as they were"]);
    saves.assert_kept("no room for a copy of the backup");
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_old_files_are_kept() {
    let Some(disk) = tmpfs("a_full_disk_is_a_clear_error") else { return };
    let saves = Saves::on(disk.path());
    disk.fill_leaving(0);
    let o = saves.save(&[]);
    let dir = saves.file.parent().unwrap().display().to_string();
    assert_clear_failure(
        &o,
        &["cannot save the run to", &format!("the disk holding {dir} is full"), "were kept as they were"],
    );
    saves.assert_kept("full disk");
}

#[test]
fn a_read_only_directory_is_a_clear_error_and_the_old_files_are_kept() {
    let Some(disk) = tmpfs("a_read_only_directory_is_a_clear_error") else { return };
    let saves = Saves::on(disk.path());
    disk.read_only();
    let o = saves.save(&[]);
    let dir = saves.file.parent().unwrap().display().to_string();
    assert_clear_failure(&o, &[&format!("{dir} is on a read-only file system"), "were kept as they were"]);
    saves.assert_kept("read-only file system");
}

/// Two saves of the profile on the disk, then one that cannot happen: `Err` with a clear
/// message, and the next start loads the last saved profile without a word.
fn profile_survives(disk: &Tmpfs, break_it: fn(&Tmpfs), says: &str) {
    let d = Dirs { data: disk.path().join("data"), config: disk.path().join("config") };
    let mut p = Profile::default();
    p.record("friday-deploy", 70, "B");
    p.save(&d).unwrap();
    p.record("slow-database", 90, "A");
    p.save(&d).unwrap();
    let saved = p.clone();
    break_it(disk);
    p.record("payments-outage", 50, "C");
    let e = p.save(&d).expect_err("the save cannot happen").to_string();
    assert!(e.contains(says) && e.contains("profile.ron and profile.ron.bak were kept as they were"), "{e}");
    assert_eq!(Profile::load(&d), Loaded { value: saved, warning: None });
}

#[test]
fn the_profile_on_a_full_or_read_only_disk_keeps_the_last_save() {
    let Some(disk) = tmpfs("the_profile_on_a_full_or_read_only_disk") else { return };
    profile_survives(&disk, |d| d.fill_leaving(0), "is full");
    drop(disk);
    let disk = tmpfs("the_profile_on_a_full_or_read_only_disk").expect("mounted once already");
    profile_survives(&disk, Tmpfs::read_only, "read-only file system");
}
