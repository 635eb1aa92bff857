//! The command line: `firedrill [play|run|validate|list|daily|replay|report|host|join]`. Parsing is clap's; each subcommand
//! lives in its own file under `cli/`. Every failure becomes a one-line cause on stderr and a
//! non-zero exit status — never a panic or a backtrace.
//!
//! Everything this module prints goes through [`print_out`], [`print_json`] or the failure
//! writer in [`main`], and each of them sends it through `crate::text` first: a file name, a
//! scenario id from a hand-edited saved run or a command's text cannot put an escape sequence
//! or an invisible character on the terminal. Exit statuses: 0 done, 1 failure, 2 usage
//! error, 3 a headless run stopped at a work cap (its output is still printed), 128 + N the
//! game ended by signal N (the terminal restored).

mod headless;
pub mod plain;
mod saved;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "firedrill",
    about = "A terminal game that trains production thinking: keep a small web service alive through simulated incidents.",
    long_about = "A terminal game that trains production thinking: keep a small web service alive through simulated incidents.\n\nWith no subcommand, firedrill opens the game's title menu.",
    disable_version_flag = true
)]
pub struct Cli {
    /// Print the version and where firedrill keeps its files.
    #[arg(short = 'V', long)]
    pub version: bool,
    /// Draw with ASCII only (no box drawing, braille or block characters).
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Colour theme for this session (`NO_COLOR` is honoured either way).
    #[arg(long, value_enum, global = true)]
    pub theme: Option<ThemeArg>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    Default,
    HighContrast,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Play a scenario in the terminal, starting at its briefing.
    Play {
        /// A built-in scenario id (see `firedrill list`) or a path to a .ron file.
        scenario: String,
        /// Random seed (default: the scenario's own).
        #[arg(long)]
        seed: Option<u64>,
        /// Starting speed: 1, 2, 4 or 8 sim seconds per wall second.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["1", "2", "4", "8"]))]
        speed: Option<String>,
        /// Play line by line on stdin/stdout (no full screen): for screen readers, logs and
        /// scripts. From a pipe, sim time moves only with `wait DURATION`.
        #[arg(long)]
        plain: bool,
        /// The challenge knob: standard, hard (no runbook; red herrings and log noise) or
        /// veteran (also no hints). The briefing's `c` turns it too.
        #[arg(long, default_value = "standard")]
        challenge: crate::scenario::challenge::Challenge,
    },
    /// Run a scenario headless, as fast as possible, and print what happened.
    Run(RunArgs),
    /// Check scenario files; print every problem with `file:line:column` and a hint.
    Validate {
        /// Scenario files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the built-in scenarios, in the campaign's chapters.
    List,
    /// Show the daily challenge: the same scenario and seed for everyone on a date.
    Daily {
        /// The date, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
    },
    /// Host a facilitated drill: this terminal becomes the facilitator's console, and the team
    /// joins from their own terminals with the join code it prints.
    Host {
        /// A built-in scenario id (see `firedrill list`) or a path to a .ron file.
        scenario: String,
        /// Random seed (default: the scenario's own).
        #[arg(long)]
        seed: Option<u64>,
        /// Where to listen. The default takes connections from this machine only; to run a
        /// drill across a network, give an address on it (e.g. 0.0.0.0:7447) — anyone who can
        /// reach it still needs the join code.
        #[arg(long, default_value = "127.0.0.1:7447", value_name = "ADDR:PORT")]
        listen: String,
        /// The challenge knob: standard, hard or veteran.
        #[arg(long, default_value = "standard")]
        challenge: crate::scenario::challenge::Challenge,
    },
    /// Join a drill a facilitator is hosting, in a seat.
    Join {
        /// The host's address, as its console shows it (e.g. 127.0.0.1:7447).
        #[arg(value_name = "HOST:PORT")]
        addr: String,
        /// The join code on the facilitator's screen (case and dashes do not matter).
        #[arg(long)]
        code: String,
        /// Your name, as the others and the debrief will see it.
        #[arg(long)]
        name: String,
        /// Your role: ic (incident commander), ops, comms, observer, or projector (the
        /// room's big read-only dashboard).
        #[arg(long, default_value = "observer", value_parser = parse_role)]
        seat: crate::sim::Role,
    },
    /// Re-run a saved run and print its summary and score (identical to the original run).
    Replay {
        /// A saved run (.ron), from `run --save` or the game's runs directory.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the debrief of a saved run: a postmortem in markdown or as one HTML page with
    /// charts, or JSON for tools.
    Report {
        /// A saved run (.ron).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
    },
}

fn parse_role(s: &str) -> Result<crate::sim::Role, String> {
    crate::sim::Role::parse(s)
        .filter(|r| *r != crate::sim::Role::Facilitator)
        .ok_or_else(|| "a seat is one of: ic, ops, comms, observer, projector (the facilitator hosts)".to_string())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// A built-in scenario id (see `firedrill list`) or a path to a .ron file.
    pub scenario: String,
    /// Random seed (default: the scenario's own).
    #[arg(long)]
    pub seed: Option<u64>,
    /// A RON list of timed commands to apply, e.g. [(at: "4m", command: Rollback(service: "api"))].
    #[arg(long, value_name = "FILE")]
    pub commands: Option<PathBuf>,
    /// Stop at this sim time (e.g. "5m") instead of the scenario's end.
    #[arg(long, value_name = "DURATION")]
    pub until: Option<String>,
    /// Output: a readable summary, or the full run as JSON (docs/run-json.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also save the run (scenario, seed, commands) so `replay` and `report` can reproduce it.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// The challenge knob: standard (as written), hard (no runbook; red herrings and log
    /// noise) or veteran (also no hints; twice the herrings and noise).
    #[arg(long, default_value = "standard")]
    pub challenge: crate::scenario::challenge::Challenge,
}

/// A failure to report: one line, then optional detail lines (e.g. every scenario error), and
/// the exit status (1 unless said otherwise).
#[derive(Debug)]
pub struct Failure {
    pub cause: String,
    pub detail: String,
    pub status: u8,
}

impl Failure {
    pub fn new(cause: impl Into<String>) -> Self {
        Failure::detailed(cause, String::new())
    }

    pub fn detailed(cause: impl Into<String>, detail: impl Into<String>) -> Self {
        Failure { cause: cause.into(), detail: detail.into(), status: 1 }
    }
}

impl From<crate::load::LoadError> for Failure {
    fn from(e: crate::load::LoadError) -> Self {
        Failure::detailed(e.to_string(), e.detail())
    }
}

impl From<crate::report::JsonTooLarge> for Failure {
    fn from(e: crate::report::JsonTooLarge) -> Self {
        Failure::new(e.to_string())
    }
}

impl From<crate::tui::RunError> for Failure {
    fn from(e: crate::tui::RunError) -> Self {
        match e {
            crate::tui::RunError::Load(e) => e.into(),
            crate::tui::RunError::Signal { number, .. } => {
                Failure { status: 128 + number, ..Failure::new(e.to_string()) }
            }
            other => Failure::new(other.to_string()),
        }
    }
}

/// Writes `text` (cleaned) to stdout; a reader that went away (`firedrill run … | head`) is not
/// an error.
pub fn print_out(text: &str) -> Result<(), Failure> {
    write_out(&crate::text::document(crate::text::Doc::Text, text))
}

/// Writes a JSON document (cleaned so that every string in it decodes clean) to stdout.
pub fn print_json(json: &str) -> Result<(), Failure> {
    write_out(&crate::text::document(crate::text::Doc::Json, json))
}

fn write_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(format!("cannot write output: {e}"))),
    }
}

/// Writes a failure to stderr: the cause as one clean line, the detail as clean text. A
/// write that fails (the terminal went away with SIGHUP) is ignored rather than a panic.
fn print_failure(f: &Failure) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "firedrill: {}", crate::text::clean_line(&f.cause));
    if !f.detail.is_empty() {
        let _ = writeln!(err, "{}", crate::text::clean(&f.detail));
    }
}

/// Parses arguments and runs; the binary's whole `main`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/usage itself; usage errors exit 2, help and version 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            print_failure(&f);
            ExitCode::from(f.status)
        }
    }
}

fn version() -> Result<(), Failure> {
    let mut text = format!("firedrill {}", env!("CARGO_PKG_VERSION"));
    match crate::store::Dirs::locate() {
        Ok(d) => text.push_str(&format!(
            "\ndata:     {}\nconfig:   {}\nlog:      {}\nkeymap:   {} (optional override)",
            d.data.display(),
            d.config.display(),
            d.log_file().display(),
            d.keymap_file().display()
        )),
        Err(e) => text.push_str(&format!("\n{e}")),
    }
    print_out(&text)
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    if cli.version {
        return version();
    }
    let theme = cli.theme.map(|t| match t {
        ThemeArg::Default => crate::store::ThemeName::Default,
        ThemeArg::HighContrast => crate::store::ThemeName::HighContrast,
    });
    let game = |scenario: Option<String>, seed: Option<u64>, speed: Option<u32>, challenge| {
        Ok(crate::tui::run(&crate::tui::Options { scenario, seed, speed, ascii: cli.ascii, theme, challenge })?)
    };
    let look = crate::tui::Options { ascii: cli.ascii, theme, ..Default::default() };
    match cli.command {
        Some(Cmd::Host { scenario, seed, listen, challenge }) => {
            Ok(crate::tui::host(&crate::tui::HostOptions { scenario, seed, listen, challenge }, &look)?)
        }
        Some(Cmd::Join { addr, code, name, seat }) => {
            Ok(crate::tui::join(&crate::tui::JoinOptions { addr, code, name, role: seat }, &look)?)
        }
        Some(Cmd::Run(args)) => headless::run(&args),
        Some(Cmd::Validate { files }) => headless::validate(&files),
        Some(Cmd::List) => headless::list(),
        Some(Cmd::Daily { date }) => headless::daily(date.as_deref()),
        Some(Cmd::Replay { file, format }) => saved::replay(&file, format == Format::Json),
        Some(Cmd::Report { file, format }) => saved::report(&file, format),
        Some(Cmd::Play { scenario, seed, speed, plain: true, challenge }) => {
            plain::play(&scenario, seed, speed.and_then(|s| s.parse().ok()), challenge)
        }
        Some(Cmd::Play { scenario, seed, speed, plain: false, challenge }) => {
            game(Some(scenario), seed, speed.and_then(|s| s.parse().ok()), challenge)
        }
        None => game(None, None, None, crate::scenario::challenge::Challenge::Standard),
    }
}
