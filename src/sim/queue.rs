//! The discrete-event queue: events ordered by `(time, sequence)`, so two events at the same
//! instant always fire in the order they were scheduled.
//!
//! It is a calendar queue. Time is cut into 1 ms slots; a ring of slots covers the next
//! ~16 s, and each slot is an unsorted `Vec`, so scheduling is an append. When the clock reaches
//! a slot its few events are sorted once and popped in order. Events beyond the ring wait in a
//! heap and move into the ring as it comes into range. Almost every event (timeouts, service
//! times, look-ups) lands within the ring, so both push and pop are O(1) amortized; most
//! timeouts are stale by the time they come due, and `pop_until` drops those without returning
//! them.

use super::time::{Dur, SimTime};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Slot width in microseconds.
const WIDTH: u64 = 1_000;
/// Slots in the ring (a power of two): the ring spans `SLOTS × WIDTH` ≈ 16.4 s.
const SLOTS: u64 = 1 << 14;

#[derive(Clone, Debug)]
struct Entry<E> {
    key: u128,
    ev: E,
}

impl<E> Entry<E> {
    fn time(&self) -> u64 {
        (self.key >> 64) as u64
    }
}

// Ordered by key only, reversed: `BinaryHeap` is a max-heap and we want the earliest first.
impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A min-queue of events by time, FIFO among equal times.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    ring: Vec<Vec<Entry<E>>>,
    /// The absolute slot number the clock is in.
    cur: u64,
    /// The current slot's events, sorted latest first (so the next is at the end).
    ready: Vec<Entry<E>>,
    far: BinaryHeap<Entry<E>>,
    seq: u64,
    len: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            ring: (0..SLOTS).map(|_| Vec::new()).collect(),
            cur: 0,
            ready: Vec::new(),
            far: BinaryHeap::new(),
            seq: 0,
            len: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedules an event at `t`, which must not be before the last popped event's time.
    pub fn push(&mut self, t: SimTime, ev: E) {
        let key = (u128::from(t.0) << 64) | u128::from(self.seq);
        self.seq += 1;
        self.len += 1;
        let slot = t.0 / WIDTH;
        let e = Entry { key, ev };
        if slot <= self.cur {
            // Into the sorted current slot (latest first).
            let at = self.ready.partition_point(|x| x.key > key);
            self.ready.insert(at, e);
        } else if slot < self.cur + SLOTS {
            self.ring[(slot % SLOTS) as usize].push(e);
        } else {
            self.far.push(e);
        }
    }

    /// Schedules an event `d` after `now`.
    pub fn push_after(&mut self, now: SimTime, d: Dur, ev: E) {
        self.push(now + d, ev);
    }

    /// Pops the next event if it is due at or before `limit`. Events for which `stale` says
    /// they would do nothing (a timeout whose request already finished) are dropped without
    /// being returned.
    pub fn pop_until(&mut self, limit: SimTime, stale: impl Fn(&E) -> bool) -> Option<(SimTime, E)> {
        loop {
            if let Some(next) = self.ready.last() {
                if next.time() > limit.0 {
                    return None;
                }
                let e = self.ready.pop().expect("non-empty");
                self.len -= 1;
                if stale(&e.ev) {
                    continue;
                }
                return Some((SimTime(e.time()), e.ev));
            }
            if self.len == 0 || (self.cur + 1) * WIDTH > limit.0 {
                return None;
            }
            self.advance();
        }
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_until(SimTime::NEVER, |_| false)
    }

    /// Moves the clock to the next slot and sorts its events into `ready`. Skips runs of empty
    /// slots in one step when only far events remain.
    fn advance(&mut self) {
        self.cur += 1;
        if self.len == self.far.len() {
            if let Some(top) = self.far.peek() {
                self.cur = self.cur.max(top.time() / WIDTH);
            }
        }
        while self.far.peek().is_some_and(|top| top.time() / WIDTH < self.cur + SLOTS) {
            let e = self.far.pop().expect("peeked");
            let slot = e.time() / WIDTH;
            if slot <= self.cur {
                self.ready.push(e);
            } else {
                self.ring[(slot % SLOTS) as usize].push(e);
            }
        }
        let i = (self.cur % SLOTS) as usize;
        self.ready.append(&mut self.ring[i]);
        self.ready.sort_unstable_by(|a, b| b.key.cmp(&a.key));
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_pops_in_time_order_and_fifo_within_a_time() {
        let mut q = EventQueue::default();
        let times = [5u64, 1, 9, 1, 3, 5, 0, 7, 1];
        for (i, t) in times.iter().enumerate() {
            q.push(SimTime(*t), i);
        }
        let mut out = vec![];
        while let Some((t, i)) = q.pop() {
            out.push((t.0, i));
        }
        let mut want: Vec<(u64, usize)> = times.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        want.sort();
        assert_eq!(out, want);
    }

    #[test]
    fn near_far_and_current_slot_events_interleave_exactly() {
        // A pseudo-random mix of delays: same slot, within the ring, and beyond it, scheduled
        // as a simulation would (never before the last popped time).
        let mut q = EventQueue::default();
        let mut want = Vec::new();
        let mut got = Vec::new();
        let mut now = 0u64;
        let mut x: u64 = 12345;
        let mut id = 0u64;
        for round in 0..2_000 {
            for _ in 0..3 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let d = match x >> 62 {
                    0 => (x >> 20) % 500,                     // same slot-ish
                    1 => (x >> 20) % 5_000_000,               // within the ring
                    2 => 17_000_000 + (x >> 20) % 60_000_000, // beyond it
                    _ => 0,
                };
                q.push(SimTime(now + d), id);
                want.push((now + d, id));
                id += 1;
            }
            if round % 2 == 0 {
                if let Some((t, i)) = q.pop() {
                    assert!(t.0 >= now);
                    now = t.0;
                    got.push((t.0, i));
                }
            }
        }
        while let Some((t, i)) = q.pop() {
            got.push((t.0, i));
        }
        want.sort();
        assert_eq!(got, want);
        assert!(q.is_empty());
    }

    #[test]
    fn pop_until_stops_at_the_limit_and_skips_stale_events() {
        let mut q = EventQueue::default();
        for t in [10u64, 2_000, 3_000, 50_000] {
            q.push(SimTime(t), t);
        }
        assert_eq!(q.pop_until(SimTime(2_500), |e: &u64| *e == 2_000), Some((SimTime(10), 10)));
        assert_eq!(q.pop_until(SimTime(2_500), |e: &u64| *e == 2_000), None, "2000 is stale, 3000 is too late");
        assert_eq!(q.pop_until(SimTime(1_000_000), |_| false), Some((SimTime(3_000), 3_000)));
        assert_eq!(q.len(), 1);
    }
}
