//! Temporary files of a save, and sweeping the ones a killed save left behind.
//!
//! A save writes `.NAME.tmp-PID` (and, for the backup, `.NAME.bak.tmp-PID`) next to `NAME`,
//! where PID is the saving process. A process killed mid-save leaves its temp behind; nothing
//! else ever removes it, so they are swept:
//!
//! - only files of exactly this shape (a leading dot, `.tmp-`, then a decimal PID), and only
//!   regular files — never a directory, a symlink's target or anything of another program's;
//! - only when stale: the owning process is gone (no `/proc/PID`), or the file is older than
//!   [`STALE_AFTER`]. An hour is far beyond any save (a few KiB, written and fsynced in
//!   milliseconds) and covers a PID that was reused by a later process; without `/proc`
//!   (not Linux) only the age counts. The cost of a wrong guess is bounded: a save whose temp
//!   was swept fails with an error at its rename and the old files stay as they were.
//!
//! Every save sweeps the temps of its own file (so `run --save` cleans up in any directory);
//! loading the profile and the settings at the start sweeps every temp in firedrill's own
//! directories (see `Dirs::sweep_stale_temps`).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// A temp file whose owner is still running is removed only once it is this old.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// The temp file this process writes `path`'s new content to.
pub(super) fn temp_for(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// The file name a temp file is for and the PID that wrote it, if `file_name` is one of ours.
fn parse_temp(file_name: &str) -> Option<(&str, u32)> {
    let rest = file_name.strip_prefix('.')?;
    let (target, pid) = rest.rsplit_once(".tmp-")?;
    if target.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((target, pid.parse().ok()?))
}

/// Whether the process `pid` may still be running (true when it cannot be known).
fn may_be_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the stale temp files in `dir` — of every file, or with `only = Some(name)` of
/// `name` and `name.bak` alone; returns what was removed. Errors are ignored: a temp that
/// cannot be removed now is tried again next time.
pub fn sweep_stale_temps(dir: &Path, only: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let own = std::process::id();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((target, pid)) = file_name.to_str().and_then(parse_temp) else { continue };
        if let Some(name) = only
            && target != name
            && target.strip_suffix(".bak") != Some(name)
        {
            continue;
        }
        // `DirEntry::metadata` does not follow symlinks: a link is never ours.
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.file_type().is_file() {
            continue;
        }
        let old = meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age > STALE_AFTER);
        let orphaned = pid != own && !may_be_alive(pid);
        if (old || orphaned) && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_recognises_only_its_own_naming_pattern() {
        assert_eq!(parse_temp(".profile.ron.tmp-123"), Some(("profile.ron", 123)));
        assert_eq!(parse_temp(".profile.ron.bak.tmp-9"), Some(("profile.ron.bak", 9)));
        for other in ["profile.ron.tmp-123", ".profile.ron.tmp-", ".profile.ron.tmp-12a", "..tmp-1", ".x.tmp-+1"] {
            assert_eq!(parse_temp(other), None, "{other}");
        }
    }

    #[test]
    fn it_sweeps_the_temps_of_dead_processes_and_keeps_live_ones_and_strangers() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let live = std::process::id();
        let write = |name: String| {
            let p = dir.path().join(name);
            std::fs::write(&p, b"half a fi").unwrap();
            p
        };
        let stale = write(format!(".profile.ron.tmp-{dead}"));
        let stale_bak = write(format!(".profile.ron.bak.tmp-{dead}"));
        let other_file = write(format!(".settings.ron.tmp-{dead}"));
        let kept = [
            write(format!(".profile.ron.tmp-{live}")),
            write(format!("profile.ron.tmp-{dead}")),
            write(format!(".notes.txt.tmp-{dead}x")),
        ];
        std::fs::create_dir(dir.path().join(format!(".dir.tmp-{dead}"))).unwrap();

        assert_eq!(sweep_stale_temps(dir.path(), Some("profile.ron")), vec![stale_bak, stale]);
        assert!(other_file.exists(), "a sweep for one file leaves other files' temps");
        assert_eq!(sweep_stale_temps(dir.path(), None), vec![other_file]);
        for k in &kept {
            assert!(k.exists(), "{} must be kept", k.display());
        }
        assert!(dir.path().join(format!(".dir.tmp-{dead}")).is_dir());
    }

    #[test]
    fn a_temp_of_a_live_pid_is_swept_once_it_is_older_than_any_save() {
        let dir = tempfile::tempdir().unwrap();
        // Our own PID is alive; an old file with it is from a process that had the PID before.
        let p = dir.path().join(format!(".profile.ron.tmp-{}", std::process::id()));
        let f = std::fs::File::create(&p).unwrap();
        f.set_modified(std::time::SystemTime::now() - STALE_AFTER / 2).unwrap();
        assert_eq!(sweep_stale_temps(dir.path(), None), Vec::<PathBuf>::new(), "younger than STALE_AFTER: kept");
        f.set_modified(std::time::SystemTime::now() - STALE_AFTER * 2).unwrap();
        assert_eq!(sweep_stale_temps(dir.path(), None), vec![p]);
    }
}
