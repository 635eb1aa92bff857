//! Who did what in a drill: for each seat that sent commands, how many, when it first acted,
//! and the points the judgements of its commands earned or cost — decisions and communication
//! — with one line per command. A point is given to a seat only when it came from one of its
//! commands; what no single command did (nobody declared, the severity's fit over time, the
//! base of the decisions dimension) is the team's and is given to no seat. A solo run has no
//! seats.

use super::evidence::Evidence;
use super::{comms, judge, timing, weight};
use crate::scenario::Spec;
use crate::sim::{By, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeatSummary {
    pub by: By,
    /// Commands the seat sent (refused ones too).
    pub commands: usize,
    /// Points the decisions judged on its commands earned or lost.
    pub decisions: i32,
    /// Points the communication judgements of its commands cost.
    pub comms: i32,
    pub first_action: Option<SimTime>,
    /// One line per command: "05:02 roll back api (+50: the deploy is the cause)".
    pub lines: Vec<String>,
}

/// The points charged to commands, by index in `ev.commands`: (decisions, communication, why).
pub(super) fn charges(spec: &Spec, ev: &Evidence) -> Vec<(usize, i64, i64, String)> {
    let decided = judge::decisions_by_record(spec, ev);
    let decisions: Vec<_> = decided.iter().map(|(_, d)| d.clone()).collect();
    let (_, points) = judge::decision_points(spec, &decisions);
    let mut out: Vec<(usize, i64, i64, String)> =
        decided.iter().zip(points).filter(|(_, p)| *p != 0).map(|((k, d), p)| (*k, p, 0, d.why.clone())).collect();
    let onset = ev.onset();
    let (_, breached) = timing::recovery(spec, ev, onset);
    let (_, charged) = comms::communication_charged(spec, ev, onset, breached, weight("communication"));
    out.extend(charged.into_iter().map(|(k, p, why)| (k, 0, p, why)));
    out
}

/// Each seat's part, in the order the seats first acted; empty when no command names a seat.
pub fn summaries(spec: &Spec, ev: &Evidence) -> Vec<SeatSummary> {
    if ev.commands.iter().all(|r| r.by.is_none()) {
        return Vec::new();
    }
    let charges = charges(spec, ev);
    let mut seats: Vec<SeatSummary> = Vec::new();
    for (k, r) in ev.commands.iter().enumerate() {
        let Some(by) = &r.by else { continue };
        let i = if let Some(i) = seats.iter().position(|s| &s.by == by) {
            i
        } else {
            seats.push(empty(by));
            seats.len() - 1
        };
        let seat = &mut seats[i];
        seat.commands += 1;
        seat.first_action = seat.first_action.or(Some(r.at));
        let mut line = format!("{} {}", spec.clock(r.at), r.command.label());
        if let Some(why) = &r.rejected {
            line.push_str(&format!(" (refused: {why})"));
        }
        for (_, d, c, why) in charges.iter().filter(|x| x.0 == k) {
            seat.decisions += *d as i32;
            seat.comms += *c as i32;
            line.push_str(&format!(" ({:+}: {})", d + c, without_points(why)));
        }
        seat.lines.push(line);
    }
    seats
}

/// A reason without the points it ends with (`"… (-20)"`): the line shows them first.
fn without_points(why: &str) -> &str {
    match why.rsplit_once(" (") {
        Some((text, tail)) if tail.ends_with(')') && tail.starts_with(['-', '+']) => text,
        _ => why,
    }
}

/// `seats` with every seat of `all` that sent nothing added (an observer, the projector), so
/// the debrief lists everyone who was in the room.
pub fn with_every_seat(mut seats: Vec<SeatSummary>, all: &[By]) -> Vec<SeatSummary> {
    for by in all {
        if !seats.iter().any(|s| &s.by == by) {
            seats.push(empty(by));
        }
    }
    seats
}

fn empty(by: &By) -> SeatSummary {
    SeatSummary { by: by.clone(), commands: 0, decisions: 0, comms: 0, first_action: None, lines: Vec::new() }
}
