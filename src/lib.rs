//! firedrill: a terminal game that trains production thinking.
//!
//! Module map (dependencies point down this list only: `sim` depends on nothing else here).

pub mod cli;
pub mod load;
pub mod report; // text and JSON renderings of a run
pub mod scenario; // RON text → validated Spec (story, scoring data, SimSpec); built-ins
pub mod score;
pub mod sim; // pure discrete-event engine: (spec, seed, commands) → events + metrics // command line: parse, dispatch, report failures
pub mod store; // settings, progress, saved runs, diagnostics log: atomic, versioned files
pub mod tui; // the terminal game: app state & update, event loop, keymap, theme, screens // PURE: (scenario, evidence) → score with reasons, debrief
