//! Caches. Ordinary look-ups hit with probability `hit_ratio × warmth`; a flush empties the
//! warmth and only successful miss-path fills restore it, so a cold cache whose fills time out
//! stays cold (the bistable loop). A hot key is modelled exactly: when it expires every request
//! for it recomputes at once (a stampede) unless single-flight makes them wait for one fill.

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::fmath;
use crate::sim::kernel::slab::Key;
use crate::sim::model::spec::Step;

#[derive(Clone, Debug, Default)]
pub(crate) struct CacheState {
    pub warmth: f64,
    pub hot_present: bool,
    pub hot_filling: u32,
    pub hot_waiters: Vec<Key>,
    /// A warm-up in progress (`WarmCache`).
    pub warm_up: Option<super::warm::WarmUp>,
    pub hits: u32,
    pub misses: u32,
    pub stampede_max: u32,
}

impl CacheState {
    /// A warm cache with its hot key present.
    pub fn warm() -> Self {
        CacheState { warmth: 1.0, hot_present: true, ..CacheState::default() }
    }
}

impl Sim {
    /// Looks up the cache for a job: `Some(hit)`, or `None` if the job now waits for a
    /// single-flight fill of the hot key.
    pub(crate) fn cache_lookup(&mut self, jk: Key, c: usize) -> Option<bool> {
        let spec = &self.spec.caches[c];
        let hot = spec.hot_key.filter(|h| self.rng.routing.chance(h.share));
        let st = &mut self.caches[c];
        if let Some(h) = hot {
            if st.hot_present {
                st.hits += 1;
                return Some(true);
            }
            let job = self.jobs.get_mut(jk)?;
            if h.single_flight && st.hot_filling > 0 {
                job.hot_wait = true;
                st.hot_waiters.push(jk);
                return None;
            }
            st.misses += 1;
            st.hot_filling += 1;
            st.stampede_max = st.stampede_max.max(st.hot_filling);
            job.hot_fill = Some(c as u16);
            return Some(false);
        }
        let hit = self.rng.routing.chance(spec.hit_ratio * st.warmth);
        if hit {
            st.hits += 1;
        } else {
            st.misses += 1;
        }
        Some(hit)
    }

    /// The miss path succeeded: store what it computed.
    pub(crate) fn cache_fill(&mut self, jk: Key, c: usize) {
        let Some(job) = self.jobs.get_mut(jk) else {
            return;
        };
        if job.hot_fill.take().is_some() {
            let st = &mut self.caches[c];
            st.hot_present = true;
            st.hot_filling = st.hot_filling.saturating_sub(1);
            self.wake_hot_waiters(c, true);
        } else {
            let keys = self.spec.caches[c].keys.max(1.0);
            let st = &mut self.caches[c];
            st.warmth = (st.warmth + 1.0 / keys).min(1.0);
        }
    }

    /// A hot-key recomputation died: waiters go and compute it themselves.
    pub(crate) fn hot_fill_failed(&mut self, c: usize) {
        let st = &mut self.caches[c];
        st.hot_filling = st.hot_filling.saturating_sub(1);
        if st.hot_filling == 0 {
            self.wake_hot_waiters(c, false);
        }
    }

    fn wake_hot_waiters(&mut self, c: usize, hit: bool) {
        let waiters = std::mem::take(&mut self.caches[c].hot_waiters);
        for w in waiters {
            let Some(job) = self.jobs.get_mut(w) else {
                continue;
            };
            job.hot_wait = false;
            let plan = &self.spec.services[job.svc as usize].endpoints[job.endpoint as usize].plan;
            let skip = match plan.get(job.pc as usize) {
                Some(Step::CacheGet { skip, .. }) => *skip,
                _ => 0,
            };
            job.next_pc = job.pc + 1 + if hit { skip } else { 0 };
            if hit {
                self.caches[c].hits += 1;
            } else {
                job.hot_fill = Some(c as u16);
                let st = &mut self.caches[c];
                st.hot_filling += 1;
                st.misses += 1;
                st.stampede_max = st.stampede_max.max(st.hot_filling);
            }
            self.q.push(self.now, Ev::JobStep { job: w });
        }
    }

    /// Per tick: TTL expiry thins the cache (warm-ups fill it as their queries are answered).
    pub(crate) fn cache_tick(&mut self, dt_s: f64) {
        for (c, st) in self.caches.iter_mut().enumerate() {
            if let Some(ttl) = self.spec.caches[c].ttl {
                st.warmth *= fmath::exp(-dt_s / ttl.secs_f64().max(1e-3));
            }
        }
    }
}
