//! The discrete-event queue: events ordered by `(time, sequence)`, so two events at the same
//! instant always fire in the order they were scheduled, whatever the heap does internally.
//!
//! Most events are timers of a fixed length (a policy's timeout, a pool's acquire timeout, a
//! cache look-up): scheduled "now + d" with the same d, they come due in the order they were
//! made. Those go into FIFO *lanes*, one per length, pushed and popped in O(1); everything
//! else goes into a 4-ary heap. Popping takes the smallest key among the heap top and the lane
//! fronts, so the order is exactly that of a single heap.

use super::time::{Dur, SimTime};
use std::collections::VecDeque;

/// Lanes kept at most; timers of other lengths go to the heap.
const MAX_LANES: usize = 24;

#[derive(Clone, Debug)]
struct Entry<E> {
    key: u128,
    ev: E,
}

#[derive(Clone, Debug)]
struct Lane<E> {
    len: u64,
    q: VecDeque<Entry<E>>,
}

/// A min-queue of events by time, FIFO among equal times.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    lanes: Vec<Lane<E>>,
    /// Each lane's front key (`u128::MAX` when empty), contiguous for a fast scan.
    fronts: Vec<u128>,
    seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: Vec::with_capacity(1024), lanes: Vec::new(), fronts: Vec::new(), seq: 0 }
    }
}

const ARITY: usize = 4;

impl<E> EventQueue<E> {
    pub fn push(&mut self, t: SimTime, ev: E) {
        let key = (u128::from(t.0) << 64) | u128::from(self.seq);
        self.seq += 1;
        self.heap.push(Entry { key, ev });
        self.sift_up(self.heap.len() - 1);
    }

    /// Schedules a timer of length `d` from `now`. Every timer of the same length must be
    /// scheduled with a `now` no earlier than the previous one's (true for a sim clock).
    pub fn push_after(&mut self, now: SimTime, d: Dur, ev: E) {
        let t = now + d;
        let lane = match self.lanes.iter().position(|l| l.len == d.0) {
            Some(i) => i,
            None if self.lanes.len() < MAX_LANES => {
                self.lanes.push(Lane { len: d.0, q: VecDeque::new() });
                self.fronts.push(u128::MAX);
                self.lanes.len() - 1
            }
            None => return self.push(t, ev),
        };
        let key = (u128::from(t.0) << 64) | u128::from(self.seq);
        self.seq += 1;
        debug_assert!(self.lanes[lane].q.back().is_none_or(|b| b.key < key));
        if self.lanes[lane].q.is_empty() {
            self.fronts[lane] = key;
        }
        self.lanes[lane].q.push_back(Entry { key, ev });
    }

    /// Where the next event is: `None` = heap top, `Some(i)` = lane i; with its key.
    fn next(&self) -> Option<(u128, Option<usize>)> {
        let mut best = (u128::MAX, None);
        for (i, &k) in self.fronts.iter().enumerate() {
            if k < best.0 {
                best = (k, Some(i));
            }
        }
        match self.heap.first() {
            Some(top) if top.key < best.0 => Some((top.key, None)),
            _ if best.1.is_some() => Some(best),
            _ => None,
        }
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.next().map(|(k, _)| SimTime((k >> 64) as u64))
    }

    /// Pops the next event if it is due at or before `limit`. Timers for which `stale` says
    /// they would do nothing (their request already finished) are dropped from the lane fronts
    /// first, without being returned: most timeouts never fire, and skipping them here keeps
    /// them out of the event loop.
    pub fn pop_until(&mut self, limit: SimTime, stale: impl Fn(&E) -> bool) -> Option<(SimTime, E)> {
        loop {
            let (key, from) = self.next()?;
            if (key >> 64) as u64 > limit.0 {
                return None;
            }
            if let Some(i) = from {
                if self.lanes[i].q.front().is_some_and(|f| stale(&f.ev)) {
                    self.take(from);
                    continue;
                }
            }
            return self.take(from);
        }
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let (_, from) = self.next()?;
        self.take(from)
    }

    fn take(&mut self, from: Option<usize>) -> Option<(SimTime, E)> {
        if let Some(i) = from {
            let e = self.lanes[i].q.pop_front()?;
            self.fronts[i] = self.lanes[i].q.front().map_or(u128::MAX, |f| f.key);
            return Some((SimTime((e.key >> 64) as u64), e.ev));
        }
        let last = self.heap.len() - 1;
        self.heap.swap(0, last);
        let top = self.heap.pop()?;
        if !self.heap.is_empty() {
            self.sift_down(0);
        }
        Some((SimTime((top.key >> 64) as u64), top.ev))
    }

    pub fn heap_len(&self) -> usize {
        self.heap.len()
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.lanes.iter().map(|l| l.q.len()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.heap[i].key < self.heap[parent].key {
                self.heap.swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let first = i * ARITY + 1;
            if first >= n {
                break;
            }
            let last = (first + ARITY).min(n);
            let mut best = first;
            for c in first + 1..last {
                if self.heap[c].key < self.heap[best].key {
                    best = c;
                }
            }
            if self.heap[best].key < self.heap[i].key {
                self.heap.swap(i, best);
                i = best;
            } else {
                break;
            }
        }
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
    fn lanes_and_heap_interleave_in_exact_time_then_schedule_order() {
        let mut q = EventQueue::default();
        let mut want = Vec::new();
        let mut now = 0u64;
        let _ = q.pop_until(SimTime::ZERO, |_: &u64| false);
        for i in 0..300u64 {
            now += i % 7;
            let (t, lane) = match i % 3 {
                0 => (now + 50, Some(50)),
                1 => (now + 10 + (i * 37) % 90, None),
                _ => (now + 20, Some(20)),
            };
            match lane {
                Some(d) => q.push_after(SimTime(now), Dur(d), i),
                None => q.push(SimTime(t), i),
            }
            want.push((t, i));
        }
        want.sort();
        let mut out = vec![];
        while let Some((t, i)) = q.pop() {
            out.push((t.0, i));
        }
        assert_eq!(out, want);
    }
}
