//! Hostile-but-valid scenarios (issue 10 §2): files that `validate` accepted and that ran for
//! hours, ate gigabytes or crashed. Each lives in `tests/hostile/` with a comment saying what
//! it did; this test says what each must do now: run to its end with bounded work, or be
//! refused at validation with a positioned error that names the fields driving the cost.

use firedrill::scenario;
use firedrill::sim::kernel::caps::{Cap, Caps};
use firedrill::sim::{EndReason, EventKind, SimTime, play, play_with_caps};
use std::path::Path;

fn text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A vanishing rate gives (almost) no arrivals: the gap to the next one is longer than the
/// run, not an overflow of the clock. Before the fix the clock wrapped round, arrivals were
/// scheduled in the past for ever, and the run never ended (an overflow panic in tests, an
/// allocation failure in release).
#[test]
fn a_vanishing_arrival_rate_runs_to_its_end_with_no_arrivals() {
    for (file, before_spike) in [("vanishing-rate.ron", 0..=0), ("vanishing-spike.ron", 5_000..=7_000)] {
        let spec = scenario::parse(file, &text(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let sim = std::thread::spawn(move || play(spec.sim, 1, &[], None)).join().expect("the run does not panic");
        assert_eq!(sim.ended(), Some((SimTime::from_secs(600), EndReason::TimeUp)), "{file}");
        // 100 rps for the first minute (6,000 ± 4σ), then nothing while the spike lasts and
        // 100 rps again for its last 4 minutes: the spike scenario has ~30,000 in all.
        let users = sim.totals().users;
        if *before_spike.end() == 0 {
            assert_eq!(users, 0, "{file}: {users} arrivals at 1e-20 rps over 10 minutes");
        } else {
            assert!((27_000..=33_000).contains(&users), "{file}: {users} arrivals");
            let during: u32 = sim.windows()[65..355].iter().map(|w| w.edge.users).sum();
            assert_eq!(during, 0, "{file}: arrivals while the rate was 1e-18 rps");
        }
    }
}

/// A service that cannot keep up, with no queue limit and patient clients: jobs pile up at
/// ~2,000 a second for as long as the run lasts.
const PILE_UP: &str = r#"Scenario(
    id: "pile-up", title: "Pile-up", difficulty: Easy, length: "2m", briefing: "Too slow.",
    traffic: (base_rps: 2000, client: (timeout: "1h")),
    services: { "api": (instances: 1, workers: 1, endpoints: [(name: "get", plan: [Cpu(Const("1s"))])]) },
)"#;

const SMALL: Caps = Caps { live: 50_000, ..Caps::DEFAULT };

/// At a cap the run ends with a reason and keeps what ran (windows, events); before the caps
/// it ran on and held every job (~720,000 entities at the end of two minutes).
#[test]
fn a_run_that_reaches_a_cap_stops_cleanly_and_keeps_what_ran() {
    let spec = scenario::parse("pile-up.ron", PILE_UP).unwrap();
    let sim = play_with_caps(spec.sim, 1, &[], None, SMALL);
    let (at, reason) = sim.ended().expect("the run ended");
    assert_eq!(reason, EndReason::Stopped(Cap::InFlight { limit: 50_000 }));
    // ~3 entities per request (call, try, job) at 2,000 a second: the cap falls near 8 s.
    assert!((SimTime::from_secs(5)..SimTime::from_secs(12)).contains(&at), "stopped at {at}");
    assert_eq!(sim.windows().len() as u64, at.whole_secs(), "every window up to the stop is kept");
    let last = sim.events().last().expect("events are kept");
    assert!(matches!(last.kind, EventKind::RunEnded { reason: EndReason::Stopped(_) }), "{:?}", last.kind);
    assert_eq!(
        reason_text(reason),
        "stopped: more than 50,000 calls, tries, jobs and messages in flight",
        "the reason says which cap and its number"
    );
}

fn reason_text(r: EndReason) -> String {
    match r {
        EndReason::Stopped(cap) => cap.describe(),
        other => format!("{other:?}"),
    }
}

/// The game shows the reason and goes to the debrief, as at any other end.
#[test]
fn the_game_goes_to_the_debrief_when_a_cap_stops_the_run() {
    use firedrill::store::{Profile, ScenarioRef, Settings};
    use firedrill::tui::app::{App, Msg, Screen};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let spec = scenario::parse("pile-up.ron", PILE_UP).unwrap();
    let mut app =
        App::new(Settings::default(), Profile::default(), firedrill::tui::keymap::Keymap::default_map(), false);
    app.open(spec, ScenarioRef::File("pile-up.ron".into()));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let g = app.game_mut().unwrap();
    g.sim.set_caps(SMALL);
    g.sim.advance_to(SimTime::from_secs(60));
    app.update(Msg::Frame(std::time::Duration::ZERO));
    assert!(matches!(app.screen, Screen::End(_)), "the debrief is up");
    app.update(Msg::Resize(160, 48));
    let area = ratatui::layout::Rect::new(0, 0, 160, 48);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    firedrill::tui::view::render(&app, area, &mut buf);
    let screen: String = buf.content().iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(screen.contains("stopped: more than 50,000 calls, tries, jobs and messages in flight"), "{screen}");
}

/// Every hostile file with an `.expected` next to it is refused by validation with exactly
/// those errors: positioned, over the budget, naming the fields that drive the cost. Before
/// the budget, `validate` accepted each of them (`UPDATE_EXPECTED=1` rewrites them; review
/// the diff). The files without one are valid and run (tested above).
#[test]
fn every_hostile_file_over_the_budget_is_refused_with_its_expected_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let update = std::env::var("UPDATE_EXPECTED").is_ok_and(|v| v == "1");
    let mut refused = 0;
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names.iter().filter(|n| n.strip_suffix(".ron").is_some()) {
        let stem = name.trim_end_matches(".ron");
        let expected_path = dir.join(format!("{stem}.expected"));
        let file = format!("tests/hostile/{name}");
        let result = scenario::parse(&file, &text(name));
        if !expected_path.exists() && !update {
            assert!(result.is_ok(), "{file} has no .expected but is refused:\n{}", result.err().unwrap());
            continue;
        }
        let errors = match result {
            Ok(_) if !expected_path.exists() => continue,
            Ok(_) => panic!("{file} was accepted, but it is over the budget"),
            Err(e) => format!("{e}\n"),
        };
        if update {
            std::fs::write(&expected_path, &errors).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        assert_eq!(errors, expected, "{file}: the errors differ from {stem}.expected");
        refused += 1;
    }
    assert!(refused >= 6, "only {refused} hostile files refused");
}
