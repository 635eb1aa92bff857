//! Drills in the engine: contingencies (manual timeline entries) that only a facilitator fires,
//! the facilitator's commands (fire, reveal, tip), and live injects typed during a drill. The
//! property everything rests on: a drill is `(scenario, seed, [(time, command, seat)])` plus
//! its live injects, so adding an unfired manual entry changes nothing, and a live inject
//! added and fired at a moment gives the same run as the same inject written into the
//! scenario before the run and fired at that moment.

use firedrill::scenario::{self, Spec, catalogue, live_entry};
use firedrill::score::{Evidence, score};
use firedrill::sim::{Category, Command, EventKind, Sim, SimTime, TimedCommand, play};

fn shipped(id: &str) -> Spec {
    scenario::builtin(id).expect("shipped").expect("valid")
}

fn mechanism(name: &str) -> (String, Spec) {
    let path = format!("{}/tests/mechanisms/{name}.ron", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let spec = scenario::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    (text, spec)
}

fn at(secs: u64, command: Command) -> TimedCommand {
    TimedCommand { at: SimTime::from_secs(secs), command, by: None }
}

fn fire(secs: u64, entry: &str) -> TimedCommand {
    at(secs, Command::Fire { entry: entry.into() })
}

/// The scenario's text without its lines that mention `needle` (and their comments).
fn without(text: &str, needle: &str) -> String {
    text.lines().filter(|l| !l.contains(needle)).collect::<Vec<_>>().join("\n")
}

/// Everything a run produces that a person or the score reads.
fn assert_same_run(what: &str, a: &Sim, b: &Sim, spec: &Spec) {
    assert_eq!(a.events(), b.events(), "{what}: events");
    assert_eq!(a.windows(), b.windows(), "{what}: windows");
    assert_eq!(score(spec, &Evidence::from_sim(a)), score(spec, &Evidence::from_sim(b)), "{what}: score");
}

#[test]
fn an_unfired_contingency_changes_nothing_in_a_solo_run() {
    let (text, spec) = mechanism("manual-contingency");
    let plain = scenario::parse("plain", &without(&without(&text, "manual: true"), "after db-slow"))
        .unwrap_or_else(|e| panic!("{e}"));
    let with = play(spec.sim.clone(), 3, &[], None);
    let bare = play(plain.sim.clone(), 3, &[], None);
    assert_eq!(with.events(), bare.events());
    assert_eq!(with.windows(), bare.windows());
    // And the shipped scenarios that carry one: nothing anyone sees or scores names it.
    for (id, label) in [
        ("friday-deploy", "db-slow-contingency"),
        ("retry-storm", "push-notification-wave"),
        ("payments-outage", "ceo-asks"),
    ] {
        let spec = shipped(id);
        assert!(spec.sim.timeline.iter().any(|e| e.label == label && e.trigger.is_manual()), "{id}");
        let sim = play(spec.sim.clone(), spec.default_seed, &[], None);
        let debrief = firedrill::score::debrief(&spec, &Evidence::from_sim(&sim));
        let text = format!(
            "{}\n{}\n{}",
            firedrill::report::markdown(&debrief),
            firedrill::report::html(&debrief),
            firedrill::report::run_text(&spec, &sim, 0.0)
        );
        assert!(!text.contains(label), "{id}: the report names the unfired contingency:\n{text}");
        assert!(!format!("{:?}", sim.events()).contains(label), "{id}: an event names it");
    }
}

#[test]
fn a_fired_contingency_starts_at_that_moment_and_its_conditions_follow() {
    let (_, spec) = mechanism("manual-contingency");
    let sim = play(spec.sim.clone(), 3, &[fire(120, "db-slow")], None);
    let started: Vec<(SimTime, bool)> = sim
        .events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::FaultStarted { label, .. } if label == "db-slow"))
        .map(|e| (e.t, e.hidden))
        .collect();
    assert_eq!(started, [(SimTime::from_secs(120), true)], "the fault is hidden trouble, from the moment it fires");
    let cleared =
        sim.events().iter().find(|e| matches!(&e.kind, EventKind::FaultCleared { label, .. } if label == "db-slow"));
    assert_eq!(cleared.map(|e| e.t), Some(SimTime::from_secs(180)), "its `for` runs from when it fired");
    // The seats do not see the facilitator's command, only what it does.
    let applied = sim.events().iter().find(|e| matches!(e.kind, EventKind::CommandApplied { .. })).unwrap();
    assert!(applied.hidden);
    assert_eq!(applied.kind.describe(), "facilitator: fired contingency db-slow");
    // A condition on it holds once it has fired.
    assert!(sim.logs().lines().iter().any(|l| l.text.contains("slow query log")), "the `when: Started` entry fired");
    let p99 = |from: u32, to: u32| {
        let ws: Vec<f64> =
            sim.windows()[from as usize..to as usize].iter().map(|w| f64::from(w.edge.red.p99_ms)).collect();
        ws.iter().sum::<f64>() / ws.len() as f64
    };
    assert!(p99(125, 175) > p99(60, 110) + 150.0, "the database is 200 ms slower while it lasts");
}

#[test]
fn fire_is_refused_with_the_contingencies_left_when_the_label_is_wrong_or_used() {
    let (_, spec) = mechanism("manual-contingency");
    let mut sim = Sim::new(spec.sim.clone(), 1);
    sim.advance_to(SimTime::from_secs(10));
    let e = sim.submit(Command::Fire { entry: "db-slwo".into() }).unwrap_err();
    assert_eq!(e.to_string(), "no contingency labelled 'db-slwo' (contingencies left: db-slow, vp-asks)");
    // A timed or conditional entry is not a contingency.
    assert!(sim.submit(Command::Fire { entry: "after db-slow".into() }).is_err());
    assert_eq!(sim.submit(Command::Fire { entry: "vp-asks".into() }), Ok(firedrill::sim::Dur::ZERO));
    let e = sim.submit(Command::Fire { entry: "vp-asks".into() }).unwrap_err();
    assert_eq!(e.to_string(), "contingency 'vp-asks' has already fired (contingencies left: db-slow)");
    assert_eq!(sim.contingencies(), ["db-slow"]);
    let msg = sim.events().iter().find(|e| matches!(e.kind, EventKind::Message { .. })).unwrap();
    assert!(!msg.hidden, "a message is for everyone");
    let rejected: Vec<_> =
        sim.events().iter().filter(|e| matches!(e.kind, EventKind::CommandRejected { .. })).collect();
    assert!(rejected.len() == 3 && rejected.iter().all(|e| e.hidden), "a facilitator's slip is theirs");
}

#[test]
fn reveal_and_tip_show_to_everyone_and_cost_or_earn_nothing() {
    let spec = shipped("friday-deploy");
    let plain = play(spec.sim.clone(), spec.default_seed, &[], None);
    let commands = [
        at(200, Command::Reveal { text: "v42 went out at 16:42".into() }),
        at(210, Command::Tip { seat: "alice".into(), text: "look at the changes list".into() }),
    ];
    let sim = play(spec.sim.clone(), spec.default_seed, &commands, None);
    let seen: Vec<(String, bool, Category)> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Revealed { .. } | EventKind::Tip { .. }))
        .map(|e| (e.kind.describe(), e.hidden, e.kind.category()))
        .collect();
    assert_eq!(
        seen,
        [
            ("revealed: v42 went out at 16:42".to_string(), false, Category::Help),
            ("tip to alice: look at the changes list".to_string(), false, Category::Help),
        ]
    );
    assert_eq!(plain.windows(), sim.windows(), "words change nothing in the system");
    let (a, b) = (score(&spec, &Evidence::from_sim(&plain)), score(&spec, &Evidence::from_sim(&sim)));
    assert_eq!(a, b, "nothing the facilitator says is scored");
}

#[test]
fn a_live_inject_added_and_fired_at_90s_is_the_run_with_it_in_the_spec_from_the_start() {
    let spec = shipped("friday-deploy");
    let text = r#"(fault: AddLatency(target: "db", extra: "300ms"), for: "5m")"#;
    let live = vec![("db-slow-2".to_string(), text.to_string())];
    let from_start = spec.with_live_entries(&live).unwrap();
    assert_eq!(from_start.sim.timeline.len(), spec.sim.timeline.len() + 1);
    let player = [
        at(230, Command::Ack { alert: "EdgeErrorRate".into() }),
        at(240, Command::Declare { severity: firedrill::sim::Severity::Sev2 }),
        at(255, Command::SetFlag { flag: "coupons-v2".into(), on: false }),
    ];
    let mut commands = vec![fire(90, "db-slow-2")];
    commands.extend(player.iter().cloned());
    let b = play(from_start.sim.clone(), spec.default_seed, &commands, None);

    let mut a = Sim::new(spec.sim.clone(), spec.default_seed);
    a.advance_to(SimTime::from_secs(90));
    let idx = a.add_entry(live_entry(&spec, text, "db-slow-2").unwrap());
    assert_eq!(idx, spec.sim.timeline.len());
    assert_eq!(a.submit(Command::Fire { entry: "db-slow-2".into() }), Ok(firedrill::sim::Dur::ZERO));
    for c in &player {
        a.advance_to(c.at);
        let _ = a.submit(c.command.clone());
    }
    a.run_to_end();
    assert!(
        b.events().iter().any(|e| matches!(&e.kind, EventKind::FaultStarted { label, .. } if label == "db-slow-2"))
    );
    assert_same_run("added live vs. from the start", &a, &b, &from_start);
}

#[test]
fn adding_a_manual_entry_that_never_fires_changes_nothing() {
    let spec = shipped("friday-deploy");
    let commands = [at(255, Command::SetFlag { flag: "coupons-v2".into(), on: false })];
    let plain = play(spec.sim.clone(), spec.default_seed, &commands, None);
    let mut sim = Sim::new(spec.sim.clone(), spec.default_seed);
    sim.advance_to(SimTime::from_secs(90));
    sim.add_entry(live_entry(&spec, r#"(fault: ServiceOutage(service: "api"), for: "2m")"#, "outage").unwrap());
    sim.advance_to(SimTime::from_secs(255));
    let _ = sim.submit(commands[0].command.clone());
    sim.run_to_end();
    assert_same_run("with an unfired live entry", &plain, &sim, &spec);
    // Nor does a spec carrying it from the start.
    let carried =
        spec.with_live_entries(&[("outage".into(), r#"(message: (from: "VP", text: "ok?"))"#.into())]).unwrap();
    let with = play(carried.sim.clone(), spec.default_seed, &commands, None);
    assert_same_run("with an unfired entry in the spec", &plain, &with, &spec);
    // The spec the run started from is untouched: the sim copied it.
    assert!(spec.sim.timeline.iter().all(|e| e.label != "outage"));
}

#[test]
fn every_catalogue_example_is_a_valid_live_inject() {
    let friday = shipped("friday-deploy");
    // Each needs a component friday-deploy lacks; each is valid where it exists.
    let elsewhere = [
        ("HotKeyExpiry", None),
        ("PoisonMessage", Some("queue-backlog")),
        ("SlowReplica", Some("replica-failover")),
        ("PrimaryPartition", Some("replica-failover")),
    ];
    for (name, text) in catalogue() {
        match elsewhere.iter().find(|e| e.0 == name) {
            None => {
                let e = live_entry(&friday, text, "x").unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(e.trigger.is_manual(), "{name}");
            }
            Some((_, other)) => {
                assert!(live_entry(&friday, text, "x").is_err(), "{name} needs what friday-deploy lacks");
                if let Some(id) = other {
                    live_entry(&shipped(id), text, "x").unwrap_or_else(|e| panic!("{name} in {id}: {e}"));
                }
            }
        }
    }
    // Every fault of the catalogue is there (serde knows them all), and every other inject.
    let err = ron::from_str::<scenario::raw::RawFault>("NotAFault").expect_err("not a fault");
    let ron::error::Error::NoSuchEnumVariant { expected, .. } = err.code else { panic!("{err}") };
    let names: Vec<&str> = catalogue().iter().map(|c| c.0).collect();
    for f in expected {
        assert!(names.contains(f), "{f} is missing from the catalogue");
    }
    let err = ron::from_str::<scenario::raw::RawChange>("NotAChange").expect_err("not a change");
    let ron::error::Error::NoSuchEnumVariant { expected, .. } = err.code else { panic!("{err}") };
    for c in expected {
        assert!(names.contains(&format!("change: {c}").as_str()), "change {c} is missing from the catalogue");
    }
    for inject in ["message", "log", "fake_alert"] {
        assert!(names.contains(&inject));
    }
}

#[test]
fn a_bad_live_inject_says_where_and_how_to_fix_it() {
    let spec = shipped("friday-deploy");
    let cases = [
        (
            r#"(fault: AddLatency(target: "dbb", extra: "300ms"))"#,
            "x",
            "live inject `x`, column 28: unknown target `dbb` (hint: targets are: db, api, payments)",
        ),
        (
            r#"(at: "2m", message: (from: "VP", text: "hi"))"#,
            "x",
            "live inject `x`, column 6: `at` has no place in a live inject (hint: a live inject fires when you fire it: remove `at`)",
        ),
        (r#"(fault: AddLatency(target: "db", extra: 300))"#, "x", "live inject `x`, column "),
        (
            r#"(message: (from: "VP", text: "hi"))"#,
            "db-slow-contingency",
            "live inject `db-slow-contingency`, column 1: the timeline already has an entry labelled `db-slow-contingency`",
        ),
        (
            r#"(message: (from: "VP", text: "hi"))"#,
            "two words",
            "live inject `two words`, column 1: the label `two words` cannot be typed after `fire`",
        ),
        (
            r#"(fault: ServiceOutage(service: "api"), message: (from: "VP", text: "hi"))"#,
            "x",
            "live inject `x`, column 49: a timeline entry injects one thing",
        ),
        ("(fault: Nope)", "x", "live inject `x`, column 9: unknown variant `Nope`"),
    ];
    for (text, label, want) in cases {
        let e = live_entry(&spec, text, label).expect_err(text).to_string();
        assert!(e.starts_with(want), "{text}:\n  got  {e}\n  want {want}…");
        assert!(!e.contains('\n'), "one line: {e}");
    }
    let e = live_entry(&spec, r#"(fault: AddLatency(target: "dbb", extra: "300ms"))"#, "x").unwrap_err();
    assert!(e.message.contains("dbb") && !e.hint.is_empty(), "{e}");
}
