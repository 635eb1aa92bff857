//! The event loop and terminal discipline. Raw mode, the alternate screen and mouse reporting
//! are entered through a guard that restores them when dropped, and a panic hook restores them before the
//! panic message is printed. Every signal that ends a terminal program by default and can be
//! caught — SIGINT, SIGTERM, SIGHUP (the window closed, an ssh drop) and SIGQUIT — ends the
//! loop the same way: the guard restores the terminal and the game exits with status 128 + the
//! signal's number, as a shell reports a program a signal ended (SIGKILL cannot be caught).
//! Nothing is printed to stdout while the screen is up: diagnostics go to the log file in the
//! data dir.

use super::app::{App, Effect, ExportFormat, Msg, Screen};
use super::drill::net::{NetEvent, SeatEvent, SeatLink};
use super::keymap::Keymap;
use super::view;
use crate::load::{self, LoadError};
use crate::scenario::Spec;
use crate::store::{self, Dirs, Profile, Settings, ThemeName};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, EventStream, KeyEventKind};
use ratatui::crossterm::{cursor, execute, terminal};
use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// At most this many frames a second while the clock runs.
const FRAME: Duration = Duration::from_millis(33);

/// What the command line asked for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A built-in id or a path: skip the menu and start at its briefing.
    pub scenario: Option<String>,
    pub seed: Option<u64>,
    pub speed: Option<u32>,
    pub ascii: bool,
    pub theme: Option<ThemeName>,
    pub challenge: crate::scenario::challenge::Challenge,
}

/// Why the game could not run. The command line turns it into its exit message.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "the game needs an interactive terminal (stdin and stdout are not both a terminal); for headless use try `firedrill run SCENARIO`"
    )]
    NotATerminal,
    /// The data and config directories could not be found.
    #[error("{0}")]
    Dirs(String),
    /// The scenario asked for on the command line.
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot start the event loop: {0}")]
    Runtime(std::io::Error),
    #[error("cannot set up the terminal: {0}")]
    Setup(std::io::Error),
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
    /// A drill could not start: the host could not listen, or the seat could not join.
    #[error("{0}")]
    Drill(String),
    /// A signal ended the game; the terminal was restored. The exit status is 128 + `number`.
    #[error("ended by {name}; the terminal was restored")]
    Signal { name: &'static str, number: u8 },
}

/// Restores the terminal when dropped (quit, error, early return).
pub(super) struct Guard;

impl Guard {
    pub(super) fn enter() -> std::io::Result<Guard> {
        terminal::enable_raw_mode()?;
        let guard = Guard;
        execute!(std::io::stdout(), terminal::EnterAlternateScreen, cursor::Hide, event::EnableMouseCapture)?;
        Ok(guard)
    }
}

fn restore() {
    // Mouse reporting first: a shell left with it on prints escape codes at every click.
    let _ = execute!(std::io::stdout(), event::DisableMouseCapture, cursor::Show, terminal::LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

pub(super) fn install_panic_hook(dirs: Dirs) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        store::diag(&dirs, &format!("panic: {info}"));
        previous(info);
    }));
}

/// Runs the game.
pub fn run(opts: &Options) -> Result<(), RunError> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(RunError::NotATerminal);
    }
    let dirs = Dirs::locate().map_err(RunError::Dirs)?;
    let mut app = prepare(&dirs, opts)?;
    store::diag(&dirs, "game started");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(RunError::Runtime)?;
    install_panic_hook(dirs.clone());
    let guard = Guard::enter().map_err(RunError::Setup)?;
    let result = runtime.block_on(event_loop(&mut app, &dirs, &mut Net::None));
    drop(guard);
    if let Err(e) = &result {
        store::diag(&dirs, &format!("error: {e}"));
    }
    store::diag(&dirs, "game ended");
    result
}

/// Loads settings, progress and keys, and the scenario asked for, before the screen goes up
/// (so a bad scenario is reported on a normal terminal).
pub(super) fn prepare(dirs: &Dirs, opts: &Options) -> Result<App, RunError> {
    let settings = Settings::load(dirs);
    let profile = Profile::load(dirs);
    let mut notices: Vec<String> = settings.warning.iter().chain(profile.warning.iter()).cloned().collect();
    let (keymap, warnings) = Keymap::load_user(&dirs.keymap_file());
    notices.extend(warnings);
    for n in &notices {
        store::diag(dirs, &format!("warning: {n}"));
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut settings = settings.value;
    if let Some(s) = opts.speed {
        settings.speed = s;
    }
    let mut app = App::new(settings, profile.value, keymap, no_color);
    // Flags change this session's looks without touching the saved settings.
    if opts.ascii || opts.theme.is_some() {
        app.theme = super::theme::Theme::new(
            opts.theme.unwrap_or(app.settings.theme),
            opts.ascii || app.settings.ascii,
            no_color,
        );
    }
    app.notices = notices;
    app.seed = opts.seed;
    app.challenge = opts.challenge;
    if let Some(s) = &opts.scenario {
        let spec = load::scenario(s)?;
        app.open(spec, load::scenario_ref(s));
    }
    Ok(app)
}

/// A drill's connections, for the event loop: the host's events, or a seat's link and how
/// to join again.
pub(super) enum Net {
    None,
    Host(tokio::sync::mpsc::UnboundedReceiver<NetEvent>),
    Seat { link: SeatLink, join: super::drill_run::JoinOptions },
}

impl Net {
    /// The next message from the network; never, when there is none.
    async fn next(&mut self) -> Msg {
        match self {
            Net::None => std::future::pending().await,
            Net::Host(rx) => match rx.recv().await {
                Some(ev) => Msg::Net(ev),
                None => std::future::pending().await,
            },
            Net::Seat { link, .. } => {
                if let Some(ev) = link.events.recv().await {
                    return Msg::Seat(ev);
                }
                // Said once; a closed channel would otherwise answer at once, forever.
                *self = Net::None;
                Msg::Seat(SeatEvent::Lost("the connection to the host ended".into()))
            }
        }
    }
}

pub(super) async fn event_loop(app: &mut App, dirs: &Dirs, net: &mut Net) -> Result<(), RunError> {
    let io = RunError::Terminal;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(io)?;
    let size = terminal.size().map_err(io)?;
    app.update(Msg::Resize(size.width, size.height));
    let mut events = EventStream::new();
    let mut frames = tokio::time::interval(FRAME);
    frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new().map_err(io)?;
    let mut beat = tokio::time::interval(Duration::from_secs(1));
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last = Instant::now();
    loop {
        if app.dirty {
            terminal.draw(|f| view::draw(app, f)).map_err(io)?;
            app.dirty = false;
        }
        let animating = app.animating();
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind == KeyEventKind::Press => Msg::Key(k),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(io(e)),
                None => return Ok(()),
            },
            _ = frames.tick(), if animating => {
                let now = Instant::now();
                let elapsed = now - last;
                last = now;
                Msg::Frame(elapsed)
            }
            (name, number) = signals.next() => return Err(RunError::Signal { name, number }),
            msg = net.next() => msg,
            _ = beat.tick(), if matches!(net, Net::Host(_)) => Msg::Beat,
        };
        if !animating {
            // Paused time does not count when the clock starts again.
            last = Instant::now();
        }
        match perform(app, dirs, net, msg) {
            Flow::Go => {}
            Flow::Quit => return Ok(()),
            Flow::Reconnect => {
                terminal.draw(|f| view::draw(app, f)).map_err(io)?;
                if !super::drill_run::reconnect(app, net).await {
                    return Ok(());
                }
                app.dirty = true;
            }
        }
    }
}

/// What the event loop does after a message.
enum Flow {
    Go,
    Quit,
    Reconnect,
}

/// Updates the app with `msg` and performs the effects, feeding each result back as a message
/// (whose effects are performed in turn).
fn perform(app: &mut App, dirs: &Dirs, net: &mut Net, msg: Msg) -> Flow {
    let mut effects: VecDeque<Effect> = app.update(msg).into();
    let mut flow = Flow::Go;
    while let Some(effect) = effects.pop_front() {
        let reply = match effect {
            Effect::Quit => return Flow::Quit,
            Effect::ToHost(frame) => {
                if let Net::Seat { link, .. } = net {
                    let _ = link.send.send(frame);
                }
                continue;
            }
            Effect::Reconnect => {
                flow = Flow::Reconnect;
                continue;
            }
            Effect::Log(line) => {
                store::diag(dirs, &line);
                continue;
            }
            Effect::Bell => {
                use std::io::Write as _;
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
                continue;
            }
            Effect::SaveSettings => Msg::SettingsSaved(app.settings.save(dirs).map_err(|e| e.to_string())),
            Effect::SaveProfile => Msg::ProfileSaved(app.profile.save(dirs).map_err(|e| e.to_string())),
            Effect::OpenFile(path) => Msg::Opened(open_file(&path)),
            Effect::Finished => match save_run(app, dirs) {
                Some(saved) => Msg::RunSaved(saved),
                None => continue,
            },
            Effect::Export(format) => match export(app, dirs, format) {
                Some(written) => Msg::Exported(written),
                None => continue,
            },
        };
        effects.extend(app.update(reply));
    }
    flow
}

/// Reads and validates a scenario file chosen in the menu: the spec and its canonical path.
fn open_file(path: &Path) -> Result<(Box<Spec>, String), String> {
    let shown = path.display().to_string();
    load::scenario(&shown).map(|spec| (Box::new(spec), load::canonical(&shown))).map_err(|e| {
        let detail = e.detail();
        if detail.is_empty() { e.to_string() } else { format!("{e}\n{detail}") }
    })
}

/// Saves the finished game's run in the runs directory (`None` if no game has finished).
fn save_run(app: &App, dirs: &Dirs) -> Option<Result<PathBuf, String>> {
    let Screen::End(g) = &app.screen else { return None };
    if app.seat().is_some() {
        // A seat's run is the host's: the host saves it.
        return None;
    }
    let run = match app.host() {
        Some(h) => h.saved_run(g),
        None => store::SavedRun::new(g.source.clone(), &g.base, g.sim.seed(), None, g.recorded.clone())
            .with_challenge(g.challenge),
    };
    let path = run.path_in(&dirs.runs_dir());
    Some(run.save(&path).map(|()| path).map_err(|e| e.to_string()))
}

/// Writes the debrief as a postmortem to the data directory (`None` if there is none).
fn export(app: &App, dirs: &Dirs, format: ExportFormat) -> Option<Result<PathBuf, String>> {
    let Screen::End(g) = &app.screen else { return None };
    let d = g.debrief.as_ref()?;
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let path = dirs.data.join("debriefs").join(format!("{}-{secs}.{}", d.scenario_id, format.extension()));
    // Every exported file crosses the text boundary, whoever rendered it.
    let text = match format {
        ExportFormat::Markdown => crate::report::markdown_export(d),
        ExportFormat::Html => crate::report::html_export(d),
    };
    Some(store::write_atomic(&path, text.as_bytes()).map(|()| path).map_err(|e| e.to_string()))
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT, as one stream of (name, number).
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    quit: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                quit: signal(SignalKind::quit())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The next signal that ends the game. The numbers are POSIX's, the same on every Unix.
    async fn next(&mut self) -> (&'static str, u8) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => ("SIGINT", 2),
            _ = self.term.recv() => ("SIGTERM", 15),
            _ = self.hup.recv() => ("SIGHUP", 1),
            _ = self.quit.recv() => ("SIGQUIT", 3),
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            ("Ctrl-C", 2)
        }
    }
}
