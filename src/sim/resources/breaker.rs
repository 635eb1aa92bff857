//! Circuit breakers, one per service and dependency. Two kinds share the state machine —
//! closed → open (calls fail fast) → after `open_for`, half-open (`half_open_trials` calls
//! go through as trials) → closed or open again — and differ in the window of outcomes the
//! decision reads and in how the trials decide:
//!
//! * **Hystrix** (the default): outcomes go into a rolling time window kept in buckets of one
//!   health-snapshot interval (`snapshot`, 500 ms as Hystrix's
//!   `metrics.healthSnapshot.intervalInMilliseconds`). The decision reads the completed
//!   buckets only, like Hystrix 1.5's health-count stream, so it lags by at most one snapshot:
//!   it opens when they hold at least `min_volume` calls of which at least `error_threshold`
//!   failed. A half-open breaker closes when all its trials succeed and opens on any failure.
//!   Closing clears the window (Hystrix resets its health stream).
//! * **Count-based** (resilience4j, with `window_calls`): the window is the last
//!   `window_calls` calls (`breaker_count`); it opens once at least `min_volume` calls are in it
//!   and their failure rate is at or above the threshold; the half-open trials all complete,
//!   then their failure rate decides.
//!
//! Timeouts count as failures in both.

use super::breaker_count::CountWindow;
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

/// Hystrix's rolling window: (calls, failures) per snapshot bucket, a ring indexed by
/// absolute bucket number, with one more slot than the window holds for the bucket filling.
#[derive(Clone, Debug)]
struct TimeWindow {
    width: u64,
    buckets: Vec<(u32, u32)>,
    current: u64,
}

impl TimeWindow {
    fn new(spec: &BreakerSpec) -> Self {
        let width = spec.snapshot.0.max(1);
        let n = spec.window.0.div_ceil(width).max(1);
        TimeWindow { width, buckets: vec![(0, 0); n as usize + 1], current: 0 }
    }

    fn roll(&mut self, now: SimTime) {
        let b = now.0 / self.width;
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

    fn record(&mut self, now: SimTime, ok: bool) {
        self.roll(now);
        let i = (self.current % self.buckets.len() as u64) as usize;
        self.buckets[i].0 += 1;
        self.buckets[i].1 += u32::from(!ok);
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
}

#[derive(Clone, Debug)]
enum Outcomes {
    Time(TimeWindow),
    Count(CountWindow),
}

#[derive(Clone, Debug)]
pub struct Breaker {
    pub spec: BreakerSpec,
    pub state: BreakerState,
    opened_at: SimTime,
    window: Outcomes,
    trials_out: u32,
    trial_ok: u32,
    trial_failed: u32,
}

impl Breaker {
    pub fn new(spec: BreakerSpec) -> Self {
        let window = match spec.window_calls {
            Some(n) => Outcomes::Count(CountWindow::new(n)),
            None => Outcomes::Time(TimeWindow::new(&spec)),
        };
        Breaker {
            spec,
            state: BreakerState::Closed,
            opened_at: SimTime::ZERO,
            window,
            trials_out: 0,
            trial_ok: 0,
            trial_failed: 0,
        }
    }

    /// Calls and failures the decision reads now.
    fn totals(&self) -> (u32, u32) {
        match &self.window {
            Outcomes::Time(w) => w.totals(),
            Outcomes::Count(w) => w.totals(),
        }
    }

    fn tripped(&self, calls: u32, fails: u32) -> bool {
        calls >= self.spec.min_volume.max(1) && f64::from(fails) >= self.spec.error_threshold * f64::from(calls)
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
                    self.trial_failed = 0;
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
        if trial && self.state == BreakerState::HalfOpen {
            return self.record_trial(now, ok);
        }
        match &mut self.window {
            Outcomes::Time(w) => w.record(now, ok),
            Outcomes::Count(w) => w.record(ok),
        }
        if self.state == BreakerState::Closed {
            let (calls, fails) = self.totals();
            if self.tripped(calls, fails) {
                return Some(self.open(now));
            }
        }
        None
    }

    fn record_trial(&mut self, now: SimTime, ok: bool) -> Option<Transition> {
        if ok {
            self.trial_ok += 1;
        } else {
            self.trial_failed += 1;
        }
        let n = self.spec.half_open_trials;
        match self.window {
            // Hystrix: any failed trial re-opens; all of them succeeding closes.
            Outcomes::Time(_) if !ok => Some(self.open(now)),
            Outcomes::Time(_) => (self.trial_ok >= n).then(|| self.close()),
            // resilience4j: once every permitted call is back, their failure rate decides.
            Outcomes::Count(_) if self.trial_ok + self.trial_failed < n => None,
            Outcomes::Count(_) => {
                let rate = f64::from(self.trial_failed) / f64::from(n.max(1));
                Some(if rate >= self.spec.error_threshold { self.open(now) } else { self.close() })
            }
        }
    }

    fn open(&mut self, now: SimTime) -> Transition {
        self.state = BreakerState::Open;
        self.opened_at = now;
        Transition::Opened
    }

    /// Closes with an empty window.
    fn close(&mut self) -> Transition {
        self.state = BreakerState::Closed;
        match &mut self.window {
            Outcomes::Time(w) => w.buckets.fill((0, 0)),
            Outcomes::Count(w) => w.clear(),
        }
        Transition::Closed
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

    #[test]
    fn the_decision_lags_by_at_most_one_health_snapshot() {
        // Failures every millisecond from t = 0; min volume 20 is reached within the first
        // bucket, so the breaker opens at the first outcome after that bucket completes: at
        // the snapshot interval, whatever it is.
        for snapshot in [Dur::from_millis(100), Dur::from_millis(500), Dur::from_secs(1)] {
            let mut b = Breaker::new(BreakerSpec { snapshot, ..BreakerSpec::default() });
            let opened = (0..5_000u64).map(|i| SimTime(i * 1000)).find(|&t| b.record(t, false, false).is_some());
            assert_eq!(opened, Some(SimTime(snapshot.0)), "snapshot {snapshot}");
        }
    }

    fn count_based() -> BreakerSpec {
        // resilience4j's defaults.
        BreakerSpec {
            window_calls: Some(100),
            min_volume: 100,
            error_threshold: 0.5,
            open_for: Dur::from_secs(60),
            half_open_trials: 10,
            ..BreakerSpec::default()
        }
    }

    #[test]
    fn a_count_based_breaker_opens_at_the_failure_that_makes_half_of_the_last_n() {
        let mut b = Breaker::new(count_based());
        let t = SimTime::ZERO;
        // 99 failures: below the minimum number of calls, so no failure rate yet.
        for _ in 0..99 {
            assert_eq!(b.record(t, false, false), None);
        }
        // The 100th call makes the minimum; 99 % failed.
        assert_eq!(b.record(t, true, false), Some(Transition::Opened));
        // Fresh breaker: 100 successes, then failures. Each failure pushes out a success; the
        // 50th makes 50 of the last 100: at the threshold (≥), it opens.
        let mut b = Breaker::new(count_based());
        for _ in 0..100 {
            b.record(t, true, false);
        }
        let opened_at = (1..=100).find(|_| b.record(t, false, false).is_some());
        assert_eq!(opened_at, Some(50));
    }

    #[test]
    fn a_count_based_half_open_breaker_decides_on_the_failure_rate_of_its_permitted_calls() {
        let open = || {
            let mut b = Breaker::new(count_based());
            for _ in 0..100 {
                b.record(SimTime::ZERO, false, false);
            }
            assert_eq!(b.state, BreakerState::Open);
            b
        };
        let later = SimTime::from_secs(60);
        for (failures, expect) in [(4, Transition::Closed), (5, Transition::Opened)] {
            let mut b = open();
            assert_eq!(b.admit(SimTime::from_secs(59)).0, Admit::No, "open for 60 s");
            assert_eq!(b.admit(later), (Admit::Trial, Some(Transition::HalfOpened)));
            for _ in 1..10 {
                assert_eq!(b.admit(later).0, Admit::Trial);
            }
            assert_eq!(b.admit(later).0, Admit::No, "ten permitted calls, no more");
            let mut last = None;
            for k in 0..10 {
                last = b.record(later, k >= failures, true);
                if k < 9 {
                    assert_eq!(last, None, "no decision before the tenth call is back");
                }
            }
            assert_eq!(last, Some(expect), "{failures} of 10 failed, threshold 50 %");
        }
    }
}
