//! What the player sees of the issue 8 mechanisms: the mechanism scenarios of
//! `tests/mechanisms/` opened in the game, run to a moment where the mechanism shows, with
//! its map row selected, drawn at 120×36 and compared with a committed snapshot (and the key
//! words checked, so a snapshot accepted by mistake still fails).
//!
//! Accept new or changed snapshots with `INSTA_UPDATE=always cargo test --test tui_mechanisms`,
//! then read every changed `.snap` file before committing it.

mod common;

use firedrill::sim::SimTime;
use firedrill::store::{Profile, ScenarioRef, Settings};
use firedrill::tui::app::{App, Msg, Screen};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// The mechanism scenario `name`, played to `secs` with the map row `row` selected.
fn playing(name: &str, secs: u64, row: usize) -> App {
    let path = format!("{}/tests/mechanisms/{name}.ron", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let spec = firedrill::scenario::parse(&path, &text).unwrap();
    let mut app = App::new(Settings::default(), Profile::default(), Keymap::default_map(), false);
    app.open(spec, ScenarioRef::File(path));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Playing(_)), "the briefing leads to the game");
    let g = app.game_mut().unwrap();
    g.sim.advance_to(SimTime::from_secs(secs));
    g.series.ingest(&g.sim);
    for _ in 0..row {
        press(&mut app, KeyCode::Down);
    }
    app
}

fn screen(app: &App) -> String {
    let area = Rect::new(0, 0, 120, 36);
    let mut buf = Buffer::empty(area);
    render(app, area, &mut buf);
    common::screen::text(&buf)
}

#[test]
fn a_queue_shows_its_backlog_oldest_age_redeliveries_and_dead_letters() {
    // Map rows: edge, web, mailer, mailer→smtp, smtp, emails.
    let app = playing("queue-at-least-once", 230, 5);
    let text = screen(&app);
    for word in ["emails", "msgs", "oldest message", "redelivered", "backlog", "consumers", "DLQ"] {
        assert!(text.contains(word), "`{word}` is not on screen:\n{text}");
    }
    insta::assert_snapshot!("queue_backlog", text);
}

#[test]
fn the_database_shows_replica_lag_lost_and_conflicting_writes_and_two_primaries() {
    // Map rows: edge, app, app→db, db.
    let app = playing("split-brain", 200, 3);
    let text = screen(&app);
    for word in ["lag", "lost writes", "conflicting", "TWO PRIMARIES"] {
        assert!(text.contains(word), "`{word}` is not on screen:\n{text}");
    }
    insta::assert_snapshot!("split_brain", text);
}
