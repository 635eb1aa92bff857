//! The incident's end state, read from the event log: when the service became stable (every
//! objective held) and whether it still was at the end, whether the cause had been removed, when
//! the all-clear was posted and when the incident was resolved — each with whether the service
//! was stable at that moment. The engine records the transitions (`StabilityChanged`,
//! `CauseChanged`); this reads them back, so a score fixture needs only the events.

use super::evidence::Evidence;
use crate::sim::{EventKind, SimTime};

#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EndState {
    /// When the service first became stable.
    pub first_stable: Option<SimTime>,
    /// Stable when the run ended.
    pub stable_at_end: bool,
    /// The cause was removed when the run ended, since then.
    pub cause_removed: Option<SimTime>,
    /// The first all-clear, and whether the service was stable when it was posted.
    pub all_clear: Option<(SimTime, bool)>,
    /// The resolve, and whether the service was stable then.
    pub resolved: Option<(SimTime, bool)>,
}

/// Whether the service was stable at `t` (the last transition at or before it).
pub fn stable_at(ev: &Evidence, t: SimTime) -> bool {
    ev.events
        .iter()
        .take_while(|e| e.t <= t)
        .filter_map(|e| match e.kind {
            EventKind::StabilityChanged { stable } => Some(stable),
            _ => None,
        })
        .last()
        .unwrap_or(false)
}

pub fn end_state(ev: &Evidence) -> EndState {
    let mut s = EndState::default();
    for e in &ev.events {
        match e.kind {
            EventKind::StabilityChanged { stable } => {
                if stable && s.first_stable.is_none() {
                    s.first_stable = Some(e.t);
                }
                s.stable_at_end = stable;
            }
            EventKind::CauseChanged { removed } => s.cause_removed = removed.then_some(e.t),
            EventKind::StatusUpdatePosted { all_clear: true, .. } if s.all_clear.is_none() => {
                s.all_clear = Some((e.t, stable_at(ev, e.t)));
            }
            EventKind::IncidentResolved => s.resolved = Some((e.t, stable_at(ev, e.t))),
            _ => {}
        }
    }
    s
}
