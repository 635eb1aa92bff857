//! The `:` command line: keys edit the text (typing, backspace, tab to complete) before the
//! keymap sees them; enter, esc and up/down arrive as actions. Enter parses the line with
//! the one command grammar (`cmdtext`) and checks it with the engine's `resolve` before
//! anything else, so a mistake or a rejection shows at once, in words, with the text kept for
//! editing; a command with a cost or a risk then goes through the same confirmation as the
//! action menu's.

use super::super::action::Action;
use super::super::app::{App, Effect, Overlay};
use super::super::cmdline::{self, CmdLine, MAX_LINE};
use crate::cmdtext::{self, Names};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn names(app: &App) -> Names {
    let mut n = app.game().map(|g| Names::of_sim(&g.sim)).unwrap_or_default();
    // The facilitator's verbs (fire, reveal, tip) are offered to the host of a drill only.
    if let Some(h) = app.host() {
        n.facilitator = true;
        n.seats = h.seats.iter().map(|s| s.by.name.clone()).collect();
    }
    n
}

/// Opens the command line.
pub(super) fn open(app: &mut App) {
    let n = names(app);
    app.overlay = Some(Overlay::CommandLine(CmdLine::new(&n)));
}

/// Text editing keys: true if the key was the command line's.
pub(super) fn on_key(app: &mut App, k: &KeyEvent) -> bool {
    if k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return false;
    }
    let n = names(app);
    let Some(Overlay::CommandLine(c)) = &mut app.overlay else { return false };
    match k.code {
        KeyCode::Char(ch) => {
            if c.text.chars().count() < MAX_LINE {
                c.text.push(ch);
            }
        }
        KeyCode::Backspace => {
            c.text.pop();
        }
        KeyCode::Tab => c.tab(&n),
        _ => return false,
    }
    c.browsing = None;
    c.refresh(&n);
    true
}

pub(super) fn on_action(app: &mut App, mut c: CmdLine, action: Action) -> Vec<Effect> {
    let n = names(app);
    match action {
        Action::Back => return vec![],
        Action::Up | Action::Down => c.browse(&app.history, action == Action::Up, &n),
        Action::Select => return enter(app, c, &n),
        _ => {}
    }
    app.overlay = Some(Overlay::CommandLine(c));
    vec![]
}

/// Enter: `help`, or parse, check and send (or confirm) the command.
fn enter(app: &mut App, mut c: CmdLine, n: &Names) -> Vec<Effect> {
    let line = c.text.trim().to_string();
    let words: Vec<&str> = line.split_whitespace().collect();
    if let Some(&first) = words.first()
        && first.eq_ignore_ascii_case("help")
        && (words.len() <= 2 || app.host().is_some() && words.len() == 3)
    {
        let topic = (words.len() > 1).then(|| words[1..].join(" "));
        let facilitator = app.host().and_then(|_| cmdline::facilitator_help(topic.as_deref()));
        let help = match (facilitator, words.get(1)) {
            (Some(mut info), None) => {
                info.extend(cmdline::help(None).unwrap_or_default());
                Ok(info)
            }
            (Some(info), Some(_)) => Ok(info),
            (None, topic) => cmdline::help(topic.copied()),
        };
        match help {
            Ok(info) => {
                c.error = None;
                c.info = info;
            }
            Err(e) => c.error = Some(e),
        }
        app.overlay = Some(Overlay::CommandLine(c));
        return vec![];
    }
    if let Some(done) = super::drill::facilitator_verb(app, &line) {
        match done {
            Ok(()) => cmdline::remember(&mut app.history, &line),
            Err(e) => {
                c.error = Some(e);
                app.overlay = Some(Overlay::CommandLine(c));
            }
        }
        return vec![];
    }
    let checked = cmdtext::parse(&line, n).map_err(|e| e.message).and_then(|command| match app.game() {
        Some(g) => g.sim.resolve(&command).map(|_| command).map_err(|why| format!("not sent: {why}")),
        None => Err("no game is running".into()),
    });
    match checked {
        Err(e) => {
            c.error = Some(e);
            app.overlay = Some(Overlay::CommandLine(c));
        }
        Ok(command) => {
            cmdline::remember(&mut app.history, &line);
            let k = command.kind();
            if k.destructive() || k.cost() > 0 {
                app.overlay = Some(Overlay::Confirm { command });
            } else {
                app.send(command);
            }
        }
    }
    vec![]
}
