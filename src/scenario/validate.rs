//! Validation: raw structs → `Spec`, collecting every problem with the path of the offending
//! value. Topology (names, services, versions, flags, limits) lives here; the shared checks in
//! `validate_ctx`; call plans in `validate_plan`; alerts, timeline, conditions and scoring data
//! in `validate_rules`.

use super::error::{Problems, field, index, key};
use super::locate::Seg;
use super::raw::RawScenario;
use super::{Comms, Spec};
use crate::sim::model::spec::{
    Bucket, Cache, Database, Edge, Flag, FlagEffect, HotKey, LogLimits, Shape, SimSpec, Slo, Spike, Team, ThirdParty,
    Traffic, Version,
};
use crate::sim::{Dur, SimTime};
use std::sync::Arc;

pub(super) use super::validate_ctx::*;

/// Validates `raw`, counting the name comparisons it makes into `work`.
pub(super) fn validate(raw: &RawScenario, content_hash: u64, work: &mut super::Work) -> Result<Spec, Problems> {
    let mut cx = Ctx::new(raw);
    let spec = build(&mut cx, raw, content_hash);
    work.name_comparisons = cx.compared;
    spec.ok_or(cx.p)
}

/// The spec, or `None` when a problem was found (they are all in `cx`).
fn build(cx: &mut Ctx, raw: &RawScenario, content_hash: u64) -> Option<Spec> {
    if !lists_within_limits(cx, raw) {
        return None;
    }
    check_names(cx, raw);
    super::validate_ranges::ranges(cx, raw);
    let id = raw.id.clone();
    cx.name(&[field("id")], &id);
    if raw.length.0 == 0 || raw.length > MAX_LENGTH {
        cx.err(&[field("length")], format!("length must be between 1s and {MAX_LENGTH}"), "write e.g. length: \"20m\"");
    }

    let traffic = traffic(cx, raw);
    let slo = slo(cx, raw);
    let edge = Edge {
        rate_limit: raw.edge.rate_limit.map(|b| bucket(cx, &[field("edge"), field("rate_limit")], b.rps, b.burst)),
        shed_fraction: cx.fraction(&[field("edge"), field("shed")], raw.edge.shed, "shed"),
    };
    let versions = build_versions(cx, raw);
    let flags = flags(cx, raw);
    let services = super::validate_plan::services(cx, raw);
    let entry = match &raw.entry {
        Some(name) => cx.lookup(&[field("entry")], &cx.services.clone(), name, "service").unwrap_or(0),
        None => 0,
    };
    if raw.services.0.is_empty() {
        cx.err(
            &[field("services")],
            "a scenario needs at least one service",
            "add services: { \"api\": (instances: 2, endpoints: [...]) }",
        );
    }
    let database = raw.database.as_ref().map(|d| {
        let p = [field("database")];
        if d.cores == 0 || d.max_connections == 0 {
            cx.err(&p, "the database needs cores and max_connections above zero", "");
        }
        Database {
            cores: d.cores.clamp(1, 1024),
            max_connections: d.max_connections,
            query: cx.dist(&[field("database"), field("query")], &d.query),
            failover_window: d.failover_window,
            replication: super::validate_data::replication(cx, d),
        }
    });
    let caches = raw
        .caches
        .0
        .iter()
        .map(|(n, c)| {
            let p = [field("caches"), key(n)];
            Cache {
                name: n.clone(),
                hit_ratio: cx.fraction(&[&p[..], &[field("hit_ratio")]].concat(), c.hit_ratio, "hit_ratio"),
                keys: cx.positive(&[&p[..], &[field("keys")]].concat(), c.keys, "keys"),
                ttl: c.ttl,
                lookup: c.lookup,
                hot_key: c.hot_key.map(|h| HotKey {
                    share: cx.fraction(&[&p[..], &[field("hot_key"), field("share")]].concat(), h.share, "share"),
                    single_flight: h.single_flight,
                }),
            }
        })
        .collect();
    let third_parties = raw
        .third_parties
        .0
        .iter()
        .map(|(n, t)| {
            let p = [field("third_parties"), key(n)];
            ThirdParty {
                name: n.clone(),
                latency: cx.dist(&[&p[..], &[field("latency")]].concat(), &t.latency),
                error_rate: cx.fraction(&[&p[..], &[field("error_rate")]].concat(), t.error_rate, "error_rate"),
                rate_limit: t
                    .rate_limit
                    .map(|b| bucket(cx, &[&p[..], &[field("rate_limit")]].concat(), b.rps, b.burst)),
            }
        })
        .collect();
    let teams: Vec<Team> = raw
        .teams
        .0
        .iter()
        .map(|(n, t)| Team {
            name: n.clone(),
            arrives_after: t.arrives_after,
            says: cx.text(&[field("teams"), key(n), field("says")], &t.says),
        })
        .collect();
    let mut sim = SimSpec {
        duration: raw.length,
        traffic,
        edge,
        services,
        entry,
        database,
        caches,
        third_parties,
        queues: Vec::new(),
        versions,
        flags,
        slo,
        alerts: Vec::new(),
        timeline: Vec::new(),
        objectives: Vec::new(),
        // Filled in by `validate_rules`, once the timeline's labels are known.
        lifecycle: crate::sim::model::spec::Lifecycle {
            cause: crate::sim::model::rules::Condition::All(Vec::new()),
            auto_end: None,
            warn_before_end: Dur::from_secs(120),
        },
        business: super::validate_assess::business(cx, raw),
        teams,
        hints: Vec::new(),
        tooling: Vec::new(),
        logs: LogLimits {
            per_kind_per_window: raw.logs.per_kind_per_window.clamp(1, 100),
            keep: raw.logs.keep.clamp(100, 100_000),
        },
    };
    sim.traffic.closed = super::validate_load::closed_loop(cx, raw, entry);
    sim.queues = super::validate_queue::queues(cx, raw, &sim);
    super::validate_plan::check_call_graph(cx, raw, &sim);
    super::validate_queue::check_queue_cycles(cx, raw, &sim);
    let story = super::validate_rules::rules(cx, raw, &mut sim);
    let tutorial = super::validate_tutorial::tutorial(cx, raw, &sim);
    let seats = super::seats::seats(cx, raw);
    check_load(cx, raw, &sim);
    // Checked (for length and count) before the problems are counted.
    let title = cx.text(&[field("title")], &raw.title);
    let teaches = cx.texts(&[field("teaches")], &raw.teaches);
    let summary = cx.text(&[field("summary")], &raw.summary);
    let role = cx.text(&[field("role")], &raw.role);
    let briefing = cx.text(&[field("briefing")], &raw.briefing);
    let owns = cx.texts(&[field("owns")], &raw.owns);
    let runbook = cx.texts(&[field("runbook")], &raw.runbook);
    let truth = cx.text(&[field("truth")], &raw.truth);
    let lessons = cx.texts(&[field("lessons")], &raw.lessons);
    let starts_at = super::validate_assess::starts_at(cx, raw);
    let rubric = super::validate_assess::rubric(cx, raw);

    if !cx.p.0.is_empty() {
        return None;
    }
    Some(Spec {
        id,
        title,
        difficulty: raw.difficulty,
        teaches,
        summary,
        role,
        briefing,
        owns,
        runbook,
        default_seed: raw.seed.unwrap_or(1),
        truth,
        judge: story.judge,
        par: super::Par { detect: raw.par.detect, mitigate: raw.par.mitigate },
        expert: story.expert,
        lessons,
        comms: Comms { first_update_within: raw.comms.first_update_within, cadence: raw.comms.cadence },
        starts_at,
        rubric,
        tutorial,
        seats,
        sim: Arc::new(sim),
        content_hash,
    })
}

fn bucket(cx: &mut Ctx, path: &[Seg], rps: f64, burst: Option<f64>) -> Bucket {
    let rate = cx.positive(path, rps, "rps");
    let burst = burst.unwrap_or(rate).max(1.0);
    Bucket { rate, burst }
}

fn traffic(cx: &mut Ctx, raw: &RawScenario) -> Traffic {
    let t = &raw.traffic;
    let p = [field("traffic")];
    if !(t.base_rps.is_finite() && t.base_rps >= 0.0 && t.base_rps <= MAX_RPS) {
        cx.err(&[field("traffic"), field("base_rps")], format!("base_rps must be between 0 and {MAX_RPS}"), "");
    }
    let shape = match &t.shape {
        super::raw::RawShape::Flat => Shape::Flat,
        super::raw::RawShape::Diurnal { period, amplitude, peak_at } => {
            if period.0 == 0 || !(0.0..=1.0).contains(amplitude) {
                cx.err(
                    &[field("traffic"), field("shape")],
                    "Diurnal needs a positive period and 0 ≤ amplitude ≤ 1",
                    "",
                );
            }
            Shape::Diurnal { period: *period, amplitude: amplitude.clamp(0.0, 1.0), peak_at: *peak_at }
        }
        super::raw::RawShape::Points(points) => {
            let sorted = points.windows(2).all(|w| w[0].0 < w[1].0);
            if points.is_empty() || !sorted || points.iter().any(|x| !(x.1.is_finite() && x.1 >= 0.0)) {
                cx.err(
                    &[field("traffic"), field("shape")],
                    "Points need at least one (time, factor) pair, times increasing, factors ≥ 0",
                    "write e.g. Points([(\"0s\", 1.0), (\"5m\", 2.0)])",
                );
            }
            Shape::Points(points.iter().map(|(d, f)| (SimTime(d.0), f.max(0.0))).collect())
        }
    };
    let spikes = t
        .spikes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let sp = [field("traffic"), field("spikes"), index(i)];
            cx.within_length(&[&sp[..], &[field("at")]].concat(), s.at);
            let factor = cx.positive(&[&sp[..], &[field("factor")]].concat(), s.factor, "factor");
            Spike { at: SimTime(s.at.0), duration: s.for_, factor }
        })
        .collect();
    if t.client.breaker.is_some() {
        cx.err(
            &[field("traffic"), field("client"), field("breaker")],
            "user clients have no circuit breaker",
            "put breakers on a service's calls",
        );
    }
    let client = cx.policy(&[&p[..], &[field("client")]].concat(), &t.client, Dur::from_secs(10));
    Traffic { base_rps: t.base_rps.clamp(0.0, MAX_RPS), shape, spikes, client, closed: None }
}

fn slo(cx: &mut Ctx, raw: &RawScenario) -> Slo {
    let s = &raw.slo;
    let pct = |cx: &mut Ctx, name: &str, x: f64, lo: f64| {
        if !(lo..100.0).contains(&x) {
            cx.err(
                &[field("slo"), field(name)],
                format!("{name} is a percentage below 100, not {x}"),
                "write 99.9 for three nines",
            );
        }
        x.clamp(lo, 99.9999) / 100.0
    };
    let availability = pct(cx, "availability", s.availability, 50.0);
    let latency_target = pct(cx, "latency_target", s.latency_target, 50.0);
    if !(0.0..=100.0).contains(&s.budget_left) {
        cx.err(&[field("slo"), field("budget_left")], "budget_left is a percentage from 0 to 100", "");
    }
    Slo {
        availability,
        latency_threshold: s.latency_p99,
        latency_target,
        period: s.period.max(Dur::from_secs(60)),
        budget_at_start: s.budget_left.clamp(0.0, 100.0) / 100.0,
    }
}

fn build_versions(cx: &mut Ctx, raw: &RawScenario) -> Vec<Version> {
    let declared: Vec<_> = raw.versions.0.iter().collect();
    cx.versions
        .clone()
        .into_iter()
        .map(|name| {
            let Some((_, v)) = declared.iter().find(|(n, _)| *n == name) else {
                return Version {
                    name,
                    error_rate: 0.0,
                    latency_factor: 1.0,
                    leak_mb_per_s: 0.0,
                    extra_queries: 0,
                    crash_on_start: false,
                    requires_flag: None,
                    drops_idempotency_keys: false,
                    note: String::new(),
                };
            };
            let p = [field("versions"), key(&name)];
            let requires_flag = v
                .only_with_flag
                .as_ref()
                .and_then(|f| cx.lookup(&[&p[..], &[field("only_with_flag")]].concat(), &cx.flags.clone(), f, "flag"));
            if v.extra_queries > 1000 {
                cx.err(&[&p[..], &[field("extra_queries")]].concat(), "at most 1000 extra queries", "");
            }
            Version {
                error_rate: cx.fraction(&[&p[..], &[field("error_rate")]].concat(), v.error_rate, "error_rate"),
                latency_factor: v
                    .latency_factor
                    .map_or(1.0, |f| cx.positive(&[&p[..], &[field("latency_factor")]].concat(), f, "latency_factor")),
                leak_mb_per_s: v.leak_mb_per_min.max(0.0) / 60.0,
                extra_queries: v.extra_queries.min(1000),
                crash_on_start: v.crash_on_start,
                requires_flag,
                drops_idempotency_keys: !v.idempotency_keys,
                note: cx.text(&[&p[..], &[field("note")]].concat(), &v.note),
                name,
            }
        })
        .collect()
}

fn flags(cx: &mut Ctx, raw: &RawScenario) -> Vec<Flag> {
    raw.flags
        .0
        .iter()
        .map(|(name, f)| {
            let effects = f
                .effects
                .iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let p = [field("flags"), key(name), field("effects"), index(i)];
                    let s = cx.lookup(
                        &[&p[..], &[field("service")]].concat(),
                        &cx.services.clone(),
                        &e.service,
                        "service",
                    )?;
                    let eps: Vec<String> = raw.services.0[s].1.endpoints.iter().map(|x| x.name.clone()).collect();
                    let endpoints = e
                        .endpoints
                        .iter()
                        .enumerate()
                        .filter_map(|(k, n)| {
                            cx.lookup(&[&p[..], &[field("endpoints"), index(k)]].concat(), &eps, n, "endpoint")
                        })
                        .collect();
                    Some(FlagEffect {
                        service: s,
                        endpoints,
                        error_rate: cx.fraction(&[&p[..], &[field("error_rate")]].concat(), e.error_rate, "error_rate"),
                        latency_factor: e.latency_factor.map_or(1.0, |x| {
                            cx.positive(&[&p[..], &[field("latency_factor")]].concat(), x, "latency_factor")
                        }),
                        extra_queries: e.extra_queries.min(1000),
                    })
                })
                .collect();
            Flag { name: name.clone(), on: f.on, effects }
        })
        .collect()
}

/// Refuses scenarios that would take unreasonably long to simulate.
fn check_load(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec) {
    let peak_shape = super::budget::shape_peak(&sim.traffic.shape);
    let spikes: f64 = sim.traffic.spikes.iter().map(|s| s.factor.max(1.0)).product();
    let peak = sim.traffic.base_rps * peak_shape * spikes;
    if peak > MAX_RPS {
        cx.err(
            &[field("traffic")],
            format!("peak traffic would reach {peak:.0} rps; the limit is {MAX_RPS}"),
            "lower base_rps, the shape's peak or the spikes",
        );
    }
    // The work budget, once the file is otherwise sound (its estimate walks the call graph).
    if cx.p.0.is_empty() {
        super::budget::check(cx, raw, sim);
    }
}
