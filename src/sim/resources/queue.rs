//! Message queues as the engine runs them (SQS-style, at-least-once). An `Enqueue` step puts
//! a message at the back of the queue at once. Consumer loops — `per_instance` on each
//! instance of the consumer service that is in rotation — take the oldest visible message one
//! at a time and run the consumer endpoint's plan on it as a call to that service (so every
//! part of the engine works on consumers: workers, CPU, pools, dependencies, faults, crashes).
//!
//! A received message is invisible for the visibility timeout. Processed in time, it is
//! deleted; otherwise (the consumer failed, crashed, or is still working) it becomes visible
//! again and is delivered again, so a slow consumer processes some messages twice: every
//! processing after the first is a duplicate side effect unless the queue is idempotent. A
//! message about to be received more than `max_receives` times goes to the dead-letter queue
//! instead; one that has waited longer than `retention` expires (one a consumer holds is
//! left to it). A poison message crashes the consumer instance that receives it.
//!
//! Invariants: `visible` + `in_flight` count the messages not yet processed, dead-lettered
//! or expired; a message stays in the slab while any consumer holds it (`holders`), so a late
//! success still finds it; deques may hold stale keys, which are skipped.

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::slab::{Key, Slab};
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::observe::metric::QueueStats;
use crate::sim::request::call::{Call, Origin, Site};
use crate::sim::request::outcome::{Outcome, Reason};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Visible,
    InFlight,
    Done,
    Dead,
}

#[derive(Clone, Debug)]
struct Msg {
    enqueued: SimTime,
    receives: u32,
    holders: u32,
    processed: u32,
    state: State,
    poison: bool,
    /// When the current receive's visibility timeout ends.
    visible_at: SimTime,
}

/// Per-window counts of one queue.
#[derive(Clone, Debug, Default)]
struct QueueAcc {
    enqueued: u32,
    processed: u32,
    redelivered: u32,
    duplicates: u32,
    dead_lettered: u32,
    expired: u32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct QueueState {
    msgs: Slab<Msg>,
    /// Messages available to receive for the first time, oldest first, and messages
    /// visible again after a visibility timeout, received before them (they are older: the
    /// broker returns messages roughly oldest first). Stale keys are skipped.
    ready: VecDeque<Key>,
    again: VecDeque<Key>,
    /// Every message not yet known to be over, in enqueue order: its front is the oldest.
    by_age: VecDeque<Key>,
    visible: u32,
    in_flight: u32,
    /// Consumer loops holding a message.
    busy: u32,
    /// Messages in the dead-letter queue (nothing consumes it).
    dlq: u64,
    /// `consume` is running: a nested call (a consumer that finished at once) leaves the
    /// work to the running loop instead of recursing.
    consuming: bool,
    acc: QueueAcc,
}

impl Sim {
    /// An `Enqueue` step (or a poison-message fault) puts a message on queue `q`.
    /// Messages the queues hold (not yet known to be over): they count in the run-time cap
    /// on what is in flight (`kernel::caps`).
    pub(crate) fn queued_messages(&self) -> usize {
        self.queues.iter().map(|q| q.msgs.len()).sum()
    }

    pub(crate) fn enqueue(&mut self, q: usize, poison: bool) {
        let st = &mut self.queues[q];
        let k = st.msgs.insert(Msg {
            enqueued: self.now,
            receives: 0,
            holders: 0,
            processed: 0,
            state: State::Visible,
            poison,
            visible_at: self.now,
        });
        st.ready.push_back(k);
        st.by_age.push_back(k);
        st.visible += 1;
        st.acc.enqueued += 1;
        self.consume(q);
    }

    /// Consumer loops that are free take messages while any are visible.
    pub(crate) fn consume(&mut self, q: usize) {
        if std::mem::replace(&mut self.queues[q].consuming, true) {
            return;
        }
        self.consume_loop(q);
        self.queues[q].consuming = false;
    }

    fn consume_loop(&mut self, q: usize) {
        let (max_receives, visibility) = (self.spec.queues[q].max_receives, self.spec.queues[q].visibility_timeout);
        loop {
            // Capacity can change while consumers run (a poison message crashes an instance).
            let spec = &self.spec.queues[q];
            let capacity = spec.per_instance * self.svcs[spec.consumer].rotation.len() as u32;
            if self.queues[q].busy >= capacity || spec.flag.is_some_and(|f| !self.flags[f]) {
                return;
            }
            let st = &mut self.queues[q];
            let Some(k) = st.again.pop_front().or_else(|| st.ready.pop_front()) else { return };
            let Some(m) = st.msgs.get_mut(k).filter(|m| m.state == State::Visible) else { continue };
            m.receives += 1;
            st.visible -= 1;
            if m.receives > 1 {
                st.acc.redelivered += 1;
            }
            if max_receives.is_some_and(|max| m.receives > max) {
                m.state = State::Dead;
                st.dlq += 1;
                st.acc.dead_lettered += 1;
                st.release(k);
                continue;
            }
            m.state = State::InFlight;
            m.holders += 1;
            m.visible_at = self.now + visibility;
            st.in_flight += 1;
            st.busy += 1;
            self.q.push(m.visible_at, Ev::Visibility { queue: q as u16, msg: k });
            self.start_consumer_call(q, k);
        }
    }

    fn start_consumer_call(&mut self, q: usize, msg: Key) {
        let spec = &self.spec.queues[q];
        let call = Call::internal(
            Origin::Consumer { queue: q as u16, msg },
            Site::Consumer { queue: q as u16 },
            self.now,
            spec.endpoint as u16,
            (spec.consumer as u16, spec.endpoint as u16, 0),
        );
        let ck = self.calls.insert(call);
        self.send_attempt(ck);
    }

    /// A consumer's try reaches the consumer service. A poison message crashes the instance
    /// it lands on (its other jobs die with it); the message stays invisible until its
    /// visibility timeout, like any message whose consumer died.
    pub(crate) fn consumer_deliver(&mut self, ak: Key, q: usize) {
        let consumer = self.spec.queues[q].consumer;
        let poison = match self.attempts.get(ak).and_then(|a| self.calls.get(a.call)).map(|c| c.origin) {
            Some(Origin::Consumer { msg, .. }) => self.queues[q].msgs.get(msg).is_some_and(|m| m.poison),
            _ => false,
        };
        if poison && let Some(i) = self.pick_instance(consumer) {
            let name = self.spec.queues[q].name.clone();
            self.crash(consumer, i, &format!("panic while processing a message from {name} (poison message)"));
            return self.attempt_done(ak, Err(Reason::ConnectionReset));
        }
        self.route_to_service(ak, consumer);
    }

    /// A consumer's processing of `msg` is over. Success deletes the message (a second
    /// success is a duplicate side effect); a failure leaves it for its visibility timeout.
    pub(crate) fn consumer_done(&mut self, q: usize, msg: Key, outcome: Outcome) {
        let idempotent = self.spec.queues[q].idempotent;
        let st = &mut self.queues[q];
        st.busy -= 1;
        if let Some(m) = st.msgs.get_mut(msg) {
            m.holders -= 1;
            if outcome.is_ok() {
                m.processed += 1;
                if m.processed == 1 {
                    st.acc.processed += 1;
                    match m.state {
                        State::InFlight => st.in_flight -= 1,
                        State::Visible => st.visible -= 1,
                        State::Done | State::Dead => {}
                    }
                    if m.state != State::Dead {
                        m.state = State::Done;
                    }
                } else if !idempotent {
                    st.acc.duplicates += 1;
                }
            }
            st.release(msg);
        }
        self.consume(q);
    }

    /// A visibility timeout of `msg` ends: still not processed (and not received again
    /// since, which would have moved its deadline on), it can be received again.
    pub(crate) fn on_visibility(&mut self, q: usize, msg: Key) {
        let st = &mut self.queues[q];
        let Some(m) = st.msgs.get_mut(msg) else { return };
        if m.state != State::InFlight || self.now < m.visible_at {
            return;
        }
        m.state = State::Visible;
        st.in_flight -= 1;
        st.visible += 1;
        st.again.push_back(msg);
        self.consume(q);
    }

    /// Every tick: consumers poll (an instance back in rotation brings its loops), and
    /// messages past their retention expire.
    pub(crate) fn queue_tick(&mut self) {
        for q in 0..self.queues.len() {
            if let Some(retention) = self.spec.queues[q].retention {
                self.queues[q].expire(self.now, retention);
            }
            self.consume(q);
        }
    }

    /// One window's statistics of queue `q`, its counters emptied.
    pub(crate) fn queue_stats(&mut self, q: usize) -> QueueStats {
        let now = self.now;
        let spec = &self.spec.queues[q];
        let capacity = spec.per_instance * self.svcs[spec.consumer].rotation.len() as u32;
        let st = &mut self.queues[q];
        let oldest = st.oldest(now);
        let acc = std::mem::take(&mut st.acc);
        QueueStats {
            depth: st.visible + st.in_flight,
            visible: st.visible,
            in_flight: st.in_flight,
            age_s: oldest.map_or(0.0, |d| d.secs_f64() as f32),
            enqueued: acc.enqueued,
            processed: acc.processed,
            redelivered: acc.redelivered,
            duplicates: acc.duplicates,
            dead_lettered: acc.dead_lettered,
            expired: acc.expired,
            dlq: st.dlq,
            consumers_busy: st.busy,
            consumers: capacity,
        }
    }
}

impl QueueState {
    /// Frees a message nobody holds once it is over.
    fn release(&mut self, k: Key) {
        if self.msgs.get(k).is_some_and(|m| m.holders == 0 && matches!(m.state, State::Done | State::Dead)) {
            self.msgs.discard(k);
        }
    }

    /// The age of the oldest message not yet over; drops finished keys from the front and,
    /// when most of the age list is finished messages behind a stuck one, compacts it.
    fn oldest(&mut self, now: SimTime) -> Option<Dur> {
        let live = |msgs: &Slab<Msg>, k: &Key| {
            msgs.get(*k).is_some_and(|m| matches!(m.state, State::Visible | State::InFlight))
        };
        while let Some(k) = self.by_age.front() {
            if live(&self.msgs, k) {
                break;
            }
            self.by_age.pop_front();
        }
        let pending = (self.visible + self.in_flight) as usize;
        if self.by_age.len() > 2 * pending + 1024 {
            let msgs = &self.msgs;
            self.by_age.retain(|k| live(msgs, k));
        }
        let k = *self.by_age.front()?;
        Some(now.since(self.msgs.get(k)?.enqueued))
    }

    /// Messages waiting longer than `retention` (oldest first) are dropped unprocessed; one
    /// a consumer holds is left to it.
    fn expire(&mut self, now: SimTime, retention: Dur) {
        let mut held = Vec::new();
        while let Some(age) = self.oldest(now) {
            if age <= retention {
                break;
            }
            let Some(k) = self.by_age.pop_front() else { break };
            let Some(m) = self.msgs.get_mut(k) else { continue };
            if m.state == State::InFlight {
                held.push(k);
                continue;
            }
            if m.state == State::Visible {
                self.visible -= 1;
                m.state = State::Dead;
                self.acc.expired += 1;
            }
            self.release(k);
        }
        for k in held.into_iter().rev() {
            self.by_age.push_front(k);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_stay_twelve_bytes() {
        // Every scheduled event is copied through the event queue: keep it small.
        assert!(
            std::mem::size_of::<crate::sim::engine::Ev>() <= 12,
            "{}",
            std::mem::size_of::<crate::sim::engine::Ev>()
        );
    }
}
