//! firedrill: a terminal game that trains production thinking.
//!
//! The module map, one line each. Dependencies run one way: `sim` depends on nothing else
//! here, nor does `text`; `scenario` on `sim`; `cmdtext` on `scenario` and `sim`; `score` on `scenario` and `sim`; `report`, `store` and `load` on
//! those; `tui` on everything but `cli`, and only `tui` knows the terminal and the async
//! runtime; `cli` is the edge that turns every error into an exit message
//! (`tests/architecture.rs` holds these lines).

/// The command line: parse, dispatch, report failures with an exit status.
pub mod cli;
/// Commands as people type them (`rollback api`): one text grammar parsed to the typed
/// `sim::Command`, formatted back, and completed; for the `:` line, `--plain` and seats.
pub mod cmdtext;
/// Reading scenario and commands files from the disk, with typed errors.
pub mod load;
/// Text, JSON and markdown renderings of a run and its debrief.
pub mod report;
/// RON text → validated `Spec` (story, scoring data, `SimSpec`); the built-in scenarios.
pub mod scenario;
/// Pure: (scenario, evidence) → score with its reasons, and the debrief.
pub mod score;
/// The pure discrete-event engine: (spec, seed, commands) → events + metrics.
pub mod sim;
/// Settings, progress, saved runs and the diagnostics log: atomic, versioned files.
pub mod store;
/// The one boundary text crosses on its way out: controls, bidi and zero-width characters
/// become visible markers. Depends on nothing.
pub mod text;
/// The terminal game: app state and its update by screen, the event loop, keymap, theme,
/// screens and widgets; and facilitated drills (`tui::drill`: the host, seats and their
/// TCP protocol, in lockstep over the pure engine).
pub mod tui;
