//! The mechanisms of issue 8, each shown in isolation by a small scenario in
//! `tests/mechanisms/` and checked against its published result or stated semantics.

#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_within, spec};
use firedrill::sim::{Component, EventKind, Metric, MetricRef, Sim, SimTime, TimedCommand, Window, play};

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
