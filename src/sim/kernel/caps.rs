//! Hard caps on what one run may hold, enforced while it runs — because the estimate made at
//! validation (`scenario::budget`) can be wrong: a saturated service with an unbounded queue
//! piles up jobs, an alert flapping every second fills the event log. At a cap the engine ends
//! the run cleanly (`EndReason::Stopped`) and keeps everything that ran; it never aborts on an
//! allocation.
//!
//! The caps are checked every [`CHECK_EVERY`] events (and at every window), not on each
//! allocation, to keep the check off the hot path: between two checks at most that many
//! events run, each allocating a bounded number of entities, so a cap is overshot by at most a
//! few thousand entities. The numbers, and why:
//!
//! - **in flight** ([`MAX_LIVE`] = 2,000,000 calls + tries + jobs + queued messages): a call,
//!   a try and a job take ~0.3 kB with their events (a message far less), so the cap is
//!   ~600 MB at worst. The shipped scenarios peak below 50,000 (retry-storm at the height of
//!   its storm).
//! - **queued events** ([`MAX_QUEUED`] = 4,000,000, 32 bytes each: 128 MB). Every live entity
//!   has at most two pending events (its step and its timeout).
//! - **event log** ([`MAX_EVENTS`] = 1,000,000 events, ~100 bytes each). A 4-hour run of a
//!   lively scenario logs a few thousand: faults, commands, alerts firing and resolving.
//! - **window cells** ([`MAX_WINDOW_CELLS`] = 20,000,000 = windows × (1 + services + their
//!   dependencies + caches + third parties + the database), ~100 bytes each: ~2 GB is never
//!   reached because validation already refuses more than 256 MB of windows; this is the
//!   backstop).

use serde::{Deserialize, Serialize};

pub const MAX_LIVE: usize = 2_000_000;
pub const MAX_QUEUED: usize = 4_000_000;
pub const MAX_EVENTS: usize = 1_000_000;
pub const MAX_WINDOW_CELLS: usize = 20_000_000;
/// Events processed between two checks of the caps.
pub const CHECK_EVERY: u32 = 4_096;

/// The caps of one run: [`Caps::DEFAULT`] everywhere but in tests, which lower them to reach
/// them cheaply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    pub live: usize,
    pub queued: usize,
    pub events: usize,
    pub window_cells: usize,
}

impl Caps {
    pub const DEFAULT: Caps =
        Caps { live: MAX_LIVE, queued: MAX_QUEUED, events: MAX_EVENTS, window_cells: MAX_WINDOW_CELLS };
}

impl Default for Caps {
    fn default() -> Self {
        Caps::DEFAULT
    }
}

/// The cap a run stopped at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cap {
    /// More than `limit` calls, tries, jobs and queued messages alive at once.
    InFlight { limit: usize },
    /// More than `limit` events scheduled and not yet run.
    Queued { limit: usize },
    /// More than `limit` entries in the event log.
    EventLog { limit: usize },
    /// More than `limit` metric cells in the closed windows.
    Windows { limit: usize },
}

impl Cap {
    /// Why the run stopped, in words: "stopped: more than 2,000,000 calls, tries, jobs and
    /// messages in flight".
    pub fn describe(self) -> String {
        match self {
            Cap::InFlight { limit } => {
                format!("stopped: more than {} calls, tries, jobs and messages in flight", thousands(limit))
            }
            Cap::Queued { limit } => format!("stopped: more than {} events scheduled at once", thousands(limit)),
            Cap::EventLog { limit } => format!("stopped: more than {} events in the event log", thousands(limit)),
            Cap::Windows { limit } => format!("stopped: more than {} metric cells recorded", thousands(limit)),
        }
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Counts events down to the next check of the caps.
#[derive(Clone, Debug)]
pub struct Countdown(u32);

impl Default for Countdown {
    fn default() -> Self {
        Countdown(CHECK_EVERY)
    }
}

impl Countdown {
    /// True once every `CHECK_EVERY` calls.
    #[inline]
    pub fn tick(&mut self) -> bool {
        self.0 -= 1;
        if self.0 == 0 {
            self.0 = CHECK_EVERY;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_countdown_fires_once_every_check_every_events() {
        let mut c = Countdown::default();
        let fired: Vec<u32> = (1..=3 * CHECK_EVERY).filter(|_| c.tick()).collect();
        assert_eq!(fired.len(), 3);
        assert_eq!(
            Cap::InFlight { limit: MAX_LIVE }.describe(),
            "stopped: more than 2,000,000 calls, tries, jobs and messages in flight"
        );
    }
}
