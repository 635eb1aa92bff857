//! The drill's connections, on tokio. The host accepts seats: each connection gets a reader
//! task (hello with a deadline, then frames under the size limit, each within the heartbeat
//! window) and a writer task that drains the seat's bounded outbox. The join code and the
//! wrong-code limit are checked here, before the host hears of the connection; everything
//! else reaches the host as a `NetEvent`. A seat connects, says hello, waits for the
//! welcome, then reads frames into the game and writes its commands and a heartbeat.
//! Anything wrong with one connection — a malformed or oversized frame, silence, a reset —
//! ends that connection only.

use super::code::{self, Limiter};
use super::proto::{self, FrameError, ToHost, ToSeat, Welcome};
use crate::sim::Role;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::timeout;

/// A seat's queue of encoded frames; the host never blocks on it.
pub type Outbox = mpsc::Sender<Arc<[u8]>>;
/// Frames the host may queue for one seat before it counts as fallen behind.
pub const OUTBOX: usize = 4096;
/// A seat that sends more frames than this in one second is cut off.
pub const MAX_FRAMES_PER_SECOND: u32 = 50;
/// Seat names are one clean line of at most this many characters.
pub const MAX_NAME: usize = 24;

/// A connection that gave the right code, for the host to seat.
#[derive(Debug)]
pub struct Joined {
    pub conn: u64,
    pub addr: SocketAddr,
    pub name: String,
    pub role: Role,
    pub outbox: Outbox,
}

/// What the connections tell the host.
#[derive(Debug)]
pub enum NetEvent {
    Joined(Joined),
    Frame {
        conn: u64,
        frame: ToHost,
    },
    Left {
        conn: u64,
        why: String,
    },
    /// A connection was turned away before it had a seat (wrong code, bad hello).
    Turned {
        addr: SocketAddr,
        why: String,
    },
}

/// A seat name as the host keeps it: one clean line, trimmed, at most `MAX_NAME` characters.
pub fn clean_name(name: &str) -> Result<String, String> {
    let clean: String = crate::text::clean_line(name).trim().chars().take(MAX_NAME).collect();
    if clean.is_empty() { Err("a seat needs a name (--name)".into()) } else { Ok(clean) }
}

/// Accepts connections until the listener fails or `events` closes.
pub async fn serve(listener: TcpListener, join_code: String, events: mpsc::UnboundedSender<NetEvent>) {
    let limiter = Arc::new(Mutex::new(Limiter::default()));
    let mut next = 0u64;
    loop {
        // Out of descriptors, or a connection reset before it was accepted: passing trouble,
        // so wait a moment and go on listening.
        let Ok((stream, addr)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if events.is_closed() {
            return;
        }
        next += 1;
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, addr, next, join_code.clone(), limiter.clone(), events.clone()));
    }
}

async fn refuse(w: &mut OwnedWriteHalf, reason: String) {
    let _ = proto::write(w, &proto::encode(&ToSeat::Refused { reason })).await;
}

/// One seat's connection on the host.
async fn connection(
    stream: TcpStream,
    addr: SocketAddr,
    conn: u64,
    join_code: String,
    limiter: Arc<Mutex<Limiter>>,
    events: mpsc::UnboundedSender<NetEvent>,
) {
    let (mut r, mut w) = stream.into_split();
    let turned = |why: String| {
        let _ = events.send(NetEvent::Turned { addr, why });
    };
    let hello = match timeout(proto::HELLO_WITHIN, proto::read::<ToHost, _>(&mut r, proto::MAX_SEAT_FRAME)).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return turned(format!("bad hello: {e}")),
        Err(_) => return turned("no hello within 5 s".into()),
    };
    let ToHost::Hello { protocol, program, code: typed, name, role } = hello else {
        return turned("the first frame was not a hello".into());
    };
    let allowed = limiter.lock().map_or(Ok(()), |mut l| l.allow(addr.ip(), Instant::now()));
    if let Err(wait) = allowed {
        refuse(&mut w, format!("too many wrong codes from {}; try again in {} s", addr.ip(), wait.as_secs() + 1)).await;
        return turned("locked out after wrong codes".into());
    }
    if protocol != proto::PROTOCOL {
        refuse(
            &mut w,
            format!(
                "this host speaks drill protocol {}, your firedrill speaks {protocol}: use the same firedrill version",
                proto::PROTOCOL
            ),
        )
        .await;
        return turned(format!("protocol {protocol}"));
    }
    if program != proto::PROGRAM {
        let theirs = crate::text::clean_line(&program).chars().take(40).collect::<String>();
        refuse(
            &mut w,
            format!(
                "this host runs firedrill {}, you run {theirs}: every seat needs the same version, or the runs would differ",
                proto::PROGRAM
            ),
        )
        .await;
        return turned(format!("firedrill {theirs}"));
    }
    if !code::matches(&join_code, &typed) {
        if let Ok(mut l) = limiter.lock() {
            l.wrong(addr.ip(), Instant::now());
        }
        refuse(&mut w, "wrong join code: check the code on the facilitator's screen".into()).await;
        return turned("wrong join code".into());
    }
    let name = match clean_name(&name) {
        Ok(n) => n,
        Err(e) => {
            refuse(&mut w, e.clone()).await;
            return turned(e);
        }
    };
    if role == Role::Facilitator {
        refuse(&mut w, "the facilitator is the host; join as ic, ops, comms, observer or projector".into()).await;
        return turned("asked for the facilitator's seat".into());
    }
    let (outbox, rx) = mpsc::channel(OUTBOX);
    if events.send(NetEvent::Joined(Joined { conn, addr, name, role, outbox })).is_err() {
        return;
    }
    let mut reader = tokio::spawn(read_seat(r, conn, events.clone()));
    let mut writer = tokio::spawn(write_all(w, rx));
    // Whichever side ends first ends the connection, and the other with it.
    let why = tokio::select! {
        r = &mut reader => r.unwrap_or_else(|_| "reader stopped".into()),
        _ = &mut writer => "closed by the host".to_string(),
    };
    reader.abort();
    writer.abort();
    let _ = events.send(NetEvent::Left { conn, why });
}

/// Reads a seated connection's frames; returns why it stopped.
async fn read_seat(mut r: OwnedReadHalf, conn: u64, events: mpsc::UnboundedSender<NetEvent>) -> String {
    let mut window = Instant::now();
    let mut frames = 0u32;
    loop {
        // A person sends a few commands a second and a ping every two: a flood is not one.
        frames += 1;
        if window.elapsed() >= Duration::from_secs(1) {
            window = Instant::now();
            frames = 1;
        } else if frames > MAX_FRAMES_PER_SECOND {
            return format!("more than {MAX_FRAMES_PER_SECOND} frames in a second");
        }
        match timeout(proto::DEAD_AFTER, proto::read::<ToHost, _>(&mut r, proto::MAX_SEAT_FRAME)).await {
            Err(_) => return format!("no heartbeat for {} s", proto::DEAD_AFTER.as_secs()),
            Ok(Err(FrameError::Closed)) => return "disconnected".into(),
            Ok(Err(e)) => return e.to_string(),
            Ok(Ok(ToHost::Bye)) => return "said goodbye".into(),
            Ok(Ok(frame)) => {
                if events.send(NetEvent::Frame { conn, frame }).is_err() {
                    return "the host stopped".into();
                }
            }
        }
    }
}

/// Writes queued frames until the outbox closes.
async fn write_all(mut w: OwnedWriteHalf, mut rx: mpsc::Receiver<Arc<[u8]>>) {
    while let Some(bytes) = rx.recv().await {
        if proto::write(&mut w, &bytes).await.is_err() {
            return;
        }
    }
    let _ = tokio::io::AsyncWriteExt::shutdown(&mut w).await;
}

/// What a seat's connection tells the game.
#[derive(Debug)]
pub enum SeatEvent {
    Frame(ToSeat),
    /// The host is gone (closed, silent past the heartbeat window, or a broken frame).
    Lost(String),
}

/// A seat's open connection: frames arrive on `events`, commands leave through `send`.
pub struct SeatLink {
    pub events: mpsc::UnboundedReceiver<SeatEvent>,
    pub send: mpsc::UnboundedSender<ToHost>,
}

/// Why a seat could not join.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("cannot reach the host at {addr}: {why}")]
    Connect { addr: String, why: String },
    #[error("the host refused: {0}")]
    Refused(String),
    #[error("the host at {addr} did not answer properly: {why}")]
    Protocol { addr: String, why: String },
}

/// Connects to a host, says hello and waits for the welcome.
pub async fn join(addr: &str, join_code: &str, name: &str, role: Role) -> Result<(Welcome, SeatLink), JoinError> {
    let connect = timeout(Duration::from_secs(5), TcpStream::connect(addr)).await;
    let stream = match connect {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(JoinError::Connect { addr: addr.into(), why: e.to_string() }),
        Err(_) => return Err(JoinError::Connect { addr: addr.into(), why: "no answer within 5 s".into() }),
    };
    let _ = stream.set_nodelay(true);
    let (mut r, mut w) = stream.into_split();
    let hello = ToHost::Hello {
        protocol: proto::PROTOCOL,
        program: proto::PROGRAM.into(),
        code: join_code.into(),
        name: name.into(),
        role,
    };
    let protocol = |why: String| JoinError::Protocol { addr: addr.into(), why };
    proto::write(&mut w, &proto::encode(&hello)).await.map_err(|e| protocol(e.to_string()))?;
    let first = timeout(proto::DEAD_AFTER, proto::read::<ToSeat, _>(&mut r, proto::MAX_HOST_FRAME))
        .await
        .map_err(|_| protocol("no welcome within 10 s".into()))?
        .map_err(|e| protocol(e.to_string()))?;
    let welcome = match first {
        ToSeat::Welcome(w) => *w,
        ToSeat::Refused { reason } => return Err(JoinError::Refused(crate::text::clean_line(&reason).into_owned())),
        other => return Err(protocol(format!("expected a welcome, got {other:?}"))),
    };
    if welcome.protocol != proto::PROTOCOL {
        return Err(protocol(format!("the host speaks protocol {}", welcome.protocol)));
    }
    let (ev_tx, events) = mpsc::unbounded_channel();
    let (send, out_rx) = mpsc::unbounded_channel();
    tokio::spawn(seat_reader(r, ev_tx));
    tokio::spawn(seat_writer(w, out_rx));
    Ok((welcome, SeatLink { events, send }))
}

async fn seat_reader(mut r: OwnedReadHalf, events: mpsc::UnboundedSender<SeatEvent>) {
    loop {
        let got = timeout(proto::DEAD_AFTER, proto::read::<ToSeat, _>(&mut r, proto::MAX_HOST_FRAME)).await;
        let lost = match got {
            Err(_) => format!("the host has been silent for {} s", proto::DEAD_AFTER.as_secs()),
            Ok(Err(FrameError::Closed)) => "the host closed the connection".into(),
            Ok(Err(e)) => format!("the connection to the host broke: {e}"),
            Ok(Ok(frame)) => {
                let closing = matches!(frame, ToSeat::Closing { .. });
                if events.send(SeatEvent::Frame(frame)).is_err() || closing {
                    return;
                }
                continue;
            }
        };
        let _ = events.send(SeatEvent::Lost(lost));
        return;
    }
}

/// Writes the seat's frames, and a ping whenever it has been quiet for a heartbeat.
async fn seat_writer(mut w: OwnedWriteHalf, mut rx: mpsc::UnboundedReceiver<ToHost>) {
    let mut beat = tokio::time::interval(proto::HEARTBEAT);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let frame = tokio::select! {
            f = rx.recv() => match f { Some(f) => f, None => ToHost::Bye },
            _ = beat.tick() => ToHost::Ping,
        };
        let bye = frame == ToHost::Bye;
        if proto::write(&mut w, &proto::encode(&frame)).await.is_err() || bye {
            return;
        }
    }
}
