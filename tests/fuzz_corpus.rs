//! The worst cases found while fuzzing the loaders (`tests/fuzz.rs`, issue 10 §6), kept as
//! fixtures with the output each must produce, as `tests/invalid_scenarios/` does for
//! scenarios: `tests/fuzz_corpus/<loader>/X.ron` and `X.expected` beside it.
//!
//! - `scenarios/`: the positioned errors of `scenario::parse`;
//! - `commands/`: the errors of `parse_commands`, or — for a file that loads — the engine's
//!   rejection of each command when it is applied to friday-deploy (a range checked at run
//!   time, such as a rate limit of NaN);
//! - `runs/`: the one-line error of the saved-run loader;
//! - `keymaps/`: the warnings of a user keymap (the defaults stay in force).
//!
//! `UPDATE_EXPECTED=1 cargo test --test fuzz_corpus` rewrites the `.expected` files; review
//! the diff by hand.

use firedrill::scenario;
use firedrill::sim::{EventKind, SimTime, play};
use firedrill::store::SavedRun;
use firedrill::tui::keymap::Keymap;
use std::path::Path;

fn output(loader: &str, file: &str, text: &str) -> String {
    match loader {
        "scenarios" => match scenario::parse(file, text) {
            Ok(spec) => format!("accepted: {}\n", spec.id),
            Err(e) => format!("{e}\n"),
        },
        "commands" => match scenario::parse_commands(file, text) {
            Err(e) => format!("{e}\n"),
            Ok(commands) => {
                let spec = scenario::builtin("friday-deploy").unwrap().unwrap();
                let last = commands.iter().map(|c| c.at).max().unwrap_or(SimTime::ZERO);
                let until = SimTime(last.0.saturating_add(1_000_000).min(spec.length().0));
                let sim = play(spec.sim, 1, &commands, Some(until));
                let rejected: Vec<String> = sim
                    .events()
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::CommandRejected { .. }))
                    .map(|e| format!("{} {}", e.t, e.kind.describe()))
                    .collect();
                format!("loads; the engine rejects:\n{}\n", rejected.join("\n"))
            }
        },
        "runs" => match SavedRun::load(Path::new(file), text) {
            Ok(run) => format!("accepted: {} commands\n", run.commands.len()),
            Err(e) => format!("{e}\n"),
        },
        "keymaps" => format!("{}\n", Keymap::with_user(file, text).1.join("\n")),
        _ => unreachable!("{loader}"),
    }
}

#[test]
fn every_corpus_case_gives_exactly_its_expected_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let update = std::env::var("UPDATE_EXPECTED").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut cases = 0;
    for loader in ["scenarios", "commands", "runs", "keymaps"] {
        let mut names: Vec<String> = std::fs::read_dir(root.join(loader))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.strip_suffix(".ron").is_some())
            .collect();
        names.sort();
        for name in names {
            let file = format!("tests/fuzz_corpus/{loader}/{name}");
            let text = std::fs::read_to_string(root.join(loader).join(&name)).unwrap();
            let actual = output(loader, &file, &text);
            let expected_path = root.join(loader).join(name.replace(".ron", ".expected"));
            if update {
                std::fs::write(&expected_path, &actual).unwrap();
            }
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != actual {
                failures.push(format!("{file}:\nexpected:\n{expected}actual:\n{actual}"));
            }
            cases += 1;
        }
    }
    assert!(cases >= 25, "only {cases} corpus cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
