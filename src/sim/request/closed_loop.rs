//! Closed-loop users (`traffic.closed`): a fixed number of clients, each with at most one
//! request in flight. A user sends, waits for the answer (its client's retries included),
//! thinks for a drawn time, then sends again, so the load it offers falls as the service
//! slows — which is why a closed loop hides tail latency that open-loop users expose, and why
//! its throughput obeys the interactive response-time law X = N / (R + Z).
//!
//! Invariant: every user has exactly one pending `Ev::ThinkDone` or one live request. A user
//! never starts sooner than `CLOSED_LOOP_FLOOR` (10 ms) after its previous start, so answers
//! that come back at once (an edge rejection) cannot spin.

use super::call::Origin;
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::load::CLOSED_LOOP_FLOOR;

impl Sim {
    /// Every user thinks once before its first request, so they do not start in lock-step.
    pub(crate) fn start_closed_loop(&mut self) {
        let Some(users) = self.spec.traffic.closed.as_ref().map(|c| c.users) else {
            return;
        };
        for _ in 0..users {
            let z = self.think_time();
            self.q.push(SimTime::ZERO + z, Ev::ThinkDone);
        }
    }

    fn think_time(&mut self) -> Dur {
        let think = &self.spec.traffic.closed.as_ref().expect("a closed loop").think;
        Dur::from_us_f64(think.sample(&mut self.rng.arrivals))
    }

    pub(crate) fn on_think_done(&mut self) {
        let endpoint = self.spec.traffic.closed.as_ref().and_then(|c| c.endpoint);
        self.user_request(0, Origin::Looped, endpoint);
    }

    /// A closed-loop user has its answer: it thinks, then sends again.
    pub(crate) fn looped_done(&mut self, ck: Key) {
        let Some(started) = self.calls.get(ck).map(|c| c.started) else {
            return;
        };
        let z = self.think_time();
        let next = (self.now + z).max(started + CLOSED_LOOP_FLOOR);
        self.q.push(next, Ev::ThinkDone);
    }
}
