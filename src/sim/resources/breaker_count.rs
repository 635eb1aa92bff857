//! The count-based sliding window of a resilience4j-style breaker: the outcomes of the last
//! `size` calls, as a ring of bits with a running failure count, so recording is O(1).
//!
//! resilience4j (`CircuitBreakerConfig`, `slidingWindowType = COUNT_BASED`): the failure rate
//! is computed only once at least `minimumNumberOfCalls` are in the window, and the breaker
//! opens when it is at or above `failureRateThreshold`; in half-open it permits
//! `permittedNumberOfCallsInHalfOpenState` calls and, once they have all completed, opens
//! again if their failure rate is at or above the threshold and closes otherwise; closing
//! starts a fresh window.

/// The last `size` outcomes.
#[derive(Clone, Debug)]
pub struct CountWindow {
    failed: Vec<bool>,
    next: usize,
    len: u32,
    failures: u32,
}

impl CountWindow {
    pub fn new(size: u32) -> Self {
        CountWindow { failed: vec![false; size.max(1) as usize], next: 0, len: 0, failures: 0 }
    }

    /// Records one outcome, pushing out the oldest when the window is full.
    pub fn record(&mut self, ok: bool) {
        let size = self.failed.len();
        if self.len as usize == size {
            self.failures -= u32::from(self.failed[self.next]);
        } else {
            self.len += 1;
        }
        self.failed[self.next] = !ok;
        self.failures += u32::from(!ok);
        self.next = (self.next + 1) % size;
    }

    /// (calls, failures) in the window.
    pub fn totals(&self) -> (u32, u32) {
        (self.len, self.failures)
    }

    pub fn clear(&mut self) {
        *self = CountWindow::new(self.failed.len() as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_holds_exactly_the_last_n_outcomes() {
        let mut w = CountWindow::new(4);
        for ok in [false, false, true, true] {
            w.record(ok);
        }
        assert_eq!(w.totals(), (4, 2));
        w.record(true); // pushes out the first failure
        assert_eq!(w.totals(), (4, 1));
        w.record(false); // pushes out the second failure, adds one
        assert_eq!(w.totals(), (4, 1));
        w.clear();
        assert_eq!(w.totals(), (0, 0));
    }
}
