//! Validating what the assessment reads: the wall-clock start (`starts_at`), the lifecycle
//! (the cause condition, an auto-end), the severity rubric and the business's costs — and the
//! fields they replaced, which get an error that says what to write instead.

use super::error::field;
use super::locate::Seg;
use super::raw::{RawLevel, RawScenario};
use super::rubric::{Level, Rubric};
use super::validate::Ctx;
use crate::sim::Dur;
use crate::sim::model::rules::{Condition, Inject};
use crate::sim::model::spec::{Business, SimSpec};

/// `"16:40"` or `"16:40:30"` → seconds past midnight.
pub(super) fn starts_at(cx: &mut Ctx, raw: &RawScenario) -> Option<u32> {
    let text = raw.starts_at.as_deref()?;
    let parts: Vec<Option<u32>> = text.split(':').map(|p| p.parse().ok().filter(|_| p.len() == 2)).collect();
    let ok = match parts[..] {
        [Some(h), Some(m)] if h < 24 && m < 60 => Some(h * 3600 + m * 60),
        [Some(h), Some(m), Some(s)] if h < 24 && m < 60 && s < 60 => Some(h * 3600 + m * 60 + s),
        _ => None,
    };
    if ok.is_none() {
        cx.err(
            &[field("starts_at")],
            format!("`{}` is not a time of day", super::error::clean(text)),
            "write the 24-hour time the scenario starts at, e.g. starts_at: \"16:40\" or \"09:10:30\"",
        );
    }
    ok
}

/// The lifecycle: the cause condition (default: no fault of the timeline is active) and the
/// optional auto-end, checked against the scenario's length.
pub(super) fn lifecycle(cx: &mut Ctx, raw: &RawScenario, cause: Option<Condition>, sim: &mut SimSpec) {
    if raw.end_when_objectives_met.is_some() {
        cx.err(
            &[field("end_when_objectives_met")],
            "`end_when_objectives_met` is gone: meeting the objectives makes the service stable, and the run goes on until the player resolves",
            "remove it; to end the run by itself once stable, write lifecycle: (auto_end: \"1m\"), a countdown the player sees",
        );
    }
    let l = &raw.lifecycle;
    // Both are countdowns the player must be able to see and act on: 10 s to the whole length.
    let countdowns = [
        ("auto_end", l.auto_end, "the player needs a countdown to see the end coming: write e.g. auto_end: \"1m\""),
        (
            "warn_before_end",
            l.warn_before_end,
            "the warning is the player's countdown to the end: write e.g. warn_before_end: \"2m\"",
        ),
    ];
    for (name, d, hint) in countdowns {
        if let Some(d) = d
            && (d < Dur::from_secs(10) || d > raw.length)
        {
            cx.err(
                &[field("lifecycle"), field(name)],
                format!("{name} must be between 10s and the scenario's length ({})", raw.length),
                hint,
            );
        }
    }
    let warn = l.warn_before_end.unwrap_or(Dur::from_secs(120).min(Dur(raw.length.0 / 2)));
    let cause = cause.unwrap_or_else(|| {
        Condition::All(
            sim.timeline
                .iter()
                .enumerate()
                .filter(|(_, e)| matches!(e.inject, Inject::Fault(_)))
                .map(|(i, _)| Condition::Not(Box::new(Condition::FaultActive(i))))
                .collect(),
        )
    });
    sim.lifecycle.cause = cause;
    sim.lifecycle.auto_end = l.auto_end;
    sim.lifecycle.warn_before_end = warn;
}

/// The rubric: the default, with the scenario's levels in its place. Thresholds must fall
/// from Sev1 to Sev3.
pub(super) fn rubric(cx: &mut Ctx, raw: &RawScenario) -> Rubric {
    if raw.comms.severity.is_some() {
        cx.err(
            &[field("comms"), field("severity")],
            "`comms.severity` is gone: the declared severity is judged against the severity rubric at each moment",
            "remove it; to change what a level means here, write severity: (sev1: (means: \"…\", bad: 30.0), …)",
        );
    }
    let mut r = Rubric::default();
    let given: [(&str, &Option<RawLevel>); 4] = [
        ("sev1", &raw.severity.sev1),
        ("sev2", &raw.severity.sev2),
        ("sev3", &raw.severity.sev3),
        ("sev4", &raw.severity.sev4),
    ];
    for (i, (name, level)) in given.into_iter().enumerate() {
        let Some(l) = level else { continue };
        let p = [field("severity"), field(name)];
        let bad = match l.bad {
            Some(b) if i == 3 => {
                cx.err(&[&p[..], &[field("bad")]].concat(), "Sev4 is the floor: it has no threshold", "remove `bad`");
                b
            }
            Some(b) if !(b > 0.0 && b <= 100.0) => {
                cx.err(
                    &[&p[..], &[field("bad")]].concat(),
                    "`bad` is a percentage above 0, at most 100",
                    "e.g. bad: 5.0",
                );
                b
            }
            Some(b) => b / 100.0,
            None => r.levels[i].bad,
        };
        let means = cx.text(&[&p[..], &[field("means")]].concat(), &l.means);
        let integrity = if i == 3 { None } else { l.integrity.or(r.levels[i].integrity) };
        r.levels[i] = Level { severity: r.levels[i].severity, means, bad: bad.clamp(0.0, 1.0), integrity };
    }
    let falls = r.levels.windows(2).take(2).all(|w| w[0].bad > w[1].bad);
    if !falls {
        cx.err(
            &[field("severity")],
            "the rubric's thresholds must fall from Sev1 to Sev3",
            "e.g. sev1 50, sev2 5, sev3 0.5 (percent of requests)",
        );
    }
    r
}

/// The business's prices; each is a non-negative amount.
pub(super) fn business(cx: &mut Ctx, raw: &RawScenario) -> Option<Business> {
    let b = raw.business.as_ref()?;
    let mut price = |name: &str, x: f64| {
        if !(x.is_finite() && (0.0..=1e9).contains(&x)) {
            cx.err(
                &[field("business"), field(name)],
                format!("{name} must be an amount from 0 to 1e9"),
                format!("write the price in the scenario's currency, e.g. {name}: 0.5"),
            );
        }
        x.clamp(0.0, 1e9)
    };
    let out = Business {
        currency: String::new(),
        per_failed_request: price("per_failed_request", b.per_failed_request),
        per_slow_request: price("per_slow_request", b.per_slow_request),
        per_duplicate: price("per_duplicate", b.per_duplicate),
        per_lost_write: price("per_lost_write", b.per_lost_write),
        per_stale_read: price("per_stale_read", b.per_stale_read),
        per_conflicting_write: price("per_conflicting_write", b.per_conflicting_write),
        scale: price("scale", b.scale).max(1e-6),
    };
    if b.scale.is_finite() && b.scale <= 0.0 {
        cx.err(
            &[field("business"), field("scale")],
            "scale must be above 0: it is an amount that matters to this business",
            "the impact score loses 15 points per tenfold of the cost in it: e.g. scale: 1000.0",
        );
    }
    let path: Vec<Seg> = vec![field("business"), field("currency")];
    let currency = cx.text(&path, &b.currency);
    if currency.chars().count() > 4 {
        cx.err(
            &[field("business"), field("currency")],
            "a currency is a symbol or code of 1–4 characters",
            "e.g. \"$\", \"€\", \"EUR\"",
        );
    }
    Some(Business { currency, ..out })
}
