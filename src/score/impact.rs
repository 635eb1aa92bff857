//! Impact: the harm the run did, in numbers, and a score that grows worse in proportion to it
//! without a ceiling in any realistic range. Harm is counted in users' terms (the SLO's user
//! tries, user requests after retries — never an abusive client's requests), plus the harm to
//! data and, where the scenario prices it, the business's cost.
//!
//! The score is `100 − Σ W · log10(1 + x / u)`: each kind of harm `x`, measured in a unit `u`,
//! loses `W` points per tenfold. A log scale, because harm spans orders of magnitude: ten times
//! the harm always costs the same `W` more, so 100× the harm is `2W` worse than 1× wherever it
//! starts, and a run never reaches a floor where more harm stops mattering (the sum reaches 100
//! only past 100,000 × the unit of one kind). The kinds and their constants:
//!
//! | harm | unit `u` | `W` per tenfold | e.g. |
//! |---|---|---|---|
//! | error budget burned | 0.5 % of the period's budget | 20 | 1 % → 9.5, 10 % → 26.4, 100 % → 46.0, 150 % → 49.6 |
//! | slow user tries | 0.5 % of the period's latency budget | 10 | 10 % → 13.2 |
//! | harm to data, per user request | 0.1 % (one harm in a thousand requests): a duplicate or a conflicting write counts 1, a stale read 0.1, a lost write 10 | 20 | 1 % → 20.8, 10 % → 40.1 |
//! | business cost | the scenario's `business.scale` | 15 | 1× scale → 4.5, 10× → 15.6 |
//!
//! A scenario that prices its harm (`business`) is scored by the cost instead of the harm to
//! data: the prices already count each duplicate, lost write and failed request, and one harm
//! is counted once. The numbers of each kind are still listed.
//!
//! Resolving while the service is still broken does not stop the harm: it goes on after the
//! incident is closed, so it is extrapolated at the last minute's rate to the scenario's end.

use super::evidence::Evidence;
use super::lifecycle::EndState;
use crate::scenario::Spec;
use crate::sim::Dur;
use crate::sim::kernel::fmath;
use crate::sim::observe::logs::group_thousands;
use serde::{Deserialize, Serialize};

/// The run's harm, in users' terms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Harm {
    /// User requests that finished, and those that failed after every retry.
    pub user_requests: u64,
    pub user_requests_failed: u64,
    /// User tries at the edge (the SLO's events), those that failed, those that were slow.
    pub tries: u64,
    pub tries_failed: u64,
    pub tries_slow: u64,
    /// Fraction of the SLO period's error budget burned (past 1.0 when overspent).
    pub budget_burned: f64,
    /// Fraction of the period's latency budget the slow tries used.
    pub latency_budget_used: f64,
    pub duplicates: u64,
    pub lost_writes: u64,
    pub stale_reads: u64,
    pub conflicting_writes: u64,
    /// The business's cost, in `currency` (0 and empty without `business` costs).
    pub cost: f64,
    pub currency: String,
    /// Resolved while broken: how much of the harm above is the extrapolated remainder, and
    /// for how long it was extrapolated.
    pub extrapolated: Option<Dur>,
}

impl Harm {
    /// The requests harm to data is measured against: user requests (the tries when a
    /// hand-written run gives none).
    pub fn per(&self) -> f64 {
        (if self.user_requests > 0 { self.user_requests } else { self.tries }).max(1) as f64
    }

    /// The harm to data, in the units of the table above.
    pub fn data_units(&self) -> f64 {
        self.duplicates as f64
            + self.conflicting_writes as f64
            + self.stale_reads as f64 * 0.1
            + self.lost_writes as f64 * 10.0
    }
}

/// Points lost for `x` of a harm measured in `unit`, `w` per tenfold.
fn decades(w: f64, x: f64, unit: f64) -> f64 {
    w * fmath::log10(1.0 + x.max(0.0) / unit)
}

/// The harm of the run (extrapolated to the end if it was resolved while broken).
pub fn harm(spec: &Spec, ev: &Evidence, end: &EndState) -> Harm {
    let sim = &spec.sim;
    let mut h =
        Harm { currency: sim.business.as_ref().map(|b| b.currency.clone()).unwrap_or_default(), ..Harm::default() };
    let end_s = ev.end_s();
    let add = |h: &mut Harm, s: &super::evidence::Sample, k: f64| {
        let k64 = k.round() as u64;
        h.tries += u64::from(s.requests) * k64;
        h.tries_failed += u64::from(s.errors) * k64;
        h.tries_slow += u64::from(s.slow) * k64;
        h.user_requests += u64::from(s.users) * k64;
        h.user_requests_failed += u64::from(s.users_failed) * k64;
        h.duplicates += u64::from(s.duplicates) * k64;
        h.lost_writes += u64::from(s.lost_writes) * k64;
        h.stale_reads += u64::from(s.stale_reads) * k64;
        h.conflicting_writes += u64::from(s.conflicting_writes) * k64;
    };
    for (s, k) in ev.spans(0, end_s) {
        add(&mut h, s, f64::from(k));
    }
    let start = sim.slo.budget_at_start;
    let last = ev.samples.last().map_or(start, |s| s.budget_left);
    h.budget_burned = (start - last).max(0.0);
    if let Some((at, false)) = end.resolved {
        let length = sim.duration.0 / 1_000_000;
        let rest = length.saturating_sub(at.whole_secs());
        if rest > 0 {
            // The last minute's rates, carried on to the scenario's end.
            let from = end_s.saturating_sub(60);
            let span = f64::from((end_s - from).max(1));
            let per_s = rest as f64 / span;
            for (s, k) in ev.spans(from, end_s) {
                add(&mut h, s, f64::from(k) * per_s);
            }
            let then = ev.at(from).map_or(start, |s| s.budget_left);
            h.budget_burned += (then - last).max(0.0) * per_s;
            h.extrapolated = Some(Dur::from_secs(rest));
        }
    }
    if let Some(b) = &sim.business {
        // Failed user requests are the priced ones; a hand-written run that gives only tries
        // is priced by its failed tries.
        let failed = if h.user_requests > 0 { h.user_requests_failed } else { h.tries_failed };
        h.cost = b.cost(&crate::sim::model::spec::HarmCounts {
            failed_requests: failed as f64,
            slow_tries: h.tries_slow as f64,
            duplicates: h.duplicates as f64,
            lost_writes: h.lost_writes as f64,
            stale_reads: h.stale_reads as f64,
            conflicting_writes: h.conflicting_writes as f64,
        });
    }
    let slo = &sim.slo;
    let latency_budget = (1.0 - slo.latency_target) * sim.traffic.base_rps * slo.period.secs_f64();
    h.latency_budget_used =
        if slo.latency_threshold.is_some() { h.tries_slow as f64 / latency_budget.max(1.0) } else { 0.0 };
    h
}

fn pct(x: f64) -> String {
    if x < 0.1 && x > 0.0 { format!("{:.2}%", x * 100.0) } else { format!("{:.1}%", x * 100.0) }
}

/// The impact dimension: 100 less each harm's points (see the module's table).
pub(super) fn impact(spec: &Spec, h: &Harm, weight: u32) -> super::Dimension {
    let mut lost = 0.0;
    let mut reasons = Vec::new();
    let avail = decades(20.0, h.budget_burned, 0.005);
    lost += avail;
    let users = if h.user_requests > 0 {
        format!(
            "{} of {} user requests failed after retries, ",
            group_thousands(h.user_requests_failed),
            group_thousands(h.user_requests)
        )
    } else {
        String::new()
    };
    reasons.push(format!(
        "{} of the error budget burned: {users}{} of {} user tries failed (-{avail:.0})",
        pct(h.budget_burned),
        group_thousands(h.tries_failed),
        group_thousands(h.tries),
    ));
    if h.tries_slow > 0 && spec.sim.slo.latency_threshold.is_some() {
        let p = decades(10.0, h.latency_budget_used, 0.005);
        lost += p;
        reasons.push(format!(
            "{} user tries slower than {} ({} of the latency budget) (-{p:.0})",
            group_thousands(h.tries_slow),
            spec.sim.slo.latency_threshold.map(Dur::human).unwrap_or_default(),
            pct(h.latency_budget_used)
        ));
    }
    let priced = spec.sim.business.is_some();
    if h.data_units() > 0.0 {
        let p = if priced { 0.0 } else { decades(20.0, h.data_units() / h.per(), 0.001) };
        lost += p;
        let mut parts = Vec::new();
        for (n, what) in [
            (h.duplicates, "duplicate side effects (e.g. customers charged twice)"),
            (h.lost_writes, "lost writes"),
            (h.stale_reads, "stale reads"),
            (h.conflicting_writes, "conflicting writes"),
        ] {
            if n > 0 {
                parts.push(format!("{} {what}", group_thousands(n)));
            }
        }
        reasons.push(format!(
            "{}: {} per thousand user requests{}",
            parts.join(", "),
            trim(1000.0 * h.data_units() / h.per()),
            if priced { " (priced in the cost below)".to_string() } else { format!(" (-{p:.0})") }
        ));
    }
    if let Some(b) = &spec.sim.business
        && h.cost > 0.0
    {
        let p = decades(15.0, h.cost, b.scale);
        lost += p;
        reasons.push(format!("cost to the business: {} (-{p:.0})", money(&b.currency, h.cost)));
    }
    if let Some(d) = h.extrapolated {
        reasons.push(format!(
            "resolved while users were still failing: the harm is counted on to the scenario's end ({} more at the last minute's rate)",
            d.human()
        ));
    }
    super::dim("impact", (100.0 - lost).round() as i64, weight, reasons)
}

/// A small number with the digits that matter: `0.42`, `3.1`, `27`.
fn trim(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// An amount of money: `$1,234` (cents below 100).
pub fn money(currency: &str, x: f64) -> String {
    if x < 100.0 { format!("{currency}{x:.2}") } else { format!("{currency}{}", group_thousands(x.round() as u64)) }
}

#[cfg(test)]
mod tests {
    use super::{decades, fmath};

    #[test]
    fn a_hundred_times_the_harm_is_two_tenfolds_worse_wherever_it_starts() {
        for unit in [0.005, 10.0] {
            for x in [unit, 3.0 * unit, 50.0 * unit] {
                let worse = decades(20.0, 100.0 * x, unit) - decades(20.0, x, unit);
                assert!((30.0..=40.0).contains(&worse), "{x}: {worse}");
            }
        }
        // Knight Capital's 1.9 M duplicate orders against the fix's 19 k, out of 4 M orders:
        // 40 points apart.
        let per = |n: f64| decades(20.0, n / 4e6, 0.001);
        let (fix, disaster) = (per(19_000.0), per(1_900_000.0));
        assert!((disaster - fix - 20.0 * fmath::log10(476.0f64 / 5.75)).abs() < 0.5, "{fix} {disaster}");
        assert!(disaster - fix > 35.0, "{fix} {disaster}");
    }
}
