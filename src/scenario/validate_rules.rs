//! Validating what happens and how it is judged: alert rules, the timeline of faults and
//! injects with their triggers, objectives, hints, judgements and the expert path.

use super::error::{clean, field, index};
use super::locate::Seg;
use super::metric_ref;
use super::raw::{RawAlertExpr, RawCondition, RawConfigChange, RawEntry, RawFault, RawScenario};
use super::validate::Ctx;
use super::{ExpertStep, Judgement};
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::fault::{CertTarget, ConfigChange, Fault};
use crate::sim::model::rules::{AlertExpr, AlertRule, Cmp, Condition, Inject, Objective, TimelineEntry, Trigger};
use crate::sim::model::spec::{Bucket, SimSpec};
use crate::sim::observe::metric::MetricRef;

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

    // Labels first: conditions may refer to entries later in the timeline.
    cx.count(&[field("timeline")], raw.timeline.len());
    let labels: Vec<String> = raw
        .timeline
        .iter()
        .enumerate()
        .map(|(i, e)| e.label.clone().unwrap_or_else(|| format!("entry {}", i + 1)))
        .collect();
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
        let trigger = match (&e.at, &e.when) {
            (Some(at), None) => {
                cx.within_length(&sub(&p, "at"), *at);
                Trigger::At(SimTime(at.0))
            }
            (None, Some(c)) => Trigger::When(condition(cx, sim, &labels, &sub(&p, "when"), c)),
            (Some(_), Some(_)) => {
                cx.err(
                    &sub(&p, "when"),
                    "this timeline entry has both `at` and `when`",
                    "keep one: `at` for a fixed time, or `when` for a condition",
                );
                continue;
            }
            (None, None) => {
                cx.err(
                    &p,
                    "this timeline entry has neither `at` nor `when`",
                    "add `at: \"2m\"` for a fixed time, or `when: …` for a condition",
                );
                continue;
            }
        };
        if !one_inject(cx, &p, e) {
            continue;
        }
        let inject = if let Some(f) = &e.fault {
            let Some(fault) = fault(cx, sim, &sub(&p, "fault"), f) else {
                continue;
            };
            if fault.is_instant() && e.for_.is_some() {
                cx.err(
                    &sub(&p, "for"),
                    format!("{} happens at an instant and has no duration", fault.name()),
                    "remove `for`",
                );
            }
            Inject::Fault(fault)
        } else if let Some(m) = &e.message {
            Inject::Message { from: cx.text(&sub(&p, "message"), &m.from), text: cx.text(&sub(&p, "message"), &m.text) }
        } else if let Some(l) = &e.log {
            Inject::Log { source: clean(&l.source), level: l.level, text: cx.text(&sub(&p, "log"), &l.text) }
        } else if let Some(a) = &e.fake_alert {
            Inject::FakeAlert {
                name: clean(&a.name),
                severity: a.severity,
                summary: cx.text(&sub(&p, "fake_alert"), &a.summary),
                duration: a.for_,
            }
        } else {
            continue;
        };
        if !matches!(inject, Inject::Fault(_)) && (e.for_.is_some() || !e.cleared_by.is_empty()) {
            cx.err(
                &sub(&p, if e.for_.is_some() { "for" } else { "cleared_by" }),
                "`for` and `cleared_by` apply to faults only",
                "remove it: messages and logs have no duration, and a fake alert's is the `for` inside `fake_alert`",
            );
        }
        sim.timeline.push(TimelineEntry {
            // Shown in events: cleaned like any other text.
            label: cx.text(&sub(&p, "label"), &labels[i]),
            trigger,
            inject,
            duration: e.for_,
            cleared_by: e.cleared_by.clone(),
        });
    }

    cx.count(&[field("objectives")], raw.objectives.len());
    for (i, o) in raw.objectives.iter().enumerate() {
        let p = [field("objectives"), index(i)];
        let condition = condition(cx, sim, &labels, &sub(&p, "when"), &o.when);
        sim.objectives.push(Objective { name: cx.text(&sub(&p, "name"), &o.name), condition });
    }
    sim.hints = cx.texts(&[field("hints")], &raw.hints);

    let mut known: Vec<String> = cx.services.clone();
    known.extend(cx.caches.iter().cloned());
    known.extend(cx.third_parties.iter().cloned());
    known.extend(cx.versions.iter().cloned());
    known.extend(cx.flags.iter().cloned());
    known.extend(sim.teams.iter().map(|t| t.name.clone()));
    known.extend(sim.alerts.iter().map(|a| a.name.clone()));
    known.push("db".into());
    known.push("edge".into());
    for e in &sim.timeline {
        if let Inject::Fault(Fault::AbusiveClient { client, .. }) = &e.inject {
            known.push(client.clone());
        }
    }
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
            Judgement {
                command: j.command,
                service: j.service.clone(),
                target: j.target.clone(),
                on: j.on,
                direction: j.direction,
                verdict: j.verdict,
                why: cx.text(&sub(&p, "why"), &j.why),
            }
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

/// Whether a timeline entry injects exactly one thing; reports the entry otherwise.
fn one_inject(cx: &mut Ctx, p: &[Seg], e: &RawEntry) -> bool {
    let injects: Vec<&str> = [
        ("fault", e.fault.is_some()),
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
            cx.err(p, "this timeline entry does nothing", "add one of `fault`, `message`, `log` or `fake_alert`");
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

fn condition(cx: &mut Ctx, sim: &SimSpec, labels: &[String], path: &[Seg], c: &RawCondition) -> Condition {
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
            Condition::NoCommandBy { kind: crate::sim::model::command::CommandKind::StatusUpdate, by: SimTime(by.0) }
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

fn fault(cx: &mut Ctx, sim: &SimSpec, p: &[Seg], f: &RawFault) -> Option<Fault> {
    let services = cx.services.clone();
    let svc = |cx: &mut Ctx, name: &str| cx.lookup(&sub(p, "service"), &services, name, "service");
    let tps = cx.third_parties.clone();
    let tp = |cx: &mut Ctx, name: &str| cx.lookup(&sub(p, "target"), &tps, name, "third party");
    let caches = cx.caches.clone();
    let cache = |cx: &mut Ctx, name: &str| cx.lookup(&sub(p, "cache"), &caches, name, "cache");
    Some(match f {
        RawFault::InstanceCrash { service, instance } => {
            Fault::InstanceCrash { service: svc(cx, service)?, instance: *instance }
        }
        RawFault::ServiceOutage { service } => Fault::ServiceOutage { service: svc(cx, service)? },
        RawFault::AddLatency { target, extra } => {
            Fault::AddLatency { target: cx.target(&sub(p, "target"), target)?, extra: *extra }
        }
        RawFault::ErrorInjection { target, rate } => Fault::ErrorInjection {
            target: cx.target(&sub(p, "target"), target)?,
            rate: cx.fraction(&sub(p, "rate"), *rate, "rate"),
        },
        RawFault::DependencyDown { target } => Fault::DependencyDown { third_party: tp(cx, target)? },
        RawFault::BlackHole { target } => Fault::BlackHole { third_party: tp(cx, target)? },
        RawFault::QuotaCut { target, rps, burst } => {
            let rate = cx.positive(&sub(p, "rps"), *rps, "rps");
            Fault::QuotaCut {
                third_party: tp(cx, target)?,
                limit: Bucket { rate, burst: burst.unwrap_or(rate).max(1.0) },
            }
        }
        RawFault::SlowQueries { factor, fixed_by_failover } => {
            needs_db(cx, sim, p)?;
            Fault::SlowQueries {
                factor: cx.positive(&sub(p, "factor"), *factor, "factor"),
                fixed_by_failover: *fixed_by_failover,
            }
        }
        RawFault::DatabaseDown => {
            needs_db(cx, sim, p)?;
            Fault::DatabaseDown
        }
        RawFault::DiskFull { write_fraction } => {
            needs_db(cx, sim, p)?;
            Fault::DiskFull {
                write_fraction: cx.fraction(&sub(p, "write_fraction"), *write_fraction, "write_fraction"),
            }
        }
        RawFault::ConnectionLeak { service, per_minute } => Fault::ConnectionLeak {
            service: svc(cx, service)?,
            per_minute: cx.positive(&sub(p, "per_minute"), *per_minute, "per_minute"),
        },
        RawFault::MemoryLeak { service, mb_per_min } => Fault::MemoryLeak {
            service: svc(cx, service)?,
            mb_per_s: cx.positive(&sub(p, "mb_per_min"), *mb_per_min, "mb_per_min") / 60.0,
        },
        RawFault::CpuHog { service, cores } => {
            Fault::CpuHog { service: svc(cx, service)?, cores: cx.positive(&sub(p, "cores"), *cores, "cores") }
        }
        RawFault::TrafficSpike { factor } => {
            let factor = cx.positive(&sub(p, "factor"), *factor, "factor");
            if sim.traffic.base_rps * factor > super::validate::MAX_RPS {
                cx.err(
                    &sub(p, "factor"),
                    format!(
                        "the spike would reach {:.0} rps; the limit is {}",
                        sim.traffic.base_rps * factor,
                        super::validate::MAX_RPS
                    ),
                    "",
                );
            }
            Fault::TrafficSpike { factor }
        }
        RawFault::AbusiveClient { client, rps } => {
            cx.name(&sub(p, "client"), client);
            if !(*rps > 0.0 && *rps <= super::validate::MAX_RPS) {
                cx.err(&sub(p, "rps"), format!("rps must be between 0 and {}", super::validate::MAX_RPS), "");
            }
            Fault::AbusiveClient { client: client.clone(), rps: rps.clamp(0.0, super::validate::MAX_RPS) }
        }
        RawFault::CacheFlush { cache: c } => Fault::CacheFlush { cache: cache(cx, c)? },
        RawFault::HotKeyExpiry { cache: c } => {
            let c = cache(cx, c)?;
            if sim.caches[c].hot_key.is_none() {
                cx.err(
                    &sub(p, "cache"),
                    format!("cache `{}` has no hot_key", sim.caches[c].name),
                    "add hot_key: (share: 0.2) to the cache",
                );
            }
            Fault::HotKeyExpiry { cache: c }
        }
        RawFault::BadDeploy { service, version, batch, by } => {
            let s = svc(cx, service)?;
            let v = cx.lookup(&sub(p, "version"), &cx.versions.clone(), version, "version")?;
            let batch = batch.unwrap_or_else(|| sim.services[s].instances.div_ceil(4)).max(1);
            Fault::BadDeploy { service: s, version: v, batch, by: clean(by) }
        }
        RawFault::BadConfig { service, change, by } => {
            let s = svc(cx, service)?;
            let cp = sub(p, "change");
            let dep = |cx: &mut Ctx, name: &str| {
                let d = sim.dep_index(s, name);
                if d.is_none() {
                    cx.err(
                        &sub(&cp, "dependency"),
                        format!("{service} does not call `{name}`"),
                        metric_ref::calls_hint(sim, s),
                    );
                }
                d
            };
            let change = match change {
                RawConfigChange::PoolSize(n) => ConfigChange::PoolSize((*n).clamp(1, 1000)),
                RawConfigChange::Timeout { dependency, timeout } => {
                    ConfigChange::Timeout { dep: dep(cx, dependency)?, timeout: *timeout }
                }
                RawConfigChange::Retries { dependency, max_attempts } => {
                    ConfigChange::Retries { dep: dep(cx, dependency)?, max_attempts: (*max_attempts).clamp(1, 10) }
                }
                RawConfigChange::RetryBudget { dependency, on } => {
                    ConfigChange::RetryBudget { dep: dep(cx, dependency)?, on: *on }
                }
                RawConfigChange::Breaker { dependency, enabled } => {
                    ConfigChange::Breaker { dep: dep(cx, dependency)?, enabled: *enabled }
                }
                RawConfigChange::Deadlines(on) => ConfigChange::Deadlines(*on),
                RawConfigChange::QueueLimit(l) => ConfigChange::QueueLimit(*l),
            };
            Fault::BadConfig { service: s, change, by: clean(by) }
        }
        RawFault::CertExpiry { target } => {
            let t = if target == "edge" { CertTarget::Edge } else { CertTarget::ThirdParty(tp(cx, target)?) };
            Fault::CertExpiry { target: t }
        }
        RawFault::Partition { service, target, fraction } => Fault::Partition {
            service: svc(cx, service)?,
            target: cx.target(&sub(p, "target"), target)?,
            fraction: cx.fraction(&sub(p, "fraction"), *fraction, "fraction"),
        },
        RawFault::MonitoringBlind { component } => {
            let component = match component {
                None => None,
                Some(c) => Some(match metric_ref::parse(sim, &format!("{c}.rps")) {
                    Ok(m) => m.component,
                    Err(_) => match metric_ref::parse(sim, &format!("{c}.hit_ratio")) {
                        Ok(m) => m.component,
                        Err((msg, hint)) => {
                            cx.err(&sub(p, "component"), msg, hint);
                            return None;
                        }
                    },
                }),
            };
            Fault::MonitoringBlind { component }
        }
        RawFault::MonitoringLag { lag } => Fault::MonitoringLag { lag: *lag },
    })
}

fn needs_db(cx: &mut Ctx, sim: &SimSpec, p: &[Seg]) -> Option<()> {
    if sim.database.is_none() {
        cx.err(p, "this fault needs a database, and the scenario has none", "add database: (...)");
        return None;
    }
    Some(())
}
