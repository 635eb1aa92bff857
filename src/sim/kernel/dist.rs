//! Service-time and latency distributions. Parameters are stored in microseconds so that
//! sampling is a few floating-point operations with no conversions.

use super::fmath;
use super::rng::Stream;
use super::time::Dur;
use serde::Serialize;

/// z such that Φ(z) = 0.99: a log-normal's p99 is `median · exp(0.99-quantile · σ)`.
const Z99: f64 = 2.326_347_874;

/// A distribution of durations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Dist {
    /// Always the same.
    Const { us: f64 },
    /// Exponential (memoryless) with this mean.
    Exp { mean_us: f64 },
    /// Log-normal given by its median and 99th percentile.
    LogNormal { mu: f64, sigma: f64 },
    /// Uniform between two bounds.
    Uniform { lo_us: f64, hi_us: f64 },
    /// With probability `p` the second distribution (a slow path), else the first.
    Mix { p: f64, fast: Box<Dist>, slow: Box<Dist> },
}

impl Dist {
    pub fn constant(d: Dur) -> Dist {
        Dist::Const { us: d.0 as f64 }
    }
    pub fn exp(mean: Dur) -> Dist {
        Dist::Exp { mean_us: mean.0 as f64 }
    }
    /// A log-normal with the given median and p99 (`p99 >= median > 0`).
    pub fn log_normal(median: Dur, p99: Dur) -> Dist {
        let m = (median.0.max(1)) as f64;
        let p = (p99.0.max(median.0).max(1)) as f64;
        Dist::LogNormal { mu: fmath::ln(m), sigma: fmath::ln(p / m) / Z99 }
    }

    /// One sample in microseconds.
    pub fn sample(&self, rng: &mut Stream) -> f64 {
        match self {
            Dist::Const { us } => *us,
            Dist::Exp { mean_us } => rng.exponential(*mean_us),
            Dist::LogNormal { mu, sigma } => fmath::exp(mu + sigma * rng.normal()),
            Dist::Uniform { lo_us, hi_us } => lo_us + (hi_us - lo_us) * rng.uniform(),
            Dist::Mix { p, fast, slow } => {
                if rng.uniform() < *p {
                    slow.sample(rng)
                } else {
                    fast.sample(rng)
                }
            }
        }
    }

    /// The mean in microseconds.
    pub fn mean_us(&self) -> f64 {
        match self {
            Dist::Const { us } => *us,
            Dist::Exp { mean_us } => *mean_us,
            Dist::LogNormal { mu, sigma } => fmath::exp(mu + sigma * sigma / 2.0),
            Dist::Uniform { lo_us, hi_us } => (lo_us + hi_us) / 2.0,
            Dist::Mix { p, fast, slow } => (1.0 - p) * fast.mean_us() + p * slow.mean_us(),
        }
    }

    /// A readable form for briefings and logs.
    pub fn describe(&self) -> String {
        let d = |us: f64| Dur(us.round() as u64).to_string();
        match self {
            Dist::Const { us } => d(*us),
            Dist::Exp { mean_us } => format!("exp(mean {})", d(*mean_us)),
            Dist::LogNormal { mu, sigma } => {
                format!("log-normal(median {}, p99 {})", d(fmath::exp(*mu)), d(fmath::exp(mu + Z99 * sigma)))
            }
            Dist::Uniform { lo_us, hi_us } => format!("uniform({}..{})", d(*lo_us), d(*hi_us)),
            Dist::Mix { p, fast, slow } => {
                format!("{} or {:.0}% {}", fast.describe(), p * 100.0, slow.describe())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::rng::StreamId;

    fn quantile(mut xs: Vec<f64>, q: f64) -> f64 {
        xs.sort_by(f64::total_cmp);
        xs[((xs.len() as f64) * q) as usize]
    }

    #[test]
    fn log_normal_hits_its_median_and_p99() {
        let d = Dist::log_normal(Dur::from_millis(120), Dur::from_millis(600));
        let mut rng = Stream::new(3, StreamId::Deps);
        let xs: Vec<f64> = (0..200_000).map(|_| d.sample(&mut rng)).collect();
        let p50 = quantile(xs.clone(), 0.5);
        let p99 = quantile(xs, 0.99);
        assert!((p50 / 120_000.0 - 1.0).abs() < 0.02, "p50 {p50}");
        assert!((p99 / 600_000.0 - 1.0).abs() < 0.04, "p99 {p99}");
    }

    #[test]
    fn mixture_mean_is_weighted() {
        let d = Dist::Mix {
            p: 0.1,
            fast: Box::new(Dist::constant(Dur::from_millis(10))),
            slow: Box::new(Dist::constant(Dur::from_millis(110))),
        };
        assert!((d.mean_us() - 20_000.0).abs() < 1e-6);
        let mut rng = Stream::new(3, StreamId::Service);
        let mean = (0..100_000).map(|_| d.sample(&mut rng)).sum::<f64>() / 100_000.0;
        assert!((mean / 20_000.0 - 1.0).abs() < 0.03);
    }
}
