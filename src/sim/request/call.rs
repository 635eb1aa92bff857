//! Calls and their tries: the caller side of every request edge (client → edge, service →
//! dependency, load balancer → health endpoint). A call sends an attempt; the attempt ends
//! when the callee answers or the caller's timeout fires, whichever is first. Failed calls are
//! retried with backoff while the policy, the retry budget and the deadline allow. The callee
//! may keep working after the caller gave up; its late success still counts as a side effect
//! (a retried non-idempotent call can thus take effect twice).

use super::outcome::{Outcome, Reason};
use crate::sim::kernel::rng::Stream;
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::spec::{Backoff, RetryPolicy, Target};
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;
use crate::sim::resources::breaker::{Admit, Transition};
use crate::sim::state::{Attempt, Ev, Origin, Sim, Site, Via};

/// The wait before retry number `n` (0 = the first retry), per PHYSICS.md.
pub fn backoff(p: &RetryPolicy, n: u32, prev: Dur, rng: &mut Stream) -> Dur {
    let expo = Dur(p.base.0.saturating_mul(1u64 << n.min(40)).min(p.cap.0));
    let u = rng.uniform();
    match p.backoff {
        Backoff::None => Dur::ZERO,
        Backoff::Exponential => expo,
        Backoff::Full => expo.mul_f64(u),
        Backoff::Equal => Dur(expo.0 / 2) + Dur(expo.0 / 2).mul_f64(u),
        Backoff::Decorrelated => {
            let hi = (prev.0.max(p.base.0) * 3) as f64;
            let lo = p.base.0 as f64;
            Dur::from_us_f64(lo + u * (hi - lo)).min(p.cap)
        }
    }
}

impl Sim {
    /// Sends the next try of a call.
    pub(crate) fn send_attempt(&mut self, ck: Key) {
        let now = self.now;
        let Some(call) = self.calls.get_mut(ck) else {
            return;
        };
        call.tries += 1;
        let (site, deadline, client, origin) = (call.site, call.deadline, call.client, call.origin);
        let mut trial = false;
        if let Site::Dep { svc, dep } = site {
            let (s, d) = (svc as usize, dep as usize);
            if self.svcs[s].cfg.breaker_on[d] {
                let (admit, transition) = self.svcs[s].breakers[d].admit(now);
                if let Some(tr) = transition {
                    self.breaker_event(s, d, tr);
                }
                match admit {
                    Admit::No => {
                        self.svcs[s].dep_acc[d].short_circuited += 1;
                        self.finish_call(ck, Err(Reason::BreakerOpen));
                        return;
                    }
                    Admit::Trial => trial = true,
                    Admit::Yes => {}
                }
            }
        }
        let mut timeout = match site {
            Site::Client => self.client_policy.timeout,
            Site::Dep { svc, dep } => self.svcs[svc as usize].cfg.deps[dep as usize].timeout,
            Site::Health { svc } => self.spec.services[svc as usize].health.timeout,
        };
        if deadline != SimTime::NEVER {
            timeout = timeout.min(deadline.since(now));
            if timeout.0 == 0 {
                self.finish_call(ck, Err(Reason::DeadlineExceeded));
                return;
            }
        }
        if let Some(call) = self.calls.get_mut(ck) {
            call.live += 1;
        }
        let ak = self.attempts.insert(Attempt {
            call: ck,
            sent: now,
            resolved: false,
            target_done: false,
            trial,
            pending: Ok(()),
            via: Via::Nowhere,
            target: None,
            timeout,
            pool_asked: now,
        });
        // A third party's answer time is known when the call is sent: it schedules its own
        // timeout only if the answer would come too late. Everything else needs one now.
        let to_third_party = matches!(site, Site::Dep { svc, dep } if matches!(self.spec.services[svc as usize].deps[dep as usize].target, Target::ThirdParty(_)));
        if !to_third_party {
            self.q.push_after(now, timeout, Ev::AttemptTimeout { att: ak });
        }
        match site {
            Site::Client => {
                if client == 0 || !self.edge.blocked.contains(&client) {
                    self.edge.red.arrive();
                }
                self.totals.edge_attempts += 1;
                self.edge_admit(ak, client);
            }
            Site::Health { svc } => {
                if let Origin::Health { inst, .. } = origin {
                    self.job_create(ak, svc as usize, inst as usize);
                }
            }
            Site::Dep { svc, dep } => {
                let (s, d) = (svc as usize, dep as usize);
                self.svcs[s].dep_acc[d].red.arrive();
                self.totals.dep_attempts[s][d] += 1;
                let target = self.spec.services[s].deps[d].target;
                if let Some(a) = self.attempts.get_mut(ak) {
                    a.target = Some(target);
                }
                if self.partitioned(origin, s, target) {
                    // Packets vanish: nothing will ever answer; the caller's timeout decides.
                    if let Some(a) = self.attempts.get_mut(ak) {
                        a.target_done = true;
                    }
                    return;
                }
                match target {
                    Target::Service(t) => self.send_to_service(ak, t),
                    Target::Database => self.db_begin(ak),
                    Target::ThirdParty(t) => self.third_party_call(ak, t),
                }
            }
        }
    }

    fn partitioned(&self, origin: Origin, svc: usize, target: Target) -> bool {
        let parts = &self.svcs[svc].partitions;
        if parts.is_empty() {
            return false;
        }
        let Origin::Job(jk) = origin else {
            return false;
        };
        let Some(job) = self.jobs.get(jk) else {
            return false;
        };
        let n = self.svcs[svc].insts.len().max(1) as f64;
        parts.iter().any(|(t, fraction)| *t == target && (f64::from(job.inst) + 0.5) / n <= *fraction)
    }

    /// Sends an attempt to a service, through any network latency a fault adds.
    pub(crate) fn send_to_service(&mut self, ak: Key, t: usize) {
        let extra = self.svcs[t].extra_latency;
        if extra.0 == 0 {
            return self.route_to_service(ak, t);
        }
        if let Some(a) = self.attempts.get_mut(ak) {
            a.via = Via::InFlight;
            a.target = Some(Target::Service(t));
        }
        self.q.push(self.now + extra, Ev::Deliver { att: ak });
    }

    pub(crate) fn on_deliver(&mut self, ak: Key) {
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        if let Some(Target::Service(t)) = att.target {
            self.route_to_service(ak, t);
        }
    }

    /// Picks an instance of `svc` by its balancing policy and hands it the attempt.
    pub(crate) fn route_to_service(&mut self, ak: Key, svc: usize) {
        match self.pick_instance(svc) {
            Some(i) => self.job_create(ak, svc, i),
            None => self.attempt_done(ak, Err(Reason::NoHealthyUpstream)),
        }
    }

    /// The callee has finished with an attempt (success or failure).
    pub(crate) fn attempt_done(&mut self, ak: Key, outcome: Outcome) {
        let Some(att) = self.attempts.get_mut(ak) else {
            return;
        };
        att.target_done = true;
        let (ck, resolved) = (att.call, att.resolved);
        if outcome.is_ok() {
            self.commit_effect(ck);
        }
        if !resolved {
            self.resolve_attempt(ak, outcome);
        }
        self.free_attempt(ak);
    }

    fn commit_effect(&mut self, ck: Key) {
        let Some(call) = self.calls.get_mut(ck) else {
            return;
        };
        call.effects = call.effects.saturating_add(1);
        if call.effects >= 2 && call.counts_duplicates {
            match call.site {
                Site::Client => {
                    self.edge.duplicates += 1;
                    self.totals.duplicates += 1;
                }
                Site::Dep { svc, dep } => {
                    self.svcs[svc as usize].dep_acc[dep as usize].duplicates += 1;
                    self.totals.dep_duplicates[svc as usize][dep as usize] += 1;
                }
                Site::Health { .. } => {}
            }
        }
    }

    pub(crate) fn on_attempt_timeout(&mut self, ak: Key) {
        let Some(att) = self.attempts.get_mut(ak) else {
            return;
        };
        if att.resolved {
            return;
        }
        if let Via::Db { svc, inst, life, waiting: true, .. } = att.via {
            // Leave the pool queue: the waiter is gone.
            if let Via::Db { waiting, .. } = &mut att.via {
                *waiting = false;
            }
            att.target_done = true;
            let i = &mut self.svcs[svc as usize].insts[inst as usize];
            if i.life == life {
                i.pool.waiting -= 1;
            }
        }
        let done = att.target_done;
        self.resolve_attempt(ak, Err(Reason::TimedOut));
        if done {
            self.free_attempt(ak);
        }
    }

    /// The caller has its answer for this try: record it, then retry or finish the call.
    fn resolve_attempt(&mut self, ak: Key, outcome: Outcome) {
        let now = self.now;
        let Some(att) = self.attempts.get_mut(ak) else {
            return;
        };
        att.resolved = true;
        let (ck, sent, trial, target) = (att.call, att.sent, att.trial, att.target);
        let latency = now.since(sent).0;
        let Some(call) = self.calls.get(ck) else {
            return;
        };
        let (site, client, trace, tries, depth) = (call.site, call.client, call.trace, call.tries, call.depth);
        let ok = outcome.is_ok();
        match site {
            Site::Client if outcome == Err(Reason::Blocked) => {}
            Site::Client => {
                self.edge.red.finish(outcome, latency);
                if ok {
                    self.totals.edge.record(latency);
                }
                if client == 0 {
                    self.edge.slo_total += 1;
                    if ok {
                        self.edge.slo_good += 1;
                        if self.spec.slo.latency_threshold.is_some_and(|d| latency > d.0) {
                            self.edge.slo_slow += 1;
                        }
                    } else {
                        self.slo_bad_total += 1;
                    }
                }
                if let Some(b) = self.client_budget.as_mut() {
                    b.record(ok);
                }
            }
            Site::Dep { svc, dep } => {
                let (s, d) = (svc as usize, dep as usize);
                self.svcs[s].dep_acc[d].red.finish(outcome, latency);
                if self.svcs[s].cfg.breaker_on[d]
                    && let Some(tr) = self.svcs[s].breakers[d].record(now, ok, trial)
                {
                    self.breaker_event(s, d, tr);
                }
                if let Some(b) = self.svcs[s].budgets[d].as_mut() {
                    b.record(ok);
                }
            }
            Site::Health { .. } => {}
        }
        if trace != 0 {
            let label = match (site, target) {
                (Site::Dep { svc, .. }, Some(t)) => {
                    format!("{} → {} try {tries}", self.spec.services[svc as usize].name, self.spec.target_name(t))
                }
                _ => format!("edge → {} try {tries}", self.spec.services[self.spec.entry].name),
            };
            let label = match outcome {
                Ok(()) => label,
                Err(r) => format!("{label}: {}", r.text()),
            };
            self.traces.span(trace, depth, label, SimTime(now.0 - latency), now, ok);
        }
        match outcome {
            Ok(()) => self.finish_call(ck, outcome),
            Err(r) => {
                if !self.try_retry(ck, r) {
                    self.finish_call(ck, outcome);
                }
            }
        }
    }

    /// Schedules the next try if the policy, the budget and the deadline allow.
    fn try_retry(&mut self, ck: Key, reason: Reason) -> bool {
        let Some(call) = self.calls.get(ck) else {
            return false;
        };
        let (site, tries, deadline, origin, prev) =
            (call.site, call.tries, call.deadline, call.origin, call.prev_backoff);
        if reason == Reason::BreakerOpen {
            return false;
        }
        if let Origin::Job(jk) = origin
            && self.jobs.get(jk).is_none()
        {
            return false;
        }
        let (policy, budget) = match site {
            Site::Client => (&self.client_policy.retry, self.client_budget.as_ref()),
            Site::Dep { svc, dep } => {
                let s = &self.svcs[svc as usize];
                (&s.cfg.deps[dep as usize].retry, s.budgets[dep as usize].as_ref())
            }
            Site::Health { .. } => return false,
        };
        if u32::from(tries) >= policy.max_attempts {
            return false;
        }
        if budget.is_some_and(|b| !b.allows_retry()) {
            if let Site::Dep { svc, dep } = site {
                self.svcs[svc as usize].dep_acc[dep as usize].budget_denied += 1;
            }
            return false;
        }
        let wait = backoff(policy, u32::from(tries) - 1, prev, &mut self.rng.retry);
        if self.now + wait >= deadline {
            return false;
        }
        if let Some(call) = self.calls.get_mut(ck) {
            call.prev_backoff = wait;
        }
        if let Site::Dep { svc, dep } = site {
            self.svcs[svc as usize].dep_acc[dep as usize].retries += 1;
        }
        self.q.push(self.now + wait, Ev::Backoff { call: ck });
        true
    }

    pub(crate) fn on_backoff(&mut self, ck: Key) {
        let Some(call) = self.calls.get(ck) else {
            return;
        };
        if call.done {
            return;
        }
        if let Origin::Job(jk) = call.origin
            && self.jobs.get(jk).is_none()
        {
            self.finish_call(ck, Err(Reason::DependencyFailed));
            return;
        }
        self.send_attempt(ck);
    }

    /// The call is over: tell whoever is waiting.
    pub(crate) fn finish_call(&mut self, ck: Key, outcome: Outcome) {
        let Some(call) = self.calls.get_mut(ck) else {
            return;
        };
        if call.done {
            return;
        }
        call.done = true;
        let (origin, site, tries) = (call.origin, call.site, call.tries);
        if let Site::Dep { svc, dep } = site {
            let acc = &mut self.svcs[svc as usize].dep_acc[dep as usize];
            acc.calls_done += 1;
            acc.attempts_done += u32::from(tries);
        }
        match origin {
            Origin::User => {
                let why = match outcome {
                    Ok(()) => "200 OK",
                    Err(r) => r.text(),
                };
                self.user_done(ck, outcome.is_ok(), why);
            }
            Origin::Job(jk) => self.job_call_done(jk, outcome),
            Origin::Health { svc, inst, life } => self.health_result(svc as usize, inst as usize, life, outcome),
        }
        if self.calls.get(ck).is_some_and(|c| c.live == 0) {
            self.calls.discard(ck);
        }
    }

    fn free_attempt(&mut self, ak: Key) {
        let Some(ck) = self.attempts.get(ak).map(|a| a.call) else {
            return;
        };
        self.attempts.discard(ak);
        if let Some(call) = self.calls.get_mut(ck) {
            call.live -= 1;
            if call.done && call.live == 0 {
                self.calls.discard(ck);
            }
        }
    }

    pub(crate) fn breaker_event(&mut self, s: usize, d: usize, tr: Transition) {
        let service = self.spec.services[s].name.clone();
        let dependency = self.spec.target_name(self.spec.services[s].deps[d].target).to_string();
        let (kind, level, text) = match tr {
            Transition::Opened => (
                EventKind::BreakerOpened { service: service.clone(), dependency: dependency.clone() },
                Level::Warn,
                format!("circuit breaker for {dependency} OPEN: failing fast"),
            ),
            Transition::HalfOpened => (
                EventKind::BreakerHalfOpen { service: service.clone(), dependency: dependency.clone() },
                Level::Info,
                format!("circuit breaker for {dependency} half-open: sending a trial request"),
            ),
            Transition::Closed => (
                EventKind::BreakerClosed { service: service.clone(), dependency: dependency.clone() },
                Level::Info,
                format!("circuit breaker for {dependency} closed"),
            ),
        };
        self.emit(false, kind);
        self.logs.push(self.now, level, &service, &service, None, text);
    }
}
