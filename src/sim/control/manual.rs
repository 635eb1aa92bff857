//! Manual timeline entries: a scenario's contingencies and a facilitator's live injects. They
//! never fire by themselves (no time, no condition); a `Fire` command fires one. An unfired
//! one changes nothing in a run, so adding one — before the run or during it — leaves every
//! event and window as it was until it is fired.

use super::inject::TlState;
use crate::sim::engine::Sim;
use crate::sim::model::rules::TimelineEntry;
use std::sync::Arc;

impl Sim {
    /// The labels of the manual entries that have not fired yet, in timeline order.
    pub fn contingencies(&self) -> Vec<String> {
        self.spec
            .timeline
            .iter()
            .zip(&self.timeline.entries)
            .filter(|(e, st)| e.trigger.is_manual() && st.fired.is_none())
            .map(|(e, _)| e.label.clone())
            .collect()
    }

    /// Adds `entry` to this run's timeline as a manual one (a facilitator's live inject),
    /// unfired: its index. The run's spec is copied on the first change if others share it.
    pub fn add_entry(&mut self, entry: TimelineEntry) -> usize {
        let idx = Arc::make_mut(&mut self.spec).push_manual(entry);
        self.timeline.entries.push(TlState::default());
        idx
    }
}
