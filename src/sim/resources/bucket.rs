//! Token buckets (admission: at most `burst + rate·T` in any interval T) and the gRPC-style
//! retry budget. Both refill lazily from the time of the last call, so they cost nothing
//! while idle.

use crate::sim::kernel::time::SimTime;
use crate::sim::model::spec::{Bucket, RetryBudget};

#[derive(Clone, Debug)]
pub struct TokenBucket {
    pub spec: Bucket,
    tokens: f64,
    last: SimTime,
}

impl TokenBucket {
    /// Starts full.
    pub fn new(spec: Bucket, now: SimTime) -> Self {
        TokenBucket { spec, tokens: spec.burst, last: now }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, now: SimTime) -> bool {
        let dt = now.since(self.last).secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * self.spec.rate).min(self.spec.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Tokens in `[0, max]`: −1 per failure, +ratio per success; retry only above max/2.
#[derive(Clone, Debug)]
pub struct Budget {
    pub spec: RetryBudget,
    tokens: f64,
}

impl Budget {
    pub fn new(spec: RetryBudget) -> Self {
        Budget { spec, tokens: spec.max_tokens }
    }
    pub fn record(&mut self, ok: bool) {
        self.tokens =
            if ok { (self.tokens + self.spec.ratio).min(self.spec.max_tokens) } else { (self.tokens - 1.0).max(0.0) };
    }
    pub fn allows_retry(&self) -> bool {
        self.tokens > self.spec.max_tokens / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::time::Dur;

    #[test]
    fn a_bucket_admits_burst_then_rate() {
        let mut b = TokenBucket::new(Bucket { rate: 10.0, burst: 5.0 }, SimTime::ZERO);
        let admitted = (0..100).filter(|_| b.take(SimTime::ZERO)).count();
        assert_eq!(admitted, 5);
        let later = SimTime::ZERO + Dur::from_secs(1);
        let admitted = (0..100).filter(|_| b.take(later)).count();
        assert_eq!(admitted, 5, "refills to the burst, not beyond");
    }

    #[test]
    fn the_budget_stops_retries_once_failures_exceed_the_ratio() {
        let spec = RetryBudget { max_tokens: 10.0, ratio: 0.1 };
        // 5 % failures: the budget holds.
        let mut b = Budget::new(spec);
        for i in 0..10_000 {
            b.record(i % 20 != 0);
        }
        assert!(b.allows_retry());
        // 15 % failures: it drains below half.
        let mut b = Budget::new(spec);
        for i in 0..10_000 {
            b.record(i % 20 >= 3);
        }
        assert!(!b.allows_retry());
    }
}
