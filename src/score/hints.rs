//! The price of hints: each hint taken costs its tier's points (`HintTier`: a nudge 2, a
//! pointer 4, the answer 8), taken from the overall score after the dimensions are weighted.
//! A hint is not a mistake, so no dimension is marked down; the debrief lists what was taken.

use super::Evidence;
use crate::sim::EventKind;
use crate::sim::model::hint::HintTier;
use serde::{Deserialize, Serialize};

/// One hint taken, and what it cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HintTaken {
    pub at: crate::sim::SimTime,
    pub tier: HintTier,
    pub points: u32,
}

pub(super) fn taken(ev: &Evidence) -> Vec<HintTaken> {
    ev.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HintGiven { tier, .. } => Some(HintTaken { at: e.t, tier: *tier, points: tier.points() }),
            _ => None,
        })
        .collect()
}

/// One line for the debrief: "hints taken: −10 (16:45 a nudge −2, 16:47 the answer −8)", or
/// `None` when none was taken.
pub fn describe(taken: &[HintTaken], clock: impl Fn(crate::sim::SimTime) -> String) -> Option<String> {
    if taken.is_empty() {
        return None;
    }
    let total: u32 = taken.iter().map(|h| h.points).sum();
    let each: Vec<String> = taken.iter().map(|h| format!("{} {} −{}", clock(h.at), h.tier.name(), h.points)).collect();
    Some(format!("hints taken: −{total} overall ({})", each.join(", ")))
}
