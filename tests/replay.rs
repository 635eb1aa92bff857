//! Saved runs through the real binary: `run --save` then `replay` gives the same run — score,
//! events and metric windows — for every shipped scenario, played by the expert and by nobody.
//! A saved run whose scenario changed is refused; a damaged, newer or missing file is a
//! one-line cause and exit status 1, never a panic.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;

use common::bin::{firedrill, stderr, stdout};

fn success(o: &Output, what: &str) -> String {
    assert!(o.status.success(), "{what}: exit {:?}\n{}", o.status.code(), stderr(o));
    stdout(o)
}

/// The run document without its one irreproducible field, the wall time (which a replay
/// measures too: it is a real re-run).
fn run_doc(json: &str, what: &str) -> Value {
    let mut doc: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let summary = doc["summary"].as_object_mut().unwrap_or_else(|| panic!("{what}: no summary"));
    let wall_ms = summary.remove("wall_ms").and_then(|w| w.as_f64());
    assert!(wall_ms.is_some_and(|w| w > 0.0), "{what}: summary.wall_ms is {wall_ms:?}");
    doc
}

/// A failure as a person sees it: exit 1, one line on stderr naming the cause, no panic.
fn assert_one_line_failure(o: &Output, cause: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(o.stdout.is_empty(), "nothing on stdout: {}", stdout(o));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].starts_with("firedrill: ") && lines[0].contains(cause), "{:?} should say {cause:?}", lines[0]);
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

/// Runs one scenario headless with `--save`, replays the file, and compares the documents.
fn run_then_replay(id: &str, commands: Option<&str>) {
    let home = tempfile::tempdir().unwrap();
    let saved = home.path().join("run.ron");
    let saved = saved.to_str().unwrap();
    let mut args = vec!["run", id, "--format", "json", "--save", saved];
    if let Some(c) = commands {
        args.extend(["--commands", c]);
    }
    let case = format!("{id} with {}", commands.unwrap_or("no commands"));
    let original = run_doc(&success(&firedrill(&args, home.path()), &case), &case);
    let replayed = run_doc(&success(&firedrill(&["replay", saved, "--format", "json"], home.path()), &case), &case);

    // The parts that matter most first, for a readable failure; then everything.
    for key in ["score", "ended", "alerts", "summary", "events", "windows"] {
        assert!(!original[key].is_null(), "{case}: the run document has no {key}");
        assert!(original[key] == replayed[key], "{case}: the replay's {key} differs from the run's");
    }
    assert_eq!(original, replayed, "{case}: the replay differs from the run");
    assert!(!original["windows"].as_array().unwrap().is_empty(), "{case}: an empty run proves nothing");
    if commands.is_some() {
        let applied =
            original["events"].as_array().unwrap().iter().filter(|e| e["kind"].get("CommandApplied").is_some()).count();
        assert!(applied > 0, "{case}: the expert's commands were applied, and replayed");
    }
}

#[test]
fn every_shipped_scenario_replays_to_the_same_score_events_and_windows() {
    let mut cases = Vec::new();
    for (id, _, _) in firedrill::scenario::BUILTIN {
        let expert = format!("tests/paths/{id}/expert.ron");
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(&expert).exists(),
            "{id} has no expert commands file {expert}"
        );
        cases.push((*id, Some(expert)));
        cases.push((*id, None));
    }
    // Each case runs two full scenarios in child processes: run them side by side.
    std::thread::scope(|s| {
        let handles: Vec<_> = cases.iter().map(|(id, c)| s.spawn(move || run_then_replay(id, c.as_deref()))).collect();
        for h in handles {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

#[test]
fn a_replay_prints_the_same_summary_as_the_run_apart_from_the_timing() {
    let home = tempfile::tempdir().unwrap();
    let saved = home.path().join("run.ron");
    let saved = saved.to_str().unwrap();
    let run = success(
        &firedrill(
            &[
                "run",
                "payments-outage",
                "--seed",
                "5",
                "--until",
                "5m",
                "--commands",
                "tests/fixtures/payments-outage-good.ron",
                "--save",
                saved,
            ],
            home.path(),
        ),
        "run",
    );
    let replay = success(&firedrill(&["replay", saved], home.path()), "replay");
    // The second line is the wall-clock speed of the run; everything else must match.
    let without_timing =
        |t: &str| t.lines().enumerate().filter(|(i, _)| *i != 1).map(|(_, l)| l.to_string()).collect::<Vec<_>>();
    assert!(run.lines().nth(1).unwrap().starts_with("simulated 5m of sim time"), "{run}");
    assert_eq!(without_timing(&run), without_timing(&replay));
    assert!(replay.starts_with("payments-outage — When payments hang (seed 5)"), "{replay}");
    assert!(replay.contains("stopped at 20:10:00"), "the saved --until is replayed: {replay}");
    assert!(replay.contains("you: turn flag sync-payments off"), "the saved commands are replayed: {replay}");
}

#[test]
fn a_saved_run_whose_scenario_file_changed_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let scenario = home.path().join("friday.ron");
    let original =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/friday-deploy.ron")).unwrap();
    std::fs::write(&scenario, &original).unwrap();
    let saved = home.path().join("run.ron");
    let (scenario, saved) = (scenario.to_str().unwrap(), saved.to_str().unwrap());
    success(&firedrill(&["run", scenario, "--until", "4m", "--save", saved], home.path()), "run");
    success(&firedrill(&["replay", saved], home.path()), "replay of the unchanged file");

    // Someone tunes the scenario after the run was saved.
    std::fs::write(scenario, original.replace("base_rps: 600", "base_rps: 650")).unwrap();
    for sub in ["replay", "report"] {
        let o = firedrill(&[sub, saved], home.path());
        assert_one_line_failure(&o, "the scenario `friday-deploy` has changed since this run was saved");
        assert!(stderr(&o).contains("a replay would not be the same run"), "{}", stderr(&o));
    }
}

#[test]
fn a_saved_run_of_a_built_in_scenario_that_changed_since_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let saved = home.path().join("run.ron");
    let saved = saved.to_str().unwrap();
    success(&firedrill(&["run", "slow-database", "--until", "1m", "--save", saved], home.path()), "run");
    // As if it had been saved by a firedrill whose slow-database was different.
    let text = std::fs::read_to_string(saved).unwrap();
    let hash = text.lines().find(|l| l.contains("scenario_hash")).unwrap().to_string();
    std::fs::write(saved, text.replace(&hash, "    scenario_hash: \"0123456789abcdef\",")).unwrap();
    assert_one_line_failure(&firedrill(&["replay", saved], home.path()), "the scenario `slow-database` has changed");
}

#[test]
fn damaged_newer_and_missing_saved_runs_fail_with_a_one_line_cause() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    let good = dir.join("good.ron");
    success(
        &firedrill(
            &[
                "run",
                "friday-deploy",
                "--until",
                "5m",
                "--commands",
                "tests/fixtures/friday-deploy-good.ron",
                "--save",
                good.to_str().unwrap(),
            ],
            dir,
        ),
        "run",
    );
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(text.contains("version: 2,"), "{text}");

    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let truncated = write("truncated.ron", &text.as_bytes()[..text.len() / 2]);
    let garbled =
        write("garbled.ron", b"(version: 1, program: \"0.1.0\", scenario: Builtin(\"friday-deploy\"), seed: banana)");
    let binary = write("binary.ron", b"\x1f\x8b\x08\x00\xde\xad\xbe\xef\xff\xfe");
    let newer = write("newer.ron", text.replace("version: 2,", "version: 99,").as_bytes());
    let unknown =
        write("unknown.ron", text.replace("Builtin(\"friday-deploy\")", "Builtin(\"tuesday-deploy\")").as_bytes());
    let empty = write("empty.ron", b"");
    let directory = dir.join("runs");
    std::fs::create_dir(&directory).unwrap();
    let directory = directory.to_str().unwrap();
    let missing = dir.join("missing.ron");
    let missing = missing.to_str().unwrap();

    let cases: [(&str, String); 8] = [
        (truncated.as_str(), format!("{truncated}:")),
        (garbled.as_str(), "not a saved run".to_string()),
        (binary.as_str(), "is not UTF-8 text".to_string()),
        (newer.as_str(), "was saved by a newer firedrill (run format 99; this one reads 2)".to_string()),
        (unknown.as_str(), "built-in scenario `tuesday-deploy`, which this firedrill does not have".to_string()),
        (empty.as_str(), "not a saved run".to_string()),
        (directory, "is a directory, not a saved run file".to_string()),
        (missing, "no such file".to_string()),
    ];
    for (file, cause) in &cases {
        for sub in [
            &["replay", file][..],
            &["replay", file, "--format", "json"],
            &["report", file, "--format", "md"],
            &["report", file, "--format", "json"],
        ] {
            assert_one_line_failure(&firedrill(sub, dir), cause);
        }
    }
    // The truncated file's cause says where the damage starts and that it is not a saved run.
    let o = firedrill(&["replay", &truncated], dir);
    assert!(stderr(&o).contains("not a saved run"), "{}", stderr(&o));
    // None of this touched the good file, which still replays.
    success(&firedrill(&["replay", good.to_str().unwrap()], dir), "replay of the good file");
}

#[test]
fn replay_and_report_explain_themselves_and_reject_unknown_formats() {
    let home = tempfile::tempdir().unwrap();
    for (sub, says) in [("replay", "Re-run a saved run"), ("report", "Write the debrief of a saved run")] {
        let help = success(&firedrill(&[sub, "--help"], home.path()), sub);
        assert!(help.contains("Usage:") && help.contains(says) && help.contains("--format"), "{help}");
    }
    let o = firedrill(&["report", "run.ron", "--format", "pdf"], home.path());
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", stderr(&o));
    assert!(stderr(&o).contains("pdf") && stderr(&o).contains("md"), "{}", stderr(&o));
    let o = firedrill(&["replay"], home.path());
    assert_eq!(o.status.code(), Some(2), "the file is required: {}", stderr(&o));
}
