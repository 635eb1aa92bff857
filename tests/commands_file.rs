//! Commands files are parsed strictly and bounded: an unknown field is an error (not a silent
//! default), and a file over the limits — [`MAX_COMMANDS`] in all, [`MAX_COMMANDS_PER_SECOND`]
//! within any one second of sim time — is refused at the entry that crosses one.
//!
//! `tests/invalid_commands/X.ron` is a commands file with one problem; `X.expected` is the
//! exact output it must produce (`file:line:col: message` and `  hint: …`). After a deliberate
//! change to a message, `UPDATE_EXPECTED=1 cargo test --test commands_file` rewrites them;
//! review each by hand (`git diff tests/invalid_commands`). The files over the count limit are
//! generated here: 10,001 commands are not worth a fixture of 400 KB.

mod common;

use common::bin::{firedrill, stderr};
use common::diff;
use firedrill::scenario::{MAX_COMMANDS, MAX_COMMANDS_PER_SECOND, parse_commands};
use std::path::Path;

const DIR: &str = "tests/invalid_commands";

#[test]
fn every_invalid_commands_file_gives_exactly_its_expected_error() {
    let update = std::env::var("UPDATE_EXPECTED").is_ok_and(|v| v == "1");
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let mut stems: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_string_lossy().strip_suffix(".ron").map(str::to_string))
        .collect();
    stems.sort();
    assert!(stems.len() >= 6, "{DIR} holds {} files", stems.len());
    let mut failures = Vec::new();
    for stem in &stems {
        let file = format!("{DIR}/{stem}.ron");
        let text = std::fs::read_to_string(folder.join(format!("{stem}.ron"))).unwrap();
        let actual = match parse_commands(&file, &text) {
            Ok(c) => format!("accepted ({} commands), but it must be rejected\n", c.len()),
            Err(e) => format!("{e}\n"),
        };
        let expected_path = folder.join(format!("{stem}.expected"));
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default().replace("\r\n", "\n");
        if expected != actual {
            failures.push(format!("{file} (- expected, + actual):\n{}", diff(&expected, &actual)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_misspelt_instance_is_refused_by_run_with_its_position() {
    let home = tempfile::tempdir().unwrap();
    let o = firedrill(
        &["run", "friday-deploy", "--commands", &format!("{DIR}/unknown-field-in-a-command.ron")],
        home.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{DIR}/unknown-field-in-a-command.ron:4:")), "{err}");
    assert!(err.contains("unknown field `instanse` in `Restart`"), "{err}");
    assert!(
        err.contains("did you mean `instance`? the fields allowed here are: service, instance, all_at_once"),
        "{err}"
    );
}

/// A commands file of `n` hints, `per_second` of them in each second of sim time.
fn hints(n: usize, per_second: usize) -> String {
    let entries: Vec<String> = (0..n)
        .map(|i| {
            let ms = (i / per_second) * 1000 + (i % per_second) * (1000 / per_second);
            format!("(at: \"{ms}ms\", command: Hint)")
        })
        .collect();
    format!("[\n{}\n]\n", entries.join(",\n"))
}

#[test]
fn a_file_at_the_limits_is_accepted_and_one_more_is_refused_where_it_crosses() {
    let at_limit = hints(MAX_COMMANDS, MAX_COMMANDS_PER_SECOND);
    assert_eq!(parse_commands("max.ron", &at_limit).expect("at the limits").len(), MAX_COMMANDS);

    let over = hints(MAX_COMMANDS + 1, MAX_COMMANDS_PER_SECOND);
    let e = parse_commands("over.ron", &over).unwrap_err();
    assert_eq!(e.0.len(), 1);
    let line = MAX_COMMANDS + 2; // the `[` is line 1
    assert_eq!(
        e.to_string(),
        format!(
            "over.ron:{line}:1: too many commands: this is command 10001 of 10001\n  hint: a commands file may hold at \
             most 10000 commands, and at most 20 within any one second of sim time: spread them out or drop the repeats"
        )
    );

    let burst = hints(MAX_COMMANDS_PER_SECOND + 1, MAX_COMMANDS_PER_SECOND + 1);
    let e = parse_commands("burst.ron", &burst).unwrap_err();
    assert!(e.to_string().starts_with(&format!("burst.ron:{}:1: too many commands within one second", 22)), "{e}");
}
