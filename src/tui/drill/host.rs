//! The host's side of a drill: the one authority. It owns the seats and the command log, and
//! works on the host's `Game` (the true simulation, paced by the host's clock). A seat's
//! command is checked against the seat's role, applied at the host's current sim time and
//! broadcast, so every seat re-simulates exactly what the host ran. No I/O happens here:
//! frames go into each seat's bounded outbox, which its connection task writes; a seat that
//! cannot keep up is let go and may rejoin.

use super::net::{Joined, Outbox};
use super::proto::{self, Clock, Entry, SeatLine, ToHost, ToSeat, Welcome};
use crate::sim::{By, Command, CommandKind, Role, SimTime};
use crate::tui::game::Game;
use std::collections::BTreeMap;
use std::sync::Arc;

/// At most this many seats (online or reserved for a rejoin), besides the facilitator.
pub const MAX_SEATS: usize = 16;
/// The host sends its state checksum at most this often (sim time).
const CHECK_EVERY: crate::sim::Dur = crate::sim::Dur(1_000_000);

/// One seat: its person, and its connection while online.
#[derive(Debug)]
pub struct Seat {
    pub by: By,
    pub conn: Option<u64>,
    pub outbox: Option<Outbox>,
    pub commands: usize,
    /// How many times the seat came back after a disconnect.
    pub rejoins: u32,
}

/// A line for the facilitator's activity list (joins, leaves, refusals), with the sim time.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub at: SimTime,
    pub text: String,
}

/// Where the scenario came from, so a seat can build the same one.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    pub seed: u64,
    pub challenge: crate::scenario::challenge::Challenge,
}

pub struct Host {
    pub code: String,
    /// Where it listens, for the console's header.
    pub listen: String,
    pub source: Source,
    pub facilitator: By,
    pub seats: Vec<Seat>,
    pub log: Vec<Entry>,
    /// Live injects added so far (label, text), in order.
    pub live: Vec<(String, String)>,
    /// The facilitator's private notes.
    pub notes: Vec<(SimTime, String)>,
    pub activity: Vec<Activity>,
    /// What each role may send: the defaults, or the scenario's `seats`.
    pub perms: BTreeMap<Role, Vec<CommandKind>>,
    pub ended: Option<SimTime>,
    last_check: Option<SimTime>,
    /// The host's sim time at the last clock sent, for activity lines written without a game.
    last_at: SimTime,
    /// Per seat: the sim second of its last commands and how many it sent in it.
    rate: BTreeMap<usize, (u64, u32)>,
}

/// A seat may send at most this many commands in one sim second, and a drill's log holds at
/// most `MAX_LOG` commands: a commands file's limits, so the saved drill always replays.
pub const MAX_PER_SECOND: u32 = 20;
pub const MAX_LOG: usize = 10_000;

impl Host {
    pub fn new(code: String, listen: String, source: Source, perms: BTreeMap<Role, Vec<CommandKind>>) -> Host {
        Host {
            code,
            listen,
            source,
            facilitator: By { name: "facilitator".into(), role: Role::Facilitator },
            seats: Vec::new(),
            log: Vec::new(),
            live: Vec::new(),
            notes: Vec::new(),
            activity: Vec::new(),
            perms,
            ended: None,
            last_check: None,
            last_at: SimTime(0),
            rate: BTreeMap::new(),
        }
    }

    /// The default permissions of every role (`Role::default_kinds`).
    pub fn default_perms() -> BTreeMap<Role, Vec<CommandKind>> {
        Role::ALL.into_iter().map(|r| (r, r.default_kinds())).collect()
    }

    pub fn online(&self) -> usize {
        self.seats.iter().filter(|s| s.conn.is_some()).count()
    }

    pub fn roster(&self) -> Vec<SeatLine> {
        self.seats
            .iter()
            .map(|s| SeatLine { by: s.by.clone(), online: s.conn.is_some(), commands: s.commands })
            .collect()
    }

    fn note(&mut self, game: &Game, text: String) {
        self.activity.push(Activity { at: game.sim.now(), text });
    }

    /// Whether `role` may send `kind` now. The incident commander also holds every role
    /// nobody has taken, as incident command prescribes (a drill without a comms seat still
    /// posts status updates).
    pub fn may(&self, role: Role, kind: CommandKind) -> bool {
        if self.perms.get(&role).is_some_and(|k| k.contains(&kind)) {
            return true;
        }
        role == Role::Ic
            && Role::owner(kind).is_some_and(|owner| {
                owner != Role::Facilitator
                    && owner != Role::Ic
                    && !self.seats.iter().any(|s| s.by.role == owner)
                    && self.perms.get(&owner).is_some_and(|k| k.contains(&kind))
            })
    }

    /// The kinds `role` may send now.
    pub fn kinds(&self, role: Role) -> Vec<CommandKind> {
        CommandKind::ALL.into_iter().filter(|&k| self.may(role, k)).collect()
    }

    /// Why `by` may not send `kind`, naming who may.
    fn refusal(&self, by: &By, kind: CommandKind) -> String {
        let what = kind.describe();
        if !by.role.acts() {
            return format!("refused: “{what}” — the {} seat only watches", by.role.title());
        }
        let holders: Vec<String> = Role::SEATS
            .into_iter()
            .filter(|&r| self.may(r, kind))
            .map(|r| {
                let people: Vec<&str> =
                    self.seats.iter().filter(|s| s.by.role == r).map(|s| s.by.name.as_str()).collect();
                if people.is_empty() { r.title().to_string() } else { format!("{} ({})", r.title(), people.join(", ")) }
            })
            .collect();
        let who = if holders.is_empty() { "only the facilitator".to_string() } else { holders.join(" or ") };
        format!("refused: “{what}” is for {who}; you are the {}", by.role.title())
    }

    /// A connection passed the code check: seat it (a new seat, or its old one back), or
    /// refuse it.
    pub fn join(&mut self, game: &Game, j: Joined) {
        let Joined { conn, addr, name, role, outbox } = j;
        let refuse = |outbox: &Outbox, reason: String| {
            let _ = outbox.try_send(Arc::from(proto::encode(&ToSeat::Refused { reason })));
        };
        let existing = self.seats.iter().position(|s| s.by.name.eq_ignore_ascii_case(&name));
        let i = match existing {
            Some(i) if self.seats[i].by.role != role => {
                let taken = self.seats[i].by.to_string();
                refuse(
                    &outbox,
                    format!(
                        "the name {name:?} is taken by {taken}; rejoin as {} or pick another name",
                        self.seats[i].by.role.name()
                    ),
                );
                self.note(game, format!("refused {name} from {addr}: name taken"));
                return;
            }
            Some(i) => {
                // Back after a disconnect, or a new connection replacing a half-open one.
                if self.seats[i].conn.is_some() {
                    self.note(
                        game,
                        format!("{} reconnected from {addr}; the old connection is closed", self.seats[i].by),
                    );
                } else {
                    self.note(game, format!("{} rejoined from {addr}", self.seats[i].by));
                }
                self.seats[i].rejoins += 1;
                i
            }
            None if self.seats.len() >= MAX_SEATS => {
                refuse(&outbox, format!("the drill is full ({MAX_SEATS} seats)"));
                self.note(game, format!("refused {name} from {addr}: the drill is full"));
                return;
            }
            None => {
                self.seats.push(Seat { by: By { name, role }, conn: None, outbox: None, commands: 0, rejoins: 0 });
                let i = self.seats.len() - 1;
                self.note(game, format!("{} joined from {addr}", self.seats[i].by));
                i
            }
        };
        let by = self.seats[i].by.clone();
        let welcome = Welcome {
            protocol: proto::PROTOCOL,
            may: self.kinds(by.role),
            you: by,
            scenario: self.source.name.clone(),
            text: self.source.text.clone(),
            seed: self.source.seed,
            challenge: self.source.challenge,
            log: self.log.clone(),
            clock: self.clock_now(game, true),
            roster: Vec::new(),
            ended: self.ended,
        };
        let _ = outbox.try_send(Arc::from(proto::encode(&ToSeat::Welcome(Box::new(welcome)))));
        self.seats[i].conn = Some(conn);
        self.seats[i].outbox = Some(outbox);
        self.send_roster();
    }

    /// A connection was turned away before it had a seat.
    pub fn turned(&mut self, game: &Game, addr: std::net::SocketAddr, why: &str) {
        self.note(game, format!("turned away {addr}: {why}"));
    }

    /// A seat's connection ended.
    pub fn left(&mut self, game: &Game, conn: u64, why: &str) {
        if let Some(i) = self.seats.iter().position(|s| s.conn == Some(conn)) {
            self.seats[i].conn = None;
            self.seats[i].outbox = None;
            let by = self.seats[i].by.to_string();
            self.note(game, format!("{by} left: {why}"));
            self.send_roster();
        }
    }

    /// A frame from a seated connection.
    pub fn frame(&mut self, game: &mut Game, conn: u64, frame: ToHost) {
        let Some(i) = self.seats.iter().position(|s| s.conn == Some(conn)) else { return };
        match frame {
            ToHost::Send { mut command } => {
                // Names and texts from a seat are made clean before they enter the run.
                crate::scenario::clean_command(&mut command);
                let by = self.seats[i].by.clone();
                if self.ended.is_some() || game.sim.ended().is_some() {
                    self.tell(i, "refused: the drill is over".into());
                } else if self.log.len() >= MAX_LOG {
                    self.tell(i, format!("refused: the drill's log is full ({MAX_LOG} commands)"));
                } else if !self.within_rate(i, game.sim.now()) {
                    self.tell(i, format!("refused: more than {MAX_PER_SECOND} commands in one sim second"));
                } else if !self.may(by.role, command.kind()) {
                    let text = self.refusal(&by, command.kind());
                    self.note(game, format!("{by}: {text}"));
                    self.tell(i, text);
                } else {
                    self.seats[i].commands += 1;
                    self.apply(game, command, by, None);
                    self.send_roster();
                }
            }
            ToHost::Bye => self.left(game, conn, "said goodbye"),
            ToHost::Hello { .. } | ToHost::Ping => {}
        }
    }

    /// Counts a command of seat `i` at `now`; false if it is over the per-second limit.
    fn within_rate(&mut self, i: usize, now: SimTime) -> bool {
        let second = now.0 / 1_000_000;
        let e = self.rate.entry(i).or_insert((second, 0));
        if e.0 != second {
            *e = (second, 0);
        }
        e.1 += 1;
        e.1 <= MAX_PER_SECOND
    }

    fn tell(&mut self, i: usize, text: String) {
        self.send_to(i, &ToSeat::Refusal { text });
    }

    fn send_to(&mut self, i: usize, frame: &ToSeat) {
        let bytes: Arc<[u8]> = Arc::from(proto::encode(frame));
        self.push(i, &bytes);
    }

    /// Queues bytes for seat `i`; a seat whose outbox is full has fallen behind and is let go
    /// (it may rejoin and catch up).
    fn push(&mut self, i: usize, bytes: &Arc<[u8]>) {
        let Some(out) = &self.seats[i].outbox else { return };
        if out.try_send(bytes.clone()).is_err() {
            self.seats[i].outbox = None;
            self.seats[i].conn = None;
            let by = self.seats[i].by.to_string();
            self.activity.push(Activity { at: self.last_at, text: format!("{by} fell behind and was disconnected") });
        }
    }

    pub fn broadcast(&mut self, frame: &ToSeat) {
        let bytes: Arc<[u8]> = Arc::from(proto::encode(frame));
        for i in 0..self.seats.len() {
            self.push(i, &bytes);
        }
    }

    fn send_roster(&mut self) {
        let roster = self.roster();
        self.broadcast(&ToSeat::Roster(roster));
    }

    /// Applies a command at the host's current sim time, records it with its seat, and
    /// broadcasts it. `live` is a live inject's timeline entry to add first.
    pub fn apply(&mut self, game: &mut Game, command: Command, by: By, live: Option<(String, String)>) {
        let at = game.sim.now();
        if let Some((label, text)) = &live {
            if let Err(e) = super::follow::add_live(game, label, text) {
                self.note(game, format!("inject not added: {e}"));
                return;
            }
            self.live.push((label.clone(), text.clone()));
        }
        let _ = game.submit_by(command.clone(), Some(by.clone()));
        let entry = Entry { seq: self.log.len() as u64, at, command, by, live };
        self.log.push(entry.clone());
        self.broadcast(&ToSeat::Applied(entry));
    }

    /// A command from the facilitator's console.
    pub fn facilitate(&mut self, game: &mut Game, command: Command) {
        let by = self.facilitator.clone();
        self.apply(game, command, by, None);
    }

    /// A live inject from the facilitator: a timeline entry written in scenario syntax, added
    /// under a fresh label and fired now. `Err` says what is wrong with the text.
    pub fn inject(&mut self, game: &mut Game, text: &str) -> Result<String, String> {
        let label = format!("live-{}", self.live.len() + 1);
        // Checked before anything is recorded, so a typo costs nothing.
        crate::scenario::live::live_entry(&game.spec, text, &label).map_err(|e| e.to_string())?;
        let by = self.facilitator.clone();
        let command = Command::Fire { entry: label.clone() };
        self.apply(game, command, by, Some((label.clone(), text.to_string())));
        Ok(label)
    }

    /// The host's clock, with a checksum if one is due (or `force`).
    fn clock_now(&mut self, game: &Game, force: bool) -> Clock {
        let at = game.sim.now();
        self.last_at = at;
        let due = force || self.last_check.is_none_or(|t| at.0 >= t.0 + CHECK_EVERY.0);
        let check = due.then(|| {
            self.last_check = Some(at);
            game.sim.checksum()
        });
        Clock { at, paused: game.pacer.paused, speed: game.pacer.speed, check }
    }

    /// Sends the clock to every seat: after each frame, and as the heartbeat while paused.
    pub fn tick(&mut self, game: &Game) {
        let clock = self.clock_now(game, false);
        self.broadcast(&ToSeat::Clock(clock));
    }

    /// Ends the drill now: every seat moves to the debrief.
    pub fn end(&mut self, game: &mut Game) {
        if self.ended.is_some() {
            return;
        }
        let at = game.sim.now();
        if game.sim.ended().is_none() {
            game.sim.end_drill();
        }
        self.ended = Some(at);
        self.broadcast(&ToSeat::Ended { at });
    }

    /// The host is going away (the facilitator quit).
    pub fn close(&mut self, reason: &str) {
        self.broadcast(&ToSeat::Closing { reason: reason.to_string() });
    }

    /// The drill as a run file: the host's commands with their seats, the live injects, the
    /// seats, the notes and, if the facilitator ended it, where.
    pub fn saved_run(&self, game: &Game) -> crate::store::SavedRun {
        crate::store::SavedRun::new(game.source.clone(), &game.base, game.sim.seed(), self.ended, game.recorded.clone())
            .with_challenge(game.challenge)
            .with_drill(self.record())
            .with_live_entries(self.live.clone())
    }

    /// The drill's record for the run file: its seats and the facilitator's notes.
    pub fn record(&self) -> crate::store::DrillRecord {
        let mut seats = vec![self.facilitator.clone()];
        seats.extend(self.seats.iter().map(|s| s.by.clone()));
        crate::store::DrillRecord { seats, notes: self.notes.clone(), ended: self.ended }
    }
}
