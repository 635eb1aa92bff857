//! A private tmux server running the real binary, for the end-to-end tests: start it in a
//! temp home, type, read the screen, wait for text with a timeout, and kill the server when
//! dropped.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_firedrill");
/// Long enough for a loaded CI machine; a passing run takes well under a second per step.
pub const STEP: Duration = Duration::from_secs(20);

/// Whether an end-to-end test can run: tmux is installed. Without it the test is skipped with
/// a message on a developer's machine, and fails under `CI=true` (`.ci/run` installs tmux, so a
/// missing tmux there is a broken setup, not a pass).
pub fn can_run() -> bool {
    if tmux_installed() {
        return true;
    }
    assert!(
        !under_ci(),
        "tmux is not installed, and under CI=true the end-to-end tests must run (.ci/run installs tmux)"
    );
    eprintln!("SKIPPED: tmux is not installed; this end-to-end test drives the game in tmux");
    false
}

pub fn tmux_installed() -> bool {
    Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success())
}

/// `CI` set to anything but empty, `0` or `false` (as insta reads it).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// A private tmux server (its own socket, no user config) running the game in a temp home.
/// Dropping it kills the server, so a failing test leaves nothing behind.
pub struct Session {
    pub socket: String,
    /// Where the server's socket file is, to remove it afterwards (tmux leaves it behind).
    pub socket_path: Option<String>,
    pub home: tempfile::TempDir,
}

impl Session {
    pub fn start() -> Session {
        Session::start_with("main", "")
    }

    /// The game with `args` (already quoted for `sh`), on a tmux server named after `name`.
    pub fn start_with(name: &str, args: &str) -> Session {
        Session::start_sized(name, args, 120, 36)
    }

    /// `start_with` in a `width`×`height` pane.
    pub fn start_sized(name: &str, args: &str, width: u16, height: u16) -> Session {
        let home = tempfile::tempdir().unwrap();
        let socket = format!("firedrill-e2e-{}-{name}", std::process::id());
        let mut session = Session { socket, socket_path: None, home };
        let dir = session.home.path().display().to_string();
        assert!(!dir.contains('\'') && !BIN.contains('\''), "paths are quoted with '");
        // The wrapper records the terminal settings before and after the game and its exit
        // status (tmux's own #{pane_dead_status} is unreliable), then stays alive so the
        // screen can still be read.
        let script = format!(
            "stty -a > \"{dir}/stty-before\"; \"{BIN}\" {args}; echo $? > \"{dir}/exit-status\"; \
             stty -a > \"{dir}/stty-after\"; echo RESTORED; exec sleep 600"
        );
        let env: Vec<String> =
            ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "HOME"].iter().map(|k| format!("{k}={dir}")).collect();
        let (w, h) = (width.to_string(), height.to_string());
        let mut args = vec!["new-session", "-d", "-s", "app", "-x", w.as_str(), "-y", h.as_str()];
        for e in &env {
            args.extend(["-e", e.as_str()]);
        }
        let command = format!("sh -c '{script}'");
        args.push(&command);
        session.tmux(&args);
        session.socket_path = Some(session.tmux(&["display", "-p", "#{socket_path}"]).trim().to_string());
        session
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.home.path().join(name)
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let dir = self.home.path();
        let out: Output = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            // The server (started by the first call) passes its environment to the pane.
            .env("XDG_DATA_HOME", dir)
            .env("XDG_CONFIG_HOME", dir)
            .env("HOME", dir)
            .env_remove("FIREDRILL_DATA")
            .env_remove("FIREDRILL_CONFIG")
            .env_remove("NO_COLOR")
            .env_remove("TMUX")
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "app"])
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// Types characters literally (`+` is a character, not a key name).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "app", "-l", text]);
    }

    /// Polls the screen until `done` holds; panics with the last screen after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(start.elapsed() < timeout, "waited {timeout:?} for {what}; the screen shows:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), STEP, |s| s.contains(text))
    }

    /// The text of every reverse-video (highlighted) run on screen, e.g. a menu's cursor row.
    pub fn highlighted(&self) -> Vec<String> {
        let styled = self.tmux(&["capture-pane", "-p", "-e", "-t", "app"]);
        styled
            .lines()
            .flat_map(|line| line.split("\x1b[7m").skip(1))
            .map(|run| strip_ansi(run.split("\x1b[0m").next().unwrap_or("")).trim().to_string())
            .collect()
    }

    /// The first word of the action menu's highlighted row (a command name such as `SetFlag`);
    /// the map's selected row and the panel tab are highlighted too, but start otherwise.
    pub fn menu_cursor(&self) -> Option<String> {
        self.highlighted()
            .into_iter()
            .find(|h| h.starts_with(|c: char| c.is_ascii_uppercase()))
            .and_then(|h| h.split_whitespace().next().map(str::to_string))
    }

    /// Presses down in the open menu, one row at a time, until `label` is highlighted. The
    /// clock keeps running behind the menu, so only the menu's own row is compared.
    pub fn highlight(&self, label: &str) {
        for _ in 0..40 {
            let now = self.menu_cursor();
            if now.as_deref() == Some(label) {
                return;
            }
            self.keys(&["Down"]);
            let start = Instant::now();
            while self.menu_cursor() == now {
                assert!(start.elapsed() < STEP, "the menu's highlight did not move:\n{}", self.screen());
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("{label} never highlighted:\n{}", self.screen());
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "-f", "/dev/null", "kill-server"]).output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

pub fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters… final byte (@ to ~).
            if chars.next() == Some('[') {
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
