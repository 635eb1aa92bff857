//! Resilience physics: retries and their amplification, the metastable retry storm, circuit
//! breakers, the edge token bucket, memory leaks and the crash-loop back-off, and rolling
//! deploys — the engine against `PHYSICS.md`, with every expected number computed here.

// Counts become f64 for ratios (far below 2⁵²), and whole seconds of a 10-minute run
// become window indices (small and non-negative).
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

mod common;

use common::{assert_rel, assert_within, fill, header, run, run_with, spec, times};
use firedrill::sim::{Command, Dur, EventKind, Sim, SimTime, TimedCommand, play};

// ---------------------------------------------------------------------------------------
// Retry amplification
// ---------------------------------------------------------------------------------------

#[test]
fn three_layers_of_four_tries_make_64_tries_at_a_dead_bottom() {
    // user (4 tries) → api (4 tries per call) → backend (4 tries per call) → psp, which
    // refuses every connection. Failures come back in 2 ms and there is no backoff, so
    // every try is made; users arrive for a minute and the run lasts until all are done.
    const TRIES: u64 = 4;
    let text = fill(
        r#"Scenario(
    $header
    length: "120s",
    traffic: (
        base_rps: 100,
        shape: Points([("0s", 1.0), ("60s", 1.0), ("61s", 0.0)]),
        client: (timeout: "1h", retries: 3, backoff: None),
    ),
    services: {
        "api": (
            instances: 2, workers: 256, cores: 2,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "get", plan: [Call(to: "backend")])],
            calls: { "backend": (timeout: "1h", retries: 3, backoff: None) },
        ),
        "backend": (
            instances: 2, workers: 256, cores: 2,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "get", plan: [Call(to: "psp")])],
            calls: { "psp": (timeout: "1h", retries: 3, backoff: None) },
        ),
    },
    third_parties: { "psp": (latency: Const("10ms")) },
    timeline: [(at: "0s", fault: DependencyDown(target: "psp"))],
)"#,
        &[("header", &header())],
    );
    let sim = run(&text, 1);
    let t = sim.totals();
    assert!(t.users > 5_000, "expected about 6000 users, got {}", t.users);
    assert_eq!(t.users_ok, 0, "the bottom is down: nobody can succeed");
    // Deterministic: every user request makes exactly (1+r)^depth tries at each depth.
    assert_eq!(t.edge_attempts, TRIES * t.users, "tries at the edge");
    assert_eq!(t.dep_attempts[0][0], TRIES.pow(2) * t.users, "tries from api to backend");
    assert_eq!(t.dep_attempts[1][0], TRIES.pow(3) * t.users, "tries from backend to psp");
    assert_eq!(t.third_party_attempts[0], 64 * t.users, "tries reaching psp: 4 × 4 × 4 = 64 per user request");
}

#[test]
fn independent_failures_with_three_retries_cost_one_plus_f_plus_f2_plus_f3_tries() {
    for f in [0.1, 0.3, 0.5] {
        let text = fill(
            r#"Scenario(
    $header
    length: "60s",
    traffic: (base_rps: 1000, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 2, workers: 256, cores: 2,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "pay", plan: [Call(to: "psp")])],
            calls: { "psp": (timeout: "1h", retries: 3, backoff: None) },
        ),
    },
    third_parties: { "psp": (latency: Const("5ms"), error_rate: $f) },
)"#,
            &[("header", &header()), ("f", &f)],
        );
        let sim = run(&text, 2);
        let t = sim.totals();
        // Tries per call K: P(K = k) = f^(k−1)(1−f) for k = 1..3, P(K = 4) = f³, so
        // E[K] = 1 + f + f² + f³ (PHYSICS.md); the variance sets the tolerance.
        let mean = 1.0 + f + f * f + f * f * f;
        let p = [1.0 - f, f * (1.0 - f), f * f * (1.0 - f), f * f * f];
        let var: f64 = p.iter().zip(1..).map(|(p, k)| p * f64::from(k * k)).sum::<f64>() - mean * mean;
        // Calls are independent: the mean of ≈ 60 k calls has σ = √(Var K / N); allowed 4 σ.
        let calls = t.users as f64;
        let tries = t.third_party_attempts[0] as f64;
        let sigma = (var / calls).sqrt() / mean;
        assert_rel(&format!("tries per call at f = {f}"), tries / calls, mean, 4.0 * sigma);
        // And the call fails only if all four tries do: f⁴ (binomial, 4 σ).
        let failed = 1.0 - t.users_ok as f64 / calls;
        let f4: f64 = f.powi(4);
        let sd = (f4 * (1.0 - f4) / calls).sqrt();
        assert_within(&format!("failed calls at f = {f} (f⁴ = {f4:.4})"), failed, f4 - 4.0 * sd, f4 + 4.0 * sd);
    }
}

// ---------------------------------------------------------------------------------------
// Metastable retry storm
// ---------------------------------------------------------------------------------------
//
// The backend: 2 instances × 8 workers, Exp(20 ms) of CPU → capacity C = 800 rps. Users:
// λ = 500 rps, open loop. The api calls the backend with a 1 s timeout and 2 retries (full
// jitter, 100 ms base), without deadlines: an abandoned attempt stays in the backend's FIFO
// queue and is still served. Two stable states at the same offered load:
//   healthy: tries ≈ λ = 500 < C, utilisation 0.63, queueing delay ≪ 1 s;
//   storm:   the queue delay exceeds the timeout, every try times out, tries = 3λ = 1500 >
//            C, so the queue grows at 3λ − C = 700 per second and the delay never recovers.
// A spike ×k (k = 2: 1000 rps) grows the queue at kλ − C = 200/s, i.e. the delay by
// (kλ − C)/C per second, so it reaches the timeout after T* = timeout · C/(kλ − C) = 4 s.
// A spike of T*/2 recovers; a spike of 5 T* tips the system into the storm.

const LAMBDA: f64 = 500.0;
const CAPACITY: f64 = 2.0 * 8.0 / 0.020;
const TRIES: f64 = 3.0;
const TIMEOUT: f64 = 1.0;
const SPIKE: f64 = 2.0;
const SPIKE_AT: u64 = 60;

// The parameters sit inside the metastable band: healthy is stable, the storm sustains.
const _: () = assert!(LAMBDA < CAPACITY && TRIES * LAMBDA > CAPACITY, "λ must lie between C/tries and C");

/// The critical spike length T*.
fn critical_spike() -> f64 {
    TIMEOUT * CAPACITY / (SPIKE * LAMBDA - CAPACITY)
}

fn storm_scenario(spike_s: f64, budget: bool) -> String {
    fill(
        r#"Scenario(
    $header
    length: "600s",
    traffic: (base_rps: $lambda, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 4, workers: 1024, cores: 4,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "get", plan: [Call(to: "backend")])],
            calls: { "backend": (timeout: "$timeout", retries: $retries, backoff: Full, base: "100ms"$budget) },
        ),
        "backend": (
            instances: 2, workers: 8, cores: 8, startup: "5s",
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h", healthy_after: 1),
            endpoints: [(name: "work", plan: [Cpu(Exp("20ms"))])],
        ),
    },
    timeline: [(at: "$at", for: "$spike", fault: TrafficSpike(factor: $factor))],
)"#,
        &[
            ("header", &header()),
            ("lambda", &LAMBDA),
            ("timeout", &format!("{TIMEOUT}s")),
            ("retries", &(TRIES - 1.0)),
            ("budget", &if budget { ", budget: (max_tokens: 10, ratio: 0.1)" } else { "" }),
            ("at", &format!("{SPIKE_AT}s")),
            ("spike", &format!("{spike_s}s")),
            ("factor", &SPIKE),
        ],
    )
}

/// The fraction of user requests finished in windows `[from, to)` that succeeded.
fn success(sim: &Sim, from: usize, to: usize) -> f64 {
    let (ok, failed) = sim.windows()[from..to]
        .iter()
        .fold((0u64, 0u64), |(o, f), w| (o + u64::from(w.edge.users_ok), f + u64::from(w.edge.users_failed)));
    ok as f64 / (ok + failed) as f64
}

/// The backend's queue growth per second between the ends of windows `from` and `to`.
fn queue_growth(sim: &Sim, from: usize, to: usize) -> f64 {
    let w = sim.windows();
    (f64::from(w[to].services[1].queue) - f64::from(w[from].services[1].queue)) / (to - from) as f64
}

/// In the storm every try times out: the backend receives TRIES × λ and serves C, all 16
/// workers busy, so its queue grows at TRIES·λ − C. Over 300 s that is ≈ 450 k tries
/// against 240 k completions, both Poisson-like: σ ≈ √690 k ≈ 830 on a difference of 210 k, 0.4 %;
/// allowed 3 %.
fn assert_storm(sim: &Sim, from: usize, what: &str) {
    let end = sim.windows().len() - 1;
    let ok = success(sim, from, end);
    assert!(
        ok < 0.01,
        "{what}: {:.2} % of requests succeed after {from} s; the storm should have persisted",
        ok * 100.0
    );
    assert_rel(
        &format!("{what}: backend queue growth per second"),
        queue_growth(sim, end - 300, end),
        TRIES * LAMBDA - CAPACITY,
        0.03,
    );
}

#[test]
fn a_short_spike_recovers_but_a_long_one_tips_the_service_into_a_lasting_retry_storm() {
    let critical = critical_spike();
    let spike_end = |s: f64| SPIKE_AT as usize + s.ceil() as usize;

    let short = critical / 2.0;
    let sim = run(&storm_scenario(short, false), 1);
    let ok = success(&sim, spike_end(short) + 30, sim.windows().len());
    assert!(ok > 0.999, "after a {short} s spike (T* = {critical} s) {:.3} % succeed; it should recover", ok * 100.0);
    // A healthy backend at ρ ≈ 0.6 still has a momentary queue now and then; a backlog is
    // thousands deep (see assert_storm), so "drained" means a handful at most.
    let left = sim.windows().last().map_or(u32::MAX, |w| w.services[1].queue);
    assert!(left < 10, "no backlog left after a short spike: {left} queued");

    let long = critical * 5.0;
    let sim = run(&storm_scenario(long, false), 1);
    // The spike ended at 80 s; from a minute after it to the end (≈ 8 minutes) it stays bad.
    assert_storm(&sim, spike_end(long) + 60, &format!("after a {long} s spike"));
}

#[test]
fn a_rolling_restart_does_not_cure_a_retry_storm() {
    let long = critical_spike() * 5.0;
    let restart = TimedCommand {
        by: None,
        at: SimTime::from_secs(150),
        command: Command::Restart { service: "backend".into(), instance: None, all_at_once: false },
    };
    let sim = run_with(&storm_scenario(long, false), 1, &[restart]);
    let finished = times(sim.events(), |k| matches!(k, EventKind::DeployFinished { .. }));
    let stopped = times(sim.events(), |k| matches!(k, EventKind::InstanceStopped { .. }));
    assert!(
        !finished.is_empty() && stopped.len() >= 2,
        "the rolling restart must complete and retire both old instances"
    );
    // New instances start empty, but each receives half of the clients' 3λ tries (750 rps
    // against 400 of capacity), so its queue passes the timeout within about a second: the
    // clients, not the servers, carry the storm. Judge it a minute after the last old
    // instance stopped (drained instances stop after at most 30 s).
    let settled = stopped.iter().max().map_or(0, |t| t.whole_secs() as usize) + 60;
    assert_storm(&sim, settled, "after a rolling restart");
}

#[test]
fn a_shared_retry_budget_prevents_the_retry_storm() {
    // The budget (10 tokens, +0.1 per success, −1 per failure, retry only above 5) stops
    // retrying once more than ≈ 9 % of calls fail, so tries fall back to λ < C and the
    // backlog the spike left drains at C − λ = 300/s.
    let long = critical_spike() * 5.0;
    let sim = run(&storm_scenario(long, true), 1);
    let from = SPIKE_AT as usize + long.ceil() as usize + 60;
    let ok = success(&sim, from, sim.windows().len());
    assert!(ok > 0.999, "with a retry budget {:.3} % succeed after the spike; it should recover", ok * 100.0);
    let left = sim.windows().last().map_or(u32::MAX, |w| w.services[1].queue);
    assert!(left < 10, "the spike's backlog has drained: {left} queued");
}

// ---------------------------------------------------------------------------------------
// Circuit breaker (Hystrix-like defaults)
// ---------------------------------------------------------------------------------------

fn breaker_scenario(rps: f64, onset: &str) -> String {
    fill(
        r#"Scenario(
    $header
    length: "200s",
    traffic: (base_rps: $rps, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 2, workers: 256, cores: 2,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "pay", plan: [Call(to: "psp")])],
            calls: { "psp": (timeout: "10s", breaker: ()) },
        ),
    },
    third_parties: { "psp": (latency: Const("20ms")) },
    timeline: [(at: "$onset", for: "120s", fault: DependencyDown(target: "psp"))],
)"#,
        &[("header", &header()), ("rps", &rps), ("onset", &onset)],
    )
}

fn first_opened(sim: &Sim) -> Option<SimTime> {
    times(sim.events(), |k| matches!(k, EventKind::BreakerOpened { .. })).first().copied()
}

#[test]

fn a_hard_outage_at_100_rps_opens_the_breaker_5_to_6_5_seconds_after_onset() {
    // 10 s window of 1 s buckets, ≥ 50 % errors. With 1000 successes in the window at onset
    // and failures arriving at the same rate, errors reach half once five buckets of
    // successes have rolled out of the (completed-bucket) window: at the first bucket
    // boundary ≥ onset + 5 s, plus up to one 500 ms health snapshot: 5–6.5 s. Poisson noise
    // (±3 % per bucket) can move the crossing by one bucket later, never before onset + 5 s
    // (at onset + 4 s the window still holds 600 successes against 400 failures). The
    // outage starts at four phases of the bucket clock.
    for (i, onset) in [60.0, 60.25, 60.5, 60.75].into_iter().enumerate() {
        let sim = run(&breaker_scenario(100.0, &format!("{onset}s")), 10 + i as u64);
        let opened = first_opened(&sim).expect("the breaker must open during a hard outage at 100 rps");
        assert_within(&format!("breaker opened after onset at {onset} s (s)"), opened.secs_f64() - onset, 5.0, 6.5);
    }
}

#[test]
fn below_2_rps_a_hard_outage_never_opens_the_breaker() {
    // The minimum volume is 20 calls in the 10 s window, i.e. a mean rate of 2 rps. Users are
    // Poisson, so near 2 rps a burst can still put 20 calls in one window (measured: 14 % of
    // two-minute outages at 1 rps open it). At 0.5 rps the window holds 20 calls with
    // probability P(Poisson(5) ≥ 20) = 3·10⁻⁷ (none in 2000 seeds): it must never open.
    for seed in 1..=20 {
        let sim = run(&breaker_scenario(0.5, "60s"), seed);
        assert_eq!(first_opened(&sim), None, "seed {seed}: the breaker opened at 0.5 rps");
    }
    // The same outage at 3 rps (30 calls per window) does open it: the check can fail.
    let sim = run(&breaker_scenario(3.0, "60s"), 1);
    assert!(first_opened(&sim).is_some(), "at 3 rps the breaker should open");
}

// ---------------------------------------------------------------------------------------
// Token bucket at the edge
// ---------------------------------------------------------------------------------------

#[test]
fn the_edge_token_bucket_admits_at_most_burst_plus_rate_times_t_and_min_of_offered_and_rate() {
    // r = 100/s, b = 500. Users at 20 rps (below r), then 2000 rps (above) from 60 s to
    // 120 s, then 20 rps again.
    const RATE: f64 = 100.0;
    const BURST: f64 = 500.0;
    let text = fill(
        r#"Scenario(
    $header
    length: "180s",
    traffic: (base_rps: 20, spikes: [(at: "60s", for: "60s", factor: 100)], client: (timeout: "1h")),
    edge: (rate_limit: (rps: $rate, burst: $burst)),
    services: {
        "api": (
            instances: 2, workers: 8, cores: 8,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "get", plan: [Cpu(Const("1ms"))])],
        ),
    },
)"#,
        &[("header", &header()), ("rate", &RATE), ("burst", &BURST)],
    );
    let sim = run(&text, 3);
    let w = sim.windows();
    let admitted: Vec<f64> = w.iter().map(|x| f64::from(x.edge.red.requests - x.edge.red.r429)).collect();
    // A hard bound, for every run of k consecutive one-second windows.
    for k in 1..=60 {
        for (start, run) in admitted.windows(k).enumerate() {
            let sum: f64 = run.iter().sum();
            assert!(
                sum <= BURST + RATE * k as f64 + 1e-9,
                "{sum} admitted in [{start}, {}) s; the bucket allows at most {}",
                start + k,
                BURST + RATE * k as f64
            );
        }
    }
    // The bound is reached: the full bucket plus a second of refill in the spike's first second.
    assert_within("admitted in the spike's first second", admitted[60], 0.98 * (BURST + RATE), BURST + RATE);
    // Long run above the rate: exactly r per second once the burst is spent (±1 token).
    let sustained: f64 = admitted[61..120].iter().sum::<f64>() / 59.0;
    assert_rel("admitted per second while offered 2000 rps", sustained, RATE, 0.01);
    // Below the rate nothing is refused, so the admitted rate is the offered one.
    let refused_outside: u32 = w[..60].iter().chain(&w[125..]).map(|x| x.edge.red.r429).sum();
    assert_eq!(refused_outside, 0, "below the rate (20 < 100 rps) the bucket refuses nothing");
    // 20 rps for 60 s: 1200 ± 35 Poisson arrivals; allowed 4 σ.
    let before: f64 = admitted[..60].iter().sum::<f64>() / 60.0;
    assert_rel("admitted per second while offered 20 rps", before, 20.0, 4.0 * 1200f64.sqrt() / 1200.0);
}

// ---------------------------------------------------------------------------------------
// Memory leak, OOM kill and the crash-loop back-off
// ---------------------------------------------------------------------------------------

fn crashes_and_restarts(sim: &Sim, instance: &str) -> (Vec<SimTime>, Vec<(SimTime, Dur)>) {
    let crashed = times(sim.events(), |k| matches!(k, EventKind::InstanceCrashed { instance: i, .. } if i == instance));
    let restarting = sim
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::InstanceRestarting { instance: i, after, .. } if i == instance => Some((e.t, *after)),
            _ => None,
        })
        .collect();
    (crashed, restarting)
}

#[test]
fn a_memory_leak_kills_the_instance_at_limit_minus_baseline_over_leak_rate() {
    const LIMIT: f64 = 1024.0;
    const BASELINE: f64 = 256.0;
    const LEAK_PER_MIN: f64 = 60.0;
    const ONSET: f64 = 60.0;
    const STARTUP: f64 = 10.0;
    // Memory grows and is checked in 100 ms ticks: the onset and the kill can each land one
    // tick off the continuous answer.
    const TICKS: f64 = 0.2;
    let text = fill(
        r#"Scenario(
    $header
    length: "30m",
    traffic: (base_rps: 10, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 2, workers: 8, cores: 8, startup: "$startup",
            memory: (limit_mb: $limit, baseline_mb: $baseline, per_request_mb: 0),
            endpoints: [(name: "get", plan: [Cpu(Exp("1ms"))])],
        ),
    },
    timeline: [(at: "$onset", fault: MemoryLeak(service: "api", mb_per_min: $leak))],
)"#,
        &[
            ("header", &header()),
            ("startup", &format!("{STARTUP}s")),
            ("limit", &LIMIT),
            ("baseline", &BASELINE),
            ("onset", &format!("{ONSET}s")),
            ("leak", &LEAK_PER_MIN),
        ],
    );
    let sim = run(&text, 4);
    let to_oom = (LIMIT - BASELINE) / (LEAK_PER_MIN / 60.0);
    for instance in ["api-1", "api-2"] {
        let (crashed, restarting) = crashes_and_restarts(&sim, instance);
        assert_eq!(crashed.len(), 2, "{instance}: two OOM kills in 30 minutes (the leak persists)");
        let first = crashed[0].secs_f64();
        assert_within(
            &format!("{instance}: first OOM kill (s)"),
            first,
            ONSET + to_oom - TICKS,
            ONSET + to_oom + TICKS,
        );
        // Restarted at once (first restart), it leaks again from its start-up.
        let again = crashed[1].secs_f64() - first - STARTUP;
        assert_within(&format!("{instance}: time to the second OOM kill (s)"), again, to_oom - TICKS, to_oom + TICKS);
        // Both restarts are immediate: the first is the first of the back-off, and before the
        // second the instance had been up more than 10 minutes, which resets the back-off.
        assert!(to_oom > 600.0, "the test needs more than 10 minutes between kills");
        let afters: Vec<Dur> = restarting.iter().map(|r| r.1).collect();
        assert_eq!(afters, [Dur::ZERO, Dur::ZERO], "{instance}: restart delays");
    }
}

#[test]
fn a_version_that_crashes_on_start_restarts_after_0_10_20_40_80_160_then_300_seconds() {
    const STARTUP: u64 = 5;
    let text = fill(
        r#"Scenario(
    $header
    length: "20m",
    traffic: (base_rps: 10, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 2, workers: 8, cores: 8, startup: "$startup", version: "v1",
            memory: (per_request_mb: 0),
            endpoints: [(name: "get", plan: [Cpu(Exp("1ms"))])],
        ),
    },
    versions: { "v1": (), "v2": (crash_on_start: true, note: "missing environment variable") },
    timeline: [(at: "10s", fault: BadDeploy(service: "api", version: "v2", batch: 1, by: "ci"))],
)"#,
        &[("header", &header()), ("startup", &format!("{STARTUP}s"))],
    );
    let sim = run(&text, 5);
    // The rollout's first new instance is api-3; it never becomes ready, so the rollout stalls.
    let (crashed, restarting) = crashes_and_restarts(&sim, "api-3");
    // Kubernetes: the first restart is immediate, then 10 s doubling, capped at 300 s.
    let expected: Vec<Dur> = (0..restarting.len())
        .map(|n| if n == 0 { Dur::ZERO } else { Dur::from_secs((10u64 << (n - 1)).min(300)) })
        .collect();
    assert!(restarting.len() >= 8, "expected at least 8 crashes in 20 minutes, got {}", restarting.len());
    let afters: Vec<Dur> = restarting.iter().map(|r| r.1).collect();
    assert_eq!(afters, expected, "restart back-off sequence");
    // And the back-off is really waited: crash k+1 comes after back-off k plus the start-up.
    for k in 0..crashed.len() - 1 {
        assert_eq!(crashed[k + 1].since(crashed[k]), afters[k] + Dur::from_secs(STARTUP), "gap after crash {k}");
    }
}

// ---------------------------------------------------------------------------------------
// Rolling deploys
// ---------------------------------------------------------------------------------------

#[test]

fn a_rolling_deploy_and_its_rollback_take_batches_times_start_up_plus_readiness() {
    // Start-up 20 s; readiness = the checks needed after start-up: the first runs at once,
    // then one every 5 s until 2 have passed, i.e. (2 − 1) × 5 s (+ 0.5 ms of check work).
    const STARTUP: f64 = 20.0;
    const INTERVAL: f64 = 5.0;
    const HEALTHY_AFTER: f64 = 2.0;
    for (n, batch) in [(8_u32, 2_u32), (5, 2), (6, 4)] {
        let text = fill(
            r#"Scenario(
    $header
    length: "10m",
    traffic: (base_rps: 20, client: (timeout: "1h")),
    services: {
        "api": (
            instances: $n, workers: 8, cores: 8, startup: "$startup", version: "v1",
            memory: (per_request_mb: 0),
            health: (interval: "$interval", healthy_after: $healthy_after),
            endpoints: [(name: "get", plan: [Cpu(Exp("5ms"))])],
        ),
    },
    versions: { "v1": (), "v2": () },
    timeline: [(at: "30s", fault: BadDeploy(service: "api", version: "v2", batch: $batch, by: "ci"))],
)"#,
            &[
                ("header", &header()),
                ("n", &n),
                ("startup", &format!("{STARTUP}s")),
                ("interval", &format!("{INTERVAL}s")),
                ("healthy_after", &HEALTHY_AFTER),
                ("batch", &batch),
            ],
        );
        // Roll back after the deploy: the rollback uses batches of ⌈N/4⌉.
        let rollback = TimedCommand {
            by: None,
            at: SimTime::from_secs(300),
            command: Command::Rollback { service: "api".into() },
        };
        let sim = play(spec(&text), 6, &[rollback], None);
        let started = times(sim.events(), |k| matches!(k, EventKind::DeployStarted { .. }));
        let finished = times(sim.events(), |k| matches!(k, EventKind::DeployFinished { .. }));
        assert_eq!((started.len(), finished.len()), (2, 2), "N={n}: one deploy and one rollback, each finishing once");
        let per_batch = STARTUP + (HEALTHY_AFTER - 1.0) * INTERVAL;
        for (what, b, k) in [("deploy", batch, 0), ("rollback", n.div_ceil(4), 1)] {
            let expected = f64::from(n.div_ceil(b)) * per_batch;
            let took = finished[k].since(started[k]).secs_f64();
            assert_within(&format!("N={n} batch={b}: {what} duration (s)"), took, expected, expected + 0.1);
        }
    }
}
