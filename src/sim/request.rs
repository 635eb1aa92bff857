//! Requests in flight: user arrivals at the public edge, calls and their tries (timeouts,
//! retries, backoff, duplicates), jobs walking their endpoint's call plan inside an instance,
//! each dependency's breaker and retry budget (`DepState`), how each try ended (`Outcome`) and
//! sampled traces. This is the path a request takes; what serves it lives in `resources`.
//!
//! Owns: `Call`, `Attempt`, `Origin`, `Site`, `Via`, `Job`, `DepState`, the edge's state and
//! the users' client, `Reason`/`Outcome`, `Traces`.
//! May not touch: control's state (the timeline, rules, commands, configs and flags are only
//! read), and the inside of a resource except through the resource's own functions and
//! methods (`pick_instance`, `Inst::take_worker`/`cpu_start`, `db_begin`, `leave_pool_queue`,
//! `cache_lookup`, `third_party_call`). What a job holds in an instance is its place in the
//! accept queue and a worker.

pub(crate) mod call;
pub(crate) mod closed_loop;
pub(crate) mod dep;
pub(crate) mod job;
pub mod outcome;
pub(crate) mod patho;
pub(crate) mod retry;
pub mod trace;
pub(crate) mod traffic;

/// The memory one try in flight holds: its call, the try, the job serving it and two pending
/// events (its step and its timeout). The work budget (`scenario::budget`) counts with it.
pub fn live_try_bytes() -> usize {
    std::mem::size_of::<call::Call>() + std::mem::size_of::<call::Attempt>() + std::mem::size_of::<job::Job>() + 2 * 32
}
