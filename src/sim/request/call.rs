//! Calls and their tries: the caller side of every request edge (client → edge, service →
//! dependency, load balancer → health endpoint). A call sends an attempt; the attempt ends
//! when the callee answers or the caller's timeout fires, whichever is first (`retry` decides
//! what happens next). The callee may keep working after the caller gave up; its late success
//! still counts as a side effect (a retried non-idempotent call can thus take effect twice).

use super::outcome::{Outcome, Reason};
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::spec::Target;
use crate::sim::resources::breaker::Admit;

/// Who is waiting for a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A user's client (the call is the user's request, retries included).
    User,
    /// A closed-loop user's client: like `User`, and the user sends again after thinking.
    Looped,
    Job(Key),
    Health {
        svc: u16,
        inst: u32,
        life: u32,
    },
    /// A queue's consumer loop, processing one message.
    Consumer {
        queue: u16,
        msg: Key,
    },
}

/// Whose policy governs a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    Client,
    Dep {
        svc: u16,
        dep: u16,
    },
    Health {
        svc: u16,
    },
    /// A queue's consumer: no retries (redelivery is the queue's), no timeout of its own.
    Consumer {
        queue: u16,
    },
}

/// One logical call: the first try and its retries.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub origin: Origin,
    pub site: Site,
    pub started: SimTime,
    pub deadline: SimTime,
    pub tries: u16,
    pub prev_backoff: Dur,
    /// Tries whose side effect happened at the callee.
    pub effects: u8,
    /// Attempts still allocated.
    pub live: u16,
    pub done: bool,
    pub trace: u32,
    /// Callee endpoint (service targets) or number of queries (database).
    pub endpoint: u16,
    pub queries: u32,
    /// The queries repeat a side effect already done (a `repeats` step): each try that
    /// completes counts every one of them as a duplicate.
    pub repeats: bool,
    /// Where the call was made from (service, endpoint, step), for per-step query times.
    pub from: (u16, u16, u16),
    /// 0 for ordinary users, k for abusive client k.
    pub client: u16,
    /// A retried try that duplicates a side effect counts as a duplicate.
    pub counts_duplicates: bool,
    /// Nesting depth in the request tree (for trace indentation).
    pub depth: u8,
    /// The request carries pathological input: 1 + the timeline entry of the
    /// `PathologicalInput` fault it came from (0 = ordinary input). Its tries all carry it.
    pub patho: u16,
}

impl Call {
    /// A call the system makes itself (a health check, a queue consumer's receive): no
    /// deadline, no client, no trace, ordinary input, not counted as a duplicate.
    pub(crate) fn internal(origin: Origin, site: Site, started: SimTime, endpoint: u16, from: (u16, u16, u16)) -> Call {
        Call {
            origin,
            site,
            started,
            deadline: SimTime::NEVER,
            tries: 0,
            prev_backoff: Dur::ZERO,
            effects: 0,
            live: 0,
            done: false,
            trace: 0,
            endpoint,
            queries: 0,
            repeats: false,
            from,
            client: 0,
            counts_duplicates: false,
            depth: 0,
            patho: 0,
        }
    }
}

/// Where a try is being served.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Via {
    /// On the wire to a service (network latency).
    InFlight,
    Job,
    Db {
        svc: u16,
        inst: u32,
        life: u32,
        remaining: u32,
        waiting: bool,
        conn: bool,
        /// A read that may run on a replica (only when the database has replicas).
        read: bool,
    },
    ThirdParty(u16),
    /// Answered at once (rejected, short-circuited) or never (black hole).
    Nowhere,
}

/// One try of a call.
#[derive(Clone, Debug)]
pub(crate) struct Attempt {
    pub call: Key,
    pub sent: SimTime,
    /// The caller has its answer (a reply or its own timeout).
    pub resolved: bool,
    /// The callee has finished with it (or never will do anything more).
    pub target_done: bool,
    pub trial: bool,
    /// A scheduled third-party answer.
    pub pending: Outcome,
    pub via: Via,
    pub target: Option<Target>,
    pub timeout: Dur,
    pub pool_asked: SimTime,
    /// The response's network delay (the policy's `network`), drawn when the try is sent.
    pub reply_delay: Dur,
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
            let (admit, transition) = self.svcs[s].deps[d].admit(now);
            if let Some(tr) = transition {
                self.breaker_event(s, d, tr);
            }
            match admit {
                Admit::No => {
                    self.svcs[s].deps[d].acc.short_circuited += 1;
                    self.finish_call(ck, Err(Reason::BreakerOpen));
                    return;
                }
                Admit::Trial => trial = true,
                Admit::Yes => {}
            }
        }
        let (mut timeout, networked) = match site {
            Site::Client => (self.client.policy.timeout, self.client.policy.network.is_some()),
            Site::Dep { svc, dep } => {
                let p = &self.svcs[svc as usize].deps[dep as usize].cfg.policy;
                (p.timeout, p.network.is_some())
            }
            Site::Health { svc } => (self.svcs[svc as usize].cfg.health.timeout, false),
            Site::Consumer { .. } => (crate::sim::model::queue::CONSUMER_PATIENCE, false),
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
            reply_delay: Dur::ZERO,
        });
        // A third party's answer time is known when the call is sent: it schedules its own
        // timeout only if the answer would come too late. Everything else needs one now.
        let to_third_party = matches!(site, Site::Dep { svc, dep } if matches!(self.spec.services[svc as usize].deps[dep as usize].target, Target::ThirdParty(_)));
        if !to_third_party || networked {
            self.q.push_after(now, timeout, Ev::AttemptTimeout { att: ak });
        }
        let mut target = None;
        if let Site::Dep { svc, dep } = site {
            let (s, d) = (svc as usize, dep as usize);
            self.svcs[s].deps[d].acc.red.arrive();
            self.rec.totals.dep_attempts[s][d] += 1;
            target = Some(self.spec.services[s].deps[d].target);
            if let Some(a) = self.attempts.get_mut(ak) {
                a.target = target;
            }
        }
        if networked {
            return self.send_over_network(ak, site);
        }
        self.deliver_attempt(ak, site, client, origin, target);
    }

    /// A try reaches its callee: the edge, an instance (health checks) or a dependency
    /// (`target`, for a dependency's try). Inlined: it is the hot path's second half.
    // Forced: the hot path of every try; callgrind shows the cost when LLVM declines.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn deliver_attempt(&mut self, ak: Key, site: Site, client: u16, origin: Origin, target: Option<Target>) {
        match site {
            Site::Client => {
                if client == 0 || !self.edge.blocked.contains(&client) {
                    self.edge.red.arrive();
                }
                self.rec.totals.edge_attempts += 1;
                self.edge_admit(ak, client);
            }
            Site::Health { svc } => {
                if let Origin::Health { inst, .. } = origin {
                    self.job_create(ak, svc as usize, inst as usize);
                }
            }
            Site::Consumer { queue } => self.consumer_deliver(ak, queue as usize),
            Site::Dep { svc, .. } => {
                let s = svc as usize;
                let Some(target) = target else { return };
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

    /// Puts a try on the wire (holding nothing): it reaches its callee after its policy's
    /// network delay, and the answer comes back after another, drawn independently now.
    #[cold]
    #[inline(never)]
    fn send_over_network(&mut self, ak: Key, site: Site) {
        let net = match site {
            Site::Client => self.client.policy.network.as_ref(),
            Site::Dep { svc, dep } => self.svcs[svc as usize].deps[dep as usize].cfg.policy.network.as_ref(),
            Site::Health { .. } | Site::Consumer { .. } => None,
        };
        let Some(net) = net else { return };
        let rng = &mut self.rng.network;
        let (there, back) = (Dur::from_us_f64(net.sample(rng)), Dur::from_us_f64(net.sample(rng)));
        if let Some(a) = self.attempts.get_mut(ak) {
            a.via = Via::InFlight;
            a.reply_delay = back;
        }
        self.q.push(self.now + there, Ev::RequestLeg { att: ak });
    }

    /// A try on the wire reaches its callee (even if its caller has given up meanwhile: the
    /// callee cannot know).
    pub(crate) fn on_request_leg(&mut self, ak: Key) {
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        let target = att.target;
        let Some(call) = self.calls.get(att.call) else {
            return;
        };
        let (site, client, origin) = (call.site, call.client, call.origin);
        self.deliver_attempt(ak, site, client, origin, target);
    }

    /// The callee's answer arrives after its network delay, unless the caller gave up first
    /// (its timeout freed the try).
    pub(crate) fn on_response_leg(&mut self, ak: Key) {
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        let (resolved, outcome) = (att.resolved, att.pending);
        if !resolved {
            self.resolve_attempt(ak, outcome);
        }
        self.free_attempt(ak);
    }

    // Forced: the hot path of every try; callgrind shows the cost when LLVM declines.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn partitioned(&self, origin: Origin, svc: usize, target: Target) -> bool {
        let parts = &self.svcs[svc].faults.partitions;
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
        let extra = self.svcs[t].faults.extra_latency;
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
    // Forced: every try ends here, from a dozen callers; callgrind shows the cost when LLVM
    // declines to inline it.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub(crate) fn attempt_done(&mut self, ak: Key, outcome: Outcome) {
        let Some(att) = self.attempts.get_mut(ak) else {
            return;
        };
        att.target_done = true;
        let (ck, resolved, back) = (att.call, att.resolved, att.reply_delay);
        if outcome.is_ok() {
            self.commit_effect(ck);
        }
        if !resolved {
            if back.0 > 0 {
                // The answer travels back over the network (the side effect has happened).
                return self.answer_later(ak, outcome, back);
            }
            self.resolve_attempt(ak, outcome);
        }
        self.free_attempt(ak);
    }

    /// The answer reaches the caller after `back` (`on_response_leg`).
    #[cold]
    #[inline(never)]
    fn answer_later(&mut self, ak: Key, outcome: Outcome, back: Dur) {
        if let Some(att) = self.attempts.get_mut(ak) {
            att.pending = outcome;
            self.q.push(self.now + back, Ev::ResponseLeg { att: ak });
        }
    }

    fn commit_effect(&mut self, ck: Key) {
        let Some(call) = self.calls.get_mut(ck) else {
            return;
        };
        call.effects = call.effects.saturating_add(1);
        if call.repeats
            && let Site::Dep { svc, dep } = call.site
        {
            self.svcs[svc as usize].deps[dep as usize].acc.duplicates += call.queries;
            self.rec.totals.dep_duplicates[svc as usize][dep as usize] += u64::from(call.queries);
        }
        if call.effects >= 2 && call.counts_duplicates {
            match call.site {
                Site::Client => {
                    self.edge.duplicates += 1;
                    self.rec.totals.duplicates += 1;
                }
                Site::Dep { svc, dep } => {
                    self.svcs[svc as usize].deps[dep as usize].acc.duplicates += 1;
                    self.rec.totals.dep_duplicates[svc as usize][dep as usize] += 1;
                }
                Site::Health { .. } | Site::Consumer { .. } => {}
            }
        }
    }

    /// The caller has its answer for this try: record it, then retry or finish the call.
    pub(crate) fn resolve_attempt(&mut self, ak: Key, outcome: Outcome) {
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
            Site::Client => self.client_try_done(client, outcome, latency),
            Site::Dep { svc, dep } => self.dep_try_done(svc as usize, dep as usize, outcome, latency, trial),
            Site::Health { .. } | Site::Consumer { .. } => {}
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
            self.rec.traces.span(trace, depth, label, SimTime(now.0 - latency), now, ok);
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
            let acc = &mut self.svcs[svc as usize].deps[dep as usize].acc;
            acc.calls_done += 1;
            acc.attempts_done += u32::from(tries);
        }
        match origin {
            Origin::User | Origin::Looped => {
                let why = match outcome {
                    Ok(()) => "200 OK",
                    Err(r) => r.text(),
                };
                self.user_done(ck, outcome.is_ok(), why);
                if let Origin::Looped = origin {
                    self.looped_done(ck);
                }
            }
            Origin::Job(jk) => self.job_call_done(jk, outcome),
            Origin::Health { svc, inst, life } => self.health_result(svc as usize, inst as usize, life, outcome),
            Origin::Consumer { queue, msg } => self.consumer_done(queue as usize, msg, outcome),
        }
        if self.calls.get(ck).is_some_and(|c| c.live == 0) {
            self.calls.discard(ck);
        }
    }

    pub(crate) fn free_attempt(&mut self, ak: Key) {
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
}
