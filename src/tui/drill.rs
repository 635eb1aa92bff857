//! Facilitated drills: one host runs the simulation and the clock; seats join over TCP and
//! re-simulate the same run from the host's command log (lockstep), each showing what its
//! role would see. `proto` is the wire format, `code` the join code, `net` the connections,
//! `host` the authority's rules (seats, roles, the log, injects), `follow` a seat's side.

pub mod code;
pub mod follow;
pub mod host;
pub mod net;
pub mod proto;
pub mod session;
