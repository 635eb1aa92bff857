//! Validating what happens and how it is judged: alert rules, the timeline of faults and
//! injects with their triggers, objectives, hints, judgements and the expert path.

use super::error::{clean, field, index};
use super::locate::Seg;
use super::metric_ref;
use super::raw::{RawAlertExpr, RawClearBy, RawCondition, RawEntry, RawScenario};
use super::validate::Ctx;
use super::validate_fault::fault;
use super::{ExpertStep, Judgement};
use crate::sim::MetricRef;
use crate::sim::SimSpec;
use crate::sim::model::rules::{
    AlertExpr, AlertRule, Cmp, CommandMatch, Condition, Inject, Objective, TimelineEntry, Trigger,
};
use crate::sim::{Dur, SimTime};

/// The goal shown for an objective without one whose condition names the cause (a fault, a
/// flag, a version): neutral, so the screen does not give the answer away at t = 0.
pub const NEUTRAL_GOAL: &str = "find what is hurting users and stop it";

pub(super) struct Story {
    pub judge: Vec<Judgement>,
    pub expert: Vec<ExpertStep>,
}

fn sub(path: &[Seg], f: &str) -> Vec<Seg> {
    [path, &[field(f)]].concat()
}

fn metric(cx: &mut Ctx, sim: &SimSpec, path: &[Seg], text: &str) -> Option<MetricRef> {
    match metric_ref::parse(sim, text) {
        Ok(m) => Some(m),
        Err((msg, hint)) => {
            cx.err(path, msg, hint);
            None
        }
    }
}

fn comparison(cx: &mut Ctx, path: &[Seg], above: Option<f64>, below: Option<f64>) -> (Cmp, f64) {
    match (above, below) {
        (Some(v), None) => (Cmp::Above, v),
        (None, Some(v)) => (Cmp::Below, v),
        _ => {
            cx.err(path, "give exactly one of `above` or `below`", "e.g. above: 0.05");
            (Cmp::Above, 0.0)
        }
    }
}

pub(super) fn rules(cx: &mut Ctx, raw: &RawScenario, sim: &mut SimSpec) -> Story {
    cx.count(&[field("alerts")], raw.alerts.len());
    for (i, a) in raw.alerts.iter().enumerate() {
        let p = [field("alerts"), index(i)];
        cx.name(&sub(&p, "name"), &a.name);
        if raw.alerts[..i].iter().any(|b| b.name == a.name) {
            cx.err(&sub(&p, "name"), format!("two alerts are named `{}`", a.name), "");
        }
        let expr = match &a.when {
            RawAlertExpr::Threshold { metric: m, above, below, for_, over } => {
                let mp = [&sub(&p, "when")[..], &[field("metric")]].concat();
                let Some(m) = metric(cx, sim, &mp, m) else {
                    continue;
                };
                let (op, value) = comparison(cx, &sub(&p, "when"), *above, *below);
                if over.0 == 0 || *over > Dur::from_secs(3600) {
                    cx.err(&sub(&p, "when"), "`over` must be between 1s and 1h", "e.g. over: \"30s\"");
                }
                AlertExpr::Threshold { metric: m, op, value, for_: *for_, over: *over }
            }
            RawAlertExpr::BurnRate { long, short, factor } => {
                if short.0 == 0 || long < short || factor.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    cx.err(
                        &sub(&p, "when"),
                        "a burn-rate rule needs 0 < short ≤ long and factor > 0",
                        "e.g. BurnRate(long: \"1h\", short: \"5m\", factor: 14.4)",
                    );
                }
                AlertExpr::BurnRate { long: *long, short: *short, factor: *factor }
            }
        };
        sim.alerts.push(AlertRule {
            name: a.name.clone(),
            severity: a.severity,
            expr,
            summary: cx.text(&sub(&p, "summary"), &a.summary),
        });
    }

    let known = known_names(cx, sim);
    // Labels first: conditions may refer to entries later in the timeline.
    cx.count(&[field("timeline")], raw.timeline.len());
    let labels = timeline_labels(raw);
    for (i, l) in labels.iter().enumerate() {
        if labels[..i].contains(l) {
            cx.err(
                &[field("timeline"), index(i), field("label")],
                format!("two timeline entries are labelled `{l}`"),
                "labels must be unique",
            );
        }
    }
    for (i, e) in raw.timeline.iter().enumerate() {
        let p = [field("timeline"), index(i)];
        if e.manual {
            manual_label(cx, &sub(&p, "label"), e.label.as_deref(), &p);
        }
        if let Some(entry) = entry(cx, sim, &labels, &known, &p, e, &labels[i]) {
            sim.timeline.push(entry);
        }
    }

    cx.count(&[field("objectives")], raw.objectives.len());
    for (i, o) in raw.objectives.iter().enumerate() {
        let p = [field("objectives"), index(i)];
        let condition = condition(cx, sim, &labels, &sub(&p, "when"), &o.when);
        let name = cx.text(&sub(&p, "name"), &o.name);
        let goal = match &o.goal {
            Some(g) if g.trim().is_empty() => {
                cx.err(
                    &sub(&p, "goal"),
                    "the goal is empty",
                    "write what the player should achieve, e.g. \"restore checkout\", or leave `goal` out",
                );
                name.clone()
            }
            Some(g) => cx.text(&sub(&p, "goal"), g),
            None if o.when.names_the_cause() => NEUTRAL_GOAL.to_string(),
            None => name.clone(),
        };
        sim.objectives.push(Objective { name, goal, condition });
    }
    sim.hints = cx.texts(&[field("hints")], &raw.hints);
    sim.tooling = super::validate_mech::tooling(cx, raw, sim, &labels);
    let cause =
        raw.lifecycle.cause.as_ref().map(|c| condition(cx, sim, &labels, &[field("lifecycle"), field("cause")], c));
    super::validate_assess::lifecycle(cx, raw, cause, sim);

    cx.count(&[field("judge")], raw.judge.len());
    let judge = raw
        .judge
        .iter()
        .enumerate()
        .map(|(i, j)| {
            let p = [field("judge"), index(i)];
            if let Some(s) = &j.service {
                cx.lookup(&sub(&p, "service"), &cx.services.clone(), s, "service");
            }
            if let Some(t) = &j.target
                && !known.contains(t)
            {
                cx.err(
                    &sub(&p, "target"),
                    format!("`{}` names nothing in this scenario", clean(t)),
                    "a target is a dependency, flag, cache, version, team, alert or client name",
                );
            }
            judgement(cx, &p, j)
        })
        .collect();
    cx.count(&[field("expert")], raw.expert.len());
    let expert = raw
        .expert
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let p = [field("expert"), index(i)];
            cx.within_length(&sub(&p, "at"), x.at);
            ExpertStep { at: x.at, action: cx.text(&sub(&p, "action"), &x.action) }
        })
        .collect();
    Story { judge, expert }
}

/// One timeline entry, validated against the spec built so far (`labels`: every entry's
/// label, for conditions; `known`: what a `cleared_by` target may name); `None` when it has a
/// problem (reported in `cx`). Live entries (`live`) go through here too.
pub(super) fn entry(
    cx: &mut Ctx,
    sim: &SimSpec,
    labels: &[String],
    known: &[String],
    p: &[Seg],
    e: &RawEntry,
    label: &str,
) -> Option<TimelineEntry> {
    let trigger = match (&e.at, &e.when) {
        (Some(_), _) | (_, Some(_)) if e.manual => {
            let what = if e.at.is_some() { "at" } else { "when" };
            cx.err(
                &sub(p, what),
                format!("this timeline entry is `manual` and also has `{what}`"),
                "keep one: `manual: true` for a contingency a facilitator fires, or `at`/`when` for one that fires by itself",
            );
            return None;
        }
        (None, None) if e.manual => Trigger::Manual,
        (Some(at), None) => {
            cx.within_length(&sub(p, "at"), *at);
            Trigger::At(SimTime(at.0))
        }
        (None, Some(c)) => Trigger::When(condition(cx, sim, labels, &sub(p, "when"), c)),
        (Some(_), Some(_)) => {
            cx.err(
                &sub(p, "when"),
                "this timeline entry has both `at` and `when`",
                "keep one: `at` for a fixed time, or `when` for a condition",
            );
            return None;
        }
        (None, None) => {
            cx.err(
                p,
                "this timeline entry has neither `at` nor `when`",
                "add `at: \"2m\"` for a fixed time, or `when: …` for a condition",
            );
            return None;
        }
    };
    if !one_inject(cx, p, e) {
        return None;
    }
    let inject = if let Some(c) = &e.change {
        Inject::Change(fault(cx, sim, &sub(p, "change"), &c.as_fault())?)
    } else if let Some(f) = &e.fault {
        let fault = fault(cx, sim, &sub(p, "fault"), f)?;
        if fault.is_instant() && e.for_.is_some() {
            cx.err(
                &sub(p, "for"),
                format!("{} happens at an instant and has no duration", fault.name()),
                "remove `for`",
            );
        }
        Inject::Fault(fault)
    } else if let Some(m) = &e.message {
        Inject::Message { from: cx.text(&sub(p, "message"), &m.from), text: cx.text(&sub(p, "message"), &m.text) }
    } else if let Some(l) = &e.log {
        Inject::Log { source: clean(&l.source), level: l.level, text: cx.text(&sub(p, "log"), &l.text) }
    } else if let Some(a) = &e.fake_alert {
        Inject::FakeAlert {
            name: clean(&a.name),
            severity: a.severity,
            summary: cx.text(&sub(p, "fake_alert"), &a.summary),
            duration: a.for_,
        }
    } else {
        return None;
    };
    if !matches!(inject, Inject::Fault(_)) && (e.for_.is_some() || !e.cleared_by.is_empty() || e.clear_when.is_some()) {
        let what = if e.for_.is_some() {
            "for"
        } else if e.clear_when.is_some() {
            "clear_when"
        } else {
            "cleared_by"
        };
        cx.err(
            &sub(p, what),
            "`for`, `cleared_by` and `clear_when` apply to faults only",
            "remove it: messages, logs and changes have no duration, and a fake alert's is the `for` inside `fake_alert`",
        );
    }
    let cleared_by = e
        .cleared_by
        .iter()
        .enumerate()
        .filter_map(|(k, c)| clear_match(cx, known, &[&sub(p, "cleared_by")[..], &[index(k)]].concat(), c))
        .collect();
    let clear_when = e.clear_when.as_ref().map(|c| condition(cx, sim, labels, &sub(p, "clear_when"), c));
    Some(TimelineEntry {
        // Shown in events: cleaned like any other text.
        label: cx.text(&sub(p, "label"), label),
        trigger,
        inject,
        duration: e.for_,
        cleared_by,
        clear_when,
    })
}

/// A contingency is fired by its label, typed on a command line: it must have one, and the
/// label must be a name (it is unique, like every label).
pub(super) fn manual_label(cx: &mut Ctx, path: &[Seg], label: Option<&str>, entry: &[Seg]) {
    match label {
        None => cx.err(
            entry,
            "this manual timeline entry has no label: a facilitator fires it by its label",
            "add e.g. `label: \"db-slow-contingency\"`",
        ),
        Some(l) if !super::validate_ctx::usable_name(l) => cx.err(
            path,
            format!("`{}` cannot be typed after `fire`: a contingency's label is one word", clean(l)),
            "use 1–40 letters, digits, '-', '_' or '.', e.g. \"vp-asks\"",
        ),
        Some(_) => {}
    }
}

/// The names a judgement's or a `cleared_by` match's `target` may give: services, caches,
/// third parties, versions, flags, teams, alerts, endpoints, abusive clients, `db`, `edge`.
pub(super) fn known_names(cx: &Ctx, sim: &SimSpec) -> Vec<String> {
    let mut known: Vec<String> = cx.services.clone();
    known.extend(cx.caches.iter().cloned());
    known.extend(cx.third_parties.iter().cloned());
    known.extend(cx.versions.iter().cloned());
    known.extend(cx.flags.iter().cloned());
    known.extend(sim.teams.iter().map(|t| t.name.clone()));
    known.extend(sim.alerts.iter().map(|a| a.name.clone()));
    known.extend(sim.services.iter().flat_map(|s| s.endpoints.iter().map(|e| e.name.clone())));
    known.push("db".into());
    known.push("edge".into());
    // The abusive clients the timeline starts.
    known.extend(cx.clients.iter().cloned());
    known
}

/// A `cleared_by` entry, checked: a kind, with parameters that kind has.
fn clear_match(cx: &mut Ctx, known: &[String], p: &[Seg], c: &RawClearBy) -> Option<CommandMatch> {
    use crate::sim::CommandKind as K;
    let m = match c {
        RawClearBy::Kind(k) => return Some(CommandMatch::kind(*k)),
        RawClearBy::Match(m) => m,
    };
    if let Some(s) = &m.service {
        cx.lookup(&sub(p, "service"), &cx.services.clone(), s, "service")?;
    }
    if let Some(t) = &m.target
        && !known.contains(t)
    {
        cx.err(
            &sub(p, "target"),
            format!("`{}` names nothing in this scenario", clean(t)),
            "a target is a dependency, flag, cache, version, team, alert, endpoint or client name",
        );
    }
    let numbered =
        matches!(m.command, K::Scale | K::SetTimeout | K::SetRetries | K::SetPoolSize | K::SetShed | K::SetRateLimit);
    if (m.below.is_some() || m.above.is_some()) && !numbered {
        cx.err(
            &sub(p, if m.below.is_some() { "below" } else { "above" }),
            format!("{:?} has no number to compare", m.command),
            "below/above apply to Scale (instances), SetTimeout (ms), SetRetries (tries), SetPoolSize, SetShed (fraction) and SetRateLimit (rps)",
        );
    }
    if m.direction.is_some() && m.command != K::Scale {
        cx.err(&sub(p, "direction"), "direction applies to Scale only", "remove it");
    }
    if m.on.is_some() && !matches!(m.command, K::SetFlag | K::SetBreaker | K::SetDeadlines | K::SetHealthCheck) {
        cx.err(
            &sub(p, "on"),
            format!("{:?} has no on/off to match", m.command),
            "on applies to SetFlag, SetBreaker, SetDeadlines and SetHealthCheck",
        );
    }
    Some(CommandMatch {
        kind: m.command,
        service: m.service.clone(),
        target: m.target.clone(),
        on: m.on,
        direction: m.direction,
        below: m.below,
        above: m.above,
    })
}

/// One judgement: its version must be one of the scenario's and fit a deploy or rollback, its
/// bounds must be ordered, and a direction must fit the command.
fn judgement(cx: &mut Ctx, p: &[Seg], j: &super::raw::RawJudge) -> Judgement {
    use super::Direction as D;
    use crate::sim::CommandKind as K;
    if j.command.facilitator_only() {
        cx.err(
            &sub(p, "command"),
            format!("{:?} is a facilitator's command: it is never judged", j.command),
            "judge what the players do; remove this judgement",
        );
    }
    if let Some(v) = &j.version {
        cx.lookup(&sub(p, "version"), &cx.versions.clone(), v, "version");
        if !matches!(j.command, K::Deploy | K::Rollback) {
            cx.err(&sub(p, "version"), "`version` applies to Deploy and Rollback", "remove it, or judge a Deploy");
        }
    }
    if let (Some(lo), Some(hi)) = (j.at_least, j.at_most)
        && lo > hi
    {
        cx.err(&sub(p, "at_most"), "at_most is below at_least: nothing can match", "");
    }
    if let Some(d) = j.direction {
        let fits = match d {
            D::Up | D::Down => matches!(
                j.command,
                K::Scale | K::SetRetries | K::SetTimeout | K::SetPoolSize | K::SetShed | K::SetRateLimit
            ),
            D::Longer | D::Shorter => j.command == K::SetTimeout,
            D::On | D::Off => {
                matches!(j.command, K::SetFlag | K::SetBreaker | K::SetDeadlines | K::SetRetries | K::SetShed)
            }
            D::Set | D::Removed => matches!(j.command, K::SetRateLimit | K::SetShed),
        };
        if !fits {
            cx.err(
                &sub(p, "direction"),
                format!("{d:?} does not describe a {:?} command", j.command),
                "Up/Down: scale, tries, pool size, timeout, shed, rate limit; Longer/Shorter: timeouts; On/Off: flags, breakers, deadlines, retry budgets, shedding; Set/Removed: rate limits and shedding",
            );
        }
    }
    Judgement {
        command: j.command,
        service: j.service.clone(),
        target: j.target.clone(),
        on: j.on,
        direction: j.direction,
        version: j.version.clone(),
        at_least: j.at_least,
        at_most: j.at_most,
        verdict: j.verdict,
        why: cx.text(&sub(p, "why"), &j.why),
    }
}

/// Whether a timeline entry injects exactly one thing; reports the entry otherwise.
fn one_inject(cx: &mut Ctx, p: &[Seg], e: &RawEntry) -> bool {
    let injects: Vec<&str> = [
        ("fault", e.fault.is_some()),
        ("change", e.change.is_some()),
        ("message", e.message.is_some()),
        ("log", e.log.is_some()),
        ("fake_alert", e.fake_alert.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    match injects[..] {
        [_] => true,
        [] => {
            cx.err(
                p,
                "this timeline entry does nothing",
                "add one of `fault`, `change`, `message`, `log` or `fake_alert`",
            );
            false
        }
        [first, second, ..] => {
            cx.err(
                &sub(p, second),
                format!("a timeline entry injects one thing, and this one has both `{first}` and `{second}`"),
                "split it into two entries with the same trigger",
            );
            false
        }
    }
}

pub(super) fn condition(cx: &mut Ctx, sim: &SimSpec, labels: &[String], path: &[Seg], c: &RawCondition) -> Condition {
    let label =
        |cx: &mut Ctx, l: &str| cx.lookup(&[path, &[index(0)]].concat(), labels, l, "timeline label").unwrap_or(0);
    match c {
        RawCondition::Metric { metric: m, above, below, for_ } => {
            let Some(m) = metric(cx, sim, &sub(path, "metric"), m) else {
                return Condition::Declared;
            };
            let (op, value) = comparison(cx, path, *above, *below);
            Condition::Metric { metric: m, op, value, for_: *for_ }
        }
        RawCondition::Recovered { metric: m, above, below, for_ } => {
            let Some(m) = metric(cx, sim, &sub(path, "metric"), m) else { return Condition::Declared };
            let (op, value) = comparison(cx, path, *above, *below);
            Condition::Recovered { metric: m, op, value, for_: *for_ }
        }
        RawCondition::After(t) => {
            cx.within_length(&[path, &[index(0)]].concat(), *t);
            Condition::After(SimTime(t.0))
        }
        RawCondition::Command(k) => Condition::Command(*k),
        RawCondition::NoCommandBy { command, by } => {
            cx.within_length(&sub(path, "by"), *by);
            Condition::NoCommandBy { kind: *command, by: SimTime(by.0) }
        }
        RawCondition::NoStatusUpdateBy(by) => {
            cx.within_length(&[path, &[index(0)]].concat(), *by);
            Condition::NoCommandBy { kind: crate::sim::CommandKind::StatusUpdate, by: SimTime(by.0) }
        }
        RawCondition::Declared => Condition::Declared,
        RawCondition::StatusPosted => Condition::StatusPosted,
        RawCondition::Started(l) => Condition::Started(label(cx, l)),
        RawCondition::FaultActive(l) => Condition::FaultActive(label(cx, l)),
        RawCondition::FlagOn(f) | RawCondition::FlagOff(f) => {
            let i = cx.lookup(&[path, &[index(0)]].concat(), &cx.flags.clone(), f, "flag").unwrap_or(0);
            if matches!(c, RawCondition::FlagOn(_)) {
                Condition::FlagOn(i)
            } else {
                Condition::Not(Box::new(Condition::FlagOn(i)))
            }
        }
        RawCondition::FaultCleared(l) => Condition::FaultCleared(label(cx, l)),
        RawCondition::Averted(l) => Condition::Averted(label(cx, l)),
        RawCondition::VersionEverywhere { service, version } | RawCondition::VersionGone { service, version } => {
            let s = cx.lookup(&sub(path, "service"), &cx.services.clone(), service, "service").unwrap_or(0);
            let v = cx.lookup(&sub(path, "version"), &cx.versions.clone(), version, "version").unwrap_or(0);
            if matches!(c, RawCondition::VersionGone { .. }) {
                Condition::VersionGone { service: s, version: v }
            } else {
                Condition::VersionEverywhere { service: s, version: v }
            }
        }
        RawCondition::Blocked(client) => {
            cx.lookup(&[path, &[index(0)]].concat(), &cx.clients.clone(), client, "abusive client");
            Condition::Blocked(client.clone())
        }
        RawCondition::All(cs) | RawCondition::Any(cs) => {
            let inner: Vec<Condition> = cs
                .iter()
                .enumerate()
                .map(|(i, c)| condition(cx, sim, labels, &[path, &[index(0), index(i)]].concat(), c))
                .collect();
            if matches!(c, RawCondition::All(_)) { Condition::All(inner) } else { Condition::Any(inner) }
        }
        RawCondition::Not(inner) => {
            Condition::Not(Box::new(condition(cx, sim, labels, &[path, &[index(0)]].concat(), inner)))
        }
    }
}

/// Each timeline entry's label, or "entry N" for one without: what conditions name.
pub(super) fn timeline_labels(raw: &RawScenario) -> Vec<String> {
    raw.timeline
        .iter()
        .enumerate()
        .map(|(i, e)| e.label.clone().unwrap_or_else(|| format!("entry {}", i + 1)))
        .collect()
}
