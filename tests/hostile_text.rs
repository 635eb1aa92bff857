//! Issue 10 §1: no escape sequence or invisible character reaches any output. One hostile
//! corpus (`common/hostile.rs`) goes through every path: `validate` with a hostile file name,
//! `run`, `replay` and `report` with hostile commands files and hand-edited saved runs, every
//! format (text, JSON, markdown), a scenario full of hostile text, and the game's briefing
//! and debrief screens drawn into a buffer. Each output must hold no raw control, bidi or
//! zero-width character, and show a visible marker (`␛` for an escape, `�` for an invisible
//! character; scenario prose drops controls at load, so only `�` shows there). The tmux
//! end-to-end screen is in `tests/tui_e2e.rs`.

mod common;

use common::bin::{firedrill, stderr, stdout};
use common::hostile::{self, assert_inert, assert_json_inert};
use firedrill::store::{Profile, ScenarioRef, Settings};
use firedrill::tui::app::{App, Msg, Screen};
use firedrill::tui::keymap::Keymap;
use firedrill::tui::view::render;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::path::Path;
use std::time::Duration;

const ESC_MARK: char = '␛';
const MARK: char = '\u{fffd}';

fn both(o: &std::process::Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

#[test]
fn a_hostile_file_name_is_shown_inert_by_validate_and_run() {
    let home = tempfile::tempdir().unwrap();
    let name = format!("x{}.ron", hostile::all());
    let path = home.path().join(&name);
    let p = path.to_str().unwrap();
    // Missing, then invalid (every positioned error repeats the name), then valid.
    for (what, content, code) in [
        ("a missing file", None, 1),
        ("an invalid file", Some("Scenario(id: \"x\")".to_string()), 1),
        ("a valid file", Some(hostile::scenario("ok")), 0),
    ] {
        if let Some(c) = &content {
            std::fs::write(&path, c).unwrap();
        }
        for args in [vec!["validate", p], vec!["run", p, "--until", "10s"]] {
            let out = firedrill(&args, home.path());
            assert_eq!(out.status.code(), Some(code), "{what}: {args:?}: {}", both(&out));
            if code == 0 && args[0] == "run" {
                // A run that works does not print its file's name.
                common::hostile::assert_no_raw(&format!("{what}: run"), &both(&out));
            } else {
                assert_inert(&format!("{what}: {}", args[0]), &both(&out), ESC_MARK);
            }
        }
    }
}

/// A saved run of `friday-deploy` with the hostile commands, made by `run --save`.
fn hostile_run(home: &Path) -> std::path::PathBuf {
    let cmds = home.join("cmds.ron");
    std::fs::write(&cmds, hostile::commands(&hostile::all())).unwrap();
    let save = home.join("run.ron");
    let (c, s) = (cmds.to_str().unwrap(), save.to_str().unwrap());
    for format in ["text", "json"] {
        let out = firedrill(
            &["run", "friday-deploy", "--commands", c, "--until", "3m", "--format", format, "--save", s],
            home,
        );
        assert!(out.status.success(), "run --format {format}: {}", both(&out));
        let what = format!("run --commands --format {format}");
        if format == "json" {
            assert_json_inert(&what, &stdout(&out), ESC_MARK);
        } else {
            assert_inert(&what, &stdout(&out), ESC_MARK);
        }
    }
    save
}

#[test]
fn hostile_commands_are_echoed_inert_by_run_replay_and_report() {
    let home = tempfile::tempdir().unwrap();
    let save = hostile_run(home.path());
    let s = save.to_str().unwrap();
    for (args, json) in [
        (vec!["replay", s], false),
        (vec!["replay", s, "--format", "json"], true),
        (vec!["report", s], false),
        (vec!["report", s, "--format", "json"], true),
    ] {
        let out = firedrill(&args, home.path());
        assert!(out.status.success(), "{args:?}: {}", both(&out));
        let what = args.join(" ");
        if json {
            assert_json_inert(&what, &stdout(&out), ESC_MARK);
        } else {
            assert_inert(&what, &stdout(&out), ESC_MARK);
        }
    }
    // Every echoed name is one line: the status update's text cannot forge an event line.
    let out = stdout(&firedrill(&["replay", s], home.path()));
    let events: Vec<&str> = out.lines().filter(|l| l.contains("pwned")).map(str::trim).collect();
    assert!(events.len() >= 10, "every hostile command is echoed: {events:?}");
    // The scenario's clock reads the time of day (friday-deploy starts at 16:40): `16:41:00 …`.
    let clock = |l: &str| {
        let b = l.as_bytes();
        b.len() > 9
            && b[2] == b':'
            && b[5] == b':'
            && b[8] == b' '
            && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
    };
    assert!(events.iter().all(|l| clock(l)), "each echo is one line starting with its time: {events:?}");
}

#[test]
fn a_hand_edited_saved_run_is_reported_inert() {
    let home = tempfile::tempdir().unwrap();
    let save = hostile_run(home.path());
    let good = std::fs::read_to_string(&save).unwrap();
    let x = hostile::all();
    let edits = [
        (
            "scenario id",
            good.replace("scenario_id: \"friday-deploy\"", &format!("scenario_id: \"{x}\""))
                .replace("scenario_hash: \"", "scenario_hash: \"0"),
        ),
        ("scenario hash", good.replace("scenario_hash: \"", &format!("scenario_hash: \"{x}"))),
        ("built-in id", good.replace("Builtin(\"friday-deploy\")", &format!("Builtin(\"{x}\")"))),
        ("file path", good.replace("Builtin(\"friday-deploy\")", &format!("File(\"/nowhere/{x}.ron\")"))),
    ];
    let mut edits: Vec<(&str, String, bool)> = edits.into_iter().map(|(w, t)| (w, t, true)).collect();
    // The parser stops at the first hostile byte of a field name and does not echo it.
    edits.push(("field name", good.replace("seed:", &format!("s{x}eed: 1, seed:")), false));
    for (what, text, echoed) in edits {
        assert_ne!(text, good, "{what}: the edit applies");
        let edited = home.path().join("edited.ron");
        std::fs::write(&edited, &text).unwrap();
        for cmd in ["replay", "report"] {
            let out = firedrill(&[cmd, edited.to_str().unwrap()], home.path());
            assert_eq!(out.status.code(), Some(1), "{what}: {cmd} refuses it: {}", both(&out));
            let what = format!("{cmd} of a run with a hostile {what}");
            if echoed {
                assert_inert(&what, &both(&out), ESC_MARK);
            } else {
                common::hostile::assert_no_raw(&what, &both(&out));
            }
        }
    }
}

#[test]
fn a_scenario_full_of_hostile_text_prints_inert_in_every_format() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("hostile.ron");
    std::fs::write(&file, hostile::scenario(&hostile::all())).unwrap();
    let f = file.to_str().unwrap();
    let save = home.path().join("run.ron");
    let out = firedrill(&["validate", f], home.path());
    assert!(out.status.success(), "{}", both(&out));
    assert_inert("validate", &both(&out), MARK);
    for format in ["text", "json"] {
        let out = firedrill(&["run", f, "--format", format, "--save", save.to_str().unwrap()], home.path());
        assert!(out.status.success(), "{}", both(&out));
        if format == "json" {
            assert_json_inert("run --format json", &stdout(&out), MARK);
        } else {
            assert_inert("run --format text", &stdout(&out), MARK);
        }
    }
    for (format, json) in [("md", false), ("json", true)] {
        let out = firedrill(&["report", save.to_str().unwrap(), "--format", format], home.path());
        assert!(out.status.success(), "{}", both(&out));
        if json {
            assert_json_inert("report --format json", &stdout(&out), MARK);
        } else {
            assert_inert("report --format md", &stdout(&out), MARK);
        }
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn screen_text(buf: &Buffer) -> String {
    let a = buf.area;
    (a.top()..a.bottom())
        .map(|y| (a.left()..a.right()).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

fn draw(app: &App) -> String {
    let area = Rect::new(0, 0, 160, 48);
    let mut buf = Buffer::empty(area);
    render(app, area, &mut buf);
    screen_text(&buf)
}

#[test]
fn the_briefing_and_the_debrief_show_hostile_scenario_text_inert() {
    for ascii in [false, true] {
        let spec = firedrill::scenario::parse("hostile.ron", &hostile::scenario(&hostile::all())).unwrap();
        let settings = Settings { ascii, ..Settings::default() };
        let mut app = App::new(settings, Profile::default(), Keymap::default_map(), false);
        app.open(spec, ScenarioRef::File("hostile.ron".into()));
        app.update(Msg::Resize(160, 48));
        let mark = if ascii { '?' } else { MARK };
        let briefing = draw(&app);
        assert!(briefing.contains("title"), "{briefing}");
        assert_inert(&format!("briefing (ascii {ascii})"), &briefing, mark);
        press(&mut app, KeyCode::Enter);
        assert_inert(&format!("incident screen (ascii {ascii})"), &draw(&app), mark);
        let g = app.game_mut().unwrap();
        g.sim.advance_to(firedrill::sim::SimTime::from_secs(300));
        g.series.ingest(&g.sim);
        app.update(Msg::Frame(Duration::ZERO));
        assert!(matches!(app.screen, Screen::End(_)), "the run ended");
        let debrief = draw(&app);
        assert!(debrief.contains("Debrief"), "{debrief}");
        assert_inert(&format!("debrief (ascii {ascii})"), &debrief, mark);
    }
}

/// The frame pass catches what a widget draws even if nothing cleaned it before: ratatui
/// drops C0/C1 controls from spans but appends format characters (U+202E, U+200B) to the
/// previous cell, and a cell's symbol can be set to anything.
#[test]
fn the_frame_pass_marks_whatever_a_widget_drew() {
    use ratatui::widgets::{Paragraph, Widget};
    let area = Rect::new(0, 0, 40, 3);
    let mut buf = Buffer::empty(area);
    Paragraph::new(format!("a{}", hostile::all())).render(area, &mut buf);
    buf[(0, 2)].set_symbol("\u{1b}");
    buf[(1, 2)].set_symbol("\u{9b}");
    let before = screen_text(&buf);
    assert!(before.chars().any(hostile::forbidden), "ratatui lets some through: the pass has work to do");
    firedrill::tui::view::safe_cells(&mut buf, area, false);
    let after = screen_text(&buf);
    assert_inert("a raw paragraph after the frame pass", &after, MARK);
    assert!(after.lines().nth(2).unwrap().starts_with("␛�"), "{after}");
}
