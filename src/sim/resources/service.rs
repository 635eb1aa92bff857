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
}

impl SvcState {
    /// The service at the start of a run: every instance warm, healthy and in rotation.
    pub fn new(spec: &Service, now: SimTime) -> Self {
        let insts = (0..spec.instances)
            .map(|i| {
                let mut inst = Inst::new(i + 1, spec.version, InstState::Ready, now);
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
            },
            cfg_history: Vec::new(),
            deps: spec.deps.iter().map(DepState::new).collect(),
            faults: SvcFaults::default(),
            acc: SvcAcc::default(),
            extra_instance_s: 0.0,
        }
    }
}
