//! User traffic: a non-homogeneous Poisson process sampled exactly by thinning against a
//! per-second rate ceiling, abusive clients as extra Poisson sources, and the public edge
//! (TLS, blocked clients, rate limit, load shedding, routing to the entry service).

use super::call::{Call, Origin, Site};
use super::outcome::{Outcome, Reason};
use super::trace::SAMPLE_EVERY;
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::fmath;
use crate::sim::kernel::slab::Key;
use crate::sim::kernel::time::{Dur, SEC, SimTime};
use crate::sim::model::spec::{CallPolicy, Shape, SimSpec};
use crate::sim::observe::acc::RedAcc;
use crate::sim::resources::bucket::{Budget, TokenBucket};

/// A pending arrival further away than this is redrawn when the rate changes at run time.
const REDRAW_AFTER: Dur = Dur(10 * SEC);

/// The arrival process over one second: its rate ceiling and, where smooth, a linear rate
/// (rate at the segment start, change per microsecond).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segment {
    pub seg: u64,
    pub bound: f64,
    pub linear: Option<(f64, f64)>,
}

impl Segment {
    /// No segment yet: the next arrival computes one.
    const UNSET: Segment = Segment { seg: u64::MAX, bound: 0.0, linear: None };
}

/// The public edge: its settings (rate limit, shedding, blocked clients, certificate), the
/// per-window counts of what it saw, and the arrival process's current segment.
#[derive(Clone, Debug)]
pub(crate) struct EdgeState {
    pub rate_limit: Option<TokenBucket>,
    pub shed: f64,
    pub blocked: Vec<u16>,
    pub cert_expired: bool,
    pub red: RedAcc,
    pub users: u32,
    pub users_ok: u32,
    pub users_failed: u32,
    pub user_tries: u32,
    pub duplicates: u32,
    pub blocked_count: u32,
    pub next_user: u64,
    pub spike: f64,
    /// Abusive clients: (name, rate, active faults driving it).
    pub abusers: Vec<(String, f64, u32)>,
    pub slo_good: u32,
    pub slo_total: u32,
    pub slo_slow: u32,
    /// The arrival process of the current one-second segment.
    pub arrival_seg: Segment,
    /// When the pending user arrival is due (`NEVER` if none is): an `Ev::Arrival` at
    /// another time was superseded by a redraw and is ignored.
    pub next_arrival: SimTime,
}

impl EdgeState {
    pub fn new(spec: &SimSpec, now: SimTime) -> Self {
        EdgeState {
            rate_limit: spec.edge.rate_limit.map(|b| TokenBucket::new(b, now)),
            shed: spec.edge.shed_fraction,
            blocked: Vec::new(),
            cert_expired: false,
            red: RedAcc::default(),
            users: 0,
            users_ok: 0,
            users_failed: 0,
            user_tries: 0,
            duplicates: 0,
            blocked_count: 0,
            next_user: 0,
            spike: 1.0,
            abusers: Vec::new(),
            slo_good: 0,
            slo_total: 0,
            slo_slow: 0,
            arrival_seg: Segment::UNSET,
            next_arrival: SimTime::NEVER,
        }
    }
}

/// The users' clients: the timeout and retry policy every user request follows, and the
/// retry budget they share if the policy has one.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub policy: CallPolicy,
    pub budget: Option<Budget>,
}

impl Sim {
    /// User arrivals per second at `t` (before abusive clients).
    pub fn offered_rate(&self, t: SimTime) -> f64 {
        let tr = &self.spec.traffic;
        let shape = match &tr.shape {
            Shape::Flat => 1.0,
            Shape::Diurnal { period, amplitude, peak_at } => {
                let phase = (t.0 as f64 - peak_at.0 as f64) / period.0.max(1) as f64;
                1.0 + amplitude * fmath::cos(std::f64::consts::TAU * phase)
            }
            Shape::Points(points) => piecewise(points, t),
        };
        let spikes: f64 = tr.spikes.iter().filter(|s| t >= s.at && t < s.at + s.duration).map(|s| s.factor).product();
        (tr.base_rps * shape * spikes * self.edge.spike).max(0.0)
    }

    /// The arrival process over the one-second segment `seg`. Where the curve is smooth over
    /// the segment (no spike edge or shape knot inside it) it is interpolated linearly between
    /// the segment's ends — the diurnal curve bends by far less than 0.1 % within a second —
    /// and the ceiling is exact; otherwise the true curve is used under a safe ceiling.
    fn segment(&self, seg: u64) -> Segment {
        let start = SimTime(seg * SEC);
        let end = SimTime(seg * SEC + SEC);
        let mut knots = Vec::new();
        for s in &self.spec.traffic.spikes {
            for edge in [s.at, s.at + s.duration] {
                if edge > start && edge < end {
                    knots.push(edge);
                }
            }
        }
        if let Shape::Points(points) = &self.spec.traffic.shape {
            knots.extend(points.iter().map(|p| p.0).filter(|&p| p > start && p < end));
        }
        if knots.is_empty() {
            let r0 = self.offered_rate(start);
            let r1 = self.offered_rate(SimTime(end.0 - 1));
            return Segment { seg, bound: r0.max(r1), linear: Some((r0, (r1 - r0) / SEC as f64)) };
        }
        knots.extend([start, SimTime(end.0 - 1), SimTime(seg * SEC + SEC / 2)]);
        let bound = knots.into_iter().map(|p| self.offered_rate(p)).fold(0.0, f64::max) * 1.01;
        Segment { seg, bound, linear: None }
    }

    /// The rate changed at run time (a traffic spike started or ended). The pending arrival
    /// was drawn at the old rate; if it is far away or there is none (at a vanishing rate the
    /// search ran to the end of the run), it is redrawn from now at the new rate — exact, as
    /// the process is memoryless — so traffic comes back when the rate does. A near one is
    /// kept, so that the runs of ordinary scenarios stay exactly as they were (a redraw takes
    /// numbers from the arrivals stream).
    pub(crate) fn invalidate_rate_ceiling(&mut self) {
        self.edge.arrival_seg = Segment::UNSET;
        if self.edge.next_arrival.0.saturating_sub(self.now.0) > REDRAW_AFTER.0 {
            self.schedule_next_arrival();
        }
    }

    pub(crate) fn schedule_next_arrival(&mut self) {
        let end = self.spec.duration.0;
        let mut t = self.now.0;
        while t < end {
            let seg = t / SEC;
            if self.edge.arrival_seg.seg != seg {
                self.edge.arrival_seg = self.segment(seg);
            }
            let Segment { bound, linear, .. } = self.edge.arrival_seg;
            let seg_end = (seg + 1) * SEC;
            if bound <= 0.0 {
                t = seg_end;
                continue;
            }
            let gap = Dur::from_us_f64(self.rng.arrivals.exponential(SEC as f64 / bound)).0;
            // A vanishing rate (1e-20 rps) draws a gap of ~10^26 µs, which saturates to
            // u64::MAX: a plain add wrapped round to a time in the past, for ever.
            let cand = t.saturating_add(gap.max(1));
            if cand >= seg_end {
                // Memoryless: restart the clock at the segment boundary with its own ceiling.
                t = seg_end;
                continue;
            }
            let rate = match linear {
                // A flat segment needs no thinning: every candidate is an arrival.
                Some((r0, 0.0)) => r0,
                Some((r0, slope)) => r0 + slope * (cand - seg * SEC) as f64,
                None => self.offered_rate(SimTime(cand)),
            };
            if rate >= bound || self.rng.arrivals.uniform() * bound < rate {
                self.edge.next_arrival = SimTime(cand);
                self.q.push(SimTime(cand), Ev::Arrival);
                return;
            }
            t = cand;
        }
        self.edge.next_arrival = SimTime::NEVER;
    }

    pub(crate) fn on_arrival(&mut self) {
        if self.now != self.edge.next_arrival {
            return;
        }
        self.new_user_request(0);
        self.schedule_next_arrival();
    }

    pub(crate) fn start_abuser(&mut self, client: &str, rps: f64) {
        if let Some(i) = self.edge.abusers.iter().position(|a| a.0 == client) {
            self.edge.abusers[i].1 = rps;
            self.edge.abusers[i].2 += 1;
            if self.edge.abusers[i].2 == 1 {
                self.schedule_abuse(i as u16);
            }
        } else {
            self.edge.abusers.push((client.to_string(), rps, 1));
            self.schedule_abuse((self.edge.abusers.len() - 1) as u16);
        }
    }

    fn schedule_abuse(&mut self, source: u16) {
        let rps = self.edge.abusers[source as usize].1;
        if rps > 0.0 {
            let gap = Dur::from_us_f64(self.rng.arrivals.exponential(SEC as f64 / rps)).0;
            self.q.push(self.now + Dur(gap.max(1)), Ev::Abuse { source });
        }
    }

    pub(crate) fn on_abuse(&mut self, source: u16) {
        if self.edge.abusers[source as usize].2 == 0 {
            return;
        }
        self.new_user_request(source + 1);
        self.schedule_abuse(source);
    }

    /// A new user request (client 0) or abusive request (client k).
    fn new_user_request(&mut self, client: u16) {
        self.user_request(client, Origin::User, None);
    }

    /// A new request from a user's client to `endpoint` of the entry service (by weight if
    /// `None`), for an open-loop user (`Origin::User`) or a closed-loop one (`Looped`).
    pub(crate) fn user_request(&mut self, client: u16, origin: Origin, endpoint: Option<usize>) {
        let entry = self.spec.entry;
        let endpoint = match endpoint {
            Some(e) => e,
            None => self.pick_endpoint(entry),
        };
        self.edge.next_user += 1;
        let n = self.edge.next_user;
        let trace = if client == 0 && n.is_multiple_of(SAMPLE_EVERY) {
            let name = &self.spec.services[entry].endpoints[endpoint].name;
            self.rec.traces.begin(trace_id(self.seed, n), name, self.now)
        } else {
            0
        };
        if client == 0 {
            self.edge.users += 1;
            self.rec.totals.users += 1;
        }
        let patho = self.draw_patho(entry, endpoint);
        let policy = &self.client.policy;
        let call = Call {
            origin,
            site: Site::Client,
            started: self.now,
            deadline: SimTime::NEVER,
            tries: 0,
            prev_backoff: policy.retry.base,
            effects: 0,
            live: 0,
            done: false,
            trace,
            endpoint: endpoint as u16,
            queries: 0,
            repeats: false,
            from: (entry as u16, endpoint as u16, 0),
            client,
            counts_duplicates: !policy.idempotent && !policy.idempotency_key,
            depth: 0,
            patho,
        };
        let ck = self.calls.insert(call);
        self.send_attempt(ck);
    }

    /// Chooses a user-facing endpoint of a service by weight.
    pub(crate) fn pick_endpoint(&mut self, svc: usize) -> usize {
        let eps = &self.spec.services[svc].endpoints;
        // The last endpoint is the health check (weight 0): one user endpoint needs no draw.
        if eps.len() <= 2 {
            return 0;
        }
        let total: f64 = eps.iter().map(|e| e.weight).sum();
        if total <= 0.0 {
            return 0;
        }
        let mut x = self.rng.routing.uniform() * total;
        for (i, e) in eps.iter().enumerate() {
            if x < e.weight {
                return i;
            }
            x -= e.weight;
        }
        0
    }

    /// The edge decides a user attempt's fate: reject it or hand it to an instance.
    pub(crate) fn edge_admit(&mut self, ak: Key, client: u16) {
        if self.edge.cert_expired {
            return self.attempt_done(ak, Err(Reason::TlsHandshake));
        }
        if self.edge.rate_limit.as_mut().is_some_and(|b| !b.take(self.now)) {
            return self.attempt_done(ak, Err(Reason::RateLimited));
        }
        if self.edge.shed > 0.0 && self.rng.routing.chance(self.edge.shed) {
            return self.attempt_done(ak, Err(Reason::Shed));
        }
        if client != 0 && self.edge.blocked.contains(&client) {
            // 403 for a blocked client: the rejection costs the edge almost nothing.
            self.edge.blocked_count += 1;
            return self.attempt_done(ak, Err(Reason::Blocked));
        }
        self.send_to_service(ak, self.spec.entry);
    }

    /// The client has the answer to a user try: the edge's metrics, the SLO's good and bad
    /// events (ordinary users only), the client's retry budget. A blocked client's 403 counts
    /// in none of them.
    pub(crate) fn client_try_done(&mut self, client: u16, outcome: Outcome, latency: u64) {
        if outcome == Err(Reason::Blocked) {
            return;
        }
        let ok = outcome.is_ok();
        self.edge.red.finish(outcome, latency);
        if ok {
            self.rec.totals.edge.record(latency);
        }
        if client == 0 {
            self.edge.slo_total += 1;
            if ok {
                self.edge.slo_good += 1;
                if self.spec.slo.latency_threshold.is_some_and(|d| latency > d.0) {
                    self.edge.slo_slow += 1;
                }
            } else {
                self.rec.slo_bad_total += 1;
            }
        }
        if let Some(b) = self.client.budget.as_mut() {
            b.record(ok);
        }
    }

    /// A user request is over (success, or failure after the client's last try).
    pub(crate) fn user_done(&mut self, ck: Key, ok: bool, reason: &str) {
        let Some(call) = self.calls.get(ck) else {
            return;
        };
        let (trace, tries, client, started) = (call.trace, call.tries, call.client, call.started);
        if client == 0 {
            if ok {
                self.edge.users_ok += 1;
                self.rec.totals.users_ok += 1;
            } else {
                self.edge.users_failed += 1;
            }
            self.edge.user_tries += u32::from(tries);
        }
        if trace != 0 {
            let slow = self.spec.slo.latency_threshold.map_or(u64::MAX, |d| d.0);
            self.rec.traces.span(trace, 0, format!("user request ({tries} tries)"), started, self.now, ok);
            self.rec.traces.end(trace, self.now, ok, reason.to_string(), slow);
        }
    }
}

fn piecewise(points: &[(SimTime, f64)], t: SimTime) -> f64 {
    match points.iter().position(|p| p.0 > t) {
        None => points.last().map_or(1.0, |p| p.1),
        Some(0) => points[0].1,
        Some(i) => {
            let (t0, v0) = points[i - 1];
            let (t1, v1) = points[i];
            let f = (t.0 - t0.0) as f64 / (t1.0 - t0.0).max(1) as f64;
            v0 + f * (v1 - v0)
        }
    }
}

/// A trace id that looks like one and is stable for (seed, request number).
pub(crate) fn trace_id(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
