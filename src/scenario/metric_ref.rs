//! Metric names in scenario files: `component.metric`, e.g. `edge.error_rate`, `api.p99`,
//! `db.load`, `sessions.hit_ratio`, `api->payments.breaker_open`, and `business.cost` (what the
//! second's harm cost, in a scenario that sets `business` costs). Units are those of
//! `Window::value`: fractions for ratios, milliseconds for latencies, counts per second.

use crate::sim::model::spec::{SimSpec, Target};
use crate::sim::{Component, Metric, MetricRef};

const NAMES: [(&str, Metric); 55] = [
    ("rps", Metric::Rps),
    ("error_rate", Metric::ErrorRate),
    ("errors", Metric::Errors),
    ("p50", Metric::P50),
    ("p90", Metric::P90),
    ("p99", Metric::P99),
    ("p999", Metric::P999),
    ("timeouts", Metric::Timeouts),
    ("shed", Metric::Shed),
    ("rate_limited", Metric::RateLimited),
    ("queue", Metric::QueueDepth),
    ("in_flight", Metric::InFlight),
    ("worker_util", Metric::WorkerUtil),
    ("cpu", Metric::CpuUtil),
    ("memory", Metric::Memory),
    ("pool_busy", Metric::PoolBusy),
    ("pool_waiting", Metric::PoolWaiting),
    ("pool_timeouts", Metric::PoolTimeouts),
    ("load", Metric::DbLoad),
    ("connections", Metric::Connections),
    ("hit_ratio", Metric::HitRatio),
    ("breaker_open", Metric::BreakerOpen),
    ("attempts", Metric::AttemptsPerRequest),
    ("ready", Metric::Ready),
    ("duplicates", Metric::Duplicates),
    ("burn_1h", Metric::BurnRate1h),
    ("burn_5m", Metric::BurnRate5m),
    ("budget_left", Metric::BudgetLeft),
    ("queue_wait_p99", Metric::QueueWaitP99),
    ("pool_wait_p99", Metric::PoolWaitP99),
    ("abandoned", Metric::Abandoned),
    ("in_system", Metric::InSystem),
    ("pathological", Metric::Pathological),
    ("health_failures", Metric::HealthFailures),
    ("threads", Metric::Threads),
    ("versions", Metric::Versions),
    ("depth", Metric::Backlog),
    ("age", Metric::OldestAge),
    ("enqueued", Metric::Enqueued),
    ("processed", Metric::Processed),
    ("redelivered", Metric::Redelivered),
    ("dead_lettered", Metric::DeadLettered),
    ("dlq", Metric::DeadLetters),
    ("expired", Metric::Expired),
    ("replication_lag", Metric::ReplicationLag),
    ("lost_writes", Metric::LostWrites),
    ("stale_reads", Metric::StaleReads),
    ("conflicting_writes", Metric::ConflictingWrites),
    ("lost_writes_total", Metric::LostWritesTotal),
    ("conflicting_writes_total", Metric::ConflictingWritesTotal),
    ("stale_reads_total", Metric::StaleReadsTotal),
    ("old_side_writes", Metric::OldSideWrites),
    ("new_side_writes", Metric::NewSideWrites),
    ("restore_progress", Metric::RestoreProgress),
    ("primary_rtt", Metric::PrimaryRtt),
];

/// The database metrics that need replicas.
fn replication_metric(m: Metric) -> bool {
    use Metric as M;
    matches!(
        m,
        M::ReplicationLag
            | M::LostWrites
            | M::StaleReads
            | M::ConflictingWrites
            | M::LostWritesTotal
            | M::ConflictingWritesTotal
            | M::StaleReadsTotal
            | M::OldSideWrites
            | M::NewSideWrites
            | M::RestoreProgress
            | M::PrimaryRtt
    )
}

fn applies(c: Component, m: Metric) -> bool {
    use Metric as M;
    let red = matches!(m, M::Rps | M::ErrorRate | M::Errors | M::P50 | M::P90 | M::P99 | M::P999);
    match c {
        Component::Edge => {
            red || matches!(
                m,
                M::Timeouts
                    | M::Shed
                    | M::RateLimited
                    | M::AttemptsPerRequest
                    | M::Duplicates
                    | M::BurnRate1h
                    | M::BurnRate5m
                    | M::BudgetLeft
            )
        }
        Component::Service(_) => {
            red || matches!(
                m,
                M::Timeouts
                    | M::Shed
                    | M::QueueDepth
                    | M::InFlight
                    | M::WorkerUtil
                    | M::CpuUtil
                    | M::Memory
                    | M::PoolBusy
                    | M::PoolWaiting
                    | M::PoolTimeouts
                    | M::Ready
                    | M::QueueWaitP99
                    | M::PoolWaitP99
                    | M::Abandoned
                    | M::InSystem
                    | M::Pathological
                    | M::HealthFailures
                    | M::Threads
                    | M::Versions
            )
        }
        Component::Database => red || replication_metric(m) || matches!(m, M::QueueDepth | M::DbLoad | M::Connections),
        Component::Cache(_) => matches!(m, M::HitRatio),
        Component::ThirdParty(_) => red || matches!(m, M::Timeouts | M::RateLimited),
        Component::Dep { .. } => {
            red || matches!(
                m,
                M::Timeouts | M::Shed | M::RateLimited | M::BreakerOpen | M::AttemptsPerRequest | M::Duplicates
            )
        }
        Component::Queue(_) => matches!(
            m,
            M::Backlog
                | M::OldestAge
                | M::Enqueued
                | M::Processed
                | M::Redelivered
                | M::Duplicates
                | M::DeadLettered
                | M::DeadLetters
                | M::Expired
        ),
    }
}

/// Parses `component.metric`; on failure, the message and a hint.
pub fn parse(sim: &SimSpec, text: &str) -> Result<MetricRef, (String, String)> {
    let Some((comp, metric)) = text.rsplit_once('.') else {
        return Err((
            format!("`{text}` is not a metric"),
            "write component.metric, e.g. edge.error_rate or api.p99".into(),
        ));
    };
    if comp == "business" {
        if sim.business.is_none() {
            return Err((
                "this scenario sets no business costs".into(),
                "add business: (currency: \"$\", per_failed_request: 0.5, …) to measure business.cost".into(),
            ));
        }
        if metric != "cost" {
            return Err((format!("unknown metric `{metric}`"), "`business` reports: cost".into()));
        }
        // The business's cost is the users' harm: it is measured where users are, at the edge.
        return Ok(MetricRef { component: Component::Edge, metric: Metric::BusinessCost });
    }
    let component = if comp == "edge" {
        Component::Edge
    } else if comp == "db" {
        if sim.database.is_none() {
            return Err(("this scenario has no database".into(), String::new()));
        }
        Component::Database
    } else if let Some((from, to)) = comp.split_once("->") {
        let s = sim.service_index(from).ok_or_else(|| (format!("unknown service `{from}`"), services_hint(sim)))?;
        let d = sim.dep_index(s, to).ok_or_else(|| (format!("{from} does not call `{to}`"), calls_hint(sim, s)))?;
        Component::Dep { service: s, dep: d }
    } else if let Some(s) = sim.service_index(comp) {
        Component::Service(s)
    } else if let Some(c) = sim.cache_index(comp) {
        Component::Cache(c)
    } else if let Some(t) = sim.third_party_index(comp) {
        Component::ThirdParty(t)
    } else if let Some(q) = sim.queues.iter().position(|q| q.name == comp) {
        Component::Queue(q)
    } else {
        return Err((format!("unknown component `{comp}`"), services_hint(sim)));
    };
    let reports = || {
        let ok: Vec<&str> = NAMES.iter().filter(|(_, x)| applies(component, *x)).map(|(n, _)| *n).collect();
        format!("`{comp}` reports: {}", ok.join(", "))
    };
    let Some(&(_, m)) = NAMES.iter().find(|(n, _)| *n == metric) else {
        return Err((format!("unknown metric `{metric}`"), reports()));
    };
    if !applies(component, m) {
        return Err((format!("`{comp}` does not report `{metric}`"), reports()));
    }
    if replication_metric(m) && sim.database.as_ref().is_some_and(|d| d.replication.replicas.is_empty()) {
        return Err((
            format!("`db.{metric}` needs replicas, and this database has none"),
            "add replicas: [(name: \"replica-1\")] to the database".into(),
        ));
    }
    Ok(MetricRef { component, metric: m })
}

/// What service `s` calls, for a hint.
pub(super) fn calls_hint(sim: &SimSpec, s: usize) -> String {
    let names: Vec<&str> = sim.services[s]
        .deps
        .iter()
        .map(|d| match d.target {
            Target::Database => "db",
            Target::Service(t) => &sim.services[t].name,
            Target::ThirdParty(x) => &sim.third_parties[x].name,
        })
        .collect();
    if names.is_empty() {
        format!("{} calls nothing", sim.services[s].name)
    } else {
        format!("{} calls: {}", sim.services[s].name, names.join(", "))
    }
}

fn services_hint(sim: &SimSpec) -> String {
    let mut all = vec!["edge".to_string()];
    if sim.database.is_some() {
        all.push("db".into());
    }
    all.extend(sim.services.iter().map(|s| s.name.clone()));
    all.extend(sim.caches.iter().map(|c| c.name.clone()));
    all.extend(sim.third_parties.iter().map(|t| t.name.clone()));
    all.extend(sim.queues.iter().map(|q| q.name.clone()));
    format!("components are: {} (and service->dependency)", all.join(", "))
}
