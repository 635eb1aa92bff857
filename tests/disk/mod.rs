//! Helpers for the tests that break the disk under firedrill's saves (`save_kill.rs`,
//! `store_disk.rs`): the real binary in a home of its own, strace, a tiny tmpfs, and the files
//! a save leaves in a directory.
//!
//! strace needs ptrace and a mount needs root. Under `CI=true` (the CI machine is Debian and
//! runs as root, and `.ci/run` installs strace) a missing tool fails the test; elsewhere the
//! test is skipped with a line on stderr saying why.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Whether this is the CI run, where nothing may be skipped.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports a tool this test cannot run without: fails under CI, else says so and returns false.
#[track_caller]
pub fn unavailable(test: &str, why: &str) -> bool {
    assert!(!ci(), "{test}: {why} (CI=true: this test must run, not skip)");
    eprintln!("skipping {test}: {why}");
    false
}

/// Whether strace can trace a child here (it is installed and ptrace is allowed); if not,
/// fails under CI or skips with a message.
pub fn strace_ready(test: &str) -> bool {
    match Command::new("strace").args(["-f", "-qq", "-o", "/dev/null", "true"]).output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => unavailable(test, &format!("strace cannot trace here: {}", String::from_utf8_lossy(&o.stderr).trim())),
        Err(e) => unavailable(test, &format!("strace is not installed ({e}); `apt-get install strace`")),
    }
}

/// The firedrill binary, run from the crate root with its data and config under `home`.
pub fn firedrill(home: &Path) -> Command {
    firedrill_under(home, &[])
}

/// The firedrill binary run through `wrapper` (e.g. strace and its options), isolated in `home`.
pub fn firedrill_under(home: &Path, wrapper: &[&str]) -> Command {
    let bin = env!("CARGO_BIN_EXE_firedrill");
    let mut cmd = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("FIREDRILL_DATA", home.join("data"))
        .env("FIREDRILL_CONFIG", home.join("config"))
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env_remove("RUST_BACKTRACE")
        // cargo's long library path only makes the loader probe dozens of directories (each a
        // kill point under strace); the binary needs the system's libraries alone.
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` to its end, or kills it and fails the test after `limit`: a hang is a failure,
/// never a stuck test run. Polls the child's status; nothing waits a fixed time.
#[track_caller]
pub fn finish_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the command starts");
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut b).map(|_| b)
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut b).map(|_| b)
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: out.join().expect("reader thread").unwrap_or_default(),
        stderr: err.join().expect("reader thread").unwrap_or_default(),
    }
}

/// Runs `cmd`, which must succeed within a minute; returns its stdout.
#[track_caller]
pub fn succeed(cmd: &mut Command) -> String {
    let o = finish_within(cmd, Duration::from_secs(60));
    assert!(o.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The names in `dir` that are a save's temporary files (`.NAME.tmp-PID`).
pub fn temps(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a readable directory")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    names.sort();
    names
}

/// A process id that belonged to a process which has ended (so a temp file named after it is
/// stale): the pid of a child that was started and waited for.
pub fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("`true` runs");
    let pid = child.id();
    child.wait().expect("`true` ends");
    pid
}

/// The `.bak` next to `path`.
pub fn bak(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}.bak", path.file_name().expect("a file name").to_string_lossy()))
}

/// A tmpfs of a given size mounted on a fresh temp directory, unmounted when dropped (even when
/// the test fails), so a tiny or read-only disk can be tested as root.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "64k"); `Err` says why not (not root, no mount).
    pub fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !o.status.success() {
            return Err(format!("mount -t tmpfs failed: {}", String::from_utf8_lossy(&o.stderr).trim()));
        }
        Ok(Tmpfs { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Makes the whole file system read-only (root ignores directory permissions, a read-only
    /// mount it does not).
    pub fn read_only(&self) {
        let o = Command::new("mount").args(["-o", "remount,ro"]).arg(self.path()).output().expect("mount runs");
        assert!(o.status.success(), "remount,ro failed: {}", String::from_utf8_lossy(&o.stderr));
        assert!(std::fs::write(self.path().join("probe"), b"x").is_err(), "the tmpfs is read-only now");
    }

    /// Fills the file system up with `filler`, then frees `pages` 4 KiB pages of it.
    pub fn fill_leaving(&self, pages: u64) {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut f = std::fs::File::create(&path).expect("the filler starts");
        let block = [0u8; 4096];
        let mut written = 0u64;
        while f.write_all(&block).is_ok() {
            written += 4096;
            assert!(written < 1 << 30, "the tmpfs never filled up");
        }
        let _ = f.flush();
        let keep = (written / 4096).saturating_sub(pages) * 4096;
        f.set_len(keep).expect("the filler can shrink");
        f.sync_all().expect("sync");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount").arg(self.dir.path()).status().is_ok_and(|s| s.success());
        if !ok {
            // Something still holds it open: detach it now, the kernel frees it when released.
            let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
        }
    }
}
