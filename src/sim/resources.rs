//! The resources a request uses: services and their instances (lifecycle, workers, memory,
//! health checks, the balancer's rotation), rollouts and scaling, connection pools and the
//! database, caches, third-party APIs, circuit breakers and token buckets. Each owns its state
//! type and the functions that change it.
//!
//! Owns: `SvcState`, `Inst`, `PoolState`, `DbState`, `CacheState`, `TpState`, `Rollout`,
//! `Breaker`, `TokenBucket`/`Budget`.
//! May not touch: commands, alert rules or the timeline — with one exception: when the last
//! instance of a version stops, `clear_gone_versions` (`control/inject`) is told, since that
//! ends a bad deploy. Requests are handed back only through `attempt_done`, `job_finish` and a
//! job's next step; a resource sets where a try is being served (`Via`) and, for a cache's hot
//! key, the waiting job's next step.

pub mod breaker;
pub(crate) mod breaker_count;
pub(crate) mod bucket;
pub(crate) mod cache;
pub(crate) mod db;
pub(crate) mod deploy;
pub(crate) mod failover;
pub(crate) mod fleet;
pub(crate) mod health;
pub(crate) mod instance;
pub(crate) mod pipeline;
pub(crate) mod queue;
pub(crate) mod replica;
pub(crate) mod restore;
pub(crate) mod service;
pub(crate) mod third_party;
pub(crate) mod warm;
