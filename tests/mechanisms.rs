//! The mechanisms of issue 8, each shown in isolation by a small scenario in
//! `tests/mechanisms/` and checked against its published result or stated semantics.

// Counts become f64 for sums and ratios; compared exactly, they are whole numbers well below 2⁵².
#![allow(clippy::cast_precision_loss, clippy::float_cmp, clippy::cast_possible_truncation)]

mod common;

use common::{assert_within, spec};
use firedrill::sim::observe::events::ClearCause;
use firedrill::sim::{Category, Component, EventKind, Metric, MetricRef, Sim, SimTime, TimedCommand, Window, play};

/// The scenario `tests/mechanisms/NAME.ron`, validated.
fn mechanism(name: &str) -> std::sync::Arc<firedrill::sim::SimSpec> {
    let path = format!("{}/tests/mechanisms/{name}.ron", env!("CARGO_MANIFEST_DIR"));
    spec(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn run(name: &str, seed: u64, commands: &[TimedCommand]) -> Sim {
    play(mechanism(name), seed, commands, None)
}

/// Sum of a per-window count over windows `[from, to)` (seconds).
fn sum(sim: &Sim, from: u32, to: u32, f: impl Fn(&Window) -> f64) -> f64 {
    sim.windows().iter().filter(|w| w.t >= from && w.t < to).map(f).sum()
}

fn metric(w: &Window, component: Component, metric: Metric) -> f64 {
    w.value(MetricRef { component, metric }).unwrap_or(0.0)
}

#[test]
fn error_injection_on_a_service_counts_its_failures_in_its_own_metrics() {
    let sim = run("error-injection", 1, &[]);
    let api = Component::Service(0);
    let requests = sum(&sim, 60, 120, |w| metric(w, api, Metric::Rps));
    let errors = sum(&sim, 60, 120, |w| metric(w, api, Metric::Errors));
    let edge = sum(&sim, 60, 120, |w| metric(w, Component::Edge, Metric::Rps));
    // Every user request reaches an api instance: api sees the offered load, not the 70 % that
    // got through.
    assert_within("api requests / edge requests, 1m-2m", requests / edge, 0.995, 1.005);
    // Binomial: 12,000 requests at p = 0.3 have σ = 0.0042 on the fraction; ±0.015 is 3.5 σ.
    assert_within("api error rate under ErrorInjection(0.3)", errors / requests, 0.285, 0.315);
    let before = sum(&sim, 0, 60, |w| metric(w, api, Metric::Errors));
    assert!(before == 0.0, "no errors before the fault: {before}");
    let _ = SimTime::ZERO;
}

/// (opened, closed) transition times of the first breaker, in order.
fn breaker_cycles(sim: &Sim) -> Vec<(SimTime, bool)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BreakerOpened { .. } => Some((e.t, true)),
            EventKind::BreakerClosed { .. } => Some((e.t, false)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_hystrix_breaker_decides_at_each_health_snapshot() {
    // Each time the breaker closes, calls flow until a completed snapshot bucket holds the
    // errors: the breaker re-opens within one snapshot interval, plus up to one more when the
    // bucket it closed in is too short to hold min_volume (20) calls (0.1 s at 200 rps). The
    // closes are phase-locked to the snapshot clock (open_for is a multiple of it and a trial
    // takes 5 ms), so each closed spell lasts nearly a whole snapshot.
    let text = std::fs::read_to_string(format!("{}/tests/mechanisms/breaker-snapshot.ron", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let mut means = Vec::new();
    for (snapshot, secs) in [("100ms", 0.1_f64), ("500ms", 0.5), ("1s", 1.0)] {
        let sim = play(spec(&text.replace("snapshot: \"500ms\"", &format!("snapshot: \"{snapshot}\""))), 7, &[], None);
        let cycles = breaker_cycles(&sim);
        let closed: Vec<f64> =
            cycles.windows(2).filter(|w| !w[0].1 && w[1].1).map(|w| w[1].0.since(w[0].0).secs_f64()).collect();
        assert!(closed.len() >= 20, "snapshot {snapshot}: the breaker must cycle, got {cycles:?}");
        let max = closed.iter().copied().fold(0.0, f64::max);
        let mean = closed.iter().sum::<f64>() / closed.len() as f64;
        println!("snapshot {snapshot}: {} cycles, closed for {mean:.3} s on average, at most {max:.3} s", closed.len());
        assert_within(&format!("longest closed spell, snapshot {snapshot} (s)"), max, 0.0, secs + 0.15);
        means.push(mean);
    }
    assert!(means[0] < means[1] && means[1] < means[2], "shorter snapshots let less through: {means:?}");
}

#[test]
fn a_count_based_breaker_opens_at_half_of_the_last_100_calls_and_its_trials_decide() {
    let sim = run("breaker-count", 3, &[]);
    let cycles = breaker_cycles(&sim);
    let opened = cycles.first().expect("the breaker opens").0;
    assert_within("open after onset at 60 s (s)", opened.secs_f64() - 60.0, 0.0, 1.0);
    // 100 successes in the window at onset: the 50th failure makes 50 %. Tries already on the
    // wire when it opens (2 ms each at 100 rps) may still fail after it.
    let failed = sum(&sim, 60, 61, |w| f64::from(w.deps[0][0].red.e5xx));
    assert_within("failed tries before the breaker opened", failed, 50.0, 52.0);
    // Half-open every 10 s while psp is down: ten trials, all failing, re-open it; the first
    // half-open after 90 s closes it.
    let half_open: Vec<SimTime> =
        sim.events().iter().filter(|e| matches!(e.kind, EventKind::BreakerHalfOpen { .. })).map(|e| e.t).collect();
    assert!(half_open.len() >= 3, "half-open spells: {half_open:?}");
    let closed = cycles.iter().find(|c| !c.1).expect("the breaker closes after psp recovers").0;
    assert!(closed.secs_f64() > 90.0 && closed.secs_f64() < 102.0, "closed at {closed:?}");
    let trials_before_close =
        sum(&sim, closed.whole_secs() as u32, closed.whole_secs() as u32 + 1, |w| f64::from(w.deps[0][0].red.ok));
    assert!(trials_before_close >= 10.0, "ten trials before it closes");
}

#[test]
fn work_served_after_the_caller_gave_up_is_counted_and_deadlines_stop_it_piling_up() {
    let sim = run("abandoned-work", 1, &[]);
    let api = |w: &Window| w.services[0].clone();
    // Once the queue wait passes 1 s (after about 3 s), each of the 100 requests served per
    // second was abandoned; Const service times make it exact, give or take the one running
    // across a window boundary.
    for w in sim.windows().iter().filter(|w| (10..59).contains(&w.t)) {
        assert_within(&format!("abandoned_done at {} s", w.t), f64::from(api(w).abandoned_done), 99.0, 101.0);
    }
    // The queue holds about 50·t; all but the last second's 150 arrivals have given up.
    // Poisson arrivals: σ ≈ √(150·t) ≈ 95 at 60 s.
    let end = &sim.windows()[59];
    let expected = 50.0 * 60.0 - 150.0;
    assert_within("abandoned requests at 60 s", f64::from(api(end).abandoned), expected - 300.0, expected + 300.0);
    let json = firedrill::report::whole_run::whole_run(&sim);
    assert!(json.services[0].abandoned_done > 4_500, "whole run: {:?}", json.services[0]);

    // Deadline propagation: a queued request whose deadline has passed is skipped when it
    // reaches the head of the queue, so almost none wait on for nobody. Those served are the
    // oldest, started just before their deadline: one whose 10 ms runs past it is still
    // served for nobody (a deadline is checked between steps), so the worker stays busy with
    // served requests, useful or not — the case for LIFO under overload.
    let text = std::fs::read_to_string(format!("{}/tests/mechanisms/abandoned-work.ron", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .replace("deadlines: false", "deadlines: true");
    let with = play(spec(&text), 1, &[], None);
    let most_waiting = with.windows().iter().map(|w| w.services[0].abandoned).max().unwrap_or(0);
    assert!(most_waiting <= 10, "with deadlines the expired requests do not pile up: {most_waiting}");
    let ok = sum(&with, 10, 59, |w| f64::from(w.services[0].red.ok)) / 49.0;
    let wasted = sum(&with, 10, 59, |w| f64::from(w.services[0].abandoned_done)) / 49.0;
    println!("with deadlines: {ok:.1} useful and {wasted:.1} abandoned requests served per second");
    assert_within("requests served per second with deadlines", ok + wasted, 98.0, 100.5);
}

#[test]
fn queue_wait_percentiles_agree_with_m_m_1() {
    // M/M/1 at ρ = 0.8 (S = 10 ms, λ = 80/s): P(Wq > t) = ρ·e^{−(μ−λ)t}, so the p99 wait is
    // ln(ρ/0.01)/(μ−λ) = 219 ms and the p90 ln(8)/20 = 104 ms. Three hours: 864,000 requests.
    let text = common::queue(80.0, 1, 1, r#"Exp("10ms")"#, "3h");
    let sim = play(spec(&text), 4, &[], None);
    let whole = firedrill::report::whole_run::whole_run(&sim);
    let q = &whole.services[0].queue_wait_ms;
    common::assert_rel("whole-run queue wait p99 (ms)", q.p99, (0.8f64 / 0.01).ln() / 20.0 * 1000.0, 0.05);
    common::assert_rel("whole-run queue wait p90 (ms)", q.p90, 8f64.ln() / 20.0 * 1000.0, 0.05);
    // Little's law on the time integral: L = λW, with W = S/(1−ρ) = 50 ms.
    common::assert_rel("requests in the system, run average", whole.services[0].in_system_mean, 80.0 * 0.05, 0.05);
    // The per-window averages are the same integral cut into seconds.
    let mean_of_windows =
        sim.windows().iter().map(|w| f64::from(w.services[0].in_system)).sum::<f64>() / sim.windows().len() as f64;
    common::assert_rel("mean of the per-window in_system", mean_of_windows, whole.services[0].in_system_mean, 0.001);
}

fn at(t: &str, command: firedrill::sim::Command) -> TimedCommand {
    TimedCommand {
        by: None,
        at: SimTime(ron::from_str::<firedrill::sim::Dur>(&format!("\"{t}\"")).unwrap().0),
        command,
    }
}

/// The time and cause of the first clear of the entry labelled `label`.
fn cleared(sim: &Sim, label: &str) -> Option<(SimTime, ClearCause)> {
    sim.events().iter().find_map(|e| match &e.kind {
        EventKind::FaultCleared { label: l, cause, .. } if l == label => Some((e.t, cause.clone()?)),
        _ => None,
    })
}

fn started(sim: &Sim, label: &str) -> bool {
    sim.events().iter().any(|e| matches!(&e.kind, EventKind::FaultStarted { label: l, .. } if l == label))
}

#[test]
fn others_actions_show_with_who_did_them_and_a_harmless_one_is_no_fault() {
    let cmds = [at("4m", firedrill::sim::Command::SetFlag { flag: "new-ranking".into(), on: false })];
    let sim = run("others-actions", 2, &cmds);
    let changes: Vec<(SimTime, String, String)> = sim
        .events()
        .iter()
        .filter(|e| !e.hidden && matches!(e.kind.category(), Category::Change(_)))
        .filter_map(|e| Some((e.t, e.kind.actor()?.to_string(), e.kind.describe())))
        .collect();
    let by =
        |who: &str| changes.iter().find(|c| c.1 == who).unwrap_or_else(|| panic!("no change by {who}: {changes:?}"));
    assert_eq!(by("search team").0, SimTime::from_secs(60));
    assert_eq!(by("growth team").2, "flag new-ranking on by growth team");
    assert_eq!(by("sam").2, "sam ran `jmap -dump:live pid 1` on api-2");
    // The harmless deploy is no trouble: no fault starts for it, so the onset is the flag.
    assert!(!started(&sim, "search release"), "a change is not a fault");
    let onset = sim.events().iter().find(|e| matches!(e.kind, EventKind::FaultStarted { .. })).map(|e| e.t);
    assert_eq!(onset, Some(SimTime::from_secs(120)), "trouble starts with the flag flip");
    assert!(sim.events().iter().any(
        |e| matches!(&e.kind, EventKind::InstanceCrashed { instance, why, .. } if instance == "api-2" && why.contains("killed by sam"))
    ));
    // The flag flip lasts until the flag is off again: the player's SetFlag takes effect at
    // 4m5s, and the fault clears at the window close of that instant, as fixed.
    let (t, cause) = cleared(&sim, "ranking flag").expect("the flag flip clears");
    assert_eq!(cause, ClearCause::Fixed);
    assert_eq!(t, SimTime::from_secs(245));
    let api_errors = |from, to| {
        sum(&sim, from, to, |w| metric(w, Component::Service(0), Metric::Errors))
            / sum(&sim, from, to, |w| f64::from(w.services[0].red.ok + w.services[0].red.errors()))
    };
    assert_within("api error rate with the flag on", api_errors(125, 175), 0.17, 0.23);
    assert_within("api error rate after", api_errors(250, 350), 0.0, 0.005);
}

#[test]
fn a_capacity_removal_stays_until_the_capacity_is_back_in_rotation() {
    let cmds = [at("2m", firedrill::sim::Command::Scale { service: "index".into(), instances: 10 })];
    let sim = run("capacity-removal", 1, &cmds);
    let change = sim
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::CapacityChanged { from, to, by, intended, .. } => {
                Some((e.t, *from, *to, by.clone(), intended.clone()))
            }
            _ => None,
        })
        .expect("the removal shows in the changes list");
    assert_eq!(change, (SimTime::from_secs(60), 10, 2, "s3-oncall".into(), "remove 2 billing hosts".into()));
    let ready = |t: usize| sim.windows()[t].services[1].instances.in_rotation;
    assert_eq!(ready(90), 2, "the removed hosts do not come back by themselves");
    // Scale takes effect at 2m15s; 8 instances start (20 s) and pass two checks 5 s apart.
    let (t, cause) = cleared(&sim, "removal").expect("the removal clears once capacity is back");
    assert_eq!(cause, ClearCause::Fixed);
    let back = (0..sim.windows().len()).find(|&k| k > 135 && ready(k) == 10).expect("all ten in rotation") as u64;
    assert!(t.whole_secs() >= 155 && t.whole_secs() <= back + 2, "cleared at {t:?}, capacity back at {back} s");
}

#[test]
fn pathological_input_costs_its_cpu_and_a_health_check_on_that_page_empties_the_rotation() {
    use firedrill::sim::Command;
    let sim = run("pathological-input", 3, &[]);
    let web = Component::Service(0);
    // Every home page request takes the path: 10 % of 200 rps = 20/s, each 1.5 s of CPU (30
    // of the 64 cores). The checks on the home page take 1.5 s against a 1 s timeout. Counted
    // over the 4 s before the servers start leaving rotation (Poisson: ±2.2/s).
    let patho = sum(&sim, 60, 64, |w| metric(w, web, Metric::Pathological)) / 4.0;
    assert_within("pathological requests per second (20 expected)", patho, 14.0, 26.0);
    let out_at = sim.windows().iter().find(|w| w.t > 60 && w.services[0].instances.in_rotation == 0).map(|w| w.t);
    println!("every web server out of rotation at {out_at:?} s");
    assert!(out_at.is_some_and(|t| t < 90), "the deep check on the home page takes every server out: {out_at:?}");
    assert!(sum(&sim, 60, 90, |w| metric(w, web, Metric::HealthFailures)) > 20.0);
    // Point the check at the cheap health endpoint: instances come back, though home stays slow.
    let fix = [at(
        "2m",
        Command::SetHealthCheck {
            service: "web".into(),
            endpoint: Some("health".into()),
            lane: None,
            interval: None,
            timeout: None,
            unhealthy_after: None,
            healthy_after: None,
            enabled: None,
        },
    )];
    let fixed = run("pathological-input", 3, &fix);
    let back = fixed.windows().iter().find(|w| w.t > 130 && w.services[0].instances.in_rotation == 4).map(|w| w.t);
    println!("all four back in rotation at {back:?} s after the check moved at 2m10s");
    assert!(back.is_some_and(|t| t < 160), "the shallow check lets them back: {back:?}");
    let ok_after =
        sum(&fixed, 200, 300, |w| f64::from(w.edge.red.ok)) / sum(&fixed, 200, 300, |w| f64::from(w.edge.red.requests));
    println!("edge success after the fix: {ok_after:.4} (home pages still take 1.5 s of CPU each)");
    assert!(ok_after > 0.99, "every page is served again, the home page slowly: {ok_after}");
}

#[test]
fn a_poison_request_crashes_an_instance_on_every_try() {
    let sim = run("poison-request", 5, &[]);
    let poisoned = sum(&sim, 30, 180, |w| metric(w, Component::Service(0), Metric::Pathological));
    let crashes: Vec<(SimTime, String)> = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::InstanceCrashed { instance, why, .. } if why.contains("poison request") => {
                Some((e.t, instance.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(crashes.len() as f64, poisoned, "every poisoned try crashed the instance that took it");
    // One poison request and its two retries (no backoff): three crashes 1 ms apart (the
    // pathological CPU), on three different instances, then nothing until the next one.
    let mut bursts: Vec<Vec<&(SimTime, String)>> = Vec::new();
    for c in &crashes {
        match bursts.last_mut() {
            Some(b) if c.0.since(b.last().unwrap().0).0 < 50_000 => b.push(c),
            _ => bursts.push(vec![c]),
        }
    }
    println!("{} poison requests, {} crashes", bursts.len(), crashes.len());
    assert!(bursts.len() >= 3, "some poison requests: {crashes:?}");
    for b in &bursts {
        let mut hosts: Vec<&str> = b.iter().map(|c| c.1.as_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        assert_eq!((b.len(), hosts.len()), (3, 3), "one crash per try, each on another instance: {b:?}");
    }
}

#[test]
fn a_health_check_on_its_own_lane_does_not_wait_behind_requests() {
    let text =
        std::fs::read_to_string(format!("{}/tests/mechanisms/health-lane.ron", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let in_rotation = |lane: &str| {
        let sim = play(spec(&text.replace("lane: Shared", &format!("lane: {lane}"))), 1, &[], None);
        sim.windows().iter().filter(|w| w.t >= 60).map(|w| w.services[0].instances.in_rotation).min().unwrap_or(0)
    };
    assert_eq!(in_rotation("Shared"), 0, "checks in the saturated queue time out");
    assert_eq!(in_rotation("Separate"), 2, "checks on their own lane still pass");
}

#[test]
fn a_fix_clears_its_fault_once_it_has_taken_effect_and_only_if_its_parameters_match() {
    use firedrill::sim::{Command, Dur};
    let cmds = [
        at("1m", Command::Deploy { service: "web".into(), version: "w2".into() }),
        at("1m", Command::Scale { service: "web".into(), instances: 8 }),
        at("2m", Command::SetTimeout { service: "web".into(), dependency: "cdn".into(), timeout: Dur::from_secs(2) }),
        at(
            "3m",
            Command::SetTimeout { service: "web".into(), dependency: "cdn".into(), timeout: Dur::from_millis(300) },
        ),
        at("4m", Command::Scale { service: "web".into(), instances: 6 }),
    ];
    let sim = run("fix-takes-effect", 1, &cmds);
    let finished = sim
        .events()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::DeployFinished { version, .. } if version == "w2"))
        .map(|e| e.t)
        .expect("the rollout of w2 finishes");
    // The deploy takes effect at 1m30s; the fault clears when its rollout has replaced the
    // instances, not then (before issue 8: 30 s after the command).
    let (post, cause) = cleared(&sim, "bad post").expect("the hotfix clears the bad post");
    println!("deploy of w2 takes effect at 1m30s, its rollout finishes at {finished}; bad post cleared at {post}");
    assert_eq!(post, finished, "cleared by the deploy when its rollout finished");
    assert!(post > SimTime::from_secs(150), "a rollout of 6-8 instances, 2 at a time, takes minutes");
    assert!(matches!(cause, ClearCause::Command { command: Command::Deploy { .. } }), "{cause:?}");
    // clear_when: once no instance runs w1 — the last ones drain after the rollout finishes.
    let (search, cause) = cleared(&sim, "bad search").expect("the condition clears the bad search");
    assert_eq!(cause, ClearCause::Condition);
    assert!(search >= finished && search.since(finished) <= Dur::from_secs(32), "{search} vs {finished}");
    // Scaling up does not clear the neighbour; scaling down does, once the surplus is gone.
    let (neighbour, cause) = cleared(&sim, "neighbour").expect("scaling down clears the neighbour");
    assert!(neighbour >= SimTime::from_secs(255), "not the scale-up at 1m15s: {neighbour}");
    assert!(matches!(cause, ClearCause::Command { command: Command::Scale { instances: 6, .. } }), "{cause:?}");
    // A 2 s timeout does not match `below: 500`; 300 ms does, when it is applied (20 s).
    let (cdn, cause) = cleared(&sim, "slow cdn").expect("the short timeout clears the slow cdn");
    assert_eq!(cdn, SimTime::from_secs(200));
    assert!(matches!(cause, ClearCause::Command { command: Command::SetTimeout { .. } }), "{cause:?}");
}

#[test]
fn one_instance_on_old_code_behind_a_reused_flag_multiplies_the_child_orders() {
    use firedrill::sim::Command;
    let sim = run("version-skew", 1, &[at("2m", Command::SetFlag { flag: "rlp".into(), on: false })]);
    let smars = Component::Service(0);
    let per_parent = |from, to| {
        sum(&sim, from, to, |w| metric(w, Component::Database, Metric::Rps))
            / sum(&sim, from, to, |w| f64::from(w.services[0].red.ok))
    };
    // Round robin over 8 instances: exactly one parent in 8 reaches pre-rlp.
    assert_within("child orders per parent order, skewed", per_parent(10, 110), 12.25 * 0.97, 12.25 * 1.03);
    assert_eq!(metric(&sim.windows()[60], smars, Metric::Versions), 2.0, "two versions in rotation");
    assert_within("child orders per parent, rlp off", per_parent(130, 230), 0.99, 1.01);
    // Power Peg's orders repeat a side effect (the parent was filled): duplicates, 90 per parent
    // that reached pre-rlp, none once the flag is off.
    let dups_per_parent = |from, to| {
        sum(&sim, from, to, |w| f64::from(w.integrity().duplicates))
            / sum(&sim, from, to, |w| f64::from(w.services[0].red.ok))
    };
    assert_within("repeated child orders per parent, skewed", dups_per_parent(10, 110), 11.25 * 0.97, 11.25 * 1.03);
    assert!(dups_per_parent(130, 230) == 0.0, "no repeats with rlp off");
    assert!(sum(&sim, 10, 110, |w| f64::from(w.deps[0][0].duplicates)) > 0.0, "counted on smars->db");
}

#[test]
fn a_deploy_that_misses_a_server_says_so_and_a_version_without_keys_duplicates_charges() {
    use firedrill::sim::Command;
    let sim = run("partial-deploy", 2, &[at("3m30s", Command::Deploy { service: "api".into(), version: "v2".into() })]);
    let incomplete = sim.events().iter().find_map(|e| match &e.kind {
        EventKind::DeployIncomplete { version, updated, total, .. } => Some((version.clone(), *updated, *total)),
        _ => None,
    });
    assert_eq!(incomplete, Some(("v2".into(), 3, 4)), "3 of 4 instances updated");
    let on_v2 = |t: usize| sim.windows()[t].services[0].versions.clone();
    assert_eq!(on_v2(200), vec![("v1".to_string(), 1), ("v2".to_string(), 3)], "api-3 still runs v1");
    // The player's deploy finishes the job: the deploy replaces every instance not on v2.
    assert_eq!(on_v2(299), vec![("v2".to_string(), 4)]);
    let dups = |from, to| sum(&sim, from, to, |w| f64::from(w.deps[0][0].duplicates));
    assert!(dups(0, 60) == 0.0, "v1's idempotency keys: no duplicate charges");
    println!("duplicate charges: {} before the deploy, {} after", dups(0, 60), dups(150, 210));
    assert!(dups(150, 210) > 50.0, "v2 drops the keys: retried charges take effect twice");
}

#[test]
fn adding_capacity_pushes_every_instance_over_the_thread_limit_and_removing_it_recovers() {
    use firedrill::sim::Command;
    let sim = run("peer-threads", 1, &[at("2m", Command::Scale { service: "front".into(), instances: 10 })]);
    let front = Component::Service(0);
    let threads = |t: usize| metric(&sim.windows()[t], front, Metric::Threads);
    let edge_errors = |from, to| {
        sum(&sim, from, to, |w| f64::from(w.edge.red.errors()))
            / sum(&sim, from, to, |w| f64::from(w.edge.red.ok + w.edge.red.errors()))
    };
    // base + per_peer × (instances − 1): 981 + 9 = 990 for ten, 981 + 11 = 992 for twelve.
    assert_eq!(threads(30), 990.0);
    assert_eq!(threads(90), 992.0);
    assert_within("edge error rate before", edge_errors(10, 60), 0.0, 0.001);
    assert_within("edge error rate with twelve instances", edge_errors(61, 120), 0.99, 1.0);
    // The first added instance already takes every instance over: 991 > 990.
    let over =
        sim.events().iter().find(|e| matches!(e.kind, EventKind::ThreadLimitReached { threads: 991, limit: 990, .. }));
    assert_eq!(over.map(|e| e.t), Some(SimTime::from_secs(60)));
    // Scaling back to ten (at 2m15s) drops the new instances: 990 threads, and the checks
    // put the old ones back in rotation within a few seconds.
    assert_eq!(threads(140), 990.0);
    assert_within("edge error rate after scaling back", edge_errors(150, 240), 0.0, 0.001);
}

#[test]
fn tools_that_depend_on_a_down_component_refuse_delay_or_go_blind() {
    use firedrill::sim::model::spec::Tool;
    use firedrill::sim::{Audience, Command, Dur};
    let update = |audience| Command::StatusUpdate {
        audience,
        impact: "s3 errors".into(),
        next_update: Dur::from_secs(1800),
        all_clear: false,
    };
    let cmds = [
        at("1m30s", update(Audience::Customers)),
        at("1m30s", update(Audience::Executives)),
        at("1m30s", Command::Deploy { service: "s3".into(), version: "s2".into() }),
        at("1m30s", Command::Scale { service: "s3".into(), instances: 6 }),
        at("3m30s", update(Audience::Customers)),
    ];
    let sim = run("tooling", 1, &cmds);
    let records = sim.commands();
    assert!(
        records[0].rejected.as_deref().is_some_and(|r| r.contains("the status page is not working: it depends on s3")),
        "{:?}",
        records[0]
    );
    assert_eq!(records[1].rejected, None, "updates to executives do not go through the status page");
    // Deploy: 30 s + 5 m (pipeline) + 1 m (commands); Scale: 15 s + 1 m.
    assert_eq!(records[2].effective_at.since(records[2].at), Dur::from_secs(30 + 300 + 60));
    assert_eq!(records[3].effective_at.since(records[3].at), Dur::from_secs(15 + 60));
    assert_eq!(records[4].rejected, None, "the status page works again once s3 is back");
    // s3 leaves rotation within a few seconds of 1m; monitoring is blind from the next window.
    let down = sim.windows().iter().find(|w| !w.tools_down.is_empty()).map(|w| w.t).expect("the tools go down");
    assert!((60..70).contains(&down), "tools down at {down}");
    let w = &sim.windows()[90];
    assert_eq!(w.tools_down, vec![Tool::StatusPage, Tool::Deploys, Tool::Monitoring, Tool::Commands]);
    assert!(!w.observed(Component::Edge) && !w.observed(Component::Service(0)), "dashboards are blind");
    assert!(sim.windows()[200].tools_down.is_empty() && sim.windows()[200].observed(Component::Edge));
    let events: Vec<String> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ToolingDown { .. } | EventKind::ToolingUp { .. }))
        .map(|e| e.kind.describe())
        .collect();
    assert!(events.contains(&"the status page is not working: it depends on s3".to_string()), "{events:?}");
    assert_eq!(events.len(), 8, "four tools down, four back: {events:?}");
}

#[test]
fn a_rollback_through_the_pipeline_builds_before_it_rolls_out_and_a_newer_deploy_replaces_it() {
    use firedrill::sim::{Command, Dur};
    let deploys = |sim: &Sim| -> Vec<(SimTime, String, String)> {
        sim.events()
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::BuildStarted { version, takes, .. } => {
                    Some((e.t, format!("build {version}"), takes.to_string()))
                }
                EventKind::DeployStarted { to, by, .. } => Some((e.t, format!("rollout {to}"), by.clone())),
                _ => None,
            })
            .collect()
    };
    let sim = run("pipeline", 1, &[at("2m", Command::Rollback { service: "edge-proxy".into() })]);
    let rollback = deploys(&sim);
    let s = |secs| SimTime::from_secs(secs);
    assert_eq!(
        rollback,
        vec![
            (s(60), "rollout rules-0702".into(), "waf rules pipeline".into()),
            (s(150), "build rules-0701".into(), "16m".into()),
            (s(150 + 960), "rollout rules-0701".into(), "you".into()),
        ],
        "someone else's push is already built; the player's rollback builds 16 minutes first"
    );
    let cleared_at = cleared(&sim, "waf rules").expect("the rollback removes the bad rules").0;
    // Four batches of three (3 s start-up, then two passed checks 5 s apart) after the build.
    assert!(cleared_at > s(1110) && cleared_at < s(1170), "once the rollout has replaced them: {cleared_at}");
    // A newer deploy replaces the build under way: only its rollout happens.
    let sim = run(
        "pipeline",
        1,
        &[
            at("2m", Command::Rollback { service: "edge-proxy".into() }),
            at("3m", Command::Deploy { service: "edge-proxy".into(), version: "rules-0702b".into() }),
        ],
    );
    let rollouts: Vec<_> = deploys(&sim).into_iter().filter(|d| d.1.starts_with("rollout") && d.2 == "you").collect();
    assert_eq!(rollouts, vec![(s(210 + 480), "rollout rules-0702b".into(), "you".into())]);
    // The kill switch acts in seconds.
    let sim = run("pipeline", 1, &[at("2m", Command::SetFlag { flag: "waf-managed".into(), on: false })]);
    let p99 = |t: usize| metric(&sim.windows()[t], Component::Edge, Metric::P99);
    assert!(p99(100) > 20.0 && p99(130) < 20.0, "slow rules until the kill at 2m5s: {} then {}", p99(100), p99(130));
    let _ = Dur::ZERO;
}

/// A rolling restart restarts each instance on the code it has: it does not deploy. With one of
/// eight servers left on pre-rlp, the restarted fleet still has one (Knight Capital: restarting
/// SMARS brought back the same code), and the restart is no deploy that "missed" a server.
#[test]
fn a_rolling_restart_keeps_each_instance_on_its_version() {
    use firedrill::sim::Command;
    let sim = run(
        "version-skew",
        1,
        &[at("30s", Command::Restart { service: "smars".into(), instance: None, all_at_once: false })],
    );
    let versions = |t: usize| sim.windows()[t].services[0].versions.clone();
    assert_eq!(versions(20), vec![("rlp-2012".to_string(), 7), ("pre-rlp".to_string(), 1)]);
    let restarted = sim.events().iter().filter(|e| matches!(e.kind, EventKind::InstanceStarting { .. })).count();
    assert!(
        sim.events().iter().any(|e| matches!(e.kind, EventKind::DeployFinished { .. })),
        "the rolling restart finished ({restarted} instances started)"
    );
    assert_eq!(
        versions(239),
        vec![("rlp-2012".to_string(), 7), ("pre-rlp".to_string(), 1)],
        "still one server on pre-rlp"
    );
    assert!(
        !sim.events().iter().any(|e| matches!(e.kind, EventKind::DeployIncomplete { .. })),
        "a restart is not a deploy that missed a server"
    );
}

/// A certificate renewed before it expires: the expiry never happens (no request fails, no
/// fault starts) and the debrief says it was averted; renewed after, it clears the expiry.
#[test]
fn a_certificate_renewed_in_time_averts_its_expiry() {
    let path = format!("{}/tests/mechanisms/cert-renewed-early.ron", env!("CARGO_MANIFEST_DIR"));
    let spec = firedrill::scenario::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    let renew = || firedrill::sim::Command::RenewCert { target: "edge".into() };
    // Given at 1m, in effect at 2m30s: before the 3m expiry.
    let early = play(spec.sim.clone(), 1, &[at("1m", renew())], None);
    let errors = sum(&early, 0, 300, |w| f64::from(w.edge.red.errors()));
    assert_eq!(errors, 0.0, "no request fails: the expiry never happened");
    assert!(!early.events().iter().any(|e| matches!(e.kind, EventKind::FaultStarted { .. })));
    let averted = early.events().iter().find(|e| matches!(e.kind, EventKind::FaultAverted { .. })).expect("averted");
    assert_eq!(averted.t, SimTime::from_secs(150));
    let d = firedrill::score::debrief(&spec, &firedrill::score::Evidence::from_sim(&early));
    let md = firedrill::report::markdown(&d);
    assert!(md.contains("edge certificate expires was averted at 02:30"), "{md}");
    // Given at 3m, in effect at 4m30s: the expiry fired at 3m and the renewal clears it.
    let late = play(spec.sim.clone(), 1, &[at("3m", renew())], None);
    assert!(sum(&late, 180, 270, |w| f64::from(w.edge.red.errors())) > 0.0, "requests fail from 3m");
    assert_eq!(sum(&late, 271, 300, |w| f64::from(w.edge.red.errors())), 0.0, "and not after the renewal");
    assert!(
        late.events()
            .iter()
            .any(|e| matches!(&e.kind, EventKind::FaultCleared { why, .. } if why == "certificate renewed"))
    );
    assert!(!late.events().iter().any(|e| matches!(e.kind, EventKind::FaultAverted { .. })));
}
