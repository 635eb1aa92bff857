//! Key sequences on `App::update`, as a player types them: what state each leaves behind and
//! which commands reach the engine (with the sim time they were sent at). No terminal and no
//! clock: sim time moves only through `Msg::Frame` or an explicit `advance_to`.

use firedrill::sim::{Command, CommandKind, Severity};
use firedrill::sim::{EndReason, SimTime, TimedCommand};
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::{App, Effect, ExportFormat, MenuPage, Msg, Overlay, Screen};
use firedrill::tui::game::{Focus, Game, Panel};
use firedrill::tui::keymap::Keymap;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

fn new_app() -> App {
    App::new(Settings::default(), Profile::default(), Keymap::default_map(), false)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Effect> {
    press(app, KeyCode::Char(c))
}

fn ctrl_c(app: &mut App) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)))
}

fn game(app: &App) -> &Game {
    app.game().expect("a game is open")
}

/// A player who has done the tutorial (the campaign's first entry), so Friday afternoon deploy,
/// the second, is open.
fn past_tutorial() -> App {
    let mut app = new_app();
    app.profile.mark_done("tutorial");
    app
}

/// Title → Campaign → (past the tutorial) Friday afternoon deploy → briefing → enter: the clock
/// is running.
fn playing() -> App {
    let mut app = past_tutorial();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Playing(_)));
    app
}

/// Playing, with the sim jumped to `secs` (friday-deploy's bad rollout starts at 2m).
fn playing_at(secs: u64) -> App {
    let mut app = playing();
    let g = app.game_mut().unwrap();
    g.sim.advance_to(SimTime::from_secs(secs));
    g.series.ingest(&g.sim);
    app
}

fn action_items(app: &App) -> Vec<CommandKind> {
    match &app.overlay {
        Some(Overlay::Actions { items, .. }) => items.clone(),
        other => panic!("the action menu is not open: {other:?}"),
    }
}

/// Moves the open menu's cursor to `kind` and presses enter.
fn choose(app: &mut App, kind: CommandKind) -> Vec<Effect> {
    let at = action_items(app).iter().position(|k| *k == kind).unwrap_or_else(|| panic!("{kind:?} not offered"));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter)
}

#[test]
fn the_menu_leads_through_the_campaign_and_briefing_into_a_running_game() {
    let mut app = past_tutorial();
    assert!(matches!(app.screen, Screen::Title));
    assert_eq!(app.menu.page, MenuPage::Main);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![]);
    assert_eq!(app.menu.page, MenuPage::Campaign);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let Screen::Briefing(g) = &app.screen else { panic!("expected the briefing") };
    assert_eq!(g.spec.id, "friday-deploy");
    assert_eq!(g.sim.seed(), 42, "the scenario's own seed");
    assert!(g.pacer.paused, "the clock does not run while the briefing is read");
    assert!(!app.animating());
    press(&mut app, KeyCode::Enter);
    let Screen::Playing(g) = &app.screen else { panic!("expected the incident screen") };
    assert!(!g.pacer.paused);
    assert_eq!(g.sim.now(), SimTime::ZERO);
    assert!(app.animating(), "frames tick once the clock runs");
}

#[test]
fn esc_on_the_briefing_goes_back_to_the_title() {
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Title));
}

#[test]
fn the_locked_campaign_entry_cannot_be_opened() {
    use firedrill::scenario::campaign::CHAPTERS;
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    // The first scenario of chapter 2, past every one of chapter 1.
    let first_of_two = CHAPTERS[0].scenarios.len();
    for _ in 0..first_of_two {
        press(&mut app, KeyCode::Down);
    }
    assert!(app.unlocked(first_of_two - 1), "all of chapter 1 is open on a fresh profile");
    assert!(!app.unlocked(first_of_two), "chapter 2 is locked on a fresh profile");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![]);
    assert!(matches!(app.screen, Screen::Title), "still on the title screen");
    assert_eq!(app.menu.page, MenuPage::Campaign);
    let error = app.menu.error.clone().unwrap_or_default();
    assert!(error.contains("locked"), "{error}");
    for id in CHAPTERS[0].scenarios {
        assert!(error.contains(id), "the message names what is left to finish: {error}");
    }
}

#[test]
fn finishing_a_chapter_unlocks_the_next_one() {
    use firedrill::scenario::campaign::CHAPTERS;
    let mut profile = Profile::default();
    for id in CHAPTERS[0].scenarios {
        profile.record(id, 80, "B");
    }
    let mut app = App::new(Settings::default(), profile, Keymap::default_map(), false);
    press(&mut app, KeyCode::Enter);
    for _ in 0..CHAPTERS[0].scenarios.len() {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let Screen::Briefing(g) = &app.screen else { panic!("chapter 2 opens once chapter 1 is done") };
    assert_eq!(g.spec.id, CHAPTERS[1].scenarios[0]);
}

#[test]
fn space_pauses_and_resumes_the_clock() {
    let mut app = playing();
    app.update(Msg::Frame(Duration::from_millis(200)));
    let t = game(&app).sim.now();
    assert_eq!(t, SimTime(200_000), "1x: 200 ms of wall time is 200 ms of sim time");
    ch(&mut app, ' ');
    assert!(game(&app).pacer.paused);
    assert!(!app.animating());
    app.update(Msg::Frame(Duration::from_millis(200)));
    assert_eq!(game(&app).sim.now(), t, "a paused clock does not move");
    ch(&mut app, ' ');
    assert!(!game(&app).pacer.paused);
    app.update(Msg::Frame(Duration::from_millis(200)));
    assert_eq!(game(&app).sim.now(), SimTime(400_000));
}

#[test]
fn plus_and_minus_step_the_speed_through_1_2_4_and_8() {
    let mut app = playing();
    let mut seen = vec![game(&app).pacer.speed];
    for _ in 0..4 {
        ch(&mut app, '+');
        seen.push(game(&app).pacer.speed);
    }
    assert_eq!(seen, [1, 2, 4, 8, 8], "8x is the top");
    let before = game(&app).sim.now();
    app.update(Msg::Frame(Duration::from_millis(100)));
    assert_eq!(game(&app).sim.now().since(before).0, 800_000, "at 8x, 100 ms of wall time is 800 ms of sim time");
    let mut seen = vec![];
    for _ in 0..4 {
        ch(&mut app, '-');
        seen.push(game(&app).pacer.speed);
    }
    assert_eq!(seen, [4, 2, 1, 1], "1x is the bottom");
    ch(&mut app, '=');
    assert_eq!(game(&app).pacer.speed, 2, "= is + without shift");
}

#[test]
fn tab_cycles_the_focus_and_backtab_goes_back() {
    let mut app = playing();
    let mut seen = vec![game(&app).view.focus];
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
        seen.push(game(&app).view.focus);
    }
    assert_eq!(seen, [Focus::Map, Focus::Signals, Focus::Panel, Focus::Map]);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(game(&app).view.focus, Focus::Panel);
}

#[test]
fn the_number_keys_switch_the_bottom_panel() {
    let mut app = playing();
    assert_eq!(game(&app).view.panel, Panel::Alerts);
    for (key, panel) in ['2', '3', '4', '5', '1'].into_iter().zip([
        Panel::Logs,
        Panel::Changes,
        Panel::Trace,
        Panel::Comms,
        Panel::Alerts,
    ]) {
        ch(&mut app, key);
        assert_eq!(game(&app).view.panel, panel, "key {key}");
    }
}

#[test]
fn slash_opens_a_filter_that_applies_as_it_is_typed_and_enter_keeps() {
    let mut app = playing();
    ch(&mut app, '/');
    assert_eq!(app.overlay, Some(Overlay::Filter(String::new())));
    assert_eq!(game(&app).view.panel, Panel::Logs, "the filter shows the logs it filters");
    for c in "couponx".chars() {
        ch(&mut app, c);
    }
    assert_eq!(game(&app).view.filter, "couponx", "the logs are filtered while typing");
    press(&mut app, KeyCode::Backspace);
    // Letters bound elsewhere (q quits, 1 switches panel) are text while typing.
    ch(&mut app, 'q');
    ch(&mut app, '1');
    assert_eq!(app.overlay, Some(Overlay::Filter(String::new())), "the prompt remembers what it opened with");
    assert_eq!(game(&app).view.filter, "couponq1");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, None);
    assert_eq!(game(&app).view.filter, "couponq1");
    // Reopening starts from the current filter; esc clears it.
    ch(&mut app, '/');
    assert_eq!(app.overlay, Some(Overlay::Filter("couponq1".into())));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    assert_eq!(game(&app).view.filter, "");
}

#[test]
fn the_action_menu_offers_the_selected_components_commands_first() {
    let mut app = playing();
    press(&mut app, KeyCode::Enter);
    let edge = action_items(&app);
    assert_eq!(edge[0], CommandKind::SetRateLimit, "the edge is selected at first: {edge:?}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    press(&mut app, KeyCode::Down);
    assert_eq!(game(&app).row_name(game(&app).selected_component()), "api");
    press(&mut app, KeyCode::Enter);
    let api = action_items(&app);
    assert_eq!(api[..3], [CommandKind::Rollback, CommandKind::Deploy, CommandKind::Scale], "{api:?}");
    let mut sorted = api.clone();
    sorted.sort_by_key(|k| format!("{k:?}"));
    sorted.dedup();
    assert_eq!(sorted.len(), api.len(), "no command is offered twice");
    assert!(api.contains(&CommandKind::SetFlag), "the scenario has a flag");
}

#[test]
fn a_set_flag_form_sends_the_command_at_the_current_sim_time() {
    let mut app = playing_at(150);
    let now = game(&app).sim.now();
    assert_eq!(now, SimTime::from_secs(150));
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::SetFlag);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("SetFlag opens a form: {:?}", app.overlay) };
    assert_eq!(form.fields.iter().map(firedrill::tui::forms::Field::value).collect::<Vec<_>>(), ["coupons-v2", "off"]);
    assert!(game(&app).recorded.is_empty(), "nothing is sent while the form is open");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, None, "a flag flip needs no confirmation");
    let expected = Command::SetFlag { flag: "coupons-v2".into(), on: false };
    let g = game(&app);
    assert_eq!(g.recorded, [TimedCommand { by: None, at: now, command: expected.clone() }]);
    let sent = g.sim.commands();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].at, &sent[0].command, &sent[0].rejected), (now, &expected, &None));
    assert!(sent[0].effective_at > now, "a flag takes a few seconds to apply");
    let flash = g.flash.as_ref().expect("the result is shown");
    assert!(!flash.error && flash.text.contains("coupons-v2"), "{flash:?}");
}

#[test]
fn a_form_field_can_be_changed_before_sending() {
    let mut app = playing_at(150);
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::SetFlag);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    assert_eq!(game(&app).recorded[0].command, Command::SetFlag { flag: "coupons-v2".into(), on: true });
}

#[test]
fn a_rollback_asks_first_and_n_cancels_without_sending() {
    let mut app = playing_at(150);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::Rollback);
    press(&mut app, KeyCode::Enter);
    let rollback = Command::Rollback { service: "api".into() };
    assert_eq!(app.overlay, Some(Overlay::Confirm { command: rollback.clone() }));
    ch(&mut app, 'n');
    assert_eq!(app.overlay, None);
    assert!(game(&app).recorded.is_empty() && game(&app).sim.commands().is_empty(), "nothing was sent");
    // Asked again and confirmed, it is sent.
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::Rollback);
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'y');
    let g = game(&app);
    assert_eq!(g.recorded, [TimedCommand { by: None, at: SimTime::from_secs(150), command: rollback }]);
    assert_eq!(g.sim.commands()[0].rejected, None, "api was deployed at 2m, so there is a version to go back to");
}

#[test]
fn q_during_play_asks_and_n_keeps_playing_and_y_quits() {
    let mut app = playing();
    assert_eq!(ch(&mut app, 'q'), vec![]);
    assert_eq!(app.overlay, Some(Overlay::Quit));
    assert_eq!(ch(&mut app, 'n'), vec![]);
    assert_eq!(app.overlay, None);
    assert!(matches!(app.screen, Screen::Playing(_)));
    ch(&mut app, 'q');
    assert_eq!(ch(&mut app, 'y'), vec![Effect::Quit]);
}

#[test]
fn m_in_the_quit_dialog_leaves_the_run_for_the_menu_unsaved() {
    let mut app = playing();
    ch(&mut app, 'q');
    assert_eq!(app.overlay, Some(Overlay::Quit));
    assert_eq!(ch(&mut app, 'm'), vec![], "no quit, no finish: the run is left, not scored");
    assert!(matches!(app.screen, Screen::Title), "back at the menu");
    assert_eq!(app.menu.page, MenuPage::Campaign, "on the list the scenario was chosen from");
    assert!(!app.profile.is_completed("friday-deploy"));
}

#[test]
fn after_a_debrief_the_menu_is_where_esc_from_the_briefing_leaves_it() {
    // Esc from the briefing: the campaign list, the cursor on the scenario.
    let mut app = past_tutorial();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    let after_esc = (app.menu.page, app.menu.cursor);
    // A whole run to its debrief, then enter: the same place, and no stale notes.
    let mut app = finished();
    app.update(Msg::RunSaved(Ok("/data/runs/friday.ron".into())));
    assert!(app.notices.iter().any(|n| n.starts_with("new best")));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Title));
    assert_eq!((app.menu.page, app.menu.cursor), after_esc);
    assert!(app.notices.is_empty(), "the title screen's notices are warnings; the debrief's notes stay there");
}

#[test]
fn q_on_the_main_menu_quits_without_asking() {
    let mut app = new_app();
    assert_eq!(ch(&mut app, 'q'), vec![Effect::Quit]);
}

#[test]
fn ctrl_c_quits_at_once_from_anywhere() {
    let mut app = new_app();
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit], "on the title menu");
    let mut app = playing();
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit], "while playing");
    ch(&mut app, '/');
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit], "while typing a filter");
    let mut app = playing();
    ch(&mut app, 'q');
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit], "in the quit dialog");
}

#[test]
fn resolving_needs_a_declared_incident_and_then_ends_the_run_with_a_debrief() {
    let mut app = playing_at(200);
    // Resolve first: the engine refuses it, and says so at once — no "are you sure?" before
    // a refusal (issue 11).
    ch(&mut app, 'i');
    let console = action_items(&app);
    assert_eq!(console[0], CommandKind::Declare, "{console:?}");
    assert_eq!(choose(&mut app, CommandKind::Resolve), vec![]);
    assert_eq!(app.overlay, None, "no confirmation for a command that would be rejected");
    assert!(matches!(app.screen, Screen::Playing(_)), "an undeclared incident cannot be resolved");
    let g = game(&app);
    assert!(g.sim.commands()[0].rejected.as_deref().is_some_and(|r| r.contains("declare")), "{:?}", g.sim.commands());
    assert!(g.flash.as_ref().is_some_and(|f| f.error), "the refusal is shown");
    // Declare (Sev2 is the default), then resolve.
    ch(&mut app, 'i');
    choose(&mut app, CommandKind::Declare);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![]);
    assert_eq!(game(&app).recorded[1].command, Command::Declare { severity: Severity::Sev2 });
    ch(&mut app, 'i');
    choose(&mut app, CommandKind::Resolve);
    assert_eq!(ch(&mut app, 'y'), vec![Effect::Finished]);
    let Screen::End(g) = &app.screen else { panic!("the run is over") };
    let d = g.debrief.as_ref().expect("the end screen has a debrief");
    assert_eq!(d.end_reason, Some(EndReason::Resolved));
    assert_eq!(d.ended_at, SimTime::from_secs(200));
    assert_eq!(d.seed, 42);
    assert_eq!(g.recorded.len(), 3, "the rejected resolve is recorded too, so a replay rejects it the same way");
    assert_eq!(app.overlay, None);
    // Enter goes back to the menu, on the list the scenario was chosen from.
    assert_eq!(press(&mut app, KeyCode::Enter), vec![]);
    assert!(matches!(app.screen, Screen::Title));
    assert_eq!(app.menu.page, MenuPage::Campaign);
}

#[test]
fn meeting_the_objectives_makes_the_service_stable_and_the_clock_runs_on_to_an_announced_end() {
    let mut app = playing_at(160);
    press(&mut app, KeyCode::Enter);
    choose(&mut app, CommandKind::SetFlag);
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        ch(&mut app, '+');
    }
    let frame = |app: &mut App| app.update(Msg::Frame(Duration::from_millis(250)));
    let mut frames = 0;
    while game(&app).sim.phase().stable_since.is_none() && frames < 20 * 60 * 4 {
        assert_eq!(frame(&mut app), vec![], "nothing ends the run while it is not stable");
        frames += 1;
    }
    let g = game(&app);
    assert!(g.sim.phase().stable_since.is_some(), "the flag off makes friday-deploy stable");
    assert_eq!(g.sim.ended(), None, "stable is not the end: the clock runs on");
    let (banner, _) = firedrill::tui::widgets::chrome::banner_text(g, &app.theme).expect("a banner when stable");
    assert!(
        banner.contains("stable — ") && banner.contains("remove the cause") && banner.contains("resolve"),
        "{banner}"
    );
    // Two minutes before the scenario's length, the end is announced with a countdown; the run
    // ends only then.
    let mut effects = vec![];
    let mut warned = None;
    while effects.is_empty() && frames < 20 * 60 * 4 {
        effects = frame(&mut app);
        if let (true, Screen::Playing(g)) = (warned.is_none(), &app.screen)
            && let Some((text, _)) = firedrill::tui::widgets::chrome::banner_text(g, &app.theme)
            && text.contains("the run ends in")
        {
            warned = Some((g.sim.now(), text));
        }
        frames += 1;
    }
    let (at, text) = warned.expect("the end was announced before it came");
    assert!(at <= SimTime::from_secs(18 * 60 + 1) && text.contains("17:00:00"), "{at:?} {text}");
    assert_eq!(effects, vec![Effect::Finished]);
    let Screen::End(g) = &app.screen else { panic!("the run is over") };
    assert_eq!(g.debrief.as_ref().unwrap().end_reason, Some(EndReason::TimeUp));
    assert_eq!(g.debrief.as_ref().unwrap().ended_at, SimTime::from_secs(20 * 60));
    assert!(!app.animating(), "the clock stops on the debrief");
}

#[test]
fn looking_around_never_advances_sim_time() {
    let mut app = playing_at(240);
    let seen = |app: &App| {
        let g = game(app);
        (g.sim.now(), g.sim.events().len(), g.sim.logs().written(), g.series.buckets, g.sim.commands().len())
    };
    let before = seen(&app);
    for c in ['2', '3', '4', '5', '1', 'v', 'c', 'f'] {
        ch(&mut app, c);
    }
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::PageUp);
        press(&mut app, KeyCode::Up);
        press(&mut app, KeyCode::PageDown);
    }
    ch(&mut app, '/');
    for c in "error".chars() {
        ch(&mut app, c);
    }
    press(&mut app, KeyCode::Enter);
    ch(&mut app, '?');
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'i');
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'q');
    ch(&mut app, 'n');
    assert_eq!(app.overlay, None);
    assert_eq!(game(&app).view.filter, "error", "the looking did happen");
    assert_eq!(seen(&app), before, "no key moved the sim");
}

#[test]
fn scrolling_the_logs_back_stops_following_and_returning_to_the_newest_resumes() {
    let mut app = playing_at(240);
    ch(&mut app, '2');
    for _ in 0..2 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(game(&app).view.focus, Focus::Panel);
    press(&mut app, KeyCode::Up);
    assert!(!game(&app).view.follow);
    assert_eq!(game(&app).view.scroll[1], 1);
    press(&mut app, KeyCode::Down);
    assert!(game(&app).view.follow);
}

/// Playing, then declared and resolved at 200 s: the debrief of a built-in scenario is up.
fn finished() -> App {
    let mut app = playing_at(200);
    ch(&mut app, 'i');
    choose(&mut app, CommandKind::Declare);
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'i');
    choose(&mut app, CommandKind::Resolve);
    assert_eq!(ch(&mut app, 'y'), vec![Effect::Finished]);
    app
}

#[test]
fn a_saved_run_comes_back_as_a_message_that_records_progress_and_says_where() {
    let mut app = finished();
    assert!(!app.profile.is_completed("friday-deploy"), "nothing is recorded until the run is saved");
    let effects = app.update(Msg::RunSaved(Ok("/data/runs/friday.ron".into())));
    let score = app.profile.best_for("friday-deploy").expect("the score is recorded").score;
    let best =
        format!("new best for friday-deploy: {score} ({})", app.profile.best_for("friday-deploy").unwrap().grade);
    assert_eq!(app.notices, ["run saved to /data/runs/friday.ron".to_string(), best.clone()]);
    assert_eq!(
        effects,
        vec![Effect::Log("run saved to /data/runs/friday.ron".into()), Effect::Log(best), Effect::SaveProfile]
    );
    // Saving the profile worked: nothing more to say. It failed: the player is told.
    assert_eq!(app.update(Msg::ProfileSaved(Ok(()))), vec![]);
    assert_eq!(app.notices.len(), 2);
    assert_eq!(
        app.update(Msg::ProfileSaved(Err("disk full".into()))),
        vec![Effect::Log("progress not saved: disk full".into())]
    );
    assert_eq!(app.notices.last().map(String::as_str), Some("progress not saved: disk full"));
}

#[test]
fn a_run_that_could_not_be_saved_still_counts_and_an_export_reports_back() {
    let mut app = finished();
    app.update(Msg::RunSaved(Err("read-only file system".into())));
    assert_eq!(app.notices[0], "run not saved: read-only file system");
    assert!(app.profile.is_completed("friday-deploy"));
    assert_eq!(ch(&mut app, 'e'), vec![], "e asks which format");
    assert!(matches!(app.overlay, Some(Overlay::Export { .. })));
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Export(ExportFormat::Markdown)]);
    ch(&mut app, 'e');
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Export(ExportFormat::Html)]);
    let effects = app.update(Msg::Exported(Ok("/data/debriefs/friday-deploy-1.md".into())));
    assert_eq!(app.notices, ["debrief written to /data/debriefs/friday-deploy-1.md"]);
    assert_eq!(effects, vec![Effect::Log("debrief written to /data/debriefs/friday-deploy-1.md".into())]);
    app.update(Msg::Exported(Err("no space left".into())));
    assert_eq!(app.notices, ["debrief not written: no space left"]);
    // A failed settings save is reported the same way.
    app.update(Msg::SettingsSaved(Err("permission denied".into())));
    assert_eq!(app.notices.last().map(String::as_str), Some("settings not saved: permission denied"));
}

#[test]
fn the_incident_console_lists_its_commands_in_its_own_order() {
    let mut app = playing_at(30);
    ch(&mut app, 'i');
    assert_eq!(
        action_items(&app),
        [CommandKind::Declare, CommandKind::StatusUpdate, CommandKind::Ack, CommandKind::Page, CommandKind::Resolve],
        "before an incident is declared, the console declares; it cannot change a severity yet"
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'i');
    assert_eq!(
        action_items(&app),
        [
            CommandKind::ChangeSeverity,
            CommandKind::StatusUpdate,
            CommandKind::Ack,
            CommandKind::Page,
            CommandKind::Resolve
        ],
        "once declared, the console escalates and de-escalates instead"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    let menu = action_items(&app);
    let incident: Vec<CommandKind> =
        menu.iter().copied().filter(|k| firedrill::tui::forms::INCIDENT_CONSOLE.contains(k)).collect();
    assert_eq!(
        incident,
        [
            CommandKind::Ack,
            CommandKind::Declare,
            CommandKind::StatusUpdate,
            CommandKind::ChangeSeverity,
            CommandKind::Resolve,
            CommandKind::Page
        ],
        "the action menu lists the console's commands in the engine's order"
    );
}

#[test]
fn escalating_is_a_recorded_command_and_the_declare_form_shows_the_rubric() {
    let mut app = playing_at(30);
    ch(&mut app, 'i');
    press(&mut app, KeyCode::Enter);
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 120, 40));
    firedrill::tui::view::render(&app, buf.area, &mut buf);
    let screen: String = buf.content().iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(screen.contains("Sev1  critical: most users cannot complete the core journey"), "{screen}");
    assert!(screen.contains("Sev4  no user impact"), "{screen}");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'i');
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Enter);
    let g = game(&app);
    assert_eq!(g.recorded[1].command, Command::ChangeSeverity { severity: Severity::Sev1 });
    assert!(
        g.sim.events().iter().any(|e| matches!(
            e.kind,
            firedrill::sim::EventKind::SeverityChanged { from: Severity::Sev2, to: Severity::Sev1 }
        )),
        "escalating is an event in the run"
    );
    assert_eq!(g.sim.incident().declared.map(|d| d.1), Some(Severity::Sev1));
}
