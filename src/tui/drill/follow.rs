//! A seat's side of lockstep: it builds the host's game from the welcome (the same scenario,
//! seed and challenge) and re-simulates it from the host's log and clock. It never runs ahead
//! of the host: the sim moves only to times the host has announced, and each command is
//! applied at exactly the sim time the host applied it, so both runs are the same run. The
//! host's checksum, compared at the same instant, proves it; a mismatch is reported and the
//! seat rebuilds from a fresh welcome.

use super::proto::{Clock, Entry, SeatLine, ToSeat, Welcome};
use crate::sim::{By, CommandKind, SimTime};
use crate::tui::game::Game;
use std::sync::Arc;

/// The seat's knowledge of the drill besides the game itself.
#[derive(Clone, Debug)]
pub struct Follower {
    pub you: By,
    pub may: Vec<CommandKind>,
    pub roster: Vec<SeatLine>,
    pub clock: Clock,
    /// The next log entry expected.
    pub next: u64,
    pub ended: Option<SimTime>,
    /// The sim time a checksum disagreed at: this seat's run is not the host's.
    pub diverged: Option<SimTime>,
    /// Checksums compared so far (all agreed, or `diverged` says where one did not).
    pub checks: u64,
    /// The host refused one of this seat's commands: the reason, for the screen.
    pub refusal: Option<String>,
    /// The host went away.
    pub lost: Option<String>,
    /// How many times this seat was rebuilt because its run differed from the host's.
    pub resyncs: u32,
}

/// Adds a live inject's timeline entry to a game: to the scenario the debrief reads and to
/// the running sim.
pub fn add_live(game: &mut Game, label: &str, text: &str) -> Result<(), String> {
    let entry = crate::scenario::live::live_entry(&game.spec, text, label).map_err(|e| e.to_string())?;
    let mut spec = (*game.spec).clone();
    Arc::make_mut(&mut spec.sim).timeline.push(entry.clone());
    game.spec = Arc::new(spec);
    game.sim.add_entry(entry);
    Ok(())
}

/// Builds the seat's game from a welcome and catches up with the log and the clock.
pub fn build(w: &Welcome) -> Result<(Follower, Game), String> {
    let spec = crate::scenario::parse(&w.scenario, &w.text).map_err(|e| format!("the host's scenario: {e}"))?;
    let source = crate::store::ScenarioRef::File(w.scenario.clone());
    let mut game = Game::at_challenge(Arc::new(spec), w.challenge, w.seed, 1, source);
    game.follower = true;
    game.toasts.me = Some(w.you.name.clone());
    game.pacer.paused = w.clock.paused;
    let mut f = Follower {
        you: w.you.clone(),
        may: w.may.clone(),
        roster: w.roster.clone(),
        clock: w.clock,
        next: 0,
        ended: None,
        diverged: None,
        checks: 0,
        refusal: None,
        lost: None,
        resyncs: 0,
    };
    for e in &w.log {
        f.entry(&mut game, e)?;
    }
    f.on_clock(&mut game, w.clock);
    if let Some(at) = w.ended {
        f.end(&mut game, at);
    }
    Ok((f, game))
}

/// Moves the seat's sim to `t` (never backwards), updating what the screen reads.
pub fn follow_to(game: &mut Game, t: SimTime) {
    if t.0 > game.sim.now().0 && game.sim.ended().is_none() {
        game.sim.advance_to(t);
        game.series.ingest(&game.sim);
        game.toasts.ingest(game.sim.events());
    }
}

impl Follower {
    /// Applies one frame from the host. True if anything on screen may have changed.
    pub fn frame(&mut self, game: &mut Game, frame: ToSeat) -> Result<bool, String> {
        match frame {
            ToSeat::Applied(e) => self.entry(game, &e)?,
            ToSeat::Clock(c) => {
                let before = game.sim.now().whole_secs();
                let paused = self.clock.paused;
                self.on_clock(game, c);
                return Ok(game.sim.now().whole_secs() != before || paused != c.paused);
            }
            ToSeat::Roster(r) => self.roster = r,
            ToSeat::Refusal { text } => self.refusal = Some(crate::text::clean_line(&text).into_owned()),
            ToSeat::Ended { at } => self.end(game, at),
            ToSeat::Closing { reason } => self.lost = Some(crate::text::clean_line(&reason).into_owned()),
            ToSeat::Welcome(_) | ToSeat::Refused { .. } => {}
        }
        Ok(true)
    }

    fn entry(&mut self, game: &mut Game, e: &Entry) -> Result<(), String> {
        if e.seq != self.next {
            return Err(format!("the host's log skipped from entry {} to {}", self.next, e.seq));
        }
        self.next += 1;
        follow_to(game, e.at);
        if let Some((label, text)) = &e.live {
            add_live(game, label, text)?;
        }
        let _ = game.submit_by(e.command.clone(), Some(e.by.clone()));
        if e.by != self.you
            && let Some(flash) = &mut game.flash
        {
            flash.text = format!("{}: {}", e.by, flash.text);
        }
        Ok(())
    }

    fn on_clock(&mut self, game: &mut Game, c: Clock) {
        follow_to(game, c.at);
        game.pacer.speed = c.speed;
        game.pacer.paused = c.paused;
        self.clock = c;
        if let Some(sum) = c.check
            && game.sim.now() == c.at
            && game.sim.ended().is_none()
        {
            self.checks += 1;
            if sum != game.sim.checksum() && self.diverged.is_none() {
                self.diverged = Some(c.at);
            }
        }
    }

    fn end(&mut self, game: &mut Game, at: SimTime) {
        follow_to(game, at);
        if game.sim.ended().is_none() {
            game.sim.end_drill();
        }
        self.ended = Some(at);
    }
}
