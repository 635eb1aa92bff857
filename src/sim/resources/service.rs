//! A service as the engine runs it: its instances and the balancer's rotation over them, the
//! instance count asked for and the versions it runs, its live config and config history,
//! one `DepState` per dependency, the faults acting on it and its per-window counters. The
//! behaviour lives with each part: `instance`, `deploy`, `control::config`,
//! `request::dep`, `control::inject`.

use super::deploy::Rollout;
use super::instance::{Inst, InstState};
use crate::sim::control::config::{Config, SvcConfig};
use crate::sim::control::inject::SvcFaults;
use crate::sim::kernel::time::SimTime;
use crate::sim::model::spec::Service;
use crate::sim::observe::acc::{RedAcc, WaitAcc};
use crate::sim::request::dep::DepState;

/// Per-window counters of a service's jobs, emptied at every window close.
#[derive(Clone, Debug, Default)]
pub(crate) struct SvcAcc {
    pub red: RedAcc,
    pub queue_max: u32,
    pub pool_timeouts: u32,
    pub waits: WaitAcc,
    /// Requests that took a pathological path.
    pub pathological: u32,
    pub health_failures: u32,
    /// ∫ requests in the system dt, as of the last window close.
    pub in_system_area: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct SvcState {
    /// Every instance ever started, by index; a stopped one stays (events and jobs name
    /// instances by index) but is left out of `alive`.
    pub insts: Vec<Inst>,
    /// Indices of the instances not stopped, ascending: what the per-tick and per-window
    /// loops visit, so their work does not grow with every instance ever started.
    pub alive: Vec<u32>,
    /// Instances stopped since the last window close: their utilisation integrals still hold
    /// part of the window.
    pub stopped_in_window: Vec<u32>,
    /// The number the next new instance gets.
    pub next_num: u32,
    /// Instances in rotation (indices, ascending) and the balancer's cursor into them.
    pub rotation: Vec<u32>,
    pub rr: usize,
    /// The instance count asked for (a rollout surges above it for a while).
    pub desired: u32,
    pub version: usize,
    pub prev_version: Option<usize>,
    pub rollout: Option<Rollout>,
    pub cfg: SvcConfig,
    /// Configs before each push, newest last (a revert pops one).
    pub cfg_history: Vec<Config>,
    pub deps: Vec<DepState>,
    pub faults: SvcFaults,
    pub acc: SvcAcc,
    /// Instance-seconds accumulated above the starting count (scaling cost).
    pub extra_instance_s: f64,
    /// Threads each instance holds for its peers (with `peers` in the spec), and whether that
    /// is over the OS limit (then every request and health check fails).
    pub peer_threads: u32,
    pub over_thread_limit: bool,
    /// Rollouts started on this service (a rollout's id is the count when it started).
    pub rollouts_started: u32,
    /// Deploy builds started (a build's id), with the one under way.
    pub builds_started: u32,
    pub building: Option<crate::sim::resources::pipeline::Build>,
}

impl SvcState {
    /// The service at the start of a run: every instance warm, healthy and in rotation, on
    /// the service's version except the last few, which run the `skew` versions.
    pub fn new(spec: &Service, now: SimTime) -> Self {
        let mut versions: Vec<usize> = vec![spec.version; spec.instances as usize];
        let mut k = versions.len();
        for &(v, n) in spec.skew.iter().rev() {
            for _ in 0..n {
                k = k.saturating_sub(1);
                if let Some(slot) = versions.get_mut(k) {
                    *slot = v;
                }
            }
        }
        let insts = (0..spec.instances)
            .map(|i| {
                let mut inst = Inst::new(i + 1, versions[i as usize], InstState::Ready, now);
                inst.in_rotation = true;
                inst.hc_ok = spec.health.healthy_threshold;
                inst
            })
            .collect();
        SvcState {
            insts,
            alive: (0..spec.instances).collect(),
            stopped_in_window: Vec::new(),
            next_num: spec.instances + 1,
            rotation: (0..spec.instances).collect(),
            rr: 0,
            desired: spec.instances,
            version: spec.version,
            prev_version: None,
            rollout: None,
            cfg: SvcConfig {
                pool_size: spec.pool.map_or(0, |p| p.size),
                deadlines: spec.deadline_propagation,
                queue_limit: spec.queue_limit,
                health: spec.health.clone(),
            },
            cfg_history: Vec::new(),
            deps: spec.deps.iter().map(DepState::new).collect(),
            faults: SvcFaults::default(),
            acc: SvcAcc::default(),
            extra_instance_s: 0.0,
            peer_threads: spec.peers.map_or(0, |p| p.base + p.per_peer * spec.instances.saturating_sub(1)),
            over_thread_limit: spec
                .peers
                .is_some_and(|p| p.base + p.per_peer * spec.instances.saturating_sub(1) > p.limit),
            rollouts_started: 0,
            builds_started: 0,
            building: None,
        }
    }
}
