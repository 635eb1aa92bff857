//! The incident's lifecycle in the engine: objectives holding make the service stable, not the
//! end; the run ends when the player resolves, at the scenario's length or — only if the scenario
//! asks — at `auto_end` after it became stable; and every end the game chooses is announced in
//! the event log before it comes (the game's banner shows the same countdown).

mod common;

use firedrill::sim::{Command, EndReason, EventKind, Sim, SimTime, TimedCommand, play};

/// One service; a fault makes 30 % of requests fail from 1m to `until`; the objective holds once
/// errors have recovered under 1 % for 20 s. `extra` goes at the top level.
fn scenario(until: &str, second: &str, extra: &str) -> String {
    common::fill(
        r#"Scenario(
    $header
    length: "10m",
    traffic: (base_rps: 200, client: (timeout: "1h")),
    services: {
        "api": (instances: 2, workers: 8, cores: 8, memory: (per_request_mb: 0),
                health: (interval: "1h", timeout: "1h"),
                endpoints: [(name: "work", plan: [Cpu(Exp("2ms"))])]),
    },
    timeline: [
        (label: "errors", at: "1m", for: "$until", fault: ErrorInjection(target: "api", rate: 0.3)),
        (label: "again", at: "$second", for: "30s", fault: ErrorInjection(target: "api", rate: 0.3)),
    ],
    objectives: [
        (name: "errors back under 1%", when: All([Started("errors"), Recovered(metric: "edge.error_rate", below: 0.01, for: "20s")])),
    ],
    $extra
)"#,
        &[("header", &common::header()), ("until", &until), ("second", &second), ("extra", &extra)],
    )
}

fn events(sim: &Sim, pick: impl Fn(&EventKind) -> bool) -> Vec<(SimTime, EventKind)> {
    sim.events().iter().filter(|e| pick(&e.kind)).map(|e| (e.t, e.kind.clone())).collect()
}

#[test]
fn meeting_the_objectives_makes_the_service_stable_and_the_run_goes_on_to_its_length() {
    let sim = common::run(&scenario("1m", "9m59s", ""), 1);
    let stable = events(&sim, |k| matches!(k, EventKind::StabilityChanged { .. }));
    let (at, _) = stable.first().expect("the service became stable");
    // Errors stop at 2m; 20 s of clean windows: stable at about 2m20s.
    assert!((140..=145).contains(&at.whole_secs()), "stable at {at:?}");
    assert_eq!(stable[0].1, EventKind::StabilityChanged { stable: true });
    assert_eq!(sim.ended().map(|e| e.1), Some(EndReason::TimeUp), "stable is not the end");
    assert_eq!(sim.ended().map(|e| e.0), Some(SimTime::from_secs(600)));
    // The default cause — every fault inactive — held from the moment the first fault cleared
    // until the second began.
    let causes = events(&sim, |k| matches!(k, EventKind::CauseChanged { .. }));
    assert_eq!(
        causes,
        vec![
            (SimTime::from_secs(120), EventKind::CauseChanged { removed: true }),
            (SimTime::from_secs(599), EventKind::CauseChanged { removed: false }),
        ]
    );
}

#[test]
fn the_scenarios_length_is_announced_before_it_ends_the_run() {
    let sim = common::run(&scenario("1m", "9m59s", "lifecycle: (warn_before_end: \"90s\"),"), 1);
    let warned = events(&sim, |k| matches!(k, EventKind::EndScheduled { .. }));
    assert_eq!(
        warned,
        vec![(
            SimTime::from_secs(510),
            EventKind::EndScheduled { at: SimTime::from_secs(600), reason: EndReason::TimeUp }
        )]
    );
    let ended = events(&sim, |k| matches!(k, EventKind::RunEnded { .. }));
    assert_eq!(ended[0].0, SimTime::from_secs(600));
}

#[test]
fn an_auto_end_is_a_countdown_from_stable_and_a_relapse_cancels_it() {
    // Stable at ~2m20s; a second fault at 3m (within the 1m countdown) breaks it; stable again at
    // ~3m50s; the run ends 1m later.
    let sim = common::run(&scenario("1m", "3m", "lifecycle: (auto_end: \"1m\"),"), 1);
    let end: Vec<(SimTime, EventKind)> = events(&sim, |k| {
        matches!(k, EventKind::EndScheduled { .. } | EventKind::EndCancelled | EventKind::StabilityChanged { .. })
    });
    let kinds: Vec<&EventKind> = end.iter().map(|e| &e.1).collect();
    assert!(
        matches!(
            kinds[..],
            [
                EventKind::StabilityChanged { stable: true },
                EventKind::EndScheduled { reason: EndReason::AutoEnd, .. },
                EventKind::StabilityChanged { stable: false },
                EventKind::EndCancelled,
                EventKind::StabilityChanged { stable: true },
                EventKind::EndScheduled { reason: EndReason::AutoEnd, .. },
            ]
        ),
        "{end:?}"
    );
    let (stable_again, _) = end[4];
    let EventKind::EndScheduled { at, .. } = end[5].1 else { unreachable!() };
    assert_eq!(
        at,
        stable_again + firedrill::sim::Dur::from_secs(60),
        "the countdown runs from the moment it became stable"
    );
    assert_eq!(sim.ended(), Some((at, EndReason::AutoEnd)), "it ends when announced, not before");
}

#[test]
fn resolving_ends_the_run_at_once_and_an_all_clear_promises_nothing() {
    let commands = [
        TimedCommand {
            by: None,
            at: SimTime::from_secs(70),
            command: Command::Declare { severity: firedrill::sim::Severity::Sev2 },
        },
        TimedCommand {
            by: None,
            at: SimTime::from_secs(200),
            command: Command::StatusUpdate {
                audience: firedrill::sim::Audience::Customers,
                impact: "fixed".into(),
                next_update: firedrill::sim::Dur::ZERO,
                all_clear: true,
            },
        },
        TimedCommand { by: None, at: SimTime::from_secs(210), command: Command::Resolve },
    ];
    let sim = play(common::spec(&scenario("1m", "9m59s", "")), 1, &commands, None);
    assert_eq!(sim.ended(), Some((SimTime::from_secs(210), EndReason::Resolved)));
    let inc = sim.incident();
    assert_eq!(inc.all_clear, Some(SimTime::from_secs(200)));
    assert_eq!(inc.next_update_due, None, "the all-clear promises no next update");
    assert!(sim.commands().iter().all(|c| c.rejected.is_none()), "{:?}", sim.commands());
}
