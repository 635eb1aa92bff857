//! Commands files are parsed strictly: an unknown field is an error (not a silent default),
//! with its position and the fields allowed there.
//!
//! `tests/invalid_commands/X.ron` is a commands file with one problem; `X.expected` is the
//! exact output it must produce (`file:line:col: message` and `  hint: …`). After a deliberate
//! change to a message, `UPDATE_EXPECTED=1 cargo test --test commands_file` rewrites them;
//! review each by hand (`git diff tests/invalid_commands`).

mod common;

use common::bin::{firedrill, stderr};
use common::diff;
use firedrill::scenario::parse_commands;
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
    assert!(stems.len() >= 4, "{DIR} holds {} files", stems.len());
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
