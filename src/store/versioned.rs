//! Versioned RON files. Each file is `(version: N, ...)`. Loading never fails the game, and
//! never loses the last good copy:
//!
//! - a missing file gives the default — unless its `.bak` is good (a save or a restore was
//!   killed, or the file was deleted by hand): then the `.bak` is put back, with a warning;
//! - a damaged file (not RON, not UTF-8, too large, or with a field this version does not know:
//!   the types deny unknown fields), or one written by a newer firedrill, is moved aside
//!   (renamed with a `.corrupt-…` or `.newer-…` suffix, never deleted), the last good copy
//!   (`.bak`) is restored in its place if there is one, and a warning says what happened,
//!   naming `file:line:column` of the damage and the fields allowed there;
//! - a file that is not a regular file (a FIFO, a device, a directory) is never opened in a way
//!   that could block, and never moved, replaced or deleted: it is not firedrill's to fix. The
//!   `.bak`'s content is used if it is good, else the default; the warning says why and that
//!   saving stays off until it is removed (a save refuses to replace it, see `atomic.rs`).
//!
//! Loading also sweeps the stale temp files of killed saves of this file (`temps.rs`).

use super::atomic::{backup_of, replace_file};
use super::read::{ReadError, read_text_file};
use super::temps::sweep_stale_temps;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// A settings or profile file larger than this is damage, not data: real ones are a few KiB.
pub const MAX_STORE_BYTES: usize = 1 << 20;

/// The outcome of loading a versioned file.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub value: T,
    /// What went wrong and what was done about it, for the player.
    pub warning: Option<String>,
}

#[derive(serde::Deserialize)]
struct VersionOnly {
    version: u32,
}

pub(super) fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// The version a file says it has, if it is RON with a `version` field at all: read first, so
/// a newer file is recognised even if its shape changed.
pub(super) fn declared_version(text: &str) -> Option<u32> {
    ron_options().from_str::<ron::Value>(text).ok()?.into_rust::<VersionOnly>().ok().map(|v| v.version)
}

/// A positioned error on one line: `file:line:column: LABELwhat (hint: …)`.
pub(super) fn one_line(e: &crate::scenario::ScenarioError, label: &str) -> String {
    let hint = if e.hint.is_empty() { String::new() } else { format!(" (hint: {})", e.hint) };
    // The message may quote the file's own text, newlines included (a string that spans lines
    // where a duration was expected): one line, whatever it quotes.
    crate::text::clean_line(&format!("{}:{}:{}: {label}{}{hint}", e.file, e.line, e.col, e.message)).into_owned()
}

/// A RON error in the file at `path`, positioned, with what is wrong and how to fix it.
pub(super) fn positioned(path: &Path, e: &ron::error::SpannedError) -> crate::scenario::ScenarioError {
    crate::scenario::error::from_ron(&path.display().to_string(), e)
}

fn parse<T: DeserializeOwned>(path: &Path, text: &str, current: u32) -> Result<T, (&'static str, String)> {
    if let Some(v) = declared_version(text)
        && v > current
    {
        return Err(("newer", format!("it was written by a newer firedrill (version {v}, this one reads {current})")));
    }
    ron_options()
        .from_str::<T>(text)
        .map_err(|e| ("corrupt", format!("it is damaged at {}", one_line(&positioned(path, &e), ""))))
}

fn aside(path: &Path, why: &str) -> PathBuf {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut target = path.with_file_name(format!("{name}.{why}-{secs}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.{why}-{secs}-{n}"));
        n += 1;
    }
    target
}

/// The `.bak`'s value and text, if it is a good copy.
fn good_backup<T: DeserializeOwned>(path: &Path, current: u32) -> Option<(T, String)> {
    let bak = backup_of(path);
    let text = read_text_file(&bak, "firedrill data", MAX_STORE_BYTES).ok()?;
    parse::<T>(&bak, &text, current).ok().map(|v| (v, text))
}

/// Loads `path`, whose current schema version is `current`.
pub fn load_versioned<T: DeserializeOwned + Default>(path: &Path, current: u32) -> Loaded<T> {
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
        sweep_stale_temps(dir, Some(&name.to_string_lossy()));
    }
    let shown = path.display();
    let bak_shown = backup_of(path).display().to_string();
    let parsed = match read_text_file(path, "firedrill data", MAX_STORE_BYTES) {
        Ok(text) => parse::<T>(path, &text, current),
        Err(e) if e.is_not_found() => {
            return match good_backup::<T>(path, current) {
                Some((value, text)) => {
                    // Put the good copy back so the next session finds the file itself.
                    let _ = replace_file(path, text.as_bytes(), false);
                    let warning = format!("{shown} was missing; its last good copy ({bak_shown}) was restored");
                    Loaded { value, warning: Some(warning) }
                }
                None => Loaded { value: T::default(), warning: None },
            };
        }
        Err(ReadError::NotRegular { kind, .. }) => {
            let (value, fallback) = match good_backup::<T>(path, current) {
                Some((value, _)) => (value, format!("using its last good copy ({bak_shown})")),
                None => (T::default(), "starting fresh".to_string()),
            };
            let warning = format!(
                "{shown} is {kind}, not a regular file: firedrill did not read it and will not replace or delete \
                 it; {fallback}, and nothing is saved there until it is removed or renamed"
            );
            return Loaded { value, warning: Some(warning) };
        }
        // Bytes that are not text, or far too many, are damage like any other: left in
        // place, the next save would make them the `.bak` and lose the last good copy.
        Err(ReadError::NotText { .. }) => Err(("corrupt", "it is damaged (not UTF-8 text)".to_string())),
        Err(ReadError::TooLarge { len, max, .. }) => {
            Err(("corrupt", format!("it is damaged ({len} bytes, where at most {max} are expected)")))
        }
        Err(e) => {
            return Loaded { value: T::default(), warning: Some(format!("{e}; using defaults")) };
        }
    };
    match parsed {
        Ok(value) => Loaded { value, warning: None },
        Err((why, detail)) => {
            let moved = aside(path, why);
            let moved_ok = std::fs::rename(path, &moved).is_ok();
            let restored = good_backup::<T>(path, current).map(|(value, text)| {
                // Put the good copy back in place (the damaged file is out of the way), so a
                // session that saves nothing does not leave the next one starting fresh.
                if moved_ok {
                    let _ = replace_file(path, text.as_bytes(), false);
                }
                value
            });
            let fallback = if restored.is_some() { "the last good copy was restored" } else { "starting fresh" };
            let where_ =
                if moved_ok { format!("moved it to {}", moved.display()) } else { "left it in place".to_string() };
            Loaded {
                value: restored.unwrap_or_default(),
                warning: Some(format!("{shown} could not be used: {detail}; {where_} and {fallback}")),
            }
        }
    }
}

/// Writes a versioned value atomically.
pub fn save_versioned<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let text = ron::ser::to_string_pretty(value, ron::ser::PrettyConfig::default()).map_err(std::io::Error::other)?;
    super::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Default, Debug, PartialEq)]
    struct Doc {
        version: u32,
        name: String,
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_the_backup_restored() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.ron");
        save_versioned(&p, &Doc { version: 1, name: "first".into() }).unwrap();
        save_versioned(&p, &Doc { version: 1, name: "second".into() }).unwrap();
        std::fs::write(&p, "(version: 1, name: \"trunc").unwrap();
        let loaded: Loaded<Doc> = load_versioned(&p, 1);
        assert_eq!(loaded.value.name, "first", "the .bak holds the last good save before the damaged one");
        let w = loaded.warning.unwrap();
        assert!(w.contains("damaged") && w.contains("restored"), "{w}");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("doc.ron.corrupt-")), "{names:?}");
    }

    #[test]
    fn a_newer_file_is_kept_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.ron");
        std::fs::write(&p, "(version: 9, name: \"from the future\", extra: [1, 2])").unwrap();
        let loaded: Loaded<Doc> = load_versioned(&p, 1);
        assert_eq!(loaded.value, Doc::default());
        assert!(loaded.warning.unwrap().contains("newer firedrill (version 9"));
        assert!(!p.exists());
        let kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(kept.iter().any(|n| n.starts_with("doc.ron.newer-")), "{kept:?}");
    }

    #[test]
    fn a_missing_file_is_the_default_without_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let loaded: Loaded<Doc> = load_versioned(&dir.path().join("none.ron"), 1);
        assert_eq!(loaded, Loaded { value: Doc::default(), warning: None });
    }
}
