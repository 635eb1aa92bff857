//! The application state and its update function (the Elm shape): `update(msg)` is
//! synchronous, never touches the terminal or the disk, and returns effects for the event loop
//! to perform (quit, save, open a file). Keys become actions only through the keymap.

use super::action::Action;
use super::forms::{self, Field, Form};
use super::game::{Focus, Game, Panel};
use super::keymap::{Context, Keymap};
use super::theme::Theme;
use crate::scenario::Spec;
use crate::sim::model::command::{Command, CommandKind};
use crate::sim::observe::logs::Level;
use crate::store::{Profile, Settings, ThemeName};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Something that happened: a key, a resize, a frame's worth of wall time, a loaded file.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    Frame(Duration),
    /// A scenario file was read: its validated spec and canonical path, or what went wrong.
    Opened(Result<(Box<Spec>, String), String>),
}

/// Something for the event loop to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    SaveSettings,
    /// Read and parse a scenario file; the result comes back as `Msg::Opened`.
    OpenFile(PathBuf),
    /// A game ended: save the run and record progress.
    Finished,
    /// Write the debrief as markdown to the data directory.
    Export,
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

pub const MAIN_ITEMS: [&str; 5] = ["Campaign", "Free play", "Open a scenario file", "Settings", "Quit"];

pub enum Screen {
    Title,
    Briefing(Box<Game>),
    Playing(Box<Game>),
    End(Box<Game>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Help,
    Actions { items: Vec<CommandKind>, cursor: usize, title: &'static str },
    Form(Form),
    Confirm { command: Command },
    Quit,
    Filter(String),
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
        }
    }

    /// Starts a game at its briefing.
    pub fn open(&mut self, spec: Spec, source: crate::store::ScenarioRef) {
        let seed = self.seed.unwrap_or(spec.default_seed);
        let mut game = Game::new(Arc::new(spec), seed, self.settings.speed, source);
        game.pacer.paused = true;
        self.screen = Screen::Briefing(Box::new(game));
        self.overlay = None;
        self.dirty = true;
    }

    /// Whether frames should be ticking (a game is running, not paused).
    pub fn animating(&self) -> bool {
        matches!(&self.screen, Screen::Playing(g) if !g.pacer.paused && g.sim.ended().is_none())
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

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                vec![]
            }
            Msg::Frame(wall) => self.frame(wall),
            Msg::Opened(Ok((spec, path))) => {
                self.menu.error = None;
                self.open(*spec, crate::store::ScenarioRef::File(path));
                vec![]
            }
            Msg::Opened(Err(e)) => {
                self.menu.error = Some(e);
                self.dirty = true;
                vec![]
            }
            Msg::Key(k) => {
                let mut effects = self.key(k);
                effects.extend(self.check_end());
                self.dirty = true;
                effects
            }
        }
    }

    fn frame(&mut self, wall: Duration) -> Vec<Effect> {
        let Screen::Playing(g) = &mut self.screen else { return vec![] };
        // Redraw only when something shown changed: the clock's second, a chart point, an
        // event, a log line.
        let seen =
            |g: &Game| (g.sim.now().whole_secs(), g.series.buckets, g.sim.events().len(), g.sim.logs().written());
        let before = seen(g);
        g.tick(wall);
        if seen(g) != before {
            self.dirty = true;
        }
        self.check_end()
    }

    /// Moves to the debrief once the run is over (time up, objectives met, or resolved).
    fn check_end(&mut self) -> Vec<Effect> {
        let Screen::Playing(g) = &self.screen else { return vec![] };
        if g.sim.ended().is_none() {
            return vec![];
        }
        let Screen::Playing(mut g) = std::mem::replace(&mut self.screen, Screen::Title) else { unreachable!() };
        g.debrief = Some(crate::score::debrief(&g.spec, &crate::score::Evidence::from_sim(&g.sim)));
        self.screen = Screen::End(g);
        self.overlay = None;
        self.dirty = true;
        vec![Effect::Finished]
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if self.typing(&k) {
            return vec![];
        }
        let Some(action) = self.keymap.lookup(self.context(), &k) else { return vec![] };
        if action == Action::ForceQuit {
            return vec![Effect::Quit];
        }
        if self.overlay.is_some() {
            return self.dialog(action);
        }
        match self.screen {
            Screen::Title => self.title(action),
            Screen::Briefing(_) => self.briefing(action),
            Screen::Playing(_) => super::incident_keys::incident(self, action),
            Screen::End(_) => self.end_screen(action),
        }
    }

    /// Text entry (filter, file path, form fields) takes printable keys before the keymap.
    fn typing(&mut self, k: &KeyEvent) -> bool {
        if k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
            return false;
        }
        let text: Option<&mut String> = match &mut self.overlay {
            Some(Overlay::Filter(t)) => Some(t),
            Some(Overlay::Form(f)) => match f.fields.get_mut(f.cursor) {
                Some(Field::Number { text, .. } | Field::Text { text, .. }) => Some(text),
                _ => None,
            },
            None if matches!(self.screen, Screen::Title) && self.menu.page == MenuPage::Open => {
                Some(&mut self.menu.path)
            }
            _ => None,
        };
        let Some(text) = text else { return false };
        match k.code {
            KeyCode::Char(c) => {
                if text.chars().count() < 200 {
                    text.push(c);
                }
                true
            }
            KeyCode::Backspace => {
                text.pop();
                true
            }
            _ => false,
        }
    }

    fn end_screen(&mut self, action: Action) -> Vec<Effect> {
        let Screen::End(g) = &mut self.screen else { return vec![] };
        match action {
            Action::Select | Action::Back | Action::Quit => {
                self.screen = Screen::Title;
                self.menu.page = MenuPage::Main;
            }
            Action::Up => g.debrief_scroll = g.debrief_scroll.saturating_sub(1),
            Action::Down => g.debrief_scroll += 1,
            Action::PageUp => g.debrief_scroll = g.debrief_scroll.saturating_sub(10),
            Action::PageDown => g.debrief_scroll += 10,
            Action::Export => return vec![Effect::Export],
            Action::Help => return self.help(),
            _ => {}
        }
        vec![]
    }

    pub fn help(&mut self) -> Vec<Effect> {
        self.overlay = Some(Overlay::Help);
        vec![]
    }

    fn title(&mut self, action: Action) -> Vec<Effect> {
        let count = match self.menu.page {
            MenuPage::Main => MAIN_ITEMS.len(),
            MenuPage::Campaign | MenuPage::FreePlay => crate::scenario::BUILTIN.len(),
            MenuPage::Settings => 3,
            MenuPage::Open => 0,
        };
        match action {
            Action::Up => self.menu.cursor = self.menu.cursor.saturating_sub(1),
            Action::Down => self.menu.cursor = (self.menu.cursor + 1).min(count.saturating_sub(1)),
            Action::Help => return self.help(),
            Action::Back => {
                self.menu.page = MenuPage::Main;
                self.menu.cursor = 0;
                self.menu.error = None;
            }
            Action::Quit if self.menu.page == MenuPage::Main => return vec![Effect::Quit],
            Action::Quit => self.menu.page = MenuPage::Main,
            Action::Left | Action::Right | Action::Select if self.menu.page == MenuPage::Settings => {
                return self.change_setting(action);
            }
            Action::Select => return self.title_select(),
            _ => {}
        }
        vec![]
    }

    fn title_select(&mut self) -> Vec<Effect> {
        match self.menu.page {
            MenuPage::Main => {
                let page = match self.menu.cursor {
                    0 => MenuPage::Campaign,
                    1 => MenuPage::FreePlay,
                    2 => MenuPage::Open,
                    3 => MenuPage::Settings,
                    _ => return vec![Effect::Quit],
                };
                self.menu = Menu { page, cursor: 0, path: self.menu.path.clone(), error: None };
            }
            MenuPage::Campaign | MenuPage::FreePlay => {
                let i = self.menu.cursor;
                if self.menu.page == MenuPage::Campaign && !self.unlocked(i) {
                    self.menu.error = Some("locked: finish the scenario before it first".into());
                    return vec![];
                }
                let (id, ..) = crate::scenario::BUILTIN[i];
                match crate::scenario::builtin(id) {
                    Some(Ok(spec)) => self.open(spec, crate::store::ScenarioRef::Builtin(id.to_string())),
                    Some(Err(e)) => self.menu.error = Some(e.to_string()),
                    None => {}
                }
            }
            MenuPage::Open => {
                let path = self.menu.path.trim().to_string();
                if path.is_empty() {
                    self.menu.error = Some("type the path of a .ron scenario file".into());
                } else {
                    return vec![Effect::OpenFile(PathBuf::from(path))];
                }
            }
            MenuPage::Settings => {}
        }
        vec![]
    }

    /// Campaign scenario `i` is playable once the one before it has been finished.
    pub fn unlocked(&self, i: usize) -> bool {
        i == 0 || self.profile.is_completed(crate::scenario::BUILTIN[i - 1].0)
    }

    fn change_setting(&mut self, action: Action) -> Vec<Effect> {
        let s = &mut self.settings;
        match self.menu.cursor {
            0 => s.theme = if s.theme == ThemeName::Default { ThemeName::HighContrast } else { ThemeName::Default },
            1 => s.ascii = !s.ascii,
            _ => {
                let speeds = super::game::SPEEDS;
                let i = speeds.iter().position(|x| *x == s.speed).unwrap_or(0);
                let j = if action == Action::Left { i.saturating_sub(1) } else { (i + 1) % speeds.len() };
                s.speed = speeds[j];
            }
        }
        self.theme = Theme::new(self.settings.theme, self.settings.ascii, self.no_color);
        vec![Effect::SaveSettings]
    }

    fn briefing(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Select => {
                if let Screen::Briefing(g) = std::mem::replace(&mut self.screen, Screen::Title) {
                    let mut g = g;
                    g.pacer.paused = false;
                    self.screen = Screen::Playing(g);
                }
            }
            Action::Back | Action::Quit => self.screen = Screen::Title,
            Action::Help => return self.help(),
            _ => {}
        }
        vec![]
    }

    fn dialog(&mut self, action: Action) -> Vec<Effect> {
        let Some(overlay) = self.overlay.take() else { return vec![] };
        match overlay {
            Overlay::Help => {
                if !matches!(action, Action::Help | Action::Back | Action::Select | Action::Quit) {
                    self.overlay = Some(Overlay::Help);
                }
            }
            Overlay::Quit => match action {
                Action::Yes | Action::Select | Action::Quit => return vec![Effect::Quit],
                Action::No | Action::Back => {}
                _ => self.overlay = Some(Overlay::Quit),
            },
            Overlay::Filter(text) => {
                if let Some(g) = self.game_mut() {
                    match action {
                        Action::Select => g.view.filter = text,
                        Action::Back => g.view.filter.clear(),
                        _ => {
                            self.overlay = Some(Overlay::Filter(text));
                            return vec![];
                        }
                    }
                    g.view.scroll[1] = 0;
                }
            }
            Overlay::Actions { items, mut cursor, title } => match action {
                Action::Up => {
                    cursor = cursor.saturating_sub(1);
                    self.overlay = Some(Overlay::Actions { items, cursor, title });
                }
                Action::Down => {
                    cursor = (cursor + 1).min(items.len().saturating_sub(1));
                    self.overlay = Some(Overlay::Actions { items, cursor, title });
                }
                Action::Select => {
                    if let (Some(kind), Some(g)) = (items.get(cursor).copied(), self.game()) {
                        let form = forms::form(kind, g);
                        if form.fields.is_empty() {
                            return self.finish_form(form);
                        }
                        self.overlay = Some(Overlay::Form(form));
                    }
                }
                Action::Back => {}
                _ => self.overlay = Some(Overlay::Actions { items, cursor, title }),
            },
            Overlay::Form(mut form) => match action {
                Action::Up => {
                    form.cursor = form.cursor.saturating_sub(1);
                    self.overlay = Some(Overlay::Form(form));
                }
                Action::Down => {
                    form.cursor = (form.cursor + 1).min(form.fields.len().saturating_sub(1));
                    self.overlay = Some(Overlay::Form(form));
                }
                Action::Left | Action::Right => {
                    if let Some(Field::Choice { options, idx, .. }) = form.fields.get_mut(form.cursor) {
                        let n = options.len().max(1);
                        *idx = if action == Action::Left { (*idx + n - 1) % n } else { (*idx + 1) % n };
                    }
                    self.overlay = Some(Overlay::Form(form));
                }
                Action::Select => return self.finish_form(form),
                Action::Back => {}
                _ => self.overlay = Some(Overlay::Form(form)),
            },
            Overlay::Confirm { command } => match action {
                Action::Yes | Action::Select => self.send(command),
                Action::No | Action::Back => {}
                _ => self.overlay = Some(Overlay::Confirm { command }),
            },
        }
        vec![]
    }

    /// A completed form becomes a command: confirmed first if destructive.
    fn finish_form(&mut self, mut form: Form) -> Vec<Effect> {
        match forms::command(&form) {
            Err(e) => {
                form.error = Some(e);
                self.overlay = Some(Overlay::Form(form));
            }
            Ok(command) if command.kind().destructive() => self.overlay = Some(Overlay::Confirm { command }),
            Ok(command) => self.send(command),
        }
        vec![]
    }

    fn send(&mut self, command: Command) {
        if let Some(g) = self.game_mut() {
            let _ = g.submit(command);
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
