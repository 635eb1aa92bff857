//! The service map: every component with a health symbol and word (never colour alone), its
//! key figure, instances and versions. Health comes from the latest point monitoring saw.

use super::super::game::Game;
use super::super::series::Point;
use super::super::theme::{Health, Theme};
use super::chart::{ms, rate};
use crate::sim::BreakerState;
use crate::sim::Component;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Health of a map row from its latest chart point and the live state.
pub fn health(game: &Game, row: usize) -> Health {
    let c = game.series.rows[row];
    let Some(p) = game.series.points[row].back().copied() else { return Health::Ok };
    let slo_ms = game.spec.sim.slo.latency_threshold.map(|d| d.millis_f64() as f32);
    let seen = [p.rps, p.err, p.sat, p.p99].iter().any(|v| v.is_finite());
    if !seen && !matches!(c, Component::Cache(_)) {
        return if p.sat.is_finite() || p.rps == 0.0 { Health::Ok } else { Health::NoData };
    }
    let mut h = Health::Ok;
    let mut worse = |x: Health| {
        if (x as u8) > (h as u8) && x != Health::NoData {
            h = x;
        }
    };
    if let Component::Queue(_) = c {
        // Old messages or redeliveries: consumers are behind or failing.
        if p.p99 > 300_000.0 {
            worse(Health::Crit);
        } else if p.p99 > 60_000.0 || p.err > 0.0 {
            worse(Health::Warn);
        }
        return h;
    }
    if p.err > 5.0 {
        worse(Health::Crit);
    } else if p.err > 1.0 {
        worse(Health::Warn);
    }
    if matches!(c, Component::Edge | Component::Service(_)) && slo_ms.is_some_and(|s| p.p99 > s) {
        worse(Health::Warn);
    }
    match c {
        Component::Service(s) => {
            if p.sat > 90.0 {
                worse(Health::Warn);
            }
            let cfg = game.sim.service_config(s);
            let live = game.sim.instances(s);
            let serving = live.iter().filter(|i| i.in_rotation).count();
            if serving == 0 {
                worse(Health::Crit);
            } else if serving < cfg.desired as usize {
                worse(Health::Warn);
            }
        }
        Component::Database => {
            if p.sat > 90.0 {
                worse(Health::Warn);
            }
            if let Some(r) = replication(game) {
                if r.split_brain || r.lost_writes_total > 0 || r.diverged.is_some() {
                    worse(Health::Crit);
                } else if r.lag_s > 10.0 {
                    worse(Health::Warn);
                }
            }
        }
        Component::Cache(i) => {
            let want = game.spec.sim.caches[i].hit_ratio as f32 * 100.0;
            if p.sat.is_finite() && p.sat < want * 0.5 {
                worse(Health::Crit);
            } else if p.sat.is_finite() && p.sat < want * 0.9 {
                worse(Health::Warn);
            }
        }
        Component::Dep { service, dep } if game.sim.service_config(service).deps[dep].breaker == BreakerState::Open => {
            worse(Health::Crit);
        }
        _ => {}
    }
    h
}

/// The row's key figure.
pub fn figure(game: &Game, c: Component, p: Option<Point>) -> String {
    let p = p.unwrap_or(Point { p50: f32::NAN, p99: f32::NAN, err: f32::NAN, rps: f32::NAN, sat: f32::NAN });
    let err = if p.err.is_finite() { format!("{:.1}%", p.err) } else { "—".into() };
    match c {
        Component::Edge => format!("{}/s {err}", rate(p.rps)),
        Component::Service(s) => {
            let live = game.sim.instances(s);
            let serving = live.iter().filter(|i| i.in_rotation).count();
            let versions = versions(&live);
            format!("{serving}/{} {versions} {err}", live.len())
        }
        Component::Dep { service, dep } => {
            let d = &game.sim.service_config(service).deps[dep];
            let breaker = match (d.breaker_on, d.breaker) {
                (true, BreakerState::Open) => " OPEN",
                (true, BreakerState::HalfOpen) => " half",
                _ => "",
            };
            format!("{err} {}{breaker}", ms(p.p99))
        }
        Component::Database => {
            let load = if p.sat.is_finite() { format!("{:.0}%", p.sat) } else { "—".into() };
            match replication(game) {
                Some(r) => format!("load {load} lag {:.1}s", r.lag_s),
                None => format!("load {load}"),
            }
        }
        Component::Cache(_) => format!("hit {}", if p.sat.is_finite() { format!("{:.0}%", p.sat) } else { "—".into() }),
        Component::ThirdParty(_) => format!("p99 {} {err}", ms(p.p99)),
        Component::Queue(_) => format!("{} msgs {}", rate(p.sat), ms(p.p99)),
    }
}

/// The database's replication as monitoring last saw it (none without replicas, or blind).
fn replication(game: &Game) -> Option<&crate::sim::observe::metric::ReplicationStats> {
    let w = game.sim.windows().get(game.sim.observed_len().checked_sub(1)?)?;
    if !w.observed(Component::Database) {
        return None;
    }
    w.db.as_ref()?.replication.as_ref()
}

fn versions(live: &[crate::sim::observe::view::InstanceView]) -> String {
    let mut vs: Vec<&str> = live.iter().map(|i| i.version.as_str()).collect();
    vs.dedup();
    vs.sort_unstable();
    vs.dedup();
    vs.join("+")
}

pub fn render(game: &Game, theme: &Theme, area: Rect, buf: &mut Buffer, focused: bool) {
    let rows = &game.series.rows;
    let height = area.height as usize;
    let first = game.view.selected.saturating_sub(height.saturating_sub(1));
    for (i, &c) in rows.iter().enumerate().skip(first).take(height) {
        let y = area.y + (i - first) as u16;
        let h = health(game, i);
        let (sym, word) = theme.health_label(h);
        let name = match c {
            Component::Dep { .. } => format!(" {}{}", theme.arrow(), game.row_name(c)),
            _ => game.row_name(c),
        };
        let fig = figure(game, c, game.series.points[i].back().copied());
        let name_w = 11usize;
        let name: String = name.chars().take(name_w).collect();
        let line = Line::from(vec![
            Span::styled(format!("{sym} {word:<4} "), theme.health(h)),
            Span::styled(format!("{name:<name_w$} "), theme.text()),
            Span::styled(fig, theme.dim()),
        ]);
        buf.set_line(area.x, y, &line, area.width);
        if i == game.view.selected {
            let style = if focused { theme.selected() } else { theme.accent() };
            buf.set_style(Rect::new(area.x, y, area.width, 1), style);
        }
    }
}
