//! What a score is computed from: the event log, the command records, and a compact metric
//! series. It is built from a finished `Sim`, or read from a fixture file — so a score can be
//! recomputed (and tested) without re-running the engine. Samples are a step function: each
//! holds from its `t` until the next sample's. Fields a fixture does not care about may be left
//! out when reading one (zero, empty or `None`), so a hand-written run stays short; a misspelt
//! one is an error, not a silent zero.
//!
//! Impact is counted in **users'** terms: the SLO's user tries (never an abusive client's or a
//! partner's), user requests after the client's retries, and the harm to data.

use crate::sim::{CommandRecord, EndReason, Event, Integrity, Sim, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceSample {
    pub worker_util: f32,
    pub pool_waiting: u32,
    /// Tries per call to each dependency (1.0 when no retries).
    pub tries_per_call: Vec<f32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sample {
    /// Second since the start.
    pub t: u32,
    /// Users' tries at the edge (the SLO's events), and those that failed, per second.
    pub requests: u32,
    pub errors: u32,
    /// Users' tries that succeeded slower than the SLO's latency threshold.
    pub slow: u32,
    /// User requests that finished (after the client's retries), and those that failed.
    pub users: u32,
    pub users_failed: u32,
    /// p99 of successful requests at the edge (ms); 0 when none succeeded.
    pub p99_ms: f32,
    /// Fraction of the period's error budget left.
    pub budget_left: f64,
    /// Duplicate side effects per second (user requests and dependency calls).
    pub duplicates: u32,
    pub lost_writes: u32,
    pub stale_reads: u32,
    pub conflicting_writes: u32,
    /// Tries per user request at the edge.
    pub tries_per_request: f32,
    pub db_load: f32,
    /// The database was at its connection limit.
    pub db_full: bool,
    pub services: Vec<ServiceSample>,
}

impl Sample {
    pub fn integrity(&self) -> Integrity {
        Integrity {
            duplicates: self.duplicates,
            lost_writes: self.lost_writes,
            stale_reads: self.stale_reads,
            conflicting_writes: self.conflicting_writes,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub seed: u64,
    pub ended: SimTime,
    #[serde(default)]
    pub end_reason: Option<EndReason>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub commands: Vec<CommandRecord>,
    pub samples: Vec<Sample>,
    /// Instance-seconds run above each service's starting count.
    #[serde(default)]
    pub extra_instance_seconds: f64,
}

impl Evidence {
    pub fn from_sim(sim: &Sim) -> Evidence {
        let samples = sim
            .windows()
            .iter()
            .map(|w| {
                let integrity = w.integrity();
                Sample {
                    t: w.t,
                    requests: w.slo.total,
                    errors: w.slo.total - w.slo.good,
                    slow: w.slo.slow,
                    users: w.edge.users_ok + w.edge.users_failed,
                    users_failed: w.edge.users_failed,
                    p99_ms: w.edge.red.p99_ms,
                    budget_left: w.slo.budget_left,
                    duplicates: integrity.duplicates,
                    lost_writes: integrity.lost_writes,
                    stale_reads: integrity.stale_reads,
                    conflicting_writes: integrity.conflicting_writes,
                    tries_per_request: w.edge.attempts_per_request,
                    db_load: w.db.as_ref().map_or(0.0, |d| d.load),
                    db_full: w.db.as_ref().is_some_and(|d| d.connections >= d.max_connections),
                    services: w
                        .services
                        .iter()
                        .zip(&w.deps)
                        .map(|(s, deps)| ServiceSample {
                            worker_util: s.worker_util,
                            pool_waiting: s.pool_waiting,
                            tries_per_call: deps.iter().map(|d| d.attempts_per_call).collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        Evidence {
            seed: sim.seed(),
            ended: sim.ended().map_or(sim.now(), |e| e.0),
            end_reason: sim.ended().map(|e| e.1),
            events: sim.events().to_vec(),
            commands: sim.commands().to_vec(),
            samples,
            extra_instance_seconds: sim.extra_instance_seconds(),
        }
    }

    /// The sample in force at second `t`.
    pub fn at(&self, t: u32) -> Option<&Sample> {
        let i = self.samples.partition_point(|s| s.t <= t);
        i.checked_sub(1).map(|i| &self.samples[i])
    }

    /// The events at or before `at` (the log is in time order): a slice, so a question about
    /// one moment costs a binary search, not a pass over the whole log.
    pub fn events_until(&self, at: SimTime) -> &[Event] {
        &self.events[..self.events.partition_point(|e| e.t <= at)]
    }

    /// The events strictly before `at`.
    pub fn events_before(&self, at: SimTime) -> &[Event] {
        &self.events[..self.events.partition_point(|e| e.t < at)]
    }

    /// The events at or after `at`.
    pub fn events_from(&self, at: SimTime) -> &[Event] {
        &self.events[self.events.partition_point(|e| e.t < at)..]
    }

    /// The commands submitted strictly before `at` (recorded in time order), applied or not.
    pub fn commands_before(&self, at: SimTime) -> &[CommandRecord] {
        &self.commands[..self.commands.partition_point(|r| r.at < at)]
    }

    /// Samples in force during `[from, to)` seconds, each with the seconds it covers there.
    pub fn spans(&self, from: u32, to: u32) -> impl Iterator<Item = (&Sample, u32)> {
        let end = self.ended.whole_secs() as u32;
        // The first sample in force at `from` and the first that starts at or after `to`
        // bound the walk (samples are in time order).
        let lo = self.samples.partition_point(|s| s.t <= from).saturating_sub(1);
        let hi = self.samples.partition_point(|s| s.t < to);
        self.samples.iter().enumerate().take(hi.max(lo)).skip(lo).filter_map(move |(i, s)| {
            let next = self.samples.get(i + 1).map_or(end.max(s.t + 1), |n| n.t);
            let a = s.t.max(from);
            let b = next.min(to);
            (b > a).then(|| (s, b - a))
        })
    }

    /// p99 of successful user requests over `[from, to)` seconds, weighted by requests (0 when
    /// none succeeded).
    pub fn p99(&self, from: u32, to: u32) -> f64 {
        let (mut w, mut n) = (0.0, 0u64);
        for (s, k) in self.spans(from, to) {
            if s.requests > s.errors {
                w += f64::from(s.p99_ms) * f64::from(s.requests) * f64::from(k);
                n += u64::from(s.requests) * u64::from(k);
            }
        }
        if n == 0 { 0.0 } else { w / n as f64 }
    }

    /// Error ratio of user tries over `[from, to)` seconds (0 when there were none).
    pub fn error_ratio(&self, from: u32, to: u32) -> f64 {
        let (mut e, mut n) = (0u64, 0u64);
        for (s, secs) in self.spans(from, to) {
            e += u64::from(s.errors) * u64::from(secs);
            n += u64::from(s.requests) * u64::from(secs);
        }
        if n == 0 { 0.0 } else { e as f64 / n as f64 }
    }

    /// Over `[from, to)` seconds: the fraction of user tries that failed or were slow, and the
    /// harms to data — what the severity rubric reads.
    pub fn impact(&self, from: u32, to: u32) -> (f64, u64) {
        let (mut bad, mut n, mut data) = (0u64, 0u64, 0u64);
        for (s, k) in self.spans(from, to) {
            let k = u64::from(k);
            bad += u64::from(s.errors + s.slow) * k;
            n += u64::from(s.requests) * k;
            data += s.integrity().total() * k;
        }
        (if n == 0 { 0.0 } else { bad as f64 / n as f64 }, data)
    }

    /// The run's end in whole seconds.
    pub fn end_s(&self) -> u32 {
        self.ended.whole_secs() as u32
    }

    /// The first hidden fault onset: when trouble began.
    pub fn onset(&self) -> Option<SimTime> {
        self.events.iter().find(|e| matches!(e.kind, crate::sim::EventKind::FaultStarted { .. })).map(|e| e.t)
    }

    /// The first fault the player averted, when trouble was scheduled and never began:
    /// its label, why, and when.
    pub fn averted(&self) -> Option<(&str, &str, SimTime)> {
        self.events.iter().find_map(|e| match &e.kind {
            crate::sim::EventKind::FaultAverted { label, why } => Some((label.as_str(), why.as_str(), e.t)),
            _ => None,
        })
    }

    /// Component-free helper: the applied commands.
    pub fn applied(&self) -> impl Iterator<Item = &CommandRecord> {
        self.commands.iter().filter(|c| c.rejected.is_none())
    }
}
