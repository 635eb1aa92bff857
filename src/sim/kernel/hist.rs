//! A log-bucketed latency histogram (HDR-style): exact below 64 µs, then 32 sub-buckets per
//! power of two, so any recorded value is known to within 1/32 (≈3 %) and quantiles are
//! interpolated inside a bucket. Recording is a shift and an increment.

const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
const LINEAR: usize = 64;
/// Octaves above the linear range: 2^6 µs … 2^42 µs (≈ 51 days) covers every duration we make.
const OCTAVES: usize = 36;
pub const BUCKETS: usize = LINEAR + OCTAVES * SUB;

/// Counts of durations (µs).
#[derive(Clone, Debug)]
pub struct Hist {
    counts: Box<[u32; BUCKETS]>,
    n: u64,
    sum: f64,
    max: u64,
}

impl Default for Hist {
    fn default() -> Self {
        Hist { counts: Box::new([0; BUCKETS]), n: 0, sum: 0.0, max: 0 }
    }
}

fn index(us: u64) -> usize {
    if us < LINEAR as u64 {
        return us as usize;
    }
    let exp = us.ilog2(); // ≥ 6
    let octave = (exp - 6) as usize;
    if octave >= OCTAVES {
        return BUCKETS - 1;
    }
    let sub = ((us >> (exp - SUB_BITS)) as usize) & (SUB - 1);
    LINEAR + octave * SUB + sub
}

/// The `[lo, hi)` range of values that land in bucket `i`.
fn bounds(i: usize) -> (f64, f64) {
    if i < LINEAR {
        return (i as f64, i as f64 + 1.0);
    }
    let octave = (i - LINEAR) / SUB;
    let sub = (i - LINEAR) % SUB;
    let exp = octave as u32 + 6;
    let width = 1u64 << (exp - SUB_BITS);
    let lo = (1u64 << exp) + sub as u64 * width;
    (lo as f64, (lo + width) as f64)
}

impl Hist {
    pub fn record(&mut self, us: u64) {
        self.counts[index(us)] += 1;
        self.n += 1;
        self.sum += us as f64;
        self.max = self.max.max(us);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.sum / self.n as f64 }
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    /// The q-quantile (0 < q < 1) in µs, interpolated within its bucket; 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let target = q * self.n as f64;
        let mut seen = 0.0;
        for (i, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let c = f64::from(c);
            if seen + c >= target {
                let (lo, hi) = bounds(i);
                let frac = ((target - seen) / c).clamp(0.0, 1.0);
                return (lo + frac * (hi - lo)).min(self.max as f64);
            }
            seen += c;
        }
        self.max as f64
    }

    /// Several quantiles (ascending `qs`) in one pass over the buckets.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        let mut out = [0.0; N];
        if self.n == 0 {
            return out;
        }
        let mut k = 0;
        let mut seen = 0.0;
        for (i, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let c = f64::from(c);
            while k < N && seen + c >= qs[k] * self.n as f64 {
                let (lo, hi) = bounds(i);
                let frac = ((qs[k] * self.n as f64 - seen) / c).clamp(0.0, 1.0);
                out[k] = (lo + frac * (hi - lo)).min(self.max as f64);
                k += 1;
            }
            if k == N {
                return out;
            }
            seen += c;
        }
        for o in &mut out[k..] {
            *o = self.max as f64;
        }
        out
    }

    pub fn merge(&mut self, other: &Hist) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.n += other.n;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    pub fn clear(&mut self) {
        if self.n > 0 {
            self.counts.fill(0);
            self.n = 0;
            self.sum = 0.0;
            self.max = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_their_values() {
        for us in [0u64, 1, 63, 64, 65, 100, 1_000, 123_456, 10_000_000, 1 << 40] {
            let (lo, hi) = bounds(index(us));
            assert!(lo <= us as f64 && (us as f64) < hi, "{us} not in [{lo},{hi})");
        }
    }

    #[test]
    fn every_bucket_is_at_most_a_32nd_of_its_values_wide() {
        // Exact below 64 µs; above, 32 sub-buckets per power of two, the widest a 32nd of
        // its lower bound (the first of each octave).
        for i in 0..LINEAR {
            assert_eq!(bounds(i), (i as f64, i as f64 + 1.0));
        }
        let widest = (LINEAR..BUCKETS)
            .map(|i| {
                let (lo, hi) = bounds(i);
                assert_eq!(index(lo as u64), i, "bucket {i} starts at {lo}");
                assert_eq!(index(hi as u64 - 1), i, "bucket {i} ends before {hi}");
                (hi - lo) / lo
            })
            .fold(0.0, f64::max);
        assert!((widest - 1.0 / 32.0).abs() < 1e-12, "widest bucket: {widest}");
    }

    #[test]
    fn quantiles_of_a_uniform_ramp_are_within_bucket_error() {
        let mut h = Hist::default();
        for us in 1..=100_000u64 {
            h.record(us);
        }
        for q in [0.5, 0.9, 0.99, 0.999] {
            let want = q * 100_000.0;
            let got = h.quantile(q);
            assert!((got / want - 1.0).abs() < 0.01, "q{q}: {got} vs {want}");
        }
        assert!((h.mean() - 50_000.5).abs() < 1e-6);
        let many = h.quantiles([0.5, 0.9, 0.99, 0.999]);
        for (q, got) in [0.5, 0.9, 0.99, 0.999].into_iter().zip(many) {
            assert!((got - h.quantile(q)).abs() < 1e-9);
        }
    }

    #[test]
    fn an_empty_histogram_reports_zero() {
        assert!(Hist::default().quantile(0.99).abs() < f64::EPSILON);
    }
}
