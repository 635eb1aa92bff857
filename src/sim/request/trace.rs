//! Sampled distributed traces: every Nth user request records spans (queueing, CPU, cache,
//! pool wait, queries, dependency tries, backoff) as it walks the call plan. Finished traces
//! that failed or were slow are kept in a small ring for the "where did the time go?" view.

use crate::sim::kernel::time::SimTime;
use serde::Serialize;
use std::collections::VecDeque;

/// Trace one user request in this many.
pub const SAMPLE_EVERY: u64 = 128;
const KEEP: usize = 40;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    pub depth: u8,
    pub label: String,
    pub start: SimTime,
    pub end: SimTime,
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    pub id: u64,
    pub endpoint: String,
    pub start: SimTime,
    pub end: SimTime,
    pub ok: bool,
    pub outcome: String,
    pub spans: Vec<Span>,
}

impl Trace {
    pub fn trace_id_hex(&self) -> String {
        format!("{:016x}", self.id)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Traces {
    active: Vec<Option<Trace>>,
    free: Vec<u32>,
    recent: VecDeque<Trace>,
}

impl Traces {
    /// Starts a trace; returns its handle (never 0; 0 means "not traced").
    pub fn begin(&mut self, id: u64, endpoint: &str, start: SimTime) -> u32 {
        let t = Trace {
            id,
            endpoint: endpoint.to_string(),
            start,
            end: start,
            ok: true,
            outcome: String::new(),
            spans: Vec::new(),
        };
        if let Some(i) = self.free.pop() {
            self.active[i as usize] = Some(t);
            i + 1
        } else {
            self.active.push(Some(t));
            self.active.len() as u32
        }
    }

    pub fn span(&mut self, handle: u32, depth: u8, label: String, start: SimTime, end: SimTime, ok: bool) {
        if handle == 0 {
            return;
        }
        if let Some(Some(t)) = self.active.get_mut(handle as usize - 1)
            && t.spans.len() < 200
        {
            t.spans.push(Span { depth, label, start, end, ok });
        }
    }

    /// Ends a trace; it is kept if it failed or was slower than `slow_us`.
    pub fn end(&mut self, handle: u32, end: SimTime, ok: bool, outcome: String, slow_us: u64) {
        if handle == 0 {
            return;
        }
        let i = handle as usize - 1;
        let Some(mut t) = self.active.get_mut(i).and_then(Option::take) else {
            return;
        };
        self.free.push(i as u32);
        t.end = end;
        t.ok = ok;
        t.outcome = outcome;
        // Parents first: earlier start, then shallower, then longer.
        t.spans.sort_by_key(|s| (s.start, s.depth, std::cmp::Reverse(s.end)));
        let keep = !ok || end.since(t.start).0 >= slow_us || t.id % (SAMPLE_EVERY * 16) == 0;
        if keep {
            if self.recent.len() == KEEP {
                // The oldest goes, unless it is the newest failed or the newest slow one: the
                // player can always find both, however many of the other kind followed.
                let newest = |slow: bool| {
                    self.recent
                        .iter()
                        .rposition(|r| if slow { r.ok && r.end.since(r.start).0 >= slow_us } else { !r.ok })
                };
                let pinned = [newest(false), newest(true)];
                let drop = (0..self.recent.len()).find(|i| !pinned.contains(&Some(*i))).unwrap_or(0);
                self.recent.remove(drop);
            }
            self.recent.push_back(t);
        }
    }

    /// The trace id of an active trace.
    pub fn id_of(&self, handle: u32) -> Option<u64> {
        self.active.get(handle.checked_sub(1)? as usize)?.as_ref().map(|t| t.id)
    }

    /// Kept traces, oldest first. The newest failed and the newest slow trace stay kept while
    /// others come and go.
    pub fn recent(&self) -> &VecDeque<Trace> {
        &self.recent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finish(traces: &mut Traces, id: u64, took_us: u64, ok: bool) {
        let h = traces.begin(id, "checkout", SimTime(0));
        traces.end(h, SimTime(took_us), ok, String::new(), 1_000);
    }

    #[test]
    fn the_newest_slow_trace_survives_a_flood_of_failures_and_the_newest_failure_a_flood_of_slow_ones() {
        let mut traces = Traces::default();
        finish(&mut traces, 1, 5_000, true);
        for id in 2..(2 + 3 * KEEP as u64) {
            finish(&mut traces, id, 10, false);
        }
        assert_eq!(traces.recent().len(), KEEP);
        assert_eq!(traces.recent().iter().filter(|t| t.ok).map(|t| t.id).collect::<Vec<_>>(), [1]);
        let last_failed = traces.recent().back().map(|t| t.id);
        for id in 1000..(1000 + 3 * KEEP as u64) {
            finish(&mut traces, id, 5_000, true);
        }
        assert_eq!(traces.recent().len(), KEEP);
        let failed: Vec<u64> = traces.recent().iter().filter(|t| !t.ok).map(|t| t.id).collect();
        assert_eq!(failed, last_failed.into_iter().collect::<Vec<_>>(), "only the newest failure is kept");
    }
}
