//! `firedrill report` for a fixed saved run (friday-deploy, seed 7, the commands in
//! `tests/fixtures/friday-deploy-report.ron`): the markdown a person pastes into a postmortem
//! and the JSON a tool reads, both snapshotted. The run is made through the real binary with
//! `run --save`, as a player would.

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;

/// The binary with its data under `home`; every call here must succeed.
fn firedrill(args: &[&str], home: &Path) -> Output {
    let o = common::bin::firedrill(args, home);
    assert!(o.status.success(), "{args:?}: {}", common::bin::stderr(&o));
    o
}

/// The report of the fixed run in `format`.
fn report(format: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let saved = home.path().join("run.ron");
    let saved = saved.to_str().unwrap();
    let commands = "tests/fixtures/friday-deploy-report.ron";
    firedrill(&["run", "friday-deploy", "--seed", "7", "--commands", commands, "--save", saved], home.path());
    let mut args = vec!["report", saved];
    if !format.is_empty() {
        args.extend(["--format", format]);
    }
    String::from_utf8(firedrill(&args, home.path()).stdout).unwrap()
}

#[test]
fn the_markdown_report_reads_as_a_postmortem() {
    let md = report("md");
    assert_eq!(md, report(""), "markdown is the default format");
    // The section a postmortem template expects, in order.
    let sections = [
        "# Debrief: Friday afternoon deploy",
        "## Score: ",
        "## Timeline",
        "## What was really happening",
        "## What you saw",
        "## What you did",
        "## What an expert would have done",
        "## Lessons",
    ];
    let mut from = 0;
    for s in sections {
        let at = md[from..].find(s).unwrap_or_else(|| panic!("no {s:?} after byte {from}:\n{md}"));
        from += at + s.len();
    }
    let rows = md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| dimension")).count();
    assert_eq!(rows, 7, "one table row per dimension:\n{md}");
    assert!(md.contains("rejected: acknowledge DiskFull: no alert named 'DiskFull'"), "{md}");
    let md = md.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("friday_deploy_debrief_md", md);
}

#[test]
fn the_json_report_holds_the_whole_debrief() {
    let text = report("json");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["scenario_id"], "friday-deploy");
    assert_eq!(doc["seed"], 7);
    let score = &doc["score"];
    assert!(score["overall"].as_u64().is_some() && score["grade"].is_string(), "{score}");
    assert_eq!(score["dimensions"].as_array().map(Vec::len), Some(7));
    assert!(score["decisions"].as_array().is_some_and(|d| d.len() >= 3), "{score}");
    for key in ["timeline", "faults", "saw", "actions", "expert", "lessons"] {
        let list = doc[key].as_array().unwrap_or_else(|| panic!("{key} is not a list"));
        assert!(!list.is_empty(), "{key} is empty");
    }
    assert_eq!(doc["faults"][0]["label"], "v42 rollout");
    assert!(doc["truth"].as_str().is_some_and(|t| t.contains("NullPointerException")));
    insta::assert_snapshot!("friday_deploy_debrief_json", text);
}
