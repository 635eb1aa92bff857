//! A drill's messages: on the host, seats joining, sending and leaving, the heartbeat, and the
//! facilitator's own verbs on the command line (`inject`, `say`, `note`, `pause`, `resume`,
//! `speed`, `end`); on a seat, the host's frames and the host going away.

use super::super::app::{App, Effect, Link, Screen};
use super::super::drill::net::{NetEvent, SeatEvent};
use super::super::drill::proto::ToSeat;
use super::super::game::{Flash, SPEEDS};

/// A connection event on the host.
pub(super) fn on_net(app: &mut App, ev: NetEvent) -> Vec<Effect> {
    let (Some(Link::Host(h)), Some(g)) = (&mut app.link, game(&mut app.screen)) else { return vec![] };
    match ev {
        NetEvent::Joined(j) => h.join(g, j),
        NetEvent::Frame { conn, frame } => h.frame(g, conn, frame),
        NetEvent::Left { conn, why } => h.left(g, conn, &why),
        NetEvent::Turned { addr, why } => h.turned(g, addr, &why),
    }
    app.dirty = true;
    vec![]
}

fn game(screen: &mut Screen) -> Option<&mut super::super::game::Game> {
    match screen {
        Screen::Briefing(g) | Screen::Playing(g) | Screen::End(g) => Some(g),
        Screen::Title => None,
    }
}

/// The heartbeat: the host sends its clock even while paused, so seats see the pause and
/// know the host is alive.
pub(super) fn on_beat(app: &mut App) -> Vec<Effect> {
    if let (Some(Link::Host(h)), Some(g)) = (&mut app.link, game(&mut app.screen)) {
        h.tick(g);
    }
    vec![]
}

/// After the host's clock moved or its pacing changed: tell the seats.
pub(super) fn after_host_change(app: &mut App) {
    if let (Some(Link::Host(h)), Screen::Playing(g)) = (&mut app.link, &mut app.screen) {
        h.tick(g);
    }
}

/// A frame from the host, or the host gone.
pub(super) fn on_seat(app: &mut App, ev: SeatEvent) -> Vec<Effect> {
    let (Some(Link::Seat(f)), Some(g)) = (&mut app.link, game(&mut app.screen)) else { return vec![] };
    app.dirty = true;
    let frame = match ev {
        SeatEvent::Frame(frame) => frame,
        SeatEvent::Lost(why) => {
            if f.ended.is_some() || g.sim.ended().is_some() {
                // The drill is over: the debrief stays up.
                f.lost = Some(why);
                return vec![];
            }
            f.lost = Some(format!("{why}; reconnecting…"));
            return vec![Effect::Reconnect];
        }
    };
    let closing = matches!(frame, ToSeat::Closing { .. });
    match f.frame(g, frame) {
        Ok(changed) => app.dirty |= changed,
        Err(why) => {
            f.lost = Some(format!("out of step with the host ({why}); reconnecting…"));
            return vec![Effect::Reconnect];
        }
    }
    if let Some(text) = f.refusal.take() {
        g.flash = Some(Flash { text, error: true, at: g.sim.now() });
    }
    let over = f.ended.is_some() || g.sim.ended().is_some();
    let started = !f.clock.paused;
    let mut effects = vec![];
    if closing {
        // The drill is gone: leave, saying why (the debrief, if up, stays until then).
        if !over {
            effects.push(Effect::Quit);
        }
    } else if let Some(at) = f.diverged.take() {
        if f.resyncs > 0 {
            // Rebuilt once and still different: this machine cannot follow the host's run.
            f.lost = Some(format!(
                "this machine's run differs from the host's again at {}: it cannot follow this drill (a different platform's maths?); tell the facilitator",
                at.clock()
            ));
            effects.push(Effect::Quit);
        } else {
            f.lost = Some(format!("this screen's run differs from the host's at {}; reconnecting…", at.clock()));
            effects.push(Effect::Reconnect);
        }
    }
    // The facilitator started the clock: the briefing gives way to the incident screen.
    if started
        && matches!(app.screen, Screen::Briefing(_))
        && let Screen::Briefing(g) = std::mem::replace(&mut app.screen, Screen::Title)
    {
        app.screen = Screen::Playing(g);
    }
    effects
}

/// The facilitator's own verbs on the command line. `None` if `line` is not one of them (it
/// is then an ordinary command); `Some(Err)` keeps the line open with the message.
pub(super) fn facilitator_verb(app: &mut App, line: &str) -> Option<Result<(), String>> {
    let (verb, rest) = line.trim().split_once(char::is_whitespace).unwrap_or((line.trim(), ""));
    let rest = rest.trim();
    let verb = verb.to_ascii_lowercase();
    if !matches!(verb.as_str(), "inject" | "say" | "note" | "pause" | "resume" | "speed" | "end") {
        return None;
    }
    let (Some(Link::Host(h)), Screen::Playing(g)) = (&mut app.link, &mut app.screen) else {
        return Some(Err(format!("`{verb}` is for the facilitator of a drill (`firedrill host`)")));
    };
    let at = g.sim.now();
    let result = match verb.as_str() {
        "inject" if rest.is_empty() => Err("inject what? e.g. inject (fault: AddLatency(target: \"db\", extra: \"300ms\"), for: \"5m\") — `help inject` lists the catalogue".into()),
        "inject" => h.inject(g, rest).map(|label| format!("injected {label}")),
        "say" => match rest.split_once(':') {
            Some((from, text)) if !from.trim().is_empty() && !text.trim().is_empty() => {
                let entry = format!("(message: (from: {}, text: {}))", ron_string(from.trim()), ron_string(text.trim()));
                h.inject(g, &entry).map(|_| format!("{} says: {}", from.trim(), text.trim()))
            }
            _ => Err("say FROM: TEXT, e.g. say VP Engineering: is checkout down?".into()),
        },
        "note" if rest.is_empty() => Err("note TEXT: a private note only you see (saved with the drill)".into()),
        "note" => {
            h.notes.push((at, crate::text::clean_line(rest).into_owned()));
            Ok("noted".into())
        }
        "pause" => {
            g.pacer.paused = true;
            Ok("paused for everyone".into())
        }
        "resume" => {
            g.pacer.paused = false;
            Ok("the clock runs again".into())
        }
        "speed" => match rest.trim_end_matches(['x', '×']).parse::<u32>() {
            Ok(s) if SPEEDS.contains(&s) => {
                g.pacer.speed = s;
                Ok(format!("speed {s}×"))
            }
            _ => Err(format!("speed takes one of {SPEEDS:?}")),
        },
        "end" => {
            h.end(g);
            Ok("the drill is over: everyone sees the debrief".into())
        }
        _ => return None,
    };
    Some(result.map(|text| {
        g.flash = Some(Flash { text, error: false, at });
        h.tick(g);
    }))
}

/// A RON string literal for `s`.
fn ron_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}
