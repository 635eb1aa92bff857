//! Score fixtures as data: each `tests/score_fixtures/<name>.ron` is a small hand-written run
//! (a built-in scenario id and the `Evidence` scored against it) and `<name>.expected` is the
//! score it must get, rendered as text — overall, grade, and every dimension with its reasons.
//! Each fixture tests one rule and explains the expected numbers in a comment at its top.
//!
//! `UPDATE_EXPECTED=1 cargo test --test score` rewrites the `.expected` files; read every
//! changed one against the reasoning in its fixture before keeping it.

mod common;

use common::diff;
use firedrill::score::{Evidence, Score, score};
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/score_fixtures");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// A built-in scenario id.
    scenario: String,
    evidence: Evidence,
}

fn load(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap();
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .unwrap_or_else(|e| panic!("{}:{e}", path.display()))
}

fn clock(t: Option<firedrill::sim::SimTime>) -> String {
    t.map_or_else(|| "never".to_string(), firedrill::sim::SimTime::clock)
}

/// The score as the `.expected` files hold it.
fn render(s: &Score) -> String {
    let mut o = String::new();
    writeln!(o, "score {} ({})", s.overall, s.grade).unwrap();
    writeln!(
        o,
        "onset {}, first response {}, recovered {}",
        clock(s.onset),
        clock(s.first_response),
        clock(s.recovered)
    )
    .unwrap();
    for d in &s.dimensions {
        writeln!(o, "\n{} {} (weight {}%)", d.name, d.score, d.weight).unwrap();
        for r in &d.reasons {
            writeln!(o, "  {r}").unwrap();
        }
    }
    for h in &s.hints {
        writeln!(o, "\nhint at {}: {:?}, -{} overall", h.at.clock(), h.tier, h.points).unwrap();
    }
    o
}

fn fixtures() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    all.sort();
    all
}

#[test]
fn every_score_fixture_gets_its_expected_score_and_reasons() {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for path in fixtures() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let fx = load(&path);
        let spec = firedrill::scenario::builtin(&fx.scenario)
            .unwrap_or_else(|| panic!("{name}: no built-in scenario `{}`", fx.scenario))
            .unwrap();
        let actual = render(&score(&spec, &fx.evidence));
        let expected_path = path.with_extension("expected");
        if update {
            if std::fs::read_to_string(&expected_path).ok().as_deref() != Some(actual.as_str()) {
                std::fs::write(&expected_path, &actual).unwrap();
                eprintln!("updated {} — check it against the fixture's reasoning", expected_path.display());
            }
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Err(_) => failures.push(format!(
                "{name}: no {} (write it by hand, or run with UPDATE_EXPECTED=1 and check it)",
                expected_path.display()
            )),
            Ok(expected) if expected != actual => {
                failures.push(format!("{name}: score differs (- expected, + actual)\n{}", diff(&expected, &actual)));
            }
            Ok(_) => {}
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_expected_file_belongs_to_a_fixture() {
    let orphans: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "expected") && !p.with_extension("ron").exists())
        .map(|p| p.display().to_string())
        .collect();
    assert!(orphans.is_empty(), "expected files without a fixture: {orphans:?}");
}

#[test]
fn the_fixtures_cover_every_dimension_with_more_than_one_outcome() {
    // A guard against a folder that quietly lost its fixtures: every dimension must be seen at
    // more than one score, so each is really exercised.
    let mut seen: Vec<(String, Vec<u32>)> = Vec::new();
    for path in fixtures() {
        let fx = load(&path);
        let spec = firedrill::scenario::builtin(&fx.scenario).unwrap().unwrap();
        for d in score(&spec, &fx.evidence).dimensions {
            match seen.iter_mut().find(|(n, _)| *n == d.name) {
                Some((_, scores)) if !scores.contains(&d.score) => scores.push(d.score),
                Some(_) => {}
                None => seen.push((d.name, vec![d.score])),
            }
        }
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
    for (name, scores) in &seen {
        assert!(scores.len() >= 3, "{name} is only ever scored {scores:?}");
    }
}

#[test]
fn the_diff_marks_what_changed() {
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
}

/// Plays `commands` on the scenario `text` and returns the judged commands' reasons, in order.
fn judged(text: &str, commands: &str) -> Vec<String> {
    let spec = firedrill::scenario::parse("judged.ron", text).unwrap();
    let cmds = firedrill::scenario::parse_commands("judged-commands.ron", commands).unwrap();
    let sim = firedrill::sim::play(spec.sim.clone(), 1, &cmds, None);
    firedrill::score::judge::decisions(&spec, &Evidence::from_sim(&sim)).into_iter().map(|d| d.why).collect()
}

/// A mechanism scenario with `judge` entries added before its `anchor` line.
fn mechanism_with_judge(name: &str, anchor: &str, judge: &str) -> String {
    let path = format!("{}/tests/mechanisms/{name}.ron", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(anchor), "{name}: no {anchor:?}");
    text.replacen(anchor, &format!("    judge: [{judge}],\n{anchor}"), 1)
}

/// A judgement names a health-check change by its endpoint (`target`) and by `on` (enabled), as
/// `cleared_by` does: the two read a command's parameters the same way.
#[test]
fn a_judgement_matches_a_health_check_by_endpoint_and_switch() {
    let text = r#"Scenario(
        id: "hc", title: "hc", difficulty: Easy, length: "3m", briefing: "x",
        traffic: (base_rps: 20),
        services: { "web": (instances: 2, health: (endpoint: "home"),
                            endpoints: [(name: "home", plan: [Cpu(Exp("2ms"))])]) },
        judge: [
            (command: SetHealthCheck, service: "web", target: "health", verdict: Helpful, why: "checks the server, not its home page"),
            (command: SetHealthCheck, service: "web", on: false, verdict: Neutral, why: "no check at all"),
        ],
    )"#;
    let whys = judged(
        text,
        r#"[(at: "30s", command: SetHealthCheck(service: "web", endpoint: "health")),
            (at: "1m", command: SetHealthCheck(service: "web", enabled: false))]"#,
    );
    assert_eq!(whys, ["checks the server, not its home page", "no check at all"]);
}

/// A rolling restart is not a rollout to judge rollbacks by: after one, deploying the version
/// the skewed fleet should all run is a deploy (finishing a deploy that missed a server), not a
/// rollback "onto the version before the last rollout".
#[test]
fn a_rolling_restart_does_not_make_the_next_deploy_a_rollback() {
    let text = mechanism_with_judge(
        "version-skew",
        "    flags: {",
        r#"(command: Deploy, target: "rlp-2012", verdict: Helpful, why: "finishes the deploy")"#,
    );
    let whys = judged(
        &text,
        r#"[(at: "30s", command: Restart(service: "smars")),
            (at: "3m", command: Deploy(service: "smars", version: "rlp-2012"))]"#,
    );
    assert_eq!(whys, ["finishes the deploy"]);
}

/// Someone else's capacity change moves the count a later Scale is compared with: after the
/// playbook took index from 10 to 2, scaling back to 10 is "up".
#[test]
fn a_scale_after_someone_elses_capacity_change_is_judged_from_the_new_count() {
    let text = mechanism_with_judge(
        "capacity-removal",
        "    timeline: [",
        r#"(command: Scale, service: "index", direction: Up, verdict: Helpful, why: "puts the capacity back")"#,
    );
    let whys = judged(&text, r#"[(at: "2m", command: Scale(service: "index", instances: 10))]"#);
    assert_eq!(whys, ["puts the capacity back"]);
}
