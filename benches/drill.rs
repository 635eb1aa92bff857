//! Drill benchmarks. "host frame" is what the facilitator's machine does 30 times a second
//! with 16 seats at 8×: move the true simulation by 8 × 33 ms, send the clock (with a
//! checksum once a sim second) to every seat, and draw the console at 160×48; the seats'
//! outboxes are drained as their connections would. "inject to seat" is the latency from a
//! facilitator's inject to a seat having applied it, over real TCP on loopback (the seat's
//! redraw, about 0.1 ms, comes on top: see the render benchmark).

use criterion::{Criterion, criterion_group, criterion_main};
use firedrill::sim::{By, Command, Dur, Role};
use firedrill::store::{Profile, ScenarioRef, Settings};
use firedrill::tui::app::{App, Link, Screen};
use firedrill::tui::drill::host::{Host, Seat, Source};
use firedrill::tui::drill::net::OUTBOX;
use firedrill::tui::drill::session::{HostSession, SeatSession, source_of};
use firedrill::tui::game::Game;
use firedrill::tui::keymap::Keymap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

fn source() -> Source {
    let (name, text) = source_of("friday-deploy").unwrap();
    Source { name, text, seed: 7, challenge: firedrill::scenario::challenge::Challenge::Standard }
}

/// A host app with 16 seats whose outboxes the bench drains.
fn hosting() -> (App, Vec<mpsc::Receiver<Arc<[u8]>>>) {
    let spec = firedrill::scenario::builtin("friday-deploy").unwrap().unwrap();
    let mut host = Host::new("ABCDE-FGHJK".into(), "127.0.0.1:7447".into(), source(), Host::default_perms());
    let mut inboxes = Vec::new();
    let roles = [Role::Ic, Role::Ops, Role::Comms, Role::Observer];
    for i in 0..16 {
        let (tx, rx) = mpsc::channel(OUTBOX);
        let by = By { name: format!("p{i:02}"), role: roles[i % 4] };
        host.seats.push(Seat { by, conn: Some(i as u64), outbox: Some(tx), commands: 0, rejoins: 0 });
        inboxes.push(rx);
    }
    let game = Game::new(Arc::new(spec), 7, 8, ScenarioRef::Builtin("friday-deploy".into()));
    let mut app = App::new(Settings::default(), Profile::default(), Keymap::default_map(), false);
    app.screen = Screen::Playing(Box::new(game));
    app.link = Some(Link::Host(Box::new(host)));
    app.size = (160, 48);
    (app, inboxes)
}

fn host_frame(c: &mut Criterion) {
    let area = Rect::new(0, 0, 160, 48);
    let frame = Dur(8 * 33_000);
    c.bench_function("drill/host frame, 16 seats at 8x (160x48 console)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let (mut app, mut inboxes) = hosting();
                let mut buf = Buffer::empty(area);
                // A frame at a time until the scenario's end, then a fresh drill.
                while left > 0 {
                    let start = Instant::now();
                    let (Some(Link::Host(h)), Screen::Playing(g)) = (&mut app.link, &mut app.screen) else { break };
                    g.sim.advance_by(frame);
                    g.series.ingest(&g.sim);
                    g.toasts.ingest(g.sim.events());
                    h.tick(g);
                    let ended = g.sim.ended().is_some();
                    buf.reset();
                    firedrill::tui::view::render(&app, area, &mut buf);
                    spent += start.elapsed();
                    for rx in &mut inboxes {
                        while rx.try_recv().is_ok() {}
                    }
                    left -= 1;
                    if ended {
                        break;
                    }
                }
            }
            spent
        });
    });
}

fn inject_latency(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let spec = firedrill::scenario::builtin("friday-deploy").unwrap().unwrap();
    let scenario = ScenarioRef::Builtin("friday-deploy".into());
    let (mut h, mut seat) = rt.block_on(async {
        let mut h = HostSession::start(spec, source(), scenario, "127.0.0.1:0").await.unwrap();
        let (addr, code) = (h.addr.to_string(), h.host.code.clone());
        let join = tokio::spawn(async move { SeatSession::join(&addr, &code, "bo", Role::Ops).await });
        while !join.is_finished() {
            h.wait(Duration::from_millis(5)).await;
        }
        (h, join.await.unwrap().unwrap())
    });
    c.bench_function("drill/inject to seat over loopback", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut spent = Duration::ZERO;
                for i in 0..iters {
                    let start = Instant::now();
                    let text = format!("clue {i}: look at the database");
                    h.host.facilitate(&mut h.game, Command::Reveal { text });
                    let want = h.host.log.len() as u64;
                    while seat.follower.next < want {
                        let ev = seat.link.events.recv().await.expect("the seat stays connected");
                        seat.on(ev).unwrap();
                    }
                    spent += start.elapsed();
                    h.pump();
                }
                spent
            })
        });
    });
}

criterion_group!(benches, host_frame, inject_latency);
criterion_main!(benches);
