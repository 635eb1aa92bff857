//! `kill -9` at every system call of a save: the last good copy must survive any kill.
//!
//! The real binary saves a run over an older one (`run … --save FILE`, the same atomic write
//! the profile and the settings use) under `strace -f -e inject=SYSCALL:signal=KILL:when=N`,
//! which kills it as it enters the N-th call of SYSCALL. A dry run under strace lists the
//! calls the save makes; for each of them N goes from 1 up until the process is no longer
//! killed (and that N must match the dry run's count). After every kill:
//!
//! - `FILE` is byte for byte the old run or the new one, and `FILE.bak` the previous one or
//!   the old one — never empty, never half a file;
//! - a temp file of a live process is never deleted;
//! - the next start recovers: `report FILE` and `report FILE.bak` both re-run and give the
//!   run's own debrief; the next save succeeds and leaves no stale temp files behind.
//!
//! It runs twice: with hard links, and with `linkat` failing (`EPERM`), as on a file system
//! without hard links, so the copy the backup then falls back to is killed at each of its
//! calls too. The loop is bounded in runs and in time.

mod disk;

use disk::{bak, dead_pid, finish_within, firedrill, firedrill_under, strace_ready, succeed, temps};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The system calls at whose boundaries a kill can leave a different state on disk (and their
/// per-architecture variants); the rest (mmap, read, …) change nothing on disk.
const RELEVANT: [&str; 24] = [
    "open",
    "openat",
    "creat",
    "write",
    "pwrite64",
    "writev",
    "fsync",
    "fdatasync",
    "close",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "unlink",
    "unlinkat",
    "copy_file_range",
    "sendfile",
    "mkdir",
    "mkdirat",
    "ftruncate",
    "fchmod",
    "getdents64",
    "statx",
];

/// Bounds on the whole test: a kill point that never stops being hit must not loop for ever.
const MAX_RUNS: usize = 600;
const BUDGET: Duration = Duration::from_secs(300);
const ONE_RUN: Duration = Duration::from_secs(30);

/// A directory with a saved run `run.ron` (the old one) and its `.bak` (the previous one),
/// about to be saved over with a new run; plus a stale temp of a dead save and a live one.
struct Fixture {
    home: tempfile::TempDir,
    dir: PathBuf,
    file: PathBuf,
    previous: Vec<u8>,
    old: Vec<u8>,
    new: Vec<u8>,
    /// `report`'s output (a re-run's debrief, which names the seed) for each of the three runs.
    replays: [(Vec<u8>, String); 3],
    stale: [PathBuf; 2],
    live: PathBuf,
}

fn save_args(file: &Path, seed: u32) -> Vec<String> {
    ["run", "friday-deploy", "--until", "10s", "--seed", &seed.to_string(), "--save"]
        .iter()
        .map(ToString::to_string)
        .chain([file.display().to_string()])
        .collect()
}

impl Fixture {
    fn new() -> Fixture {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("saves");
        let file = dir.join("run.ron");
        let mut bytes = Vec::new();
        let mut replays = Vec::new();
        for seed in 1..=3 {
            let one = home.path().join(format!("ref-{seed}")).join("run.ron");
            succeed(firedrill(home.path()).args(save_args(&one, seed)));
            let text = std::fs::read(&one).unwrap();
            let replay = succeed(firedrill(home.path()).arg("report").arg(&one));
            bytes.push(text.clone());
            replays.push((text, replay));
        }
        let pid = dead_pid();
        let stale = [dir.join(format!(".run.ron.tmp-{pid}")), dir.join(format!(".run.ron.bak.tmp-{pid}"))];
        let live = dir.join(format!(".run.ron.tmp-{}", std::process::id()));
        let replays: [(Vec<u8>, String); 3] = replays.try_into().unwrap();
        Fixture {
            home,
            dir,
            file,
            previous: bytes[0].clone(),
            old: bytes[1].clone(),
            new: bytes[2].clone(),
            replays,
            stale,
            live,
        }
    }

    /// Puts the files back as they were before the save: fresh inodes, so a hard link left by
    /// a kill cannot carry a write into the other name.
    fn reset(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::write(bak(&self.file), &self.previous).unwrap();
        std::fs::write(&self.file, &self.old).unwrap();
        for s in &self.stale {
            std::fs::write(s, b"(version: 1, progr").unwrap();
        }
        std::fs::write(&self.live, b"(version: 1, pro").unwrap();
    }

    fn name(&self, bytes: &[u8]) -> &'static str {
        match bytes {
            b if b == self.previous.as_slice() => "previous",
            b if b == self.old.as_slice() => "old",
            b if b == self.new.as_slice() => "new",
            [] => "EMPTY",
            _ => "PARTIAL",
        }
    }

    fn replay_of(&self, bytes: &[u8]) -> Option<&str> {
        self.replays.iter().find(|(b, _)| b == bytes).map(|(_, r)| r.as_str())
    }

    /// Every way the state after a kill breaks the invariant; empty when it holds.
    fn check(&self) -> (String, Vec<String>) {
        let mut bad = Vec::new();
        let file = std::fs::read(&self.file).unwrap_or_default();
        let backup = std::fs::read(bak(&self.file)).unwrap_or_default();
        let state = format!("file={} bak={}", self.name(&file), self.name(&backup));
        if file != self.old && file != self.new {
            bad.push(format!("run.ron is {} ({} bytes)", self.name(&file), file.len()));
        }
        if backup != self.previous && backup != self.old {
            bad.push(format!("run.ron.bak is {} ({} bytes)", self.name(&backup), backup.len()));
        }
        if !self.live.exists() {
            bad.push("the temp file of a live process was deleted".into());
        }
        // The next start: both copies re-run as the run they hold.
        for path in [self.file.clone(), bak(&self.file)] {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let o = finish_within(firedrill(self.home.path()).arg("report").arg(&path), ONE_RUN);
            let out = String::from_utf8_lossy(&o.stdout);
            if !o.status.success() || Some(out.as_ref()) != self.replay_of(&bytes) {
                let why = String::from_utf8_lossy(&o.stderr);
                bad.push(format!("report {} failed: {}", path.display(), why.trim()));
            }
        }
        // The next save works and sweeps what the killed one left.
        let o = finish_within(firedrill(self.home.path()).args(save_args(&self.file, 3)), ONE_RUN);
        if !o.status.success() {
            bad.push(format!("the next save failed: {}", String::from_utf8_lossy(&o.stderr).trim()));
        }
        let live = self.live.file_name().unwrap().to_string_lossy().into_owned();
        let left: Vec<String> = temps(&self.dir).into_iter().filter(|n| *n != live).collect();
        if !left.is_empty() {
            bad.push(format!("stale temp files left after the next save: {left:?}"));
        }
        if std::fs::read(&self.file).unwrap_or_default() != self.new {
            bad.push("the next save did not write the new run".into());
        }
        (state, bad)
    }
}

/// The calls of the save, by syscall in order of first use, counted in a dry run under strace
/// with `extra` options (e.g. an injected error).
fn calls_of_a_save(fx: &Fixture, extra: &[&str]) -> Vec<(String, usize)> {
    fx.reset();
    let trace = fx.home.path().join("dry-run.trace");
    let trace_arg = trace.display().to_string();
    let mut wrapper = vec!["strace", "-f", "-qq", "-o", &trace_arg, "-e", "trace=%file,%desc"];
    wrapper.extend_from_slice(extra);
    succeed(firedrill_under(fx.home.path(), &wrapper).args(save_args(&fx.file, 3)));
    let text = std::fs::read_to_string(&trace).unwrap();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in text.lines() {
        // "PID name(args…) = result"
        let Some(call) = line.split_once(' ').map(|(_, rest)| rest.trim_start()) else { continue };
        let Some(name) = call.split('(').next().filter(|n| RELEVANT.contains(n)) else { continue };
        match counts.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => counts.push((name.to_string(), 1)),
        }
    }
    counts
}

/// Kills the save at every call in `calls`; returns the number of kill points, how many of
/// them broke something, and what.
fn kill_everywhere(
    fx: &Fixture,
    calls: &[(String, usize)],
    extra: &[&str],
    runs: &mut usize,
) -> (usize, usize, Vec<String>) {
    let started = Instant::now();
    let mut kills = 0;
    let mut broken = 0;
    let mut failures = Vec::new();
    for (name, count) in calls {
        let mut n = 1;
        loop {
            assert!(*runs < MAX_RUNS, "more than {MAX_RUNS} runs: the kill loop does not end");
            assert!(started.elapsed() < BUDGET, "the kill loop took longer than {BUDGET:?}");
            *runs += 1;
            fx.reset();
            let trace = format!("trace={name},linkat");
            let inject = format!("inject={name}:signal=KILL:when={n}");
            let mut wrapper = vec!["strace", "-f", "-qq", "-o", "/dev/null", "-e", &trace, "-e", &inject];
            wrapper.extend_from_slice(extra);
            let o = finish_within(firedrill_under(fx.home.path(), &wrapper).args(save_args(&fx.file, 3)), ONE_RUN);
            if o.status.signal() == Some(9) {
                kills += 1;
                let (state, bad) = fx.check();
                eprintln!("  kill at {name} #{n}: {state}{}", if bad.is_empty() { "" } else { "  <- BROKEN" });
                for b in &bad {
                    eprintln!("      {b}");
                }
                broken += usize::from(!bad.is_empty());
                failures.extend(bad.into_iter().map(|b| format!("kill at {name} #{n}: {b}")));
                n += 1;
                continue;
            }
            if !o.status.success() {
                failures.push(format!("{name} #{n}: the save failed: {}", String::from_utf8_lossy(&o.stderr).trim()));
            } else if n - 1 != *count {
                failures.push(format!("{name}: killed {} times, but the dry run made {count} calls", n - 1));
            }
            break;
        }
    }
    (kills, broken, failures)
}

#[test]
fn a_kill_at_any_system_call_of_a_save_keeps_a_good_copy_and_the_next_start_recovers() {
    if !strace_ready("a_kill_at_any_system_call_of_a_save_keeps_a_good_copy") {
        return;
    }
    let fx = Fixture::new();
    let calls = calls_of_a_save(&fx, &[]);
    let link = calls.iter().map(|(n, _)| n.as_str()).find(|n| *n == "linkat" || *n == "link");
    let mut runs = 0;
    let mut report = Vec::new();
    let mut failures = Vec::new();

    eprintln!("with hard links: {calls:?}");
    let (kills, broken, bad) = kill_everywhere(&fx, &calls, &[], &mut runs);
    report.push(format!("with hard links: {kills} kill points, {broken} broken"));
    failures.extend(bad);

    // As on a file system without hard links: the backup is copied instead. `linkat` itself
    // fails there, so it is not a kill point.
    let no_links = ["-e", "inject=linkat:error=EPERM"];
    let mut copy_calls = calls_of_a_save(&fx, &no_links);
    copy_calls.retain(|(n, _)| n != "linkat");
    eprintln!("without hard links: {copy_calls:?}");
    let (kills, broken, bad) = kill_everywhere(&fx, &copy_calls, &no_links, &mut runs);
    report.push(format!("without hard links: {kills} kill points, {broken} broken"));
    failures.extend(bad);

    eprintln!("{}", report.join("\n"));
    assert!(link.is_some(), "the save made no hard link for its backup: {calls:?}");
    assert!(failures.is_empty(), "{}\n{}", report.join("\n"), failures.join("\n"));
}
