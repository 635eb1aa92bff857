//! Frame benchmark (DESIGN.md §7): building and drawing the incident screen at 160×48, the way
//! the game does every time something on screen changes (the budget is 2 ms). The last bench
//! measures the terminal boundary alone: the pass over every cell of a drawn frame that marks
//! escape, bidi and zero-width characters (`view::safe_cells`), which `render` includes.

use criterion::{Criterion, criterion_group, criterion_main};
use firedrill::store::{Profile, ScenarioRef, Settings};
use firedrill::tui::app::{App, Msg};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::{render, safe_cells};
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
    let app = playing(false);
    let mut drawn = Buffer::empty(area);
    render(&app, area, &mut drawn);
    c.bench_function("frame pass over 160x48 (safe_cells)", |b| {
        b.iter(|| {
            let mut buf = drawn.clone();
            safe_cells(black_box(&mut buf), area, false);
            buf
        });
    });
    c.bench_function("clone of a 160x48 frame (baseline of the pass)", |b| b.iter(|| black_box(&drawn).clone()));
}

criterion_group!(benches, frame);
criterion_main!(benches);
