//! The `:` command line, driven by keys through `App::update` as a player types (no terminal,
//! no clock: sim time moves by `advance_to`): typing shows the text, tab completes, up/down
//! walk the history, enter parses and checks the line before anything reaches the engine,
//! esc closes; and its screens at 80×24, 160×48 and 220×60 (snapshots in `tests/snapshots/`,
//! accepted with `INSTA_UPDATE=always cargo test --test tui_cmdline`, then read).

mod common;

use common::screen::text;
use firedrill::cmdtext;
use firedrill::sim::{Command, SimTime};
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::{App, Effect, Msg, Overlay, Screen};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// friday-deploy (seed 42), playing, at `secs` of sim time.
fn playing_at(ascii: bool, secs: u64) -> App {
    let settings = Settings { ascii, ..Settings::default() };
    let mut profile = Profile::default();
    // Past the tutorial, so friday-deploy (the campaign's second entry) is open.
    profile.mark_done("tutorial");
    let mut app = App::new(settings, profile, Keymap::default_map(), false);
    for code in [KeyCode::Enter, KeyCode::Down, KeyCode::Enter, KeyCode::Enter] {
        press(&mut app, code);
    }
    assert!(matches!(app.screen, Screen::Playing(_)));
    let g = app.game_mut().unwrap();
    g.sim.advance_to(SimTime::from_secs(secs));
    g.series.ingest(&g.sim);
    app
}

fn line(app: &App) -> &firedrill::tui::cmdline::CmdLine {
    match &app.overlay {
        Some(Overlay::CommandLine(c)) => c,
        other => panic!("the command line is not open: {other:?}"),
    }
}

/// The commands the engine received, as text.
fn sent(app: &App) -> Vec<String> {
    app.game().unwrap().recorded.iter().map(|t| cmdtext::text(&t.command)).collect()
}

#[test]
fn colon_opens_the_line_typing_shows_and_esc_closes_it_sending_nothing() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    assert_eq!(line(&app).text, "");
    // Every verb but a drill facilitator's.
    assert_eq!(line(&app).completion.candidates.len(), cmdtext::verbs::for_players().count());
    assert_eq!(cmdtext::verbs::for_players().count(), firedrill::sim::CommandKind::ALL.len() - 3);
    type_text(&mut app, "scale ap");
    assert_eq!(line(&app).text, "scale ap");
    assert_eq!(line(&app).completion.candidates, ["api"]);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(line(&app).text, "scale ");
    // Keys that mean something on the incident screen are text here.
    type_text(&mut app, "q?jk");
    assert_eq!(line(&app).text, "scale q?jk");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert!(sent(&app).is_empty());
}

#[test]
fn tab_completes_the_verb_then_each_word() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "fl");
    assert_eq!(line(&app).completion.candidates, ["flag", "flush"]);
    press(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).text, "fl", "two candidates share only what was typed");
    type_text(&mut app, "a");
    press(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).text, "flag ");
    assert_eq!(line(&app).completion.candidates, ["coupons-v2"]);
    press(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).text, "flag coupons-v2 ");
    assert_eq!(line(&app).completion.candidates, ["on", "off"]);
    type_text(&mut app, "of");
    press(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).text, "flag coupons-v2 off ");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "a flag change is free and safe: sent at once");
    assert_eq!(sent(&app), ["flag coupons-v2 off"]);
    let g = app.game().unwrap();
    assert_eq!(g.recorded[0].at, SimTime::from_secs(300));
    assert!(g.flash.as_ref().is_some_and(|f| !f.error && f.text.contains("turn flag coupons-v2 off")));
}

#[test]
fn a_mistake_shows_inline_and_keeps_the_text_for_editing() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "rollback apu");
    press(&mut app, KeyCode::Enter);
    let c = line(&app);
    assert_eq!(c.text, "rollback apu", "the text stays");
    assert_eq!(c.error.as_deref(), Some("unknown service `apu`: did you mean `api`? services are: api"));
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "i");
    assert!(line(&app).error.is_some(), "the error stays until the next enter");
    press(&mut app, KeyCode::Enter);
    // A rollback is risky and costs points: the same confirmation as the action menu's.
    assert_eq!(app.overlay, Some(Overlay::Confirm { command: Command::Rollback { service: "api".into() } }));
    assert!(sent(&app).is_empty(), "nothing is sent before the answer");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(sent(&app), ["rollback api"]);
}

#[test]
fn a_command_the_engine_would_reject_says_why_before_asking_are_you_sure() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "resolve");
    press(&mut app, KeyCode::Enter);
    assert_eq!(line(&app).error.as_deref(), Some("not sent: no incident has been declared; declare one first"));
    assert!(sent(&app).is_empty(), "a rejected line is not sent (and not recorded)");
    // Declaring first makes it valid: then it asks, because resolving ends the run.
    for _ in 0.."resolve".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "declare sev2");
    press(&mut app, KeyCode::Enter);
    assert_eq!(sent(&app), ["declare sev2"]);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "resolve");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, Some(Overlay::Confirm { command: Command::Resolve }));
    press(&mut app, KeyCode::Esc);
    assert_eq!(sent(&app), ["declare sev2"], "n/esc cancels");
}

#[test]
fn a_command_with_a_cost_shows_it_before_it_is_sent() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "page coupons-team");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, Some(Overlay::Confirm { command: Command::Page { team: "coupons-team".into() } }));
    press(&mut app, KeyCode::Enter);
    assert_eq!(sent(&app), ["page coupons-team"]);
}

#[test]
fn up_and_down_walk_the_history_and_come_back_to_the_draft() {
    let mut app = playing_at(false, 300);
    for cmd in ["declare sev3", "flag coupons-v2 off", r#"status internal "coupons off" 15m"#] {
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, cmd);
        press(&mut app, KeyCode::Enter);
        assert!(app.overlay.is_none(), "{cmd}: {:?}", app.overlay);
    }
    assert_eq!(sent(&app), ["declare sev3", "flag coupons-v2 off", r#"status internal "coupons off" 15m"#]);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "sca");
    press(&mut app, KeyCode::Up);
    assert_eq!(line(&app).text, r#"status internal "coupons off" 15m"#);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert_eq!(line(&app).text, "declare sev3", "the oldest stays put");
    press(&mut app, KeyCode::Down);
    assert_eq!(line(&app).text, "flag coupons-v2 off");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(line(&app).text, "sca", "past the newest: the draft is back");
}

#[test]
fn help_in_the_line_lists_the_commands_and_one_commands_form() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "help");
    press(&mut app, KeyCode::Enter);
    let c = line(&app);
    assert!(c.info[1].starts_with("ack declare status severity resolve rollback"), "{:?}", c.info);
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "help timeout");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        line(&app).info,
        ["timeout SERVICE DEPENDENCY DURATION — change a call timeout", "e.g. timeout api payments 2s"]
    );
}

#[test]
fn ctrl_c_still_quits_from_the_line() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char(':'));
    let effects = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert_eq!(effects, vec![Effect::Quit]);
}

// ---- screens ----

const SIZES: [(u16, u16); 3] = [(80, 24), (160, 48), (220, 60)];

/// Snapshots a state at every size, in the default look and ASCII-only (checked cell by cell).
fn snapshot(name: &str, make: impl Fn(bool) -> App) {
    for ascii in [false, true] {
        for (w, h) in SIZES {
            let app = make(ascii);
            let area = Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(area);
            render(&app, area, &mut buf);
            let look = if ascii { "ascii" } else { "default" };
            if ascii {
                let bad = buf.content().iter().filter(|c| !c.symbol().is_ascii()).count();
                assert_eq!(bad, 0, "{name} {look} {w}x{h}: non-ASCII cells\n{}", text(&buf));
            }
            insta::with_settings!({ snapshot_suffix => format!("{look}-{w}x{h}") }, {
                insta::assert_snapshot!(name, text(&buf));
            });
        }
    }
}

#[test]
fn the_line_open_shows_the_candidates_and_the_commands_usage() {
    snapshot("cmdline_completions", |ascii| {
        let mut app = playing_at(ascii, 300);
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, "timeout api ");
        app
    });
}

#[test]
fn a_mistake_shows_under_the_text_in_words() {
    snapshot("cmdline_error", |ascii| {
        let mut app = playing_at(ascii, 300);
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, "rollback apu");
        press(&mut app, KeyCode::Enter);
        app
    });
}

#[test]
fn an_empty_line_lists_every_command() {
    snapshot("cmdline_verbs", |ascii| {
        let mut app = playing_at(ascii, 300);
        press(&mut app, KeyCode::Char(':'));
        app
    });
}

// ---- the action menu: type-ahead, paging, and keys that do what the key bar says ----

fn menu_cursor(app: &App) -> firedrill::sim::CommandKind {
    match &app.overlay {
        Some(Overlay::Actions { items, cursor, .. }) => items[*cursor],
        other => panic!("the action menu is not open: {other:?}"),
    }
}

/// The action menu with `api` selected on the map.
fn api_menu(secs: u64) -> App {
    let mut app = playing_at(false, secs);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    app
}

#[test]
fn a_letter_jumps_to_the_next_command_by_name_or_verb() {
    use firedrill::sim::CommandKind as K;
    let mut app = api_menu(300);
    assert_eq!(menu_cursor(&app), K::Rollback);
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(menu_cursor(&app), K::SetFlag, "`flag` is SetFlag's verb: one key instead of 15");
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(menu_cursor(&app), K::FlushCache, "again: the next one");
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(menu_cursor(&app), K::Scale, "past the end it wraps round to the first s");
    // j and k match no command: they still move.
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(menu_cursor(&app), K::Restart);
    press(&mut app, KeyCode::Home);
    assert_eq!(menu_cursor(&app), K::Rollback);
    press(&mut app, KeyCode::End);
    let Some(Overlay::Actions { items, .. }) = &app.overlay else { unreachable!() };
    assert_eq!(menu_cursor(&app), *items.last().unwrap());
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::PageDown);
    let Some(Overlay::Actions { cursor, .. }) = &app.overlay else { unreachable!() };
    assert_eq!(*cursor, 10);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(menu_cursor(&app), K::Rollback);
}

#[test]
fn esc_from_a_form_goes_back_to_the_menu_where_it_was() {
    use firedrill::sim::CommandKind as K;
    let mut app = api_menu(300);
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    press(&mut app, KeyCode::Esc);
    assert_eq!(menu_cursor(&app), K::SetFlag, "back in the menu, on the same command");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none(), "esc in the menu closes it");
}

#[test]
fn q_in_the_menu_asks_to_quit_as_the_key_bar_says() {
    let mut app = api_menu(300);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::Quit));
}

#[test]
fn resolve_from_the_console_says_at_once_that_no_incident_is_declared() {
    let mut app = playing_at(false, 300);
    press(&mut app, KeyCode::Char('i'));
    for _ in 0..10 {
        if menu_cursor(&app) == firedrill::sim::CommandKind::Resolve {
            break;
        }
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "no are-you-sure for a command that would be rejected");
    let f = app.game().unwrap().flash.clone().unwrap();
    assert!(f.error, "{f:?}");
    assert_eq!(f.text, "rejected: resolve the incident: no incident has been declared; declare one first");
}

#[test]
fn a_with_nothing_firing_says_why_it_does_nothing() {
    let mut app = playing_at(false, 30);
    press(&mut app, KeyCode::Char('a'));
    let f = app.game().unwrap().flash.clone().expect("a word, not silence");
    assert_eq!(f.text, "no alert is firing: nothing to acknowledge");
    assert!(sent(&app).is_empty());
}
