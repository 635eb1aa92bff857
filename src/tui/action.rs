//! Every user intent, as one enum. Keys reach these only through the keymap (data), so the
//! help overlay and the key bar are generated from the same bindings the game uses.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Action {
    /// Leave the game immediately (the terminal is restored; a run in progress is not saved).
    ForceQuit,
    /// Quit, asking first during an incident.
    Quit,
    /// In the quit dialog of a run: leave the run (unsaved) for the menu instead of quitting.
    ToMenu,
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
    /// The first item of a list.
    Home,
    /// The last item of a list.
    End,
    /// Choose the highlighted item.
    Select,
    /// Answer a confirmation.
    Yes,
    No,
    TogglePause,
    /// Hosting a drill: switch between the facilitator's console and the team's screen.
    TeamView,
    SpeedUp,
    SpeedDown,
    /// Move focus to the next pane (service map → signals → panel).
    FocusNext,
    FocusPrev,
    /// Open the action menu (every command; the selected component's first).
    Actions,
    /// Open the `:` command line (type a command: `rollback api`).
    CommandLine,
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
    /// Show the sample kept under each "… N similar lines suppressed" line (toggle).
    ExpandSuppressed,
    /// Cycle the column the instances drill-down is sorted by.
    SortNext,
    /// Open the Restart form aimed at the chosen instance (the drill-down's, if it shows).
    AimRestart,
    /// Open the Drain form aimed at the chosen instance.
    AimDrain,
    /// Dismiss the oldest notice (a reply or message; Comms keeps them).
    Dismiss,
    /// Choose the item above in the panel shown (alert, trace, instance), whatever has focus.
    PrevItem,
    /// Choose the item below in the panel shown.
    NextItem,
    /// On the briefing: type the seed of this run.
    SetSeed,
    /// On the briefing: a new random seed for this run.
    RandomSeed,
    /// On the briefing: turn the challenge knob (standard → hard → veteran).
    Challenge,
    /// Export the debrief as a postmortem: markdown or an HTML page with charts.
    Export,
    Panel1,
    Panel2,
    Panel3,
    Panel4,
    Panel5,
    Panel6,
}
