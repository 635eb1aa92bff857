//! Third-party APIs: a latency distribution and an error rate, their own rate limit (429),
//! and the ways they break — refusing connections, black-holing requests until the caller's
//! timeout, rejecting an expired certificate.

use super::bucket::TokenBucket;
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::Dur;
use crate::sim::kernel::time::SimTime;
use crate::sim::model::spec::ThirdParty;
use crate::sim::observe::acc::RedAcc;
use crate::sim::request::call::Via;
use crate::sim::request::outcome::{Outcome, Reason};

/// How fast a refused connection or a TLS failure comes back.
const FAST_FAIL: Dur = Dur(2_000);
/// How fast a 429 comes back.
const RATE_LIMITED: Dur = Dur(15_000);

#[derive(Clone, Debug, Default)]
pub(crate) struct TpState {
    pub down: u32,
    pub blackhole: u32,
    pub cert_expired: bool,
    pub limit: Option<TokenBucket>,
    pub quota_cut: Option<TokenBucket>,
    pub error_rate: f64,
    pub extra: Dur,
    pub red: RedAcc,
}

impl TpState {
    pub fn new(spec: &ThirdParty, now: SimTime) -> Self {
        TpState { limit: spec.rate_limit.map(|b| TokenBucket::new(b, now)), ..TpState::default() }
    }
}

impl Sim {
    // Forced: the hot path of every try; callgrind shows the cost when LLVM declines.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn third_party_call(&mut self, ak: Key, t: usize) {
        let now = self.now;
        self.rec.totals.third_party_attempts[t] += 1;
        let spec = &self.spec.third_parties[t];
        let st = &mut self.tps[t];
        st.red.arrive();
        let timeout = self.attempts.get(ak).map_or(Dur::ZERO, |a| a.timeout);
        let (delay, outcome): (Dur, Outcome) = if st.cert_expired {
            (FAST_FAIL, Err(Reason::TlsHandshake))
        } else if st.down > 0 {
            (FAST_FAIL, Err(Reason::ConnectionRefused))
        } else if st.blackhole > 0 {
            if let Some(a) = self.attempts.get_mut(ak) {
                a.target_done = true;
                a.via = Via::Nowhere;
            }
            self.q.push_after(now, timeout, Ev::AttemptTimeout { att: ak });
            return;
        } else if st.limit.as_mut().is_some_and(|b| !b.take(now)) || st.quota_cut.as_mut().is_some_and(|b| !b.take(now))
        {
            (RATE_LIMITED, Err(Reason::RateLimited))
        } else {
            let latency = Dur::from_us_f64(spec.latency.sample(&mut self.rng.deps)) + st.extra;
            let p = 1.0 - (1.0 - spec.error_rate) * (1.0 - st.error_rate);
            let outcome = if p > 0.0 && self.rng.deps.chance(p) { Err(Reason::Injected) } else { Ok(()) };
            (latency, outcome)
        };
        if let Some(a) = self.attempts.get_mut(ak) {
            a.pending = outcome;
            a.via = Via::ThirdParty(t as u16);
        }
        if delay >= timeout {
            self.q.push_after(now, timeout, Ev::AttemptTimeout { att: ak });
        }
        self.q.push(now + delay, Ev::Reply { att: ak });
    }

    pub(crate) fn on_reply(&mut self, ak: Key) {
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        let (outcome, sent) = (att.pending, att.sent);
        if let Via::ThirdParty(t) = att.via {
            self.tps[t as usize].red.finish(outcome, self.now.since(sent).0);
        }
        self.attempt_done(ak, outcome);
    }
}
