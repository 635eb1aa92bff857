//! Timeouts and retries: a try that times out or fails is retried with backoff while the
//! policy (maximum attempts), the retry budget and the request's deadline allow; otherwise the
//! call is over. Backoff follows PHYSICS.md: none, exponential, full, equal or decorrelated
//! jitter, capped.

use super::call::{Origin, Site};
use super::outcome::Reason;
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::rng::Stream;
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::Dur;
use crate::sim::model::spec::{Backoff, RetryPolicy};

/// The wait before retry number `n` (0 = the first retry), per PHYSICS.md.
pub fn backoff(p: &RetryPolicy, n: u32, prev: Dur, rng: &mut Stream) -> Dur {
    let expo = Dur(p.base.0.saturating_mul(1u64 << n.min(40)).min(p.cap.0));
    let u = rng.uniform();
    match p.backoff {
        Backoff::None => Dur::ZERO,
        Backoff::Exponential => expo,
        Backoff::Full => expo.mul_f64(u),
        Backoff::Equal => Dur(expo.0 / 2) + Dur(expo.0 / 2).mul_f64(u),
        Backoff::Decorrelated => {
            let hi = (prev.0.max(p.base.0) * 3) as f64;
            let lo = p.base.0 as f64;
            Dur::from_us_f64(lo + u * (hi - lo)).min(p.cap)
        }
    }
}

impl Sim {
    pub(crate) fn on_attempt_timeout(&mut self, ak: Key) {
        if self.attempts.get(ak).is_none_or(|a| a.resolved) {
            return;
        }
        // A try still waiting for a database connection gives up its place in the queue.
        self.leave_pool_queue(ak);
        let done = self.attempts.get(ak).is_some_and(|a| a.target_done);
        self.resolve_attempt(ak, Err(Reason::TimedOut));
        if done {
            self.free_attempt(ak);
        }
    }

    /// Schedules the next try if the policy, the budget and the deadline allow.
    pub(crate) fn try_retry(&mut self, ck: Key, reason: Reason) -> bool {
        let Some(call) = self.calls.get(ck) else {
            return false;
        };
        let (site, tries, deadline, origin, prev) =
            (call.site, call.tries, call.deadline, call.origin, call.prev_backoff);
        if reason == Reason::BreakerOpen {
            return false;
        }
        if let Origin::Job(jk) = origin
            && self.jobs.get(jk).is_none()
        {
            return false;
        }
        let (policy, budget) = match site {
            Site::Client => (&self.client.policy.retry, self.client.budget.as_ref()),
            Site::Dep { svc, dep } => {
                let d = &self.svcs[svc as usize].deps[dep as usize];
                (&d.cfg.policy.retry, d.budget.as_ref())
            }
            Site::Health { .. } | Site::Consumer { .. } => return false,
        };
        if u32::from(tries) >= policy.max_attempts {
            return false;
        }
        if budget.is_some_and(|b| !b.allows_retry()) {
            if let Site::Dep { svc, dep } = site {
                self.svcs[svc as usize].deps[dep as usize].acc.budget_denied += 1;
            }
            return false;
        }
        let wait = backoff(policy, u32::from(tries) - 1, prev, &mut self.rng.retry);
        if self.now + wait >= deadline {
            return false;
        }
        if let Some(call) = self.calls.get_mut(ck) {
            call.prev_backoff = wait;
        }
        if let Site::Dep { svc, dep } = site {
            self.svcs[svc as usize].deps[dep as usize].acc.retries += 1;
        }
        self.q.push(self.now + wait, Ev::Backoff { call: ck });
        true
    }

    pub(crate) fn on_backoff(&mut self, ck: Key) {
        let Some(call) = self.calls.get(ck) else {
            return;
        };
        if call.done {
            return;
        }
        if let Origin::Job(jk) = call.origin
            && self.jobs.get(jk).is_none()
        {
            self.finish_call(ck, Err(Reason::DependencyFailed));
            return;
        }
        self.send_attempt(ck);
    }
}
