//! Snapshots of the incident screen's newer views (issue 11) at the minimum size, a roomy
//! terminal and a projector — 80×24, 160×48 and 220×60, where the big-screen layout puts more
//! panels side by side — in the default look and ASCII-only (which is also checked cell by
//! cell). Conventions as in `tui_screens.rs`: states are reached by keys through
//! `App::update`, sim time is jumped with `advance_to`, and every `.snap` is read before it is
//! committed (`INSTA_UPDATE=always cargo test --test tui_views`, then `git diff`).

mod common;

use common::screen::text;
use firedrill::sim::{CommandKind, SimTime};
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::{App, Msg, Overlay, Screen};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

const SIZES: [(u16, u16); 3] = [(80, 24), (160, 48), (220, 60)];

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ch(app: &mut App, c: char) {
    press(app, KeyCode::Char(c));
}

/// Free play → `id` → its briefing, in ASCII-only or the default look.
fn briefing(id: &str, ascii: bool) -> App {
    let settings = Settings { ascii, ..Settings::default() };
    let mut app = App::new(settings, Profile::default(), Keymap::default_map(), false);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let n = firedrill::scenario::BUILTIN.iter().position(|b| b.0 == id).expect("built in");
    for _ in 0..n {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Briefing(_)));
    app
}

fn playing(id: &str, secs: u64, ascii: bool) -> App {
    let mut app = briefing(id, ascii);
    press(&mut app, KeyCode::Enter);
    advance_to(&mut app, secs);
    app
}

fn advance_to(app: &mut App, secs: u64) {
    let g = app.game_mut().expect("a game is open");
    g.sim.advance_to(SimTime::from_secs(secs));
    g.series.ingest(&g.sim);
    g.toasts.ingest(g.sim.events());
}

/// Opens the action menu (the selected component's commands first) and chooses `kind`.
fn choose(app: &mut App, kind: CommandKind) {
    press(app, KeyCode::Enter);
    let Some(Overlay::Actions { items, .. }) = &app.overlay else { panic!("the action menu is not open") };
    let at = items.iter().position(|k| *k == kind).unwrap_or_else(|| panic!("{kind:?} is not offered"));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "{kind:?} opens its form");
}

/// Snapshots a view at the three sizes in both looks, as `tui_views__<name>@<look>-<w>x<h>`.
fn snapshot_view(name: &str, make: impl Fn(bool) -> App) {
    for ascii in [false, true] {
        for (w, h) in SIZES {
            let mut app = make(ascii);
            app.update(Msg::Resize(w, h));
            let area = Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(area);
            render(&app, area, &mut buf);
            let look = if ascii { "ascii" } else { "default" };
            let suffix = format!("{look}-{w}x{h}");
            if ascii {
                let bad: Vec<(u16, u16)> = (0..h)
                    .flat_map(|y| (0..w).map(move |x| (x, y)))
                    .filter(|&(x, y)| !buf[(x, y)].symbol().is_ascii())
                    .collect();
                assert!(bad.is_empty(), "{name}@{suffix}: non-ASCII cells {bad:?}\n{}", text(&buf));
            }
            insta::with_settings!({ snapshot_suffix => suffix }, {
                insta::assert_snapshot!(name, text(&buf));
            });
        }
    }
}

#[test]
fn the_instances_drill_down_lists_each_instance_sorted_by_errors() {
    // slow-database at 8m: every pool exhausted, requests failing on every instance.
    snapshot_view("instances", |ascii| {
        let mut app = playing("slow-database", 480, ascii);
        ch(&mut app, '6');
        ch(&mut app, 's');
        ch(&mut app, ']');
        app
    });
}

#[test]
fn a_paged_teams_reply_stays_on_screen_as_a_notice() {
    snapshot_view("notice", |ascii| {
        let mut app = playing("friday-deploy", 150, ascii);
        ch(&mut app, 'i');
        let Some(Overlay::Actions { items, .. }) = &app.overlay else { panic!() };
        let at = items.iter().position(|k| *k == CommandKind::Page).unwrap();
        for _ in 0..at {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Enter);
        advance_to(&mut app, 150 + 6 * 60 + 5);
        ch(&mut app, '5');
        app
    });
}

#[test]
fn the_timeout_form_shows_the_current_value_and_the_default() {
    snapshot_view("form_timeout", |ascii| {
        let mut app = playing("friday-deploy", 300, ascii);
        for _ in 0..3 {
            press(&mut app, KeyCode::Down); // edge, api, api → db, api → payments
        }
        choose(&mut app, CommandKind::SetTimeout);
        app
    });
}

#[test]
fn the_rollback_form_shows_the_rollouts_expected_length() {
    snapshot_view("form_rollback", |ascii| {
        let mut app = playing("friday-deploy", 300, ascii);
        press(&mut app, KeyCode::Down);
        choose(&mut app, CommandKind::Rollback);
        app
    });
}

#[test]
fn the_logs_open_a_sample_of_what_was_suppressed() {
    snapshot_view("logs_samples", |ascii| {
        let mut app = playing("slow-database", 480, ascii);
        ch(&mut app, '2');
        ch(&mut app, 'o');
        app
    });
}

#[test]
fn the_trace_tab_lists_the_kept_traces_and_marks_the_newest_failed_and_slow() {
    snapshot_view("trace_list", |ascii| {
        let mut app = playing("friday-deploy", 300, ascii);
        ch(&mut app, '4');
        ch(&mut app, ']');
        app
    });
}

#[test]
fn the_briefing_takes_a_typed_seed() {
    snapshot_view("briefing_seed", |ascii| {
        let mut app = briefing("slow-database", ascii);
        ch(&mut app, 's');
        for c in "2027".chars() {
            ch(&mut app, c);
        }
        app
    });
}

#[test]
fn the_filter_applies_as_it_is_typed() {
    snapshot_view("filter_live", |ascii| {
        let mut app = playing("friday-deploy", 300, ascii);
        ch(&mut app, '/');
        for c in "coupon".chars() {
            ch(&mut app, c);
        }
        app
    });
}
