//! Versioned RON files. Each file is `(version: N, ...)`. Loading never fails the game: a
//! missing file gives the default; a corrupt file, or one written by a newer firedrill, is moved
//! aside (renamed with a `.corrupt-…` or `.newer-…` suffix, never deleted), the last good copy
//! (`.bak`) is restored in its place if there is one, and a warning says what happened.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

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

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn parse<T: DeserializeOwned>(text: &str, current: u32) -> Result<T, (&'static str, String)> {
    // Read the version first so a newer file is recognised even if its shape changed.
    #[derive(serde::Deserialize)]
    struct Loose {
        version: Option<u32>,
    }
    let loose: Result<Loose, _> = ron_options().from_str::<ron::Value>(text).map_err(|e| e.to_string()).and_then(|v| {
        v.into_rust::<VersionOnly>().map(|x| Loose { version: Some(x.version) }).map_err(|e| e.to_string())
    });
    if let Ok(Loose { version: Some(v) }) = loose
        && v > current
    {
        return Err(("newer", format!("it was written by a newer firedrill (version {v}, this one reads {current})")));
    }
    ron_options().from_str::<T>(text).map_err(|e| ("corrupt", format!("it is damaged ({e})")))
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

/// Loads `path`, whose current schema version is `current`.
pub fn load_versioned<T: DeserializeOwned + Default>(path: &Path, current: u32) -> Loaded<T> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded { value: T::default(), warning: None },
        Err(e) => {
            return Loaded {
                value: T::default(),
                warning: Some(format!("could not read {}: {e}; using defaults", path.display())),
            };
        }
    };
    // Bytes that are not text are damage like any other: left in place, the next save would
    // copy them over the `.bak` and lose the last good copy.
    let parsed = match String::from_utf8(bytes) {
        Ok(text) => parse::<T>(&text, current),
        Err(_) => Err(("corrupt", "it is damaged (not UTF-8 text)".to_string())),
    };
    match parsed {
        Ok(value) => Loaded { value, warning: None },
        Err((why, detail)) => {
            let moved = aside(path, why);
            let moved_ok = std::fs::rename(path, &moved).is_ok();
            let bak = path.with_file_name(format!("{}.bak", path.file_name().unwrap_or_default().to_string_lossy()));
            let restored = std::fs::read_to_string(&bak)
                .ok()
                .and_then(|t| parse::<T>(&t, current).ok().map(|v| (v, t)))
                .map(|(value, text)| {
                    // Put the good copy back in place (the damaged file is out of the way), so a
                    // session that saves nothing does not leave the next one starting fresh.
                    if moved_ok {
                        let _ = super::write_atomic(path, text.as_bytes());
                    }
                    value
                });
            let fallback = if restored.is_some() { "the last good copy was restored" } else { "starting fresh" };
            let where_ =
                if moved_ok { format!("moved it to {}", moved.display()) } else { "left it in place".to_string() };
            Loaded {
                value: restored.unwrap_or_default(),
                warning: Some(format!("{} could not be used: {detail}; {where_} and {fallback}", path.display())),
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
