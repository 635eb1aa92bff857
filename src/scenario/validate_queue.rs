//! Validating message queues: each queue's consumer service and endpoint, its numbers in
//! range, and no queue whose consumers (or the services they call) enqueue back into it,
//! directly or through other queues — a cycle that would feed itself.

use super::error::{field, key};
use super::raw::RawScenario;
use super::validate::Ctx;
use crate::sim::Dur;
use crate::sim::kernel::time::HOUR;
use crate::sim::model::queue::Queue;
use crate::sim::model::spec::{SimSpec, Step, Target};

/// The longest visibility timeout (SQS allows 12 hours).
const MAX_VISIBILITY: Dur = Dur(12 * HOUR);

pub(super) fn queues(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec) -> Vec<Queue> {
    let mut out = Vec::new();
    for (name, rq) in &raw.queues.0 {
        let p = [field("queues"), key(name)];
        let sub = |f: &str| [&p[..], &[field(f)]].concat();
        let services = cx.services.clone();
        let Some(consumer) = cx.lookup(&sub("consumer"), &services, &rq.consumer, "service") else { continue };
        let endpoints: Vec<String> = sim.services[consumer]
            .endpoints
            .iter()
            .take(sim.services[consumer].health_endpoint)
            .map(|e| e.name.clone())
            .collect();
        let endpoint = match &rq.endpoint {
            Some(e) => cx.lookup(&sub("endpoint"), &endpoints, e, "endpoint").unwrap_or(0),
            None => 0,
        };
        if rq.per_instance == 0 || rq.per_instance > super::validate::MAX_WORKERS {
            cx.err(&sub("per_instance"), format!("per_instance must be 1 to {}", super::validate::MAX_WORKERS), "");
        }
        if rq.visibility_timeout.0 == 0 || rq.visibility_timeout > MAX_VISIBILITY {
            cx.err(
                &sub("visibility_timeout"),
                format!("visibility_timeout must be between 1us and {MAX_VISIBILITY}"),
                "",
            );
        }
        if rq.max_receives.is_some_and(|m| m == 0 || m > 1000) {
            cx.err(&sub("max_receives"), "max_receives must be 1 to 1000", "leave it out for no dead-letter queue");
        }
        if rq.retention.is_some_and(|r| r.0 == 0) {
            cx.err(&sub("retention"), "retention must be above 0", "leave it out to keep messages forever");
        }
        let flags = cx.flags.clone();
        let flag = rq.flag.as_ref().and_then(|f| cx.lookup(&sub("flag"), &flags, f, "flag"));
        out.push(Queue {
            name: name.clone(),
            consumer,
            endpoint,
            per_instance: rq.per_instance.clamp(1, super::validate::MAX_WORKERS),
            visibility_timeout: rq.visibility_timeout.clamp(Dur(1), MAX_VISIBILITY),
            max_receives: rq.max_receives.map(|m| m.clamp(1, 1000)),
            retention: rq.retention.map(|r| r.max(Dur(1))),
            idempotent: rq.idempotent,
            flag,
        });
    }
    out
}

/// Reports a queue whose messages can, through its consumer, enqueue into itself again.
pub(super) fn check_queue_cycles(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec) {
    let n = sim.queues.len();
    // feeds[q]: the queues a message of q can enqueue into.
    let mut memo: Vec<Option<Vec<usize>>> = vec![None; sim.services.len()];
    let feeds: Vec<Vec<usize>> = sim.queues.iter().map(|q| service_enqueues(sim, q.consumer, &mut memo)).collect();
    for start in 0..n {
        // Depth-first from `start` along feeds: reaching `start` again is a cycle.
        let mut seen = vec![false; n];
        let mut stack = feeds[start].clone();
        while let Some(q) = stack.pop() {
            if q == start {
                let (name, _) = &raw.queues.0[start];
                cx.err(
                    &[field("queues"), key(name)],
                    format!("messages of `{name}` lead its consumers to enqueue into `{name}` again"),
                    "a queue may not feed itself, directly or through other queues",
                );
                return;
            }
            if !std::mem::replace(&mut seen[q], true) {
                stack.extend(&feeds[q]);
            }
        }
    }
}

/// The queues a request to service `s` can enqueue into (its steps and every service it
/// calls; the service call graph is acyclic by then).
fn service_enqueues(sim: &SimSpec, s: usize, memo: &mut Vec<Option<Vec<usize>>>) -> Vec<usize> {
    if let Some(v) = &memo[s] {
        return v.clone();
    }
    memo[s] = Some(Vec::new()); // a cycle (already reported) cannot recurse forever
    let mut out = Vec::new();
    for ep in &sim.services[s].endpoints {
        for step in &ep.plan {
            match step {
                Step::Enqueue { queue } => out.push(*queue),
                Step::Call { dep, .. } => {
                    if let Target::Service(t) = sim.services[s].deps[*dep].target {
                        out.extend(service_enqueues(sim, t, memo));
                    }
                }
                _ => {}
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    memo[s] = Some(out.clone());
    out
}
