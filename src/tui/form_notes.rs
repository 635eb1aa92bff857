//! What a parameter form shows beside its fields: the setting's value now and the scenario's
//! default, for whatever service, dependency or flag the form currently names (so the note
//! follows the player's choice), and for a rollback the rollout's expected total length.
//!
//! The rollback estimate is the engine's rollout arithmetic done ahead of time: the command's
//! delay, then the service's pipeline build (`rollback` time), then ⌈N/batch⌉ rounds with a
//! batch of ⌈N/4⌉ (N the instances wanted), each round a start-up plus the health checks a new
//! instance needs to enter rotation (healthy threshold × interval). It assumes the old version
//! starts cleanly and passes its checks, and that draining the old instances overlaps the next
//! round, as it does in the engine.

use super::forms::Form;
use super::game::Game;
use crate::sim::{CommandKind, Dur};

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// The value of the form's field labelled `label` (empty if it has none).
fn field(form: &Form, label: &str) -> String {
    form.fields.iter().find(|f| f.label() == label).map(super::forms::Field::value).unwrap_or_default()
}

/// The notes for `form`, one line each.
pub fn notes(form: &Form, game: &Game) -> Vec<String> {
    use CommandKind as K;
    let sim = &game.spec.sim;
    let service = sim.services.iter().position(|s| s.name == field(form, "service"));
    let dep = service.and_then(|s| {
        let name = field(form, "dependency");
        sim.services[s].deps.iter().position(|d| sim.target_name(d.target) == name).map(|d| (s, d))
    });
    match form.kind {
        K::SetTimeout => dep.map_or_else(Vec::new, |(s, d)| {
            let now = &game.sim.service_config(s).deps[d];
            vec![format!("now {} · scenario default {}", now.timeout, sim.services[s].deps[d].policy.timeout)]
        }),
        K::SetRetries => dep.map_or_else(Vec::new, |(s, d)| {
            let now = &game.sim.service_config(s).deps[d];
            let def = &sim.services[s].deps[d].policy.retry;
            vec![format!(
                "now {} tries ({:?} backoff, budget {}) · scenario default {} tries (budget {})",
                now.max_attempts,
                now.backoff,
                on_off(now.budget),
                def.max_attempts,
                on_off(def.budget.is_some())
            )]
        }),
        K::SetBreaker => dep.map_or_else(Vec::new, |(s, d)| {
            let now = &game.sim.service_config(s).deps[d];
            let state = if now.breaker_on { format!("on, {:?}", now.breaker) } else { "off".into() };
            let def = sim.services[s].deps[d].policy.breaker.is_some();
            vec![format!("now {state} · scenario default {}", on_off(def))]
        }),
        K::SetPoolSize => service.map_or_else(Vec::new, |s| {
            let cfg = game.sim.service_config(s);
            let (Some(now), Some(def)) = (cfg.pool_size, sim.services[s].pool) else {
                return vec!["this service has no connection pool".into()];
            };
            let mut out = vec![format!("now {now} per instance · scenario default {}", def.size)];
            if let Some(db) = &sim.database {
                out.push(format!(
                    "{} instances × {now} = {} connections; the database allows {}",
                    cfg.desired,
                    cfg.desired * now,
                    db.max_connections
                ));
            }
            out
        }),
        K::SetFlag => sim
            .flags
            .iter()
            .position(|f| f.name == field(form, "flag"))
            .map(|f| {
                vec![format!("now {} · scenario default {}", on_off(game.sim.flag_on(f)), on_off(sim.flags[f].on))]
            })
            .unwrap_or_default(),
        K::SetRateLimit => {
            let limit = |r: Option<f64>| r.map_or("no limit".to_string(), |r| format!("{r:.0} rps"));
            vec![format!(
                "now {} · scenario default {}",
                limit(game.sim.edge_view().0),
                limit(sim.edge.rate_limit.map(|b| b.rate))
            )]
        }
        K::Scale => service.map_or_else(Vec::new, |s| {
            let cfg = game.sim.service_config(s);
            let live = game.sim.instances(s).len();
            let spec = &sim.services[s];
            vec![format!(
                "now {} wanted ({live} live) · scenario default {} · at most {} · new ones take {} to start",
                cfg.desired, spec.instances, spec.max_instances, spec.startup
            )]
        }),
        K::Rollback => service.map_or_else(Vec::new, |s| rollback(game, s)),
        K::Hint => {
            let (given, n) = (game.sim.hints_given(), game.spec.sim.hints.len());
            if given >= n {
                vec!["no hints left".into()]
            } else {
                let tier = crate::sim::model::hint::HintTier::of(given, n);
                vec![format!(
                    "hint {} of {n}: {}, costs {} points of the overall score",
                    given + 1,
                    tier.name(),
                    tier.points()
                )]
            }
        }
        _ => Vec::new(),
    }
}

/// The rollback's target and expected total length (see the module's note for the arithmetic).
fn rollback(game: &Game, s: usize) -> Vec<String> {
    let spec = &game.spec.sim.services[s];
    let cfg = game.sim.service_config(s);
    let Some(prev) = cfg.prev_version else {
        return vec!["nothing to roll back: no rollout has happened during this run".into()];
    };
    let n = cfg.desired.max(1);
    let batch = n.div_ceil(4);
    let rounds = n.div_ceil(batch);
    let ready = Dur(spec.startup.0 + u64::from(spec.health.healthy_threshold) * spec.health.interval.0);
    let delay = CommandKind::Rollback.delay();
    let total = Dur(delay.0 + spec.pipeline.rollback.0 + u64::from(rounds) * ready.0);
    vec![
        format!("rolls {} back from {} to {prev}: about {total} until every instance runs it", spec.name, cfg.version),
        format!(
            "= {delay} before it starts + {} build + {rounds} rounds of {batch} × ({} start-up + {} health checks)",
            spec.pipeline.rollback,
            spec.startup,
            Dur(u64::from(spec.health.healthy_threshold) * spec.health.interval.0)
        ),
        "assumes the old version starts cleanly and passes its checks".into(),
    ]
}
