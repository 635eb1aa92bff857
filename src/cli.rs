//! The command line: `firedrill [play|run|validate|list]`. Parsing is clap's; each subcommand
//! lives in its own file under `cli/`. Every failure becomes a one-line cause on stderr and a
//! non-zero exit status — never a panic or a backtrace.

mod headless;
mod load;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "firedrill",
    about = "A terminal game that trains production thinking: keep a small web service alive through simulated incidents.",
    disable_version_flag = true
)]
pub struct Cli {
    /// Print the version and where firedrill keeps its files.
    #[arg(short = 'V', long)]
    pub version: bool,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Run a scenario headless, as fast as possible, and print what happened.
    Run(RunArgs),
    /// Check scenario files; print every problem with file:line:column and a hint.
    Validate {
        /// Scenario files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the built-in scenarios.
    List,
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
}

/// A failure to report: one line, then optional detail lines (e.g. every scenario error).
#[derive(Debug)]
pub struct Failure {
    pub cause: String,
    pub detail: String,
}

impl Failure {
    pub fn new(cause: impl Into<String>) -> Self {
        Failure { cause: cause.into(), detail: String::new() }
    }
}

/// Writes to stdout; a reader that went away (`firedrill run … | head`) is not an error.
pub fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(format!("cannot write output: {e}"))),
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
            eprintln!("firedrill: {}", f.cause);
            if !f.detail.is_empty() {
                eprintln!("{}", f.detail);
            }
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    if cli.version {
        return print_out(&format!("firedrill {}", env!("CARGO_PKG_VERSION")));
    }
    match cli.command {
        Some(Cmd::Run(args)) => headless::run(&args),
        Some(Cmd::Validate { files }) => headless::validate(&files),
        Some(Cmd::List) => headless::list(),
        None => Err(Failure::new("the game screen is not built yet; use `firedrill run SCENARIO` for headless runs")),
    }
}
