//! Health checks: the load balancer probes each serving instance's health endpoint at an
//! interval, through the same call path as any request (so a check that hits an expensive
//! endpoint competes for workers). After `healthy_threshold` passes in a row an instance
//! enters rotation; after `unhealthy_threshold` failures it leaves it, and with
//! `restart_after` a liveness probe restarts it.

use super::instance::InstState;
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::observe::logs::Level;
use crate::sim::request::call::{Call, Origin, Site};
use crate::sim::request::outcome::Outcome;

impl Sim {
    pub(crate) fn on_health_check(&mut self, s: usize, i: usize, life: u32) {
        let inst = &self.svcs[s].insts[i];
        if inst.life != life || !matches!(inst.state, InstState::Ready | InstState::Draining) {
            return;
        }
        let interval = self.spec.services[s].health.interval;
        self.q.push_after(self.now, interval, Ev::HealthCheck { svc: s as u16, inst: i as u32, life });
        let call = Call {
            origin: Origin::Health { svc: s as u16, inst: i as u32, life },
            site: Site::Health { svc: s as u16 },
            started: self.now,
            deadline: SimTime::NEVER,
            tries: 0,
            prev_backoff: Dur::ZERO,
            effects: 0,
            live: 0,
            done: false,
            trace: 0,
            endpoint: self.spec.services[s].health_endpoint as u16,
            queries: 0,
            from: (s as u16, 0, 0),
            client: 0,
            counts_duplicates: false,
            depth: 0,
        };
        let ck = self.calls.insert(call);
        self.send_attempt(ck);
    }

    pub(crate) fn health_result(&mut self, s: usize, i: usize, life: u32, outcome: Outcome) {
        let h = &self.spec.services[s].health;
        let (healthy, unhealthy, restart_after) = (h.healthy_threshold, h.unhealthy_threshold, h.restart_after);
        let inst = &mut self.svcs[s].insts[i];
        if inst.life != life {
            return;
        }
        match outcome {
            Ok(()) => {
                inst.hc_ok += 1;
                inst.hc_fail = 0;
                if !inst.in_rotation && inst.hc_ok >= healthy && inst.state == InstState::Ready {
                    self.set_rotation(s, i, true, "");
                    self.rollout_step(s);
                }
            }
            Err(reason) => {
                inst.hc_fail += 1;
                inst.hc_ok = 0;
                let fails = inst.hc_fail;
                if fails >= unhealthy && inst.in_rotation {
                    let why = format!("health check failed {fails} times ({})", reason.text());
                    self.set_rotation(s, i, false, &why);
                    let src = self.inst_name(s, i);
                    self.rec.logs.push(
                        self.now,
                        Level::Warn,
                        "edge",
                        "edge",
                        None,
                        format!("{src} marked unhealthy: {why}"),
                    );
                }
                if restart_after.is_some_and(|n| fails >= n) {
                    self.restart_instance(s, i, "liveness probe failed");
                }
            }
        }
    }
}
