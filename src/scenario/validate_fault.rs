//! Validating a fault: every name it mentions (service, instance, target, third party,
//! cache, version, config change) resolved to an index, every number in range.

use super::error::{clean, field};
use super::locate::Seg;
use super::metric_ref;
use super::raw::{RawConfigChange, RawFault};
use super::validate::Ctx;
use crate::sim::model::fault::{Capacity, CertTarget, ConfigChange, Fault};
use crate::sim::model::spec::{Bucket, SimSpec};

fn sub(path: &[Seg], f: &str) -> Vec<Seg> {
    [path, &[field(f)]].concat()
}

pub(super) fn fault(cx: &mut Ctx, sim: &SimSpec, p: &[Seg], f: &RawFault) -> Option<Fault> {
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
        RawFault::BadDeploy { service, version, batch, by, miss, stop_after } => {
            let s = svc(cx, service)?;
            let v = cx.lookup(&sub(p, "version"), &cx.versions.clone(), version, "version")?;
            let batch = batch.unwrap_or_else(|| sim.services[s].instances.div_ceil(4)).max(1);
            let n = sim.services[s].instances;
            if let Some(k) = miss.iter().position(|&m| m == 0 || m > n) {
                cx.err(
                    &[&sub(p, "miss")[..], &[super::error::index(k)]].concat(),
                    format!("{service} starts with instances 1 to {n}; there is no instance {}", miss[k]),
                    "miss names the instances (by number) the rollout leaves on their version",
                );
            }
            if miss.len() > 200 {
                cx.err(&sub(p, "miss"), "at most 200 instances", "");
            }
            Fault::BadDeploy {
                service: s,
                version: v,
                batch,
                by: clean(by),
                miss: miss.iter().copied().take(200).collect(),
                stop_after: *stop_after,
            }
        }
        RawFault::FlagFlip { flag, on, by } => Fault::FlagFlip {
            flag: cx.lookup(&sub(p, "flag"), &cx.flags.clone(), flag, "flag")?,
            on: *on,
            by: clean(by),
        },
        RawFault::CapacityChange { service, remove, add, fraction, by, intended } => {
            let s = svc(cx, service)?;
            let change = match (remove, add, fraction) {
                (Some(n), None, None) if *n > 0 => Capacity::Remove(*n),
                (None, Some(n), None) if *n > 0 && *n <= super::validate::MAX_INSTANCES => Capacity::Add(*n),
                (None, None, Some(f)) if *f > 0.0 && *f <= 1.0 => Capacity::RemoveFraction(*f),
                _ => {
                    cx.err(
                        p,
                        "a capacity change needs exactly one of remove: n (above 0), add: n (1 to 200) or fraction: f (above 0, at most 1)",
                        "e.g. CapacityChange(service: \"index\", fraction: 0.8, by: \"s3-oncall\", intended: \"remove 2 billing hosts\")",
                    );
                    return None;
                }
            };
            let _ = s;
            Fault::CapacityChange {
                service: s,
                change,
                by: clean(by),
                intended: cx.text(&sub(p, "intended"), intended),
            }
        }
        RawFault::ManualCommand { service, instance, command, effect, by } => {
            let s = svc(cx, service)?;
            if instance.is_some_and(|n| n == 0 || n > sim.services[s].instances) {
                cx.err(
                    &sub(p, "instance"),
                    format!("{service} starts with instances 1 to {}", sim.services[s].instances),
                    "leave `instance` out for a ready instance chosen at random",
                );
            }
            Fault::ManualCommand {
                service: s,
                instance: *instance,
                command: cx.text(&sub(p, "command"), command),
                effect: *effect,
                by: clean(by),
            }
        }
        RawFault::PathologicalInput { service, endpoint, fraction, cpu, crash, version, flag } => {
            let s = svc(cx, service)?;
            let eps: Vec<String> =
                sim.services[s].endpoints[..sim.services[s].health_endpoint].iter().map(|e| e.name.clone()).collect();
            let e = cx.lookup(&sub(p, "endpoint"), &eps, endpoint, "endpoint")?;
            let fraction = cx.fraction(&sub(p, "fraction"), *fraction, "fraction");
            let version = match version {
                Some(v) => Some(cx.lookup(&sub(p, "version"), &cx.versions.clone(), v, "version")?),
                None => None,
            };
            let flag = match flag {
                Some(f) => Some(cx.lookup(&sub(p, "flag"), &cx.flags.clone(), f, "flag")?),
                None => None,
            };
            Fault::PathologicalInput {
                service: s,
                endpoint: e,
                fraction,
                cpu: cx.dist(&sub(p, "cpu"), cpu),
                crash: *crash,
                version,
                flag,
            }
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
                    Err(_) => match metric_ref::parse(sim, &format!("{c}.hit_ratio"))
                        .or_else(|_| metric_ref::parse(sim, &format!("{c}.depth")))
                    {
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
        RawFault::PoisonMessage { queue, count } => {
            let q = cx.lookup(&sub(p, "queue"), &cx.queues.clone(), queue, "queue")?;
            if *count == 0 || *count > 10_000 {
                cx.err(&sub(p, "count"), format!("count must be 1 to 10000, not {count}"), "");
            }
            Fault::PoisonMessage { queue: q, count: (*count).clamp(1, 10_000) }
        }
        RawFault::SlowReplica { replica, factor } => {
            needs_db(cx, sim, p)?;
            let names: Vec<String> =
                sim.database.iter().flat_map(|d| d.replication.replicas.iter().map(|r| r.name.clone())).collect();
            let r = cx.lookup(&sub(p, "replica"), &names, replica, "replica")?;
            Fault::SlowReplica { replica: r, factor: cx.positive(&sub(p, "factor"), *factor, "factor") }
        }
        RawFault::PrimaryPartition { fraction } => {
            needs_db(cx, sim, p)?;
            if sim.database.as_ref().is_some_and(|d| d.replication.replicas.is_empty()) {
                cx.err(
                    p,
                    "a primary partition needs replicas to be cut off from",
                    "add replicas: [(name: \"replica-1\")] to the database",
                );
            }
            Fault::PrimaryPartition { fraction: cx.fraction(&sub(p, "fraction"), *fraction, "fraction") }
        }
    })
}

fn needs_db(cx: &mut Ctx, sim: &SimSpec, p: &[Seg]) -> Option<()> {
    if sim.database.is_none() {
        cx.err(p, "this fault needs a database, and the scenario has none", "add database: (...)");
        return None;
    }
    Some(())
}
