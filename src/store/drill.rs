//! What a drill adds to its saved run besides the seats on each command: who sat where and the
//! facilitator's private notes. The host saves it on its own disk only; nothing in it changes
//! a replay (the live injects, which do, are the run's `live_entries`).

use crate::sim::{By, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillRecord {
    /// Every seat that joined, in the order they joined (those that only watched too).
    pub seats: Vec<By>,
    /// The facilitator's notes, each at the sim time it was written.
    #[serde(default)]
    pub notes: Vec<(SimTime, String)>,
    /// When the facilitator ended the drill (the run's `until`); `None` if the run ended by
    /// itself (resolved, or its time ran out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<SimTime>,
}

impl DrillRecord {
    /// Makes every name and note one clean line (a hand-edited run may hold anything).
    pub(super) fn clean(&mut self) {
        for s in self.seats.iter_mut().map(|b| &mut b.name).chain(self.notes.iter_mut().map(|n| &mut n.1)) {
            *s = crate::text::clean_line(s).into_owned();
        }
    }
}
