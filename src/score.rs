//! Scoring: a pure function of the scenario and the run's evidence (event log, commands,
//! metrics). Eight dimensions, each 0–100 with the reasons that produced it, weighted into an
//! overall score and a grade. Nothing here is magic: every point lost has a sentence.
//!
//! The weights put outcome and judgement first: what the users suffered (impact) and what the
//! player chose to do (decisions) carry 45 %; how fast the service recovered (mitigation) and
//! was noticed (detection) 25 %; running the incident (communication and the end state it was
//! left in) 20 %; rollback judgement and cost 10 %.
//!
//! | dimension | weight | reads |
//! |---|---:|---|
//! | detection | 10 | time to the first meaningful response, against par |
//! | mitigation | 15 | time until the SLO recovered for good, against par |
//! | decisions | 25 | every command judged by the scenario and the generic rules |
//! | rollback | 5 | a bad deploy rolled back promptly; none rolled back for nothing |
//! | impact | 20 | the harm, on a log scale without a ceiling (`impact`) |
//! | communication | 10 | declared, at the right severity at each moment, people kept told |
//! | resolution | 10 | the end state: cause removed, all-clear, resolved while stable |
//! | cost | 5 | commands' prices and extra instance-minutes |
//!
//! Grades: S ≥ 95, A ≥ 85, B ≥ 70, C ≥ 55, D ≥ 40, F below.

pub mod comms;
pub mod debrief;
pub mod evidence;
pub mod hints;
pub mod impact;
pub mod judge;
mod judge_rules;
pub mod lifecycle;
mod resolution;
mod rollback_cost;
pub mod seats;
pub mod settings;
mod summary;
mod timing;

pub use debrief::{Debrief, debrief};
pub use evidence::Evidence;
pub use impact::Harm;
pub use judge::{Decision, Source};
pub use lifecycle::EndState;
pub use seats::SeatSummary;

use crate::scenario::Spec;
use crate::sim::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Each dimension's share of the overall score, in percent (they sum to 100).
pub const WEIGHTS: [(&str, u32); 8] = [
    ("detection", 10),
    ("mitigation", 15),
    ("decisions", 25),
    ("rollback", 5),
    ("impact", 20),
    ("communication", 10),
    ("resolution", 10),
    ("cost", 5),
];

fn weight(name: &str) -> u32 {
    WEIGHTS.iter().find(|w| w.0 == name).map_or(0, |w| w.1)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub score: u32,
    /// Share of the overall score, in percent.
    pub weight: u32,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub overall: u32,
    pub grade: String,
    /// The one-line reason for the grade: what went best, or the mistake that cost the most.
    pub summary: String,
    pub dimensions: Vec<Dimension>,
    pub decisions: Vec<Decision>,
    /// When trouble began (the first hidden fault).
    pub onset: Option<SimTime>,
    pub first_response: Option<SimTime>,
    /// When the SLO recovered for good, if it did.
    pub recovered: Option<SimTime>,
    /// The incident's end state.
    pub end: EndState,
    /// The harm, in numbers.
    pub harm: Harm,
    /// Hints taken; their points are taken from `overall`.
    #[serde(default)]
    pub hints: Vec<hints::HintTaken>,
}

pub fn grade(overall: u32) -> &'static str {
    match overall {
        95.. => "S",
        85..=94 => "A",
        70..=84 => "B",
        55..=69 => "C",
        40..=54 => "D",
        _ => "F",
    }
}

/// 100 at or under `par`, falling linearly to 0 at `zero`.
fn linear(d: Dur, par: Dur, zero: Dur) -> u32 {
    if d <= par {
        return 100;
    }
    if d >= zero || zero <= par {
        return 0;
    }
    (100.0 * (zero.0 - d.0) as f64 / (zero.0 - par.0) as f64).round() as u32
}

fn dim(name: &str, score: i64, weight: u32, reasons: Vec<String>) -> Dimension {
    Dimension { name: name.into(), score: score.clamp(0, 100) as u32, weight, reasons }
}

fn secs(t: SimTime) -> u32 {
    t.whole_secs() as u32
}

/// What a run without trouble says: that the player averted it (and how, and when), or that
/// none was injected.
pub(crate) fn untroubled(spec: &Spec, ev: &Evidence) -> String {
    match ev.averted() {
        Some((label, why, at)) => format!("{label} was averted at {}: {why}", spec.clock(at)),
        None => "no trouble was injected in this run".into(),
    }
}

/// Scores a run.
pub fn score(spec: &Spec, ev: &Evidence) -> Score {
    let onset = ev.onset();
    let decisions = judge::decisions(spec, ev);
    let end = lifecycle::end_state(ev);
    let (mut recovered, breached) = timing::recovery(spec, ev, onset);
    if matches!(end.resolved, Some((_, false))) {
        // Closed while broken: whatever the last blocks looked like, it had not recovered.
        recovered = None;
    }
    let first_response = onset.and_then(|o| {
        ev.applied()
            .find(|r| r.at >= o && judge::meaningful(spec, ev, &r.command, r.at))
            .map(|r| (r.at, r.command.label()))
    });
    let harm = impact::harm(spec, ev, &end);
    let dimensions = vec![
        timing::detection(spec, ev, onset, first_response.as_ref(), weight("detection")),
        timing::mitigation(spec, ev, onset, recovered, breached, weight("mitigation")),
        judge::decision_quality(spec, &decisions, weight("decisions")),
        rollback_cost::rollback(spec, ev, weight("rollback")),
        impact::impact(spec, &harm, weight("impact")),
        comms::communication(spec, ev, onset, breached, weight("communication")),
        resolution::resolution(spec, ev, onset, &end, weight("resolution")),
        rollback_cost::cost(spec, ev, weight("cost")),
    ];
    let weighted = (dimensions.iter().map(|d| f64::from(d.score * d.weight)).sum::<f64>() / 100.0).round() as u32;
    let hints = hints::taken(ev);
    let overall = weighted.saturating_sub(hints.iter().map(|h| h.points).sum());
    let summary = summary::summary(spec, &dimensions, &decisions, recovered, &end, &harm);
    Score {
        overall,
        grade: grade(overall).to_string(),
        summary,
        dimensions,
        decisions,
        onset,
        first_response: first_response.map(|f| f.0),
        recovered,
        end,
        harm,
        hints,
    }
}
