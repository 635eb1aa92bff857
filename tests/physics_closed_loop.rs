//! Closed-loop clients against queueing theory: the interactive response-time law
//! X = N / (R + Z), the exact finite-source (machine-repairman, M/M/c//N) model, and the
//! lesson that a closed loop hides the tail latency an open loop at the same throughput sees
//! (Schroeder, Wierman, Harchol-Balter, "Open versus closed: a cautionary tale", NSDI 2006).

#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_rel, fill, header, mean_s, quantile_s, run};

/// `users` closed-loop users thinking `think` against one instance of `workers` workers
/// (one core each) doing `Cpu(Exp(10 ms))`, optionally with open-loop users at `rps`.
fn closed(users: u32, think: &str, workers: u32, rps: f64, length: &str) -> String {
    let closed = if users == 0 { String::new() } else { format!("closed: (users: {users}, think: {think}),") };
    fill(
        r#"Scenario(
    $header
    length: "$length",
    traffic: (base_rps: $rps, client: (timeout: "1h"), $closed),
    services: {
        "api": (
            instances: 1, workers: $workers, cores: $workers,
            memory: (per_request_mb: 0),
            health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "work", plan: [Cpu(Exp("10ms"))])],
        ),
    },
)"#,
        &[("header", &header()), ("length", &length), ("rps", &rps), ("closed", &closed), ("workers", &workers)],
    )
}

/// The finite-source M/M/c//N model (N users thinking Z on average, c servers of mean S):
/// throughput X and mean response time R = N/X − Z. Exact for exponential service; the think
/// time may have any distribution with that mean (the think stage is an infinite server,
/// whose product-form solution is insensitive to its distribution).
fn machine_repairman(n: u32, z: f64, c: u32, s: f64) -> (f64, f64) {
    // p_k ∝ Π_{j<k} (N − j)/Z / Π_{j≤k} min(j, c)/S
    let mut p = vec![1.0_f64];
    for k in 1..=n {
        let birth = f64::from(n - k + 1) / z;
        let death = f64::from(k.min(c)) / s;
        p.push(p[(k - 1) as usize] * birth / death);
    }
    let total: f64 = p.iter().sum();
    let x: f64 = p.iter().enumerate().map(|(k, pk)| pk / total * f64::from((k as u32).min(c)) / s).sum();
    (x, f64::from(n) / x - z)
}

#[test]
fn a_closed_loop_obeys_the_interactive_response_time_law_and_the_finite_source_model() {
    // 100 users thinking U(10 ms, 390 ms) (mean 200 ms; never under the 10 ms floor) against
    // 4 workers of Exp(10 ms): capacity 400/s, the users could offer up to ~476/s, so the
    // queue matters. 600 s ≈ 230 k requests.
    let (n, z, c, s) = (100, 0.200, 4, 0.010);
    let sim = run(&closed(n, r#"Uniform(min: "10ms", max: "390ms")"#, c, 0.0, "600s"), 3);
    let t = sim.totals();
    let secs = sim.now().secs_f64();
    let x = t.users_ok as f64 / secs;
    let r = mean_s(&t.edge);
    let (x_theory, r_theory) = machine_repairman(n, z, c, s);
    // The law is Little's law on the whole loop: exact up to the ~100 requests in flight at
    // the end and the first cycle (a few in 10⁴).
    assert_rel("X vs N / (R + Z) (interactive response-time law)", x, f64::from(n) / (r + z), 0.003);
    // Against the exact model: X within 0.5 % (the server is 95 % busy; over 230 k requests
    // the rate's σ is ≈ 0.2 %), R within 3 % (R is small next to Z: a 0.5 % error in X is a
    // 2.4 % error in R).
    assert_rel("throughput vs M/M/4//100", x, x_theory, 0.005);
    assert_rel("mean response time vs M/M/4//100", r, r_theory, 0.03);
}

#[test]
fn at_the_same_throughput_near_saturation_a_closed_loop_sees_a_far_lower_p99_than_an_open_loop() {
    // One worker, Exp(10 ms): capacity 100/s. Open loop at 95/s (ρ 0.95): M/M/1 p99 =
    // ln 100 · S/(1−ρ) = 921 ms. A closed loop of 10 users whose think time gives the same
    // 95/s can never have more than 9 requests ahead of one: p99 at most the Erlang(10, 10 ms)
    // p99, about 190 ms.
    let (n, s, target) = (10, 0.010, 95.0);
    // The mean think time that gives X = 95/s in M/M/1//10, by bisection (X falls as Z grows).
    let (mut lo, mut hi) = (0.0001, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if machine_repairman(n, mid, 1, s).0 > target { lo = mid } else { hi = mid }
    }
    let z = 0.5 * (lo + hi);
    // Uniform around z keeps every think above the 10 ms floor when z ≥ 10 ms.
    assert!(z > 0.011, "think time {z} s");
    let think = format!("Uniform(min: \"{}us\", max: \"{}us\")", 10_000, (2.0 * z * 1e6 - 10_000.0).round());
    let closed_sim = run(&closed(n, &think, 1, 0.0, "1200s"), 4);
    let open_sim = run(&closed(0, "", 1, target, "1200s"), 4);
    let rate = |sim: &firedrill::sim::Sim| sim.totals().users_ok as f64 / sim.now().secs_f64();
    // The same throughput: the closed loop's within its noise of the exact model's 95/s.
    assert_rel("closed-loop throughput vs the open loop's", rate(&closed_sim), rate(&open_sim), 0.02);
    let p99_closed = quantile_s(&closed_sim.totals().edge, 0.99);
    let p99_open = quantile_s(&open_sim.totals().edge, 0.99);
    // The open loop's p99 is M/M/1's 921 ms, but at ρ 0.95 a 114 k-request run's p99 is
    // ±27 % noisy (tests/physics_queueing.rs checks it on 12 M requests): here only its order.
    assert!(p99_open > 0.5, "the open loop at ρ 0.95 has a tail of the order of 921 ms: {p99_open} s");
    println!("p99: closed loop {:.0} ms, open loop {:.0} ms", p99_closed * 1e3, p99_open * 1e3);
    assert!(p99_closed < 0.2, "the closed loop's p99 ({p99_closed} s) is bounded by its 10 users");
    assert!(p99_closed * 4.0 < p99_open, "the closed loop hides the tail: {p99_closed} s vs {p99_open} s");
}
