//! Resolution: the incident's end state. An incident is over when the cause is removed, the
//! all-clear is posted while the service is stable, and it is resolved while stable — not when
//! the graphs first look better. Points: resolved while stable 50 (20 when stable at the end
//! but never resolved), the cause removed 30, the all-clear posted while stable 20. Resolving
//! while still broken earns nothing here, and the harm is counted on after it (`impact`). An
//! incident nobody declared was not run at all: nothing here.

use super::evidence::Evidence;
use super::lifecycle::EndState;
use super::{Dimension, dim};
use crate::scenario::Spec;
use crate::sim::model::rules::Inject;
use crate::sim::{EventKind, SimTime};

/// The faults still active at the end, by label (what "the cause" was when it is not removed).
fn active_at_end(spec: &Spec, ev: &Evidence) -> Vec<String> {
    let mut active: Vec<String> = Vec::new();
    for e in &ev.events {
        match &e.kind {
            EventKind::FaultStarted { label, .. } => {
                let lasting = spec
                    .sim
                    .timeline
                    .iter()
                    .any(|x| &x.label == label && matches!(&x.inject, Inject::Fault(f) if !f.is_momentary()));
                if lasting {
                    active.push(label.clone());
                }
            }
            EventKind::FaultCleared { label, .. } => active.retain(|l| l != label),
            _ => {}
        }
    }
    active
}

pub(super) fn resolution(spec: &Spec, ev: &Evidence, onset: Option<SimTime>, end: &EndState, weight: u32) -> Dimension {
    let clock = |t: SimTime| spec.clock(t);
    if onset.is_none() {
        return dim("resolution", 100, weight, vec![super::untroubled(spec, ev)]);
    }
    let declared = ev.events.iter().any(|e| matches!(e.kind, EventKind::IncidentDeclared { .. }));
    if !declared {
        return dim(
            "resolution",
            0,
            weight,
            vec![
                "no incident was run: nothing was declared, so nothing was resolved or given the all-clear (-100)"
                    .into(),
            ],
        );
    }
    let mut s: i64 = 0;
    let mut reasons = Vec::new();
    match end.resolved {
        Some((t, true)) => {
            s += 50;
            reasons.push(format!("resolved at {} while the service was stable", clock(t)));
        }
        Some((t, false)) => reasons.push(format!(
            "resolved at {} while the service was still broken: customers were still affected when the incident was closed (-50)",
            clock(t)
        )),
        None if end.stable_at_end => {
            s += 20;
            reasons.push("stable at the end, but the incident was never resolved (-30)".into());
        }
        None => reasons.push("never resolved, and the service was not stable when the run ended (-50)".into()),
    }
    if let Some(t) = end.cause_removed {
        s += 30;
        reasons.push(format!("the cause was removed at {}", clock(t)));
    } else {
        let active = active_at_end(spec, ev);
        reasons.push(if active.is_empty() {
            "the cause was never removed (-30)".to_string()
        } else {
            format!("the cause was never removed: {} still active at the end (-30)", active.join(", "))
        });
    }
    match end.all_clear {
        Some((t, true)) => {
            s += 20;
            reasons.push(format!("all-clear posted at {} while stable", clock(t)));
        }
        Some((t, false)) => reasons.push(format!(
            "all-clear posted at {} while the service was not stable: a false all-clear (-20)",
            clock(t)
        )),
        None => reasons.push("no all-clear posted: nobody was told it was over (-20)".into()),
    }
    dim("resolution", s, weight, reasons)
}
