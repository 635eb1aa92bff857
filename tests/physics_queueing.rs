//! Queueing physics: the engine, run headless, against the published results in
//! `PHYSICS.md` — Little's law, M/M/1, M/M/c (Erlang C), M/G/1 (Pollaczek–Khinchine) and the
//! connection pool as a queue. Every expected number is computed here from the formula; the
//! tolerances come from the run length (see each test), never from a previous run's output.
//!
//! Statistical yardstick used below: for M/M/1 the time-average number in system has
//! asymptotic variance 2ρ(1+ρ)/(μ(1−ρ)⁴) per unit time (Whitt, "Planning queueing
//! simulations", 1989), so after N requests the relative standard error of the mean sojourn
//! time is `σ_W = √(2(1+ρ)/N) / (1−ρ)`. Checked against the engine over 20 seeds (ρ 0.8 and
//! 0.9, N = 1 M): observed 0.97 % and 1.85 % vs 0.95 % and 1.95 % predicted; the sample p50
//! fluctuated 0.75× and the sample p99 2.0–2.3× as much as the mean.

// Counts and microsecond totals become f64 for statistics; they are far below 2⁵².
#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_rel, cdf, erlang_c, header, mean_s, quantile_s, queue, run, spec, time_average};
use firedrill::sim::{Sim, SimTime};

/// The histogram quantiles interpolate inside buckets 1/32 wide; for the smooth densities
/// here that is off by well under 0.5 %.
const HIST: f64 = 0.005;

/// Runs M/M/1 with S = 1 ms at utilisation `rho` for about `requests` requests and checks
/// L, W, p50 and p99 against ρ/(1−ρ), S/(1−ρ), ln 2·W and ln 100·W.
fn check_mm1(rho: f64, requests: f64) {
    const S: f64 = 0.001;
    let rps = rho / S;
    let secs = (requests / rps).ceil();
    let sim = run(&queue(rps, 1, 1, r#"Exp("1ms")"#, &format!("{secs}s")), 1);
    let totals = sim.totals();
    let h = &totals.service_hist[0];
    let n = h.count() as f64;
    // Starting empty biases W down by about (relaxation time)/(run length): with relaxation
    // time 1/(μ(1−√ρ)²) ≤ 1.6 s at ρ 0.95 against runs of 2000 s and more, under 0.1 %.
    let sigma = (2.0 * (1.0 + rho) / n).sqrt() / (1.0 - rho);
    let w = S / (1.0 - rho);
    let what = |x: &str| format!("M/M/1 ρ={rho} {x} (N={n}, σ_W={:.2} %)", sigma * 100.0);
    assert_rel(&what("mean sojourn W"), mean_s(h), w, 4.0 * sigma);
    assert_rel(
        &what("L (time-average in system)"),
        time_average(&totals.service_in_system[0], sim.now()),
        rho / (1.0 - rho),
        4.0 * sigma,
    );
    // p50 fluctuates less than the mean (0.75×), p99 more (2.3×): 4 σ of each, rounded up.
    assert_rel(&what("p50"), quantile_s(h, 0.5), 2f64.ln() * w, 4.0 * sigma + HIST);
    assert_rel(&what("p99"), quantile_s(h, 0.99), 100f64.ln() * w, 10.0 * sigma + HIST);
}

#[test]
fn mm1_mean_p50_and_p99_match_theory_at_half_load() {
    check_mm1(0.5, 1.0e6);
}

#[test]
fn mm1_mean_p50_and_p99_match_theory_at_80_percent_load() {
    check_mm1(0.8, 2.0e6);
}

#[test]
fn mm1_mean_p50_and_p99_match_theory_at_90_percent_load() {
    check_mm1(0.9, 6.0e6);
}

#[test]
fn mm1_mean_p50_and_p99_match_theory_at_95_percent_load() {
    // 12 M requests is 3.5 h of sim time at 950 rps (scenarios may run 4 h): σ_W ≈ 1.1 %.
    check_mm1(0.95, 12.0e6);
}

/// M/M/c with c = 4 workers on one instance (4 cores, so no CPU stretching), S = Exp(4 ms):
/// P(wait) = C(c, a), Wq = C/(cμ−λ), P(Wq > t) = C·e^{−(cμ−λ)t} at t = 1/(cμ−λ).
fn check_mmc(rho: f64, requests: f64, sd_1m: [f64; 3]) {
    const C: u32 = 4;
    const S: f64 = 0.004;
    let lambda = rho * f64::from(C) / S;
    let secs = (requests / lambda).ceil();
    let sim = run(&queue(lambda, 1, C, r#"Exp("4ms")"#, &format!("{secs}s")), 2);
    let wait = &sim.totals().service_wait[0];
    let pc = erlang_c(C, lambda * S);
    let drain = f64::from(C) / S - lambda; // cμ − λ
    // Tolerances: 4 σ, with σ the seed-to-seed spread measured at 1 M requests (10 seeds;
    // Whitt's M/M/1 formula underestimates the M/M/c wait's spread by about 1.3×), scaled
    // by 1/√N. Order: P(wait), Wq, P(Wq > 1/(cμ−λ)).
    let scale = (1.0e6 / wait.count() as f64).sqrt();
    let tol = sd_1m.map(|s| 4.0 * s * scale);
    let p_wait = 1.0 - cdf(wait, 1.0); // waits below 1 µs are the zero waits
    assert_rel(&format!("M/M/4 ρ={rho}: P(wait) vs Erlang C {pc:.4}"), p_wait, pc, tol[0]);
    assert_rel(&format!("M/M/4 ρ={rho}: mean wait Wq"), mean_s(wait), pc / drain, tol[1]);
    let t = 1.0 / drain;
    let tail = 1.0 - cdf(wait, t * 1e6);
    assert_rel(&format!("M/M/4 ρ={rho}: P(Wq > {:.1} ms)", t * 1e3), tail, pc * (-1f64).exp(), tol[2] + HIST);
}

#[test]
fn mmc_wait_probability_and_mean_wait_match_erlang_c() {
    check_mmc(0.8, 2.0e6, [0.0054, 0.016, 0.017]);
    check_mmc(0.9, 3.0e6, [0.0038, 0.025, 0.022]);
}

/// Pollaczek–Khinchine: Wq = ρS(1+Cs²)/(2(1−ρ)). Three service-time laws with S = 1 ms at
/// ρ = 0.8: constant (Cs² = 0), exponential (Cs² = 1) and a 10 % slow path (0.5 ms or
/// 5.5 ms: E[S²] = 3.25 ms², Cs² = 2.25).
#[test]
fn constant_service_waits_half_as_long_as_exponential_and_variance_raises_the_wait() {
    const RHO: f64 = 0.8;
    const S: f64 = 0.001;
    const N: f64 = 2.0e6;
    // The wait Wq = W − S carries W's noise on a mean ρ times smaller: σ ≈ σ_W/ρ, 0.84 % at
    // 2 M requests. Measured over 10 seeds at 1 M: 0.68 % (constant), 1.27 % (exponential),
    // 1.08 % (slow path), i.e. up to 0.9 % at 2 M. Allowed: 4 × 0.9 %.
    let tol = 4.0 * 0.009;
    let slow_path = (0.9 * 0.5 + 0.1 * 5.5, 0.9 * 0.25 + 0.1 * 30.25); // (E[S], E[S²]) in ms, ms²
    let cs2_mix = slow_path.1 / (slow_path.0 * slow_path.0) - 1.0;
    let mut waits = Vec::new();
    for (name, dist, cs2) in [
        ("constant", r#"Const("1ms")"#, 0.0),
        ("exponential", r#"Exp("1ms")"#, 1.0),
        ("10 % slow path", r#"Mix(p: 0.1, fast: Const("500us"), slow: Const("5500us"))"#, cs2_mix),
    ] {
        let sim = run(&queue(RHO / S, 1, 1, dist, &format!("{}s", (N * S / RHO).ceil())), 3);
        let wq = mean_s(&sim.totals().service_wait[0]);
        assert_rel(&format!("M/G/1 {name}: Wq"), wq, RHO * S * (1.0 + cs2) / (2.0 * (1.0 - RHO)), tol);
        waits.push(wq);
    }
    assert_rel("M/D/1 wait / M/M/1 wait", waits[0] / waits[1], 0.5, 2.0 * tol);
}

/// A service with several instances and workers, two kinds of CPU work and two database
/// queries per request (a pooled connection held across both).
fn box_scenario() -> String {
    common::fill(
        r#"Scenario(
    $header
    length: "1000s",
    traffic: (base_rps: 1000, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 2, workers: 8, cores: 8,
            memory: (per_request_mb: 0),
            health: (interval: "1h", timeout: "1h"),
            pool: (size: 8, acquire_timeout: "1h"),
            endpoints: [(name: "page", plan: [
                Cpu(LogNormal(median: "2ms", p99: "10ms")),
                Db(queries: 2),
                Cpu(Exp("1ms")),
            ])],
            calls: { "db": (timeout: "1h") },
        ),
    },
    database: (cores: 16, max_connections: 100, query: Exp("3ms")),
)"#,
        &[("header", &header())],
    )
}

#[test]
fn littles_law_holds_for_a_service_and_for_its_connection_pool() {
    let sim = run(&box_scenario(), 4);
    let t = sim.totals();
    let secs = sim.now().secs_f64();
    // Little's law is a sample-path identity: L·T = Σ sojourns exactly, except for the ≈ L
    // requests still inside at the end (≈ 10 against 10⁶ completed) and two hourly health
    // checks, so 0.1 % is generous.
    let l = time_average(&t.service_in_system[0], sim.now());
    let lambda = t.service_arrivals[0] as f64 / secs;
    let w = mean_s(&t.service_hist[0]);
    assert_rel("service: L vs λW", l, lambda * w, 0.001);
    // The pool: a connection is held for its queries back to back, so busy connections =
    // query throughput × query latency (queue + service).
    let busy = time_average(&t.conns_busy, sim.now());
    let queries_per_s = t.db_queries as f64 / secs;
    assert_rel("pool: busy connections vs throughput × hold time", busy, queries_per_s * mean_s(&t.db_hist), 0.001);
    // And against the offered numbers: 16 cores ≥ 16 connections, so no query ever queues
    // and the hold time is 2 × 3 ms; λ is 1000 rps. Noise: λ̂ over 10⁶ Poisson arrivals and
    // the mean of 2·10⁶ exponential queries, both ≈ 0.1 %; allowed 1 %.
    assert_rel("pool: busy connections vs λ × 2 queries × 3 ms", busy, 1000.0 * 2.0 * 0.003, 0.01);
}

/// The pool-exhaustion topology: `instances` instances, each with a pool of `size`
/// connections and `acquire` timeout, every request one query.
fn pool_scenario(rps: f64, instances: u32, size: u32, acquire: &str, db_cores: u32, query: &str) -> String {
    common::fill(
        r#"Scenario(
    $header
    length: "300s",
    traffic: (base_rps: $rps, client: (timeout: "1h")),
    services: {
        "api": (
            instances: $instances, workers: 1024, cores: 2,
            memory: (per_request_mb: 0),
            health: (interval: "1h", timeout: "1h"),
            pool: (size: $size, acquire_timeout: "$acquire"),
            endpoints: [(name: "read", plan: [Db(queries: 1)])],
            calls: { "db": (timeout: "1h") },
        ),
    },
    database: (cores: $db_cores, max_connections: 200, query: $query),
)"#,
        &[
            ("header", &header()),
            ("rps", &rps),
            ("instances", &instances),
            ("size", &size),
            ("acquire", &acquire),
            ("db_cores", &db_cores),
            ("query", &query),
        ],
    )
}

#[test]
fn an_exhausted_pool_serves_its_capacity_and_the_wait_is_in_the_pool_not_the_database() {
    // One instance, 20 connections held Exp(20 ms) each = 1000 rps of capacity; 1500 rps
    // offered; waiters give up after 200 ms. The database has 64 cores: queries never queue.
    const HOLD: f64 = 0.020;
    const ACQUIRE: f64 = 0.200;
    const WARM_UP: SimTime = SimTime(2_000_000);
    let mut sim = Sim::new(spec(&pool_scenario(1500.0, 1, 20, "200ms", 64, r#"Exp("20ms")"#)), 5);
    // The first few hundred milliseconds are not yet in the regime (the oldest waiter is
    // younger than the timeout, so early successes wait less): measure the wait after them.
    sim.advance_to(WARM_UP);
    let early = &sim.totals().pool_wait[0];
    let (early_n, early_sum) = (early.count() as f64, early.mean() * early.count() as f64);
    sim.run_to_end();
    let t = sim.totals();
    let secs = sim.now().secs_f64();
    let capacity = 20.0 / HOLD;
    // Waiters are always queued, so all 20 connections are always busy and releases are a
    // Poisson process of rate 1000/s: 300 k ± 550 successes, i.e. 0.2 %; allowed 1 %.
    assert_rel("successful requests per second", t.users_ok as f64 / secs, capacity, 0.01);
    let lambda = t.users as f64 / secs;
    let errors = 1.0 - t.users_ok as f64 / t.users as f64;
    assert_rel("error fraction vs 1 − capacity/λ", errors, 1.0 - capacity / lambda, 0.01);
    // The waiter served is the oldest still waiting. Its deficit D below the acquire timeout
    // falls at rate 1, jumps by an inter-arrival gap Exp(λ) at each release (Poisson, rate
    // C) and restarts at Exp(λ) when the oldest gives up: an M/M/1 workload (arrivals C,
    // work Exp(λ)) with its idle periods cut out, so E[D] = 1/(λ − C) = 2 ms, and releases
    // see the time average (PASTA). Seed-to-seed spread of the measured D: 0.5 %; allowed 5 %.
    let h = &t.pool_wait[0];
    let wait = (h.mean() * h.count() as f64 - early_sum) / (h.count() as f64 - early_n) / 1e6;
    assert_rel("pool wait deficit of successful requests, A − W", ACQUIRE - wait, 1.0 / (lambda - capacity), 0.05);
    assert_rel("pool wait of successful requests", wait, ACQUIRE - 1.0 / (lambda - capacity), 0.001);
    // The database saw none of it: each query took its 20 ms (mean of 300 k: ±0.2 %).
    assert_rel("database query latency", mean_s(&t.db_hist), HOLD, 0.01);
}

#[test]
fn more_pools_in_front_of_a_slow_database_move_the_queue_into_the_database() {
    // The database: 8 cores, Exp(10 ms) queries = 800 queries/s. Each app instance has a
    // pool of 4; 1200 rps offered saturates the pools, so every connection is always busy
    // and is running (or queued for) a query: a closed system of K = 4·instances queries.
    // K ≤ 8 cores: no query waits, latency S. K > 8: all cores always busy, throughput
    // 8/S, and by Little latency K/(8/S).
    const S: f64 = 0.010;
    for instances in [2_u32, 4] {
        let sim = run(&pool_scenario(1200.0, instances, 4, "500ms", 8, r#"Exp("10ms")"#), 6);
        let t = sim.totals();
        let secs = sim.now().secs_f64();
        let k = f64::from(4 * instances);
        let throughput = k.min(8.0) / S;
        // 300 s × 800 q/s = 240 k exponential queries: the latency mean is known to ≈ 0.2 %
        // (and to more than that when queueing correlates them); allowed 2 %.
        let what = |x: &str| format!("{instances} instances ({k} connections): {x}");
        assert_rel(&what("query throughput"), t.db_queries as f64 / secs, throughput, 0.02);
        assert_rel(&what("query latency"), mean_s(&t.db_hist), k / throughput, 0.02);
        assert_rel(&what("busy connections"), time_average(&t.conns_busy, sim.now()), k, 0.02);
    }
}
