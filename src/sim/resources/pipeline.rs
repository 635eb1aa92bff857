//! The deploy pipeline: a `Deploy` or `Rollback` the player starts builds first (the
//! service's `pipeline` times) and only then rolls out, while a feature flag acts in seconds
//! (Cloudflare, July 2019: a global kill beat a rollback through the pipeline). A newer
//! deploy of the same service replaces a build under way. Someone else's deploy in the
//! timeline is already built.

use crate::sim::engine::{Ev, Sim};
use crate::sim::observe::events::EventKind;

/// A build under way.
#[derive(Clone, Debug)]
pub(crate) struct Build {
    pub id: u32,
    pub to: usize,
    pub batch: u32,
}

/// What a deploy the player started is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ticket {
    Build(u32),
    Rollout(u32),
}

impl Sim {
    /// The player rolls service `s` out to `to` (a rollback when `rollback`), through its
    /// pipeline.
    pub(crate) fn deploy_by_player(&mut self, s: usize, to: usize, rollback: bool) -> Ticket {
        let batch = self.svcs[s].desired.div_ceil(4);
        let p = self.spec.services[s].pipeline;
        let takes = if rollback { p.rollback } else { p.deploy };
        if takes.0 == 0 {
            if let Some(old) = self.svcs[s].building.take() {
                self.build_superseded(s, old.id);
            }
            return Ticket::Rollout(self.start_rollout(s, to, batch, "you", false));
        }
        let svc = &mut self.svcs[s];
        svc.builds_started += 1;
        let id = svc.builds_started;
        if let Some(old) = svc.building.replace(Build { id, to, batch }) {
            self.build_superseded(s, old.id);
        }
        let service = self.spec.services[s].name.clone();
        let version = self.spec.versions[to].name.clone();
        self.emit(false, EventKind::BuildStarted { service, version, by: "you".into(), takes });
        self.q.push(self.now + takes, Ev::BuildDone { svc: s as u16, build: id });
        Ticket::Build(id)
    }

    /// A build is done: its rollout starts, unless a newer deploy replaced it.
    pub(crate) fn on_build_done(&mut self, s: usize, id: u32) {
        let Some(b) = self.svcs[s].building.take_if(|b| b.id == id) else {
            return;
        };
        let rollout = self.start_rollout(s, b.to, b.batch, "you", false);
        self.build_became_rollout(s, id, rollout);
    }
}
