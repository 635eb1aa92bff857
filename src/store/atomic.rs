//! Atomic writes that keep the last good copy as `NAME.bak`.
//!
//! **Invariant**: whichever system call a `kill -9` (or a crash) interrupts, `NAME` is a whole
//! file — the old one or the new one — and `NAME.bak` is a whole file — the previous one or
//! the old one — or absent because it never existed. Neither is ever written in place, so
//! neither can be truncated. The sequence:
//!
//! 1. sweep the stale temps of `NAME` that killed saves left (`temps.rs`);
//! 2. write the new content to `.NAME.tmp-PID` (created fresh, never through an existing file)
//!    and fsync it;
//! 3. if `NAME` exists, make `.NAME.bak.tmp-PID` a hard link to it — or, where the file system
//!    has no hard links, a copy of it, fsynced — and rename that over `NAME.bak`;
//! 4. rename the temp over `NAME`, then fsync the directory so the renames are durable.
//!
//! A rename replaces its target in one step, so at every boundary both names hold whole
//! files. Between 3 and 4 `NAME` and `NAME.bak` may be one inode (linked): harmless, as
//! `NAME` is only ever replaced, never written into; a later save sees that and skips step 3.
//! The new content is written first because that is what a full disk stops: a failure there
//! changes nothing. A hard link needs no room for data, so a nearly full disk still gets its
//! backup. Any failure removes this save's temps, leaves `NAME` as it was (and `NAME.bak`,
//! unless only the last rename failed) and returns a [`SaveError`] that says what failed,
//! where, why, and what was kept. A `NAME` that is not a regular file (a FIFO, a directory…)
//! is never replaced.

use super::read::special_kind;
use super::temps::{sweep_stale_temps, temp_for};
use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The step of a save that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveStep {
    CreateDir,
    WriteNew,
    KeepBackup,
    Replace,
    NotRegular(&'static str),
}

/// A save that did not happen; what is on disk is described by [`SaveError::kept`].
#[derive(Debug, thiserror::Error)]
#[error("{}", self.describe())]
pub struct SaveError {
    pub path: PathBuf,
    pub step: SaveStep,
    /// The file was there before the save (so it was kept), and so was its `.bak`.
    pub had_file: bool,
    pub had_backup: bool,
    #[source]
    pub source: Option<std::io::Error>,
}

impl SaveError {
    /// What stayed on disk, in words.
    pub fn kept(&self) -> String {
        let name = file_name(&self.path);
        match (self.had_file, self.had_backup, self.step) {
            (false, _, _) => "nothing was saved".to_string(),
            (true, _, SaveStep::NotRegular(_)) => "it was left as it is".to_string(),
            (true, _, SaveStep::Replace) => format!("{name} was kept as it was, with a copy of it in {name}.bak"),
            (true, true, _) => format!("{name} and {name}.bak were kept as they were"),
            (true, false, _) => format!("{name} was kept as it was"),
        }
    }

    fn describe(&self) -> String {
        let shown = self.path.display();
        let dir = parent(&self.path).display().to_string();
        let what = match self.step {
            SaveStep::CreateDir => format!("cannot create the directory {dir}"),
            SaveStep::WriteNew => format!("cannot write the new copy of {shown}"),
            SaveStep::KeepBackup => {
                format!("cannot keep the previous copy of {shown} as {}.bak", file_name(&self.path))
            }
            SaveStep::Replace => format!("cannot put the new copy of {shown} in place"),
            SaveStep::NotRegular(kind) => {
                return format!("{shown} is {kind}, not a regular file, so it was not replaced; {}", self.kept());
            }
        };
        let why = self.source.as_ref().map_or_else(String::new, |e| format!(": {}", why(e, &dir)));
        format!("{what}{why}; {}", self.kept())
    }
}

/// Why an I/O error happened, in a player's words (the OS's words in brackets).
fn why(e: &std::io::Error, dir: &str) -> String {
    let plain = match e.kind() {
        ErrorKind::StorageFull => format!("the disk holding {dir} is full"),
        ErrorKind::QuotaExceeded => format!("the disk quota for {dir} is used up"),
        ErrorKind::ReadOnlyFilesystem => format!("{dir} is on a read-only file system"),
        ErrorKind::PermissionDenied => format!("no permission to write in {dir}"),
        _ => return e.to_string(),
    };
    format!("{plain} ({e})")
}

fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The `.bak` of `path`.
pub(super) fn backup_of(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}.bak", file_name(path)))
}

/// Writes `bytes` to `path` atomically, keeping the file it replaces as `path.bak`. The error
/// is an [`std::io::Error`] of the failing call's kind whose message is a [`SaveError`]'s.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    save_atomic(path, bytes).map_err(|e| {
        let kind = e.source.as_ref().map_or(ErrorKind::Other, std::io::Error::kind);
        std::io::Error::new(kind, e)
    })
}

/// [`write_atomic`] with its typed error.
pub fn save_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    replace_file(path, bytes, true)
}

/// Writes `bytes` to `path` atomically; with `keep_backup`, the replaced file becomes
/// `path.bak` first (step 3 of the module docs).
pub(super) fn replace_file(path: &Path, bytes: &[u8], keep_backup: bool) -> Result<(), SaveError> {
    let dir = parent(path);
    let bak = backup_of(path);
    let old = std::fs::metadata(path).ok();
    let (had_file, had_backup) = (old.is_some(), bak.exists());
    let error = |step, source| SaveError { path: path.to_path_buf(), step, had_file, had_backup, source };
    if let Some(kind) = old.as_ref().and_then(special_kind) {
        return Err(error(SaveStep::NotRegular(kind), None));
    }
    std::fs::create_dir_all(dir).map_err(|e| error(SaveStep::CreateDir, Some(e)))?;
    sweep_stale_temps(dir, Some(&file_name(path)));

    let tmp = temp_for(path);
    let steps = write_new(&tmp, bytes).map_err(|e| (SaveStep::WriteNew, e)).and_then(|()| {
        if keep_backup && had_file {
            keep_backup_of(path, &bak).map_err(|e| (SaveStep::KeepBackup, e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| (SaveStep::Replace, e))
    });
    if let Err((step, e)) = steps {
        let _ = std::fs::remove_file(&tmp);
        return Err(error(step, Some(e)));
    }
    // The renames are done; this only makes them durable, so it cannot fail the save.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes a fresh temp file (removing a leftover of a dead process with the same PID first,
/// so nothing is ever written through an existing file or link).
fn write_new(tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::remove_file(tmp) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Step 3: `bak` becomes a whole copy of `path` in one rename.
fn keep_backup_of(path: &Path, bak: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let (Ok(a), Ok(b)) = (std::fs::metadata(path), std::fs::metadata(bak)) {
        use std::os::unix::fs::MetadataExt;
        if (a.dev(), a.ino()) == (b.dev(), b.ino()) {
            // A save killed between its two renames left them linked: the backup is there.
            return Ok(());
        }
    }
    // A FIFO or a directory where the backup goes is someone's, not a backup: leave it.
    if let Ok(m) = std::fs::symlink_metadata(bak)
        && !m.file_type().is_symlink()
        && let Some(kind) = special_kind(&m)
    {
        return Err(std::io::Error::other(format!("{} is {kind}, not a regular file", bak.display())));
    }
    let tmp = temp_for(bak);
    let made = match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => std::fs::hard_link(path, &tmp).or_else(|_| copy_synced(path, &tmp)),
    };
    let result = made.and_then(|()| std::fs::rename(&tmp, bak));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The fallback where hard links are not supported (FAT, some network and FUSE file systems)
/// or not allowed: a copy into a fresh file, fsynced before it is renamed into place.
fn copy_synced(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut src = File::open(from)?;
    let mut dst = std::fs::OpenOptions::new().write(true).create_new(true).open(to)?;
    std::io::copy(&mut src, &mut dst)?;
    dst.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        n.sort();
        n
    }

    #[test]
    fn it_replaces_the_file_and_keeps_the_last_good_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("a.ron");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        write_atomic(&p, b"three").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "three");
        assert_eq!(std::fs::read_to_string(backup_of(&p)).unwrap(), "two");
        assert_eq!(names(&dir.path().join("sub")), ["a.ron", "a.ron.bak"], "no temp file is left");
    }

    #[test]
    fn the_copy_fallback_makes_a_whole_backup_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        std::fs::write(&p, b"old").unwrap();
        copy_synced(&p, &temp_for(&backup_of(&p))).unwrap();
        std::fs::rename(temp_for(&backup_of(&p)), backup_of(&p)).unwrap();
        assert_eq!(std::fs::read(backup_of(&p)).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.ron", "a.ron.bak"]);
    }

    #[test]
    fn a_save_after_one_killed_between_its_renames_keeps_the_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        std::fs::write(&p, b"old").unwrap();
        std::fs::hard_link(&p, backup_of(&p)).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(std::fs::read(backup_of(&p)).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.ron", "a.ron.bak"]);
    }

    #[test]
    fn a_special_file_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        std::fs::create_dir(&p).unwrap();
        let e = save_atomic(&p, b"new").unwrap_err();
        assert_eq!(e.step, SaveStep::NotRegular("a directory"));
        assert!(
            e.to_string().ends_with("is a directory, not a regular file, so it was not replaced; it was left as it is"),
            "{e}"
        );
        assert!(p.is_dir());
        assert_eq!(names(dir.path()), ["a.ron"]);
    }

    #[test]
    fn an_error_says_what_where_why_and_what_was_kept() {
        let e = SaveError {
            path: PathBuf::from("/data/profile.ron"),
            step: SaveStep::WriteNew,
            had_file: true,
            had_backup: true,
            source: Some(std::io::Error::from(ErrorKind::StorageFull)),
        };
        assert_eq!(
            e.to_string(),
            "cannot write the new copy of /data/profile.ron: the disk holding /data is full (no storage space); \
             profile.ron and profile.ron.bak were kept as they were"
        );
    }
}
