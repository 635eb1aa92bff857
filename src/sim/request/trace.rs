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
                self.recent.pop_front();
            }
            self.recent.push_back(t);
        }
    }

    /// The trace id of an active trace.
    pub fn id_of(&self, handle: u32) -> Option<u64> {
        self.active.get(handle.checked_sub(1)? as usize)?.as_ref().map(|t| t.id)
    }

    /// Kept traces, oldest first.
    pub fn recent(&self) -> &VecDeque<Trace> {
        &self.recent
    }
}
