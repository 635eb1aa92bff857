//! The incident's lifecycle as the engine keeps it (DESIGN §7): trouble → detected → mitigated
//! → *stable* → cause removed → all-clear → resolved. Evaluated at every window close, after
//! the objectives:
//!
//! - the service is **stable** while every objective holds (`StabilityChanged` on each change;
//!   a scenario without objectives is never stable);
//! - the **cause is removed** while the scenario's cause condition holds, once trouble has
//!   begun (`CauseChanged`);
//! - the run **ends** when the player resolves, at the scenario's length, or — only if the
//!   scenario asks for it — `auto_end` after the service became stable. Each end the game
//!   chooses is announced first (`EndScheduled`): the auto-end as soon as the service is
//!   stable (and cancelled, `EndCancelled`, if it stops being stable), the length
//!   `warn_before_end` ahead. So a run is never ended under a player's hands without warning.
//!
//! Detection, mitigation, the all-clear and the resolve are the player's commands; scoring
//! reads them from the event log.

use crate::sim::engine::{EndReason, Sim};
use crate::sim::kernel::time::SimTime;
use crate::sim::model::rules::Inject;
use crate::sim::observe::events::EventKind;

/// Where the incident is, as of the latest window close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Phase {
    /// Every objective holds, since then.
    pub stable_since: Option<SimTime>,
    /// The cause condition holds, since then.
    pub cause_removed_since: Option<SimTime>,
    /// The end the game has announced, and why.
    pub ending: Option<(SimTime, EndReason)>,
    /// The scenario's length has been announced.
    pub warned_time_up: bool,
}

impl Sim {
    /// The lifecycle as of the latest window close.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub(crate) fn check_lifecycle(&mut self) {
        let now = self.now;
        let stable = !self.spec.objectives.is_empty() && self.rules.objectives_now.iter().all(|x| *x);
        if stable != self.phase.stable_since.is_some() {
            self.phase.stable_since = stable.then_some(now);
            self.emit(false, EventKind::StabilityChanged { stable });
        }
        let trouble = self
            .spec
            .timeline
            .iter()
            .zip(&self.timeline.entries)
            .any(|(e, st)| matches!(e.inject, Inject::Fault(_)) && st.fired.is_some());
        let removed = trouble && self.holds(&self.spec.lifecycle.cause);
        if removed != self.phase.cause_removed_since.is_some() {
            self.phase.cause_removed_since = removed.then_some(now);
            self.emit(false, EventKind::CauseChanged { removed });
        }
        if let Some(grace) = self.spec.lifecycle.auto_end {
            match (self.phase.stable_since, self.phase.ending) {
                (Some(since), None) => {
                    let at = since + grace;
                    self.phase.ending = Some((at, EndReason::AutoEnd));
                    self.emit(false, EventKind::EndScheduled { at, reason: EndReason::AutoEnd });
                }
                (None, Some((_, EndReason::AutoEnd))) => {
                    self.phase.ending = None;
                    self.emit(false, EventKind::EndCancelled);
                }
                _ => {}
            }
        }
        let length = SimTime(self.spec.duration.0);
        let auto_first = matches!(self.phase.ending, Some((at, EndReason::AutoEnd)) if at <= length);
        if !self.phase.warned_time_up && !auto_first && now + self.spec.lifecycle.warn_before_end >= length {
            self.phase.warned_time_up = true;
            self.phase.ending = Some((length, EndReason::TimeUp));
            self.emit(false, EventKind::EndScheduled { at: length, reason: EndReason::TimeUp });
        }
        if let Some((at, EndReason::AutoEnd)) = self.phase.ending
            && now >= at
        {
            self.end(EndReason::AutoEnd);
        }
    }
}
