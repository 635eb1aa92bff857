//! Message queues against their stated semantics (Amazon SQS's documented behaviour:
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html>)
//! and against queueing theory: a backlog grows at arrivals minus consumer capacity, and in a
//! FIFO backlog the depth is the arrival rate times the oldest message's age (Little's law);
//! delivery is at least once — a message not deleted within its visibility timeout is
//! delivered again; a message received more than `max_receives` times goes to the dead-letter
//! queue; messages older than the retention expire.

// Counts become f64 for rates; whole seconds become window indices.
#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_rel, assert_within, fill, header, run};
use firedrill::sim::{EventKind, Sim};

/// Users at `rps` hit `api`, which enqueues one message per request; `worker` (1 instance
/// of `per_instance` consumer loops) runs `plan` on each message. A restarted worker is back
/// in rotation after one health check (every second).
fn pipeline(rps: f64, plan: &str, queue: &str, extra: &str, length: &str) -> String {
    fill(
        r#"Scenario(
    $header
    length: "$length",
    traffic: (base_rps: $rps, client: (timeout: "1h")),
    services: {
        "api": (
            instances: 1, workers: 64, cores: 8,
            memory: (per_request_mb: 0), health: (interval: "1h", timeout: "1h"),
            endpoints: [(name: "signup", plan: [Cpu(Exp("1ms")), Enqueue(queue: "emails")])],
        ),
        "worker": (
            instances: 1, workers: 256, cores: 256, startup: "5s",
            memory: (per_request_mb: 0), health: (interval: "1s", timeout: "1h", healthy_after: 1),
            endpoints: [(name: "send", plan: $plan)],
        ),
    },
    queues: { "emails": (consumer: "worker", $queue) },
    $extra
)"#,
        &[
            ("header", &header()),
            ("length", &length),
            ("rps", &rps),
            ("plan", &plan),
            ("queue", &queue),
            ("extra", &extra),
        ],
    )
}

fn total(sim: &Sim, f: impl Fn(&firedrill::sim::observe::metric::QueueStats) -> u32) -> u64 {
    sim.windows().iter().map(|w| u64::from(f(&w.queues[0]))).sum()
}

#[test]
fn a_backlog_grows_at_arrivals_minus_capacity_and_its_depth_is_arrivals_times_the_oldest_age() {
    // 100 messages/s; 5 consumer loops of Exp(100 ms): capacity 50/s. The backlog grows at
    // 50/s; FIFO, so after t seconds the oldest unprocessed message arrived when the μt-th
    // did: age = t(1 − μ/λ) and depth = λ · age.
    let sim = run(&pipeline(100.0, r#"[Wait(Exp("100ms"))]"#, "per_instance: 5", "", "600s"), 2);
    let w = sim.windows();
    let (d1, d2) = (f64::from(w[199].queues[0].depth), f64::from(w[599].queues[0].depth));
    // Over 400 s: arrivals 40 k ± 200, completions 20 k ± 140 (Poisson): the slope is ±0.6 %.
    assert_rel("backlog growth per second", (d2 - d1) / 400.0, 50.0, 0.03);
    for t in [199_usize, 399, 599] {
        let q = &w[t].queues[0];
        assert_rel(
            &format!("age of the oldest at {t}s vs t(1 − μ/λ)"),
            f64::from(q.age_s),
            0.5 * (t as f64 + 1.0),
            0.04,
        );
        assert_rel(&format!("depth at {t}s vs λ × age (Little)"), f64::from(q.depth), 100.0 * f64::from(q.age_s), 0.04);
        assert_eq!(q.consumers_busy, 5, "every consumer loop is busy");
    }
    assert_eq!(total(&sim, |q| q.redelivered), 0, "consumers finish long inside the 30 s visibility timeout");
}

#[test]
fn a_message_not_deleted_within_the_visibility_timeout_is_delivered_again() {
    // Processing takes 1.5 s, the visibility timeout is 1 s: each message becomes visible
    // again at 1 s, a free consumer takes it, the first processing deletes it at 1.5 s, the
    // second finishes at 2.5 s — exactly one redelivery and one duplicate per message (at
    // 2 s the second receive's timeout finds it deleted).
    let queue = r#"per_instance: 50, visibility_timeout: "1s""#;
    let sim = run(&pipeline(5.0, r#"[Wait(Const("1500ms"))]"#, queue, "", "300s"), 3);
    let processed = total(&sim, |q| q.processed);
    assert!(processed > 1_300, "about 1500 messages, got {processed}");
    let (redelivered, duplicates) = (total(&sim, |q| q.redelivered), total(&sim, |q| q.duplicates));
    // Messages of the last 2.5 s may be mid-way: allow their count.
    assert_within("redeliveries per processed message", redelivered as f64 / processed as f64, 0.99, 1.01);
    assert_within("duplicates per processed message", duplicates as f64 / processed as f64, 0.99, 1.01);
    // An idempotent consumer redelivers the same way but causes no duplicate side effect.
    let idem = run(&pipeline(5.0, r#"[Wait(Const("1500ms"))]"#, &format!("{queue}, idempotent: true"), "", "300s"), 3);
    assert_eq!(total(&idem, |q| q.duplicates), 0);
    assert_eq!(total(&idem, |q| q.redelivered), redelivered, "same seed, same redeliveries");
    // Finishing inside the timeout: no redelivery at all.
    let fast = run(&pipeline(5.0, r#"[Wait(Const("500ms"))]"#, queue, "", "300s"), 3);
    assert_eq!(total(&fast, |q| q.redelivered) + total(&fast, |q| q.duplicates), 0);
}

#[test]
fn a_crashed_consumer_loses_no_message_they_come_back_after_the_visibility_timeout() {
    // Two consumer instances; one crashes at 60 s with messages in hand. They are not lost:
    // after the 10 s visibility timeout the surviving loops process them.
    let timeline = r#"timeline: [(at: "60s", fault: InstanceCrash(service: "worker", instance: 1))],"#;
    let text =
        pipeline(20.0, r#"[Wait(Exp("200ms"))]"#, r#"per_instance: 8, visibility_timeout: "10s""#, timeline, "180s")
            .replace(
                r#""worker": (
            instances: 1,"#,
                r#""worker": (
            instances: 2,"#,
            );
    let sim = run(&text, 4);
    let crashed = sim.events().iter().filter(|e| matches!(e.kind, EventKind::InstanceCrashed { .. })).count();
    assert_eq!(crashed, 1);
    let (enqueued, processed) = (total(&sim, |q| q.enqueued), total(&sim, |q| q.processed));
    let left = u64::from(sim.windows().last().unwrap().queues[0].depth);
    assert!(total(&sim, |q| q.redelivered) > 0, "the crashed instance's messages were delivered again");
    assert_eq!(processed + left, enqueued, "every message is processed or still queued: none lost");
    assert!(left < 20, "the backlog drained after the crash ({left} left)");
}

#[test]
fn a_poison_message_crashes_a_consumer_per_receive_until_it_is_dead_lettered() {
    // One poison message at 30 s; visibility 20 s; max_receives 3: it is received at 30 s,
    // 50 s and 70 s, crashing the instance that gets it each time, and the fourth receive
    // moves it to the dead-letter queue instead.
    let timeline = r#"timeline: [(at: "30s", fault: PoisonMessage(queue: "emails"))],"#;
    let queue = r#"per_instance: 4, visibility_timeout: "20s", max_receives: 3"#;
    let text = pipeline(5.0, r#"[Wait(Exp("50ms"))]"#, queue, timeline, "300s").replace(
        r#""worker": (
            instances: 1,"#,
        r#""worker": (
            instances: 3,"#,
    );
    let sim = run(&text, 5);
    let crashes: Vec<u64> = sim
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InstanceCrashed { .. }))
        .map(|e| e.t.whole_secs())
        .collect();
    assert_eq!(crashes, vec![30, 50, 70], "one crash per receive, a visibility timeout apart");
    assert_eq!(total(&sim, |q| q.dead_lettered), 1);
    assert_eq!(sim.windows().last().unwrap().queues[0].dlq, 1);
    // Without a dead-letter queue the poison message keeps crashing consumers.
    let forever = run(&text.replace(", max_receives: 3", ""), 5);
    let n = forever.events().iter().filter(|e| matches!(e.kind, EventKind::InstanceCrashed { .. })).count();
    assert!(n >= 12, "without max_receives it is received (and crashes one) every 20 s: {n} crashes");
    assert_eq!(total(&forever, |q| q.dead_lettered), 0);
}

#[test]
fn messages_older_than_the_retention_expire_and_the_oldest_age_stays_below_it() {
    // 10/s arrive, the single consumer loop manages 1/s: with a 60 s retention the backlog
    // stops growing at about λ × 60 messages, and about 9/s expire.
    let sim = run(
        &pipeline(
            10.0,
            r#"[Wait(Const("1s"))]"#,
            r#"per_instance: 1, visibility_timeout: "30s", retention: "60s""#,
            "",
            "600s",
        ),
        6,
    );
    let w = &sim.windows()[300..];
    // Expiry runs every 100 ms tick; the message a consumer holds (for 1 s) is left to it.
    let oldest = w.iter().map(|w| w.queues[0].age_s).fold(0.0, f32::max);
    assert_within("oldest age (s)", f64::from(oldest), 59.0, 61.2);
    let expired: u64 = w.iter().map(|w| u64::from(w.queues[0].expired)).sum();
    // 3000 ± 55 arrivals over these 300 s (1.8 %): allowed 7 %.
    assert_rel("expired per second", expired as f64 / w.len() as f64, 9.0, 0.07);
    assert_rel("steady backlog vs λ × retention", f64::from(w.last().unwrap().queues[0].depth), 600.0, 0.1);
}
