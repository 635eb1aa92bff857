//! Input that sends the code down a pathological path (`PathologicalInput`), and plans a
//! version replaces.
//!
//! While the fault is active, a share of the requests to one endpoint of a service carry bad
//! input (a post whose text makes a regex backtrack, a rule that matches every body). The
//! draw happens once, when the request (the call) is made, so every retry of it carries the
//! same input — a poison request crashes one instance after another. When such a request
//! gets its worker, before its plan, it runs the pathological CPU work (stretched by CPU
//! contention like any CPU step); with `crash`, the instance dies when that work ends, taking
//! its other requests with it. Only instances running the fault's `version`, and only while
//! its `flag` is on, take the path. Health checks that request the endpoint are requests to
//! it too.
//!
//! Invariant: a job's `patho` is non-zero only until its pathological step ends; its first
//! CPU step is that step.

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::dist::Dist;
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::Dur;
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::Inject;
use crate::sim::observe::logs::Level;

/// A `PathologicalInput` fault in force on a service.
#[derive(Clone, Debug)]
pub(crate) struct Patho {
    /// Its timeline entry.
    pub entry: u16,
    pub endpoint: usize,
    pub fraction: f64,
}

impl Sim {
    /// Whether a new request to endpoint `e` of service `s` carries pathological input: 1 +
    /// the fault's entry, or 0.
    pub(crate) fn draw_patho(&mut self, s: usize, e: usize) -> u16 {
        let faults = &self.svcs[s].faults.patho;
        if faults.is_empty() {
            return 0;
        }
        for k in 0..faults.len() {
            let p = &self.svcs[s].faults.patho[k];
            let (entry, endpoint, fraction) = (p.entry, p.endpoint, p.fraction);
            if endpoint == e && self.rng.faults.chance(fraction) {
                return entry + 1;
            }
        }
        0
    }

    /// The pathological path a request marked `patho` takes on instance `i`: `patho` while its
    /// fault is still active and the instance's version and the flags let it run, else 0.
    pub(crate) fn patho_applies(&self, s: usize, i: usize, patho: u16) -> u16 {
        let entry = usize::from(patho - 1);
        if !self.svcs[s].faults.patho.iter().any(|p| usize::from(p.entry) == entry) {
            return 0;
        }
        let Inject::Fault(Fault::PathologicalInput { version, flag, .. }) = &self.spec.timeline[entry].inject else {
            return 0;
        };
        let on_version = version.is_none_or(|v| self.svcs[s].insts[i].version == v);
        let flag_on = flag.is_none_or(|f| self.flags[f]);
        if on_version && flag_on { patho } else { 0 }
    }

    /// A job that has its worker starts: with pathological input, that work first.
    pub(crate) fn job_begin(&mut self, jk: Key) {
        let Some(job) = self.jobs.get(jk) else { return };
        if job.patho == 0 {
            return self.job_continue(jk);
        }
        let (s, i, e) = (job.svc as usize, job.inst as usize, job.endpoint as usize);
        let entry = usize::from(job.patho - 1);
        let Inject::Fault(Fault::PathologicalInput { cpu, .. }) = &self.spec.timeline[entry].inject else {
            return self.job_continue(jk);
        };
        let base = Dist::sample(cpu, &mut self.rng.service);
        let t = Dur::from_us_f64(base * self.cpu_factor(s, i, e));
        self.svcs[s].acc.pathological += 1;
        self.svcs[s].insts[i].cpu_start(self.now);
        let job = self.jobs.get_mut(jk).expect("job exists");
        job.in_cpu = true;
        job.next_pc = job.pc;
        job.span_start = self.now;
        self.q.push(self.now + t, Ev::JobStep { job: jk });
    }

    /// The pathological work is done: the instance dies (a poison request) or the plan runs.
    pub(crate) fn patho_done(&mut self, jk: Key) {
        let Some(job) = self.jobs.get_mut(jk) else { return };
        let (s, i, entry) = (job.svc as usize, job.inst as usize, usize::from(job.patho - 1));
        let (trace, depth, start) = (job.trace, job.depth, job.span_start);
        job.patho = 0;
        job.in_cpu = false;
        self.svcs[s].insts[i].cpu_end(self.now);
        // What the player can see is what a profiler or the service's own logs would say: which
        // endpoint's request burnt the CPU, not the fault behind it.
        let e = self.jobs.get(jk).map_or(0, |j| j.endpoint as usize);
        let endpoint = self.spec.services[s].endpoints[e].name.clone();
        if trace != 0 {
            let name = format!("{} cpu (one {endpoint} request's input)", self.inst_name(s, i));
            self.rec.traces.span(trace, depth, name, start, self.now, true);
        }
        let crash =
            matches!(self.spec.timeline[entry].inject, Inject::Fault(Fault::PathologicalInput { crash: true, .. }));
        let took = self.now.since(start);
        let service = self.spec.services[s].name.clone();
        if crash {
            let a = if endpoint.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            return self.crash(s, i, &format!("poison request: the process died handling {a} {endpoint} request"));
        }
        if self.rec.logs.allow((s as u16, 9), Level::Warn, &service) {
            let src = self.inst_name(s, i);
            let text = format!("slow input: one {endpoint} request spent {took} on the CPU");
            self.rec.logs.push(self.now, Level::Warn, &service, &src, None, text);
        }
        self.job_continue(jk);
    }

    /// The endpoint whose plan a request to endpoint `e` runs on instance `i`: a version may
    /// replace it (while the version's behaviour is active).
    pub(crate) fn variant(&self, s: usize, i: usize, e: u16) -> u16 {
        let version = self.svcs[s].insts[i].version;
        let Some(v) =
            self.spec.services[s].variants.iter().find(|v| v.version == version && v.endpoint == usize::from(e))
        else {
            return e;
        };
        if self.active_version(s, i).is_some() { v.plan as u16 } else { e }
    }
}
