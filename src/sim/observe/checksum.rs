//! A checksum of the run's state, for lockstep drills: every seat re-simulates the host's
//! `(scenario, seed, commands)`, and comparing checksums a few times a second finds the first
//! moment two machines disagree.
//!
//! It is FNV-1a (64-bit) over, in this order: the sim time and the end of the run; the state
//! of every random stream; the event queue (pending events and all events ever scheduled);
//! requests, tries and jobs in flight; the events, windows, log lines and commands recorded;
//! the whole-run request totals (the edge's tries, users finished and answered well, duplicates,
//! the edge latency's mean and maximum, database queries, the SLO's bad events); per service,
//! the instances alive and asked for, the version, the requests that arrived and finished and
//! the instance-seconds of scaling; the database's connections, busy cores, down nodes and
//! query queue; each cache's warmth.
//!
//! Why that is enough: the engine is a function of its inputs, so machines can only part ways
//! through a different command or a different floating-point result. Either soon changes a
//! random draw (every request draws service times, routes and delays), and so the rng words,
//! which change with every draw; or it changes what is scheduled, emitted or counted. The
//! float state that drifts without drawing (cache warmth, scaling cost, mean latency) is
//! covered by its bits. It reads O(services + caches + streams) words, never a request, so it
//! is cheap enough to compute every frame; and, like all observation, it changes nothing (the
//! streams are read through copies). It is a function of the state at a sim time, not of how
//! the run was advanced there, so seats that step in different frames agree.

use crate::sim::engine::Sim;

/// FNV-1a, 64-bit: the offset basis and the prime of the reference.
struct Fnv(u64);

impl Fnv {
    const OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01B3;

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// A word as its eight little-endian bytes (the same on every platform).
    fn words(&mut self, words: impl IntoIterator<Item = u64>) {
        for w in words {
            self.bytes(&w.to_le_bytes());
        }
    }
}

impl Sim {
    /// A 64-bit checksum of the run's state at `now()` (see this module's docs for what it
    /// covers): equal on every machine that ran the same scenario, seed and commands to the
    /// same time, and different, with overwhelming likelihood, soon after two runs diverge.
    pub fn checksum(&self) -> u64 {
        let mut h = Fnv(Fnv::OFFSET);
        h.words([self.now.0, self.ended.map_or(u64::MAX, |(t, _)| t.0)]);
        for stream in self.rng.all() {
            h.words(stream.state_words());
        }
        h.words([self.q.len() as u64, self.q.scheduled()]);
        h.words([self.calls.len(), self.attempts.len(), self.jobs.len()].map(|n| n as u64));
        let rec = &self.rec;
        h.words([rec.events.len(), rec.windows.len(), self.desk.commands.len()].map(|n| n as u64));
        let t = &rec.totals;
        h.words([t.edge_attempts, t.users, t.users_ok, t.duplicates, t.edge.mean().to_bits(), t.edge.max()]);
        h.words([t.db_queries, rec.slo_bad_total, rec.logs.written()]);
        for (s, svc) in self.svcs.iter().enumerate() {
            h.words([svc.alive.len() as u64, u64::from(svc.desired), svc.version as u64]);
            h.words([t.service_arrivals[s], t.service_done[s], svc.extra_instance_s.to_bits()]);
        }
        let db = &self.db;
        h.words([u64::from(db.conns), u64::from(db.busy), u64::from(db.down), db.queue.len() as u64]);
        h.words(self.caches.iter().map(|c| c.warmth.to_bits()));
        h.0
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    fn fnv(bytes: &[u8]) -> u64 {
        let mut h = Fnv(Fnv::OFFSET);
        h.bytes(bytes);
        h.0
    }

    /// The reference's test vectors (Fowler, Noll and Vo).
    #[test]
    fn it_is_fnv_1a_64() {
        assert_eq!(fnv(b""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv(b"a"), 0xAF63_DC4C_8601_EC8C);
        assert_eq!(fnv(b"foobar"), 0x8594_4171_F739_67E8);
    }

    #[test]
    fn a_word_is_its_little_endian_bytes() {
        let mut h = Fnv(Fnv::OFFSET);
        h.words([u64::from_le_bytes(*b"foobar\0\0")]);
        assert_eq!(h.0, fnv(b"foobar\0\0"));
    }
}
