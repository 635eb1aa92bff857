//! The interactive tutorial on `App::update`, as a player meets it: a holding prompt stops the
//! clock (no frames tick, the sim does not move), continue and esc answer a prompt, the keys
//! are the keymap's (a rebound key does the step and the prompt names it), whatever is sent
//! while the clock holds replays exactly headless, and a finished tutorial is marked done with
//! no score kept — while one that ran out of time is not. No terminal, no clock: sim time moves
//! only through `Msg::Frame` (or `advance_to`, where a test says so).

mod common;

use common::screen::text;
use firedrill::scenario::tutorial::Wait;
use firedrill::sim::{CommandKind, SimTime, play};
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::{App, Effect, Msg, Overlay, Screen};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::tutor::Outcome;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::time::Duration;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Effect> {
    press(app, KeyCode::Char(c))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

/// A new player: Campaign → the tutorial (its first entry) → briefing → enter.
fn tutorial_with(keymap: Keymap) -> App {
    let mut app = App::new(Settings::default(), Profile::default(), keymap, false);
    for _ in 0..3 {
        press(&mut app, KeyCode::Enter);
    }
    let Screen::Playing(g) = &app.screen else { panic!("the tutorial is running") };
    assert_eq!(g.spec.id, "tutorial");
    app
}

fn tutorial() -> App {
    tutorial_with(Keymap::default_map())
}

/// The index of the prompt waiting.
fn prompt(app: &App) -> Option<usize> {
    app.game().and_then(|g| g.prompt()).map(|(i, _)| i)
}

fn now(app: &App) -> SimTime {
    app.game().unwrap().sim.now()
}

/// Feeds quarter-second frames until `done` holds (at most `max` of them).
fn frames_until(app: &mut App, max: usize, done: impl Fn(&App) -> bool) {
    for _ in 0..max {
        if done(app) {
            return;
        }
        app.update(Msg::Frame(Duration::from_millis(250)));
    }
    assert!(done(app), "not reached after {max} frames; now {}", now(app));
}

fn screen(app: &App) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, 120, 36));
    firedrill::tui::view::render(app, buf.area, &mut buf);
    text(&buf)
}

/// Moves the open menu's cursor to `kind` and presses enter.
fn choose(app: &mut App, kind: CommandKind) {
    let Some(Overlay::Actions { items, .. }) = &app.overlay else { panic!("no menu is open: {:?}", app.overlay) };
    let at = items.iter().position(|k| *k == kind).unwrap_or_else(|| panic!("{kind:?} not offered"));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
}

/// Plays every prompt of the tutorial with the default keys, as its words say, to the end.
fn play_through(app: &mut App) {
    let spec = app.game().unwrap().spec.clone();
    for (i, step) in spec.tutorial.iter().enumerate() {
        assert_eq!(prompt(app), Some(i), "prompt {} waits", i + 1);
        match &step.wait {
            Wait::Continue => drop(press(app, KeyCode::Enter)),
            Wait::Press(_) => {
                let key = firedrill::tui::tutor::key(&step.wait, &app.keymap).unwrap();
                press(app, if key == "down" { KeyCode::Down } else { KeyCode::Char(key.chars().next().unwrap()) });
            }
            Wait::Tab(_) | Wait::Open(_) => {
                let key = firedrill::tui::tutor::key(&step.wait, &app.keymap).unwrap();
                ch(app, key.chars().next().unwrap());
            }
            Wait::Until(_) => frames_until(app, 4 * 600, |a| prompt(a) != Some(i)),
            Wait::Filter => {
                ch(app, '/');
                type_text(app, "error");
                press(app, KeyCode::Enter);
            }
            Wait::Command(CommandKind::Ack) => {
                frames_until(app, 4 * 600, |a| a.game().unwrap().sim.alert_views().iter().any(|x| x.firing));
                ch(app, 'a');
            }
            Wait::Command(CommandKind::Rollback) => {
                type_text(app, "rollback api");
                press(app, KeyCode::Enter);
                ch(app, 'y');
            }
            Wait::Command(kind) => {
                ch(app, 'i');
                choose(app, *kind);
                match kind {
                    CommandKind::Resolve => drop(ch(app, 'y')),
                    CommandKind::StatusUpdate if app.game().unwrap().sim.phase().stable_since.is_none() => {
                        press(app, KeyCode::Down);
                        type_text(app, "errors since 10:00:30, rolling back");
                        press(app, KeyCode::Enter);
                    }
                    _ => drop(press(app, KeyCode::Enter)),
                }
            }
        }
        assert_ne!(prompt(app), Some(i), "prompt {} ({:?}) was answered", i + 1, step.wait);
    }
}

#[test]
fn a_holding_prompt_stops_the_clock_until_it_is_answered() {
    let mut app = tutorial();
    assert_eq!(prompt(&app), Some(0));
    assert!(app.game().unwrap().held());
    assert!(!app.animating(), "no frames tick while the clock holds");
    app.update(Msg::Frame(Duration::from_millis(250)));
    assert_eq!(now(&app), SimTime::ZERO, "a frame that arrives anyway moves nothing");
    let shown = screen(&app);
    assert!(shown.contains("HELD") && shown.contains("Tutorial 1/") && shown.contains("enter: continue"), "{shown}");
    // Enter answers "continue"; + (the next prompt's key) speeds up the clock.
    press(&mut app, KeyCode::Enter);
    assert_eq!(prompt(&app), Some(1));
    ch(&mut app, '+');
    assert_eq!(prompt(&app), Some(2), "pressing the key answers the prompt");
    assert!(!app.game().unwrap().held() && app.animating(), "a prompt that waits for the run lets the clock go");
    app.update(Msg::Frame(Duration::from_millis(250)));
    assert_eq!(now(&app), SimTime(500_000), "2x: 250 ms of wall time is 500 ms of sim time");
}

#[test]
fn a_continue_prompt_leaves_the_other_keys_to_the_screen_and_esc_skips_any_prompt() {
    let mut app = tutorial();
    ch(&mut app, '2');
    assert_eq!(prompt(&app), Some(0), "another key does not answer \"continue\"");
    assert_eq!(app.game().unwrap().view.panel, firedrill::tui::game::Panel::Logs, "but does what it does");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let outcomes = &app.game().unwrap().tutor.as_ref().unwrap().outcomes;
    assert_eq!(outcomes, &[Outcome::Skipped(SimTime::ZERO), Outcome::Skipped(SimTime::ZERO)]);
    // Inside a dialog, esc closes the dialog and skips nothing.
    ch(&mut app, ':');
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    assert_eq!(prompt(&app), Some(2));
}

#[test]
fn a_rebound_key_does_the_step_and_the_prompt_names_it() {
    let (keys, warnings) = Keymap::with_user(
        "keymap.ron",
        r#"Keymap(incident: [(keys: ["g"], action: Panel2, desc: "logs"), (keys: ["ctrl-f"], action: SpeedUp, desc: "faster")])"#,
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut app = tutorial_with(keys);
    let logs = app.game().unwrap().spec.tutorial.iter().position(|s| matches!(s.wait, Wait::Tab(_))).unwrap();
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Press ctrl-f to") && screen(&app).contains("press ctrl-f ·"), "{}", screen(&app));
    while prompt(&app) != Some(logs) {
        press(&mut app, KeyCode::Esc);
    }
    let shown = screen(&app);
    assert!(shown.contains("Press g to open the logs") && shown.contains("press g ·"), "{shown}");
    ch(&mut app, '2');
    assert_eq!(prompt(&app), Some(logs), "2 is no longer the logs' key");
    ch(&mut app, 'g');
    assert_eq!(prompt(&app), Some(logs + 1));
}

#[test]
fn the_whole_tutorial_replays_exactly_and_marks_itself_done_without_a_score() {
    let mut app = tutorial();
    play_through(&mut app);
    let Screen::End(g) = &app.screen else { panic!("the last prompt's resolve ends the run") };
    let outcomes = &g.tutor.as_ref().unwrap().outcomes;
    assert!(outcomes.iter().all(|o| matches!(o, Outcome::Done(_))), "{outcomes:?}");
    let held = g.recorded.windows(2).filter(|w| w[0].at == w[1].at).count();
    assert!(held >= 2, "declare, rollback and the update were sent while the clock held: {:?}", g.recorded);
    // What was sent while the clock held carries the held time; headless, the same commands at
    // the same times give the same run, event for event.
    let replay = play(g.spec.sim.clone(), g.sim.seed(), &g.recorded, None);
    assert_eq!(
        serde_json::to_string(replay.events()).unwrap(),
        serde_json::to_string(g.sim.events()).unwrap(),
        "the replay differs from the game"
    );
    let shown = screen(&app);
    let n = g.spec.tutorial.len();
    assert!(
        shown.contains(&format!("Tutorial: {n} of {n} steps done")) && shown.contains("its score is not kept"),
        "{shown}"
    );
    app.update(Msg::RunSaved(Ok("/data/runs/tutorial.ron".into())));
    assert!(app.profile.is_completed("tutorial"));
    assert_eq!(app.profile.best_for("tutorial"), None, "practice keeps no score");
    assert!(app.notices.iter().any(|n| n.contains("done: the campaign's next scenario is open")), "{:?}", app.notices);
    assert!(app.unlocked(1), "friday-deploy is open");
}

#[test]
fn a_tutorial_whose_time_ran_out_is_not_done() {
    let mut app = tutorial();
    for _ in 0..5 {
        press(&mut app, KeyCode::Esc);
    }
    let g = app.game_mut().unwrap();
    g.sim.advance_to(SimTime::from_secs(15 * 60));
    app.update(Msg::Frame(Duration::from_millis(1)));
    assert!(matches!(app.screen, Screen::End(_)), "the scenario's length ends the run");
    let shown = screen(&app);
    assert!(shown.contains("skipped") && shown.contains("not reached"), "{shown}");
    app.update(Msg::RunSaved(Ok("/data/runs/tutorial.ron".into())));
    assert!(!app.profile.is_completed("tutorial"));
    assert!(app.notices.iter().any(|n| n.contains("not reached: play it again")), "{:?}", app.notices);
}

/// The format reference's example tutorial (`scenarios/README.md`, under "## tutorial") is a
/// valid one, so the documentation cannot drift from the validator.
#[test]
fn the_format_references_example_tutorial_is_valid() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/README.md")).unwrap();
    let section = &doc[doc.find("\n## tutorial\n").expect("the section")..];
    let example = section.split("```ron\n").nth(1).and_then(|b| b.split("```").next()).expect("a ron block");
    let text = format!(
        r#"Scenario(id: "doc", title: "Doc", difficulty: Easy, length: "10m", briefing: "b",
    traffic: (base_rps: 50),
    services: {{ "api": (instances: 2, endpoints: [(name: "home", plan: [Cpu(Exp("5ms"))])]) }},
    {example})"#
    );
    let spec = firedrill::scenario::parse("README.md", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(spec.tutorial.len(), 6);
    assert!(spec.tutorial[0].hold && !spec.tutorial[2].hold && spec.tutorial[4].hold && !spec.tutorial[5].hold);
}
