//! How demand arrives besides the open-loop edge, and how service time grows with it:
//! closed-loop clients (a fixed number of users, each waiting for its answer and thinking
//! before the next request) and a service's concurrency cost (service time that grows with
//! the number of requests in service, in the style of the Universal Scalability Law).

use crate::sim::kernel::dist::Dist;
use crate::sim::kernel::time::Dur;
use serde::Serialize;

/// `users` clients, each with at most one request in flight: it sends, waits for the answer
/// (its retries included), thinks for a time drawn from `think`, and sends again. They use
/// the users' client policy and count as users at the edge. The interactive response-time
/// law holds for them: throughput X = users / (R + Z).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedLoop {
    pub users: u32,
    pub think: Dist,
    /// The entry service's endpoint they call; `None` = by weight, like open-loop users.
    pub endpoint: Option<usize>,
}

/// A closed-loop user never starts a request sooner than this after its previous one
/// started (a client's own round trip), so instant answers (rejections at the edge) cannot
/// spin, and a scenario's work stays bounded by users × length / 10 ms.
pub const CLOSED_LOOP_FLOOR: Dur = Dur(10_000);

/// Extra time of every `Cpu` and `Wait` step of a service when it starts on an instance with
/// `n` requests in service (holding workers), itself included:
/// `per_in_service · n + per_pair · n(n − 1)`, fixed for the step's life. With base time S₀
/// per step this is the Universal Scalability Law with λ = 1/(S₀ + a), σ = a/(S₀ + a),
/// κ = b/(S₀ + a) for `a = per_in_service`, `b = per_pair`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Contention {
    pub per_in_service: Dur,
    pub per_pair: Dur,
}

impl Contention {
    /// The extra microseconds for a step starting with `n` in service.
    pub fn extra_us(&self, n: u32) -> f64 {
        let n = f64::from(n);
        self.per_in_service.0 as f64 * n + self.per_pair.0 as f64 * n * (n - 1.0).max(0.0)
    }
}
