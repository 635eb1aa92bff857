//! Replication physics (PHYSICS.md, "Asynchronous replication"): a replica that applies
//! writes slower than they come falls behind — its lag (the age of its oldest unapplied write)
//! is its backlog over the write rate, growing at (1 − apply/write) seconds per second; a read
//! is stale with probability 1 − e^(−B/keys) for B unapplied writes (for Poisson writes and a
//! shipping delay d, 1 − e^(−W·d/keys)); a failover loses the writes inside the promoted
//! replica's lag (RPO = lag); and a partition with automatic failover and no fencing gives two
//! primaries whose conflicting writes are the write rate times the split time.

// Counts become f64 for rates; whole seconds become window indices.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

mod common;

use common::{assert_rel, assert_within, fill, header, run, run_with};
use firedrill::sim::observe::metric::{DbStats, ReplicationStats};
use firedrill::sim::{Command, Sim, SimTime, TimedCommand, Window};

/// `api` (4 instances) at `rps`, each request one write query (`Db(queries: 1)`) and, if
/// `reads`, one read-only query; one database with `replicas` and `extra` database fields.
fn cluster(rps: f64, reads: bool, replicas: &str, extra: &str, timeline: &str, length: &str) -> String {
    let read = if reads { ", Db(queries: 1, read_only: true)" } else { "" };
    fill(
        r#"Scenario(
    $header
    length: "$length",
    traffic: (base_rps: $rps, client: (timeout: "2s")),
    services: {
        "api": (
            instances: 4, workers: 256, cores: 8,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            pool: (size: 100, acquire_timeout: "1s"),
            endpoints: [(name: "write", plan: [Db(queries: 1) $read])],
            calls: { "db": (timeout: "500ms") },
        ),
    },
    database: (cores: 32, max_connections: 1000, query: Exp("1ms"), failover_window: "10s",
               replicas: $replicas $extra),
    timeline: $timeline,
)"#,
        &[
            ("header", &header()),
            ("length", &length),
            ("rps", &rps),
            ("read", &read),
            ("replicas", &replicas),
            ("extra", &extra),
            ("timeline", &timeline),
        ],
    )
}

fn db(w: &Window) -> &DbStats {
    w.db.as_ref().expect("a database")
}

fn rep(w: &Window) -> &ReplicationStats {
    db(w).replication.as_ref().expect("replicas")
}

/// Writes committed per second over windows `[from, to)`: successful user requests (each
/// makes one write).
fn write_rate(sim: &Sim, from: usize, to: usize) -> f64 {
    let ws = &sim.windows()[from..to];
    f64::from(ws.iter().map(|w| w.edge.users_ok).sum::<u32>()) / ws.len() as f64
}

#[test]
fn a_slow_replica_falls_behind_at_one_minus_apply_over_write_and_catches_up_after() {
    // 1000 writes/s; the replica applies 5000/s, slowed 10× (500/s) from 60 s to 180 s. Its
    // backlog grows at 500/s and, applied in order, its lag (the oldest unapplied write's
    // age) at 0.5 s per second — backlog / write rate. Then it drains at 4000/s.
    let timeline = r#"[(at: "60s", for: "120s", fault: SlowReplica(replica: "r1", factor: 10))]"#;
    let sim =
        run(&cluster(1000.0, false, r#"[(name: "r1", apply_rate: 5000, delay: "5ms")]"#, "", timeline, "240s"), 1);
    let w = sim.windows();
    let lag = |t: usize| f64::from(rep(&w[t]).lag_s);
    let unapplied = |t: usize| rep(&w[t]).replicas[0].unapplied as f64;
    assert!(lag(55) < 0.05, "caught up before the fault: {} s", lag(55));
    let rate = write_rate(&sim, 60, 180);
    // Over 100 s the lag's slope is (1 − 500/W): a Poisson count of 100 k writes, ±0.3 %.
    assert_rel("lag growth (s per s)", (lag(169) - lag(69)) / 100.0, 1.0 - 500.0 / rate, 0.02);
    assert_rel("backlog growth (writes per s)", (unapplied(169) - unapplied(69)) / 100.0, rate - 500.0, 0.02);
    for t in [99_usize, 139, 179] {
        assert_rel(&format!("lag at {t}s vs backlog / write rate"), lag(t), unapplied(t) / rate, 0.02);
    }
    // ~60 k unapplied at 180 s drain at 5000 − 1000 = 4000/s: caught up within ~15 s.
    assert!(lag(200) < 0.05, "caught up 20 s after the fault: {} s", lag(200));
    assert!(lag(190) > 1.0, "still draining 10 s after: {} s", lag(190));
}

#[test]
fn a_read_from_a_lagging_replica_is_stale_with_probability_one_minus_e_to_the_minus_backlog_over_keys() {
    // 500 rps, each one write and one read. The replica ships each write 2 s after commit and
    // applies it at once: its backlog is the writes of the last 2 s, Poisson(W·d), and a read
    // is stale with probability E[1 − e^(−B/K)] = 1 − e^(−W·d·(1−e^(−1/K))) ≈ 1 − e^(−W·d/K).
    // K = 50 000: 1 − e^(−0.02) ≈ 1.98 %. Over 290 s ≈ 145 k reads: 2.9 k ± 54 stale (1.9 %).
    let replicas = r#"[(name: "r1", apply_rate: 100000, delay: "2s")]"#;
    let sim = run(&cluster(500.0, true, replicas, ", keys: 50000", "[]", "300s"), 2);
    let ws = &sim.windows()[10..];
    let reads: u32 = ws.iter().map(|w| rep(w).replicas[0].reads).sum();
    let stale: u32 = ws.iter().map(|w| db(w).stale_reads).sum();
    let w = write_rate(&sim, 10, 300);
    let theory = 1.0 - (-w * 2.0 / 50_000.0).exp();
    assert_rel("stale share of replica reads", f64::from(stale) / f64::from(reads), theory, 0.08);
    // Every read went to the replica, none to the primary's cores beyond the writes.
    assert_rel("replica reads per second", f64::from(reads) / ws.len() as f64, w, 0.01);
    // Caught up (apply in the same instant as arrival): no stale read at all.
    let fresh = run(&cluster(500.0, true, r#"[(name: "r1", apply_rate: 100000, delay: "0s")]"#, "", "[]", "120s"), 2);
    let stale: u32 = fresh.windows().iter().map(|w| db(w).stale_reads).sum();
    assert!(stale < 20, "a replica 0.01 ms behind serves almost no stale read: {stale}");
}

#[test]
fn a_failover_loses_the_writes_inside_the_promoted_replicas_lag() {
    // The replica falls behind from 60 s (applying 500/s of 1000/s). Failover at 120 s takes
    // effect at 125 s: the replica is 32.5 s behind and lacks ~32.5 k writes, which are lost.
    let timeline = r#"[(at: "60s", fault: SlowReplica(replica: "r1", factor: 10))]"#;
    let text = cluster(1000.0, false, r#"[(name: "r1", apply_rate: 5000, delay: "5ms")]"#, "", timeline, "200s");
    let cmds = [TimedCommand { by: None, at: SimTime::from_secs(120), command: Command::Failover }];
    let sim = run_with(&text, 3, &cmds);
    let w = sim.windows();
    let rate = write_rate(&sim, 60, 120);
    // The window closing at 124 s, plus the last second's growth (lag +0.5 s, backlog +W − 500).
    let lag_before = f64::from(rep(&w[123]).lag_s) + (1.0 - 500.0 / rate);
    let lost = rep(w.last().unwrap()).lost_writes_total as f64;
    assert_rel("lost writes vs write rate × lag (RPO = lag)", lost, rate * lag_before, 0.02);
    let backlog_before = rep(&w[123]).replicas[0].unapplied as f64 + (rate - 500.0);
    assert_rel("lost writes vs the backlog just before", lost, backlog_before, 0.01);
    assert_eq!(w.iter().map(|w| u64::from(db(w).lost_writes)).sum::<u64>(), lost as u64, "counted once, in one window");
    // The slow replica is now the primary; the rebuilt old primary is a healthy replica.
    assert!(rep(&w[140]).lag_s < 0.05, "every replica starts caught up with the new primary");
    assert!(
        sim.events().iter().any(
            |e| matches!(&e.kind, firedrill::sim::EventKind::FaultCleared { why, .. } if why.contains("promoted"))
        )
    );
}

/// A 120 s partition at 60 s cutting the primary off with half the instances; the
/// orchestrator fails over after 15 s.
fn split(fence: bool) -> Sim {
    let timeline = r#"[(at: "60s", for: "120s", fault: PrimaryPartition(fraction: 0.5))]"#;
    let extra = format!(r#", auto_failover: (detect_after: "15s"), fence_old_primary: {fence}"#);
    run(&cluster(1000.0, false, r#"[(name: "r1"), (name: "r2")]"#, &extra, timeline, "240s"), 4)
}

#[test]
fn a_partition_with_automatic_failover_and_no_fencing_gives_split_brain_conflicts_of_write_rate_times_split_time() {
    let sim = split(false);
    let w = sim.windows();
    let rate = write_rate(&sim, 10, 60);
    // 60–75 s: the cut-off half writes to the old primary, nothing ships: at 75 s the
    // orchestrator promotes a replica that lacks those ~W/2 × 15 s writes.
    let lost = rep(w.last().unwrap()).lost_writes_total as f64;
    assert_rel("lost at promotion vs W/2 × detection time", lost, rate / 2.0 * 15.0, 0.03);
    // 75–85 s (failover window): only the old side writes, to the abandoned primary; 85–180 s:
    // both primaries take writes. Every one of them conflicts.
    let conflicting = rep(w.last().unwrap()).conflicting_writes_total as f64;
    assert_rel("conflicting writes vs write rate × split time", conflicting, rate / 2.0 * 10.0 + rate * 95.0, 0.03);
    assert!(rep(&w[100]).split_brain && rep(&w[100]).partitioned, "two primaries during the partition");
    assert!(!rep(&w[200]).split_brain, "the split ends when the partition heals");
    assert_eq!(w[185..].iter().map(|w| db(w).conflicting_writes).sum::<u32>(), 0, "no conflicts after it heals");
    let before: u32 = w[62..74].iter().map(|w| w.edge.users_failed).sum();
    assert_within(
        "share of requests failing before the failover (the cut-off side hangs)",
        f64::from(before) / (rate * 12.0),
        0.45,
        0.55,
    );
}

#[test]
fn fencing_the_old_primary_prevents_split_brain_at_the_cost_of_its_side() {
    let sim = split(true);
    let w = sim.windows();
    assert_eq!(rep(w.last().unwrap()).conflicting_writes_total, 0, "fenced: one primary at a time");
    assert!(rep(w.last().unwrap()).lost_writes_total > 0, "the promoted replica still lacks the unshipped writes");
    // After the failover window the fenced side fails its writes until the partition heals.
    let rate = write_rate(&sim, 10, 60);
    let failed: u32 = w[90..175].iter().map(|w| w.edge.users_failed).sum();
    assert_within("share failing while fenced", f64::from(failed) / (rate * 85.0), 0.45, 0.55);
}
