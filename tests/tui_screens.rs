//! Every screen of the game drawn into a buffer — no terminal — from a fixed seed and sim time,
//! and compared with a committed snapshot (`tests/snapshots/`), at 80×24 and 120×36, in the
//! default theme and in ASCII-only mode. ASCII mode is also checked cell by cell: its promise is
//! that nothing outside ASCII reaches the terminal. Where colour carries meaning, the style of
//! the cell is asserted too.
//!
//! States are reached the way a player reaches them (keys through `App::update`), except that
//! sim time is jumped with `advance_to` instead of feeding wall-clock frames.
//!
//! Accept new or changed snapshots with `INSTA_UPDATE=always cargo test --test tui_screens`,
//! then read every changed `.snap` file before committing it.

mod common;

use common::screen::text;
use firedrill::sim::CommandKind;
use firedrill::sim::SimTime;
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::{App, Effect, MenuPage, Msg, Overlay, Screen};
use firedrill::tui::game::{Focus, Panel};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

/// The sizes every screen is drawn at: the minimum, and a roomy terminal.
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 36)];
/// The sizes the lifecycle's views (issue 9) are drawn at: the minimum, and a large terminal.
const NEW_SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    /// Unicode glyphs and the default colours.
    Default,
    /// `Settings { ascii: true, .. }`: ASCII only.
    Ascii,
}

impl Look {
    const ALL: [Look; 2] = [Look::Default, Look::Ascii];

    fn name(self) -> &'static str {
        match self {
            Look::Default => "default",
            Look::Ascii => "ascii",
        }
    }
}

fn new_app(look: Look, no_color: bool) -> App {
    let settings = Settings { ascii: look == Look::Ascii, ..Settings::default() };
    App::new(settings, Profile::default(), Keymap::default_map(), no_color)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Title → Campaign → Friday afternoon deploy (seed 42) → its briefing.
fn at_briefing(look: Look) -> App {
    briefing_of(new_app(look, false))
}

/// Past the tutorial (the campaign's first entry): Campaign → Friday afternoon deploy, the
/// second.
fn briefing_of(mut app: App) -> App {
    app.profile.mark_done("tutorial");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.menu.page, MenuPage::Campaign);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Briefing(_)), "the second campaign scenario opens at its briefing");
    app
}

/// Jumps the running game's sim clock to `secs` and fills the chart buffers up to it.
fn advance_to(app: &mut App, secs: u64) {
    let g = app.game_mut().expect("a game is open");
    g.sim.advance_to(SimTime::from_secs(secs));
    g.series.ingest(&g.sim);
}

/// The incident screen of friday-deploy (seed 42) at 5m: three minutes after the bad deploy
/// started, with the `EdgeErrorRate` alert firing and the edge failing about 10% of requests.
fn at_incident(look: Look) -> App {
    incident_of(new_app(look, false))
}

fn incident_of(app: App) -> App {
    let mut app = briefing_of(app);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Playing(_)));
    advance_to(&mut app, 300);
    app
}

/// Opens the action menu with the `api` service selected on the map.
fn with_action_menu(look: Look) -> App {
    let mut app = at_incident(look);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Actions { .. })));
    app
}

/// Moves the open action menu's cursor to `kind` and chooses it.
fn choose(app: &mut App, kind: CommandKind) {
    let Some(Overlay::Actions { items, .. }) = &app.overlay else { panic!("the action menu is not open") };
    let at = items.iter().position(|k| *k == kind).unwrap_or_else(|| panic!("{kind:?} is not offered: {items:?}"));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
}

/// Plays friday-deploy the way the expert path does — declare, flag off, tell support, roll
/// back — and lets the sim run until the service is stable (07:00): the banner says what is left.
fn at_stable(look: Look) -> App {
    let mut app = at_briefing(look);
    press(&mut app, KeyCode::Enter);
    advance_to(&mut app, 160);
    press(&mut app, KeyCode::Char('i'));
    choose(&mut app, CommandKind::Declare);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::SetFlag);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('i'));
    choose(&mut app, CommandKind::StatusUpdate);
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "checkout errors since 16:42; mitigated");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::Rollback);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.overlay.is_none(), "every form was sent");
    advance_to(&mut app, 7 * 60);
    assert!(app.game().unwrap().sim.phase().stable_since.is_some(), "stable by 07:00");
    app
}

/// `at_stable`, then the all-clear and the resolve: the game shows the debrief.
fn at_debrief(look: Look) -> App {
    let mut app = at_stable(look);
    advance_to(&mut app, 9 * 60);
    press(&mut app, KeyCode::Char('i'));
    choose(&mut app, CommandKind::StatusUpdate);
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "resolved: v42 rolled back, checkout works");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('i'));
    choose(&mut app, CommandKind::Resolve);
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(effects, vec![Effect::Finished]);
    assert!(matches!(app.screen, Screen::End(_)));
    app
}

/// Snapshots a new view at the new sizes in both looks.
fn snapshot_new(name: &str, make: impl Fn(Look) -> App) {
    snapshot_at(name, &NEW_SIZES, make);
}

#[test]
fn once_stable_the_banner_says_what_is_left_and_the_clock_runs_on() {
    snapshot_new("stable_banner", at_stable);
}

#[test]
fn the_end_of_the_run_is_announced_with_a_countdown() {
    snapshot_new("end_countdown", |look| {
        let mut app = at_stable(look);
        advance_to(&mut app, 18 * 60 + 30);
        app
    });
}

#[test]
fn the_declare_form_shows_the_severity_rubric() {
    snapshot_new("declare_form", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('i'));
        choose(&mut app, CommandKind::Declare);
        assert!(matches!(app.overlay, Some(Overlay::Form(_))));
        app
    });
}

#[test]
fn e_on_the_debrief_offers_markdown_or_html() {
    snapshot_new("export_dialog", |look| {
        let mut app = at_debrief(look);
        press(&mut app, KeyCode::Char('e'));
        app
    });
}

fn draw(app: &App, (w, h): (u16, u16)) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    render(app, area, &mut buf);
    buf
}

/// Every cell of an ASCII-mode screen is ASCII; the message names each offending cell.
fn assert_ascii(buf: &Buffer, what: &str) {
    let area = buf.area;
    let bad: Vec<String> = (area.top()..area.bottom())
        .flat_map(|y| (area.left()..area.right()).map(move |x| (x, y)))
        .filter(|&(x, y)| !buf[(x, y)].symbol().is_ascii())
        .map(|(x, y)| format!("({x},{y}) {:?}", buf[(x, y)].symbol()))
        .collect();
    assert!(bad.is_empty(), "{what}: non-ASCII cells in ASCII mode: {}\n{}", bad.join(", "), text(buf));
}

/// Snapshots a screen at both sizes in both looks, as `tui_screens__<name>@<look>-<w>x<h>.snap`.
fn snapshot_screen(name: &str, make: impl Fn(Look) -> App) {
    snapshot_at(name, &SIZES, make);
}

fn snapshot_at(name: &str, sizes: &[(u16, u16)], make: impl Fn(Look) -> App) {
    for look in Look::ALL {
        for &size in sizes {
            let app = make(look);
            let buf = draw(&app, size);
            let suffix = format!("{}-{}x{}", look.name(), size.0, size.1);
            if look == Look::Ascii {
                assert_ascii(&buf, &format!("{name}@{suffix}"));
            }
            insta::with_settings!({ snapshot_suffix => suffix }, {
                insta::assert_snapshot!(name, text(&buf));
            });
        }
    }
}

/// A new player's tutorial, played by its prompts' keys, up to the prompt that asks for the
/// changes list: the alert acknowledged, the logs filtered, a failed trace open. `advance_to`
/// jumps the clock where a prompt lets it run; an empty frame then lets the tutorial look.
fn tutorial_at_changes(look: Look) -> App {
    let mut app = new_app(look, false);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let prompt = |app: &App| app.game().and_then(|g| g.prompt()).map(|(i, _)| i);
    assert_eq!(prompt(&app), Some(0), "the tutorial's first prompt waits");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('+'));
    advance_to(&mut app, 20);
    app.update(Msg::Frame(std::time::Duration::ZERO));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    assert_eq!(prompt(&app), Some(5), "at the acknowledge prompt");
    advance_to(&mut app, 100);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "error");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('4'));
    let (_, step) = app.game().and_then(|g| g.prompt()).expect("a prompt waits");
    assert!(step.say.contains("see what changed"), "{}", step.say);
    app
}

#[test]
fn a_tutorial_prompt_sits_above_the_screen_it_points_at() {
    snapshot_screen("tutorial_prompt", tutorial_at_changes);
}

#[test]
fn a_tutorial_prompt_stays_in_view_over_the_dialog_it_talks_about() {
    snapshot_screen("tutorial_prompt_over_a_dialog", |look| {
        let mut app = tutorial_at_changes(look);
        press(&mut app, KeyCode::Char('3'));
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char('i'));
        choose(&mut app, CommandKind::Declare);
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, "rollback a");
        assert!(matches!(app.overlay, Some(Overlay::CommandLine(_))));
        app
    });
}

#[test]
fn the_title_menu_offers_campaign_free_play_files_settings_and_quit() {
    snapshot_screen("title_main", |look| new_app(look, false));
}

#[test]
fn the_campaign_lists_scenarios_in_order_with_later_ones_locked() {
    snapshot_screen("title_campaign", |look| {
        let mut app = new_app(look, false);
        press(&mut app, KeyCode::Enter);
        app
    });
}

/// The campaign scrolled to its last scenario: the capstones' chapter, "↑ n more" above, and
/// the selected row and its summary in view at every size.
#[test]
fn the_campaign_scrolls_to_its_last_chapter() {
    snapshot_screen("title_campaign_end", |look| {
        let mut app = new_app(look, false);
        press(&mut app, KeyCode::Enter);
        for _ in 0..firedrill::scenario::BUILTIN.len() + 3 {
            press(&mut app, KeyCode::Down);
        }
        assert_eq!(app.menu.cursor, firedrill::scenario::BUILTIN.len() - 1, "the cursor stops at the last");
        app
    });
}

/// The main menu's daily challenge names the day's scenario and seed (a fixed date here).
#[test]
fn the_daily_challenge_names_todays_scenario_and_seed() {
    let mut app = new_app(Look::Default, false);
    app.today = Some("2026-12-02".into());
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    let (id, seed) = firedrill::scenario::campaign::daily("2026-12-02");
    let title = firedrill::scenario::builtin(id).unwrap().unwrap().title;
    let shown = text(&draw(&app, (120, 36)));
    assert!(shown.contains(&format!("2026-12-02: {title} · seed {seed}")), "{shown}");
    press(&mut app, KeyCode::Enter);
    let Screen::Briefing(g) = &app.screen else { panic!("the daily challenge opens at its briefing") };
    assert_eq!((g.spec.id.as_str(), g.sim.seed(), g.daily.as_deref()), (id, seed, Some("2026-12-02")));
    // Its seed and challenge are fixed: `r` and `c` say so instead of quietly leaving the daily.
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('c'));
    let Screen::Briefing(g) = &app.screen else { panic!("still the briefing") };
    assert_eq!((g.sim.seed(), g.daily.as_deref(), g.challenge.is_standard()), (seed, Some("2026-12-02"), true));
    let shown = text(&draw(&app, (120, 36)));
    assert!(shown.contains("the daily challenge's seed and challenge are fixed"), "{shown}");
}

#[test]
fn free_play_lists_every_scenario_and_summarises_the_highlighted_one() {
    snapshot_screen("title_free_play", |look| {
        let mut app = new_app(look, false);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.menu.page, MenuPage::FreePlay);
        press(&mut app, KeyCode::Down);
        app
    });
}

#[test]
fn settings_show_theme_ascii_and_speed_with_the_colour_state() {
    snapshot_screen("title_settings", |look| {
        let mut app = new_app(look, true);
        for _ in 0..3 {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.menu.page, MenuPage::Settings);
        app
    });
}

#[test]
fn the_open_file_page_shows_the_typed_path() {
    snapshot_screen("title_open_file", |look| {
        let mut app = new_app(look, false);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.menu.page, MenuPage::Open);
        type_text(&mut app, "scenarios/mine.ron");
        app
    });
}

#[test]
fn the_briefing_sets_the_scene_with_the_slo_and_runbook() {
    snapshot_screen("briefing", at_briefing);
}

#[test]
fn the_incident_screen_at_5m_shows_the_alerts_panel() {
    snapshot_screen("incident_alerts", at_incident);
}

#[test]
fn the_incident_screen_at_5m_shows_the_logs_panel() {
    snapshot_screen("incident_logs", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('2'));
        app
    });
}

#[test]
fn the_incident_screen_at_5m_shows_the_changes_panel() {
    snapshot_screen("incident_changes", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('3'));
        app
    });
}

#[test]
fn the_incident_screen_at_5m_shows_the_trace_panel() {
    snapshot_screen("incident_trace", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('4'));
        app
    });
}

#[test]
fn the_incident_screen_at_5m_shows_the_comms_panel() {
    snapshot_screen("incident_comms", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('5'));
        app
    });
}

#[test]
fn the_action_menu_lists_the_selected_services_commands_first() {
    snapshot_screen("action_menu", with_action_menu);
}

#[test]
fn the_set_flag_form_defaults_to_turning_the_flag_off() {
    snapshot_screen("form_set_flag", |look| {
        let mut app = with_action_menu(look);
        choose(&mut app, CommandKind::SetFlag);
        assert!(matches!(app.overlay, Some(Overlay::Form(_))));
        app
    });
}

#[test]
fn a_rollback_asks_for_confirmation() {
    snapshot_screen("confirm_rollback", |look| {
        let mut app = with_action_menu(look);
        choose(&mut app, CommandKind::Rollback);
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
        app
    });
}

#[test]
fn quitting_during_an_incident_asks_first() {
    snapshot_screen("quit_dialog", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('q'));
        assert_eq!(app.overlay, Some(Overlay::Quit));
        app
    });
}

#[test]
fn the_help_overlay_lists_the_incident_keys_from_the_keymap() {
    snapshot_screen("help_overlay", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('?'));
        assert_eq!(app.overlay, Some(Overlay::Help));
        app
    });
}

#[test]
fn the_log_filter_prompt_shows_what_is_typed_over_the_logs() {
    snapshot_screen("filter_prompt", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('2'));
        press(&mut app, KeyCode::Char('/'));
        type_text(&mut app, "coupon");
        assert_eq!(app.overlay, Some(Overlay::Filter(String::new())), "the prompt opened on no filter");
        assert_eq!(app.game().unwrap().view.filter, "coupon", "and filters as it is typed");
        app
    });
}

#[test]
fn the_logs_panel_shows_only_matching_lines_once_a_filter_is_applied() {
    snapshot_screen("incident_logs_filtered", |look| {
        let mut app = at_incident(look);
        press(&mut app, KeyCode::Char('/'));
        type_text(&mut app, "coupon");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char('2'));
        app
    });
}

#[test]
fn the_debrief_shows_the_score_timeline_and_lessons() {
    snapshot_screen("debrief", at_debrief);
}

#[test]
fn the_debrief_scrolls_to_what_you_did_and_the_expert_path() {
    snapshot_screen("debrief_scrolled", |look| {
        let mut app = at_debrief(look);
        for _ in 0..2 {
            press(&mut app, KeyCode::PageDown);
        }
        app
    });
}

#[test]
fn below_80_by_24_the_game_says_the_terminal_is_too_small() {
    for look in Look::ALL {
        for size in [(79, 24), (100, 20)] {
            let app = at_incident(look);
            let buf = draw(&app, size);
            let suffix = format!("{}-{}x{}", look.name(), size.0, size.1);
            if look == Look::Ascii {
                assert_ascii(&buf, &format!("too_small@{suffix}"));
            }
            insta::with_settings!({ snapshot_suffix => suffix }, {
                insta::assert_snapshot!("too_small", text(&buf));
            });
        }
    }
}

/// The cell (x, y) where `needle` first appears on screen, reading rows top to bottom.
fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let row: Vec<&str> = (area.left()..area.right()).map(|x| buf[(x, y)].symbol()).collect();
        let line = row.concat();
        if let Some(byte) = line.find(needle) {
            // Map the byte offset back to a cell: count the cells whose text precedes it.
            let mut len = 0;
            let x = row.iter().position(|s| {
                let here = len;
                len += s.len();
                here >= byte
            });
            return (x.unwrap_or(0) as u16, y);
        }
    }
    panic!("{needle:?} is not on screen:\n{}", text(buf));
}

#[test]
fn a_crit_health_word_is_red_and_bold_in_colour_and_bold_alone_under_no_color() {
    // At 5m the bad deploy has pushed the edge's error rate past 5%: the map says CRIT.
    for no_color in [false, true] {
        let app = incident_of(new_app(Look::Default, no_color));
        let g = app.game().unwrap();
        assert_eq!(g.view.focus, Focus::Map);
        assert_eq!(g.view.panel, Panel::Alerts);
        let buf = draw(&app, (120, 36));
        let (x, y) = find(&buf, "CRIT");
        for dx in 0..4 {
            let cell = &buf[(x + dx, y)];
            assert!(cell.modifier.contains(Modifier::BOLD), "CRIT is bold (no_color={no_color})");
            if no_color {
                assert_eq!(cell.fg, Color::Reset, "no colour under NO_COLOR");
            } else {
                assert_eq!(cell.fg, Color::Red, "CRIT is red");
            }
        }
    }
}
