//! The drill protocol: typed frames (serde JSON), each sent as a 4-byte big-endian length and
//! then the body. A seat opens with `Hello` (protocol version, join code, name, role); the
//! host answers `Welcome` with everything the seat needs to re-simulate the drill (the
//! scenario text, seed, challenge, the command log so far and the clock) or `Refused` with a
//! reason. After that the host streams the log (`Applied`) and the clock (`Clock`, several a
//! second, with a state checksum now and then); the seat sends the commands its person types
//! and a heartbeat. Limits are enforced when reading: an oversized or malformed frame ends
//! that connection, and nothing else.

use crate::sim::{By, Command, CommandKind, Role, SimTime};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Bumped whenever a frame changes shape; both sides must agree.
pub const PROTOCOL: u32 = 1;
/// The firedrill version; a seat must run the same one as the host (the same engine gives
/// the same run).
pub const PROGRAM: &str = env!("CARGO_PKG_VERSION");
/// The largest frame a seat may send: a command or a hello.
pub const MAX_SEAT_FRAME: usize = 16 * 1024;
/// The largest frame the host sends: the welcome carries the scenario and the log so far.
pub const MAX_HOST_FRAME: usize = 8 * 1024 * 1024;
/// How often each side shows it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// Silence for this long means the other side is gone (a half-open connection).
pub const DEAD_AFTER: Duration = Duration::from_secs(10);
/// A connection must say hello within this long.
pub const HELLO_WITHIN: Duration = Duration::from_secs(5);

/// Seat → host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToHost {
    /// `program` is the firedrill version: lockstep needs the same engine on both sides.
    Hello {
        protocol: u32,
        program: String,
        code: String,
        name: String,
        role: Role,
    },
    /// A command the seat's person sent.
    Send {
        command: Command,
    },
    Ping,
    /// Leaving on purpose (the seat stays reserved for a rejoin).
    Bye,
}

/// One command in the drill's log, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub at: SimTime,
    pub command: Command,
    pub by: By,
    /// A live inject added to the scenario's timeline just before this command fires it:
    /// (label, timeline entry text).
    #[serde(default)]
    pub live: Option<(String, String)>,
}

/// Where the host's clock is. `check` is the host's state checksum at exactly `at`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    pub at: SimTime,
    pub paused: bool,
    pub speed: u32,
    pub check: Option<u64>,
}

/// Who is in the drill, for everyone's roster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeatLine {
    pub by: By,
    pub online: bool,
    pub commands: usize,
}

/// What a seat needs to join: the drill to re-simulate and its place in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub you: By,
    /// The kinds of command this seat may send (the rest are refused by the host).
    pub may: Vec<CommandKind>,
    /// The scenario's name (a built-in id or a file name) and its text.
    pub scenario: String,
    pub text: String,
    pub seed: u64,
    pub challenge: crate::scenario::challenge::Challenge,
    pub log: Vec<Entry>,
    pub clock: Clock,
    pub roster: Vec<SeatLine>,
    /// Clues the facilitator has revealed so far are in the log; the drill's end, if over.
    pub ended: Option<SimTime>,
}

/// Host → seat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToSeat {
    Welcome(Box<Welcome>),
    Refused {
        reason: String,
    },
    Applied(Entry),
    Clock(Clock),
    /// The host refused one of this seat's commands (not the engine: the engine's
    /// rejections are in the log like everything else).
    Refusal {
        text: String,
    },
    Roster(Vec<SeatLine>),
    /// The facilitator ended the drill at this sim time: show the debrief.
    Ended {
        at: SimTime,
    },
    /// The host is going away.
    Closing {
        reason: String,
    },
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the connection closed")]
    Closed,
    #[error("a frame of {len} bytes is over the {limit}-byte limit")]
    TooBig { len: usize, limit: usize },
    #[error("a malformed frame: {0}")]
    Malformed(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Serialises a frame with its length prefix.
pub fn encode<T: Serialize>(frame: &T) -> Vec<u8> {
    let body = serde_json::to_vec(frame).expect("frames always serialise");
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Reads one frame of at most `limit` bytes. The length is checked before anything is
/// allocated, so an oversized frame costs nothing.
pub async fn read<T, R>(r: &mut R, limit: usize) -> Result<T, FrameError>
where
    T: for<'de> Deserialize<'de>,
    R: AsyncReadExt + Unpin,
{
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(FrameError::Closed),
        Err(e) => return Err(FrameError::Io(e)),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > limit {
        return Err(FrameError::TooBig { len, limit });
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof { FrameError::Closed } else { FrameError::Io(e) }
    })?;
    serde_json::from_slice(&body).map_err(|e| FrameError::Malformed(e.to_string()))
}

/// Writes bytes made by `encode`.
pub async fn write<W: AsyncWriteExt + Unpin>(w: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    w.write_all(bytes).await?;
    w.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn frames_round_trip_and_limits_hold_before_allocation() {
        let hello = ToHost::Hello {
            protocol: PROTOCOL,
            program: PROGRAM.into(),
            code: "ABCDE-FGHJK".into(),
            name: "ana".into(),
            role: Role::Ops,
        };
        let bytes = encode(&hello);
        let back: ToHost = read(&mut bytes.as_slice(), MAX_SEAT_FRAME).await.unwrap();
        assert_eq!(back, hello);
        let mut huge = (u32::MAX).to_be_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        let e = read::<ToHost, _>(&mut huge.as_slice(), MAX_SEAT_FRAME).await.unwrap_err();
        assert!(matches!(e, FrameError::TooBig { limit: MAX_SEAT_FRAME, .. }), "{e}");
        let mut junk = 3u32.to_be_bytes().to_vec();
        junk.extend_from_slice(b"{x}");
        assert!(matches!(read::<ToHost, _>(&mut junk.as_slice(), 64).await, Err(FrameError::Malformed(_))));
        let cut = &bytes[..bytes.len() - 1];
        assert!(matches!(read::<ToHost, _>(&mut &cut[..], 1024).await, Err(FrameError::Closed)));
    }
}
