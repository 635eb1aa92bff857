//! Validating load models: closed-loop users (`traffic.closed`), a service's
//! `concurrency_cost` (their share of the work budget is in `budget.rs`).

use super::error::field;
use super::locate::Seg;
use super::raw::{RawContention, RawScenario};
use super::validate::Ctx;
use crate::sim::Dur;
use crate::sim::model::load::{ClosedLoop, Contention};

/// The most closed-loop users a scenario may have.
pub const MAX_CLOSED_USERS: u32 = 10_000;
/// The largest concurrency cost per request (or pair) in service.
const MAX_COST: Dur = Dur(10_000_000);

/// `traffic.closed`, with its endpoint resolved on the entry service.
pub(super) fn closed_loop(cx: &mut Ctx, raw: &RawScenario, entry: usize) -> Option<ClosedLoop> {
    let c = raw.traffic.closed.as_ref()?;
    let p = [field("traffic"), field("closed")];
    let sub = |f: &str| [&p[..], &[field(f)]].concat();
    if c.users == 0 || c.users > MAX_CLOSED_USERS {
        cx.err(&sub("users"), format!("users must be 1 to {MAX_CLOSED_USERS}, not {}", c.users), "");
    }
    let think = cx.dist(&sub("think"), &c.think);
    let endpoint = c.endpoint.as_ref().and_then(|name| {
        let eps: Vec<String> = raw.services.0.get(entry)?.1.endpoints.iter().map(|e| e.name.clone()).collect();
        cx.lookup(&sub("endpoint"), &eps, name, "endpoint")
    });
    Some(ClosedLoop { users: c.users.clamp(1, MAX_CLOSED_USERS), think, endpoint })
}

/// A service's `concurrency_cost` (`None` when both terms are zero).
pub(super) fn contention(cx: &mut Ctx, path: &[Seg], c: Option<RawContention>) -> Option<Contention> {
    let c = c?;
    for (name, d) in [("per_in_service", c.per_in_service), ("per_pair", c.per_pair)] {
        if d > MAX_COST {
            cx.err(&[path, &[field(name)]].concat(), format!("{name} must be at most {MAX_COST}, not {d}"), "");
        }
    }
    let c = Contention { per_in_service: c.per_in_service.min(MAX_COST), per_pair: c.per_pair.min(MAX_COST) };
    (c.per_in_service.0 > 0 || c.per_pair.0 > 0).then_some(c)
}
