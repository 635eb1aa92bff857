//! A drill without a screen: the host's game, rules and connections in one value, and a
//! seat's. The terminal game drives the same pieces from its event loop; tests, the load
//! test and the benchmark drive these directly over loopback.

use super::follow::{self, Follower};
use super::host::{Host, Source};
use super::net::{self, JoinError, NetEvent, SeatEvent, SeatLink};
use super::proto::ToHost;
use crate::scenario::Spec;
use crate::sim::{Command, Dur, Role};
use crate::tui::game::Game;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where the scenario for a drill comes from: a built-in id or a file's path, with its text.
pub fn source_of(arg: &str) -> Result<(String, String), crate::load::LoadError> {
    if let Some((_, file, text)) = crate::scenario::BUILTIN.iter().find(|(id, _, _)| *id == arg) {
        return Ok(((*file).to_string(), (*text).to_string()));
    }
    let text = crate::load::read_text(std::path::Path::new(arg), "scenario")?;
    let name = std::path::Path::new(arg).file_name().map_or(arg.to_string(), |n| n.to_string_lossy().into_owned());
    Ok((name, text))
}

/// The host's drill: its game, its rules and its listener.
pub struct HostSession {
    pub host: Host,
    pub game: Game,
    pub addr: SocketAddr,
    events: mpsc::UnboundedReceiver<NetEvent>,
}

impl HostSession {
    /// Listens on `listen` (e.g. "127.0.0.1:7447"; port 0 picks one) and builds the game.
    pub async fn start(
        spec: Spec,
        source: Source,
        scenario: crate::store::ScenarioRef,
        listen: &str,
    ) -> std::io::Result<HostSession> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let code = super::code::fresh().map_err(std::io::Error::other)?;
        let mut perms = Host::default_perms();
        perms.extend(spec.seats.clone());
        let mut game = Game::at_challenge(Arc::new(spec), source.challenge, source.seed, 1, scenario);
        game.pacer.paused = true;
        let (tx, events) = mpsc::unbounded_channel();
        tokio::spawn(net::serve(listener, code.clone(), tx));
        let host = Host::new(code, addr.to_string(), source, perms);
        Ok(HostSession { host, game, addr, events })
    }

    /// Handles one connection event.
    pub fn handle(&mut self, ev: NetEvent) {
        match ev {
            NetEvent::Joined(j) => self.host.join(&self.game, j),
            NetEvent::Frame { conn, frame } => self.host.frame(&mut self.game, conn, frame),
            NetEvent::Left { conn, why } => self.host.left(&self.game, conn, &why),
            NetEvent::Turned { addr, why } => self.host.turned(&self.game, addr, &why),
        }
    }

    /// Handles every event waiting now; how many.
    pub fn pump(&mut self) -> usize {
        let mut n = 0;
        while let Ok(ev) = self.events.try_recv() {
            self.handle(ev);
            n += 1;
        }
        n
    }

    /// Waits up to `d` for the next event and handles it (and any others waiting).
    pub async fn wait(&mut self, d: std::time::Duration) -> usize {
        match tokio::time::timeout(d, self.events.recv()).await {
            Ok(Some(ev)) => {
                self.handle(ev);
                1 + self.pump()
            }
            _ => 0,
        }
    }

    /// Moves the host's clock by `d` of sim time (as a frame at speed does) and sends it.
    pub fn advance(&mut self, d: Dur) {
        if self.game.sim.ended().is_none() {
            self.game.sim.advance_by(d);
            self.game.series.ingest(&self.game.sim);
            self.game.toasts.ingest(self.game.sim.events());
        }
        self.host.tick(&self.game);
    }

    /// The parts, for the terminal game's event loop.
    pub fn into_parts(self) -> (Host, Game, mpsc::UnboundedReceiver<NetEvent>) {
        (self.host, self.game, self.events)
    }
}

/// A seat's drill: its copy of the game, what it knows of the drill, and its connection.
pub struct SeatSession {
    pub follower: Follower,
    pub game: Game,
    pub link: SeatLink,
}

impl SeatSession {
    pub async fn join(addr: &str, code: &str, name: &str, role: Role) -> Result<SeatSession, JoinError> {
        let (welcome, link) = net::join(addr, code, name, role).await?;
        let (follower, game) = follow::build(&welcome).map_err(|why| JoinError::Protocol { addr: addr.into(), why })?;
        Ok(SeatSession { follower, game, link })
    }

    /// Applies every frame waiting now; how many, or why the seat cannot go on.
    pub fn pump(&mut self) -> Result<usize, String> {
        let mut n = 0;
        while let Ok(ev) = self.link.events.try_recv() {
            self.on(ev)?;
            n += 1;
        }
        Ok(n)
    }

    /// Applies one event from the connection.
    pub fn on(&mut self, ev: SeatEvent) -> Result<bool, String> {
        match ev {
            SeatEvent::Frame(f) => self.follower.frame(&mut self.game, f),
            SeatEvent::Lost(why) => {
                self.follower.lost = Some(why.clone());
                Err(why)
            }
        }
    }

    /// Sends a command to the host (it comes back in the log if the seat may send it).
    pub fn send(&self, command: Command) {
        let _ = self.link.send.send(ToHost::Send { command });
    }

    /// Closes the connection (the seat stays reserved for a rejoin).
    pub fn leave(self) {
        let _ = self.link.send.send(ToHost::Bye);
    }
}
