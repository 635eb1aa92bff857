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
