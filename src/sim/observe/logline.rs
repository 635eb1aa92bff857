//! Log lines from simulated events, written the way the service's own logs would read:
//! errors with their cause and trace id, slow-request warnings, and a sampled access log.
//! Formatting happens only for lines the rate cap lets through.

use super::logs::Level;
use crate::sim::engine::Sim;
use crate::sim::kernel::slab::Key;
use crate::sim::request::job::Job;
use crate::sim::request::outcome::{Outcome, Reason};
use crate::sim::request::traffic::trace_id;

/// Log one successful request in this many (the access log is sampled).
const ACCESS_SAMPLE: u64 = 997;

// Kinds, for the per-window rate cap.
const K_ACCESS: u16 = 1;
const K_SLOW: u16 = 2;
const K_ERROR: u16 = 3;
const K_DEP: u16 = 10;

impl Sim {
    /// Every request has a trace id; only sampled ones have recorded spans.
    fn trace_of(&self, job: &Job) -> Option<u64> {
        if job.trace != 0 {
            return self.rec.traces.id_of(job.trace);
        }
        let ck = self.attempts.get(job.att)?.call;
        Some(trace_id(!self.seed, (u64::from(ck.idx) << 32) | u64::from(ck.generation)))
    }

    pub(crate) fn log_job(&mut self, s: usize, i: usize, job: &Job, outcome: Outcome, latency_us: u64) {
        let name = &self.spec.services[s].name;
        let endpoint = &self.spec.services[s].endpoints[job.endpoint as usize].name;
        match outcome {
            Ok(()) => {
                let slow = self.spec.slo.latency_threshold.is_some_and(|d| latency_us > d.0);
                if slow {
                    if self.rec.logs.allow((s as u16, K_SLOW), Level::Warn, name) {
                        let text = format!("slow request {endpoint} took {:.0}ms", latency_us as f64 / 1000.0);
                        self.push_log(s, i, Level::Warn, self.trace_of(job), text);
                    }
                } else if self.rec.totals.service_done[s].is_multiple_of(ACCESS_SAMPLE)
                    && self.rec.logs.allow((s as u16, K_ACCESS), Level::Info, name)
                {
                    let text = format!("200 {endpoint} {:.0}ms", latency_us as f64 / 1000.0);
                    self.push_log(s, i, Level::Info, self.trace_of(job), text);
                }
            }
            Err(reason) => {
                if matches!(reason, Reason::DependencyFailed) {
                    return; // the dependency failure itself was logged where it happened
                }
                if self.rec.logs.allow((s as u16, K_ERROR + reason as u16 * 16), Level::Error, name) {
                    let text =
                        format!("{endpoint} failed after {:.0}ms: {}", latency_us as f64 / 1000.0, reason.text());
                    self.push_log(s, i, Level::Error, self.trace_of(job), text);
                }
            }
        }
    }

    pub(crate) fn log_dep_failure(&mut self, jk: Key, reason: Reason, level: Level) {
        let Some(job) = self.jobs.get(jk) else { return };
        let (s, i, e, pc) = (job.svc as usize, job.inst as usize, job.endpoint as usize, job.pc as usize);
        let name = &self.spec.services[s].name;
        let key = (s as u16, K_DEP + pc as u16 * 64 + reason as u16);
        if !self.rec.logs.allow(key, level, name) {
            return;
        }
        let dep = match &self.spec.services[s].endpoints[e].plan[pc] {
            crate::sim::model::spec::Step::Call { dep, .. } => {
                self.spec.target_name(self.spec.services[s].deps[*dep].target)
            }
            _ => "dependency",
        };
        let endpoint = &self.spec.services[s].endpoints[e].name;
        let text = if level == Level::Warn {
            format!("{endpoint}: call to {dep} failed ({}), serving degraded response", reason.text())
        } else {
            format!("{endpoint}: call to {dep} failed: {}", reason.text())
        };
        let trace = self.trace_of(&job.clone());
        self.push_log(s, i, level, trace, text);
    }

    fn push_log(&mut self, s: usize, i: usize, level: Level, trace: Option<u64>, text: String) {
        let name = self.spec.services[s].name.clone();
        let src = self.inst_name(s, i);
        self.rec.logs.push(self.now, level, &name, &src, trace, text);
    }
}
