//! Requests in flight: user arrivals at the public edge, calls and their tries (timeouts,
//! retries, backoff, duplicates), jobs walking their endpoint's call plan inside an instance,
//! how each ended (`Outcome`) and sampled traces. This is the path a request takes; the
//! resources it passes through live in `resources`.
//!
//! Owns: `Call`, `Attempt`, `Origin`, `Site`, `Via`, `Job`, the edge's state and the client's
//! retry policy, `Reason`/`Outcome`, `Traces`.
//! May not touch: the inside of a resource (instance lifecycle, pools, the database's queue,
//! cache warmth, breakers' windows) except through that resource's functions; the timeline,
//! alerts and commands (`control`).

pub(crate) mod call;
pub(crate) mod dep;
pub(crate) mod job;
pub mod outcome;
pub(crate) mod retry;
pub mod trace;
pub(crate) mod traffic;
