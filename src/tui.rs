//! The terminal game: ratatui + crossterm + tokio. `App` holds state and its `update` is
//! synchronous and pure of I/O; views are functions of state; one `tokio::select!` loop feeds
//! key events, frame ticks (only while the clock runs) and signals into it, performs the
//! effects it returns, and redraws only when something changed. The terminal is restored on
//! every exit path: quit, error, panic, Ctrl-C, SIGINT and SIGTERM. A drill adds the host's or
//! the seat's connections to the same loop (`drill`, `drill_run`).

pub mod action;
pub mod app;
pub mod cmdline;
pub mod drill;
mod drill_run;
pub mod form_notes;
pub mod forms;
pub mod game;
pub mod instances;
pub mod keymap;
pub mod layout;
mod run;
pub mod screens;
pub mod series;
pub mod theme;
pub mod toasts;
pub mod tutor;
mod update;
pub mod view;
pub mod widgets;

pub use drill_run::{HostOptions, JoinOptions, host, join};
pub use run::{Options, RunError, run};
