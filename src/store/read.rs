//! Reading a data file without ever blocking on it or reading without bound.
//!
//! A FIFO named `profile.ron` would block `open` until something writes to it (for good, at
//! the game's start), a device such as `/dev/zero` would be read for ever, and a directory
//! cannot be read at all. So a file is read only if it is a regular file, checked three ways:
//! its type before opening (following symlinks, so a link to a regular file is fine); the open
//! itself with `O_NONBLOCK`, so a file swapped for a FIFO in between cannot block it; and the
//! opened handle's type, which closes that race. At most `max` bytes are read, so even a
//! device that slipped through could not fill memory. The caller decides what a refusal
//! means: the versioned loader leaves the file alone and says so (see `versioned.rs`).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `O_NONBLOCK` for `open`, per platform (`libc` is not a dependency). Where it is not known
/// here it is 0: the type checks before and after opening still refuse a special file, only
/// the race between them is left open.
const O_NONBLOCK: i32 = if cfg!(any(target_os = "linux", target_os = "android")) {
    if cfg!(any(target_arch = "mips", target_arch = "mips32r6", target_arch = "mips64", target_arch = "mips64r6")) {
        0x80
    } else if cfg!(any(target_arch = "sparc", target_arch = "sparc64")) {
        0x4000
    } else {
        0o4000
    }
} else if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
)) {
    0x4
} else if cfg!(any(target_os = "illumos", target_os = "solaris")) {
    0x80
} else {
    0
};

/// Why a data file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{} is {kind}, not a {what} file", path.display())]
    NotRegular { path: PathBuf, what: &'static str, kind: &'static str },
    #[error("{} is {len} bytes; a {what} file may be at most {max}", path.display())]
    TooLarge { path: PathBuf, what: &'static str, len: u64, max: usize },
    #[error("{} is not UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("cannot read {what} {}: {}", path.display(), reason(source))]
    Io {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// What kind of file this is, for a message; `None` for a regular file.
pub(super) fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Reads the regular file at `path` (a `what` file: "profile", "saved run"…) as UTF-8 text of
/// at most `max` bytes; a FIFO, device, socket or directory is refused without blocking.
pub fn read_text_file(path: &Path, what: &'static str, max: usize) -> Result<String, ReadError> {
    let io = |source| ReadError::Io { path: path.to_path_buf(), what, source };
    let not_regular = |kind| ReadError::NotRegular { path: path.to_path_buf(), what, kind };
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(kind) = special_kind(&meta) {
        return Err(not_regular(kind));
    }
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if let Some(kind) = special_kind(&meta) {
        return Err(not_regular(kind));
    }
    let too_large = |len| ReadError::TooLarge { path: path.to_path_buf(), what, len, max };
    if meta.len() > max as u64 {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max as u64 + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > max {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotText { path: path.to_path_buf() })
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_reads_a_regular_file_and_one_behind_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        std::fs::write(&p, "(version: 1)").unwrap();
        assert_eq!(read_text_file(&p, "test", 100).unwrap(), "(version: 1)");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.ron");
            std::os::unix::fs::symlink(&p, &link).unwrap();
            assert_eq!(read_text_file(&link, "test", 100).unwrap(), "(version: 1)");
        }
    }

    #[test]
    fn it_refuses_a_directory_a_device_and_too_many_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_text_file(dir.path(), "profile", 100).unwrap_err();
        assert_eq!(e.to_string(), format!("{} is a directory, not a profile file", dir.path().display()));
        #[cfg(unix)]
        {
            let e = read_text_file(Path::new("/dev/zero"), "profile", 100).unwrap_err();
            assert!(e.to_string().ends_with("is a device, not a profile file"), "{e}");
        }
        let p = dir.path().join("big.ron");
        std::fs::write(&p, [b'x'; 101]).unwrap();
        let e = read_text_file(&p, "profile", 100).unwrap_err();
        assert!(e.to_string().ends_with("is 101 bytes; a profile file may be at most 100"), "{e}");
        let e = read_text_file(&dir.path().join("none.ron"), "profile", 100).unwrap_err();
        assert!(e.is_not_found() && e.to_string().ends_with(": no such file"), "{e}");
    }
}
