//! SLO physics: burn rates, multi-window burn-rate alert detection and reset times, and how
//! long the error budget lasts — the engine against `PHYSICS.md`.
//!
//! Detection time of a burn-rate page over window W at threshold F for an error ratio e is
//! (1 − SLO)/e × W × F: the long window's error ratio after τ seconds of errors is e·τ/W
//! (the engine counts the hour before the run as healthy traffic at the base rate, as a
//! service that was running before the scenario began), and it fires when that reaches
//! F·(1 − SLO). Alerts are evaluated at each one-second window close, so a firing time is
//! the first whole second at or after the crossing.

// Counts become f64 for ratios; they are far below 2⁵².
#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_rel, assert_within, fill, first_firing, header, run, times};
use firedrill::sim::EventKind;

const SLO: f64 = 0.999;
const LONG: f64 = 3600.0;
const SHORT: f64 = 300.0;
const FACTOR: f64 = 14.4;
const RPS: f64 = 200.0;
const ONSET: f64 = 120.0;
const ALERT: &str = "SLOFastBurn";

/// One service at 200 rps with a 99.9 % SLO, the 14.4× 1 h/5 m page, and one fault at
/// 120 s (`lasting` is a `for:` clause or empty for "until the end").
fn slo_scenario(length: &str, fault: &str, lasting: &str, period: &str) -> String {
    fill(
        r#"Scenario(
    $header
    length: "$length",
    slo: (availability: 99.9, period: "$period"),
    traffic: (base_rps: $rps, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 2, workers: 16, cores: 16,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "get", plan: [Cpu(Exp("2ms"))])],
        ),
    },
    alerts: [(name: "$alert", severity: Page, when: BurnRate(long: "$long", short: "$short", factor: $factor))],
    timeline: [(at: "$onset"$lasting, fault: $fault)],
)"#,
        &[
            ("header", &header()),
            ("length", &length),
            ("period", &period),
            ("rps", &RPS),
            ("alert", &ALERT),
            ("long", &format!("{LONG}s")),
            ("short", &format!("{SHORT}s")),
            ("factor", &FACTOR),
            ("onset", &format!("{ONSET}s")),
            ("lasting", &lasting),
            ("fault", &fault),
        ],
    )
}

/// The detection time for error ratio `e` over the long window (the short one is crossed
/// first whenever e > 0).
const fn detection(e: f64) -> f64 {
    (1.0 - SLO) / e * LONG * FACTOR
}

// The constants give the page times PHYSICS.md quotes: 0.864 minutes for a full outage and
// 8.64 minutes for 10 % errors.
const _: () = assert!((detection(1.0) / 60.0 - 0.864).abs() < 0.864e-3);
const _: () = assert!((detection(0.1) / 60.0 - 8.64).abs() < 8.64e-3);

/// The tolerance on a detection time: the page fires when the errors since onset reach
/// n = F(1 − SLO)·λ·W; that count is Poisson-like, so the crossing moves by √n errors,
/// i.e. √n/(λe) seconds. Allowed: 4 σ, plus the one-second evaluation step.
fn detection_sigma(e: f64) -> f64 {
    let n = FACTOR * (1.0 - SLO) * RPS * LONG;
    n.sqrt() / (RPS * e)
}

#[test]
fn a_full_outage_pages_after_0_86_minutes() {
    let sim = run(&slo_scenario("10m", r#"ServiceOutage(service: "api")"#, r#", for: "5m""#, "30d"), 1);
    let expected = detection(1.0);
    let fired = first_firing(&sim, ALERT).expect("a full outage must page").secs_f64() - ONSET;
    let sigma = detection_sigma(1.0);
    assert_within("full outage: page after onset (s)", fired, expected - 4.0 * sigma, expected + 1.0 + 4.0 * sigma);
}

#[test]
fn ten_percent_errors_page_after_8_6_minutes() {
    let sim = run(&slo_scenario("20m", r#"ErrorInjection(target: "api", rate: 0.1)"#, "", "30d"), 2);
    let expected = detection(0.1);
    let fired = first_firing(&sim, ALERT).expect("10 % errors must page").secs_f64() - ONSET;
    let sigma = detection_sigma(0.1);
    assert_within("10 % errors: page after onset (s)", fired, expected - 4.0 * sigma, expected + 1.0 + 4.0 * sigma);
}

#[test]
fn one_percent_errors_never_page_but_burn_ten_times_too_fast() {
    // Burn 10× < 14.4×: an hour of 1 % errors never pages. The short window's burn is
    // 10 ± 0.4 (600 ± 24 errors per 5 minutes), far below 14.4 at any moment.
    let sim = run(&slo_scenario("62m", r#"ErrorInjection(target: "api", rate: 0.01)"#, "", "30d"), 3);
    assert_eq!(first_firing(&sim, ALERT), None, "1 % errors (threshold 1.44 %) must not page");
    // At the end the whole trailing hour is at 1 % errors: burn = error ratio/(1 − SLO) = 10,
    // from 7200 ± 85 errors (1.2 %); allowed 5 %.
    let last = sim.windows().last().expect("the run has windows");
    assert_rel("1 h burn rate at 1 % errors", f64::from(last.slo.burn_1h), 0.01 / (1.0 - SLO), 0.05);
}

#[test]
fn the_page_resets_within_five_minutes_of_the_fix() {
    // A 10-minute full outage, then healthy. The 1 h window still burns at
    // 600/3600/0.001 ≈ 167× when the outage ends; the 5 m window's error ratio falls as
    // (300 − s)/300 and drops below 14.4 × 0.1 % after s = 300 × (1 − 0.0144) = 295.7 s.
    const OUTAGE: f64 = 600.0;
    let sim = run(&slo_scenario("20m", r#"ServiceOutage(service: "api")"#, r#", for: "10m""#, "30d"), 4);
    let resolved = times(sim.events(), |k| matches!(k, EventKind::AlertResolved { alert } if alert == ALERT));
    let after_fix = resolved.first().expect("the page must resolve after the fix").secs_f64() - ONSET - OUTAGE;
    // The errors left in the 5 m window at the crossing, 864 ± 29, move it by ±0.15 s.
    assert_within("page resolved after the fix (s)", after_fix, RESET - 0.6, RESET + 1.0 + 0.6);
}

/// When the page resets after a full outage ends: the 5 m window's error ratio falls below
/// F·(1 − SLO) after SHORT·(1 − F·(1 − SLO)) seconds.
const RESET: f64 = SHORT * (1.0 - FACTOR * (1.0 - SLO));
// The whole band allowed above lies inside five minutes, so passing it means the short
// window made the page reset within 5 minutes.
const _: () = assert!(RESET + 1.0 + 0.6 < SHORT);

#[test]
fn the_error_budget_lasts_the_period_divided_by_the_burn_rate() {
    // A one-day budget period and 10 % errors (burn 100): the budget is gone after
    // 1 d/100 = 864 s. The budget holds (1 − SLO)·λ·period = 17 280 errors, arriving at
    // 20/s: Poisson σ = √17280/20 = 6.6 s; allowed 4 σ plus the one-second window.
    const PERIOD: f64 = 86_400.0;
    let error_ratio = 0.1;
    let sim = run(&slo_scenario("20m", r#"ErrorInjection(target: "api", rate: 0.1)"#, "", "1d"), 5);
    let burn = error_ratio / (1.0 - SLO);
    let expected = PERIOD / burn;
    let gone = sim.windows().iter().find(|w| w.slo.budget_left <= 0.0).expect("the budget must run out");
    let took = f64::from(gone.t + 1) - ONSET;
    let sigma = ((1.0 - SLO) * RPS * PERIOD).sqrt() / (RPS * error_ratio);
    assert_within("budget exhausted after onset (s)", took, expected - 4.0 * sigma, expected + 1.0 + 4.0 * sigma);
}
