//! Building a `Sim` from a spec and a seed: every component's state at time zero (each made
//! by its own constructor), then the first events — an arrival, the first window close and
//! tick, staggered health checks, and the timeline's timed entries.

use super::control::alerts::Rules;
use super::control::apply::Desk;
use super::control::inject::Timeline;
use super::engine::{Ev, Sim, TICK, WINDOW, WorkList};
use super::kernel::queue::EventQueue;
use super::kernel::rng::Rngs;
use super::kernel::slab::Slab;
use super::kernel::time::{Dur, SimTime};
use super::model::rules::Trigger;
use super::model::spec::SimSpec;
use super::observe::Record;
use super::request::traffic::{Client, EdgeState};
use super::resources::cache::CacheState;
use super::resources::db::DbState;
use super::resources::service::SvcState;
use super::resources::third_party::TpState;
use std::sync::Arc;

impl Sim {
    /// A fresh run of `spec` with `seed`, at time zero, with every instance warm and ready.
    pub fn new(spec: Arc<SimSpec>, seed: u64) -> Sim {
        let now = SimTime::ZERO;
        let mut sim = Sim {
            seed,
            now,
            q: EventQueue::default(),
            rng: Rngs::new(seed),
            ended: None,
            calls: Slab::default(),
            attempts: Slab::default(),
            jobs: Slab::default(),
            edge: EdgeState::new(&spec, now),
            client: Client {
                policy: spec.traffic.client.clone(),
                budget: spec.traffic.client.retry.budget.map(super::resources::bucket::Budget::new),
            },
            svcs: spec.services.iter().map(|s| SvcState::new(s, now)).collect(),
            db: {
                let rtt = spec.database.as_ref().map_or(Dur::ZERO, |d| d.replication.primary_rtt);
                DbState { rtt, wire: rtt, ..DbState::default() }
            },
            data: super::resources::replica::DataState::new(&spec),
            caches: spec.caches.iter().map(|_| CacheState::warm()).collect(),
            tps: spec.third_parties.iter().map(|t| TpState::new(t, now)).collect(),
            queues: spec.queues.iter().map(|_| super::resources::queue::QueueState::default()).collect(),
            flags: spec.flags.iter().map(|f| f.on).collect(),
            timeline: Timeline::new(spec.timeline.len()),
            rules: Rules::new(&spec),
            desk: Desk::default(),
            clears: super::control::clear::Clears::default(),
            tooling: super::control::tooling::Tooling::default(),
            phase: super::control::lifecycle::Phase::default(),
            rec: Record::new(&spec),
            pumps: WorkList::default(),
            caps_check: crate::sim::kernel::caps::Countdown::default(),
            caps: crate::sim::kernel::caps::Caps::DEFAULT,
            rollouts: WorkList::default(),
            spec,
        };
        sim.schedule_start();
        sim
    }

    fn schedule_start(&mut self) {
        let spec = self.spec.clone();
        self.schedule_next_arrival();
        self.start_closed_loop();
        self.q.push(SimTime::ZERO + WINDOW, Ev::Window);
        self.q.push(SimTime::ZERO + TICK, Ev::Tick);
        for (s, svc) in spec.services.iter().enumerate() {
            let n = svc.instances.max(1);
            for i in 0..svc.instances {
                // Stagger checks across the interval, as real probes are.
                let offset = Dur(svc.health.interval.0 * u64::from(i) / u64::from(n));
                self.q.push(SimTime::ZERO + offset, Ev::HealthCheck { svc: s as u16, inst: i, life: 1 });
            }
        }
        for (i, entry) in spec.timeline.iter().enumerate() {
            if let Trigger::At(t) = entry.trigger {
                self.q.push(t, Ev::Timeline { idx: i as u32 });
            }
        }
    }
}
