//! The command line as a person uses it: the real binary, its output and exit status, bad
//! input included (never a panic, always a one-line cause).

mod common;

use common::bin::{stderr, stdout};
use std::process::{Command, Output};

/// The binary in a fresh, empty home of its own.
fn firedrill(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    common::bin::firedrill(args, home.path())
}

/// A failure: exit 1, a `firedrill: ` cause on the first line of stderr, no panic.
fn assert_clean_failure(o: &Output, cause: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("firedrill: ") && first.contains(cause), "first line {first:?} should mention {cause:?}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
}

#[test]
fn list_names_every_built_in_scenario_with_what_it_teaches() {
    let o = firedrill(&["list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for id in firedrill::scenario::builtin_ids() {
        assert!(out.contains(id), "{out}");
    }
    assert!(out.contains("Rollback") && out.contains("Circuit breakers"), "{out}");
}

#[test]
fn list_shows_the_campaign_in_chapters_in_order() {
    let out = stdout(&firedrill(&["list"]));
    let mut at = 0;
    for (n, chapter) in firedrill::scenario::campaign::CHAPTERS.iter().enumerate() {
        let head = format!("Chapter {} · {}", n + 1, chapter.title);
        let found = out[at..].find(&head).unwrap_or_else(|| panic!("{head:?} missing or out of order:\n{out}"));
        at += found;
        for id in chapter.scenarios {
            assert!(out[at..].contains(&format!("  {id} ")), "{id} under {head:?}:\n{out}");
        }
    }
}

#[test]
fn daily_names_the_same_scenario_and_seed_for_a_date_and_refuses_a_non_date() {
    let a = stdout(&firedrill(&["daily", "--date", "2026-12-02"]));
    assert_eq!(a, stdout(&firedrill(&["daily", "--date", "2026-12-02"])));
    let (id, seed) = firedrill::scenario::campaign::daily("2026-12-02");
    assert!(a.contains(&format!("firedrill play {id} --seed {seed}")), "{a}");
    let o = firedrill(&["daily", "--date", "2026-02-30"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("YYYY-MM-DD"), "{}", stderr(&o));
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    let mut args = vec!["validate"];
    let files: Vec<String> =
        firedrill::scenario::BUILTIN.iter().map(|(_, file, _)| format!("scenarios/{file}")).collect();
    args.extend(files.iter().map(String::as_str));
    let o = firedrill(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().filter(|l| l.contains(": ok")).count(), files.len());
}

#[test]
fn validate_reports_every_problem_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    let text = include_str!("../scenarios/friday-deploy.ron")
        .replace(r#"BadDeploy(service: "api""#, r#"BadDeploy(service: "apu""#)
        .replace(r#"metric: "edge.error_rate", above: 0.02"#, r#"metric: "edge.eror_rate", above: 0.02"#);
    std::fs::write(&bad, text).unwrap();
    let o = firedrill(&["validate", bad.to_str().unwrap(), "scenarios/friday-deploy.ron"]);
    assert_clean_failure(&o, "1 of 2 file(s) are not valid scenarios");
    let err = stderr(&o);
    let shown = bad.display().to_string();
    assert!(err.contains(&format!("{shown}:")), "{err}");
    assert!(err.contains("unknown service `apu`") && err.contains("hint: services are: api"), "{err}");
    assert!(err.contains("unknown metric `eror_rate`"), "{err}");
    // Both positions point into the file.
    let positions: Vec<&str> = err.lines().filter(|l| l.starts_with(&shown)).collect();
    assert_eq!(positions.len(), 2, "{err}");
}

#[test]
fn run_prints_a_readable_summary_and_stops_at_until() {
    let o = firedrill(&["run", "friday-deploy", "--until", "3m"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("friday-deploy — Friday afternoon deploy (seed 42)"), "{out}");
    assert!(
        out.contains("stopped at 16:43:00 (scenario runs to 17:00:00)"),
        "times are the scenario's time of day: {out}"
    );
    assert!(out.contains("* FAULT v42 rollout"), "hidden faults are revealed and marked: {out}");
}

#[test]
fn run_with_the_expert_commands_makes_the_service_stable_and_resolves_it() {
    for id in ["friday-deploy", "slow-database", "payments-outage"] {
        let path = format!("tests/paths/{id}/expert.ron");
        let o = firedrill(&["run", id, "--commands", &path]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        // The objectives make the service stable; the player's resolve ends the run.
        assert!(
            out.contains("stable: every objective holds — remove the cause, post the all-clear, resolve"),
            "{id}: {out}"
        );
        assert!(out.contains(": resolved by the player"), "{id}: {out}");
        assert!(out.contains("resolved while stable, with an all-clear"), "{id}: {out}");
    }
}

#[test]
fn run_json_holds_windows_events_alerts_and_a_summary() {
    let o = firedrill(&["run", "friday-deploy", "--format", "json", "--until", "5m", "--seed", "9"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["format"], "firedrill-run/1");
    assert_eq!(doc["seed"], 9);
    assert_eq!(doc["scenario"]["id"], "friday-deploy");
    assert_eq!(doc["windows"].as_array().unwrap().len(), 300);
    let w = &doc["windows"][200];
    for key in ["edge", "services", "deps", "db", "caches", "third_parties", "slo"] {
        assert!(!w[key].is_null(), "window lacks {key}: {w}");
    }
    let events = doc["events"].as_array().unwrap();
    let fault = events.iter().find(|e| e["kind"].get("FaultStarted").is_some()).expect("the fault onset is in the log");
    assert_eq!(fault["hidden"], true);
    assert!(doc["summary"]["requests_simulated"].as_u64().unwrap() > 100_000);
    assert!(doc["summary"]["wall_ms"].as_f64().unwrap() > 0.0);
    assert!(doc["alerts"].as_array().unwrap().iter().any(|a| a["alert"] == "EdgeErrorRate"));
}

#[test]
fn bad_input_exits_non_zero_with_a_one_line_cause() {
    assert_clean_failure(&firedrill(&["run", "no-such-scenario"]), "no built-in scenario `no-such-scenario`");
    assert_clean_failure(&firedrill(&["run", "scenarios"]), "is a directory");
    assert_clean_failure(&firedrill(&["run", "missing/file.ron"]), "no such file");
    assert_clean_failure(&firedrill(&["run", "friday-deploy", "--until", "soon"]), "--until");
    assert_clean_failure(
        &firedrill(&["run", "friday-deploy", "--commands", "tests/fixtures/bad-commands.ron"]),
        "not a valid commands file",
    );
    let o = firedrill(&["run", "friday-deploy", "--commands", "tests/fixtures/bad-commands.ron"]);
    assert!(stderr(&o).contains("tests/fixtures/bad-commands.ron:2:"), "{}", stderr(&o));
    assert_clean_failure(&firedrill(&["validate", "tests"]), "not valid");
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let o = firedrill(&["run", "friday-deploy", "--sede", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--sede"));
}

#[test]
fn every_subcommand_has_help() {
    for sub in [&["--help"][..], &["run", "--help"], &["validate", "--help"], &["list", "--help"]] {
        let o = firedrill(sub);
        assert!(o.status.success(), "{sub:?}");
        assert!(stdout(&o).contains("Usage:"), "{sub:?}");
    }
}

#[test]
fn output_to_a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["run", "friday-deploy", "--format", "json", "--until", "2m"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then close the pipe
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The output (far more than a pipe holds) was cut off: a reader that went away is not a
    // failure, so the exit status is still success.
    assert!(out.status.success(), "exit status {:?}: {stderr}", out.status);
}
