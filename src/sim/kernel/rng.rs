//! Seeded randomness. One `u64` seed makes one independent Xoshiro256++ stream per subsystem,
//! so that (for example) an extra log line never shifts the traffic. Seeds are expanded with
//! `SplitMix64` and the variates are computed here, not by `rand`'s distribution code, so a run
//! replays identically across platforms and `rand` upgrades.

use super::fmath;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

/// The subsystems that draw random numbers, each from its own stream.
#[derive(Clone, Copy, Debug)]
pub enum StreamId {
    Arrivals = 1,
    Routing = 2,
    Service = 3,
    Deps = 4,
    Retry = 5,
    Faults = 6,
    Network = 7,
    Data = 8,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One random stream.
#[derive(Clone, Debug)]
pub struct Stream {
    rng: Xoshiro256PlusPlus,
    spare_normal: Option<f64>,
}

impl Stream {
    pub fn new(seed: u64, id: StreamId) -> Self {
        let mut state = seed ^ (id as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        Stream { rng: Xoshiro256PlusPlus::from_seed(bytes), spare_normal: None }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Uniform in [0, 1), 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.uniform() < p
    }

    /// Uniform integer in `0..n` (`n > 0`), by multiply-shift (bias below 2⁻³²).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.rng.next_u64()) * n as u128) >> 64) as usize
    }

    /// Exponential with the given mean. (Named in full so that `.exp(` in the engine only
    /// ever means e^x, which `tests/architecture.rs` checks goes through `fmath`.)
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * fmath::ln(1.0 - self.uniform())
    }

    /// Standard normal, Box–Muller (the pair's second value is kept for the next call).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * fmath::ln(u1)).sqrt(); // sqrt is correctly rounded everywhere
        let theta = std::f64::consts::TAU * u2;
        self.spare_normal = Some(r * fmath::sin(theta));
        r * fmath::cos(theta)
    }

    /// Words that change whenever the stream's state does, for `Sim::checksum`, without
    /// drawing from it: the next four outputs of a copy (rand keeps Xoshiro256++'s four state
    /// words private; four outputs depend on all of them), then the kept normal variate's
    /// bits (`u64::MAX`, a NaN Box–Muller never gives, when there is none).
    pub(crate) fn state_words(&self) -> [u64; 5] {
        let mut copy = self.rng.clone();
        let spare = self.spare_normal.map_or(u64::MAX, f64::to_bits);
        [copy.next_u64(), copy.next_u64(), copy.next_u64(), copy.next_u64(), spare]
    }
}

/// The engine's streams, one per subsystem that draws.
#[derive(Clone, Debug)]
pub(crate) struct Rngs {
    pub arrivals: Stream,
    pub routing: Stream,
    pub service: Stream,
    pub deps: Stream,
    pub retry: Stream,
    pub faults: Stream,
    /// Network delays of call policies.
    pub network: Stream,
    /// Replication: stale reads.
    pub data: Stream,
}

impl Rngs {
    pub fn new(seed: u64) -> Self {
        Rngs {
            arrivals: Stream::new(seed, StreamId::Arrivals),
            routing: Stream::new(seed, StreamId::Routing),
            service: Stream::new(seed, StreamId::Service),
            deps: Stream::new(seed, StreamId::Deps),
            retry: Stream::new(seed, StreamId::Retry),
            faults: Stream::new(seed, StreamId::Faults),
            network: Stream::new(seed, StreamId::Network),
            data: Stream::new(seed, StreamId::Data),
        }
    }

    /// Every stream, in a fixed order (taken apart field by field, so that a stream added
    /// later cannot be left out).
    pub(crate) fn all(&self) -> [&Stream; 8] {
        let Rngs { arrivals, routing, service, deps, retry, faults, network, data } = self;
        [arrivals, routing, service, deps, retry, faults, network, data]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<u64> =
            (0..4).map(|_| 0).scan(Stream::new(7, StreamId::Arrivals), |s, _| Some(s.next_u64())).collect();
        let b: Vec<u64> =
            (0..4).map(|_| 0).scan(Stream::new(7, StreamId::Arrivals), |s, _| Some(s.next_u64())).collect();
        let c: Vec<u64> = (0..4).map(|_| 0).scan(Stream::new(7, StreamId::Faults), |s, _| Some(s.next_u64())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn state_words_follow_the_state_without_drawing() {
        let mut a = Stream::new(7, StreamId::Service);
        let b = Stream::new(7, StreamId::Service);
        assert_eq!(a.state_words(), b.state_words());
        assert_eq!(a.state_words(), a.state_words(), "reading them draws nothing");
        assert_ne!(a.state_words(), Stream::new(8, StreamId::Service).state_words());
        let _ = a.normal(); // draws two uniforms and keeps the pair's second normal
        let words = a.state_words();
        assert_ne!(words, b.state_words());
        assert_ne!(words[4], u64::MAX, "the kept normal is covered");
        let _ = a.normal(); // uses the kept one: no draw, but the state changed
        assert_eq!(a.state_words()[..4], words[..4]);
        assert_ne!(a.state_words(), words);
    }

    #[test]
    fn exponential_and_normal_have_the_right_moments() {
        let mut s = Stream::new(1, StreamId::Service);
        let n = 200_000;
        let mean = (0..n).map(|_| s.exponential(3.0)).sum::<f64>() / f64::from(n);
        assert!((mean - 3.0).abs() < 0.03, "exp mean {mean}");
        let xs: Vec<f64> = (0..n).map(|_| s.normal()).collect();
        let m = xs.iter().sum::<f64>() / f64::from(n);
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / f64::from(n);
        assert!(m.abs() < 0.01 && (v - 1.0).abs() < 0.015, "normal {m} {v}");
    }
}
