//! Commands files: a RON list of timed commands, the same type the game records and a saved
//! run stores, e.g. `[(at: "4m15s", command: SetFlag(flag: "coupons-v2", on: false))]`.
//!
//! Parsed strictly: an unknown field (`instanse: 2`) is an error with its position and the
//! fields allowed there, never silently dropped (dropping it turned a restart of one instance
//! into a rolling restart of all of them).

use super::error::{ScenarioError, ScenarioErrors, from_ron};
use crate::sim::command::TimedCommand;

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
    options.from_str(text).map_err(|e| {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::Command;
    use crate::sim::time::SimTime;

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
}
