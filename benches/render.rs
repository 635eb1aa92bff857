//! Frame benchmark (DESIGN.md §7): building and drawing the incident screen at 160×48, the way
//! the game does every time something on screen changes.

use criterion::{Criterion, criterion_group, criterion_main};
use firedrill::store::{Profile, ScenarioRef, Settings};
use firedrill::tui::app::{App, Msg};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::hint::black_box;

/// The incident screen of friday-deploy five minutes in: charts full, alerts firing, logs busy.
fn playing(ascii: bool) -> App {
    let spec = firedrill::scenario::builtin("friday-deploy").unwrap().unwrap();
    let settings = Settings { ascii, ..Settings::default() };
    let mut app = App::new(settings, Profile::default(), Keymap::default_map(), false);
    app.open(spec, ScenarioRef::Builtin("friday-deploy".into()));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let game = app.game_mut().unwrap();
    game.sim.advance_to(firedrill::sim::SimTime::from_secs(300));
    game.series.ingest(&game.sim);
    app.update(Msg::Resize(160, 48));
    app
}

fn frame(c: &mut Criterion) {
    let area = Rect::new(0, 0, 160, 48);
    for (name, ascii) in [("incident screen 160x48", false), ("incident screen 160x48, ascii", true)] {
        let app = playing(ascii);
        let mut buf = Buffer::empty(area);
        c.bench_function(name, |b| {
            b.iter(|| {
                buf.reset();
                render(black_box(&app), area, &mut buf);
            });
        });
    }
}

criterion_group!(benches, frame);
criterion_main!(benches);
