//! Every user intent, as one enum. Keys reach these only through the keymap (data), so the
//! help overlay and the key bar are generated from the same bindings the game uses.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Action {
    /// Leave the game immediately (the terminal is restored; a run in progress is not saved).
    ForceQuit,
    /// Quit, asking first during an incident.
    Quit,
    /// Show or hide the key help.
    Help,
    /// Close the dialog or go back one screen.
    Back,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    /// Choose the highlighted item.
    Select,
    /// Answer a confirmation.
    Yes,
    No,
    TogglePause,
    SpeedUp,
    SpeedDown,
    /// Move focus to the next pane (service map → signals → panel).
    FocusNext,
    FocusPrev,
    /// Open the action menu (every command; the selected component's first).
    Actions,
    /// Open the incident console (declare, status update, resolve).
    Incident,
    /// Type a text filter for the logs.
    Filter,
    /// Acknowledge the highlighted alert.
    Ack,
    /// Follow the newest log lines.
    Follow,
    /// Cycle the minimum log level shown.
    LevelFilter,
    /// Show only the selected component's logs (toggle).
    ComponentFilter,
    /// Export the debrief as a postmortem: markdown or an HTML page with charts.
    Export,
    Panel1,
    Panel2,
    Panel3,
    Panel4,
    Panel5,
}
