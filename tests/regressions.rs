//! Bugs a scenario author found in rollouts, restarts, cache warm-ups and the engine's work per
//! command (issue 8 §4). Each test was written first and failed on the code it describes.

#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_within, fill, header, run_with, spec};
use firedrill::sim::{Command, Dur, EventKind, InstState, SimTime, TimedCommand, play};

fn at(t: &str, command: Command) -> TimedCommand {
    TimedCommand { by: None, at: SimTime(ron::from_str::<Dur>(&format!("\"{t}\"")).unwrap().0), command }
}

/// memory-leak with less memory per request: instances crash less often, so a rolling restart
/// is still running (with crashed and starting instances of its own) when the rollback starts.
fn memory_leak_light() -> String {
    let text = firedrill::scenario::BUILTIN.iter().find(|b| b.0 == "memory-leak").unwrap().2;
    let light = text.replace("per_request_mb: 4)", "per_request_mb: 1.5)");
    assert_ne!(light, text, "the scenario changed: update this test's edit");
    light
}

#[test]
fn a_rollout_started_over_another_brings_the_fleet_back_to_the_desired_count() {
    // Repro from the scenario author: a rolling restart of orders at 7m, then a rollback at
    // 10m30s. Starting the rollback stops the restart's instances that are not serving yet
    // (crashed ones included); the rollback must still end with six instances, not three.
    let spec = spec(&memory_leak_light());
    let cmds = [
        at("7m", Command::Restart { service: "orders".into(), instance: None, all_at_once: false }),
        at("10m30s", Command::Rollback { service: "orders".into() }),
    ];
    let sim = play(spec, 1138, &cmds, None);
    let live: Vec<_> = sim.instances(0).into_iter().filter(|x| x.state != InstState::Stopped).collect();
    let on_374 = live.iter().filter(|x| x.version == "3.7.4").count();
    assert_eq!(live.len(), 6, "the fleet must come back to 6 instances: {live:?}");
    assert_eq!(on_374, 6, "all of them on 3.7.4 after the rollback: {live:?}");
    let last = sim.windows().last().unwrap();
    assert_eq!(last.services[0].instances.in_rotation, 6, "and all six serving at the end");
    assert!(
        sim.events().iter().any(|e| matches!(&e.kind, EventKind::DeployFinished { version, .. } if version == "3.7.4")),
        "the rollback finishes"
    );
}

#[test]
fn a_players_restart_resets_the_crash_loop_back_off() {
    // Three crashes of api-1 climb the back-off to 0, 10 and 20 s. A restart by the player is a
    // new process (Kubernetes: a new pod), so the next crash restarts at once again.
    let text = fill(
        r#"Scenario(
    $header
    length: "6m",
    traffic: (base_rps: 20),
    services: { "api": (instances: 2, startup: "5s", endpoints: [(name: "get", plan: [Cpu(Exp("2ms"))])]) },
    timeline: [
        (at: "30s", fault: InstanceCrash(service: "api", instance: 1)),
        (at: "1m30s", fault: InstanceCrash(service: "api", instance: 1)),
        (at: "2m30s", fault: InstanceCrash(service: "api", instance: 1)),
        (at: "4m30s", fault: InstanceCrash(service: "api", instance: 1)),
    ],
)"#,
        &[("header", &header())],
    );
    let cmds = [at("3m30s", Command::Restart { service: "api".into(), instance: Some(1), all_at_once: false })];
    let sim = run_with(&text, 1, &cmds);
    let crashes: Vec<SimTime> = sim
        .events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::InstanceCrashed { instance, .. } if instance == "api-1"))
        .map(|e| e.t)
        .collect();
    let waits: Vec<u64> = crashes
        .iter()
        .filter_map(|t| {
            sim.events().iter().find_map(|e| match &e.kind {
                EventKind::InstanceRestarting { instance, after, .. } if instance == "api-1" && e.t == *t => {
                    Some(after.0 / 1_000_000)
                }
                _ => None,
            })
        })
        .collect();
    assert_eq!(waits, vec![0, 10, 20, 0], "back-off (s) after each crash of api-1 at {crashes:?}");
}

/// One service reading through a cache from a database that a test can slow down or take
/// away; the cache is flushed at 10 s and warmed by the player at 20 s.
fn warm_up(fault: &str) -> String {
    fill(
        r#"Scenario(
    $header
    length: "10m",
    traffic: (base_rps: 1),
    services: {
        "api": (instances: 1, endpoints: [(name: "get", plan: [Cache(name: "c", miss: [Db()])])]),
    },
    database: (cores: 10, max_connections: 100, query: Const("10ms")),
    caches: { "c": (hit_ratio: 0.9, keys: 1000000) },
    timeline: [(at: "10s", fault: CacheFlush(cache: "c")) $fault],
)"#,
        &[("header", &header()), ("fault", &fault)],
    )
}

/// When the warm-up took the cache to (nearly) full warmth: the first window at 99 %.
fn warm_at(sim: &firedrill::sim::Sim) -> Option<f64> {
    sim.windows().iter().find(|w| w.t > 20 && w.caches[0].warmth >= 0.99).map(|w| f64::from(w.t))
}

#[test]
fn a_cache_warm_up_needs_the_database_to_answer() {
    let cmds = [at("20s", Command::WarmCache { cache: "c".into() })];
    // Idle database: the warm-up takes its nominal minute (it starts when the command takes
    // effect, 15 s after it is given).
    let idle = run_with(&warm_up(""), 1, &cmds);
    let idle_at = warm_at(&idle).expect("an idle database warms the cache");
    assert_within("warm-up on an idle database (s after it started)", idle_at - 35.0, 55.0, 66.0);
    // Every query four times slower: the loader's queries take four times as long, so the
    // warm-up takes four minutes.
    let slow = run_with(&warm_up(r#", (at: "0s", fault: SlowQueries(factor: 4.0))"#), 1, &cmds);
    let slow_at = warm_at(&slow).expect("a slow database still warms the cache, slowly");
    assert_within("warm-up with 4x slower queries (s)", slow_at - 35.0, 4.0 * 55.0, 4.0 * 66.0);
    // No database: nothing is loaded.
    let down = run_with(&warm_up(r#", (at: "0s", fault: DatabaseDown)"#), 1, &cmds);
    let warmth = down.windows().last().unwrap().caches[0].warmth;
    assert!(warmth < 0.01, "with the database down the warm-up loads nothing, warmth {warmth}");
}

/// `n` legal Scale commands spread over friday-deploy's 20 minutes, between 1 and 12 instances.
fn scale_commands(n: usize) -> Vec<TimedCommand> {
    let mut x: u64 = 1;
    (0..n)
        .map(|k| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let instances = (x >> 33) as u32 % 12 + 1;
            let t = 1_000_000 + k as u64 * 1_190_000_000 / n as u64;
            TimedCommand { by: None, at: SimTime(t), command: Command::Scale { service: "api".into(), instances } }
        })
        .collect()
}

#[test]
fn the_work_per_scale_command_does_not_grow_with_the_commands_before_it() {
    // 10,000 Scale commands took 7.1 s against 0.96 s for 4,000 (issue 10 §5): every loop over
    // a service's instances also visited every instance ever stopped. Counted, not timed: the
    // instance visits of the engine's loops must grow linearly with the number of commands.
    let spec = firedrill::scenario::builtin("friday-deploy").unwrap().unwrap();
    let visits = |n: usize| {
        let sim = play(spec.sim.clone(), spec.default_seed, &scale_commands(n), None);
        assert_eq!(sim.commands().iter().filter(|c| c.rejected.is_none()).count(), n, "every command is legal");
        sim.work().instance_visits as f64
    };
    let (few, many) = (visits(4_000), visits(10_000));
    println!("instance visits: {few} for 4,000 commands, {many} for 10,000");
    assert_within("instance visits, 10,000 commands / 4,000", many / few, 1.0, 2.5 * 1.2);
}
