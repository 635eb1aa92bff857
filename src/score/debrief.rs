//! The debrief: what a person learns from after a run — the score with its reasons, a
//! timeline of error rate and latency with the hidden faults revealed and every action marked,
//! what the player saw next to what was really happening, the expert path with par times, and
//! the lessons. Pure data; the game screen, markdown and JSON are renderings of it.

use super::evidence::Evidence;
use super::{Score, score};
use crate::scenario::Spec;
use crate::sim::{Category, EndReason, EventKind, SimTime};
use serde::{Deserialize, Serialize};

/// Seconds per timeline point.
pub const STEP_S: u32 = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t: u32,
    /// User error rate, percent.
    pub error_pct: f32,
    /// p99 of successful user requests, ms.
    pub p99_ms: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub label: String,
    pub detail: String,
    pub from: SimTime,
    pub to: Option<SimTime>,
    pub cleared_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    pub t: SimTime,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Debrief {
    pub scenario_id: String,
    pub title: String,
    pub seed: u64,
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
    pub expert: Vec<Moment>,
    pub par_detect: crate::sim::Dur,
    pub par_mitigate: crate::sim::Dur,
    pub lessons: Vec<String>,
}

pub fn debrief(spec: &Spec, ev: &Evidence) -> Debrief {
    let score = score(spec, ev);
    let end = ev.ended.whole_secs() as u32;
    let timeline = (0..end)
        .step_by(STEP_S as usize)
        .map(|t| {
            let to = (t + STEP_S).min(end);
            Point { t, error_pct: (ev.error_ratio(t, to) * 100.0) as f32, p99_ms: ev.p99(t, to) as f32 }
        })
        .collect();
    let mut faults: Vec<Fault> = Vec::new();
    let mut saw = Vec::new();
    let mut actions = Vec::new();
    for e in &ev.events {
        let moment = || Moment { t: e.t, text: e.kind.describe() };
        match e.kind.category() {
            Category::Fault => match &e.kind {
                EventKind::FaultStarted { label, detail, .. } => {
                    faults.push(Fault {
                        label: label.clone(),
                        detail: detail.clone(),
                        from: e.t,
                        to: None,
                        cleared_by: None,
                    });
                }
                EventKind::FaultCleared { label, why, .. } => {
                    if let Some(f) = faults.iter_mut().rev().find(|f| &f.label == label && f.to.is_none()) {
                        f.to = Some(e.t);
                        f.cleared_by = Some(why.clone());
                    }
                }
                _ => {}
            },
            // What the player saw: monitoring, trouble, help, and changes someone else made.
            Category::Alert | Category::Signal | Category::Help => saw.push(moment()),
            Category::Change(_) if e.kind.actor().is_some_and(|by| by != "you") => saw.push(moment()),
            Category::Command { .. } => actions.push(moment()),
            _ => {}
        }
    }
    Debrief {
        scenario_id: spec.id.clone(),
        title: spec.title.clone(),
        seed: ev.seed,
        ended_at: ev.ended,
        end_reason: ev.end_reason,
        score,
        timeline,
        faults,
        truth: spec.truth.clone(),
        saw,
        actions,
        expert: spec.expert.iter().map(|x| Moment { t: SimTime(x.at.0), text: x.action.clone() }).collect(),
        par_detect: spec.par.detect,
        par_mitigate: spec.par.mitigate,
        lessons: spec.lessons.clone(),
    }
}
