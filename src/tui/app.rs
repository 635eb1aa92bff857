//! The application state (the Elm shape): what is on screen, the dialog over it, the menu,
//! settings, progress, keys and theme. `update` (in `update.rs`, one file per screen under
//! `update/`) is the only thing that changes it: synchronous, never touching the terminal or
//! the disk, returning effects for the event loop to perform; the loop reports their results
//! back as messages. Keys become actions only through the keymap.

use super::forms::Form;
use super::game::{Focus, Game, Panel};
use super::keymap::{Context, Keymap};
use super::theme::Theme;
use crate::scenario::Spec;
use crate::sim::observe::logs::Level;
use crate::sim::{Command, CommandKind};
use crate::store::{Profile, Settings};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Something that happened: a key, a resize, a frame's worth of wall time, a loaded file.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A click or a wheel turn (the keyboard stays first: everything is reachable by keys).
    Mouse(MouseEvent),
    Resize(u16, u16),
    Frame(Duration),
    /// A scenario file was read: its validated spec and canonical path, or what went wrong.
    Opened(Result<(Box<Spec>, String), String>),
    /// The finished run was saved (where), or why not.
    RunSaved(Result<PathBuf, String>),
    /// The profile was saved after recording a score, or why not.
    ProfileSaved(Result<(), String>),
    /// The settings were saved, or why not.
    SettingsSaved(Result<(), String>),
    /// The debrief was exported (where), or why not.
    Exported(Result<PathBuf, String>),
    /// Hosting a drill: a seat joined, sent something or left.
    Net(super::drill::net::NetEvent),
    /// In a drill's seat: a frame from the host, or the host is gone.
    Seat(super::drill::net::SeatEvent),
    /// A second passed: the host's heartbeat to its seats while the clock is paused.
    Beat,
}

/// Something for the event loop to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    /// Save the settings; the result comes back as `Msg::SettingsSaved`.
    SaveSettings,
    /// Read and parse a scenario file; the result comes back as `Msg::Opened`.
    OpenFile(PathBuf),
    /// A game ended: save the run; the result comes back as `Msg::RunSaved`.
    Finished,
    /// Save the profile (progress was recorded); the result comes back as `Msg::ProfileSaved`.
    SaveProfile,
    /// Write the debrief as a postmortem (markdown or an HTML page) to the data directory; the
    /// result comes back as `Msg::Exported`.
    Export(ExportFormat),
    /// Write a line to the diagnostics log.
    Log(String),
    /// Ring the terminal bell (a paging alert started firing and the setting is on).
    Bell,
    /// In a drill's seat: send a frame to the host.
    ToHost(super::drill::proto::ToHost),
    /// In a drill's seat: the connection broke; connect again and catch up.
    Reconnect,
}

/// This game is part of a drill: the host's rules, or a seat's view of the drill.
pub enum Link {
    Host(Box<super::drill::host::Host>),
    Seat(Box<super::drill::follow::Follower>),
}

/// What the debrief is exported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Html,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Markdown, ExportFormat::Html];

    pub fn describe(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "markdown: a postmortem skeleton to paste into your document",
            ExportFormat::Html => "HTML: one page with charts, to open in a browser or attach",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Html => "html",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuPage {
    Main,
    Campaign,
    FreePlay,
    Settings,
    Open,
}

#[derive(Clone, Debug)]
pub struct Menu {
    pub page: MenuPage,
    pub cursor: usize,
    pub path: String,
    pub error: Option<String>,
}

pub const MAIN_ITEMS: [&str; 6] =
    ["Campaign", "Free play", "Open a scenario file", "Settings", "Daily challenge", "Quit"];

pub enum Screen {
    Title,
    Briefing(Box<Game>),
    Playing(Box<Game>),
    End(Box<Game>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Help,
    Actions {
        items: Vec<CommandKind>,
        cursor: usize,
        title: &'static str,
    },
    Form(Form),
    Confirm {
        command: Command,
    },
    Quit,
    Filter(String),
    /// Choose how to export the debrief.
    Export {
        cursor: usize,
    },
    /// The briefing's seed being typed (digits).
    Seed(String),
    /// The `:` command line (its state in `cmdline.rs`).
    CommandLine(super::cmdline::CmdLine),
}

pub struct App {
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub menu: Menu,
    pub settings: Settings,
    pub profile: Profile,
    pub keymap: Keymap,
    pub theme: Theme,
    pub no_color: bool,
    pub size: (u16, u16),
    /// Something on screen changed since the last draw.
    pub dirty: bool,
    /// Warnings to show on the title screen (e.g. a damaged settings file was moved aside).
    pub notices: Vec<String>,
    /// The seed and speed asked for on the command line, for the next game.
    pub seed: Option<u64>,
    /// The date the daily challenge is for; `None` is today (UTC, or `FIREDRILL_TODAY`).
    pub today: Option<String>,
    /// The challenge knob asked for on the command line (`play --challenge`).
    pub challenge: crate::scenario::challenge::Challenge,
    /// The menu a form was opened from: esc in the form goes back to it.
    pub back_to: Option<Overlay>,
    /// Lines sent from the `:` command line this session, oldest first.
    pub history: Vec<String>,
    /// Hosting a drill or seated in one.
    pub link: Option<Link>,
    /// The facilitator looks at the team's incident screen instead of the console.
    pub team_view: bool,
    /// Frames for the host, sent as effects at the end of the update.
    pub outbox: Vec<super::drill::proto::ToHost>,
}

impl App {
    pub fn new(settings: Settings, profile: Profile, keymap: Keymap, no_color: bool) -> App {
        let theme = Theme::new(settings.theme, settings.ascii, no_color);
        App {
            screen: Screen::Title,
            overlay: None,
            menu: Menu { page: MenuPage::Main, cursor: 0, path: String::new(), error: None },
            settings,
            profile,
            keymap,
            theme,
            no_color,
            size: (80, 24),
            dirty: true,
            notices: Vec::new(),
            seed: None,
            challenge: crate::scenario::challenge::Challenge::Standard,
            today: None,
            back_to: None,
            history: Vec::new(),
            link: None,
            team_view: false,
            outbox: Vec::new(),
        }
    }

    /// Starts a game at its briefing.
    pub fn open(&mut self, spec: Spec, source: crate::store::ScenarioRef) {
        let seed = self.seed.unwrap_or(spec.default_seed);
        let mut game = Game::at_challenge(Arc::new(spec), self.challenge, seed, self.settings.speed, source);
        game.pacer.paused = true;
        self.screen = Screen::Briefing(Box::new(game));
        self.overlay = None;
        self.dirty = true;
    }

    /// The daily challenge's date.
    pub fn today(&self) -> String {
        self.today.clone().unwrap_or_else(crate::store::today_utc)
    }

    /// Starts today's daily challenge (`scenario::campaign::daily`) at its briefing.
    pub fn open_daily(&mut self, today: &str) {
        let (id, seed) = crate::scenario::campaign::daily(today);
        match crate::scenario::builtin(id) {
            Some(Ok(spec)) => {
                let keep = self.seed.replace(seed);
                self.open(spec, crate::store::ScenarioRef::Builtin(id.to_string()));
                self.seed = keep;
                if let Some(g) = self.game_mut() {
                    g.daily = Some(today.to_string());
                }
            }
            Some(Err(e)) => self.menu.error = Some(e.to_string()),
            None => {}
        }
    }

    /// Whether frames should be ticking (a game is running, not paused, not held by the
    /// tutorial).
    pub fn animating(&self) -> bool {
        !matches!(self.overlay, Some(Overlay::Quit))
            && matches!(&self.screen, Screen::Playing(g) if !g.pacer.paused && !g.held() && !g.follower && g.sim.ended().is_none())
    }

    pub fn game(&self) -> Option<&Game> {
        match &self.screen {
            Screen::Briefing(g) | Screen::Playing(g) | Screen::End(g) => Some(g),
            Screen::Title => None,
        }
    }

    pub fn context(&self) -> Context {
        match (&self.overlay, &self.screen) {
            (Some(_), _) => Context::Dialog,
            (None, Screen::Playing(_)) => Context::Incident,
            (None, Screen::End(_)) => Context::Debrief,
            _ => Context::Menu,
        }
    }

    pub fn help(&mut self) -> Vec<Effect> {
        self.overlay = Some(Overlay::Help);
        vec![]
    }

    /// Campaign scenario `i` is playable once every scenario of the chapter before its own
    /// has been finished (`scenario::campaign`).
    pub fn unlocked(&self, i: usize) -> bool {
        crate::scenario::campaign::unlocked(crate::scenario::BUILTIN[i].0, |id| self.profile.is_completed(id))
    }

    pub(super) fn send(&mut self, command: Command) {
        match (&mut self.link, &mut self.screen) {
            (Some(Link::Host(h)), Screen::Playing(g)) => h.facilitate(g, command),
            (Some(Link::Seat(f)), Screen::Playing(g)) => {
                let at = g.sim.now();
                let label = command.label();
                if f.you.role.acts() {
                    self.outbox.push(super::drill::proto::ToHost::Send { command });
                    g.flash = Some(super::game::Flash { text: format!("sent to the host: {label}"), error: false, at });
                } else {
                    let text = format!("not sent: the {} seat only watches", f.you.role.title());
                    g.flash = Some(super::game::Flash { text, error: true, at });
                }
            }
            // In a drill nothing is applied locally: only the host's log changes a game.
            (Some(_), _) => {}
            (None, _) => {
                if let Some(g) = self.game_mut() {
                    let _ = g.submit(command);
                }
            }
        }
    }

    pub fn host(&self) -> Option<&super::drill::host::Host> {
        match &self.link {
            Some(Link::Host(h)) => Some(h),
            _ => None,
        }
    }

    pub fn seat(&self) -> Option<&super::drill::follow::Follower> {
        match &self.link {
            Some(Link::Seat(f)) => Some(f),
            _ => None,
        }
    }

    pub fn game_mut(&mut self) -> Option<&mut Game> {
        match &mut self.screen {
            Screen::Briefing(g) | Screen::Playing(g) | Screen::End(g) => Some(g),
            Screen::Title => None,
        }
    }

    /// Cycles the minimum log level shown: all → warn → error → all.
    pub fn next_level(l: Option<Level>) -> Option<Level> {
        match l {
            None => Some(Level::Warn),
            Some(Level::Warn) => Some(Level::Error),
            _ => None,
        }
    }

    pub fn panel_index(p: Panel) -> usize {
        Panel::ALL.iter().position(|x| *x == p).unwrap_or(0)
    }

    pub fn focus_cycle(f: Focus, back: bool) -> Focus {
        match (f, back) {
            (Focus::Map, false) | (Focus::Panel, true) => Focus::Signals,
            (Focus::Signals, false) | (Focus::Map, true) => Focus::Panel,
            (Focus::Panel, false) | (Focus::Signals, true) => Focus::Map,
        }
    }
}
