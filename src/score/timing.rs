//! Timing: detection (time from the first fault to the first meaningful response) and
//! mitigation (time until the SLO recovered for good and harm to data stopped, in 10 s blocks) — each 100 at or under
//! the scenario's par, falling linearly to 0 at four (detection) or two (mitigation) times
//! par: a recovery that takes twice as long as an expert's par earns nothing for its speed
//! (the harm it let through is counted under impact). A recovery the player did not cause (the trouble ended by itself) earns nothing.

use super::evidence::Evidence;
use super::{Dimension, dim, linear, secs};
use crate::scenario::Spec;
use crate::sim::{CommandKind, Dur, SimTime};

pub(super) fn detection(
    spec: &Spec,
    ev: &Evidence,
    onset: Option<SimTime>,
    first: Option<&(SimTime, String)>,
    weight: u32,
) -> Dimension {
    let par = spec.par.detect;
    let Some(onset) = onset else {
        return dim("detection", 100, weight, vec![super::untroubled(spec, ev)]);
    };
    match first {
        None => dim(
            "detection",
            0,
            weight,
            vec![
                "no meaningful response: no firing alert acknowledged, no incident declared, no helpful action".into(),
            ],
        ),
        Some((at, what)) => {
            let d = at.since(onset);
            let s = linear(d, par, Dur(par.0 * 4));
            dim(
                "detection",
                i64::from(s),
                weight,
                vec![format!(
                    "first meaningful response ({what}) at {}, {} after trouble began; par {}",
                    spec.clock(*at),
                    d.human(),
                    par.human()
                )],
            )
        }
    }
}

/// When the service recovered for good (10 s blocks under the SLO's error and latency
/// thresholds and without harm to data, up to the end, at least 30 s of them), and whether it
/// was ever breached. Harm to data counts although users see no error: orders sent twice or
/// writes lost are the incident (Knight Capital's clients saw their orders succeed).
pub(super) fn recovery(spec: &Spec, ev: &Evidence, onset: Option<SimTime>) -> (Option<SimTime>, bool) {
    let Some(onset) = onset else { return (None, false) };
    let slo = &spec.sim.slo;
    let max_err = (5.0 * (1.0 - slo.availability)).max(0.01);
    let max_p99 = slo.latency_threshold.map(|d| d.millis_f64() * 1.1);
    let end = secs(ev.ended);
    let ok = |from: u32| {
        let to = (from + 10).min(end);
        ev.error_ratio(from, to) <= max_err
            && max_p99.is_none_or(|m| ev.p99(from, to) <= m)
            && ev.impact(from, to).1 == 0
    };
    let blocks: Vec<u32> = (secs(onset)..end).step_by(10).collect();
    let good: Vec<bool> = blocks.iter().map(|&b| ok(b)).collect();
    let breached = good.iter().any(|g| !g);
    let tail_ok = good.iter().rev().take_while(|g| **g).count();
    let recovered = (breached && tail_ok >= 3 && tail_ok < good.len())
        .then(|| SimTime::from_secs(u64::from(blocks[good.len() - tail_ok])));
    (recovered, breached)
}

pub(super) fn mitigation(
    spec: &Spec,
    ev: &Evidence,
    onset: Option<SimTime>,
    recovered: Option<SimTime>,
    breached: bool,
    weight: u32,
) -> Dimension {
    let par = spec.par.mitigate;
    let Some(onset) = onset else {
        return dim("mitigation", 100, weight, vec![super::untroubled(spec, ev)]);
    };
    if !breached {
        return dim("mitigation", 100, weight, vec!["the SLO never broke: customers did not notice".into()]);
    }
    match recovered {
        None => dim("mitigation", 0, weight, vec!["the SLO had not recovered when the run ended".into()]),
        Some(r) if !acted_before(ev, onset, r) => dim(
            "mitigation",
            0,
            weight,
            vec![format!(
                "the SLO recovered at {} only because the trouble ended: nothing you did changed the system",
                spec.clock(r)
            )],
        ),
        Some(r) => {
            let d = r.since(onset);
            dim(
                "mitigation",
                i64::from(linear(d, par, Dur(par.0 * 2))),
                weight,
                vec![format!(
                    "the SLO recovered at {}, {} after trouble began; par {}",
                    spec.clock(r),
                    d.human(),
                    par.human()
                )],
            )
        }
    }
}

/// Whether the player changed the system (not just talked about it) from `from` until the first
/// recovered block (10 s from `to`) was over: recovery is measured in 10 s blocks.
fn acted_before(ev: &Evidence, from: SimTime, to: SimTime) -> bool {
    use CommandKind as K;
    let until = to + Dur::from_secs(10);
    ev.applied().any(|r| {
        r.at >= from
            && r.at < until
            && !matches!(
                r.command.kind(),
                K::Ack | K::Declare | K::StatusUpdate | K::ChangeSeverity | K::Resolve | K::Hint
            )
    })
}
