//! Health checks: the load balancer probes each serving instance at an interval by running
//! an endpoint's plan — the hidden shallow or deep health endpoint, or a real one (a deep
//! check on the home page) — through the same call path as any request: in the instance's
//! queue and on a worker (`Lane::Shared`, so an overloaded instance fails its checks), or on
//! a lane of its own (`Lane::Separate`: no queue, no worker, still the CPU). After
//! `healthy_threshold` passes in a row an instance enters rotation; after
//! `unhealthy_threshold` failures it leaves it, and with `restart_after` a liveness probe
//! restarts it. The check is live config (`SetHealthCheck`); a disabled check keeps every
//! ready instance in rotation.

use super::instance::InstState;
use crate::sim::control::resolve::HealthCheckChange;
use crate::sim::engine::{Ev, Sim};
use crate::sim::model::spec::{Health, Lane};
use crate::sim::observe::logs::Level;
use crate::sim::request::call::{Call, Origin, Site};
use crate::sim::request::outcome::Outcome;

impl Sim {
    pub(crate) fn on_health_check(&mut self, s: usize, i: usize, life: u32) {
        let inst = &self.svcs[s].insts[i];
        if inst.life != life || !matches!(inst.state, InstState::Ready | InstState::Draining) {
            return;
        }
        let h = &self.svcs[s].cfg.health;
        let (interval, enabled, endpoint) = (h.interval, h.enabled, h.endpoint);
        self.q.push_after(self.now, interval, Ev::HealthCheck { svc: s as u16, inst: i as u32, life });
        if !enabled {
            // Nobody checks: a ready instance is simply in rotation.
            if self.svcs[s].insts[i].state == InstState::Ready && !self.svcs[s].insts[i].in_rotation {
                self.set_rotation(s, i, true, "");
                self.rollout_step(s);
            }
            return;
        }
        let patho = self.draw_patho(s, endpoint);
        let call = Call {
            patho,
            ..Call::internal(
                Origin::Health { svc: s as u16, inst: i as u32, life },
                Site::Health { svc: s as u16 },
                self.now,
                endpoint as u16,
                (s as u16, 0, 0),
            )
        };
        let ck = self.calls.insert(call);
        self.send_attempt(ck);
    }

    pub(crate) fn health_result(&mut self, s: usize, i: usize, life: u32, outcome: Outcome) {
        let h = &self.svcs[s].cfg.health;
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
                self.svcs[s].acc.health_failures += 1;
                let inst = &mut self.svcs[s].insts[i];
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

impl Sim {
    /// The player changes a service's health check: a config push (so `RevertConfig` undoes
    /// it). Switching the check off puts every ready instance back in rotation.
    pub(crate) fn set_health_check(&mut self, s: usize, c: HealthCheckChange) {
        let mut cfg = self.config(s);
        let h = &mut cfg.svc.health;
        h.endpoint = c.endpoint.unwrap_or(h.endpoint);
        h.lane = c.lane.unwrap_or(h.lane);
        h.interval = c.interval.unwrap_or(h.interval);
        h.timeout = c.timeout.unwrap_or(h.timeout);
        h.unhealthy_threshold = c.unhealthy_after.unwrap_or(h.unhealthy_threshold);
        h.healthy_threshold = c.healthy_after.unwrap_or(h.healthy_threshold);
        h.enabled = c.enabled.unwrap_or(h.enabled);
        let what = self.describe_health(s, h);
        self.push_config(s, cfg, what, "you");
    }

    /// "health check GET home every 2s (timeout 1s, out after 3 failures, in after 2), own lane"
    pub(crate) fn describe_health(&self, s: usize, h: &Health) -> String {
        if !h.enabled {
            return "health check off".into();
        }
        let spec = &self.spec.services[s];
        let target = if h.endpoint == spec.health_endpoint {
            "the health endpoint".to_string()
        } else {
            format!("GET {}", spec.endpoints[h.endpoint].name)
        };
        format!(
            "health check {target} every {} (timeout {}, out after {} failures, in after {}){}",
            h.interval,
            h.timeout,
            h.unhealthy_threshold,
            h.healthy_threshold,
            if h.lane == Lane::Separate { ", own lane" } else { "" }
        )
    }

    /// After a config change: with the check switched off, every ready instance is in rotation.
    pub(crate) fn health_side_effects(&mut self, s: usize) {
        if self.svcs[s].cfg.health.enabled {
            return;
        }
        for i in self.svcs[s].alive.clone().into_iter().map(|i| i as usize) {
            if self.svcs[s].insts[i].state == InstState::Ready && !self.svcs[s].insts[i].in_rotation {
                self.set_rotation(s, i, true, "");
            }
        }
        self.rollout_step(s);
    }
}
