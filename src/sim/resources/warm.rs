//! Cache warm-ups (`WarmCache`): a loader reads the cache's working set from the database with
//! a fixed number of queries in flight — a fifth of the database's cores, rounded up — and
//! each answered query loads its share of the working set. On an idle database that takes
//! `WARM_UP_SECS`; queries that wait in a busy database's queue, or run slower, stretch it in
//! proportion; while the database is down or failing over nothing loads. The warm-up is over
//! when the cache is fully warm or the loader has read the whole working set once.
//!
//! Loader queries go through the database's queue like any other query (marked `background`,
//! with the cache's index in place of an attempt key) and count in the `db` metrics.

use crate::sim::engine::Sim;
use crate::sim::kernel::slab::Key;
use crate::sim::observe::events::EventKind;

/// A warm-up pre-loads the whole working set in this long on an idle database.
pub(crate) const WARM_UP_SECS: f64 = 60.0;

/// A warm-up in progress.
#[derive(Clone, Debug)]
pub(crate) struct WarmUp {
    /// Queries still to be answered before the working set has been read once.
    pub left: u32,
    pub in_flight: u32,
    /// Queries the loader keeps in flight.
    pub concurrency: u32,
    /// Warmth each answered query adds.
    pub per_query: f64,
}

impl Sim {
    /// Starts (or restarts) warming cache `c` from the database.
    pub(crate) fn start_warm_up(&mut self, c: usize) {
        let Some(db) = self.spec.database.as_ref() else {
            return;
        };
        let concurrency = db.cores.div_ceil(5).max(1);
        let mean_s = (db.query.mean_us() / 1e6).max(1e-6);
        let total = (WARM_UP_SECS * f64::from(concurrency) / mean_s).round().clamp(1.0, 1e9) as u32;
        let in_flight = self.caches[c].warm_up.as_ref().map_or(0, |w| w.in_flight);
        self.caches[c].warm_up =
            Some(WarmUp { left: total, in_flight, concurrency, per_query: 1.0 / f64::from(total) });
        self.top_up_loader(c);
    }

    /// Sends loader queries until the warm-up has its concurrency in flight (none while the
    /// database cannot answer).
    pub(crate) fn top_up_loader(&mut self, c: usize) {
        if self.db.down > 0 || self.db.failing_over {
            return;
        }
        while let Some(w) = self.caches[c].warm_up.as_mut()
            && w.in_flight < w.concurrency
            && w.in_flight < w.left
        {
            w.in_flight += 1;
            self.submit_background_query(Key { idx: c as u32, generation: 0 });
        }
    }

    /// A loader query was answered (or failed): warm the cache, send the next one.
    pub(crate) fn loader_query_done(&mut self, c: usize, ok: bool) {
        let Some(w) = self.caches[c].warm_up.as_mut() else {
            return;
        };
        w.in_flight = w.in_flight.saturating_sub(1);
        if ok {
            w.left = w.left.saturating_sub(1);
            let per_query = w.per_query;
            let st = &mut self.caches[c];
            st.warmth = (st.warmth + per_query).min(1.0);
        }
        let done = self.caches[c].warm_up.as_ref().is_some_and(|w| w.left == 0) || self.caches[c].warmth >= 1.0;
        if done {
            self.caches[c].warm_up = None;
            let cache = self.spec.caches[c].name.clone();
            self.emit(false, EventKind::CacheWarmed { cache });
            self.cache_warmed(c);
        } else {
            self.top_up_loader(c);
        }
    }

    /// Per tick: loaders stalled by a database outage start again once it answers.
    pub(crate) fn loader_tick(&mut self) {
        for c in 0..self.caches.len() {
            if self.caches[c].warm_up.is_some() {
                self.top_up_loader(c);
            }
        }
    }
}
