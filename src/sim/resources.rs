//! The resources a request uses: service instances (lifecycle, workers, memory, health
//! checks, the balancer's rotation), rollouts and scaling, connection pools and the database,
//! caches, third-party APIs, circuit breakers and token buckets. Each owns its state type and
//! the functions that change it.
//!
//! Owns: `SvcState`, `Inst`, `PoolState`, `DbState`, `CacheState`, `TpState`, `Breaker`,
//! `TokenBucket`/`Budget`.
//! May not touch: the entities in flight beyond handing an attempt back
//! (`attempt_done`) or a job its next step; the timeline, alerts and commands (`control`).

pub mod breaker;
pub(crate) mod bucket;
pub(crate) mod cache;
pub(crate) mod db;
pub(crate) mod deploy;
pub(crate) mod health;
pub(crate) mod instance;
pub(crate) mod service;
pub(crate) mod third_party;
