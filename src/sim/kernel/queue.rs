//! The discrete-event queue: events ordered by `(time, sequence)`, so two events at the same
//! instant always fire in the order they were scheduled.
//!
//! Two structures share the work, chosen for how events are scheduled:
//! - *Lanes* hold timers of a fixed length (a policy's timeout, a pool's acquire timeout, a
//!   health-check interval). Scheduled "now + d" with the same d, they come due in the order
//!   they were made, so each lane is a FIFO: appends and pops touch only its two ends, which
//!   keeps the many long timers (most of which never fire) cheap and cache-friendly.
//! - A *calendar* holds everything else (service times, query times, replies): 1 ms slots over
//!   the next ~2 s, each an unsorted `Vec` sorted once when the clock reaches it, and a heap for
//!   the rare event beyond that.
//!
//! Popping takes the smallest key among the calendar and the lane fronts, so the order is
//! exactly that of a single priority queue. Timers for which the caller says "stale" (their
//! request already finished) are dropped without being returned.

use super::time::{Dur, SimTime};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Calendar slot width in microseconds.
const WIDTH: u64 = 1_000;
/// Calendar slots (a power of two): the calendar spans `SLOTS × WIDTH` ≈ 2 s.
const SLOTS: u64 = 1 << 11;
/// Lanes kept at most; timers of other lengths go to the calendar.
const MAX_LANES: usize = 24;

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

#[derive(Clone, Debug)]
struct Lane<E> {
    len: u64,
    q: VecDeque<Entry<E>>,
}

/// A min-queue of events by time, FIFO among equal times.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    ring: Vec<Vec<Entry<E>>>,
    /// The absolute slot number the calendar is at.
    cur: u64,
    /// The current slot's events, sorted latest first (so the next is at the end).
    ready: Vec<Entry<E>>,
    far: BinaryHeap<Entry<E>>,
    /// Events in the calendar (ring, ready and far).
    calendar_len: usize,
    lanes: Vec<Lane<E>>,
    /// Each lane's front key (`u128::MAX` when empty), contiguous for a fast scan.
    fronts: Vec<u128>,
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
            calendar_len: 0,
            lanes: Vec::new(),
            fronts: Vec::new(),
            seq: 0,
            len: 0,
        }
    }
}

impl<E> EventQueue<E> {
    fn key(&mut self, t: SimTime) -> u128 {
        let key = (u128::from(t.0) << 64) | u128::from(self.seq);
        self.seq += 1;
        self.len += 1;
        key
    }

    /// Schedules an event at `t`, which must not be before the last popped event's time.
    pub fn push(&mut self, t: SimTime, ev: E) {
        let key = self.key(t);
        self.calendar_len += 1;
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

    /// Schedules a timer of length `d` from `now`. Every timer of the same length must be
    /// scheduled with a `now` no earlier than the previous one's (true for a sim clock).
    pub fn push_after(&mut self, now: SimTime, d: Dur, ev: E) {
        let lane = match self.lanes.iter().position(|l| l.len == d.0) {
            Some(i) => i,
            None if self.lanes.len() < MAX_LANES => {
                self.lanes.push(Lane { len: d.0, q: VecDeque::new() });
                self.fronts.push(u128::MAX);
                self.lanes.len() - 1
            }
            None => return self.push(now + d, ev),
        };
        let key = self.key(now + d);
        debug_assert!(self.lanes[lane].q.back().is_none_or(|b| b.key < key));
        if self.lanes[lane].q.is_empty() {
            self.fronts[lane] = key;
        }
        self.lanes[lane].q.push_back(Entry { key, ev });
    }

    /// The earliest lane front: (key, lane).
    fn lane_min(&self) -> (u128, usize) {
        let mut best = (u128::MAX, 0);
        for (i, &k) in self.fronts.iter().enumerate() {
            if k < best.0 {
                best = (k, i);
            }
        }
        best
    }

    /// Pops the next event if it is due at or before `limit`. Events for which `stale` says
    /// they would do nothing (a timeout whose request already finished) are dropped without
    /// being returned.
    pub fn pop_until(&mut self, limit: SimTime, stale: impl Fn(&E) -> bool) -> Option<(SimTime, E)> {
        loop {
            let (lane_key, lane) = self.lane_min();
            let bound = ((lane_key >> 64) as u64).min(limit.0);
            // Bring the calendar to its next event, unless that is later than `bound`.
            while self.ready.is_empty() && self.calendar_len > 0 && (self.cur + 1) * WIDTH <= bound {
                self.advance();
            }
            let from_calendar = self.ready.last().is_some_and(|e| e.key < lane_key);
            let key = if from_calendar { self.ready.last().map_or(u128::MAX, |e| e.key) } else { lane_key };
            if key == u128::MAX || (key >> 64) as u64 > limit.0 {
                return None;
            }
            self.len -= 1;
            let e = if from_calendar {
                self.calendar_len -= 1;
                self.ready.pop().expect("non-empty")
            } else {
                let e = self.lanes[lane].q.pop_front().expect("front exists");
                self.fronts[lane] = self.lanes[lane].q.front().map_or(u128::MAX, |f| f.key);
                e
            };
            if stale(&e.ev) {
                continue;
            }
            return Some((SimTime(e.time()), e.ev));
        }
    }

    #[cfg(test)]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_until(SimTime::NEVER, |_| false)
    }

    /// Moves the calendar to the next slot and sorts its events into `ready`. Skips runs of
    /// empty slots in one step when only far events remain.
    fn advance(&mut self) {
        self.cur += 1;
        if self.calendar_len == self.far.len()
            && let Some(top) = self.far.peek()
        {
            self.cur = self.cur.max(top.time() / WIDTH);
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
        self.ready.sort_unstable_by_key(|e| std::cmp::Reverse(e.key));
    }

    /// Events scheduled and not yet popped (stale ones included).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Events scheduled since the queue was made (popped, dropped and pending alike).
    pub fn scheduled(&self) -> u64 {
        self.seq
    }

    #[cfg(test)]
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
        want.sort_unstable();
        assert_eq!(out, want);
    }

    #[test]
    fn lanes_calendar_and_far_events_interleave_exactly() {
        // A pseudo-random mix: same-slot events, calendar events, far ones, and fixed-length
        // timers in lanes, scheduled as a simulation would (never before the last popped time).
        let mut q = EventQueue::default();
        let mut want = Vec::new();
        let mut got = Vec::new();
        let mut now = 0u64;
        let mut x: u64 = 12345;
        let mut id = 0u64;
        for round in 0..3_000 {
            for _ in 0..3 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                match x >> 61 {
                    0 => {
                        let d = (x >> 20) % 500;
                        q.push(SimTime(now + d), id);
                        want.push((now + d, id));
                    }
                    1 | 2 => {
                        let d = (x >> 20) % 1_900_000;
                        q.push(SimTime(now + d), id);
                        want.push((now + d, id));
                    }
                    3 => {
                        let d = 2_500_000 + (x >> 20) % 60_000_000;
                        q.push(SimTime(now + d), id);
                        want.push((now + d, id));
                    }
                    k => {
                        let d = [1_000, 2_000_000, 10_000_000, 3_000][(k - 4) as usize];
                        q.push_after(SimTime(now), Dur(d), id);
                        want.push((now + d, id));
                    }
                }
                id += 1;
            }
            if round % 2 == 0
                && let Some((t, i)) = q.pop()
            {
                assert!(t.0 >= now);
                now = t.0;
                got.push((t.0, i));
            }
        }
        while let Some((t, i)) = q.pop() {
            got.push((t.0, i));
        }
        want.sort_unstable();
        assert_eq!(got, want);
        assert!(q.is_empty());
    }

    #[test]
    fn pop_until_stops_at_the_limit_and_skips_stale_events() {
        let mut q = EventQueue::default();
        for t in [10u64, 2_000, 3_000, 50_000] {
            q.push(SimTime(t), t);
        }
        q.push_after(SimTime(0), Dur(2_500), 2_500);
        assert_eq!(q.pop_until(SimTime(2_600), |e: &u64| *e == 2_000), Some((SimTime(10), 10)));
        assert_eq!(q.pop_until(SimTime(2_600), |e: &u64| *e == 2_000), Some((SimTime(2_500), 2_500)));
        assert_eq!(q.pop_until(SimTime(2_600), |_| false), None, "3000 is past the limit");
        assert_eq!(q.pop_until(SimTime(1_000_000), |_| false), Some((SimTime(3_000), 3_000)));
        assert_eq!(q.len(), 1);
    }
}
