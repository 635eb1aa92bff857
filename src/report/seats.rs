//! "Who did what": a drill's seats in the debrief — one heading per seat (its name and role,
//! how many commands, when it first acted, the points its commands earned or cost) and one
//! line per command. Markdown and HTML render the same rows.

use crate::score::Debrief;

/// Each seat's heading and lines; empty in a solo run.
pub fn who_did_what(d: &Debrief) -> Vec<(String, Vec<String>)> {
    d.seats
        .iter()
        .map(|s| {
            let first = s.first_action.map_or("sent no command".to_string(), |t| format!("first at {}", d.clock(t)));
            let n = if s.commands == 1 { "1 command".to_string() } else { format!("{} commands", s.commands) };
            let heading = format!(
                "{} — {}: {n}, {first}; decisions {:+}, communication {:+}",
                s.by.name,
                s.by.role.title(),
                s.decisions,
                s.comms
            );
            (heading, s.lines.clone())
        })
        .collect()
}
