//! `firedrill play SCENARIO --plain` driven through a pipe, as a script would: the real
//! binary, its stdin a script of lines, every wait bounded. From a pipe the clock moves only
//! with `wait`, so a script's run is exactly the run of the same commands at the same times
//! in a commands file — checked by comparing the debriefs word for word.

mod common;

use common::bin::firedrill;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest a plain session may take here (it runs as fast as its input).
const BOUND: Duration = Duration::from_secs(60);

/// Runs `play SCENARIO --plain` with `script` on stdin; (stdout, exit status).
fn plain(args: &[&str], script: &str) -> (String, i32) {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("FIREDRILL_DATA", home.path().join("data"))
        .env("FIREDRILL_CONFIG", home.path().join("config"))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.path().join("xdg-config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the firedrill binary runs");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(BOUND) else {
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        panic!("--plain did not finish within {BOUND:?}");
    };
    let out = out.unwrap();
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).expect("utf-8 output"), out.status.code().unwrap_or(-1))
}

const SCRIPT: &str = r#"status
wait 2m40s
look api
declare sev2
flag coupons-v2 off
status internal "coupon checkouts failing; flag off" 30m
rollback apu
resolve now
wait 1m
"#;

#[test]
fn a_piped_script_plays_friday_deploy_to_the_debrief() {
    let (out, code) = plain(&["play", "friday-deploy", "--plain"], SCRIPT);
    assert_eq!(code, 0, "{out}");
    for want in [
        "firedrill — Friday afternoon deploy (Easy, 20m)",
        "It is 16:40 on a Friday.",
        "the clock moves only with `wait DURATION`",
        "> status",
        "[16:40:00] status: edge ok",
        "  alert ok      Page EdgeErrorRate: more than 2% of requests at the edge are failing",
        "[16:42:00] deploy api v41 → v42 by dana",
        "[16:42:00] status: ",
        "api warn: 6/8 v41+v42",
        "  calls payments: timeout 4s, 1 tries",
        "[16:42:40] done: declare a Sev2 incident",
        "[16:42:40] sent: turn flag coupons-v2 off (takes effect in 5s)",
        "[16:42:40] done: status update to the team (next in 30m)",
        "error: unknown service `apu`: did you mean `api`? services are: api",
        "error: unexpected `now`: write `resolve`, e.g. `resolve`",
        "[16:42:45] flag coupons-v2 off by you",
        "(end of input: the scenario plays out with no more commands)",
        "stable: every objective holds — remove the cause, post the all-clear, resolve",
        "run ended: the scenario's time ran out",
        "# Postmortem: Friday afternoon deploy",
        "## Score: ",
        "| 16:42:40 turn flag coupons-v2 off — helpful",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    // Status lines come once a sim minute while time passes: the run plays out to its 20
    // minutes (stable is not the end), plus the one asked for.
    let status_lines = out.lines().filter(|l| l.contains("] status: ")).count();
    assert!((20..=22).contains(&status_lines), "{status_lines} status lines:\n{out}");
}

#[test]
fn a_script_gives_the_same_run_as_the_same_commands_in_a_file() {
    let (out, _) = plain(&["play", "friday-deploy", "--plain"], SCRIPT);
    let debrief = &out[out.find("# Postmortem").expect("a postmortem")..];
    let dir = tempfile::tempdir().unwrap();
    let commands = dir.path().join("c.ron");
    std::fs::write(
        &commands,
        r#"[(at: "2m40s", command: Declare(severity: Sev2)),
            (at: "2m40s", command: SetFlag(flag: "coupons-v2", on: false)),
            (at: "2m40s", command: StatusUpdate(audience: Internal, impact: "coupon checkouts failing; flag off", next_update: "30m"))]"#,
    )
    .unwrap();
    let saved = dir.path().join("run.ron");
    let home = dir.path().join("home");
    let run = firedrill(
        &["run", "friday-deploy", "--commands", commands.to_str().unwrap(), "--save", saved.to_str().unwrap()],
        &home,
    );
    assert!(run.status.success(), "{}", common::bin::stderr(&run));
    let report = firedrill(&["report", saved.to_str().unwrap()], &home);
    assert!(report.status.success(), "{}", common::bin::stderr(&report));
    assert_eq!(debrief.trim_end(), common::bin::stdout(&report).trim_end());
}

#[test]
fn empty_input_plays_the_scenario_out_and_quit_leaves_unscored() {
    let (out, code) = plain(&["play", "friday-deploy", "--plain", "--seed", "7"], "");
    assert_eq!(code, 0);
    assert!(out.contains("seed 7"));
    assert!(out.contains("ALERT EdgeErrorRate (page)"), "the alert fires while nobody acts:\n{out}");
    assert!(out.contains("run ended: the scenario's time ran out"), "{out}");
    assert!(out.contains("## Score: "));

    let (out, code) = plain(&["play", "friday-deploy", "--plain"], "wait 30s\nquit\nstatus\n");
    assert_eq!(code, 0);
    assert!(out.contains("left at 16:40:30; this run is not scored"), "{out}");
    assert!(!out.contains("# Postmortem"), "{out}");
    assert!(!out.contains("> status"), "nothing is read after quit");
}

#[test]
fn pause_help_and_wait_mistakes_answer_in_words() {
    let (out, _) =
        plain(&["play", "friday-deploy", "--plain"], "pause\nhelp\nhelp scale\nwait soon\nlook nosuch\nquit\n");
    for want in [
        "the clock moves only with `wait DURATION` when commands come from a pipe",
        "look COMPONENT    one component in detail",
        "  scale SERVICE INSTANCES",
        "scale SERVICE INSTANCES — set the number of instances",
        "e.g. scale api 8",
        "wait needs a duration like 30s or 2m: ",
        "no component `nosuch`; the map has: edge, api, ",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}

#[test]
fn nothing_typed_reaches_the_terminal_as_a_control_sequence() {
    let (out, _) = plain(&["play", "friday-deploy", "--plain"], "rollback \u{1b}[2Japi\u{202e}\nstatus x\u{7}\nquit\n");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("unknown service"), "{out}");
}
