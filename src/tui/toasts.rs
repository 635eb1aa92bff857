//! Notices that stay until seen: a paged team's reply, a stakeholder's message and a hint the
//! player paid for appear over
//! the incident screen as a toast that stays until the player dismisses it (the Comms tab keeps
//! them all). New pages are counted here too, for the optional terminal bell.
//!
//! Toasts are read from the event log as it grows (never from the screen), so they are a
//! function of the run: the same run shows the same toasts. At most [`MAX`] wait; older ones
//! are dropped from the toasts (not from Comms) and counted.

use crate::sim::model::rules::AlertSeverity;
use crate::sim::{Event, EventKind, SimTime};
use std::collections::VecDeque;

/// Toasts waiting at most; more push the oldest out.
pub const MAX: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub at: SimTime,
    /// Who speaks: a team ("dba (paged)") or a stakeholder.
    pub from: String,
    pub text: String,
    /// A reply to the player's page, rather than a message nobody asked for.
    pub reply: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Toasts {
    /// Not dismissed yet, oldest first.
    pub waiting: VecDeque<Toast>,
    /// Pushed out unseen (still in Comms).
    pub dropped: usize,
    /// Events read so far.
    read: usize,
    /// Page alerts that started firing since the bell last rang.
    new_pages: usize,
    /// In a drill's seat, its person's name: a facilitator's tip shows only to its seat.
    pub me: Option<String>,
}

impl Toasts {
    /// Reads the events added since the last call.
    pub fn ingest(&mut self, events: &[Event]) {
        for e in events.iter().skip(self.read).filter(|e| !e.hidden) {
            let toast = match &e.kind {
                EventKind::TeamArrived { team, says } => {
                    Toast { at: e.t, from: format!("{team} (paged)"), text: says.clone(), reply: true }
                }
                EventKind::Message { from, text } => {
                    Toast { at: e.t, from: from.clone(), text: text.clone(), reply: false }
                }
                EventKind::Revealed { text } => {
                    Toast { at: e.t, from: "the facilitator reveals".into(), text: text.clone(), reply: false }
                }
                EventKind::Tip { seat, text } if self.me.as_ref().is_some_and(|me| me.eq_ignore_ascii_case(seat)) => {
                    Toast { at: e.t, from: "a tip from the facilitator".into(), text: text.clone(), reply: true }
                }
                // Asked for, so shown like a reply.
                EventKind::HintGiven { text, tier } => {
                    Toast { at: e.t, from: format!("hint, {}", tier.name()), text: text.clone(), reply: true }
                }
                EventKind::AlertFiring { severity: AlertSeverity::Page, .. } => {
                    self.new_pages += 1;
                    continue;
                }
                _ => continue,
            };
            if self.waiting.len() == MAX {
                self.waiting.pop_front();
                self.dropped += 1;
            }
            self.waiting.push_back(toast);
        }
        self.read = events.len();
    }

    /// The player has seen the oldest toast.
    pub fn dismiss(&mut self) {
        if self.waiting.pop_front().is_none() {
            self.dropped = 0;
        }
    }

    /// Whether a page started firing since the last call (and forgets it).
    pub fn take_new_page(&mut self) -> bool {
        std::mem::take(&mut self.new_pages) > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t: u64, kind: EventKind) -> Event {
        Event { t: SimTime::from_secs(t), hidden: false, kind }
    }

    #[test]
    fn a_reply_waits_until_dismissed_and_is_read_once() {
        let mut toasts = Toasts::default();
        let mut events = vec![event(10, EventKind::TeamArrived { team: "dba".into(), says: "on it".into() })];
        toasts.ingest(&events);
        toasts.ingest(&events);
        assert_eq!(toasts.waiting.len(), 1, "an event becomes one toast, however often it is read");
        events.push(event(20, EventKind::Message { from: "VP".into(), text: "status?".into() }));
        toasts.ingest(&events);
        assert_eq!(toasts.waiting.iter().map(|t| t.reply).collect::<Vec<_>>(), [true, false]);
        toasts.dismiss();
        assert_eq!(toasts.waiting.front().map(|t| t.from.as_str()), Some("VP"));
    }

    #[test]
    fn a_hint_taken_shows_as_a_toast_with_its_tier() {
        let mut toasts = Toasts::default();
        let tier = crate::sim::model::hint::HintTier::Nudge;
        toasts.ingest(&[event(5, EventKind::HintGiven { text: "look at the changes".into(), tier })]);
        let t = toasts.waiting.front().expect("a toast");
        assert_eq!((t.from.as_str(), t.text.as_str(), t.reply), ("hint, a nudge", "look at the changes", true));
    }

    #[test]
    fn only_new_page_alerts_ring_the_bell() {
        let mut toasts = Toasts::default();
        let fire = |severity| EventKind::AlertFiring { alert: "x".into(), severity, summary: String::new() };
        toasts.ingest(&[event(1, fire(AlertSeverity::Ticket))]);
        assert!(!toasts.take_new_page());
        toasts.ingest(&[event(1, fire(AlertSeverity::Ticket)), event(2, fire(AlertSeverity::Page))]);
        assert!(toasts.take_new_page());
        assert!(!toasts.take_new_page(), "once per page");
    }
}
