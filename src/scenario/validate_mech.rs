//! Validating the fields issue 8's mechanisms add to a service, a version and the scenario:
//! health checks that request an endpoint, instances that start on other versions, plans a
//! version replaces, the deploy pipeline, peer threads under an OS limit, and the responders'
//! tools that depend on a component.

use super::error::{field, key};
use super::locate::Seg;
use super::raw::{RawScenario, RawService, RawToolEffect};
use super::validate::Ctx;
use crate::sim::Component;
use crate::sim::kernel::time::Dur;
use crate::sim::model::spec::{Dep, Endpoint, PeerThreads, Pipeline, SimSpec, Tool, ToolDep, ToolEffect, Variant};

fn sub(path: &[Seg], f: &str) -> Vec<Seg> {
    [path, &[field(f)]].concat()
}

/// The longest pipeline build: a day.
const MAX_BUILD: Dur = Dur(24 * 3_600_000_000);

/// The endpoint a service's health check requests: the hidden health endpoint (last of
/// `endpoints`) unless `health.endpoint` names one.
pub(super) fn health_endpoint(cx: &mut Ctx, p: &[Seg], rs: &RawService, endpoints: &[Endpoint]) -> usize {
    let hidden = endpoints.len() - 1;
    let Some(name) = &rs.health.endpoint else {
        return hidden;
    };
    let names: Vec<String> = endpoints.iter().map(|e| e.name.clone()).collect();
    cx.lookup(&[p, &[field("health"), field("endpoint")]].concat(), &names, name, "endpoint").unwrap_or(hidden)
}

/// The versions some instances start on: (version, count), the counts within `instances`.
pub(super) fn skew(cx: &mut Ctx, p: &[Seg], rs: &RawService) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    let mut total = 0u32;
    for (name, n) in &rs.skew.0 {
        let kp = [p, &[field("skew"), key(name)]].concat();
        let Some(v) = cx.lookup(&kp, &cx.versions.clone(), name, "version") else { continue };
        total = total.saturating_add(*n);
        out.push((v, *n));
    }
    if total > rs.instances {
        cx.err(
            &sub(p, "skew"),
            format!("skew puts {total} instances on other versions, but the service starts with {}", rs.instances),
            "the counts say how many of the instances run each other version",
        );
    }
    out
}

pub(super) fn pipeline(cx: &mut Ctx, p: &[Seg], rs: &RawService) -> Pipeline {
    let deploy = rs.pipeline.deploy;
    let rollback = rs.pipeline.rollback.unwrap_or(deploy);
    if deploy > MAX_BUILD || rollback > MAX_BUILD {
        cx.err(&sub(p, "pipeline"), format!("a build takes at most {MAX_BUILD}"), "");
    }
    Pipeline { deploy: deploy.min(MAX_BUILD), rollback: rollback.min(MAX_BUILD) }
}

pub(super) fn peers(cx: &mut Ctx, p: &[Seg], rs: &RawService) -> Option<PeerThreads> {
    let r = rs.peers?;
    if r.limit == 0 || r.limit > 10_000_000 || r.per_peer > 100_000 || r.base > 10_000_000 {
        cx.err(
            &sub(p, "peers"),
            "peers needs a limit from 1 to 10,000,000, base at most 10,000,000 and per_peer at most 100,000",
            "e.g. peers: (base: 200, per_peer: 1, limit: 1000)",
        );
    }
    Some(PeerThreads { base: r.base, per_peer: r.per_peer, limit: r.limit.max(1) })
}

/// The plans versions replace for service `s`: each compiled into a hidden endpoint (weight 0,
/// the original's name) after the health endpoint.
pub(super) fn variants(
    cx: &mut Ctx,
    raw: &RawScenario,
    s: usize,
    endpoints: &mut Vec<Endpoint>,
    deps: &mut Vec<Dep>,
) -> Vec<Variant> {
    let users = endpoints.len() - 1;
    let mut out = Vec::new();
    for (vname, rv) in &raw.versions.0 {
        let Some(version) = cx.versions.iter().position(|v| v == vname) else { continue };
        for (ename, steps) in &rv.plans.0 {
            let p = [field("versions"), key(vname), field("plans"), key(ename)];
            let Some(endpoint) = endpoints[..users].iter().position(|e| &e.name == ename) else {
                // Checked once, below, against every service.
                continue;
            };
            let mut plan = Vec::new();
            super::validate_plan::compile(cx, &p, steps, &mut plan, deps, s, raw, 0);
            if plan.len() > 64 {
                cx.err(&p, "a plan may have at most 64 steps", "");
            }
            endpoints.push(Endpoint { name: ename.clone(), weight: 0.0, plan });
            out.push(Variant { version, endpoint, plan: endpoints.len() - 1 });
        }
    }
    out
}

/// Every endpoint a version replaces must exist in some service.
pub(super) fn check_variant_endpoints(cx: &mut Ctx, raw: &RawScenario) {
    for (vname, rv) in &raw.versions.0 {
        for (ename, _) in &rv.plans.0 {
            let exists = raw.services.0.iter().any(|(_, s)| s.endpoints.iter().any(|e| &e.name == ename));
            if !exists {
                cx.err(
                    &[field("versions"), key(vname), field("plans"), key(ename)],
                    format!("no service has an endpoint named `{ename}`"),
                    "plans are keyed by the name of the endpoint whose plan the version replaces",
                );
            }
        }
    }
}

/// The responders' tools and what they depend on.
pub(super) fn tooling(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec, labels: &[String]) -> Vec<ToolDep> {
    let t = &raw.tooling;
    let tools = [
        (Tool::StatusPage, "status_page", &t.status_page),
        (Tool::Deploys, "deploys", &t.deploys),
        (Tool::Monitoring, "monitoring", &t.monitoring),
        (Tool::Commands, "commands", &t.commands),
    ];
    let mut out = Vec::new();
    for (tool, name, raw_tool) in tools {
        let Some(rt) = raw_tool else { continue };
        let p = [field("tooling"), field(name)];
        let depends_on = match super::metric_ref::parse(sim, &format!("{}.rps", rt.depends_on))
            .or_else(|_| super::metric_ref::parse(sim, &format!("{}.hit_ratio", rt.depends_on)))
        {
            Ok(m) => m.component,
            Err((msg, hint)) => {
                cx.err(&sub(&p, "depends_on"), msg, hint);
                continue;
            }
        };
        if matches!(depends_on, Component::Dep { .. }) {
            cx.err(&sub(&p, "depends_on"), "a tool depends on a component, not on one service's calls", "");
        }
        let down_when =
            rt.when.as_ref().map(|c| super::validate_rules::condition(cx, sim, labels, &sub(&p, "when"), c));
        let effect = match (tool, rt.effect) {
            (Tool::Monitoring, RawToolEffect::Blind) => ToolEffect::Blind,
            (Tool::Monitoring, RawToolEffect::Lag(d)) if d.0 >= 1_000_000 && d <= Dur::from_secs(3600) => {
                ToolEffect::Lag(d)
            }
            (Tool::StatusPage | Tool::Deploys | Tool::Commands, RawToolEffect::Rejected) => ToolEffect::Rejected,
            (Tool::StatusPage | Tool::Deploys | Tool::Commands, RawToolEffect::Delayed(d))
                if d.0 > 0 && d <= Dur::from_secs(4 * 3600) =>
            {
                ToolEffect::Delayed(d)
            }
            _ => {
                cx.err(
                    &sub(&p, "effect"),
                    format!("`{name}` cannot have this effect"),
                    "monitoring: Blind or Lag(\"1s\"..\"1h\"); status_page, deploys, commands: Rejected or Delayed(\"1us\"..\"4h\")",
                );
                continue;
            }
        };
        out.push(ToolDep { tool, depends_on, down_when, effect });
    }
    out
}
