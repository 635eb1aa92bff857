//! Same scenario, seed and commands → the same run, byte for byte; another seed → other
//! traffic. Checked for every shipped scenario, and for advancing in many small steps versus
//! one (the game advances frame by frame, the headless runner in one go). And the state
//! checksum that lockstep drills compare: equal for equal runs however they were stepped,
//! different once a seed or a command differs.

use firedrill::sim::{Command, Dur, Sim, SimTime, TimedCommand, play};

fn fingerprint(sim: &Sim) -> String {
    let logs: Vec<_> = sim.logs().lines().iter().collect();
    format!(
        "{}\n{}\n{}\n{}",
        serde_json::to_string(sim.windows()).unwrap(),
        serde_json::to_string(sim.events()).unwrap(),
        serde_json::to_string(&logs).unwrap(),
        serde_json::to_string(sim.traces()).unwrap()
    )
}

fn commands_for(id: &str) -> Vec<TimedCommand> {
    let path = format!("{}/tests/paths/{id}/expert.ron", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    firedrill::scenario::parse_commands(&path, &text).unwrap()
}

#[test]
fn every_shipped_scenario_replays_identically_and_depends_on_the_seed() {
    for id in firedrill::scenario::builtin_ids() {
        let spec = firedrill::scenario::builtin(id).unwrap().unwrap();
        let until = Some(SimTime::from_secs(8 * 60));
        let cmds = commands_for(id);
        let a = play(spec.sim.clone(), spec.default_seed, &cmds, until);
        let b = play(spec.sim.clone(), spec.default_seed, &cmds, until);
        assert_eq!(fingerprint(&a), fingerprint(&b), "{id}: two runs differ");
        let c = play(spec.sim.clone(), spec.default_seed + 1, &cmds, until);
        assert_ne!(
            serde_json::to_string(a.windows()).unwrap(),
            serde_json::to_string(c.windows()).unwrap(),
            "{id}: another seed should give other traffic"
        );
        // Every command up to the stop is submitted (an expert path goes on past 8 minutes).
        let due = cmds.iter().filter(|c| Some(c.at) <= until).count();
        assert_eq!(a.commands().len(), due, "{id}");
    }
}

#[test]
fn advancing_in_small_uneven_steps_equals_one_big_step() {
    let spec = firedrill::scenario::builtin("payments-outage").unwrap().unwrap();
    let cmds = commands_for("payments-outage");
    let end = SimTime::from_secs(7 * 60);
    let whole = play(spec.sim.clone(), 5, &cmds, Some(end));
    let mut stepped = Sim::new(spec.sim.clone(), 5);
    let mut next = cmds.iter().peekable();
    let mut t = 0u64;
    let mut step = 1u64;
    while t < end.0 {
        // Frame-like steps of 1 µs to ~0.3 s, applying each command when its time comes.
        step = (step * 7919 + 13) % 300_000 + 1;
        t = (t + step).min(end.0);
        while let Some(c) = next.peek().filter(|c| c.at.0 <= t) {
            stepped.advance_to(c.at);
            stepped.submit(c.command.clone()).unwrap();
            next.next();
        }
        stepped.advance_to(SimTime(t));
    }
    assert_eq!(fingerprint(&whole), fingerprint(&stepped));
}

/// Marks at which the checksum tests compare: every 10 s for 5 sim minutes.
const MARKS: std::ops::RangeInclusive<u64> = 1..=30;
const EVERY_S: u64 = 10;

/// friday-deploy with `seed` and `commands` (each applied at its time), advanced in frames of
/// at most `frame`, reading the checksum every frame: the checksum at each mark, and the run.
fn checksums(seed: u64, commands: &[TimedCommand], frame: Dur) -> (Vec<u64>, Sim) {
    let spec = firedrill::scenario::builtin("friday-deploy").unwrap().unwrap();
    let mut sim = Sim::new(spec.sim, seed);
    let mut next = commands.iter().peekable();
    let mut sums = Vec::new();
    for k in MARKS {
        let mark = SimTime::from_secs(k * EVERY_S);
        while sim.now() < mark {
            let t = (sim.now() + frame).min(mark);
            while let Some(c) = next.next_if(|c| c.at <= t) {
                sim.advance_to(c.at);
                // A rejected command is recorded with its reason, as in `play`.
                let _ = sim.submit(c.command.clone());
            }
            sim.advance_to(t);
            std::hint::black_box(sim.checksum());
        }
        assert_eq!(sim.now(), mark);
        sums.push(sim.checksum());
    }
    (sums, sim)
}

#[test]
fn the_checksum_is_the_same_for_the_same_run_however_it_was_stepped() {
    let cmds = commands_for("friday-deploy");
    let seed = 7;
    let (whole, a) = checksums(seed, &cmds, Dur::from_secs(EVERY_S));
    let (framed, b) = checksums(seed, &cmds, Dur(16_667));
    let (uneven, _) = checksums(seed, &cmds, Dur(1_000_007));
    assert_eq!(whole, framed, "10 s steps and 60 fps frames");
    assert_eq!(whole, uneven, "10 s steps and 1.000007 s steps");
    assert!(a.commands().len() >= 3, "the expert's first commands are in the first 5 minutes");
    // Reading the checksum every frame changed nothing: the same run as the headless one.
    let until = Some(SimTime::from_secs(EVERY_S * MARKS.end()));
    let spec = firedrill::scenario::builtin("friday-deploy").unwrap().unwrap();
    let headless = play(spec.sim, seed, &cmds, until);
    assert_eq!(fingerprint(&b), fingerprint(&headless));
    assert_eq!(b.checksum(), headless.checksum());
}

#[test]
fn the_checksum_differs_for_another_seed_at_every_mark() {
    let cmds = commands_for("friday-deploy");
    let (a, _) = checksums(7, &cmds, Dur::from_secs(EVERY_S));
    let (b, _) = checksums(8, &cmds, Dur::from_secs(EVERY_S));
    for (k, (x, y)) in MARKS.zip(a.iter().zip(&b)) {
        assert_ne!(x, y, "seeds 7 and 8 at {} s", k * EVERY_S);
    }
}

#[test]
fn one_different_command_changes_the_checksum_from_then_on() {
    let cmds = commands_for("friday-deploy");
    let scale_at = SimTime::from_secs(60);
    let mut more = cmds.clone();
    more.push(TimedCommand { by: None, at: scale_at, command: Command::Scale { service: "api".into(), instances: 8 } });
    more.sort_by_key(|c| c.at);
    let (a, _) = checksums(7, &cmds, Dur::from_secs(EVERY_S));
    let (b, sim) = checksums(7, &more, Dur(16_667));
    let scale = sim.commands().iter().find(|r| r.at == scale_at).expect("the Scale is recorded");
    assert!(scale.rejected.is_none(), "the Scale is accepted: {:?}", scale.rejected);
    for (k, (x, y)) in MARKS.zip(a.iter().zip(&b)) {
        let mark = SimTime::from_secs(k * EVERY_S);
        if mark < scale_at {
            assert_eq!(x, y, "before the Scale, at {} s", k * EVERY_S);
        } else {
            assert_ne!(x, y, "once api is scaled, at {} s", k * EVERY_S);
        }
    }
}
