//! Validating services: instance counts, memory, pools, health checks and each endpoint's
//! call plan, compiled into the engine's flat step list (a cache look-up becomes `CacheGet`,
//! its miss path, then `CacheFill`). Dependencies get their call policies here, and the call
//! graph is checked for cycles and for runaway retry amplification.

use super::error::{field, index, key};
use super::locate::Seg;
use super::raw::{HealthCheck, RawScenario, RawStep};
use super::validate::{Ctx, MAX_INSTANCES, MAX_ITEMS, MAX_WORKERS};
use crate::sim::Dur;
use crate::sim::kernel::dist::Dist;
use crate::sim::model::spec::{Dep, Endpoint, Health, Memory, Pool, Service, SimSpec, Step, Target};

/// The most tries one user request may cause at the bottom of the call graph.
const MAX_AMPLIFICATION: u64 = 1_000;

fn default_timeout(t: Target) -> Dur {
    match t {
        Target::Database => Dur::from_secs(2),
        _ => Dur::from_secs(5),
    }
}

pub(super) fn services(cx: &mut Ctx, raw: &RawScenario) -> Vec<Service> {
    let mut out = Vec::new();
    for (s, (name, rs)) in raw.services.0.iter().enumerate() {
        let p = vec![field("services"), key(name)];
        let sub = |f: &str| [&p[..], &[field(f)]].concat();
        if rs.instances == 0 || rs.instances > MAX_INSTANCES {
            cx.err(&sub("instances"), format!("instances must be 1 to {MAX_INSTANCES}"), "");
        }
        if rs.max_instances < rs.instances || rs.max_instances > MAX_INSTANCES {
            cx.err(&sub("max_instances"), format!("max_instances must be between instances and {MAX_INSTANCES}"), "");
        }
        if rs.workers == 0 || rs.workers > MAX_WORKERS {
            cx.err(&sub("workers"), format!("workers must be 1 to {MAX_WORKERS}"), "");
        }
        let cores = cx.positive(&sub("cores"), rs.cores, "cores");
        let version = cx.lookup(&sub("version"), &cx.versions.clone(), &rs.version, "version").unwrap_or(0);
        let m = &rs.memory;
        if !(m.limit_mb > m.baseline_mb && m.baseline_mb >= 0.0 && m.per_request_mb >= 0.0) {
            cx.err(&sub("memory"), "memory needs limit_mb > baseline_mb ≥ 0 and per_request_mb ≥ 0", "");
        }
        if rs.endpoints.is_empty() || rs.endpoints.len() > 20 {
            cx.err(&sub("endpoints"), "a service needs 1 to 20 endpoints", "");
        }
        let mut deps: Vec<Dep> = Vec::new();
        let mut endpoints = Vec::new();
        for (e, ep) in rs.endpoints.iter().enumerate() {
            let ep_path = [&p[..], &[field("endpoints"), index(e)]].concat();
            cx.name(&[&ep_path[..], &[field("name")]].concat(), &ep.name);
            if rs.endpoints[..e].iter().any(|x| x.name == ep.name) {
                cx.err(
                    &[&ep_path[..], &[field("name")]].concat(),
                    format!("{name} has two endpoints named `{}`", ep.name),
                    "endpoint names must be unique within a service",
                );
            }
            if !(ep.weight.is_finite() && ep.weight >= 0.0) {
                cx.err(&[&ep_path[..], &[field("weight")]].concat(), "weight must be ≥ 0", "");
            }
            let mut plan = Vec::new();
            compile(cx, &[&ep_path[..], &[field("plan")]].concat(), &ep.plan, &mut plan, &mut deps, s, raw, 0);
            if plan.len() > 64 {
                cx.err(&[&ep_path[..], &[field("plan")]].concat(), "a plan may have at most 64 steps", "");
            }
            endpoints.push(Endpoint { name: ep.name.clone(), weight: ep.weight.max(0.0), plan });
        }
        if !rs.endpoints.is_empty() && rs.endpoints.iter().map(|e| e.weight).sum::<f64>() <= 0.0 {
            cx.err(&sub("endpoints"), "at least one endpoint needs a positive weight", "");
        }
        // The health endpoint, last, with weight 0 so users never pick it.
        let mut health_plan = vec![Step::Cpu(Dist::constant(Dur(500)))];
        if rs.health.check == HealthCheck::Deep {
            if raw.database.is_none() {
                cx.err(
                    &[&sub("health")[..], &[field("check")]].concat(),
                    "a deep health check needs a database",
                    "use check: Shallow",
                );
            } else {
                let dep = dep_index(&mut deps, Target::Database);
                health_plan.push(Step::Call {
                    dep,
                    queries: 1,
                    query: None,
                    optional: false,
                    flag: None,
                    read_only: false,
                    repeats: false,
                });
            }
        }
        endpoints.push(Endpoint { name: "health".to_string(), weight: 0.0, plan: health_plan });
        let health_endpoint = endpoints.len() - 1;
        let health_target = super::validate_mech::health_endpoint(cx, &p, rs, &endpoints);
        // Plans versions replace, after the health endpoint (they may call more targets).
        let variants = super::validate_mech::variants(cx, raw, s, &mut endpoints, &mut deps);
        // Call policies, by target name.
        for (target_name, _) in &rs.calls.0 {
            let known = deps.iter().any(|d| target_name_of(cx, d.target) == *target_name);
            if !known {
                cx.err(
                    &[&p[..], &[field("calls"), key(target_name)]].concat(),
                    format!("{name} has a policy for `{target_name}` but never calls it"),
                    "remove it, or add a step that calls it",
                );
            }
        }
        for d in &mut deps {
            let tname = target_name_of(cx, d.target);
            d.policy = match rs.calls.0.iter().find(|(n, _)| *n == tname) {
                Some((n, rp)) => {
                    cx.policy(&[&p[..], &[field("calls"), key(n)]].concat(), rp, default_timeout(d.target))
                }
                None => cx.policy(&p, &super::raw::RawPolicy::default(), default_timeout(d.target)),
            };
        }
        let uses_db = deps.iter().any(|d| d.target == Target::Database);
        let pool = if uses_db || rs.pool.is_some() {
            let rp = rs.pool.unwrap_or_default();
            if rp.size == 0 || rp.size > 1000 {
                cx.err(&sub("pool"), "pool size must be 1 to 1000", "");
            }
            Some(Pool { size: rp.size.clamp(1, 1000), acquire_timeout: rp.acquire_timeout })
        } else {
            None
        };
        let h = &rs.health;
        if h.interval.0 == 0 || h.timeout.0 == 0 || h.healthy_after == 0 || h.unhealthy_after == 0 {
            cx.err(&sub("health"), "health checks need a positive interval, timeout and thresholds", "");
        }
        out.push(Service {
            name: name.clone(),
            instances: rs.instances.clamp(1, MAX_INSTANCES),
            workers: rs.workers.clamp(1, MAX_WORKERS),
            queue_limit: rs.queue_limit,
            cores,
            startup: rs.startup,
            version,
            memory: Memory {
                limit_mb: m.limit_mb.max(1.0),
                baseline_mb: m.baseline_mb.max(0.0),
                per_inflight_mb: m.per_request_mb.max(0.0),
            },
            health_endpoint,
            endpoints,
            pool,
            deps,
            health: Health {
                interval: h.interval.max(Dur(1000)),
                timeout: h.timeout.max(Dur(1000)),
                unhealthy_threshold: h.unhealthy_after.max(1),
                healthy_threshold: h.healthy_after.max(1),
                restart_after: h.restart_after,
                endpoint: health_target,
                lane: h.lane,
                enabled: h.enabled,
            },
            balance: rs.balance,
            deadline_propagation: rs.deadlines,
            max_instances: rs.max_instances.clamp(1, MAX_INSTANCES),
            skew: super::validate_mech::skew(cx, &p, rs),
            variants,
            pipeline: super::validate_mech::pipeline(cx, &p, rs),
            peers: super::validate_mech::peers(cx, &p, rs),
            contention: super::validate_load::contention(cx, &sub("concurrency_cost"), rs.concurrency_cost),
        });
    }
    super::validate_mech::check_variant_endpoints(cx, raw);
    out
}

fn target_name_of(cx: &Ctx, t: Target) -> String {
    match t {
        Target::Database => "db".to_string(),
        Target::Service(s) => cx.services[s].clone(),
        Target::ThirdParty(x) => cx.third_parties[x].clone(),
    }
}

fn dep_index(deps: &mut Vec<Dep>, target: Target) -> usize {
    if let Some(i) = deps.iter().position(|d| d.target == target) {
        return i;
    }
    let placeholder = crate::sim::model::spec::CallPolicy {
        timeout: default_timeout(target),
        retry: crate::sim::model::spec::RetryPolicy::none(),
        breaker: None,
        idempotent: true,
        idempotency_key: false,
        network: None,
    };
    deps.push(Dep { target, policy: placeholder });
    deps.len() - 1
}

#[allow(clippy::too_many_arguments)]
pub(super) fn compile(
    cx: &mut Ctx,
    path: &[Seg],
    steps: &[RawStep],
    out: &mut Vec<Step>,
    deps: &mut Vec<Dep>,
    me: usize,
    raw: &RawScenario,
    depth: usize,
) {
    if depth > 3 {
        cx.err(path, "caches nest at most 3 deep", "");
        return;
    }
    for (i, st) in steps.iter().enumerate() {
        let sp = [path, &[index(i)]].concat();
        let flag_of = |cx: &mut Ctx, flag: &Option<String>, f: &str| {
            flag.as_ref().and_then(|name| cx.lookup(&[&sp[..], &[field(f)]].concat(), &cx.flags.clone(), name, "flag"))
        };
        match st {
            RawStep::Cpu(d) => out.push(Step::Cpu(cx.dist(&[&sp[..], &[index(0)]].concat(), d))),
            RawStep::Wait(d) => out.push(Step::Wait(cx.dist(&[&sp[..], &[index(0)]].concat(), d))),
            RawStep::Cache { name, miss } => {
                let Some(c) = cx.lookup(&[&sp[..], &[field("name")]].concat(), &cx.caches.clone(), name, "cache")
                else {
                    continue;
                };
                let at = out.len();
                out.push(Step::CacheGet { cache: c, skip: 0 });
                compile(cx, &[&sp[..], &[field("miss")]].concat(), miss, out, deps, me, raw, depth + 1);
                out.push(Step::CacheFill { cache: c });
                let skip = (out.len() - at - 1) as u16;
                out[at] = Step::CacheGet { cache: c, skip };
            }
            RawStep::Db { queries, query, optional, flag, read_only, repeats } => {
                if raw.database.is_none() {
                    cx.err(
                        &sp,
                        "this step queries the database, but the scenario has no `database`",
                        "add database: (cores: 8, max_connections: 100)",
                    );
                    continue;
                }
                if *queries == 0 || *queries > 1000 {
                    cx.err(&[&sp[..], &[field("queries")]].concat(), "queries must be 1 to 1000", "");
                }
                let query = query.as_ref().map(|q| cx.dist(&[&sp[..], &[field("query")]].concat(), q));
                let flag = flag_of(cx, flag, "flag");
                let dep = dep_index(deps, Target::Database);
                out.push(Step::Call {
                    dep,
                    queries: (*queries).clamp(1, 1000),
                    query,
                    optional: *optional,
                    flag,
                    read_only: *read_only,
                    repeats: *repeats,
                });
            }
            RawStep::Enqueue { queue } => {
                let qs = cx.queues.clone();
                if let Some(q) = cx.lookup(&[&sp[..], &[field("queue")]].concat(), &qs, queue, "queue") {
                    out.push(Step::Enqueue { queue: q });
                }
            }
            RawStep::Call { to, optional, flag } => {
                if to == "db" {
                    cx.err(
                        &[&sp[..], &[field("to")]].concat(),
                        "the database is queried with a Db step",
                        "write Db(queries: 1)",
                    );
                    continue;
                }
                let Some(target) = cx.target(&[&sp[..], &[field("to")]].concat(), to) else {
                    continue;
                };
                if target == Target::Service(me) {
                    cx.err(
                        &[&sp[..], &[field("to")]].concat(),
                        format!("`{to}` calls itself"),
                        "a service cannot call itself: do the work in a Cpu step, or call another service",
                    );
                    continue;
                }
                let flag = flag_of(cx, flag, "flag");
                let dep = dep_index(deps, target);
                out.push(Step::Call {
                    dep,
                    queries: 0,
                    query: None,
                    optional: *optional,
                    flag,
                    read_only: false,
                    repeats: false,
                });
            }
        }
    }
}

/// The call graph between services must be acyclic, and retries must not multiply into a
/// storm the engine cannot simulate.
pub(super) fn check_call_graph(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec) {
    let n = sim.services.len();
    if n > MAX_ITEMS {
        // Already reported; the searches below recurse once per service in a chain.
        return;
    }
    let mut state = vec![0u8; n];
    for s in 0..n {
        if state[s] == 0
            && let Some(cycle) = visit(s, sim, &mut state, &mut Vec::new())
        {
            let names: Vec<&str> = cycle.iter().map(|&i| sim.services[i].name.as_str()).collect();
            let (first, _) = &raw.services.0[cycle[0]];
            cx.err(
                &[field("services"), key(first)],
                format!("services call each other in a cycle: {} → {}", names.join(" → "), names[0]),
                "requests would never finish; remove one of the calls",
            );
            return;
        }
    }
    if n > 0 {
        let mut memo = vec![None; n];
        let (below, path) = amp(sim.entry, sim, &mut memo);
        let tries = u64::from(sim.traffic.client.retry.max_attempts);
        let total = tries.saturating_mul(below);
        if total > MAX_AMPLIFICATION {
            let shown = if total == u64::MAX { "more than 10^19".to_string() } else { total.to_string() };
            cx.err(
                &[field("services")],
                format!(
                    "retries multiply to {shown} tries per user request at the bottom of the call graph \
                     (users ×{tries}, {}); the limit is {MAX_AMPLIFICATION}",
                    path.join(", ")
                ),
                "use fewer retries at some layer: retrying at one layer is usually enough",
            );
        }
    }
}

/// Depth-first search for a cycle in the service call graph.
fn visit(s: usize, sim: &SimSpec, state: &mut [u8], stack: &mut Vec<usize>) -> Option<Vec<usize>> {
    state[s] = 1;
    stack.push(s);
    for d in &sim.services[s].deps {
        if let Target::Service(t) = d.target {
            if state[t] == 1 {
                let from = stack.iter().position(|&x| x == t).unwrap_or(0);
                return Some(stack[from..].to_vec());
            }
            if state[t] == 0
                && let Some(c) = visit(t, sim, state, stack)
            {
                return Some(c);
            }
        }
    }
    stack.pop();
    state[s] = 2;
    None
}

/// The most tries one request to `s` causes at the bottom of the call graph, and the calls
/// on that path with their tries (`api→orders ×6`).
fn amp(s: usize, sim: &SimSpec, memo: &mut Vec<Option<(u64, Vec<String>)>>) -> (u64, Vec<String>) {
    if let Some(a) = &memo[s] {
        return a.clone();
    }
    let mut worst = (1, Vec::new());
    for d in &sim.services[s].deps {
        let (below, mut path) = if let Target::Service(t) = d.target { amp(t, sim, memo) } else { (1, Vec::new()) };
        let tries = u64::from(d.policy.retry.max_attempts);
        // Saturating: a long chain of retrying services overflows u64.
        if tries.saturating_mul(below) > worst.0 {
            let to = match d.target {
                Target::Database => "db",
                Target::Service(t) => &sim.services[t].name,
                Target::ThirdParty(x) => &sim.third_parties[x].name,
            };
            path.insert(0, format!("{}→{to} ×{tries}", sim.services[s].name));
            worst = (tries.saturating_mul(below), path);
        }
    }
    memo[s] = Some(worst.clone());
    worst
}
