//! Scenario errors, tested against a folder of broken files.
//!
//! `tests/invalid_scenarios/X.ron` is a small scenario with one problem (or, for
//! `several-problems.ron`, several); `X.expected` next to it is the exact output it must
//! produce: the `Display` of `ScenarioErrors`, every `file:line:col: message` and `  hint: …`.
//! To regenerate the expectations after a deliberate change to a message, run
//!
//! ```text
//! UPDATE_EXPECTED=1 cargo test --test scenario_errors
//! ```
//!
//! and review every changed `.expected` by hand (`git diff tests/invalid_scenarios`): check
//! that each line:column still points at the offending value.
//!
//! The other tests here cover what a folder of files cannot: the shipped scenarios are valid,
//! scenario text cannot smuggle terminal escape sequences through, oversized files are refused
//! before parsing, and hostile nesting or sizes are rejected with bounded work (bytes parsed,
//! names compared, bytes rescanned to locate problems) instead of hanging or overflowing the
//! stack. Nothing here reads a clock.

mod common;

use common::diff;
use firedrill::scenario::error::MAX_PROBLEMS;
use firedrill::scenario::{self, BUILTIN, MAX_FILE_BYTES, MAX_ITEMS, ScenarioErrors, Spec, Work};
use firedrill::sim::model::rules::Inject;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The folder, relative to the crate root: also the prefix of the file names in the errors.
const DIR: &str = "tests/invalid_scenarios";

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR)
}

/// Parses `text`, which must be rejected; returns the errors.
#[track_caller]
fn rejected(file: &str, text: &str) -> ScenarioErrors {
    match scenario::parse(file, text) {
        Ok(spec) => panic!("{file} was accepted (as `{}`), but it is invalid", spec.id),
        Err(errors) => errors,
    }
}

/// Parses `text`, which must be valid; panics with every positioned error otherwise.
#[track_caller]
fn accepted(file: &str, text: &str) -> Spec {
    scenario::parse(file, text).unwrap_or_else(|errors| panic!("{file} was rejected:\n{errors}"))
}

#[test]
fn every_invalid_scenario_gives_exactly_its_expected_errors() {
    let update = std::env::var("UPDATE_EXPECTED").is_ok_and(|v| v == "1");
    let mut rons = BTreeSet::new();
    let mut expecteds = BTreeSet::new();
    let mut failures: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(folder()).expect("tests/invalid_scenarios exists") {
        let name = entry.expect("a readable folder entry").file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".ron") {
            rons.insert(stem.to_string());
        } else if let Some(stem) = name.strip_suffix(".expected") {
            expecteds.insert(stem.to_string());
        } else {
            failures.push(format!("{DIR}/{name}: only X.ron and X.expected belong in this folder"));
        }
    }
    assert!(rons.len() >= 25, "only {} invalid scenarios were found in {DIR}", rons.len());
    for stem in expecteds.difference(&rons) {
        failures.push(format!("{DIR}/{stem}.expected has no {stem}.ron"));
    }
    for stem in &rons {
        let file = format!("{DIR}/{stem}.ron");
        let text = std::fs::read_to_string(folder().join(format!("{stem}.ron"))).expect("a readable .ron file");
        let actual = match scenario::parse(&file, &text) {
            Ok(_) => {
                failures.push(format!("{file} was accepted, but it must be rejected"));
                continue;
            }
            Err(errors) => format!("{errors}\n"),
        };
        let expected_path = folder().join(format!("{stem}.expected"));
        if update {
            std::fs::write(&expected_path, &actual).expect("writing an .expected file");
            continue;
        }
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!(
                "{file} has no {stem}.expected; it produces:\n{actual}(UPDATE_EXPECTED=1 writes it; review it by hand)"
            ));
            continue;
        };
        // Tolerate a checkout that turned the line ends into CRLF.
        let expected = expected.replace("\r\n", "\n");
        if expected != actual {
            failures.push(format!(
                "{file}: the errors differ from {stem}.expected (- expected, + actual):\n{}",
                diff(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with {DIR}:\n\n{}\n\nIf a change to the messages is deliberate, run \
         UPDATE_EXPECTED=1 cargo test --test scenario_errors and review every .expected by hand.",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_diff_marks_missing_and_extra_lines() {
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
    assert_eq!(diff("a\n", "a\nb\n"), "  a\n+ b\n");
    assert_eq!(diff("a\nb\n", ""), "- a\n- b\n");
}

#[test]
fn every_builtin_scenario_is_valid() {
    assert!(!BUILTIN.is_empty());
    for (id, file, text) in BUILTIN {
        let spec = accepted(&format!("scenarios/{file}"), text);
        assert_eq!(spec.id, *id, "scenarios/{file} declares a different id");
        let via_builtin = scenario::builtin(id).expect("a built-in id").expect("a valid built-in");
        assert_eq!(via_builtin.content_hash, spec.content_hash);
    }
}

/// A small valid scenario whose every free text carries `$x`, replaced by the test.
const TEXTS: &str = r#"Scenario(
    id: "texts",
    title: "title $x",
    difficulty: Easy,
    length: "10m",
    teaches: ["teaches $x"],
    summary: "summary $x",
    role: "role $x",
    briefing: "briefing $x",
    owns: ["owns $x"],
    runbook: ["runbook $x"],
    traffic: (base_rps: 20),
    services: { "api": (instances: 1, endpoints: [(name: "home", plan: [Cpu(Exp("5ms"))])]) },
    versions: { "v1": (note: "note $x") },
    alerts: [(name: "EdgeErrors", when: Threshold(metric: "edge.error_rate", above: 0.1), summary: "alert $x")],
    timeline: [
        (label: "label $x", at: "1m", fault: InstanceCrash(service: "api")),
        (label: "message $x", at: "2m", message: (from: "from $x", text: "message $x")),
        (label: "log $x", at: "3m", log: (source: "source $x", text: "log $x")),
        (label: "fake $x", at: "4m", fake_alert: (name: "fake $x", summary: "fake summary $x", for: "1m")),
    ],
    objectives: [(name: "objective $x", when: Started("label $x"))],
    teams: { "dba": (arrives_after: "2m", says: "says $x") },
    hints: ["hint $x"],
    truth: "truth $x",
    judge: [(command: Restart, service: "api", verdict: Neutral, why: "why $x")],
    expert: [(at: "1m", action: "action $x")],
    lessons: ["lesson $x"],
)"#;

/// Every piece of scenario text that the game may print.
fn all_texts(spec: &Spec) -> Vec<String> {
    let sim = &spec.sim;
    let mut out = vec![spec.title.clone(), spec.summary.clone(), spec.role.clone(), spec.briefing.clone()];
    out.push(spec.truth.clone());
    for list in [&spec.teaches, &spec.owns, &spec.runbook, &spec.lessons, &sim.hints] {
        out.extend(list.iter().cloned());
    }
    out.extend(spec.judge.iter().map(|j| j.why.clone()));
    out.extend(spec.expert.iter().map(|x| x.action.clone()));
    out.extend(sim.versions.iter().map(|v| v.note.clone()));
    out.extend(sim.alerts.iter().map(|a| a.summary.clone()));
    out.extend(sim.objectives.iter().map(|o| o.name.clone()));
    out.extend(sim.teams.iter().map(|t| t.says.clone()));
    for entry in &sim.timeline {
        out.push(entry.label.clone());
        match &entry.inject {
            Inject::Message { from, text } => out.extend([from.clone(), text.clone()]),
            Inject::Log { source, text, .. } => out.extend([source.clone(), text.clone()]),
            Inject::FakeAlert { name, summary, .. } => out.extend([name.clone(), summary.clone()]),
            Inject::Fault(_) | Inject::Change(_) => {}
        }
    }
    out
}

#[test]
fn control_characters_and_escape_sequences_are_stripped_from_scenario_text() {
    // Raw control characters in the file, and the same written as RON escapes.
    for x in ["\u{1b}[31mred\u{1b}[0m\u{7}\r\u{9b}2J", r"\u{1b}[31mred\u{1b}[0m\u{7}\r\u{9b}2J"] {
        let spec = accepted("texts.ron", &TEXTS.replace("$x", x));
        let texts = all_texts(&spec);
        assert_eq!(texts.len(), 26, "every text field is checked");
        for t in &texts {
            assert!(!t.chars().any(char::is_control), "a control character survived in {t:?}");
            assert!(t.ends_with("[31mred[0m2J"), "the visible text is kept: {t:?}");
        }
        assert_eq!(spec.briefing, "briefing [31mred[0m2J");
    }
    // Bidi controls and zero-width characters can disguise text: each leaves a visible
    // marker (U+FFFD). Newlines are kept and tabs become spaces.
    let spec = accepted("texts.ron", &TEXTS.replace("$x", "a\u{202e}b\u{2066}c\u{200b}d\u{feff}\\n\\te"));
    assert_eq!(spec.briefing, "briefing a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}\n e");
    for t in all_texts(&spec) {
        assert!(!t.chars().any(firedrill::text::is_unsafe), "an invisible character survived in {t:?}");
        assert_eq!(t.matches('\u{fffd}').count(), 4, "every one is marked: {t:?}");
    }
}

#[test]
fn error_messages_cannot_carry_escape_sequences_either() {
    let text = TEXTS.replace("$x", "x").replace(r#"length: "10m""#, "length: \"\u{1b}[2J10\"");
    let shown = rejected("texts.ron", &text).to_string();
    assert!(!shown.contains('\u{1b}'), "the error repeats the raw escape: {shown:?}");
    assert!(shown.contains("`[2J10` is not a duration"), "{shown}");

    let text = TEXTS.replace("$x", "x").replace(r#"Started("label x")"#, "Started(\"label\u{1b}[2J\")");
    let shown = rejected("texts.ron", &text).to_string();
    assert!(!shown.contains('\u{1b}'), "the error repeats the raw escape: {shown:?}");
    assert!(shown.contains("unknown timeline label `label[2J`"), "{shown}");
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    // Syntactically broken too: a size error, not a syntax error, proves nothing was parsed.
    let text = format!("Scenario(\n// {}\n", "x".repeat(MAX_FILE_BYTES));
    let (result, work) = scenario::parse_measured("big.ron", &text);
    assert_eq!(work, Work::default(), "nothing was parsed, compared or located");
    let errors = result.expect_err("refused");
    assert_eq!(
        errors.to_string(),
        format!(
            "big.ron:1:1: the file is {} bytes; scenarios are limited to {MAX_FILE_BYTES} bytes\n  \
             hint: split the scenario or remove embedded data",
            text.len()
        )
    );
    // Exactly at the limit the file is parsed (and here rejected for its syntax instead).
    let text = format!("Scenario(\n// {}", "x".repeat(MAX_FILE_BYTES - 13));
    assert_eq!(text.len(), MAX_FILE_BYTES);
    let errors = rejected("edge.ron", &text);
    assert!(!errors.to_string().contains("bytes"), "{errors}");
}

/// Parses hostile `text` on a thread with a small stack (as a game thread might have) and
/// checks that it is rejected with errors that point inside the text, and with bounded work:
/// the text is parsed once; each reference to a name takes at least 8 bytes of text and scans
/// one list of at most `MAX_ITEMS` names; each reported problem rescans the text once.
#[track_caller]
fn rejected_with_bounded_work(what: &str, text: String) -> ScenarioErrors {
    let lines = text.lines().count().max(1);
    let len = text.len();
    let (result, work) = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || scenario::parse_measured("hostile.ron", &text))
        .expect("spawning a thread")
        .join()
        .unwrap_or_else(|_| panic!("{what}: parsing panicked"));
    let errors = result.err().unwrap_or_else(|| panic!("{what}: accepted"));
    assert_eq!(work.parsed_bytes, len, "{what}: parsed once");
    let max_comparisons = (MAX_ITEMS * len / 8) as u64;
    assert!(work.name_comparisons <= max_comparisons, "{what}: {} names compared", work.name_comparisons);
    assert!(work.located_bytes <= (MAX_PROBLEMS + 1) * len, "{what}: {} bytes rescanned", work.located_bytes);
    assert!(!errors.0.is_empty(), "{what}: no error");
    assert!(errors.0.len() <= 60, "{what}: {} errors; the list should be capped", errors.0.len());
    for e in &errors.0 {
        assert!(e.line >= 1 && e.line <= lines && e.col >= 1, "{what}: position out of the text: {e}");
    }
    errors
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Where the format expects no nesting: the first bracket is the error.
    for open in ["[", "(", "{", "Some("] {
        let text = format!("Scenario(id: {}", open.repeat(10_000));
        let errors = rejected_with_bounded_work(&format!("10,000 × {open}"), text);
        assert_eq!(errors.0.len(), 1, "{errors}");
    }
    // Where it allows nesting: conditions and cache look-ups.
    let base = TEXTS.replace("$x", "x");
    for (what, open, close) in
        [("10,000 × Not(", "Not(", ")"), ("5,000 × All([", "All([", "])"), ("5,000 × Any([Not(", "Any([Not(", ")])")]
    {
        let deep = format!("{}Declared{}", open.repeat(10_000 / close.len()), close.repeat(10_000 / close.len()));
        let errors = rejected_with_bounded_work(what, base.replace(r#"Started("label x")"#, &deep));
        assert_eq!(errors.0.len(), 1, "{errors}");
        assert_eq!(errors.0[0].message, "the values nest too deeply here", "{errors}");
    }
    let deep = format!("{}Cpu(Exp(\"1ms\")){}", r#"Cache(name: "c", miss: ["#.repeat(5_000), "])".repeat(5_000));
    let text = base.replace(r#"Cpu(Exp("5ms"))"#, &deep).replace("versions: {", r#"caches: { "c": () }, versions: {"#);
    let errors = rejected_with_bounded_work("5,000 nested caches", text);
    assert_eq!(errors.0[0].message, "the values nest too deeply here", "{errors}");
    // Legal nesting that passes the parser still has to get through validation.
    let deep = format!("{}Declared{}", "Not(".repeat(25), ")".repeat(25));
    let text = TEXTS.replace("$x", "x").replace(r#"Started("label x")"#, &deep);
    let spec = accepted("deep.ron", &text);
    assert_eq!(spec.sim.objectives.len(), 1);
}

/// `n` flags named `f00000`, `f00001`, …, one a line.
fn flag_list(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        writeln!(out, "\"f{i:05}\": (),").unwrap();
    }
    out
}

#[test]
fn huge_inputs_are_rejected_with_bounded_work() {
    let base = TEXTS.replace("$x", "x");
    let near_limit = |unit: &str| (MAX_FILE_BYTES - base.len() - 100) / unit.len();
    // One enormous line of text.
    let long = "y".repeat(MAX_FILE_BYTES - base.len() - 100);
    let errors = rejected_with_bounded_work("a 1 MB briefing", base.replace("briefing x", &long));
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(errors.to_string().contains("longer than 10000 characters"), "{errors}");

    // Tens of thousands of timeline entries: the count is reported on its own, as validating
    // each entry would take long.
    let entry = "(at: \"9h\", fault: ServiceOutage(service: \"nope\")),\n";
    let many = entry.repeat(near_limit(entry));
    let errors = rejected_with_bounded_work(
        "20,000 bad timeline entries",
        base.replace("timeline: [", &format!("timeline: [{many}")),
    );
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(errors.to_string().contains("items; at most 200 are allowed"), "{errors}");

    // Within the limits, problems are capped: locating each one rescans the file.
    let errors = rejected_with_bounded_work(
        "200 bad timeline entries",
        base.replace("timeline: [", &format!("timeline: [{}", entry.repeat(196))),
    );
    assert_eq!(errors.0.len(), 51, "{errors}");
    let last = &errors.0[50];
    assert_eq!(last.message, "there are more problems; only the first 50 are listed", "{errors}");
    assert_eq!(last.hint, "fix these and validate again");
    let padding = format!("\n{}\n", "// padding\n".repeat(near_limit("// padding\n") - 1_000));
    let text = base.replace("timeline: [", &format!("timeline: [{padding}{}", entry.repeat(196)));
    assert_eq!(rejected_with_bounded_work("200 bad timeline entries in 1 MB", text).0.len(), 51);

    // Tens of thousands of services, each calling the next: a long chain, and many names.
    let unit = "\"s00000\": (instances: 1, endpoints: [(name: \"e\", plan: [Call(to: \"s00001\")])]),\n";
    let mut services = String::new();
    for i in 0..near_limit(unit) {
        let next = i + 1;
        writeln!(
            services,
            "\"s{i:05}\": (instances: 1, endpoints: [(name: \"e\", plan: [Call(to: \"s{next:05}\")])]),"
        )
        .unwrap();
    }
    let text = base.replace(r#"services: { "api""#, &format!("services: {{ {services} \"api\""));
    rejected_with_bounded_work("a chain of 10,000 services", text);

    // Thousands of flags; then 200 flags and tens of thousands of steps that each look one
    // up by name.
    let flags = flag_list(5_000);
    let text = base.replace("versions: {", &format!("flags: {{ {flags} }},\n    versions: {{"));
    rejected_with_bounded_work("5,000 flags", text);
    let flags = flag_list(200);
    let step = "Call(to: \"tp\", flag: \"f00199\"), ";
    let steps = step.repeat((MAX_FILE_BYTES - base.len() - flags.len() - 100) / step.len());
    let text = base
        .replace(
            "versions: {",
            &format!(
                "flags: {{ {flags} }},\n    third_parties: {{ \"tp\": (latency: Exp(\"1ms\")) }},\n    versions: {{"
            ),
        )
        .replace(r#"Cpu(Exp("5ms"))"#, &steps);
    rejected_with_bounded_work("200 flags and 40,000 flagged steps", text);

    // Many problems of every kind at once.
    let judge = "(command: Restart, service: \"nope\", target: \"nope\", verdict: Neutral, why: \"\"),\n";
    let text = base.replace("judge: [", &format!("judge: [{}", judge.repeat(near_limit(judge))));
    rejected_with_bounded_work("10,000 bad judgements", text);
}

#[test]
fn story_texts_have_the_same_limits_as_other_texts() {
    let base = TEXTS.replace("$x", "x");
    let long = "y".repeat(10_001);
    for field in ["title", "summary", "role", "truth", "teaches", "owns", "runbook", "lesson", "label"] {
        let text = base.replacen(&format!("\"{field} x\""), &format!("\"{long}\""), 1);
        assert_ne!(text, base, "{field}");
        let errors = rejected(&format!("{field}.ron"), &text);
        assert!(errors.to_string().contains("this text is longer than 10000 characters"), "{field}: {errors}");
    }
    let many = vec!["\"step\""; 201].join(", ");
    let errors = rejected("runbook.ron", &base.replace(r#"runbook: ["runbook x"]"#, &format!("runbook: [{many}]")));
    assert_eq!(errors.to_string(), "runbook.ron:11:14: 201 items; at most 200 are allowed\n  hint: split the scenario");
}

#[test]
fn a_long_chain_of_retrying_services_is_refused_without_overflow() {
    // 10 tries at each of 24 calls is 10^24 tries: more than a u64 holds.
    let mut services = String::new();
    for i in 0..25 {
        let (plan, calls) = if i < 24 {
            (format!("Call(to: \"s{}\")", i + 1), format!(", calls: {{ \"s{}\": (retries: 9) }}", i + 1))
        } else {
            ("Cpu(Exp(\"1ms\"))".to_string(), String::new())
        };
        writeln!(services, "\"s{i}\": (instances: 1, endpoints: [(name: \"e\", plan: [{plan}])]{calls}),").unwrap();
    }
    let text = TEXTS.replace("$x", "x").replace(r#""api": ("#, &format!("{services} \"api\": ("));
    let errors = rejected("chain.ron", &text);
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(errors.0[0].message.starts_with("retries multiply to more than 10^19 tries"), "{errors}");
    assert!(errors.0[0].message.contains("(users ×1, s0→s1 ×10, s1→s2 ×10, "), "{errors}");
}
