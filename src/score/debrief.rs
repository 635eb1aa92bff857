//! The debrief: what a person learns from after a run — the score with its reasons, a
//! timeline of error rate and latency with the hidden faults revealed and every action marked,
//! what the player saw next to what was really happening and what they did, the status updates
//! they wrote, the harm in numbers, the expert path with par times, and the lessons. Pure data;
//! the game screen, markdown, HTML and JSON are renderings of it. Times are `SimTime`s; a
//! rendering shows them with [`Debrief::clock`], the time of day when the scenario names a start.

use super::evidence::Evidence;
use super::{Score, score};
use crate::scenario::Spec;
use crate::sim::{Audience, Category, Dur, EndReason, EventKind, SimTime};
use serde::{Deserialize, Serialize};

/// Seconds per timeline point.
pub const STEP_S: u32 = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t: u32,
    /// User error rate, percent.
    pub error_pct: f32,
    /// p99 of successful requests at the edge, ms.
    pub p99_ms: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub label: String,
    pub detail: String,
    pub from: SimTime,
    /// When it was over: cleared, or at once for a fault that is an event (`momentary`).
    pub to: Option<SimTime>,
    /// What ended it, in words.
    pub cleared_by: Option<String>,
    /// An event, not a state (a crash, a cache flush): over as it happened, its effects may last.
    pub momentary: bool,
}

impl Fault {
    /// How the fault ended, in words: "until 16:49:46 (v42 no longer running)".
    pub fn ending(&self, clock: impl Fn(SimTime) -> String) -> String {
        match (&self.to, &self.cleared_by) {
            _ if self.momentary => "an event, over at once (its effects can outlast it)".to_string(),
            (Some(t), Some(why)) => format!("until {} ({why})", clock(*t)),
            (Some(t), None) => format!("until {}", clock(*t)),
            _ => "still active at the end".to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    pub t: SimTime,
    pub text: String,
}

/// A status update the player wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Update {
    pub t: SimTime,
    pub audience: Audience,
    pub impact: String,
    pub next_update: Dur,
    pub all_clear: bool,
}

/// One row of the postmortem timeline: at most one of its three cells is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Column {
    /// What the player could see: alerts, messages, trouble, others' changes.
    Seen,
    /// What was really happening (hidden until now) and the incident's phases.
    True,
    /// What the player did.
    Done,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub t: SimTime,
    pub column: Column,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Debrief {
    pub scenario_id: String,
    pub title: String,
    pub seed: u64,
    /// The scenario's wall-clock start, seconds past midnight.
    pub starts_at: Option<u32>,
    pub ended_at: SimTime,
    pub end_reason: Option<EndReason>,
    pub score: Score,
    pub timeline: Vec<Point>,
    /// What was really happening: the hidden faults.
    pub faults: Vec<Fault>,
    pub truth: String,
    /// What the player saw: alerts, messages, changes made by others.
    pub saw: Vec<Moment>,
    /// What the player did (accepted and rejected commands).
    pub actions: Vec<Moment>,
    /// Seen, true and done, in time order: the postmortem's timeline.
    pub rows: Vec<Row>,
    /// The status updates the player wrote.
    pub updates: Vec<Update>,
    pub expert: Vec<Moment>,
    pub par_detect: Dur,
    pub par_mitigate: Dur,
    pub lessons: Vec<String>,
    /// A drill's seats: who did what (empty in a solo run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<super::SeatSummary>,
}

impl Debrief {
    /// `t` as the player read it during the run.
    pub fn clock(&self, t: SimTime) -> String {
        t.clock_from(self.starts_at)
    }
}

/// Whether an event is one of the facilitator's commands, accepted or not.
fn facilitator(kind: &EventKind) -> bool {
    match kind {
        EventKind::CommandApplied { command, .. } | EventKind::CommandRejected { command, .. } => {
            command.kind().facilitator_only()
        }
        _ => false,
    }
}

pub fn debrief(spec: &Spec, ev: &Evidence) -> Debrief {
    let score = score(spec, ev);
    let end = ev.end_s();
    let timeline = (0..end)
        .step_by(STEP_S as usize)
        .map(|t| {
            let to = (t + STEP_S).min(end);
            Point { t, error_pct: (ev.error_ratio(t, to) * 100.0) as f32, p99_ms: ev.p99(t, to) as f32 }
        })
        .collect();
    let momentary = |label: &str| {
        spec.sim.timeline.iter().any(|e| {
            e.label == label && matches!(&e.inject, crate::sim::model::rules::Inject::Fault(f) if f.is_momentary())
        })
    };
    let mut faults: Vec<Fault> = Vec::new();
    let (mut saw, mut actions, mut rows, mut updates) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for e in &ev.events {
        let text = e.kind.describe_with(|t| spec.clock(t));
        let mut row = |column| rows.push(Row { t: e.t, column, text: text.clone() });
        match e.kind.category() {
            Category::Fault => {
                match &e.kind {
                    EventKind::FaultStarted { label, detail, .. } => {
                        let m = momentary(label);
                        faults.push(Fault {
                            label: label.clone(),
                            detail: detail.clone(),
                            from: e.t,
                            to: m.then_some(e.t),
                            cleared_by: None,
                            momentary: m,
                        });
                    }
                    EventKind::FaultCleared { label, why, .. } => {
                        if let Some(f) = faults.iter_mut().rev().find(|f| &f.label == label && f.to.is_none()) {
                            f.to = Some(e.t);
                            f.cleared_by = Some(why.clone());
                        }
                    }
                    _ => {}
                }
                row(Column::True);
            }
            // What the player saw: monitoring, trouble, help, and changes someone else made.
            Category::Alert | Category::Signal | Category::Help => {
                row(Column::Seen);
                saw.push(Moment { t: e.t, text });
            }
            Category::Change(_) if e.kind.actor().is_some_and(|by| by != "you") => {
                row(Column::Seen);
                saw.push(Moment { t: e.t, text });
            }
            // The facilitator's commands are not the players' actions: a fired contingency is
            // part of what was really going on; a clue or a tip shows as what the players saw.
            Category::Command { .. } if facilitator(&e.kind) => {
                if matches!(&e.kind, EventKind::CommandApplied { command: crate::sim::Command::Fire { .. }, .. }) {
                    row(Column::True);
                }
            }
            Category::Command { .. } => {
                row(Column::Done);
                actions.push(Moment { t: e.t, text });
            }
            Category::Recovery
                if matches!(e.kind, EventKind::StabilityChanged { .. } | EventKind::CauseChanged { .. }) =>
            {
                row(Column::True);
            }
            Category::End => row(Column::Seen),
            _ => {}
        }
        if let EventKind::StatusUpdatePosted { audience, impact, next_update, all_clear } = &e.kind {
            updates.push(Update {
                t: e.t,
                audience: *audience,
                impact: impact.clone(),
                next_update: *next_update,
                all_clear: *all_clear,
            });
        }
    }
    Debrief {
        scenario_id: spec.id.clone(),
        title: spec.title.clone(),
        seed: ev.seed,
        starts_at: spec.starts_at,
        ended_at: ev.ended,
        end_reason: ev.end_reason,
        score,
        timeline,
        faults,
        truth: spec.truth.clone(),
        saw,
        actions,
        rows,
        updates,
        expert: spec.expert.iter().map(|x| Moment { t: SimTime(x.at.0), text: x.action.clone() }).collect(),
        par_detect: spec.par.detect,
        par_mitigate: spec.par.mitigate,
        lessons: spec.lessons.clone(),
        seats: super::seats::summaries(spec, ev),
    }
}
