//! A drill saved and replayed: the run file keeps the seats on its commands, the live injects
//! and the facilitator's notes; `replay` and `report` apply the live injects before the run,
//! so the drill comes back exactly (same score), with who did what. A version-1 run file still
//! reads; a run file whose live inject is bad says where, and does not panic. The debrief's
//! per-seat points add up to the part of the dimensions that came from seated commands.

mod common;

use common::bin::{firedrill, stderr, stdout};
use firedrill::scenario::{self, Spec, live_entry};
use firedrill::score::{Evidence, debrief, score};
use firedrill::sim::{By, Command, Role, Severity, Sim, SimTime, TimedCommand, play};
use firedrill::store::{DrillRecord, RUN_VERSION, SavedRun, ScenarioRef};

fn friday() -> Spec {
    scenario::builtin("friday-deploy").unwrap().unwrap()
}

fn by(name: &str, role: Role) -> By {
    By { name: name.into(), role }
}

fn at(secs: u64, command: Command, who: Option<By>) -> TimedCommand {
    TimedCommand { at: SimTime::from_secs(secs), command, by: who }
}

const LIVE: &str = r#"(fault: AddLatency(target: "db", extra: "300ms"), for: "4m")"#;

/// A drill on friday-deploy: the facilitator adds a live inject at 1m30 and fires it with the
/// scenario's contingency at 7m, reveals a clue and tips ops; the IC declares, ops restarts
/// (harmful) then flips the flag (helpful), comms posts late.
fn drill_commands() -> Vec<TimedCommand> {
    let fac = Some(by("fran", Role::Facilitator));
    vec![
        at(90, Command::Fire { entry: "db-slow-2".into() }, fac.clone()),
        at(200, Command::Ack { alert: "EdgeErrorRate".into() }, Some(by("ian", Role::Ic))),
        at(
            230,
            Command::Restart { service: "api".into(), instance: None, all_at_once: false },
            Some(by("olga", Role::Ops)),
        ),
        at(240, Command::Reveal { text: "v42 went out at 16:42".into() }, fac.clone()),
        at(250, Command::Tip { seat: "olga".into(), text: "the flag is faster".into() }, fac.clone()),
        at(260, Command::SetFlag { flag: "coupons-v2".into(), on: false }, Some(by("olga", Role::Ops))),
        at(420, Command::Fire { entry: "db-slow-contingency".into() }, fac),
        at(700, Command::Declare { severity: Severity::Sev2 }, Some(by("ian", Role::Ic))),
        at(
            1100,
            Command::StatusUpdate {
                audience: firedrill::sim::Audience::Internal,
                impact: "checkout errors".into(),
                next_update: firedrill::sim::Dur::from_secs(60),
                all_clear: false,
            },
            Some(by("cora", Role::Comms)),
        ),
    ]
}

fn seats() -> Vec<By> {
    ["fran facilitator", "ian ic", "olga ops", "cora comms", "pat observer"]
        .iter()
        .map(|s| {
            let (n, r) = s.split_once(' ').unwrap();
            By { name: n.into(), role: Role::parse(r).unwrap() }
        })
        .collect()
}

/// The drill as the host plays it: the live inject joins the running sim at 1m30.
fn host(spec: &Spec) -> Sim {
    let mut sim = Sim::new(spec.sim.clone(), spec.default_seed);
    for c in drill_commands() {
        sim.advance_to(c.at);
        if c.at == SimTime::from_secs(90) {
            sim.add_entry(live_entry(spec, LIVE, "db-slow-2").unwrap());
        }
        let _ = sim.submit_as(c.command, c.by);
    }
    sim.run_to_end();
    sim
}

fn saved(spec: &Spec) -> SavedRun {
    SavedRun::new(ScenarioRef::Builtin("friday-deploy".into()), spec, spec.default_seed, None, drill_commands())
        .with_live_entries(vec![("db-slow-2".into(), LIVE.into())])
        .with_drill(DrillRecord {
            seats: seats(),
            notes: vec![(SimTime::from_secs(300), "ops went for a restart first".into())],
            ended: None,
        })
}

#[test]
fn a_saved_drill_round_trips_and_replays_to_the_same_score() {
    let spec = friday();
    let live = host(&spec);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drill.ron");
    let run = saved(&spec);
    run.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("version: 2") && text.contains("live_entries") && text.contains("notes"), "{text}");
    let back = SavedRun::read(&path).unwrap();
    assert_eq!(back, run, "save and load keep everything");
    // The replay: the spec as played, then the commands.
    let played = back.played_spec(&spec).unwrap();
    let replay = play(played.sim.clone(), back.seed, &back.commands, back.until);
    assert_eq!(replay.events(), live.events(), "the replay is the drill, event for event");
    assert_eq!(replay.windows(), live.windows());
    let a = score(&played, &Evidence::from_sim(&live));
    let b = score(&played, &Evidence::from_sim(&replay));
    assert_eq!(a, b);

    // Through the binary: `replay` shows who sent each command, `report` who did what.
    let home = tempfile::tempdir().unwrap();
    let file = path.to_str().unwrap();
    let o = firedrill(&["replay", file], home.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("olga (ops): turn flag coupons-v2 off"), "{out}");
    assert!(out.contains(&format!("score: {} ", a.overall)), "the same score: {out}");
    let o = firedrill(&["report", file, "--format", "md"], home.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("## Who did what"), "{md}");
    assert!(
        md.contains("**olga — operations: 2 commands, first at 16:43:50; decisions +20, communication +0**"),
        "{md}"
    );
    assert!(md.contains("**pat — observer: 0 commands, sent no command; decisions +0, communication +0**"), "{md}");
    assert!(md.contains("ian (ic): declare a Sev2 incident"), "the timeline names the seat: {md}");
    let o = firedrill(&["report", file, "--format", "html"], home.path());
    assert!(stdout(&o).contains("<h2>Who did what</h2>"));
}

#[test]
fn a_version_1_run_file_still_reads() {
    let spec = friday();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.ron");
    let commands = vec![at(260, Command::SetFlag { flag: "coupons-v2".into(), on: false }, None)];
    SavedRun::new(ScenarioRef::Builtin("friday-deploy".into()), &spec, 42, None, commands).save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("live_entries") && !text.contains("drill") && !text.contains("by:"), "{text}");
    std::fs::write(&path, text.replace(&format!("version: {RUN_VERSION}"), "version: 1")).unwrap();
    let run = SavedRun::read(&path).unwrap();
    assert_eq!((run.version, run.live_entries.len(), run.drill.is_none()), (1, 0, true));
    let home = tempfile::tempdir().unwrap();
    let o = firedrill(&["replay", path.to_str().unwrap()], home.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("you: turn flag coupons-v2 off"));
}

#[test]
fn a_run_file_with_a_bad_live_inject_says_where_and_does_not_panic() {
    let spec = friday();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    SavedRun::new(ScenarioRef::Builtin("friday-deploy".into()), &spec, 42, None, Vec::new())
        .with_live_entries(vec![("slow".into(), r#"(fault: AddLatency(target: "dbb", extra: "300ms"))"#.into())])
        .save(&path)
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    for verb in ["replay", "report"] {
        let o = firedrill(&[verb, path.to_str().unwrap()], home.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(
                "bad.ron: live inject `slow`, column 28: unknown target `dbb` (hint: targets are: db, api, payments)"
            ),
            "{err}"
        );
    }
}

#[test]
fn each_seats_points_add_up_to_what_its_commands_earned_or_cost() {
    let spec = friday();
    let sim = host(&spec);
    let played = spec.with_live_entries(&[("db-slow-2".into(), LIVE.into())]).unwrap();
    let d = debrief(&played, &Evidence::from_sim(&sim));
    let names: Vec<&str> = d.seats.iter().map(|s| s.by.name.as_str()).collect();
    assert_eq!(names, ["fran", "ian", "olga", "cora"], "in the order they first acted");
    let seat = |n: &str| d.seats.iter().find(|s| s.by.name == n).unwrap();
    assert_eq!(
        (seat("fran").commands, seat("fran").decisions, seat("fran").comms),
        (4, 0, 0),
        "running the drill scores nothing"
    );
    assert_eq!(seat("olga").commands, 2);
    assert_eq!(seat("olga").first_action, Some(SimTime::from_secs(230)));
    // The restart is harmful (-30), the flag helpful (+50: the other half of the decisions).
    assert_eq!(seat("olga").decisions, 20);
    assert!(seat("olga").lines[0].starts_with("16:43:50 rolling restart of api (-30: "), "{:?}", seat("olga").lines);
    assert!(seat("olga").lines[1].starts_with("16:44:20 turn flag coupons-v2 off (+50: "), "{:?}", seat("olga").lines);
    // The IC declared late (-10); comms posted its first update late (-20) and broke its promise (-10).
    assert_eq!(seat("ian").comms, -10);
    assert_eq!(seat("cora").comms, -30);
    // The decisions dimension is its base (50: the scenario knows a helpful command) plus what
    // the seats' commands earned; communication is 100 less what was charged to commands and
    // what no command did (the severity's fit over time).
    let dim = |n: &str| d.score.dimensions.iter().find(|x| x.name == n).unwrap().score.cast_signed();
    let total = |f: fn(&firedrill::score::SeatSummary) -> i32| d.seats.iter().map(f).sum::<i32>();
    assert_eq!(dim("decisions"), 50 + total(|s| s.decisions));
    let unattributed: i32 = d
        .score
        .dimensions
        .iter()
        .find(|x| x.name == "communication")
        .unwrap()
        .reasons
        .iter()
        .filter(|r| r.contains("severity off by"))
        .map(|r| r.rsplit("(-").next().unwrap().trim_end_matches(')').parse::<i32>().unwrap())
        .sum();
    assert_eq!(dim("communication"), 100 + total(|s| s.comms) - unattributed);
    // A solo run has no seats, and its debrief says nothing of them.
    let solo = play(spec.sim.clone(), spec.default_seed, &[], None);
    let d = debrief(&spec, &Evidence::from_sim(&solo));
    assert!(d.seats.is_empty());
    assert!(!serde_json::to_string(&d).unwrap().contains("seats"));
    assert!(!firedrill::report::markdown(&d).contains("Who did what"));
}
