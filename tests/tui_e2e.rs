//! The real binary, played as a person plays it: tmux runs it in a 120×36 pane, `send-keys`
//! types, `capture-pane` reads the screen. One journey — title menu → Campaign (the tutorial
//! first, the rest locked) → Free play → friday-deploy → briefing → incident screen → 8× → flag off and declare → the run ends with the
//! objectives met → debrief → menu → quit — then the exit status, the saved run and the state of
//! the terminal afterwards (alternate screen left, `stty` settings as before).
//!
//! Every wait polls the screen until the expected text appears (with a generous timeout); no
//! fixed sleep decides anything. Without tmux the test is skipped with a message on a
//! developer's machine, and fails under `CI=true`: CI installs tmux (`.ci/run`), so a missing
//! tmux there is a broken setup, not a pass.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::tmux::{BIN, STEP, Session};

/// The edge's error rate as the service map shows it (`edge  601/s 3.2%`).
fn edge_error_pct(screen: &str) -> Option<f64> {
    screen.lines().find_map(|line| {
        let after = &line[line.find(" edge ")? + " edge ".len()..];
        after.split_whitespace().nth(1)?.strip_suffix('%')?.parse().ok()
    })
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

/// Confirms the Resolve asked for, then checks friday-deploy's debrief and its saved run.
fn confirm_resolve_to_friday_debrief(s: &Session) {
    s.wait_for("Are you sure?");
    s.type_text("y");
    let debrief = s.wait_until("the debrief", Duration::from_secs(30), |screen| screen.contains("Debrief"));
    for part in ["Debrief: Friday afternoon deploy", "Score", "resolved by the player", "seed 42"] {
        assert!(debrief.contains(part), "the debrief lacks {part:?}:\n{debrief}");
    }
    s.wait_for("run saved to");
}

#[test]
fn a_player_runs_friday_deploy_from_the_menu_to_the_debrief_and_quits_cleanly() {
    if !common::tmux::can_run() {
        return;
    }
    let s = Session::start();

    s.wait_for("Main menu");
    s.keys(&["Enter"]);
    let menu = s.wait_for("chapters unlock in order");
    assert!(menu.contains("1. [new]      Tutorial: first incident"), "the campaign starts with the tutorial:\n{menu}");
    assert!(
        menu.contains("[locked]   Friday afternoon deploy"),
        "later scenarios are locked on a new profile:\n{menu}"
    );
    // Free play opens any scenario.
    s.keys(&["Escape"]);
    s.wait_for("Main menu");
    s.keys(&["Down"]);
    s.keys(&["Enter"]);
    s.wait_for("Free play — every scenario");
    s.keys(&["Down"]);
    s.keys(&["Enter"]);
    s.wait_for("Briefing: Friday afternoon deploy");
    s.wait_for("Press enter to start the clock");
    s.keys(&["Enter"]);

    let incident = s.wait_for("Service map");
    let header = incident.lines().next().unwrap_or("");
    for part in ["Friday afternoon deploy", "16:40:00 / 17:00:00", "no incident", "budget", "seed 42"] {
        assert!(header.contains(part), "header {header:?} lacks {part:?}");
    }
    // The first capture can catch the frame half drawn on a busy machine: wait for every row.
    let rows = [" edge ", " api ", "db ", "payments", "catalog"];
    s.wait_until("every row of the service map", STEP, |screen| rows.iter().all(|r| screen.contains(r)));
    s.type_text("+++");
    s.wait_until("8x in the header", STEP, |screen| screen.lines().next().is_some_and(|h| h.contains(" 8x ")));

    // v42 rolls out at 2m; once the edge fails requests visibly, turn its flag off.
    s.wait_until("the edge to show errors", Duration::from_secs(60), |screen| {
        edge_error_pct(screen).is_some_and(|e| e >= 2.0)
    });
    s.keys(&["Enter"]);
    s.wait_for("columns: time until it takes effect");
    s.highlight("SetFlag");
    s.keys(&["Enter"]);
    let form = s.wait_for("set to:");
    assert!(form.contains("< coupons-v2 >") && form.contains("< off >"), "{form}");
    s.keys(&["Enter"]);
    s.wait_for("turn flag coupons-v2 off");

    s.type_text("i");
    s.wait_for("Incident console");
    s.keys(&["Enter"]);
    s.wait_for("severity:");
    s.keys(&["Enter"]);
    s.wait_for("INCIDENT Sev2");

    // The edge recovers for two minutes of sim time (15 s at 8x): the service is stable, the
    // clock runs on, and the banner says what is left to do.
    let stable = s.wait_until("the stable banner", Duration::from_secs(90), |screen| screen.contains("stable — "));
    assert!(stable.contains("post the all-clear") && stable.contains("resolve"), "{stable}");
    assert!(!stable.contains("Debrief"), "stable is not the end of the run:\n{stable}");
    // The all-clear (the form offers it once the service is stable), then the resolve.
    s.type_text("i");
    s.wait_for("Incident console");
    s.highlight("StatusUpdate");
    s.keys(&["Enter"]);
    let form = s.wait_for("this update is:");
    assert!(form.contains("< the all-clear >"), "{form}");
    s.keys(&["Enter"]);
    s.wait_for("all-clear to");
    s.type_text("i");
    s.wait_for("Incident console");
    s.highlight("Resolve");
    s.keys(&["Enter"]);
    confirm_resolve_to_friday_debrief(&s);
    // Back to the list the scenario came from (as Esc from the briefing), then out.
    s.keys(&["Enter"]);
    s.wait_for("Free play — every scenario");
    s.keys(&["Escape"]);
    s.wait_for("Main menu");
    assert_eq!(s.tmux(&["display", "-p", "-t", "app", "#{mouse_any_flag}"]).trim(), "1", "mouse capture is on");
    s.type_text("q");

    let after = s.wait_for("RESTORED");
    assert_eq!(s.read("exit-status").trim(), "0", "the game exits with status 0");
    assert!(!after.contains("Main menu"), "the game's screen is gone:\n{after}");
    assert_eq!(s.tmux(&["display", "-p", "-t", "app", "#{alternate_on}"]).trim(), "0", "the alternate screen was left");
    assert_eq!(s.tmux(&["display", "-p", "-t", "app", "#{cursor_flag}"]).trim(), "1", "the cursor is visible");
    for flag in ["mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_sgr_flag"] {
        let on = s.tmux(&["display", "-p", "-t", "app", &format!("#{{{flag}}}")]);
        assert_eq!(on.trim(), "0", "mouse reporting is off after quitting: {flag}");
    }
    assert_eq!(s.read("stty-after"), s.read("stty-before"), "raw mode was undone: stty settings as before");

    let runs = s.path("firedrill").join("runs");
    let saved = files_in(&runs);
    assert_eq!(saved.len(), 1, "one saved run in {}: {saved:?}", runs.display());
    let run = std::fs::read_to_string(runs.join(&saved[0])).unwrap();
    assert!(run.contains("friday-deploy") && run.contains("coupons-v2"), "{run}");
    let profile = files_in(&s.path("firedrill"));
    assert!(profile.iter().any(|f| f.contains("profile")), "progress was recorded: {profile:?}");
}

#[test]
fn without_a_terminal_the_game_refuses_and_points_to_the_headless_runner() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .env("XDG_DATA_HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("HOME", home.path())
        .env_remove("FIREDRILL_DATA")
        .env_remove("FIREDRILL_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit status {:?}", out.status);
    assert!(err.contains("firedrill run"), "stderr should point to `firedrill run`: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&out.stdout));
}

/// A one-minute scenario, so the debrief is a few seconds away at 8×.
const SHORT: &str = r#"Scenario(
    id: "short", title: "Short", difficulty: Easy, length: "1m", briefing: "A short run.",
    traffic: (base_rps: 50),
    services: { "api": (instances: 2, endpoints: [(name: "get", plan: [Cpu(Exp("5ms"))])]) },
)"#;

/// The game's process: the child of the pane's shell.
fn game_pid(s: &Session) -> String {
    let shell = s.tmux(&["display", "-p", "-t", "app", "#{pane_pid}"]).trim().to_string();
    let start = Instant::now();
    loop {
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.to_string();
        }
        assert!(start.elapsed() < STEP, "the game's process did not appear under the shell {shell}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Opens the game at `screen`, sends `signal` to it, and checks that the terminal is as it was
/// and the exit status is 128 + the signal's number.
fn signal_at(screen: &str, signal: &str, number: u32) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("short.ron");
    std::fs::write(&file, SHORT).unwrap();
    let path = file.display().to_string();
    assert!(!path.contains(['\'', '"']), "paths are quoted");
    let args = if screen == "menu" { String::new() } else { format!("play \"{path}\" --speed 8") };
    let s = Session::start_with(&format!("{screen}-{signal}"), &args);
    match screen {
        "menu" => {
            s.wait_for("Main menu");
        }
        "incident" | "dialog" => {
            s.wait_for("Press enter to start the clock");
            s.keys(&["Enter"]);
            s.wait_for("Service map");
            if screen == "dialog" {
                s.keys(&["Enter"]);
                s.wait_for("columns: time until it takes effect");
            }
        }
        "debrief" => {
            s.wait_for("Press enter to start the clock");
            s.keys(&["Enter"]);
            s.wait_until("the debrief", Duration::from_secs(60), |screen| screen.contains("Debrief"));
        }
        _ => unreachable!("{screen}"),
    }
    // The game reports mouse events while its screen is up…
    assert_eq!(s.tmux(&["display", "-p", "-t", "app", "#{mouse_any_flag}"]).trim(), "1", "mouse capture is on");
    let pid = game_pid(&s);
    let sent = Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap();
    assert!(sent.success(), "kill -{signal} {pid}");
    let after = s.wait_for("RESTORED");
    let what = format!("SIGHUP/SIGQUIT test: {signal} at the {screen}");
    assert_eq!(s.read("exit-status").trim(), (128 + number).to_string(), "{what}: exit status 128 + {number}");
    assert!(!after.contains("Service map") && !after.contains("Main menu"), "{what}: the screen is gone:\n{after}");
    assert_eq!(s.tmux(&["display", "-p", "-t", "app", "#{alternate_on}"]).trim(), "0", "{what}: alternate screen left");
    assert_eq!(s.tmux(&["display", "-p", "-t", "app", "#{cursor_flag}"]).trim(), "1", "{what}: cursor visible");
    // …and turns it off on the way out, or the shell would print escape codes at every click.
    for flag in ["mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_sgr_flag"] {
        let on = s.tmux(&["display", "-p", "-t", "app", &format!("#{{{flag}}}")]);
        assert_eq!(on.trim(), "0", "{what}: {flag} is off");
    }
    assert_eq!(s.read("stty-after"), s.read("stty-before"), "{what}: raw mode undone, echo back on");
}

fn signals_at(screen: &str) {
    if !common::tmux::can_run() {
        return;
    }
    for (signal, number) in [("HUP", 1), ("QUIT", 3), ("TERM", 15), ("INT", 2)] {
        signal_at(screen, signal, number);
    }
}

#[test]
fn a_signal_in_the_menu_restores_the_terminal() {
    signals_at("menu");
}

#[test]
fn a_signal_on_the_incident_screen_restores_the_terminal() {
    signals_at("incident");
}

#[test]
fn a_signal_in_a_dialog_restores_the_terminal() {
    signals_at("dialog");
}

#[test]
fn a_signal_in_the_debrief_restores_the_terminal() {
    signals_at("debrief");
}

use common::hostile;

/// The hostile corpus in every text of a scenario, played in a real terminal: the window title
/// is not rewritten (the corpus holds `ESC ] 0 ; pwned BEL`), nothing raw is on the screen and
/// the markers show, on the briefing, the incident screen and the debrief.
#[test]
fn hostile_scenario_text_reaches_the_terminal_inert() {
    if !common::tmux::can_run() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.ron");
    std::fs::write(&file, hostile::scenario(&hostile::all())).unwrap();
    let s = Session::start_with("hostile", &format!("play \"{}\" --speed 8", file.display()));
    let title = || s.tmux(&["display", "-p", "-t", "app", "#{pane_title}"]).trim().to_string();
    let briefing = s.wait_for("Press enter to start the clock");
    let before = title();
    hostile::assert_inert("the briefing in tmux", &briefing, '\u{fffd}');
    s.keys(&["Enter"]);
    let incident = s.wait_for("Service map");
    hostile::assert_inert("the incident screen in tmux", &incident, '\u{fffd}');
    // The run lasts 5 minutes: about 40 s at 8×, through the injected message and log line.
    let debrief = s.wait_until("the debrief", Duration::from_secs(120), |screen| screen.contains("Debrief"));
    hostile::assert_inert("the debrief in tmux", &debrief, '\u{fffd}');
    assert!(!title().contains("pwned"), "an OSC sequence retitled the window: {}", title());
    assert_eq!(title(), before, "the window title is unchanged");
}

#[test]
fn a_player_plays_friday_deploy_to_the_debrief_with_the_command_line_only() {
    if !common::tmux::can_run() {
        return;
    }
    let s = Session::start_with("cmdline", "play friday-deploy --speed 8");
    s.wait_for("Press enter to start the clock");
    s.keys(&["Enter"]);
    s.wait_for(": command line");

    // A typo is explained in place and the text stays to be fixed.
    s.type_text(":rollback apu");
    s.keys(&["Enter"]);
    s.wait_for("error: unknown service `apu`: did you mean `api`?");
    s.wait_for(":rollback apu_");
    s.keys(&["Escape"]);
    s.wait_until("the line to close", STEP, |screen| !screen.contains("tab: complete"));

    s.type_text(":declare sev2");
    s.keys(&["Enter"]);
    s.wait_for("INCIDENT Sev2");

    // v42 rolls out at 2m; once the edge fails requests visibly, turn its flag off, with tab
    // completing each word.
    s.wait_until("the edge to show errors", Duration::from_secs(60), |screen| {
        edge_error_pct(screen).is_some_and(|e| e >= 2.0)
    });
    s.type_text(":fla");
    s.keys(&["Tab"]);
    s.wait_for(":flag _");
    s.type_text("c");
    s.keys(&["Tab"]);
    let line = s.wait_for(":flag coupons-v2 _");
    assert!(line.contains("on  ") && line.contains("off"), "on/off are offered next:\n{line}");
    s.type_text("off");
    s.keys(&["Enter"]);
    s.wait_for("turn flag coupons-v2 off");
    s.type_text(":status internal \"coupon checkouts fail; flag off\" 30m");
    s.keys(&["Enter"]);
    s.wait_for("status update to the team");

    // Stable is not the end: the all-clear and the resolve, typed too.
    s.wait_until("the stable banner", Duration::from_secs(90), |screen| screen.contains("stable — "));
    s.type_text(":status customers \"checkout works again\" all-clear");
    s.keys(&["Enter"]);
    s.wait_for("all-clear to");
    s.type_text(":resolve");
    s.keys(&["Enter"]);
    confirm_resolve_to_friday_debrief(&s);
    // Started with `play`, not from a list: back to the main menu.
    s.keys(&["Enter"]);
    s.wait_for("Main menu");
    s.type_text("q");
    s.wait_for("RESTORED");
    assert_eq!(s.read("exit-status").trim(), "0", "the game exits with status 0");
    let runs = s.path("firedrill").join("runs");
    let saved = files_in(&runs);
    assert_eq!(saved.len(), 1, "{saved:?}");
    let run = std::fs::read_to_string(runs.join(&saved[0])).unwrap();
    assert!(run.contains("SetFlag") && run.contains("Declare") && run.contains("StatusUpdate"), "{run}");
}

/// Presses the key a prompt names, as the keymap writes it ("enter", "down", "+", ":").
fn press_named(s: &Session, key: &str) {
    match key {
        "enter" => s.keys(&["Enter"]),
        "down" => s.keys(&["Down"]),
        "esc" => s.keys(&["Escape"]),
        other => s.type_text(other),
    }
}

/// The tutorial, from a new profile's campaign to its debrief: every prompt appears in turn
/// (its number and its words, with the keys of the default keymap), and is satisfied by the key
/// its bottom line names. The holding prompts hold the clock; the tutorial is then marked done
/// and the campaign's next scenario is open.
#[test]
fn a_new_player_follows_every_tutorial_prompt_to_the_debrief() {
    use firedrill::scenario::tutorial::{Open, Wait};
    use firedrill::sim::CommandKind as K;
    if !common::tmux::can_run() {
        return;
    }
    let spec = firedrill::scenario::builtin("tutorial").unwrap().unwrap();
    let keys = firedrill::tui::keymap::Keymap::default_map();
    let s = Session::start_with("tutorial", "");
    s.wait_for("Main menu");
    s.keys(&["Enter"]);
    s.wait_for("chapters unlock in order");
    s.keys(&["Enter"]);
    s.wait_for("Briefing: Tutorial: first incident");
    s.keys(&["Enter"]);

    let n = spec.tutorial.len();
    for (i, step) in spec.tutorial.iter().enumerate() {
        let title = format!("Tutorial {}/{n}", i + 1);
        // The box is 98 columns inside at 120: the prompt's first words are on its first row.
        let words: String = firedrill::tui::tutor::say(step, &keys).chars().take(40).collect();
        let what = format!("prompt {}: {title} {words:?}", i + 1);
        let screen = s.wait_until(&what, Duration::from_secs(120), |sc| sc.contains(&title) && sc.contains(&words));
        let header = screen.lines().next().unwrap_or("");
        assert_eq!(header.contains("HELD"), step.hold, "prompt {}: the clock holds iff it says so: {header}", i + 1);
        assert!(screen.contains("esc: skip this step"), "prompt {}: says how to skip it:\n{screen}", i + 1);
        let key = firedrill::tui::tutor::key(&step.wait, &keys);
        if let Some(key) = &key {
            let named =
                if matches!(step.wait, Wait::Continue) { format!("{key}: continue") } else { format!("press {key}") };
            assert!(screen.contains(&named), "prompt {} names its key ({named}):\n{screen}", i + 1);
        }
        let key = key.unwrap_or_default();
        match &step.wait {
            Wait::Continue | Wait::Tab(_) | Wait::Open(Open::CommandLine) => press_named(&s, &key),
            Wait::Press(_) => {
                press_named(&s, &key);
                if key == "+" {
                    // Two more, not asked for: 8× makes the waits for the system short.
                    s.wait_until("the next prompt", STEP, |sc| !sc.contains(&title));
                    s.type_text("++");
                    s.wait_until("8x", STEP, |sc| sc.lines().next().is_some_and(|h| h.contains(" 8x ")));
                }
            }
            // The clock runs: the prompt passes when the run reaches its condition.
            Wait::Until(_) => {}
            Wait::Open(other) => panic!("the test does not know how to open {other:?}"),
            Wait::Filter => {
                press_named(&s, &key);
                s.wait_for("filters as you type");
                s.type_text("error");
                s.keys(&["Enter"]);
            }
            Wait::Command(K::Ack) => {
                // The header says so (the prompt's own words say FIRING too).
                s.wait_until("the alert to fire", Duration::from_secs(90), |sc| {
                    sc.lines().next().is_some_and(|h| h.contains("FIRING"))
                });
                press_named(&s, &key);
            }
            Wait::Command(K::Rollback) => {
                // The command line is open (the prompt before opened it).
                s.wait_for("tab: complete");
                s.type_text("rollback api");
                s.keys(&["Enter"]);
                s.wait_for("Are you sure?");
                s.type_text("y");
            }
            Wait::Command(kind @ (K::Declare | K::StatusUpdate | K::Resolve)) => {
                press_named(&s, &key);
                s.wait_for("Incident console");
                s.highlight(&format!("{kind:?}"));
                s.keys(&["Enter"]);
                match kind {
                    K::Declare => {
                        s.wait_for("severity:");
                        s.keys(&["Enter"]);
                    }
                    K::StatusUpdate => {
                        let form = s.wait_for("this update is:");
                        if !form.contains("< the all-clear >") {
                            s.keys(&["Down"]);
                            s.type_text("errors since 10:00:30, rolling back");
                        }
                        s.keys(&["Enter"]);
                    }
                    _ => {
                        s.wait_for("Are you sure?");
                        s.type_text("y");
                    }
                }
            }
            Wait::Command(other) => panic!("the test does not know how to send {other:?}"),
        }
    }
    let debrief = s.wait_until("the debrief", Duration::from_secs(60), |sc| sc.contains("Debrief: Tutorial"));
    for part in [&format!("Tutorial: {n} of {n} steps done") as &str, "This run is practice", "resolved by the player"]
    {
        assert!(debrief.contains(part), "the debrief lacks {part:?}:\n{debrief}");
    }
    s.wait_for("Tutorial: first incident done");
    s.keys(&["Enter"]);
    let campaign = s.wait_for("chapters unlock in order");
    assert!(campaign.contains("[done") && campaign.contains("[new]      Friday afternoon deploy"), "{campaign}");
    s.type_text("q");
    s.type_text("q");
    s.wait_for("RESTORED");
    assert_eq!(s.read("exit-status").trim(), "0");
    let profile = std::fs::read_to_string(s.path("firedrill").join("profile.ron")).unwrap_or_default();
    assert!(profile.contains("\"tutorial\""), "the tutorial is marked done: {profile}");
    assert!(!profile.contains("scenario: \"tutorial\""), "and no best score is kept for it: {profile}");
}
