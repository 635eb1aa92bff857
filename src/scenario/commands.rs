//! Commands files: a RON list of timed commands, the same type the game records and a saved
//! run stores, e.g. `[(at: "4m15s", command: SetFlag(flag: "coupons-v2", on: false))]`.
//!
//! Parsed strictly: an unknown field (`instanse: 2`) is an error with its position and the
//! fields allowed there, never silently dropped (dropping it turned a restart of one instance
//! into a rolling restart of all of them). And bounded, so a file cannot make a run crawl:
//!
//! - at most [`MAX_COMMANDS`] = 10,000 commands in a file. A person acts a few dozen times in
//!   an incident and the shipped solutions hold under ten; 10,000 is one command every 1.4 s
//!   for the longest scenario allowed (4 h), more than any script that means it needs, while a
//!   file of them still loads in milliseconds and costs the engine a bounded amount of work;
//! - at most [`MAX_COMMANDS_PER_SECOND`] = 20 commands within any one second of sim time (a
//!   sliding window, so a burst cannot straddle two seconds). Every command takes effect
//!   after a delay and most need a moment to show; a scripted "do everything now" is a handful
//!   of commands, and 20 leaves room for acking every alert at once. Thousands at one instant
//!   only pile up work the engine must do before the clock can move.
//!
//! Either limit is reported at the entry that crosses it. A saved run from the game applies
//! the first limit only: a paused player can submit any number of commands at one instant.
//!
//! Every name and text in a loaded command is made one clean line ([`clean_commands`],
//! `text::clean_line`): the engine echoes them in events ("unknown service `…`", a status
//! update's impact), and from there they reach `run`, `replay`, `report`, the debrief and the
//! game. A name with an escape or a newline in it can never resolve anyway (names are
//! `A–Z a–z 0–9 - _ .`), so cleaning changes no run; a status update's text only shows.

use super::error::{ScenarioError, ScenarioErrors, from_ron};
use super::locate::{Seg, locate};
use crate::sim::{Dur, TimedCommand};

/// The most commands a commands file (or a saved run) may hold.
pub const MAX_COMMANDS: usize = 10_000;
/// The most commands a commands file may hold within any one second of sim time.
pub const MAX_COMMANDS_PER_SECOND: usize = 20;

/// Parses a commands file; `file` names it in error messages.
pub fn parse_commands(file: &str, text: &str) -> Result<Vec<TimedCommand>, ScenarioErrors> {
    if text.len() > super::MAX_FILE_BYTES {
        return Err(ScenarioErrors(vec![ScenarioError {
            file: file.to_string(),
            line: 1,
            col: 1,
            message: "the commands file is larger than 1 MiB".into(),
            hint: String::new(),
        }]));
    }
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(32);
    let commands: Vec<TimedCommand> = options.from_str(text).map_err(|e| {
        use ron::error::Error as E;
        let mut err = from_ron(file, &e);
        // Keep the hint that names the allowed fields or variants; the generic one is about
        // scenarios, so say what a commands file looks like instead.
        if !matches!(
            e.code,
            E::NoSuchStructField { .. }
                | E::NoSuchEnumVariant { .. }
                | E::MissingStructField { .. }
                | E::DuplicateStructField { .. }
        ) {
            err.hint = "a commands file is a list like [(at: \"2m\", command: Rollback(service: \"api\"))]".into();
        }
        ScenarioErrors(vec![err])
    })?;
    check_command_limits(file, text, &commands, &[], true).map_err(|e| ScenarioErrors(vec![e]))?;
    let mut commands = commands;
    clean_commands(&mut commands);
    Ok(commands)
}

/// Makes every name and text in `commands` one clean line (`text::clean_line`), the seats'
/// names included.
pub fn clean_commands(commands: &mut [TimedCommand]) {
    for c in commands {
        clean_command(&mut c.command);
        if let Some(by) = &mut c.by {
            clean(&mut by.name);
        }
    }
}

fn clean(s: &mut String) {
    if !crate::text::is_clean_line(s) {
        *s = crate::text::clean_line(s).into_owned();
    }
}

/// Makes every name and text in one command one clean line: what a drill's host does to each
/// command a seat (or the facilitator) sends before it enters the run, as loading does for a
/// commands file or a saved run. The engine cannot (it uses nothing outside `sim`).
pub fn clean_command(command: &mut crate::sim::Command) {
    use crate::sim::Command as C;
    // Every variant by name: a new command with a string must say here how it is cleaned.
    match command {
        C::Ack { alert: a } => clean(a),
        C::StatusUpdate { impact, .. } => clean(impact),
        C::Rollback { service }
        | C::PauseRollout { service }
        | C::ResumeRollout { service }
        | C::Scale { service, .. }
        | C::Restart { service, .. }
        | C::Drain { service, .. }
        | C::SetPoolSize { service, .. }
        | C::SetDeadlines { service, .. }
        | C::RevertConfig { service } => clean(service),
        C::SetHealthCheck { service, endpoint, .. } => {
            clean(service);
            if let Some(e) = endpoint {
                clean(e);
            }
        }
        C::Deploy { service, version } => {
            clean(service);
            clean(version);
        }
        C::SetBreaker { service, dependency, .. }
        | C::SetRetries { service, dependency, .. }
        | C::SetTimeout { service, dependency, .. } => {
            clean(service);
            clean(dependency);
        }
        C::SetFlag { flag: name, .. }
        | C::BlockClient { client: name }
        | C::FlushCache { cache: name }
        | C::WarmCache { cache: name }
        | C::RenewCert { target: name }
        | C::Page { team: name }
        | C::Fire { entry: name }
        | C::Reveal { text: name } => clean(name),
        C::Tip { seat, text } => {
            clean(seat);
            clean(text);
        }
        C::Declare { .. }
        | C::ChangeSeverity { .. }
        | C::Resolve
        | C::SetRateLimit { .. }
        | C::SetShed { .. }
        | C::Failover
        | C::Restore
        | C::Hint => {}
    }
}

/// Checks `commands`, the list found at `list` in `text` (`[]` for a commands file's top
/// level), against [`MAX_COMMANDS`] and, with `per_second`, [`MAX_COMMANDS_PER_SECOND`].
pub fn check_command_limits(
    file: &str,
    text: &str,
    commands: &[TimedCommand],
    list: &[Seg],
    per_second: bool,
) -> Result<(), ScenarioError> {
    let at = |i: usize, message: String, hint: String| {
        let mut path = list.to_vec();
        path.push(Seg::Index(i));
        let (line, col) = locate(text, &path).unwrap_or((1, 1));
        ScenarioError { file: file.to_string(), line, col, message, hint }
    };
    let limits = format!(
        "a commands file may hold at most {MAX_COMMANDS} commands, and at most {MAX_COMMANDS_PER_SECOND} within any \
         one second of sim time: spread them out or drop the repeats"
    );
    if commands.len() > MAX_COMMANDS {
        return Err(at(
            MAX_COMMANDS,
            format!("too many commands: this is command {} of {}", MAX_COMMANDS + 1, commands.len()),
            limits,
        ));
    }
    if !per_second {
        return Ok(());
    }
    // In time order (stable, as the engine applies them), the window [first, first + 1 s).
    let mut order: Vec<usize> = (0..commands.len()).collect();
    order.sort_by_key(|&i| commands[i].at);
    let mut first = 0;
    for (k, &i) in order.iter().enumerate() {
        while commands[i].at.0 - commands[order[first]].at.0 >= Dur::from_secs(1).0 {
            first += 1;
        }
        if k - first + 1 > MAX_COMMANDS_PER_SECOND {
            let since = commands[order[first]].at;
            return Err(at(
                i,
                format!(
                    "too many commands within one second of sim time: this one, at {}, is number {} since {since} \
                     (entry {})",
                    commands[i].at,
                    MAX_COMMANDS_PER_SECOND + 1,
                    order[first] + 1
                ),
                limits,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Command;
    use crate::sim::SimTime;

    #[test]
    fn it_reads_timed_commands_with_optional_fields_left_out() {
        let text = r#"[
            (at: "4m15s", command: SetFlag(flag: "coupons-v2", on: false)),
            (at: "5m", command: Restart(service: "api", instance: 2)),
        ]"#;
        let cmds = parse_commands("c.ron", text).unwrap();
        assert_eq!(cmds[0].at, SimTime::from_secs(255));
        assert_eq!(cmds[1].command, Command::Restart { service: "api".into(), instance: Some(2), all_at_once: false });
    }

    #[test]
    fn a_typo_is_reported_with_its_position() {
        let err = parse_commands("c.ron", "[(at: \"1m\", command: Rollbak(service: \"api\"))]").unwrap_err();
        let e = &err.0[0];
        assert_eq!((e.file.as_str(), e.line), ("c.ron", 1));
        assert!(e.message.contains("Rollbak"), "{}", e.message);
    }

    fn hints(n: usize, every_ms: u64) -> Vec<TimedCommand> {
        (0..n as u64)
            .map(|i| TimedCommand { by: None, at: SimTime(i * every_ms * 1000), command: Command::Hint })
            .collect()
    }

    #[test]
    fn the_per_second_window_slides() {
        // 20 in [0, 0.95 s], then one at 1.0 s: the window is [0.05, 1.0], 20 again.
        let mut ok = hints(20, 50);
        ok.push(TimedCommand { by: None, at: SimTime(1_000_000), command: Command::Hint });
        assert!(check_command_limits("c.ron", "[]", &ok, &[], true).is_ok());
        // 21 within 0.84 s: refused at the 21st, even across a whole-second boundary.
        let mut bad: Vec<TimedCommand> = hints(21, 40);
        for c in &mut bad {
            c.at = SimTime(c.at.0 + 500_000);
        }
        let e = check_command_limits("c.ron", "[]", &bad, &[], true).unwrap_err();
        assert!(e.message.contains("is number 21 since 500ms (entry 1)"), "{}", e.message);
        assert!(check_command_limits("c.ron", "[]", &bad, &[], false).is_ok(), "a saved run may burst");
    }
}
