//! Generic rules: what any experienced responder would say about a command in the state the
//! run was in, whatever the scenario judges. Each reads the evidence (metrics, events) at the
//! command's time, or what the command caused afterwards:
//!
//! - scaling out a service whose database is saturated;
//! - restarting a busy service during a retry storm;
//! - rolling back (or deploying the previous version by hand) when no deploy is at fault, or
//!   onto a version that is broken too;
//! - allowing retries of a non-idempotent call, or raising retries on a failing dependency;
//! - failing the database over when nothing a failover fixes is wrong with it, and a failover
//!   that lost writes — judged by the loss;
//! - taking a hint (noted; its price is paid under cost).

use super::evidence::Evidence;
use super::judge::fault_active;
use super::settings;
use crate::scenario::{Direction, Spec};
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::Inject;
use crate::sim::model::spec::Target;
use crate::sim::observe::logs::group_thousands;
use crate::sim::{Command, Dur, EventKind, SimTime};

/// `Some(reason)` when the command breaks a rule.
pub(super) fn rule(spec: &Spec, ev: &Evidence, c: &Command, at: SimTime) -> Option<String> {
    let sim = &spec.sim;
    let sample = ev.at(at.whole_secs().saturating_sub(1) as u32);
    let change = settings::change(spec, ev, c, at);
    let up = change.is_some_and(|ch| ch.is(Direction::Up));
    match c {
        Command::Hint => Some("asked for a hint (its price is taken from the overall score)".into()),
        Command::Scale { service, .. } if up => {
            let s = sim.service_index(service)?;
            let uses_db = sim.services[s].deps.iter().any(|d| d.target == Target::Database);
            let sample = sample?;
            let waiting = sample.services.get(s).is_some_and(|x| x.pool_waiting > 0);
            // Requests waiting for a pool connection alone are not saturation: with the database
            // idle the pools are too small, and more instances (more pools) do help.
            (uses_db && (sample.db_load >= 0.9 || sample.db_full)).then(|| {
                format!(
                    "scaled {service} out while the database was saturated (load {:.0}%{}{}): more instances bring more connections and queries, not more database",
                    sample.db_load * 100.0,
                    if sample.db_full { ", at its connection limit" } else { "" },
                    if waiting { ", requests waiting for connections" } else { "" }
                )
            })
        }
        Command::Restart { service, .. } => {
            let s = sim.service_index(service)?;
            let sample = sample?;
            let storm = sample.tries_per_request >= 1.3
                || sample.services.iter().flat_map(|x| &x.tries_per_call).any(|t| *t >= 1.5);
            let busy = sample.services.get(s).is_some_and(|x| x.worker_util >= 0.9);
            (storm && busy).then(|| {
                format!("restarted {service} during a retry storm: clients keep retrying, so restarted instances are overwhelmed again")
            })
        }
        Command::Rollback { service } => rollback(spec, ev, service, at),
        Command::Deploy { service, .. } if settings::is_manual_rollback(ev, c, at) => rollback(spec, ev, service, at),
        Command::SetRetries { service, dependency, max_attempts, .. } if *max_attempts > 1 => {
            let s = sim.service_index(service)?;
            let d = sim.dep_index(s, dependency)?;
            let p = &sim.services[s].deps[d].policy;
            let down = change.is_some_and(|ch| ch.is(Direction::Down));
            if !p.idempotent && !p.idempotency_key && !down {
                return Some(format!(
                    "allowed retries on {service}→{dependency}, which is not idempotent and has no idempotency key: a retried call can take effect twice"
                ));
            }
            let tries = sample.and_then(|x| x.services.get(s)).and_then(|x| x.tries_per_call.get(d)).copied();
            (up && tries.is_some_and(|t| t >= 1.5)).then(|| {
                format!(
                    "raised retries on {service}→{dependency} while its calls were already failing ({:.1} tries per call): more tries are more load on what is failing",
                    tries.unwrap_or(0.0)
                )
            })
        }
        Command::Failover => failover(spec, ev, at),
        _ => None,
    }
}

/// Rolling back `service` at `at`: wrong when no bad deploy of it is running, or when the
/// version it rolls back to is broken too.
fn rollback(spec: &Spec, ev: &Evidence, service: &str, at: SimTime) -> Option<String> {
    let sim = &spec.sim;
    let s = sim.service_index(service)?;
    let active_bad_deploy = sim.timeline.iter().any(|e| {
        matches!(e.inject, Inject::Fault(Fault::BadDeploy { service: fs, .. }) if fs == s)
            && fault_active(ev, &e.label, at)
    });
    if !active_bad_deploy {
        return Some(format!("rolled back {service}, but its deploy was not the cause"));
    }
    // Rolling back onto a version that is broken too spreads the fault.
    let to = ev.events_from(at).iter().find_map(|e| match &e.kind {
        EventKind::DeployStarted { service: sv, to, by, .. } if sv == service && by == "you" => Some(to.clone()),
        _ => None,
    })?;
    let v = sim.version_index(&to).map(|i| &sim.versions[i])?;
    (v.error_rate > 0.0 || v.crash_on_start || v.leak_mb_per_s > 0.0 || v.extra_queries > 0)
        .then(|| format!("rolled back onto {to}, which is broken too ({})", v.note))
}

/// A failover is judged by what it fixed and what it cost: writes it lost (or that conflicted)
/// in the minute after it finished, or a healthy database failed over for nothing.
fn failover(spec: &Spec, ev: &Evidence, at: SimTime) -> Option<String> {
    let window = spec.sim.database.as_ref().map_or(Dur::from_secs(30), |d| d.failover_window);
    let from = at.whole_secs() as u32;
    let to = (at + window + Dur::from_secs(60)).whole_secs() as u32;
    let (lost, conflicts) = ev.spans(from, to).fold((0u64, 0u64), |(l, c), (s, k)| {
        (l + u64::from(s.lost_writes) * u64::from(k), c + u64::from(s.conflicting_writes) * u64::from(k))
    });
    if lost + conflicts > 0 {
        return Some(format!(
            "failed the database over and lost {} writes{}: the replica had not caught up, so acknowledged data is gone",
            group_thousands(lost),
            if conflicts > 0 { format!(" ({} more conflicted)", group_thousands(conflicts)) } else { String::new() }
        ));
    }
    let fixable = spec.sim.timeline.iter().any(|e| {
        let fixes = match e.inject {
            Inject::Fault(Fault::DatabaseDown) => true,
            Inject::Fault(Fault::SlowQueries { fixed_by_failover, .. }) => fixed_by_failover,
            _ => false,
        };
        fixes && fault_active(ev, &e.label, at)
    });
    (!fixable).then(|| {
        "failed the database over although nothing a failover fixes was wrong with it: every query fails during the switch, and the new primary gets the same load".to_string()
    })
}
