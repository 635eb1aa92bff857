//! Chart data, kept in ring buffers filled as the sim advances so that drawing only reads.
//! Each map row (component) gets one point per 5 s of what monitoring could see (lagging
//! monitoring delays it, a blind component gives gaps), plus time-axis markers for changes,
//! your actions and alerts.

use crate::sim::observe::metric::{Component, Metric, MetricRef, aggregate};
use crate::sim::{Category, ChangeKind, Sim};
use std::collections::VecDeque;

/// Seconds per chart point.
pub const BUCKET_S: usize = 5;
/// Points kept per component (an hour).
pub const CAPACITY: usize = 720;

/// One chart point; `NaN` means no data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub p50: f32,
    pub p99: f32,
    pub err: f32,
    pub rps: f32,
    pub sat: f32,
}

impl Point {
    const EMPTY: Point = Point { p50: f32::NAN, p99: f32::NAN, err: f32::NAN, rps: f32::NAN, sat: f32::NAN };
}

/// The saturation signal charted for a component: (title, unit, fixed top of scale).
pub fn saturation_of(c: Component) -> (Metric, &'static str, &'static str, Option<f32>) {
    match c {
        Component::Edge => (Metric::BurnRate5m, "SLO burn rate (5m)", "x", None),
        Component::Service(_) => (Metric::WorkerUtil, "workers busy", "%", Some(100.0)),
        Component::Database => (Metric::DbLoad, "cores busy", "%", Some(100.0)),
        Component::Cache(_) => (Metric::HitRatio, "hit ratio", "%", Some(100.0)),
        Component::ThirdParty(_) => (Metric::RateLimited, "429s /s", "", None),
        Component::Dep { .. } => (Metric::AttemptsPerRequest, "tries per call", "x", None),
        Component::Queue(_) => (Metric::Backlog, "backlog", " msgs", None),
    }
}

fn percent(m: Metric) -> bool {
    matches!(m, Metric::WorkerUtil | Metric::DbLoad | Metric::HitRatio | Metric::ErrorRate)
}

#[derive(Clone, Debug)]
pub struct Series {
    pub rows: Vec<Component>,
    pub points: Vec<VecDeque<Point>>,
    /// Markers: (bucket index since the start, symbol).
    pub markers: VecDeque<(usize, char)>,
    /// Buckets ingested so far.
    pub buckets: usize,
    events_seen: usize,
}

impl Series {
    pub fn new(rows: Vec<Component>) -> Series {
        let points = rows.iter().map(|_| VecDeque::with_capacity(CAPACITY)).collect();
        Series { rows, points, markers: VecDeque::new(), buckets: 0, events_seen: 0 }
    }

    /// Pulls every complete 5 s bucket monitoring can see, and new markers.
    pub fn ingest(&mut self, sim: &Sim) {
        let ws = sim.windows();
        let visible = sim.observed_len();
        while (self.buckets + 1) * BUCKET_S <= visible {
            let range = &ws[self.buckets * BUCKET_S..(self.buckets + 1) * BUCKET_S];
            for (r, &c) in self.rows.iter().enumerate() {
                let p = if range.iter().all(|w| w.observed(c)) { point(range, c) } else { Point::EMPTY };
                let buf = &mut self.points[r];
                if buf.len() == CAPACITY {
                    buf.pop_front();
                }
                buf.push_back(p);
            }
            self.buckets += 1;
        }
        let lag = ws.last().map_or(0, |w| w.lag_s as usize);
        for e in &sim.events()[self.events_seen..] {
            if e.hidden {
                continue;
            }
            let symbol = match e.kind.category() {
                Category::Change(c) => change_symbol(c),
                Category::Command { accepted: true } => '*',
                Category::Alert => '!',
                _ => continue,
            };
            // Alerts come from monitoring, so they sit where monitoring saw the data.
            let secs = e.t.whole_secs() as usize;
            let secs = if symbol == '!' { secs.saturating_sub(lag) } else { secs };
            if self.markers.len() == 4 * CAPACITY {
                self.markers.pop_front();
            }
            self.markers.push_back((secs / BUCKET_S, symbol));
        }
        self.events_seen = sim.events().len();
    }
}

/// The chart's letter for the start of a change (the legend explains them).
pub fn change_symbol(c: ChangeKind) -> char {
    match c {
        ChangeKind::Deploy => 'D',
        ChangeKind::Config => 'C',
        ChangeKind::Flag => 'F',
        ChangeKind::Scale => 'S',
        ChangeKind::Restart => 'R',
        ChangeKind::Failover => 'O',
        ChangeKind::Cache => 'X',
        ChangeKind::Manual => 'M',
        ChangeKind::Edge => 'E',
    }
}

fn point(range: &[crate::sim::Window], c: Component) -> Point {
    let get = |m: Metric| aggregate(range, MetricRef { component: c, metric: m }).map_or(f32::NAN, |v| v as f32);
    let (sat, ..) = saturation_of(c);
    let scale = |m: Metric, v: f32| if percent(m) { v * 100.0 } else { v };
    match c {
        Component::Cache(_) => {
            Point { p50: f32::NAN, p99: f32::NAN, err: f32::NAN, rps: f32::NAN, sat: scale(sat, get(sat)) }
        }
        // A queue: the oldest message's age (as the latency, ms), redeliveries per second
        // (as the errors), messages enqueued per second and the backlog.
        Component::Queue(_) => Point {
            p50: f32::NAN,
            p99: get(Metric::OldestAge) * 1000.0,
            err: get(Metric::Redelivered),
            rps: get(Metric::Enqueued),
            sat: get(sat),
        },
        _ => Point {
            p50: get(Metric::P50),
            p99: get(Metric::P99),
            err: scale(Metric::ErrorRate, get(Metric::ErrorRate)),
            rps: get(Metric::Rps),
            sat: scale(sat, get(sat)),
        },
    }
}
