//! `look COMPONENT` in plain mode: one component of the service map in detail — its health
//! word and figure as the map shows them; for a service its instances and the settings of
//! each call it makes; for a dependency row, that call's settings.

use crate::sim::Component;
use crate::tui::game::Game;
use crate::tui::theme::Theme;
use crate::tui::widgets::map;

pub fn look(game: &Game, name: &str) -> Vec<String> {
    let rows = &game.series.rows;
    // A dependency row shares its name with the component it calls: prefer the component.
    let pick = rows
        .iter()
        .position(|&c| !matches!(c, Component::Dep { .. }) && game.row_name(c).eq_ignore_ascii_case(name))
        .or_else(|| rows.iter().position(|&c| game.row_name(c).eq_ignore_ascii_case(name)));
    let Some(i) = pick else {
        let mut all: Vec<String> = rows.iter().map(|&c| game.row_name(c)).collect();
        all.dedup();
        return vec![format!("no component `{name}`; the map has: {}", all.join(", "))];
    };
    let c = rows[i];
    let theme = Theme::new(crate::store::ThemeName::Default, true, true);
    let (_, word) = theme.health_label(map::health(game, i));
    let mut out =
        vec![format!("{} {word}: {}", game.row_name(c), map::figure(game, c, game.series.points[i].back().copied()))];
    if let Component::Service(s) = c {
        let cfg = game.sim.service_config(s);
        out.push(format!(
            "  wants {} instances of {}{}; deadline propagation {}{}",
            cfg.desired,
            cfg.version,
            cfg.rollout.as_ref().map(|r| format!(" (rollout: {r})")).unwrap_or_default(),
            if cfg.deadlines { "on" } else { "off" },
            cfg.pool_size.map(|p| format!("; pool {p} per instance")).unwrap_or_default()
        ));
        for x in game.sim.instances(s) {
            out.push(format!(
                "  {:<10} {:?} {} {} busy {} queue {} mem {:.0}% restarts {} pool {} busy {} waiting",
                x.name,
                x.state,
                x.version,
                if x.in_rotation { "in rotation" } else { "OUT of rotation" },
                x.busy,
                x.queue,
                x.memory * 100.0,
                x.restarts,
                x.pool_busy,
                x.pool_waiting
            ));
        }
        for d in &cfg.deps {
            out.push(dep_line(d));
        }
    }
    if let Component::Dep { service, dep } = c {
        out.push(dep_line(&game.sim.service_config(service).deps[dep]));
    }
    out
}

fn dep_line(d: &crate::sim::observe::view::DepConfigView) -> String {
    format!(
        "  calls {}: timeout {}, {} tries, backoff {:?}, retry budget {}, breaker {}",
        d.name,
        d.timeout,
        d.max_attempts,
        d.backoff,
        if d.budget { "on" } else { "off" },
        if d.breaker_on { format!("{:?}", d.breaker) } else { "off".into() }
    )
}
