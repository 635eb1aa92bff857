//! Widgets of the game screens; each draws from prepared state and never mutates it.

pub mod chart;
pub mod chrome;
pub mod cmdline;
pub mod dialogs;
pub mod instances;
pub mod map;
pub mod panels;
pub mod signals;
pub mod toasts;
pub mod trace;
pub mod tutor;
pub mod wrap;
