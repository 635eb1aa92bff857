//! The model: what the engine is asked to run and what can be done to it, as validated,
//! immutable values — the `SimSpec` (topology, traffic, versions, flags, SLO, the lifecycle and
//! the business's prices), the player's `Command`s, the scenario's `Fault`s and its declarative
//! rules (alerts, timeline, objectives).
//!
//! Owns: the types `scenario` builds and saved runs store.
//! May not touch: the running `Sim` or any of its state. Model types depend only on the kernel
//! and on names observation defines (`observe::metric`'s components and metrics, log levels);
//! they hold indices, never handles into a run (`tests/architecture.rs` checks the edges).

pub mod assess;
pub mod command;
pub mod command_kind;
pub mod fault;
pub mod hint;
pub mod load;
pub mod queue;
pub mod replication;
pub mod rules;
pub mod seat;
pub mod spec;
pub mod words;
