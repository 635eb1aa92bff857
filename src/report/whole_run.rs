//! Whole-run statistics for `summary.whole_run` in the JSON: latency percentiles of every
//! successful request over the run (the edge, each service, the database), the waits inside
//! each service, and the time integrals the engine keeps (requests in each service, busy
//! connections) as run averages. All of it comes from the run's totals, not from the windows.

use crate::sim::Sim;
use crate::sim::kernel::hist::Hist;
use serde::Serialize;

/// Percentiles of a histogram, in milliseconds (all 0 when nothing was recorded).
#[derive(Serialize, Debug, Default, PartialEq)]
pub struct Quantiles {
    pub count: u64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub mean: f64,
    pub max: f64,
}

impl Quantiles {
    pub fn of(h: &Hist) -> Quantiles {
        let [p50, p90, p99, p999] = h.quantiles([0.5, 0.9, 0.99, 0.999]);
        let ms = |us: f64| (us / 10.0).round() / 100.0;
        Quantiles {
            count: h.count(),
            p50: ms(p50),
            p90: ms(p90),
            p99: ms(p99),
            p999: ms(p999),
            mean: ms(h.mean()),
            max: ms(h.max() as f64),
        }
    }
}

#[derive(Serialize, Debug, Default, PartialEq)]
pub struct ServiceWhole {
    pub service: String,
    /// Server-side latency of the service's successful requests.
    pub latency_ms: Quantiles,
    /// From arrival to a worker.
    pub queue_wait_ms: Quantiles,
    /// From asking the pool for a connection to getting one (services with a pool).
    pub pool_wait_ms: Option<Quantiles>,
    /// Requests in the service (queued or running), averaged over the run: Little's L.
    pub in_system_mean: f64,
    /// Requests the service finished after their caller had given up.
    pub abandoned_done: u64,
}

#[derive(Serialize, Debug, Default, PartialEq)]
pub struct WholeRun {
    /// Successful user tries at the edge.
    pub edge_ms: Quantiles,
    /// Database queries (queue and service time), with a database.
    pub db_ms: Option<Quantiles>,
    /// Connections in use over all pools, averaged over the run.
    pub conns_busy_mean: Option<f64>,
    pub services: Vec<ServiceWhole>,
}

pub fn whole_run(sim: &Sim) -> WholeRun {
    let t = sim.totals();
    let secs = sim.now().secs_f64().max(1e-9);
    let spec = sim.spec();
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    WholeRun {
        edge_ms: Quantiles::of(&t.edge),
        db_ms: spec.database.as_ref().map(|_| Quantiles::of(&t.db_hist)),
        conns_busy_mean: spec.database.as_ref().map(|_| round(t.conns_busy.area_until(sim.now()) / secs)),
        services: spec
            .services
            .iter()
            .enumerate()
            .map(|(s, svc)| ServiceWhole {
                service: svc.name.clone(),
                latency_ms: Quantiles::of(&t.service_hist[s]),
                queue_wait_ms: Quantiles::of(&t.service_wait[s]),
                pool_wait_ms: svc.pool.map(|_| Quantiles::of(&t.pool_wait[s])),
                in_system_mean: round(t.service_in_system[s].area_until(sim.now()) / secs),
                abandoned_done: t.abandoned_done[s],
            })
            .collect(),
    }
}
