//! The kernel: simulated time, the event queue, the generational slab, seeded random streams,
//! distributions and histograms — the machinery of a discrete-event simulation, knowing
//! nothing about web services.
//!
//! Owns: `SimTime`/`Dur`, `EventQueue`, `Slab`/`Key`, `Stream`, `Dist`, `Hist`, the run-time
//! caps (`caps`), and the portable maths (`fmath`: every `ln`, `exp`, `sin`… of the engine and
//! the score, bit-identical on every platform).
//! May not touch: anything else in `sim` (no `Sim`, no spec, no components). Every other room
//! builds on these; they build on nothing but `std`, `rand`, `libm` and `serde`
//! (`tests/architecture.rs` checks it).

pub mod caps;
pub mod dist;
pub mod fmath;
pub mod hist;
pub(crate) mod queue;
pub mod rng;
pub(crate) mod slab;
pub mod time;
