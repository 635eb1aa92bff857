//! What the incident screen shows a trainee (issue 11, "Seeing"), driven the way a player
//! drives it — keys and clicks through `App::update` — with sim time jumped by `advance_to`:
//! the instances drill-down (sort, aim Restart and Drain), firing alerts in the header, notices
//! that stay until dismissed, pool figures that add up, traces to choose from, the samples of
//! suppressed log lines (deterministic), neutral goals, the seed, and the mouse.

use firedrill::sim::model::rules::AlertSeverity;
use firedrill::sim::{Command, CommandKind, EventKind, SimTime};
use firedrill::store::{Profile, Settings};
use firedrill::tui::app::{App, Effect, Msg, Overlay, Screen};
use firedrill::tui::forms;
use firedrill::tui::game::{Focus, Game, Panel};
use firedrill::tui::instances::SortBy;
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::time::Duration;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Effect> {
    press(app, KeyCode::Char(c))
}

fn game(app: &App) -> &Game {
    app.game().expect("a game is open")
}

/// Free play → scenario number `n` (1-based, in the list's order) → its briefing.
fn briefing(n: usize, settings: Settings) -> App {
    let mut app = App::new(settings, Profile::default(), Keymap::default_map(), false);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    for _ in 1..n {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Briefing(_)));
    app
}

fn index_of(id: &str) -> usize {
    firedrill::scenario::BUILTIN.iter().position(|b| b.0 == id).expect("a built-in scenario") + 1
}

/// `id` running, jumped to `secs`.
fn playing(id: &str, secs: u64) -> App {
    playing_with(id, secs, Settings::default())
}

fn playing_with(id: &str, secs: u64, settings: Settings) -> App {
    let mut app = briefing(index_of(id), settings);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Playing(_)));
    advance_to(&mut app, secs);
    app
}

fn advance_to(app: &mut App, secs: u64) {
    let g = app.game_mut().unwrap();
    g.sim.advance_to(SimTime::from_secs(secs));
    g.series.ingest(&g.sim);
    g.toasts.ingest(g.sim.events());
}

fn text(app: &App, (w, h): (u16, u16)) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    render(app, area, &mut buf);
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_string() + "\n").collect()
}

/// The instance numbers of the drill-down's rows, in the order shown.
fn shown_order(app: &App) -> Vec<u32> {
    firedrill::tui::instances::rows(game(app)).1.iter().map(|i| i.num).collect()
}

#[test]
fn the_sort_key_cycles_the_column_the_header_names_and_errors_sort_worst_first() {
    // slow-database at 8m: the pool is exhausted and every instance fails some requests.
    let mut app = playing("slow-database", 480);
    ch(&mut app, '6');
    assert_eq!(game(&app).view.panel, Panel::Instances);
    assert_eq!(shown_order(&app), [1, 2, 3, 4, 5, 6], "by name at first");
    let mut seen = vec![game(&app).view.instances.sort];
    for _ in 0..SortBy::ALL.len() {
        ch(&mut app, 's');
        seen.push(game(&app).view.instances.sort);
    }
    assert_eq!(seen[..SortBy::ALL.len()], SortBy::ALL, "s visits every column");
    assert_eq!(seen.last(), Some(&SortBy::Name), "and comes back round");
    ch(&mut app, 's');
    assert_eq!(game(&app).view.instances.sort, SortBy::Errors);
    assert!(text(&app, (120, 36)).contains("sorted by errors"), "the header names the sort");
    let (_, rows) = firedrill::tui::instances::rows(game(&app));
    let rates: Vec<f64> = rows.iter().map(|i| i.error_rate().expect("each instance served requests")).collect();
    assert!(rates.iter().any(|r| *r > 0.0), "instances fail at 8m: {rates:?}");
    assert!(rates.windows(2).all(|w| w[0] >= w[1] - 1e-3), "worst first: {rates:?}");
}

#[test]
fn restart_and_drain_are_aimed_at_the_instance_chosen_in_the_drill_down() {
    let mut app = playing("slow-database", 480);
    ch(&mut app, '6');
    ch(&mut app, 's'); // errors, worst first
    ch(&mut app, ']');
    ch(&mut app, ']');
    let third = shown_order(&app)[2];
    assert_eq!(game(&app).view.instances.num, Some(third), "] moved the choice down two rows, focus untouched");
    assert_eq!(game(&app).view.focus, Focus::Map);
    ch(&mut app, 'r');
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("r opens the Restart form: {:?}", app.overlay) };
    assert_eq!(form.kind, CommandKind::Restart);
    assert_eq!(
        forms::command(form),
        Ok(Command::Restart { service: "api".into(), instance: Some(third), all_at_once: false })
    );
    press(&mut app, KeyCode::Esc);
    ch(&mut app, '[');
    let second = shown_order(&app)[1];
    ch(&mut app, 'd');
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("d opens the Drain form") };
    assert_eq!(forms::command(form), Ok(Command::Drain { service: "api".into(), instance: second }));
    // Sent, it drains that instance: the drill-down shows it leave rotation.
    press(&mut app, KeyCode::Enter);
    if matches!(app.overlay, Some(Overlay::Confirm { .. })) {
        press(&mut app, KeyCode::Enter);
    }
    advance_to(&mut app, 490);
    let live = game(&app).sim.instances(game(&app).selected_service());
    assert!(live.iter().all(|i| i.num != second || !i.in_rotation), "instance {second} left rotation: {live:?}");
}

#[test]
fn the_header_counts_firing_alerts_with_their_severity_and_never_says_no_incident_then() {
    let quiet = playing("friday-deploy", 60);
    assert!(text(&quiet, (120, 36)).lines().next().unwrap().contains("no incident"));
    let app = playing("friday-deploy", 300);
    let firing = game(&app).sim.alert_views().iter().filter(|a| a.firing).count();
    assert!(firing > 0, "an alert fires at 5m");
    let head = text(&app, (120, 36)).lines().next().unwrap().to_string();
    assert!(head.contains(&format!("✖ {firing} FIRING · page · not declared")), "{head}");
    assert!(!head.contains("no incident"), "{head}");
    // At the minimum size it still shows.
    let small = text(&app, (80, 24)).lines().next().unwrap().to_string();
    assert!(small.contains("FIRING"), "{small}");
}

#[test]
fn the_bell_rings_once_for_a_new_page_only_when_the_setting_is_on() {
    for bell in [false, true] {
        let mut app = playing_with("friday-deploy", 0, Settings { bell, ..Settings::default() });
        let mut rang = 0;
        // Frames of wall time (1×: one sim second per wall second) through the first page.
        for _ in 0..(5 * 60 * 4) {
            rang += app.update(Msg::Frame(Duration::from_millis(250))).iter().filter(|e| **e == Effect::Bell).count();
        }
        let pages = game(&app)
            .sim
            .events()
            .iter()
            .filter(|e| !e.hidden)
            .filter(|e| matches!(&e.kind, EventKind::AlertFiring { severity: AlertSeverity::Page, .. }))
            .count();
        assert!(pages >= 1);
        assert_eq!(rang, if bell { pages } else { 0 }, "bell {bell}");
    }
}

#[test]
fn a_paged_teams_reply_shows_as_a_notice_that_stays_until_dismissed() {
    let mut app = playing("friday-deploy", 150);
    ch(&mut app, 'i');
    let Some(Overlay::Actions { items, .. }) = &app.overlay else { panic!() };
    let at = items.iter().position(|k| *k == CommandKind::Page).unwrap();
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    ch(&mut app, '5');
    assert!(text(&app, (120, 36)).contains("you paged coupons-team: waiting for an answer"));
    // The team arrives after 6 minutes.
    advance_to(&mut app, 150 + 6 * 60 + 5);
    let screen = text(&app, (120, 36));
    assert!(screen.contains("reply from coupons-team (paged)"), "{screen}");
    assert!(screen.contains("x: dismiss"), "{screen}");
    assert!(
        screen.contains("answered at 16:48:30"),
        "Comms says the page was answered (friday-deploy starts at 16:40): {screen}"
    );
    // It stays while time passes and other keys are pressed…
    advance_to(&mut app, 150 + 8 * 60);
    ch(&mut app, '2');
    press(&mut app, KeyCode::Down);
    assert!(text(&app, (120, 36)).contains("reply from coupons-team"));
    // …until x dismisses it; Comms still has it.
    ch(&mut app, 'x');
    let screen = text(&app, (120, 36));
    assert!(!screen.contains("reply from coupons-team"), "{screen}");
    ch(&mut app, '5');
    assert!(text(&app, (120, 36)).contains("coupons-team (paged): v42's coupon engine"));
}

#[test]
fn the_pool_figure_is_a_total_against_the_total_of_the_pools() {
    let mut app = playing("slow-database", 480);
    press(&mut app, KeyCode::Down); // api
    let screen = text(&app, (120, 36));
    let at = screen.find("pool ").expect("the pool line is shown");
    let figure: String = screen[at + 5..].chars().take_while(|c| *c != ' ').collect();
    let (busy, total) = figure.split_once('/').unwrap();
    let (busy, total): (u32, u32) = (busy.parse().unwrap(), total.parse().unwrap());
    let g = game(&app);
    let serving = g
        .sim
        .instances(g.selected_service())
        .iter()
        .filter(|i| matches!(i.state, firedrill::sim::InstState::Ready))
        .count();
    assert_eq!(total, 20 * serving as u32, "{figure}: six pools of 20");
    assert!(busy <= total, "{figure}");
    assert!(screen.contains(&format!("({serving} × 20)")), "one pool's size is named: {screen}");
    // The drill-down shows each instance's own pool against its own size.
    ch(&mut app, '6');
    let screen = text(&app, (120, 36));
    assert_eq!(screen.matches("20/20 w").count(), serving, "{screen}");
}

#[test]
fn the_newest_failed_and_slow_traces_are_marked_and_brackets_choose_without_moving_focus() {
    let mut app = playing("friday-deploy", 300);
    ch(&mut app, '4');
    let screen = text(&app, (160, 48));
    let list = game(&app).sim.traces();
    let failed = list.iter().rev().position(|t| !t.ok).expect("a failed request was kept") + 1;
    assert!(screen.contains(&format!("newest failed #{failed}")), "{screen}");
    let kept = game(&app).sim.traces().len();
    assert!(screen.contains(&format!("1 of {kept} kept")), "{screen}");
    ch(&mut app, ']');
    assert_eq!(game(&app).view.focus, Focus::Map, "no focus change needed");
    assert!(text(&app, (160, 48)).contains(&format!("2 of {kept} kept")));
    ch(&mut app, '[');
    assert!(text(&app, (160, 48)).contains(&format!("1 of {kept} kept")));
}

#[test]
fn the_samples_of_suppressed_lines_are_the_same_in_every_run_and_open_with_o() {
    let samples = |app: &App| -> Vec<(u64, Vec<String>)> {
        let logs = game(app).sim.logs();
        logs.lines().iter().map(|l| (l.seq, logs.samples(l.seq).iter().map(|s| format!("{s:?}")).collect())).collect()
    };
    let a = playing("slow-database", 480);
    let b = playing("slow-database", 480);
    let sa = samples(&a);
    assert!(sa.iter().any(|(_, s)| !s.is_empty()), "some lines were suppressed and sampled");
    assert_eq!(sa, samples(&b), "the same seed keeps the same samples");
    let mut app = a;
    ch(&mut app, '2');
    let closed = text(&app, (120, 36));
    assert!(closed.contains("o: samples"), "{closed}");
    ch(&mut app, 'o');
    let open = text(&app, (120, 36));
    assert!(open.contains("↳"), "sample lines are shown under their summary: {open}");
    assert!(open.contains("samples open"), "{open}");
}

#[test]
fn objectives_show_their_neutral_goal_during_the_run_and_their_name_in_the_debrief() {
    let mut app = playing("friday-deploy", 60);
    ch(&mut app, '5');
    let screen = text(&app, (120, 36));
    assert!(screen.contains("restore checkout for customers"), "{screen}");
    assert!(!screen.contains("coupon bug"), "the cause is not given away: {screen}");
    advance_to(&mut app, 20 * 60);
    app.update(Msg::Frame(Duration::ZERO));
    assert!(matches!(app.screen, Screen::End(_)));
    let mut found = false;
    for _ in 0..20 {
        found |= text(&app, (120, 36)).contains("v42's coupon bug no longer reaches customers");
        press(&mut app, KeyCode::PageDown);
    }
    assert!(found, "the debrief reveals the full objective");
}

#[test]
fn the_briefing_takes_a_typed_seed_or_a_random_one() {
    let mut app = briefing(index_of("friday-deploy"), Settings::default());
    let first = game(&app).sim.seed();
    ch(&mut app, 's');
    assert_eq!(app.overlay, Some(Overlay::Seed(String::new())));
    for c in "12x3".chars() {
        ch(&mut app, c);
    }
    assert_eq!(app.overlay, Some(Overlay::Seed("123".into())), "digits only");
    press(&mut app, KeyCode::Enter);
    assert_eq!(game(&app).sim.seed(), 123);
    assert!(text(&app, (80, 24)).contains("seed 123"));
    ch(&mut app, 'r');
    let random = game(&app).sim.seed();
    assert_ne!((random, random), (123, first), "a new seed");
    press(&mut app, KeyCode::Enter);
    assert_eq!(game(&app).sim.seed(), random, "the run plays with it");
}

fn click(app: &mut App, column: u16, row: u16, kind: MouseEventKind) {
    app.update(Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }));
}

#[test]
fn a_click_selects_a_map_row_or_a_tab_and_the_wheel_scrolls_the_logs() {
    let mut app = playing("friday-deploy", 300);
    app.update(Msg::Resize(120, 36));
    // The map's rows start inside its frame, under the header and feedback line.
    click(&mut app, 5, 4, MouseEventKind::Down(MouseButton::Left));
    assert_eq!(game(&app).row_name(game(&app).selected_component()), "api");
    let screen = text(&app, (120, 36));
    let tab_row = screen.lines().position(|l| l.contains("1 Alerts")).unwrap() as u16;
    let line = screen.lines().nth(tab_row as usize).unwrap();
    let x = line[..line.find("2 Logs").unwrap()].chars().count() as u16;
    click(&mut app, x + 1, tab_row, MouseEventKind::Down(MouseButton::Left));
    assert_eq!(game(&app).view.panel, Panel::Logs);
    assert_eq!(game(&app).view.focus, Focus::Panel);
    click(&mut app, 60, tab_row + 3, MouseEventKind::ScrollUp);
    assert!(!game(&app).view.follow, "scrolling back stops following");
    assert_eq!(game(&app).view.scroll[1], 3);
    click(&mut app, 60, tab_row + 3, MouseEventKind::ScrollDown);
    assert!(game(&app).view.follow);
    // Over a dialog the mouse does nothing.
    ch(&mut app, '?');
    click(&mut app, 5, 5, MouseEventKind::Down(MouseButton::Left));
    assert_eq!(game(&app).row_name(game(&app).selected_component()), "api");
}

#[test]
fn the_edge_shows_what_the_harm_has_cost_where_the_scenario_prices_it() {
    // payments-outage prices failed requests and double charges: the edge's detail line totals
    // the windows' business costs so far; friday-deploy sets no prices and says nothing.
    let app = playing("payments-outage", 600);
    let g = game(&app);
    let total: f64 = g.sim.windows().iter().map(|w| w.business_cost).sum();
    assert!(total > 100.0, "the outage has cost something by 10m: {total}");
    let screen = text(&app, (160, 48));
    let want = format!("cost so far ${}", firedrill::sim::observe::logs::group_thousands(total.round() as u64));
    assert!(screen.contains(&want), "{want:?} on the edge line:\n{screen}");
    let app = playing("friday-deploy", 600);
    assert!(!text(&app, (160, 48)).contains("cost so far"));
}
