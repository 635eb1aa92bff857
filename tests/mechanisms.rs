//! The mechanisms of issue 8, each shown in isolation by a small scenario in
//! `tests/mechanisms/` and checked against its published result or stated semantics.

#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_within, spec};
use firedrill::sim::{Component, Metric, MetricRef, Sim, SimTime, TimedCommand, Window, play};

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
