//! The drill's two screens drawn into a buffer — no terminal, no network — from friday-deploy
//! at seed 7: the facilitator console (the host's `Game` and `Host`, with seats, commands, an
//! activity line and a note put in directly) and the projector (a seat's `Follower` built from
//! a welcome, as a joining projector builds it). Snapshots at 80×24 and 160×48; the truth must
//! show on the console, and no hidden fault may reach the projector.
//!
//! Accept new or changed snapshots with `INSTA_UPDATE=always cargo test --test tui_drill`,
//! then read every changed `.snap` file before committing it.

mod common;

use common::screen::text;
use firedrill::scenario::challenge::Challenge;
use firedrill::sim::{Audience, By, Command, Dur, Role, Severity, SimTime};
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::App;
use firedrill::tui::drill::follow::{self, Follower};
use firedrill::tui::drill::host::{Activity, Host, Seat, Source};
use firedrill::tui::drill::proto::{Clock, PROTOCOL, Welcome};
use firedrill::tui::game::Game;
use firedrill::tui::keymap::Keymap;
use firedrill::tui::screens::console::console;
use firedrill::tui::screens::projector::projector;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use std::sync::Arc;

const ID: &str = "friday-deploy";
const SEED: u64 = 7;
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn app() -> App {
    App::new(Settings::default(), Profile::default(), Keymap::default_map(), false)
}

fn advance(game: &mut Game, secs: u64) {
    game.sim.advance_to(SimTime::from_secs(secs));
    game.series.ingest(&game.sim);
    game.toasts.ingest(game.sim.events());
}

fn seat(name: &str, role: Role, conn: Option<u64>) -> Seat {
    Seat { by: By { name: name.into(), role }, conn, outbox: None, commands: 0, rejoins: 0 }
}

/// The host's side with no seats yet, its clock running at 2×, at `secs`.
fn empty_drill(secs: u64) -> (Game, Host) {
    let spec = firedrill::load::scenario(ID).unwrap();
    let (name, text) = firedrill::tui::drill::session::source_of(ID).unwrap();
    let source = Source { name, text, seed: SEED, challenge: Challenge::default() };
    let mut game = Game::at_challenge(Arc::new(spec), source.challenge, SEED, 2, firedrill::load::scenario_ref(ID));
    let host = Host::new("ABCDE-FGHJK".into(), "127.0.0.1:7447".into(), source, Host::default_perms());
    advance(&mut game, secs);
    (game, host)
}

/// Three seats (one offline, one back after a rejoin), their commands applied through the
/// host as a seat's frames would be, the facilitator's hint, a note and activity lines, at
/// three sim minutes: the v42 rollout began at two.
fn drill() -> (Game, Host) {
    let (mut game, mut host) = empty_drill(150);
    host.seats = vec![seat("ana", Role::Ic, Some(1)), seat("bo", Role::Ops, Some(2)), seat("cy", Role::Comms, None)];
    host.seats[1].rejoins = 1;
    host.activity.push(Activity { at: SimTime::from_secs(20), text: "ana (ic) joined from 127.0.0.1:50110".into() });
    host.activity.push(Activity { at: SimTime::from_secs(35), text: "bo (ops) rejoined from 127.0.0.1:50112".into() });
    let by = |i: usize, h: &Host| h.seats[i].by.clone();
    advance(&mut game, 160);
    host.seats[0].commands += 1;
    host.apply(&mut game, Command::Declare { severity: Severity::Sev2 }, by(0, &host), None);
    host.activity.push(Activity {
        at: game.sim.now(),
        text: "ana (ic): refused: roll back is for operations (bo); you are incident commander".into(),
    });
    advance(&mut game, 165);
    host.facilitate(&mut game, Command::Hint);
    advance(&mut game, 170);
    host.seats[2].commands += 1;
    let update = Command::StatusUpdate {
        audience: Audience::Internal,
        impact: "checkout errors for some customers".into(),
        next_update: Dur::from_secs(900),
        all_clear: false,
    };
    host.apply(&mut game, update, by(2, &host), None);
    host.activity.push(Activity { at: game.sim.now(), text: "cy (comms) left: the connection closed".into() });
    host.notes.push((SimTime::from_secs(172), "bo hesitates on the rollback: ask why in the debrief".into()));
    advance(&mut game, 180);
    (game, host)
}

/// The projector seat, built from the welcome the host would send it now.
fn projector_seat(game: &Game, host: &Host) -> (Follower, Game) {
    let w = Welcome {
        protocol: PROTOCOL,
        you: By { name: "wall".into(), role: Role::Projector },
        may: Vec::new(),
        scenario: host.source.name.clone(),
        text: host.source.text.clone(),
        seed: host.source.seed,
        challenge: host.source.challenge,
        log: host.log.clone(),
        clock: Clock { at: game.sim.now(), paused: game.pacer.paused, speed: game.pacer.speed, check: None },
        roster: host.roster(),
        ended: None,
    };
    let (f, g) = follow::build(&w).expect("the projector builds the host's drill");
    assert_eq!(g.sim.events(), game.sim.events(), "the projector re-simulated the host's run");
    (f, g)
}

fn draw(w: u16, h: u16, paint: impl Fn(Rect, &mut Buffer)) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    paint(area, &mut buf);
    buf
}

fn snap(name: &str, w: u16, h: u16, buf: &Buffer) {
    insta::with_settings!({ snapshot_suffix => format!("{w}x{h}") }, {
        insta::assert_snapshot!(name, text(buf));
    });
}

#[test]
fn the_console_shows_the_seats_the_truth_the_activity_and_the_notes() {
    let (game, host) = drill();
    let app = app();
    for (w, h) in SIZES {
        let buf = draw(w, h, |area, buf| console(&app, &game, &host, area, buf));
        let screen = text(&buf);
        for want in ["ABCDE-FGHJK", "127.0.0.1:7447", "03:00", "2 of 3", "ana", "cy", "offline", "v42 rollout"] {
            assert!(screen.contains(want), "{w}x{h}: no {want:?} on the console:\n{screen}");
        }
        for want in ["ACTIVE", "still to come", "support asks", "declare a Sev2 incident", "hesitates", "q quit"] {
            assert!(screen.contains(want), "{w}x{h}: no {want:?} on the console:\n{screen}");
        }
        snap("console", w, h, &buf);
    }
}

#[test]
fn the_console_marks_a_fault_in_force_in_red() {
    let (game, host) = drill();
    let buf = draw(160, 48, |area, buf| console(&app(), &game, &host, area, buf));
    let screen = text(&buf);
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains("ACTIVE")).expect("an active fault");
    let x = line[..line.find("ACTIVE").unwrap()].chars().count() as u16;
    assert_eq!(buf[(x, y as u16)].fg, Color::Red, "{line}");
}

#[test]
fn the_console_without_seats_says_how_to_join() {
    let (game, host) = empty_drill(30);
    let app = app();
    for (w, h) in SIZES {
        let buf = draw(w, h, |area, buf| console(&app, &game, &host, area, buf));
        let screen = text(&buf);
        assert!(screen.contains("no seats yet"), "{screen}");
        assert!(screen.contains("firedrill join 127.0.0.1:7447 --code ABCDE-FGHJK"), "{screen}");
        assert!(screen.contains("nothing has fired yet"), "{screen}");
        snap("console_no_seats", w, h, &buf);
    }
}

#[test]
fn the_projector_shows_the_edge_the_alerts_and_the_comms() {
    let (game, host) = drill();
    let (seat, seen) = projector_seat(&game, &host);
    let app = app();
    for (w, h) in SIZES {
        let buf = draw(w, h, |area, buf| projector(&app, &seen, &seat, area, buf));
        let screen = text(&buf);
        for want in ["REQUESTS", "ERRORS", "LATENCY p99", "INCIDENT Sev2", "checkout errors", "q quit"] {
            assert!(screen.contains(want), "{w}x{h}: no {want:?} on the projector:\n{screen}");
        }
        assert!(!screen.contains("PAUSED"), "{screen}");
        snap("projector", w, h, &buf);
    }
}

#[test]
fn the_projector_says_when_the_facilitator_paused_and_when_the_host_went() {
    let (game, host) = drill();
    let (mut seat, seen) = projector_seat(&game, &host);
    let app = app();
    seat.clock.paused = true;
    for (w, h) in SIZES {
        let buf = draw(w, h, |area, buf| projector(&app, &seen, &seat, area, buf));
        assert!(text(&buf).contains("PAUSED by the facilitator"), "{}", text(&buf));
        snap("projector_paused", w, h, &buf);
    }
    seat.lost = Some("the facilitator quit".into());
    for (w, h) in SIZES {
        let buf = draw(w, h, |area, buf| projector(&app, &seen, &seat, area, buf));
        assert!(text(&buf).contains("the host has gone: the facilitator quit"), "{}", text(&buf));
        snap("projector_lost", w, h, &buf);
    }
}

#[test]
fn no_hidden_fault_reaches_the_projector() {
    let (game, host) = drill();
    let (seat, seen) = projector_seat(&game, &host);
    let hidden: Vec<String> = game
        .sim
        .events()
        .iter()
        .filter(|e| e.hidden)
        .flat_map(|e| {
            let label = match &e.kind {
                firedrill::sim::EventKind::FaultStarted { label, .. }
                | firedrill::sim::EventKind::FaultCleared { label, .. }
                | firedrill::sim::EventKind::FaultAverted { label, .. } => label.clone(),
                _ => String::new(),
            };
            [label, e.kind.describe()]
        })
        .filter(|s| !s.is_empty())
        .collect();
    assert!(hidden.iter().any(|s| s == "v42 rollout"), "the bad deploy has fired: {hidden:?}");
    let app = app();
    for (w, h) in [(80, 24), (160, 48), (200, 60)] {
        let buf = draw(w, h, |area, buf| projector(&app, &seen, &seat, area, buf));
        // Rows joined with spaces, so a description wrapped over two rows is still found.
        let screen = text(&buf).lines().map(str::trim).collect::<Vec<_>>().join(" ");
        for secret in hidden.iter().chain([&"FAULT".to_string()]) {
            assert!(!screen.contains(secret.as_str()), "{w}x{h}: the projector shows {secret:?}:\n{}", text(&buf));
        }
    }
}

#[test]
fn the_truth_knows_entries_that_fired_at_a_time_or_on_a_condition() {
    use firedrill::tui::screens::console::{State, truth};
    let (mut game, _) = empty_drill(30);
    let (fired, pending) = truth(&game);
    assert!(fired.is_empty() && pending.len() == 5, "{fired:?} {pending:?}");
    assert!(pending.iter().any(|p| p.label == "db-slow-contingency" && p.trigger.starts_with("contingency")));
    assert!(pending.iter().any(|p| p.label == "support asks" && p.trigger.starts_with("when v42 rollout started")));
    // Past nine minutes with no status update: the support lead's message (a condition) fired.
    advance(&mut game, 560);
    let (fired, pending) = truth(&game);
    let state = |label: &str| fired.iter().find(|f| f.label == label).map(|f| (f.at.whole_secs(), f.state.clone()));
    assert_eq!(state("v42 rollout"), Some((120, State::Active)));
    assert_eq!(state("entry 2"), Some((240, State::Momentary)), "the log line at 4m");
    assert!(matches!(state("support asks"), Some((540..=560, State::Momentary))), "{fired:?}");
    let left: Vec<&str> = pending.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(left, ["db-slow-contingency"], "only the contingency waits, for the facilitator");
}
