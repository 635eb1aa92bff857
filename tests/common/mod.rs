//! Shared helpers for the physics tests (`tests/physics_*.rs`): inline RON scenarios with
//! `$name` placeholders, a parser that panics with every positioned error, ready-made small
//! topologies, and the statistics the tests compare with theory (means, CDFs read back from
//! the engine's histograms, event times, Erlang C).
//!
//! Every topology here keeps the incidental machinery out of the way unless a test asks for
//! it: health checks every hour with an hour's timeout, no memory per request, cores ≥
//! workers (no CPU-contention stretching) and user clients that wait an hour without retrying.

// Each test binary compiles this module and uses a different subset of it.
#![allow(dead_code)]

pub mod bin;
pub mod hostile;
pub mod screen;
pub mod tmux;

use firedrill::scenario;
use firedrill::sim::kernel::hist::Hist;
use firedrill::sim::{Event, EventKind, Sim, SimSpec, SimTime, TimedCommand, play};
use std::fmt::Write as _;
use std::sync::Arc;

/// Replaces every `$name` in `template` with its value. Panics on a placeholder without a
/// value and on a value without a placeholder, so a typo cannot silently leave a default.
pub fn fill(template: &str, vars: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut used = vec![false; vars.len()];
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        let name = &after[..len];
        let Some(k) = vars.iter().position(|(n, _)| *n == name) else {
            panic!("template placeholder `${name}` has no value");
        };
        used[k] = true;
        write!(out, "{}", vars[k].1).expect("writing to a String cannot fail");
        rest = &after[len..];
    }
    out.push_str(rest);
    if let Some(k) = used.iter().position(|u| !u) {
        panic!("value for `${}` has no placeholder in the template", vars[k].0);
    }
    out
}

/// Parses and validates an inline scenario; panics with every positioned error (and the
/// text, numbered, so the line:column can be read off) if it is invalid.
pub fn spec(text: &str) -> Arc<SimSpec> {
    match scenario::parse("inline.ron", text) {
        Ok(spec) => spec.sim,
        Err(errors) => {
            let mut numbered = String::new();
            for (i, line) in text.lines().enumerate() {
                writeln!(numbered, "{:4} | {line}", i + 1).expect("writing to a String cannot fail");
            }
            panic!("invalid test scenario:\n{errors}\n\n{numbered}");
        }
    }
}

/// Runs a scenario to its end with `seed` and no player commands.
pub fn run(text: &str, seed: u64) -> Sim {
    play(spec(text), seed, &[], None)
}

/// Runs a scenario to its end with `seed`, applying `commands` at their times.
pub fn run_with(text: &str, seed: u64, commands: &[TimedCommand]) -> Sim {
    play(spec(text), seed, commands, None)
}

/// The header every test scenario shares.
const HEADER: &str = r#"id: "physics", title: "physics", difficulty: Easy, briefing: "a physics test","#;

/// One service `api` of `instances` × `workers` workers whose only endpoint does CPU work
/// drawn from `service` (a RON distribution such as `Exp("1ms")`), fed by Poisson arrivals
/// at `rps` for `length`. One core per worker, so the service time is exactly the sample.
pub fn queue(rps: f64, instances: u32, workers: u32, service: &str, length: &str) -> String {
    fill(
        r#"Scenario(
    $header
    length: "$length",
    traffic: (base_rps: $rps, client: (timeout: "1h")),
    services: {
        "api": (
            instances: $instances,
            workers: $workers,
            cores: $workers,
            memory: (per_request_mb: 0),
            health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "work", plan: [Cpu($service)])],
        ),
    },
)"#,
        &[
            ("header", &HEADER),
            ("length", &length),
            ("rps", &rps),
            ("instances", &instances),
            ("workers", &workers),
            ("service", &service),
        ],
    )
}

/// The common scenario header, for tests that write their own topology.
pub fn header() -> &'static str {
    HEADER
}

/// Mean of a histogram of microseconds, in seconds.
pub fn mean_s(h: &Hist) -> f64 {
    h.mean() / 1e6
}

/// A quantile of a histogram of microseconds, in seconds.
pub fn quantile_s(h: &Hist, q: f64) -> f64 {
    h.quantile(q) / 1e6
}

/// The empirical CDF at `x_us`: the fraction of recorded values ≤ `x_us`, read back from
/// the histogram by bisecting its (monotone) quantile function. Exact at bucket edges; values
/// below 64 µs have exact 1 µs buckets, so `cdf(h, 1.0)` is the fraction of zeros.
pub fn cdf(h: &Hist, x_us: f64) -> f64 {
    if h.count() == 0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    if h.quantile(1.0) <= x_us {
        return 1.0;
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if h.quantile(mid) <= x_us {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Time average of an integrator's level over `[0, now]`.
pub fn time_average(level: &firedrill::sim::observe::acc::Integrator, now: SimTime) -> f64 {
    let mut copy = level.clone();
    copy.take(now) / now.secs_f64()
}

/// Times of the events that `pick` selects, in order.
pub fn times<F: Fn(&EventKind) -> bool>(events: &[Event], pick: F) -> Vec<SimTime> {
    events.iter().filter(|e| pick(&e.kind)).map(|e| e.t).collect()
}

/// The first time an alert named `name` started firing.
pub fn first_firing(sim: &Sim, name: &str) -> Option<SimTime> {
    times(sim.events(), |k| matches!(k, EventKind::AlertFiring { alert, .. } if alert == name)).first().copied()
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load
/// `a = λS` (in erlangs, `a < c`).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // aᵏ/k!
    let mut below = 0.0; // Σ_{k<c} aᵏ/k!
    for k in 0..c {
        below += term;
        term *= a / f64::from(k + 1);
    }
    let top = term * f64::from(c) / (f64::from(c) - a);
    top / (below + top)
}

/// Asserts `|measured − expected| ≤ rel · |expected|` with a readable message. Every
/// comparison is also printed (see them with `cargo test --test physics_… -- --nocapture`).
#[track_caller]
pub fn assert_rel(what: &str, measured: f64, expected: f64, rel: f64) {
    let err = (measured - expected).abs() / expected.abs();
    println!(
        "{what}: measured {measured:.6}, theory {expected:.6}, off {:+.2} % (allowed ±{:.2} %)",
        (measured / expected - 1.0) * 100.0,
        rel * 100.0
    );
    assert!(
        err <= rel,
        "{what}: measured {measured:.6}, theory {expected:.6} (off by {:.2} %, allowed {:.2} %)",
        err * 100.0,
        rel * 100.0
    );
}

/// Asserts `lo ≤ measured ≤ hi` with a readable message.
#[track_caller]
pub fn assert_within(what: &str, measured: f64, lo: f64, hi: f64) {
    println!("{what}: measured {measured:.6}, allowed [{lo:.6}, {hi:.6}]");
    assert!((lo..=hi).contains(&measured), "{what}: measured {measured:.6}, expected between {lo:.6} and {hi:.6}");
}

/// A line diff (longest common subsequence): `-` expected only, `+` actual only.
pub fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            writeln!(out, "  {}", a[i]).unwrap();
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            writeln!(out, "- {}", a[i]).unwrap();
            i += 1;
        } else {
            writeln!(out, "+ {}", b[j]).unwrap();
            j += 1;
        }
    }
    out
}
