//! The mechanisms GitHub, October 2018 needed, each in its small scenario under
//! `tests/mechanisms/`: a primary that an unfenced automatic failover leaves **diverged** (both
//! copies hold writes the other lacks: failing back loses the new side's, a restore keeps both),
//! a **restore from backup** that takes a long, visible time and then catches up at the
//! replica's apply rate, a node's **round trip** that moves with the primary, and a **paused
//! queue**. Each test checks the semantics `scenarios/README.md` states against the figures the
//! scenario implies (write rate × time, backlog / (apply rate − write rate)).

// Counts become f64 for ratios and means (far below 2⁵²).
#![allow(clippy::cast_precision_loss)]

mod common;

use common::{assert_rel, assert_within};
use firedrill::sim::observe::metric::{ReplicationStats, Window};
use firedrill::sim::{Command, EventKind, Sim, SimTime, TimedCommand, play};

fn text(name: &str) -> String {
    let path = format!("{}/tests/mechanisms/{name}.ron", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run_text(text: &str, commands: &[(u64, Command)]) -> Sim {
    let spec = firedrill::scenario::parse("mechanism.ron", text).unwrap_or_else(|e| panic!("not valid:\n{e}"));
    let cmds: Vec<TimedCommand> = commands
        .iter()
        .map(|(at, c)| TimedCommand { by: None, at: SimTime::from_secs(*at), command: c.clone() })
        .collect();
    play(spec.sim.clone(), 1, &cmds, None)
}

fn rep(w: &Window) -> &ReplicationStats {
    w.db.as_ref().unwrap().replication.as_ref().unwrap()
}

/// Writes per second: every successful user request of the scenario writes twice.
fn write_rate(sim: &Sim, from: usize, to: usize) -> f64 {
    let ws = &sim.windows()[from..to];
    2.0 * f64::from(ws.iter().map(|w| w.edge.users_ok).sum::<u32>()) / ws.len() as f64
}

fn mean_edge_ms(ws: &[Window]) -> f64 {
    let (sum, n) = ws.iter().fold((0.0, 0.0), |(s, n), w| {
        (s + f64::from(w.edge.red.mean_ms) * f64::from(w.edge.red.ok), n + f64::from(w.edge.red.ok))
    });
    sum / n
}

fn event_at(sim: &Sim, f: impl Fn(&EventKind) -> bool) -> f64 {
    sim.events().iter().find(|e| f(&e.kind)).map(|e| e.t.secs_f64()).expect("the event happened")
}

#[test]
fn an_unfenced_automatic_failover_leaves_the_old_primary_diverged_and_the_app_pays_the_new_primarys_rtt() {
    let sim = run_text(&text("diverged-restore"), &[]);
    let w = sim.windows();
    let rate = write_rate(&sim, 10, 60);
    // Cut at 60 s, promotion at 75 s, healed at 100 s. The old primary keeps the writes West
    // never got: the last second shipped late (delay 1 s) and everything since the cut.
    assert_eq!(rep(&w[70]).diverged, None, "nothing diverges before the orchestrator acts");
    assert_eq!(rep(&w[120]).diverged.as_deref(), Some("east"));
    assert_eq!(rep(&w[120]).primary, "west");
    assert_rel("old side's writes vs W × (delay + partition)", rep(&w[120]).old_side_writes as f64, rate * 41.0, 0.03);
    assert_rel("conflicting writes vs W × split time", rep(&w[120]).conflicting_writes_total as f64, rate * 25.0, 0.03);
    assert_eq!(rep(w.last().unwrap()).lost_writes_total, 0, "nothing is lost: both copies still hold their writes");
    // Every write the new primary takes is one the old primary lacks.
    let grown = (rep(&w[300]).new_side_writes - rep(&w[200]).new_side_writes) as f64;
    assert_rel("new side's writes grow at the write rate", grown / 100.0, write_rate(&sim, 200, 300), 0.01);
    assert_eq!(rep(&w[300]).old_side_writes, rep(&w[120]).old_side_writes, "the old side holds still");
    // Every query now crosses the network: two queries, 50 ms each way and back.
    let before = mean_edge_ms(&w[10..60]);
    let after = mean_edge_ms(&w[200..300]);
    assert_rel("extra latency vs 2 queries × rtt", after - before, 100.0, 0.05);
    assert_rel("primary rtt shown", f64::from(rep(&w[200]).primary_rtt_ms), 50.0, 1e-6);
    // Without database.restore the old behaviour holds: rebuilt at once, the stranded writes lost.
    let instant = run_text(&text("diverged-restore").replace("restore: (transfer: \"2m\", fail_back: true),", ""), &[]);
    let last = rep(instant.windows().last().unwrap());
    assert!(last.diverged.is_none() && last.old_side_writes == 0, "no divergence without rebuilds");
    assert_rel(
        "lost at promotion without rebuilds: W × (delay + detection)",
        last.lost_writes_total as f64,
        rate * 16.0,
        0.05,
    );
}

#[test]
fn failing_back_onto_the_diverged_node_loses_every_write_the_new_primary_took() {
    let sim = run_text(&text("diverged-restore"), &[(150, Command::Failover)]);
    let w = sim.windows();
    // The failover takes effect at 155 s: the new side's writes at that moment are discarded
    // (the window closing at 154 s, plus one more second of writes).
    let expected = rep(&w[153]).new_side_writes as f64 + write_rate(&sim, 140, 154);
    assert_rel("lost writes vs the new side's writes", rep(&w[200]).lost_writes_total as f64, expected, 0.01);
    let r = rep(&w[200]);
    assert_eq!((r.primary.as_str(), r.primary_rtt_ms), ("east", 0.0), "the primary is back next to the app");
    assert_eq!(r.old_side_writes, 0, "the old side's writes are kept: they are on the primary again");
    assert_eq!(r.diverged.as_deref(), Some("west"), "west holds what was discarded: it must be rebuilt");
}

#[test]
fn a_restore_copies_for_its_transfer_time_replays_the_old_sides_writes_and_catches_up_at_apply_minus_write_rate() {
    let sim = run_text(&text("diverged-restore"), &[(150, Command::Restore)]);
    let w = sim.windows();
    let started = event_at(&sim, |k| matches!(k, EventKind::RestoreStarted { .. }));
    let copied = event_at(&sim, |k| matches!(k, EventKind::RestoreCopied { .. }));
    let finished = event_at(&sim, |k| matches!(k, EventKind::RestoreFinished { .. }));
    assert_within("restore starts after the command's 5 s", started, 155.0, 155.0);
    assert_within("copying takes its transfer time", copied - started, 120.0, 121.0);
    // Progress is linear in the copy.
    let progress = rep(&w[214]).restore.as_ref().unwrap().progress;
    assert_rel("progress half way through the copy", f64::from(progress), 0.5, 0.02);
    assert!(rep(&w[200]).old_side_writes > 0, "saved, not yet replayed");
    assert_eq!(rep(&w[280]).old_side_writes, 0, "replayed onto the primary once copied");
    // Catching up: every write since the backup (0 s), applied at 3000/s while W arrive.
    let behind = sim
        .events()
        .iter()
        .find_map(|e| match e.kind {
            EventKind::RestoreCopied { behind, .. } => Some(behind as f64),
            _ => None,
        })
        .unwrap();
    let rate = write_rate(&sim, 280, 320);
    assert_rel(
        "catch-up time vs backlog / (apply rate − write rate)",
        finished - copied,
        behind / (3000.0 - rate),
        0.05,
    );
    // Then the planned switchover: the primary is back east, nothing lost, nothing diverged.
    let end = rep(w.last().unwrap());
    assert_eq!((end.primary.as_str(), end.primary_rtt_ms), ("east", 0.0));
    assert_eq!((end.lost_writes_total, end.old_side_writes, end.new_side_writes), (0, 0, 0));
    assert!(end.diverged.is_none() && end.restore.is_none());
    // And the command is refused when nothing needs rebuilding.
    let early = run_text(&text("diverged-restore"), &[(30, Command::Restore)]);
    assert!(early.commands()[0].rejected.as_deref().is_some_and(|r| r.contains("no database node needs rebuilding")));
}

#[test]
fn a_queue_whose_flag_is_off_holds_its_backlog_expires_it_after_retention_and_drains_when_on() {
    let set = |on| Command::SetFlag { flag: "jobs".into(), on };
    let sim = run_text(&text("queue-pause"), &[(60, set(false)), (300, set(true))]);
    let w = sim.windows();
    let q = |t: usize| &w[t].queues[0];
    let rate = f64::from(w[10..60].iter().map(|w| w.queues[0].enqueued).sum::<u32>()) / 50.0;
    assert!(q(50).depth < 20, "consumed while on: {}", q(50).depth);
    // Paused at 65 s: the backlog grows at the enqueue rate ...
    assert_rel("backlog after 100 s paused", f64::from(q(164).depth), rate * 100.0, 0.05);
    // ... until messages older than the 2 minute retention expire: it levels off.
    assert_rel("backlog levels off at rate × retention", f64::from(q(280).depth), rate * 120.0, 0.05);
    let expired: u32 = w[200..300].iter().map(|w| w.queues[0].expired).sum();
    assert_rel("expiries per second once full", f64::from(expired) / 100.0, rate, 0.05);
    // On again at 305 s: 64 loops on 4 cores run 800 jobs/s, so the backlog drains in about
    // depth / (800 − rate) ≈ 17 s.
    assert!(q(312).depth > 1000, "not drained at once: {}", q(312).depth);
    assert!(q(330).depth < 50, "drained: {}", q(330).depth);
}
