//! The selected component's golden signals over time — latency, errors, traffic, saturation —
//! as four column charts sharing one time axis with change, action and alert markers.

use super::super::game::Game;
use super::super::series::saturation_of;
use super::super::theme::Theme;
use super::chart::{ColumnChart, ms, rate};
use crate::sim::{Component, Metric, MetricRef};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};

/// One line of instantaneous detail under the charts (queues, pools, memory, breaker, …).
fn detail(game: &Game, c: Component) -> String {
    let idx = game.sim.observed_len();
    let Some(w) = idx.checked_sub(1).and_then(|i| game.sim.windows().get(i)) else { return String::new() };
    if !w.observed(c) {
        return "monitoring has no data for this component".into();
    }
    let v = |m: Metric| w.value(MetricRef { component: c, metric: m }).unwrap_or(f64::NAN);
    match c {
        Component::Service(s) => {
            let cfg = game.sim.service_config(s);
            let serving = w.services.get(s).map_or(0, |x| x.instances.ready + x.instances.draining);
            let pool = cfg.pool_size.map_or(String::new(), |size| {
                format!(" · {}", pool_figure(v(Metric::PoolBusy), v(Metric::PoolWaiting), size, serving))
            });
            let rollout = cfg.rollout.map(|r| format!(" · {r}")).unwrap_or_default();
            let health = cfg.health.map(|h| format!(" · {h}")).unwrap_or_default();
            let threads = cfg.threads.map(|(n, limit)| format!(" · threads {n}/{limit}")).unwrap_or_default();
            // Work nobody waits for any more: shown only when there is some.
            let abandoned = match v(Metric::Abandoned) {
                n if n > 0.0 => format!(" ({n:.0} whose caller gave up)"),
                _ => String::new(),
            };
            format!(
                "queued {:.0} in all{abandoned}{pool} · cpu {:.0}% avg · mem {:.0}% max{threads}{rollout}{health}",
                v(Metric::QueueDepth),
                v(Metric::CpuUtil) * 100.0,
                v(Metric::Memory) * 100.0
            )
        }
        Component::Database => {
            let db = w.db.as_ref();
            let state = if db.is_some_and(|d| d.up) { "primary up" } else { "PRIMARY UNAVAILABLE" };
            let pool = format!(
                "connections {}/{} · queued queries {}",
                db.map_or(0, |d| d.connections),
                db.map_or(0, |d| d.max_connections),
                db.map_or(0, |d| d.queue),
            );
            match db.and_then(|d| d.replication.as_ref().map(|r| (d, r))) {
                // Replicas: what the data is going through first, the pool last.
                Some((d, r)) => format!(
                    "{}{}{} · lag {:.1}s · lost writes {} · conflicting {} · stale reads {}/s · {pool}",
                    if r.split_brain { "TWO PRIMARIES" } else { state },
                    where_primary(r),
                    data_sides(r),
                    r.lag_s,
                    rate(r.lost_writes_total as f32),
                    rate(r.conflicting_writes_total as f32),
                    d.stale_reads
                ),
                None => format!("{pool} · {state}"),
            }
        }
        Component::Dep { service, dep } => {
            let d = &game.sim.service_config(service).deps[dep];
            let stats = &w.deps[service][dep];
            format!(
                "timeout {} · tries {} ({:?}{}) · breaker {} · retries {}/s · duplicates {}",
                d.timeout,
                d.max_attempts,
                d.backoff,
                if d.budget { ", budget" } else { "" },
                if d.breaker_on { format!("{:?}", d.breaker) } else { "off".into() },
                stats.retries,
                stats.duplicates
            )
        }
        Component::Edge => {
            let (limit, shed, _, blocked) = game.sim.edge_view();
            // What the harm has cost so far, where the scenario prices it (issue 8 §5).
            let cost = game.spec.sim.business.as_ref().map_or(String::new(), |b| {
                let total: f64 = game.sim.windows().iter().map(|w| w.business_cost).sum();
                format!(
                    " · cost so far {}{}",
                    b.currency,
                    crate::sim::observe::logs::group_thousands(total.round() as u64)
                )
            });
            format!(
                "tries/request {:.2} · rate limit {} · shedding {:.0}%{} · budget left {:.1}%{cost}",
                w.edge.attempts_per_request,
                limit.map_or("off".into(), |r| format!("{r:.0}/s")),
                shed * 100.0,
                if blocked.is_empty() { String::new() } else { format!(" · blocked {}", blocked.join(",")) },
                w.slo.budget_left * 100.0
            )
        }
        Component::Cache(i) => format!("warmth {:.0}% · stampede {}", w.caches[i].warmth * 100.0, w.caches[i].stampede),
        Component::ThirdParty(t) => format!("status: {}", w.third_parties[t].status),
        Component::Queue(q) => {
            let s = &w.queues[q];
            format!(
                "visible {} · held {} · consumers {}/{} · DLQ {} · duplicates {}/s · expired {}/s",
                rate(s.visible as f32),
                s.in_flight,
                s.consumers_busy,
                s.consumers,
                s.dlq,
                s.duplicates,
                s.expired
            )
        }
    }
}

/// A service's connection pools as totals over the serving instances, against the total of
/// their pools (so busy never reads above its limit), with the size of one pool:
/// "pool 120/120 conns busy (6 × 20), 14 waiting".
pub fn pool_figure(busy: f64, waiting: f64, size: u32, serving: u32) -> String {
    format!("pool {busy:.0}/{} conns busy ({serving} × {size}), {waiting:.0} waiting", size * serving)
}

pub fn render(game: &Game, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let row = game.view.selected.min(game.series.rows.len() - 1);
    let c = game.series.rows[row];
    let points = &game.series.points[row];
    let [charts, info] = Layout::vertical([Constraint::Min(4), Constraint::Length(1)]).areas(area);
    let text = detail(game, c);
    buf.set_stringn(info.x, info.y, &text, info.width as usize, theme.dim());

    let now_bucket = game.series.buckets;
    let markers_for = |width: usize| -> Vec<Option<char>> {
        let start = now_bucket.saturating_sub(width);
        let mut out = vec![None; now_bucket - start];
        for &(b, ch) in &game.series.markers {
            if b >= start && b < now_bucket {
                let slot = &mut out[b - start];
                // Changes and actions outrank alerts in a shared column.
                if slot.is_none() || *slot == Some('!') {
                    *slot = Some(ch);
                }
            }
        }
        out
    };
    let last = points.back().copied();
    let cur = |f: fn(&super::super::series::Point) -> f32| last.map_or(f32::NAN, |p| f(&p));
    let (_, sat_title, sat_unit, sat_top) = saturation_of(c);
    let pct = |v: f32| if v.is_finite() { format!("{v:.1}%") } else { "—".into() };
    let sat_now = cur(|p| p.sat);
    let sat_text = if !sat_now.is_finite() {
        "—".to_string()
    } else if sat_unit == "%" {
        format!("{sat_now:.0}%")
    } else if matches!(c, Component::Queue(_)) {
        format!("{}{sat_unit}", rate(sat_now))
    } else {
        format!("{sat_now:.2}{sat_unit}")
    };
    let specs: Vec<(String, Vec<f32>, Option<f32>, usize)> = if matches!(c, Component::Cache(_)) {
        vec![(format!("{sat_title} {sat_text}"), points.iter().map(|p| p.sat).collect(), sat_top, 2)]
    } else if matches!(c, Component::Queue(_)) {
        vec![
            (format!("oldest message {}", ms(cur(|p| p.p99))), points.iter().map(|p| p.p99).collect(), None, 0),
            (format!("redelivered {}/s", rate(cur(|p| p.err))), points.iter().map(|p| p.err).collect(), None, 1),
            (format!("enqueued {}/s", rate(cur(|p| p.rps))), points.iter().map(|p| p.rps).collect(), None, 0),
            (format!("{sat_title} {sat_text}"), points.iter().map(|p| p.sat).collect(), sat_top, 2),
        ]
    } else {
        vec![
            (
                format!("latency p99 {} · p50 {}", ms(cur(|p| p.p99)), ms(cur(|p| p.p50))),
                points.iter().map(|p| p.p99).collect(),
                None,
                0,
            ),
            (format!("errors {}", pct(cur(|p| p.err))), points.iter().map(|p| p.err).collect(), None, 1),
            (format!("traffic {}/s", rate(cur(|p| p.rps))), points.iter().map(|p| p.rps).collect(), None, 0),
            (format!("{sat_title} {sat_text}"), points.iter().map(|p| p.sat).collect(), sat_top, 2),
        ]
    };
    let p50: Vec<f32> = points.iter().map(|p| p.p50).collect();
    let cells: Vec<Rect> = if specs.len() == 1 {
        vec![charts]
    } else if charts.height >= 16 {
        Layout::vertical([Constraint::Ratio(1, 4); 4]).split(charts).to_vec()
    } else {
        let [top, bottom] = Layout::vertical([Constraint::Ratio(1, 2); 2]).areas(charts);
        let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).spacing(1).areas(top);
        let [c2, d] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).spacing(1).areas(bottom);
        vec![a, b, c2, d]
    };
    for (k, ((title, values, top, color), cell)) in specs.into_iter().zip(cells).enumerate() {
        let latency = k == 0 && !matches!(c, Component::Cache(_) | Component::Queue(_));
        // An error percentage scales to at least 1 %: a blip of noise stays a sliver.
        let floor = if title.starts_with("errors ") { 1.0 } else { 0.0 };
        let chart = ColumnChart {
            title,
            values,
            top,
            floor,
            markers: markers_for(cell.width as usize),
            overlay: if latency { p50.clone() } else { Vec::new() },
            theme,
            style: theme.series(color),
        };
        chart.render(cell, buf);
    }
}

/// Where the primary is, when it is not next to the services: " us-west (rtt 70ms)".
fn where_primary(r: &crate::sim::observe::metric::ReplicationStats) -> String {
    if r.primary_rtt_ms > 0.0 { format!(" {} (rtt {:.0}ms)", r.primary, r.primary_rtt_ms) } else { String::new() }
}

/// A diverged old primary and a restore under way, when there are: what a fail-back or a
/// rebuild would cost, and how far the rebuild is.
fn data_sides(r: &crate::sim::observe::metric::ReplicationStats) -> String {
    let mut out = String::new();
    if let Some(old) = &r.diverged {
        out.push_str(&format!(
            " · DIVERGED: {old} holds {} writes {} lacks, {} holds {} {old} lacks",
            rate(r.old_side_writes as f32),
            r.primary,
            r.primary,
            rate(r.new_side_writes as f32)
        ));
    }
    if let Some(x) = &r.restore {
        if x.catching_up {
            out.push_str(&format!(" · restore: {} catching up", x.node));
        } else {
            out.push_str(&format!(" · restore: {} {:.0}% copied", x.node, x.progress * 100.0));
        }
        if r.old_side_writes > 0 {
            out.push_str(&format!(", {} saved writes to replay", rate(r.old_side_writes as f32)));
        }
    }
    out
}
