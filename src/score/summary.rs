//! The score's one-line reason: the mistake that mattered most (a harmful decision, in the
//! judgement's own words), whether anything addressed the cause, when the service recovered,
//! how much of the error budget it cost and how the incident ended. Written for the table a
//! facilitator reads and the first line of the debrief.

use super::impact::Harm;
use super::lifecycle::EndState;
use super::{Decision, Dimension, Source};
use crate::scenario::{Spec, Verdict};
use crate::sim::SimTime;

pub(super) fn summary(
    spec: &Spec,
    dims: &[Dimension],
    decisions: &[Decision],
    recovered: Option<SimTime>,
    end: &EndState,
    harm: &Harm,
) -> String {
    let mut parts = Vec::new();
    // The scenario's words first: they say what the trap was here.
    let harmful =
        decisions.iter().filter(|d| d.verdict == Verdict::Harmful).min_by_key(|d| (d.source != Source::Scenario, d.at));
    if let Some(d) = harmful {
        parts.push(format!("{}: {}", d.command, d.why));
    }
    let helpful = decisions.iter().any(|d| d.verdict == Verdict::Helpful);
    if !helpful && spec.judge.iter().any(|j| j.verdict == Verdict::Helpful) {
        parts.push("nothing addressed the cause".to_string());
    } else if harmful.is_none()
        && let Some(d) = decisions.iter().find(|d| d.verdict == Verdict::Helpful)
    {
        parts.push(d.command.clone());
    }
    let by_itself = dims.iter().any(|d| d.name == "mitigation" && d.reasons.iter().any(|r| r.contains("only because")));
    parts.push(match recovered {
        Some(t) if by_itself => format!("recovered at {} only because the trouble ended", spec.clock(t)),
        Some(t) => format!("recovered at {}", spec.clock(t)),
        None if dims.iter().any(|d| d.name == "mitigation" && d.score == 100) => "the SLO held".to_string(),
        None => "never recovered".to_string(),
    });
    parts.push(format!("{:.1}% of the error budget burned", harm.budget_burned * 100.0));
    parts.push(
        match (end.resolved, end.all_clear) {
            (Some((_, true)), Some((_, true))) => "resolved while stable, with an all-clear",
            (Some((_, true)), _) => "resolved while stable, without an all-clear",
            (Some((_, false)), _) => "resolved while still broken",
            (None, _) if end.stable_at_end => "stable but never resolved",
            (None, _) => "never resolved",
        }
        .to_string(),
    );
    parts.join("; ")
}
