//! A Hystrix-style circuit breaker: outcomes go into a rolling window of time buckets; when
//! the completed buckets of the window hold at least `min_volume` calls and the failed fraction
//! reaches the threshold the breaker opens and calls fail fast; after `open_for` it lets
//! `half_open_trials` calls through, closing on their success and re-opening on a failure.
//! Like Hystrix's health snapshot, the decision reads only completed buckets: the one still
//! filling counts once it closes.

use crate::sim::kernel::time::SimTime;
use crate::sim::model::spec::BreakerSpec;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BreakerState {
    #[default]
    Closed,
    Open,
    HalfOpen,
}

/// What the breaker says about a call about to be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    Yes,
    /// Let through as a half-open trial; its outcome decides the state.
    Trial,
    No,
}

/// A state change worth an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Opened,
    HalfOpened,
    Closed,
}

#[derive(Clone, Debug)]
pub struct Breaker {
    pub spec: BreakerSpec,
    pub state: BreakerState,
    opened_at: SimTime,
    /// (calls, failures) per bucket, a ring indexed by absolute bucket number.
    buckets: Vec<(u32, u32)>,
    current: u64,
    trials_out: u32,
    trial_ok: u32,
}

impl Breaker {
    pub fn new(spec: BreakerSpec) -> Self {
        Breaker {
            spec,
            state: BreakerState::Closed,
            opened_at: SimTime::ZERO,
            // One more slot than the window holds: the bucket still filling.
            buckets: vec![(0, 0); spec.buckets.max(1) as usize + 1],
            current: 0,
            trials_out: 0,
            trial_ok: 0,
        }
    }

    fn bucket_width(&self) -> u64 {
        (self.spec.window.0 / u64::from(self.spec.buckets.max(1))).max(1)
    }

    fn roll(&mut self, now: SimTime) {
        let b = now.0 / self.bucket_width();
        if b == self.current {
            return;
        }
        let n = self.buckets.len() as u64;
        let stale = (b - self.current).min(n);
        for k in 1..=stale {
            let i = ((self.current + k) % n) as usize;
            self.buckets[i] = (0, 0);
        }
        self.current = b;
    }

    /// Calls and failures in the completed buckets of the window.
    fn totals(&self) -> (u32, u32) {
        let cur = (self.current % self.buckets.len() as u64) as usize;
        self.buckets
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != cur)
            .fold((0, 0), |(c, f), (_, (bc, bf))| (c + bc, f + bf))
    }

    /// Asks to make a call at `now`; may move Open → `HalfOpen`.
    pub fn admit(&mut self, now: SimTime) -> (Admit, Option<Transition>) {
        match self.state {
            BreakerState::Closed => (Admit::Yes, None),
            BreakerState::Open => {
                if now >= self.opened_at + self.spec.open_for {
                    self.state = BreakerState::HalfOpen;
                    self.trials_out = 1;
                    self.trial_ok = 0;
                    (Admit::Trial, Some(Transition::HalfOpened))
                } else {
                    (Admit::No, None)
                }
            }
            BreakerState::HalfOpen => {
                if self.trials_out < self.spec.half_open_trials {
                    self.trials_out += 1;
                    (Admit::Trial, None)
                } else {
                    (Admit::No, None)
                }
            }
        }
    }

    /// Records an outcome (timeouts count as failures).
    pub fn record(&mut self, now: SimTime, ok: bool, trial: bool) -> Option<Transition> {
        self.roll(now);
        if trial && self.state == BreakerState::HalfOpen {
            if ok {
                self.trial_ok += 1;
                if self.trial_ok >= self.spec.half_open_trials {
                    self.state = BreakerState::Closed;
                    self.buckets.fill((0, 0));
                    return Some(Transition::Closed);
                }
                return None;
            }
            self.state = BreakerState::Open;
            self.opened_at = now;
            return Some(Transition::Opened);
        }
        let i = (self.current % self.buckets.len() as u64) as usize;
        self.buckets[i].0 += 1;
        if !ok {
            self.buckets[i].1 += 1;
        }
        if self.state == BreakerState::Closed {
            let (calls, fails) = self.totals();
            if calls >= self.spec.min_volume && f64::from(fails) >= self.spec.error_threshold * f64::from(calls) {
                self.state = BreakerState::Open;
                self.opened_at = now;
                return Some(Transition::Opened);
            }
        }
        None
    }

    /// Forgets history and closes (when the breaker is switched off and on again).
    pub fn reset(&mut self) {
        *self = Breaker::new(self.spec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::time::Dur;

    #[test]
    fn it_opens_on_errors_waits_then_closes_after_a_good_trial() {
        let mut b = Breaker::new(BreakerSpec::default());
        let mut t = SimTime::ZERO;
        let mut opened = None;
        for i in 0..100 {
            t = SimTime(i * 100_000);
            if b.record(t, false, false) == Some(Transition::Opened) {
                opened = Some(i);
                break;
            }
        }
        // Ten failures a second: the minimum volume of 20 is in completed buckets after 2 s,
        // seen by the first failure of the third second.
        assert_eq!(opened, Some(20), "opens once completed buckets hold the minimum volume");
        assert_eq!(b.admit(t + Dur::from_secs(1)).0, Admit::No);
        let later = t + Dur::from_secs(5);
        assert_eq!(b.admit(later), (Admit::Trial, Some(Transition::HalfOpened)));
        assert_eq!(b.admit(later).0, Admit::No, "one trial at a time");
        assert_eq!(b.record(later, true, true), Some(Transition::Closed));
        assert_eq!(b.admit(later).0, Admit::Yes);
    }

    #[test]
    fn a_failed_trial_reopens() {
        let mut b = Breaker::new(BreakerSpec { min_volume: 1, ..BreakerSpec::default() });
        b.record(SimTime::ZERO, false, false);
        b.record(SimTime::from_secs(1), false, false);
        assert_eq!(b.state, BreakerState::Open);
        let t = SimTime::from_secs(7);
        assert_eq!(b.admit(t).0, Admit::Trial);
        assert_eq!(b.record(t, false, true), Some(Transition::Opened));
        assert_eq!(b.admit(t + Dur::from_secs(1)).0, Admit::No);
    }

    #[test]
    fn old_buckets_roll_out_of_the_window() {
        let mut b = Breaker::new(BreakerSpec::default());
        for i in 0..15 {
            b.record(SimTime(i * 10_000), false, false);
        }
        for i in 0..10 {
            b.record(SimTime::from_secs(20) + Dur(i), true, false);
        }
        b.record(SimTime::from_secs(21), true, false);
        assert_eq!(b.totals(), (10, 0));
        assert_eq!(b.state, BreakerState::Closed);
    }
}
