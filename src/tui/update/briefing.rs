//! The briefing: start the incident (the clock starts running) or go back to the menu; choose
//! the run's seed first (typed, or a random one), so a run can be replayed or varied. The seed
//! is shown on the briefing, in the header and in the debrief.

use super::super::action::Action;
use super::super::app::{App, Effect, Overlay, Screen};
use super::super::game::Game;

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    if app.seat().is_some() {
        return seat_action(app, action);
    }
    match action {
        Action::Select => {
            if let Screen::Briefing(g) = std::mem::replace(&mut app.screen, Screen::Title) {
                let mut g = g;
                g.pacer.paused = false;
                app.screen = Screen::Playing(g);
            }
        }
        Action::Back | Action::Quit => app.screen = Screen::Title,
        Action::Help => return app.help(),
        Action::SetSeed | Action::RandomSeed | Action::Challenge if is_daily(app) => {
            // Everyone plays the same daily run: say so rather than quietly leave it.
            if let Screen::Briefing(g) = &mut app.screen {
                g.flash = Some(super::super::game::Flash {
                    text: "the daily challenge's seed and challenge are fixed so everyone plays the same run; \
                           open the scenario from Free play to vary them"
                        .into(),
                    error: true,
                    at: g.sim.now(),
                });
            }
        }
        Action::SetSeed => app.overlay = Some(Overlay::Seed(String::new())),
        Action::RandomSeed => reseed(app, random_seed()),
        Action::Challenge => turn_knob(app),
        _ => {}
    }
    vec![]
}

/// A drill seat's briefing: the facilitator starts the clock and chose the seed; the seat
/// may read, or go to the incident screen early.
fn seat_action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Select => {
            if let Screen::Briefing(g) = std::mem::replace(&mut app.screen, Screen::Title) {
                app.screen = Screen::Playing(g);
            }
        }
        Action::Back | Action::Quit => app.overlay = Some(Overlay::Quit),
        Action::Help => return app.help(),
        Action::SetSeed | Action::RandomSeed | Action::Challenge => {
            if let Screen::Briefing(g) = &mut app.screen {
                let text = "in a drill the facilitator chooses the seed and the challenge".to_string();
                g.flash = Some(super::super::game::Flash { text, error: true, at: g.sim.now() });
            }
        }
        _ => {}
    }
    vec![]
}

fn is_daily(app: &App) -> bool {
    matches!(&app.screen, Screen::Briefing(g) if g.daily.is_some())
}

/// The briefing's game starts over with `seed` (nothing has run yet).
pub(super) fn reseed(app: &mut App, seed: u64) {
    let Screen::Briefing(g) = &mut app.screen else { return };
    let challenge = g.challenge;
    rebuild(g, challenge, seed);
}

/// The briefing's game starts over at the next challenge level, same seed.
fn turn_knob(app: &mut App) {
    let Screen::Briefing(g) = &mut app.screen else { return };
    let (next, seed) = (g.challenge.next(), g.sim.seed());
    rebuild(g, next, seed);
}

/// A fresh game of the same scenario (as written) at `challenge` and `seed`; a daily challenge
/// changed this way is a normal run.
fn rebuild(g: &mut Game, challenge: crate::scenario::challenge::Challenge, seed: u64) {
    let mut fresh = Game::at_challenge(g.base.clone(), challenge, seed, g.pacer.speed, g.source.clone());
    fresh.pacer.paused = true;
    *g = fresh;
}

/// A seed nobody chose: the wall clock's nanoseconds, mixed (`SplitMix64`'s finaliser). Only the
/// game's menu reads the clock; the run itself is a function of the seed it is given.
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let mut z = (nanos as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    // Short enough to read out and type back.
    (z ^ (z >> 31)) % 1_000_000
}
