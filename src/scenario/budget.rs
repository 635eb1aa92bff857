//! The work budget: before a scenario runs, validation estimates the work and the memory a
//! run of it can take, and refuses a file over [`MAX_REQUESTS`] simulated requests or
//! [`MAX_BYTES`] of memory with a positioned error that names the fields driving the cost.
//!
//! The estimate is a **sum of per-mechanism terms** ([`Term`]): user traffic, each abusive
//! client, the health checks of each service, the metric windows, the requests in flight and
//! the log lines kept. A mechanism that makes requests or holds memory adds its own term here
//! (closed-loop clients: users × think-time cycles × tries; queue consumers: messages × tries;
//! replicas: instances × checks), so the budget stays one number whatever the engine learns.
//!
//! A simulated request is what `run` counts (`requests_simulated`): a try at the edge or at
//! any dependency, plus here each database query of a try. Tries are counted at their worst,
//! as if every try failed and was retried at every layer, cache look-ups always miss and
//! every version's and flag's extra queries apply: a scenario is meant to be played badly, and
//! the budget must hold then too. Endpoints count by their weights.
//!
//! The estimate can still be wrong — a service with no queue limit that cannot keep up holds
//! its requests far longer than the minute counted here — so the engine also enforces hard
//! caps while it runs (`sim::kernel::caps`).
//!
//! # The numbers
//!
//! - [`MAX_REQUESTS`] = 100,000,000 at worst. The engine simulates 1.3–3.5 M requests a
//!   second on this machine (`firedrill run` on the shipped scenarios; `cargo bench --bench
//!   engine`), so even a run in which every try really failed at every layer ends within
//!   ~75 s headless. Real runs simulate 1.5–9× less than their worst case (measured on the
//!   shipped nine: friday-deploy 5.7 M estimated, 1.4 M run; n-plus-one 22.8 M, 2.5 M;
//!   retry-storm 7.7 M, 5.0 M), i.e. at most ~30 M requests and ~20 s. The largest shipped
//!   scenario (n-plus-one, 22.8 M) fits more than four times over; `tests/budget.rs` holds
//!   every shipped scenario to a quarter of the budget.
//! - [`MAX_BYTES`] = 256 MiB: what a laptop spares a game without noticing. The shipped
//!   scenarios are estimated at 11–65 MiB (the in-flight term at its worst) and measured under
//!   35 MB peak RSS for a whole `firedrill run`.
//! - [`MAX_JSON_BYTES`] = 512 MiB of `run --format json`: the windows
//!   are most of it, at ~2 kB per second of a small topology.

use super::error::{field, index, key};
use super::locate::Seg;
use super::raw::RawScenario;
use super::validate::Ctx;
use crate::sim::SimSpec;
use crate::sim::model::fault::Fault;
use crate::sim::model::load::CLOSED_LOOP_FLOOR;
use crate::sim::model::rules::{Inject, Trigger};
use crate::sim::model::spec::{Shape, Step, Target};
use crate::sim::observe::metric::{
    CacheStats, DbStats, DepStats, QueueStats, ReplicaStats, ReplicationStats, ServiceStats, ThirdPartyStats, Window,
};
use std::mem::size_of;

/// The most simulated requests (tries at every layer, and database queries) a run may take.
pub const MAX_REQUESTS: f64 = 100_000_000.0;
/// The most memory a run may hold.
pub const MAX_BYTES: f64 = 256.0 * 1024.0 * 1024.0;
/// The largest `run --format json` document (`report::run_json` enforces it as it writes).
pub const MAX_JSON_BYTES: usize = 512 << 20;
const MAX_JSON: f64 = MAX_JSON_BYTES as f64;

/// Requests in flight are counted for at most this long each (seconds).
const RESIDENCE_CAP_S: f64 = 60.0;
/// Bytes a kept log line holds (its text, source and time), measured on the shipped scenarios.
const LOG_LINE_BYTES: f64 = 200.0;

/// What one mechanism costs.
#[derive(Clone, Debug)]
pub struct Term {
    /// The mechanism, e.g. "user traffic", "health checks of `api`".
    pub what: String,
    pub requests: f64,
    pub bytes: f64,
    /// JSON output bytes.
    pub json: f64,
    /// The fields that drive it, with their values, in words.
    pub fields: String,
    /// Where the main one is in the file.
    pub path: Vec<Seg>,
}

/// Every term of a scenario's cost.
#[derive(Clone, Debug, Default)]
pub struct Estimate {
    pub terms: Vec<Term>,
}

impl Estimate {
    pub fn requests(&self) -> f64 {
        self.terms.iter().map(|t| t.requests).sum()
    }
    pub fn bytes(&self) -> f64 {
        self.terms.iter().map(|t| t.bytes).sum()
    }
    pub fn json(&self) -> f64 {
        self.terms.iter().map(|t| t.json).sum()
    }
}

fn millions(x: f64) -> String {
    if x >= 1e6 { format!("{:.1} M", x / 1e6) } else { format!("{x:.0}") }
}

fn mib(x: f64) -> String {
    format!("{:.0} MiB", x / (1024.0 * 1024.0))
}

/// Tries below one request to a service: worst case (every try retried, every miss taken),
/// endpoints by weight. `state` guards against a cycle (reported elsewhere): 1 = on the stack.
fn below(sim: &SimSpec, s: usize, memo: &mut [Option<f64>], state: &mut [u8]) -> f64 {
    if let Some(x) = memo[s] {
        return x;
    }
    if state[s] == 1 {
        return 0.0;
    }
    state[s] = 1;
    let svc = &sim.services[s];
    let (mut sum, mut weights) = (0.0, 0.0);
    for (e, ep) in svc.endpoints.iter().enumerate() {
        if e == svc.health_endpoint {
            continue;
        }
        let w = ep.weight.max(0.0);
        sum += w * endpoint_tries(sim, s, e, memo, state);
        weights += w;
    }
    let x = if weights > 0.0 { sum / weights } else { 0.0 };
    state[s] = 2;
    memo[s] = Some(x);
    x
}

/// Tries below one request to endpoint `e` of service `s`.
fn endpoint_tries(sim: &SimSpec, s: usize, e: usize, memo: &mut [Option<f64>], state: &mut [u8]) -> f64 {
    let svc = &sim.services[s];
    let extra = f64::from(max_extra_queries(sim));
    let mut total = 0.0;
    for step in &svc.endpoints[e].plan {
        if let Step::Enqueue { queue } = step {
            total += queue_work(sim, *queue, memo, state);
        }
        if let Step::Call { dep, queries, .. } = step {
            let d = &svc.deps[*dep];
            let tries = f64::from(d.policy.retry.max_attempts.max(1));
            total += tries
                * match d.target {
                    Target::Database => f64::from((*queries).max(1)) + extra,
                    Target::Service(t) => 1.0 + below(sim, t, memo, state),
                    Target::ThirdParty(_) => 1.0,
                };
        }
    }
    total
}

/// Work of one message enqueued on `queue`, at worst: it is received as often as it can be
/// (`max_receives`, else once per visibility timeout over the run or its retention), and each
/// receive runs the consumer's endpoint. A consumer already on the stack counts 0 (a cycle).
fn queue_work(sim: &SimSpec, queue: usize, memo: &mut [Option<f64>], state: &mut [u8]) -> f64 {
    let Some(q) = sim.queues.get(queue) else { return 0.0 };
    if q.consumer >= state.len() || state[q.consumer] == 1 {
        return 0.0;
    }
    let visibility = q.visibility_timeout.secs_f64().max(1e-6);
    let mut receives = (sim.duration.secs_f64() / visibility).floor() + 1.0;
    if let Some(r) = q.retention {
        receives = receives.min((r.secs_f64() / visibility).floor() + 1.0);
    }
    if let Some(m) = q.max_receives {
        receives = receives.min(f64::from(m.max(1)));
    }
    let before = std::mem::replace(&mut state[q.consumer], 1);
    let per_receive = 1.0 + endpoint_tries(sim, q.consumer, q.endpoint, memo, state);
    state[q.consumer] = before;
    receives * per_receive
}

/// The most extra queries any version plus every flag may add to one database step.
fn max_extra_queries(sim: &SimSpec) -> u32 {
    let version = sim.versions.iter().map(|v| v.extra_queries).max().unwrap_or(0);
    let flags: u32 = sim.flags.iter().flat_map(|f| f.effects.iter().map(|x| x.extra_queries)).sum();
    version.saturating_add(flags)
}

/// When a timeline entry's fault is active, in seconds: from its time (a condition could come
/// true at once: from 0) for its duration (or to the end).
fn active_window(sim: &SimSpec, trigger: &Trigger, duration: Option<crate::sim::Dur>) -> (f64, f64) {
    let length = sim.duration.secs_f64();
    let from = match trigger {
        Trigger::At(t) => t.secs_f64(),
        // A condition or a facilitator could fire it at once.
        Trigger::When(_) | Trigger::Manual => 0.0,
    };
    let to = duration.map_or(length, |d| (from + d.secs_f64()).min(length));
    (from.min(length), to)
}

/// User requests over the run: the offered rate summed second by second (shape, spikes and
/// traffic-spike faults above 1×).
fn user_requests(sim: &SimSpec) -> f64 {
    let t = &sim.traffic;
    let seconds = sim.duration.secs_f64().ceil() as u64;
    let faults: Vec<(f64, f64, f64)> = sim
        .timeline
        .iter()
        .filter_map(|e| match &e.inject {
            Inject::Fault(Fault::TrafficSpike { factor }) if *factor > 1.0 => {
                let (a, b) = active_window(sim, &e.trigger, e.duration);
                Some((a, b, *factor))
            }
            _ => None,
        })
        .collect();
    let shape = shape_peak(&t.shape);
    let mut total = 0.0;
    for k in 0..seconds {
        let at = k as f64 + 0.5;
        let spikes: f64 = t
            .spikes
            .iter()
            .filter(|s| at >= s.at.secs_f64() && at < s.at.secs_f64() + s.duration.secs_f64())
            .map(|s| s.factor.max(1.0))
            .product();
        let faults: f64 = faults.iter().filter(|(a, b, _)| at >= *a && at < *b).map(|f| f.2).product();
        total += t.base_rps * shape * spikes * faults;
    }
    total
}

/// Memory of one closed window, and its size in the JSON document.
fn window_bytes(sim: &SimSpec) -> (f64, f64) {
    let deps: usize = sim.services.iter().map(|s| s.deps.len()).sum();
    let s = sim.services.len();
    let replicas = sim.database.as_ref().map_or(0, |d| d.replication.replicas.len());
    let memory = size_of::<Window>()
        + s * (size_of::<ServiceStats>() + size_of::<Vec<DepStats>>() + 2 * 40)
        + deps * size_of::<DepStats>()
        + sim.caches.len() * size_of::<CacheStats>()
        + sim.third_parties.len() * (size_of::<ThirdPartyStats>() + 16)
        + size_of::<DbStats>()
        + replicas * size_of::<ReplicaStats>()
        + if replicas > 0 { size_of::<ReplicationStats>() } else { 0 }
        + sim.queues.len() * size_of::<QueueStats>()
        + 16;
    // JSON: measured on the shipped scenarios (friday-deploy: ~2.1 kB a window).
    let json = 400
        + 600 * s
        + 350 * deps
        + 100 * sim.caches.len()
        + 250 * sim.third_parties.len()
        + 250
        + 300 * sim.queues.len()
        + 150 * replicas;
    (memory as f64, json as f64)
}

/// Every term of the scenario's cost. `raw` gives the names for paths.
pub fn estimate(raw: &RawScenario, sim: &SimSpec) -> Estimate {
    let n = sim.services.len();
    let (mut memo, mut state) = (vec![None; n], vec![0u8; n]);
    let mut terms = Vec::new();
    if n == 0 || sim.entry >= n {
        return Estimate::default();
    }
    let length = sim.duration.secs_f64();
    let client_tries = f64::from(sim.traffic.client.retry.max_attempts.max(1));
    let per_user = client_tries * (1.0 + below(sim, sim.entry, &mut memo, &mut state));
    let users = user_requests(sim);
    terms.push(Term {
        what: "user traffic".into(),
        requests: users * per_user,
        bytes: 0.0,
        json: 0.0,
        fields: format!(
            "traffic.base_rps {} × its shape and spikes over length {} = {} user requests, × {per_user:.1} tries \
             each at worst (client retries × the calls and retries below the entry service)",
            sim.traffic.base_rps,
            sim.duration,
            millions(users)
        ),
        path: vec![field("traffic"), field("base_rps")],
    });
    if let Some(c) = &sim.traffic.closed {
        let cycle = (c.think.mean_us() / 1e6).max(CLOSED_LOOP_FLOOR.secs_f64());
        let requests = f64::from(c.users) * length / cycle;
        terms.push(Term {
            what: "closed-loop users".into(),
            requests: requests * per_user,
            bytes: f64::from(c.users) * crate::sim::live_try_bytes() as f64 * per_user,
            json: 0.0,
            fields: format!(
                "traffic.closed: {} users, each at most one request every max(mean think, 10ms) = {cycle:.3} s over \
                 length {} = {} requests, × {per_user:.1} tries each at worst",
                c.users,
                sim.duration,
                millions(requests)
            ),
            path: vec![field("traffic"), field("closed"), field("users")],
        });
    }
    let mut peak_abuse = 0.0;
    for (i, e) in sim.timeline.iter().enumerate() {
        if let Inject::Fault(Fault::AbusiveClient { client, rps }) = &e.inject {
            let (a, b) = active_window(sim, &e.trigger, e.duration);
            peak_abuse += rps;
            terms.push(Term {
                what: format!("abusive client `{client}`"),
                requests: rps * (b - a) * per_user,
                bytes: 0.0,
                json: 0.0,
                fields: format!("timeline[{i}] AbusiveClient rps {rps} for {:.0} s × {per_user:.1} tries each", b - a),
                path: vec![field("timeline"), index(i), field("fault")],
            });
        }
    }
    for (s, svc) in sim.services.iter().enumerate() {
        let checks =
            f64::from(svc.max_instances.max(svc.instances)) * length / svc.health.interval.secs_f64().max(1e-6);
        let per_check = 1.0 + endpoint_tries(sim, s, svc.health_endpoint, &mut memo, &mut state);
        let name = raw.services.0.get(s).map_or(svc.name.as_str(), |(n, _)| n.as_str());
        terms.push(Term {
            what: format!("health checks of `{}`", svc.name),
            requests: checks * per_check,
            bytes: 0.0,
            json: 0.0,
            fields: format!(
                "services.{}: up to {} instances (max_instances) checked every {} over {}",
                svc.name,
                svc.max_instances.max(svc.instances),
                svc.health.interval,
                sim.duration
            ),
            path: vec![field("services"), key(name), field("health")],
        });
    }
    let (per_window, json_per_window) = window_bytes(sim);
    terms.push(Term {
        what: "metric windows".into(),
        requests: 0.0,
        bytes: per_window * length,
        json: json_per_window * length,
        fields: format!(
            "one window a second over length {}, each with {} services, their dependencies, caches and third parties",
            sim.duration,
            sim.services.len()
        ),
        path: vec![field("length")],
    });
    let peak = sim.traffic.base_rps * peak_factor(sim) + peak_abuse;
    let policy = &sim.traffic.client;
    let residence = (policy.timeout.secs_f64() * client_tries).min(RESIDENCE_CAP_S);
    let per_request = crate::sim::live_try_bytes() as f64 * per_user;
    terms.push(Term {
        what: "requests in flight".into(),
        requests: 0.0,
        bytes: peak * residence * per_request,
        json: 0.0,
        fields: format!(
            "a peak of {peak:.0} requests a second, each alive for up to {residence:.0} s (traffic.client.timeout × tries, \
             at most {RESIDENCE_CAP_S:.0} s) with {per_user:.1} tries"
        ),
        path: vec![field("traffic"), field("client")],
    });
    terms.push(Term {
        what: "log lines kept".into(),
        requests: 0.0,
        bytes: sim.logs.keep as f64 * LOG_LINE_BYTES,
        json: 0.0,
        fields: format!("logs.keep {}", sim.logs.keep),
        path: vec![field("logs"), field("keep")],
    });
    Estimate { terms }
}

/// The highest factor a traffic shape reaches (the user-traffic term takes it all along: an
/// upper bound, cheap to compute).
pub fn shape_peak(shape: &Shape) -> f64 {
    match shape {
        Shape::Flat => 1.0,
        Shape::Diurnal { amplitude, .. } => 1.0 + amplitude,
        Shape::Points(p) => p.iter().map(|x| x.1).fold(0.0, f64::max),
    }
}

/// The peak of the shape times the spikes (≥ 1 each) and the traffic-spike faults above 1×.
fn peak_factor(sim: &SimSpec) -> f64 {
    let shape = shape_peak(&sim.traffic.shape);
    let spikes: f64 = sim.traffic.spikes.iter().map(|s| s.factor.max(1.0)).product();
    let faults: f64 = sim
        .timeline
        .iter()
        .filter_map(|e| match &e.inject {
            Inject::Fault(Fault::TrafficSpike { factor }) => Some(factor.max(1.0)),
            _ => None,
        })
        .product();
    shape * spikes * faults
}

/// Refuses a scenario over the budget, at the field of its biggest term, naming every term
/// that matters.
pub(super) fn check(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec) {
    let est = estimate(raw, sim);
    let over = [
        ("simulated requests", est.requests(), MAX_REQUESTS, millions as fn(f64) -> String, 0),
        ("memory", est.bytes(), MAX_BYTES, mib as fn(f64) -> String, 1),
        ("JSON output", est.json(), MAX_JSON, mib as fn(f64) -> String, 2),
    ];
    for (what, total, max, show, k) in over {
        if total <= max {
            continue;
        }
        let part = |t: &Term| match k {
            0 => t.requests,
            1 => t.bytes,
            _ => t.json,
        };
        let mut terms: Vec<&Term> = est.terms.iter().filter(|t| part(t) > 0.0).collect();
        terms.sort_by(|a, b| part(b).total_cmp(&part(a)));
        let main = terms[0];
        let mut costs: Vec<String> =
            terms.iter().take(3).map(|t| format!("{} {} ({})", t.what, show(part(t)), t.fields)).collect();
        if terms.len() > 3 {
            let rest: f64 = terms[3..].iter().map(|t| part(t)).sum();
            costs.push(format!("{} more terms {}", terms.len() - 3, show(rest)));
        }
        cx.err(
            &main.path,
            format!("this scenario would need about {} of {what}; the budget is {}", show(total), show(max)),
            format!("the cost comes from: {}; lower the biggest (see Limits in scenarios/README.md)", costs.join("; ")),
        );
    }
}
