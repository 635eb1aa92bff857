//! `firedrill play SCENARIO --plain`: the game as a line-oriented program — no alternate
//! screen, no raw mode, no colours — for screen readers, logs, and terminals without an
//! alternate screen. It prints the briefing, then alerts, messages, changes and command
//! results as they happen, and a one-line status every minute of sim time; it reads commands
//! in the `cmdtext` grammar plus `status`, `look`, `wait`, `pause`, `resume`, `help`, `quit`.
//!
//! **The clock.** With a terminal on stdin the clock runs by wall time through the game's
//! pacer (`--speed`), from the first line typed. When stdin is not a terminal (a pipe, a file)
//! the session is *scripted*: sim time moves only with `wait DURATION`, as fast as the input
//! comes, and costly or risky commands are not confirmed — so a script gives the same run
//! every time, the run its commands would give in a `--commands` file with those times.
//!
//! **The end.** End of input (EOF, ctrl-d) means "no more commands": the rest of the scenario
//! plays out and the debrief is printed; `quit` leaves at once, unscored. Every line printed
//! goes through `text::clean_line`, so nothing from a scenario can reach the terminal as a
//! control sequence.

mod look;
pub mod session;

use super::Failure;
use session::{Next, Session};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest input line read; the rest of a longer one is dropped with a warning.
const MAX_INPUT_LINE: u64 = 4096;
/// How often a paced session wakes to move the clock when nothing is typed.
const TICK: Duration = Duration::from_millis(100);

/// Writes lines cleaned; a reader that went away ends the session quietly.
struct Out {
    gone: bool,
}

impl Out {
    fn emit(&mut self, lines: &[String]) {
        if self.gone {
            return;
        }
        let mut o = std::io::stdout().lock();
        for l in lines {
            if writeln!(o, "{}", crate::text::clean_line(l)).is_err() {
                self.gone = true;
                return;
            }
        }
        self.gone = o.flush().is_err();
    }
}

/// One line of stdin (lossy UTF-8, bounded), or `None` at EOF.
fn read_line<R: BufRead>(input: &mut R) -> std::io::Result<Option<(String, bool)>> {
    let mut buf = Vec::new();
    let n = std::io::Read::take(&mut *input, MAX_INPUT_LINE).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    let mut cut = false;
    if buf.last() != Some(&b'\n') && n as u64 == MAX_INPUT_LINE {
        // Skip the rest of an over-long line.
        cut = true;
        let mut rest = Vec::new();
        input.read_until(b'\n', &mut rest)?;
    }
    Ok(Some((String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_string(), cut)))
}

pub fn play(
    scenario: &str,
    seed: Option<u64>,
    speed: Option<u32>,
    challenge: crate::scenario::challenge::Challenge,
) -> Result<(), Failure> {
    let spec = crate::load::scenario(scenario)?;
    let seed = seed.unwrap_or(spec.default_seed);
    let spec = crate::scenario::challenge::apply(&spec, challenge, seed);
    let scripted = !std::io::stdin().is_terminal();
    let mut s = Session::new(spec, seed, speed.unwrap_or(1), scripted, crate::load::scenario_ref(scenario));
    let mut out = Out { gone: false };
    out.emit(&s.intro());
    let quit = if scripted { scripted_loop(&mut s, &mut out)? } else { paced_loop(&mut s, &mut out) };
    if quit || out.gone {
        return Ok(());
    }
    if !s.ended() {
        out.emit(&["(end of input: the scenario plays out with no more commands)".to_string()]);
        let rest = s.finish();
        out.emit(&rest);
    }
    out.emit(&[String::new()]);
    out.emit(&s.debrief());
    Ok(())
}

/// Reads lines until EOF, the end of the run or `quit` (true).
fn scripted_loop(s: &mut Session, out: &mut Out) -> Result<bool, Failure> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        let line = read_line(&mut input).map_err(|e| Failure::new(format!("cannot read the input: {e}")))?;
        let Some((line, cut)) = line else { return Ok(false) };
        if cut {
            out.emit(&[format!("(an input line was longer than {MAX_INPUT_LINE} bytes: the rest was dropped)")]);
        }
        out.emit(&[format!("> {line}")]);
        let (lines, next) = s.input(&line);
        out.emit(&lines);
        if next == Next::Quit {
            return Ok(true);
        }
        if s.ended() || out.gone {
            if !s.ended() {
                return Ok(true);
            }
            out.emit(&["(the run is over: the rest of the input is not read)".to_string()]);
            return Ok(false);
        }
    }
}

/// Moves the clock by wall time while reading lines on another thread.
fn paced_loop(s: &mut Session, out: &mut Out) -> bool {
    let (tx, rx) = mpsc::channel::<Option<(String, bool)>>();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            let line = read_line(&mut input).ok().flatten();
            let eof = line.is_none();
            if tx.send(line).is_err() || eof {
                return;
            }
        }
    });
    out.emit(&["Press enter to start the clock.".to_string()]);
    let mut last = Instant::now();
    loop {
        match rx.recv_timeout(TICK) {
            Ok(Some((line, _))) => {
                let (lines, next) = s.input(&line);
                out.emit(&lines);
                if next == Next::Quit {
                    return true;
                }
            }
            Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => return false,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let now = Instant::now();
        let news = s.tick(now - last);
        last = now;
        out.emit(&news);
        if s.ended() || out.gone {
            return out.gone;
        }
    }
}
