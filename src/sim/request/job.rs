//! Jobs: a request inside one instance. It waits in the instance's FIFO queue for a worker,
//! then holds that worker while it walks its endpoint's call plan — CPU work, cache look-ups,
//! database queries, dependency calls — so a slow dependency ties up workers upstream, which
//! is how cascades emerge rather than being scripted.

use super::call::{Call, Origin, Site, Via};
use super::outcome::{Outcome, Reason};
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::spec::{Lane, Step, Target};
use crate::sim::observe::logs::Level;
use crate::sim::resources::instance::InstState;

/// Memory use above this fraction of the limit makes the garbage collector work harder.
const GC_KNEE: f64 = 0.7;

/// A request being served by one instance.
// Four independent facts about one request (running, in a CPU step, waiting for a hot key,
// a health check); a bit set would only hide them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub svc: u16,
    pub inst: u32,
    pub life: u32,
    pub endpoint: u16,
    pub pc: u16,
    pub next_pc: u16,
    pub att: Key,
    pub deadline: SimTime,
    pub arrived: SimTime,
    pub running: bool,
    pub in_cpu: bool,
    /// This job is recomputing the hot key of this cache.
    pub hot_fill: Option<u16>,
    pub hot_wait: bool,
    pub trace: u32,
    pub span_start: SimTime,
    pub depth: u8,
    /// A load balancer's health check (kept out of the request metrics).
    pub health: bool,
    /// The pathological path still to run before the plan (see `request/patho`).
    pub patho: u16,
}

impl Sim {
    /// A new job for attempt `ak` at instance `i` of service `s`.
    pub(crate) fn job_create(&mut self, ak: Key, s: usize, i: usize) {
        let now = self.now;
        let Some(att) = self.attempts.get(ak) else {
            return;
        };
        let (ck, deadline_if_propagated) = (att.call, att.sent + att.timeout);
        let Some(call) = self.calls.get(ck) else {
            return;
        };
        let (endpoint, trace, depth, patho) = (call.endpoint, call.trace, call.depth, call.patho);
        let health = matches!(call.site, Site::Health { .. });
        let svc = &self.svcs[s];
        if svc.faults.outage > 0 {
            return self.attempt_done(ak, Err(Reason::ServiceDown));
        }
        let refused = if svc.faults.error_rate > 0.0 && self.rng.service.chance(svc.faults.error_rate) {
            Some(Reason::Injected)
        } else if svc.over_thread_limit {
            Some(Reason::ThreadLimit)
        } else {
            None
        };
        if let Some(reason) = refused {
            // The instance answered 500 at once: its own metrics count the request (a failing
            // fleet must not look idle); health checks stay out of them as always.
            if !health {
                let red = &mut self.svcs[s].acc.red;
                red.arrive();
                red.finish(Err(reason), 0);
            }
            return self.attempt_done(ak, Err(reason));
        }
        let inst = &svc.insts[i];
        if !matches!(inst.state, InstState::Ready | InstState::Draining) {
            return self.attempt_done(ak, Err(Reason::ConnectionReset));
        }
        let endpoint = if health { svc.cfg.health.endpoint as u16 } else { endpoint };
        let endpoint = if self.spec.services[s].variants.is_empty() { endpoint } else { self.variant(s, i, endpoint) };
        let patho = if patho == 0 { 0 } else { self.patho_applies(s, i, patho) };
        let svc = &self.svcs[s];
        let inst = &svc.insts[i];
        let separate_lane = health && svc.cfg.health.lane == Lane::Separate;
        let deadline = if svc.cfg.deadlines { deadline_if_propagated } else { SimTime::NEVER };
        let job = Job {
            svc: s as u16,
            inst: i as u32,
            life: inst.life,
            endpoint,
            pc: 0,
            next_pc: 0,
            att: ak,
            deadline,
            arrived: now,
            running: false,
            in_cpu: false,
            hot_fill: None,
            hot_wait: false,
            trace,
            span_start: now,
            depth: depth + 1,
            health,
            patho,
        };
        let jk = self.jobs.insert(job);
        if let Some(a) = self.attempts.get_mut(ak) {
            a.via = Via::Job;
        }
        self.svcs[s].acc.red.arrive();
        self.rec.totals.service_arrivals[s] += 1;
        self.rec.totals.service_in_system[s].add(now, 1.0);
        if separate_lane {
            // The check's own thread: no queue, no worker.
            return self.job_begin(jk);
        }
        let workers = self.spec.services[s].workers;
        let limit = self.svcs[s].cfg.queue_limit;
        let inst = &mut self.svcs[s].insts[i];
        if inst.busy < workers && inst.queue.is_empty() {
            inst.queue.push_back(jk);
            self.pump(s, i);
        } else if limit.is_some_and(|l| inst.queue.len() as u32 >= l) {
            self.job_finish(jk, Err(Reason::Overloaded));
        } else {
            inst.queue.push_back(jk);
            let q = inst.queue.len() as u32;
            let acc = &mut self.svcs[s].acc;
            acc.queue_max = acc.queue_max.max(q);
        }
    }

    /// Gives free workers of an instance to queued jobs, in FIFO order. Re-entrant calls
    /// (a job finishing while another is being started) are queued, not nested, so a queue of
    /// abandoned jobs cannot recurse deeply.
    pub(crate) fn pump(&mut self, s: usize, i: usize) {
        if !self.pumps.enter((s, i)) {
            return;
        }
        while let Some((s, i)) = self.pumps.next() {
            self.pump_one(s, i);
        }
    }

    fn pump_one(&mut self, s: usize, i: usize) {
        let workers = self.spec.services[s].workers;
        loop {
            let inst = &mut self.svcs[s].insts[i];
            if inst.busy >= workers {
                return;
            }
            let Some(jk) = inst.queue.pop_front() else {
                return;
            };
            let Some(job) = self.jobs.get_mut(jk) else {
                continue;
            };
            if self.now >= job.deadline {
                // The caller has given up and told us so (deadline propagation): skip it.
                self.job_finish(jk, Err(Reason::DeadlineExceeded));
                continue;
            }
            job.running = true;
            let (arrived, trace, depth) = (job.arrived, job.trace, job.depth);
            inst.take_worker(self.now);
            let wait = self.now.since(arrived).0;
            self.rec.totals.service_wait[s].record(wait);
            self.svcs[s].acc.waits.queue_wait(wait);
            if trace != 0 {
                let label = format!("{}-{} queue", self.spec.services[s].name, self.svcs[s].insts[i].num);
                self.rec.traces.span(trace, depth, label, arrived, self.now, true);
            }
            self.job_begin(jk);
        }
    }

    /// Runs the job's plan from its program counter until it must wait or is done.
    pub(crate) fn job_continue(&mut self, jk: Key) {
        loop {
            let Some(job) = self.jobs.get(jk) else { return };
            let (s, e, pc, i) = (job.svc as usize, job.endpoint as usize, job.pc as usize, job.inst as usize);
            if self.now >= job.deadline {
                return self.job_finish(jk, Err(Reason::DeadlineExceeded));
            }
            let service = &self.spec.services[s];
            let (plan, contention) = (&service.endpoints[e].plan, service.contention.as_ref());
            let Some(step) = plan.get(pc) else {
                let p = self.error_probability(s, i, e);
                let outcome = if p > 0.0 && self.rng.service.chance(p) { Err(Reason::AppError) } else { Ok(()) };
                return self.job_finish(jk, outcome);
            };
            match step {
                Step::Cpu(dist) => {
                    let base = dist.sample(&mut self.rng.service);
                    let factor = self.cpu_factor(s, i, e);
                    let mut us = base * factor;
                    if let Some(c) = contention {
                        us += c.extra_us(self.svcs[s].insts[i].busy);
                    }
                    let t = Dur::from_us_f64(us);
                    let inst = &mut self.svcs[s].insts[i];
                    inst.cpu_start(self.now);
                    let job = self.jobs.get_mut(jk).expect("job exists");
                    job.in_cpu = true;
                    job.next_pc = (pc + 1) as u16;
                    job.span_start = self.now;
                    self.q.push(self.now + t, Ev::JobStep { job: jk });
                    return;
                }
                Step::Wait(dist) => {
                    let mut us = dist.sample(&mut self.rng.service);
                    if let Some(c) = contention {
                        us += c.extra_us(self.svcs[s].insts[i].busy);
                    }
                    let t = Dur::from_us_f64(us);
                    let job = self.jobs.get_mut(jk).expect("job exists");
                    job.next_pc = (pc + 1) as u16;
                    job.span_start = self.now;
                    self.q.push(self.now + t, Ev::JobStep { job: jk });
                    return;
                }
                &Step::Enqueue { queue } => {
                    self.enqueue(queue, false);
                    if let Some(job) = self.jobs.get_mut(jk) {
                        job.pc += 1;
                    }
                }
                &Step::CacheGet { cache, skip } => {
                    let Some(hit) = self.cache_lookup(jk, cache) else {
                        return;
                    };
                    let lookup = self.spec.caches[cache].lookup;
                    let job = self.jobs.get_mut(jk).expect("job exists");
                    job.next_pc = (pc + 1 + if hit { usize::from(skip) } else { 0 }) as u16;
                    if lookup.0 > 0 {
                        self.q.push_after(self.now, lookup, Ev::JobStep { job: jk });
                        return;
                    }
                    job.pc = job.next_pc;
                }
                &Step::CacheFill { cache } => {
                    self.cache_fill(jk, cache);
                    if let Some(job) = self.jobs.get_mut(jk) {
                        job.pc += 1;
                    }
                }
                &Step::Call { dep, queries, flag, repeats, .. } => {
                    if flag.is_some_and(|f| !self.flags[f]) {
                        self.jobs.get_mut(jk).expect("job exists").pc += 1;
                        continue;
                    }
                    let extra = if self.spec.services[s].deps[dep].target == Target::Database {
                        self.extra_queries(s, i, e)
                    } else {
                        0
                    };
                    self.start_dep_call(jk, s, dep, queries + extra, repeats, (s as u16, e as u16, pc as u16));
                    return;
                }
            }
        }
    }

    /// `repeats`: the queries repeat a side effect already done (each counts as a duplicate).
    fn start_dep_call(&mut self, jk: Key, s: usize, dep: usize, queries: u32, repeats: bool, from: (u16, u16, u16)) {
        let Some(job) = self.jobs.get(jk) else { return };
        let (deadline, trace, depth, inst) = (job.deadline, job.trace, job.depth, job.inst as usize);
        let (endpoint, patho) = match self.spec.services[s].deps[dep].target {
            Target::Service(t) => {
                let e = self.pick_endpoint(t);
                (e as u16, self.draw_patho(t, e))
            }
            _ => (0, 0),
        };
        // A version that drops idempotency keys makes every retried try count.
        let keyless = self.active_version(s, inst).is_some_and(|v| v.drops_idempotency_keys);
        let policy = &self.svcs[s].deps[dep].cfg.policy;
        let call = Call {
            origin: Origin::Job(jk),
            site: Site::Dep { svc: s as u16, dep: dep as u16 },
            started: self.now,
            deadline,
            tries: 0,
            prev_backoff: policy.retry.base,
            effects: 0,
            live: 0,
            done: false,
            trace,
            endpoint,
            queries,
            repeats,
            from,
            client: 0,
            counts_duplicates: !policy.idempotent && (!policy.idempotency_key || keyless),
            depth,
            patho,
        };
        self.svcs[s].deps[dep].acc.calls += 1;
        let ck = self.calls.insert(call);
        self.send_attempt(ck);
    }

    pub(crate) fn on_job_step(&mut self, jk: Key) {
        let Some(job) = self.jobs.get_mut(jk) else {
            return;
        };
        let (s, i) = (job.svc as usize, job.inst as usize);
        if job.patho != 0 {
            return self.patho_done(jk);
        }
        if job.in_cpu {
            job.in_cpu = false;
            let (trace, depth, start) = (job.trace, job.depth, job.span_start);
            let inst = &mut self.svcs[s].insts[i];
            inst.cpu_end(self.now);
            if trace != 0 {
                let label = format!("{}-{} cpu", self.spec.services[s].name, inst.num);
                self.rec.traces.span(trace, depth, label, start, self.now, true);
            }
        }
        let job = self.jobs.get_mut(jk).expect("job exists");
        job.pc = job.next_pc;
        self.job_continue(jk);
    }

    /// A dependency call made by this job is over.
    pub(crate) fn job_call_done(&mut self, jk: Key, outcome: Outcome) {
        let Some(job) = self.jobs.get(jk) else { return };
        let (s, e, pc) = (job.svc as usize, job.endpoint as usize, job.pc as usize);
        let optional = matches!(self.spec.services[s].endpoints[e].plan[pc], Step::Call { optional: true, .. });
        match outcome {
            Ok(()) => {}
            Err(reason) if optional => self.log_dep_failure(jk, reason, Level::Warn),
            Err(reason) => {
                self.log_dep_failure(jk, reason, Level::Error);
                return self.job_finish(jk, Err(Reason::DependencyFailed));
            }
        }
        self.jobs.get_mut(jk).expect("job exists").pc += 1;
        self.job_continue(jk);
    }

    /// The job is over: free its worker, answer the caller, start the next queued job.
    pub(crate) fn job_finish(&mut self, jk: Key, outcome: Outcome) {
        let Some(job) = self.jobs.remove(jk) else {
            return;
        };
        let (s, i) = (job.svc as usize, job.inst as usize);
        let now = self.now;
        let latency = now.since(job.arrived).0;
        if let Some(cache) = job.hot_fill {
            self.hot_fill_failed(usize::from(cache));
        }
        let is_health = job.health;
        let inst = &mut self.svcs[s].insts[i];
        if inst.life == job.life {
            if job.running {
                inst.free_worker(now);
            }
            if job.in_cpu {
                inst.cpu_end(now);
            }
            if !is_health {
                inst.outcomes.done += 1;
                inst.outcomes.failed += u32::from(outcome.is_err());
            }
        }
        self.rec.totals.service_in_system[s].add(now, -1.0);
        if !is_health && job.running && self.attempts.get(job.att).is_none_or(|a| a.resolved) {
            // Served for nobody: the caller timed out while this request waited or ran. (A job
            // skipped at its deadline, or killed with its instance, did no such work.)
            self.svcs[s].acc.waits.abandoned_done += 1;
            self.rec.totals.abandoned_done[s] += 1;
        }
        if !is_health {
            self.svcs[s].acc.red.finish(outcome, latency);
            if outcome.is_ok() {
                self.rec.totals.service_hist[s].record(latency);
                self.rec.totals.service_done[s] += 1;
            }
            self.log_job(s, i, &job, outcome, latency);
        }
        if job.trace != 0 {
            let label = format!(
                "{}-{} {}",
                self.spec.services[s].name,
                self.svcs[s].insts[i].num,
                self.spec.services[s].endpoints[job.endpoint as usize].name
            );
            self.rec.traces.span(job.trace, job.depth, label, job.arrived, now, outcome.is_ok());
        }
        if self.svcs[s].insts[i].life == job.life {
            self.pump(s, i);
            self.maybe_finish_drain(s, i);
        }
        self.attempt_done(job.att, outcome);
    }

    /// The instance's version, if its behaviour is active (not gated off by a flag).
    pub(crate) fn active_version(&self, s: usize, i: usize) -> Option<&crate::sim::model::spec::Version> {
        let v = &self.spec.versions[self.svcs[s].insts[i].version];
        v.requires_flag.is_none_or(|fl| self.flags[fl]).then_some(v)
    }

    /// What the flags that are on do to endpoint `e` of service `s`.
    fn flag_effects(&self, s: usize, e: usize) -> impl Iterator<Item = &crate::sim::model::spec::FlagEffect> {
        self.spec
            .flags
            .iter()
            .zip(&self.flags)
            .filter(|(_, on)| **on)
            .flat_map(|(flag, _)| &flag.effects)
            .filter(move |x| x.service == s && (x.endpoints.is_empty() || x.endpoints.contains(&e)))
    }

    /// Stretch of CPU work: version and flag latency factors, GC pressure, CPU contention.
    pub(crate) fn cpu_factor(&self, s: usize, i: usize, e: usize) -> f64 {
        let mut f = self.active_version(s, i).map_or(1.0, |v| v.latency_factor);
        f *= self.flag_effects(s, e).map(|x| x.latency_factor).product::<f64>();
        let mem = self.memory_fraction(s, i);
        if mem > GC_KNEE {
            let x = (mem - GC_KNEE) / (1.0 - GC_KNEE);
            f *= 1.0 + 3.0 * x * x;
        }
        let cores = (self.spec.services[s].cores - self.svcs[s].faults.cpu_hog).max(0.1);
        let demand = f64::from(self.svcs[s].insts[i].cpu_active + 1);
        if demand > cores {
            f *= demand / cores;
        }
        f
    }

    fn error_probability(&self, s: usize, i: usize, e: usize) -> f64 {
        let ok = self.active_version(s, i).map_or(1.0, |v| 1.0 - v.error_rate)
            * self.flag_effects(s, e).map(|x| 1.0 - x.error_rate).product::<f64>();
        1.0 - ok
    }

    fn extra_queries(&self, s: usize, i: usize, e: usize) -> u32 {
        self.active_version(s, i).map_or(0, |v| v.extra_queries)
            + self.flag_effects(s, e).map(|x| x.extra_queries).sum::<u32>()
    }
}
