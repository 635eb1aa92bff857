//! Hosting and joining a drill from the command line: the listener or the connection is set
//! up before the screen goes up (so "address in use" or "wrong join code" is reported on a
//! normal terminal), then the game's event loop runs with the drill's connections. The
//! terminal discipline is the game's: the same guard, panic hook and signals.

use super::app::{Link, Screen};
use super::drill::host::Source;
use super::drill::session::{self, HostSession, SeatSession};
use super::run::{self, Guard, Net, Options, RunError};
use crate::sim::Role;
use crate::store::Dirs;
use std::io::IsTerminal;
use std::time::Duration;

/// `firedrill host`.
#[derive(Clone, Debug)]
pub struct HostOptions {
    pub scenario: String,
    pub seed: Option<u64>,
    pub listen: String,
    pub challenge: crate::scenario::challenge::Challenge,
}

/// `firedrill join`.
#[derive(Clone, Debug)]
pub struct JoinOptions {
    pub addr: String,
    pub code: String,
    pub name: String,
    pub role: Role,
}

/// How many times a seat tries to reconnect, and how long it waits between tries.
const RETRIES: u32 = 5;
const RETRY_EVERY: Duration = Duration::from_secs(2);

fn terminal_and_dirs() -> Result<Dirs, RunError> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(RunError::NotATerminal);
    }
    Dirs::locate().map_err(RunError::Dirs)
}

fn runtime() -> Result<tokio::runtime::Runtime, RunError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(RunError::Runtime)
}

/// Hosts a drill: the facilitator's console on this terminal.
pub fn host(opts: &HostOptions, look: &Options) -> Result<(), RunError> {
    let dirs = terminal_and_dirs()?;
    let spec = crate::load::scenario(&opts.scenario)?;
    let (name, text) = session::source_of(&opts.scenario)?;
    let seed = opts.seed.unwrap_or(spec.default_seed);
    let source = Source { name, text, seed, challenge: opts.challenge };
    let rt = runtime()?;
    let scenario = crate::load::scenario_ref(&opts.scenario);
    let started = rt.block_on(HostSession::start(spec, source, scenario, &opts.listen));
    let session = started.map_err(|e| RunError::Drill(format!("cannot listen on {}: {e}", opts.listen)))?;
    let (mut host, mut game, events) = session.into_parts();
    let addr = host.listen.clone();
    let invite = format!(
        "hosting a drill of {} on {addr}\njoin code: {}\nparticipants: firedrill join {addr} --code {} --name NAME --seat ic|ops|comms|observer|projector",
        game.spec.title, host.code, host.code
    );
    eprintln!("{}", crate::text::clean(&invite));
    let mut app = run::prepare(&dirs, &Options { scenario: None, ..look.clone() })?;
    game.pacer.speed = app.settings.speed;
    game.pacer.paused = true;
    host.facilitator.name = "facilitator".into();
    app.screen = Screen::Playing(Box::new(game));
    app.link = Some(Link::Host(Box::new(host)));
    crate::store::diag(&dirs, &format!("drill hosted on {addr}"));
    run::install_panic_hook(dirs.clone());
    let guard = Guard::enter().map_err(RunError::Setup)?;
    let mut net = Net::Host(events);
    let result = rt.block_on(run::event_loop(&mut app, &dirs, &mut net));
    // Tell the seats, and give the writers a moment to say it.
    if let Some(Link::Host(h)) = &mut app.link {
        h.close("the facilitator closed the drill");
    }
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
    drop(guard);
    crate::store::diag(&dirs, "drill host ended");
    if result.is_ok() {
        eprintln!("the drill is closed; its run is in {}", dirs.runs_dir().display());
    }
    result
}

/// Joins a drill: this terminal shows the seat's screen.
pub fn join(opts: &JoinOptions, look: &Options) -> Result<(), RunError> {
    let dirs = terminal_and_dirs()?;
    let rt = runtime()?;
    let name = super::drill::net::clean_name(&opts.name).map_err(RunError::Drill)?;
    let joined = rt.block_on(SeatSession::join(&opts.addr, &opts.code, &name, opts.role));
    let seat = joined.map_err(|e| RunError::Drill(e.to_string()))?;
    let mut app = run::prepare(&dirs, &Options { scenario: None, ..look.clone() })?;
    let SeatSession { follower, game, link } = seat;
    // Before the clock has started, the seat reads the briefing.
    let waiting = game.sim.now().0 == 0 && follower.clock.paused;
    app.screen = if waiting { Screen::Briefing(Box::new(game)) } else { Screen::Playing(Box::new(game)) };
    app.link = Some(Link::Seat(Box::new(follower)));
    crate::store::diag(&dirs, &format!("joined the drill at {} as {name} ({})", opts.addr, opts.role.name()));
    run::install_panic_hook(dirs.clone());
    let guard = Guard::enter().map_err(RunError::Setup)?;
    let mut net = Net::Seat { link, join: opts.clone() };
    let result = rt.block_on(run::event_loop(&mut app, &dirs, &mut net));
    drop(guard);
    let lost = app.seat().and_then(|f| f.lost.clone());
    if let (Ok(()), Some(why)) = (&result, lost) {
        eprintln!("left the drill: {}", crate::text::clean_line(&why));
    }
    result
}

/// Connects a seat again after its connection broke, and rebuilds its game from the fresh
/// welcome (the view state is kept). After `RETRIES` failures the seat says the host is gone
/// and false is returned: the seat leaves.
pub(super) async fn reconnect(app: &mut super::app::App, net: &mut Net) -> bool {
    let Net::Seat { join, .. } = net else { return false };
    let join = join.clone();
    let name = app.seat().map_or(join.name.clone(), |f| f.you.name.clone());
    // A rebuild after a divergence is counted: a second one means this machine cannot follow.
    let resyncs =
        app.seat().map_or(0, |f| f.resyncs + u32::from(f.lost.as_deref().is_some_and(|l| l.contains("differs"))));
    let mut last = String::new();
    for attempt in 1..=RETRIES {
        match SeatSession::join(&join.addr, &join.code, &name, join.role).await {
            Ok(SeatSession { mut follower, mut game, link }) => {
                follower.resyncs = resyncs;
                let briefing = matches!(app.screen, Screen::Briefing(_)) && follower.clock.paused;
                if let Screen::Briefing(old) | Screen::Playing(old) | Screen::End(old) = &app.screen {
                    game.view = old.view.clone();
                }
                app.screen = if briefing { Screen::Briefing(Box::new(game)) } else { Screen::Playing(Box::new(game)) };
                app.link = Some(Link::Seat(Box::new(follower)));
                *net = Net::Seat { link, join };
                return true;
            }
            Err(e) => last = e.to_string(),
        }
        if let Some(Link::Seat(f)) = &mut app.link {
            f.lost = Some(format!("{last}; retrying ({attempt} of {RETRIES})…"));
        }
        tokio::time::sleep(RETRY_EVERY).await;
    }
    if let Some(Link::Seat(f)) = &mut app.link {
        f.lost = Some(format!("the host has gone ({last})"));
    }
    *net = Net::None;
    false
}
