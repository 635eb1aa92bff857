//! Renderings of a finished (or stopped) run for people and tools: a readable text summary and
//! the JSON document `firedrill run --format json` prints (its shape is documented in
//! `docs/run-json.md`). Both are functions of the run; the JSON's `summary.wall_ms` is the only
//! field that is not reproducible.

pub mod debrief_md;
pub mod whole_run;

pub use debrief_md::{markdown, timeline_chart};

/// The debrief as an exported markdown file: rendered, then through the text boundary
/// (`text::document`). `report --format md` prints it and the game writes it to a file; an
/// HTML export goes the same way with `text::Doc::Html`.
pub fn markdown_export(d: &crate::score::Debrief) -> String {
    crate::text::document(crate::text::Doc::Markdown, &markdown(d)).into_owned()
}

use crate::scenario::Spec;
use crate::sim::Window;
use crate::sim::observe::logs::group_thousands;
use crate::sim::{Category, Event, EventKind, Sim};
use serde::Serialize;

/// The JSON document's format tag; bump it when the shape changes incompatibly.
pub const RUN_FORMAT: &str = "firedrill-run/1";

#[derive(Serialize)]
pub struct RunJson<'a> {
    pub format: &'static str,
    pub scenario: ScenarioInfo<'a>,
    pub seed: u64,
    pub ended: Option<Ended>,
    pub summary: Summary,
    pub score: crate::score::Score,
    pub alerts: Vec<AlertSpan>,
    pub events: &'a [Event],
    pub windows: &'a [Window],
}

#[derive(Serialize)]
pub struct ScenarioInfo<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub length: String,
    pub content_hash: String,
}

#[derive(Serialize)]
pub struct Ended {
    pub at: String,
    pub reason: crate::sim::EndReason,
}

#[derive(Serialize, Default)]
pub struct Summary {
    /// Requests simulated: user attempts at the edge plus every dependency try.
    pub requests_simulated: u64,
    pub user_requests: u64,
    pub user_requests_ok: u64,
    pub duplicate_side_effects: u64,
    pub sim_seconds: f64,
    pub budget_left: f64,
    pub wall_ms: f64,
    pub whole_run: whole_run::WholeRun,
}

/// One alert firing, from the event log.
#[derive(Serialize, Debug, PartialEq)]
pub struct AlertSpan {
    pub alert: String,
    pub fired_at: String,
    pub resolved_at: Option<String>,
}

/// Requests the engine simulated (user attempts plus all dependency tries).
pub fn requests_simulated(sim: &Sim) -> u64 {
    let t = sim.totals();
    t.edge_attempts + t.dep_attempts.iter().flatten().sum::<u64>()
}

pub fn alert_spans(events: &[Event]) -> Vec<AlertSpan> {
    let mut out: Vec<AlertSpan> = Vec::new();
    for e in events {
        match &e.kind {
            EventKind::AlertFiring { alert, .. } => {
                out.push(AlertSpan { alert: alert.clone(), fired_at: e.t.to_string(), resolved_at: None });
            }
            EventKind::AlertResolved { alert } => {
                if let Some(span) = out.iter_mut().rev().find(|s| &s.alert == alert && s.resolved_at.is_none()) {
                    span.resolved_at = Some(e.t.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

pub fn summary(sim: &Sim, wall_ms: f64) -> Summary {
    let t = sim.totals();
    Summary {
        requests_simulated: requests_simulated(sim),
        user_requests: t.users,
        user_requests_ok: t.users_ok,
        duplicate_side_effects: t.duplicates + t.dep_duplicates.iter().flatten().sum::<u64>(),
        sim_seconds: sim.now().secs_f64(),
        budget_left: sim.windows().last().map_or(sim.spec().slo.budget_at_start, |w| w.slo.budget_left),
        wall_ms,
        whole_run: whole_run::whole_run(sim),
    }
}

/// The largest JSON document `run --format json` writes: 512 MiB. The work budget
/// (`scenario::budget`) refuses a scenario whose windows alone would take more; this cap is
/// the backstop, so a wrong estimate cannot fill memory or a disk.
pub const MAX_JSON_BYTES: usize = crate::scenario::budget::MAX_JSON_BYTES;

/// A run's JSON document would be larger than [`MAX_JSON_BYTES`].
#[derive(Debug, thiserror::Error)]
#[error(
    "the run's JSON document would be larger than {} MiB; stop earlier with --until, or use --format text",
    MAX_JSON_BYTES >> 20
)]
pub struct JsonTooLarge;

/// Collects serialized bytes up to a limit; past it every write fails.
struct Capped {
    buf: Vec<u8>,
    max: usize,
}

impl std::io::Write for Capped {
    #[inline]
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.write_all(b).map(|()| b.len())
    }
    #[inline]
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        if self.buf.len() + b.len() > self.max {
            return Err(std::io::Error::other("over the JSON size cap"));
        }
        self.buf.extend_from_slice(b);
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Serializes `value` as JSON of at most `max` bytes.
pub fn to_json_capped<T: Serialize>(value: &T, max: usize) -> Result<String, JsonTooLarge> {
    let mut ser = serde_json::Serializer::new(Capped { buf: Vec::new(), max });
    value.serialize(&mut ser).map_err(|_| JsonTooLarge)?;
    Ok(String::from_utf8(ser.into_inner().buf).expect("serde_json writes UTF-8"))
}

/// The JSON document for a run, at most [`MAX_JSON_BYTES`].
pub fn run_json(spec: &Spec, sim: &Sim, wall_ms: f64) -> Result<String, JsonTooLarge> {
    let doc = RunJson {
        format: RUN_FORMAT,
        scenario: ScenarioInfo {
            id: &spec.id,
            title: &spec.title,
            length: spec.length().to_string(),
            content_hash: format!("{:016x}", spec.content_hash),
        },
        seed: sim.seed(),
        ended: sim.ended().map(|(t, reason)| Ended { at: t.to_string(), reason }),
        summary: summary(sim, wall_ms),
        score: crate::score::score(spec, &crate::score::Evidence::from_sim(sim)),
        alerts: alert_spans(sim.events()),
        events: sim.events(),
        windows: sim.windows(),
    };
    to_json_capped(&doc, MAX_JSON_BYTES)
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// A readable summary of a run.
pub fn run_text(spec: &Spec, sim: &Sim, wall_ms: f64) -> String {
    let mut out = String::new();
    let s = summary(sim, wall_ms);
    out.push_str(&format!("{} — {} (seed {})\n", spec.id, spec.title, sim.seed()));
    let rate = if wall_ms > 0.0 { s.requests_simulated as f64 / (wall_ms / 1000.0) } else { 0.0 };
    out.push_str(&format!(
        "simulated {} of sim time in {:.2} s: {} requests ({:.2} M requests/s)\n",
        sim.now(),
        wall_ms / 1000.0,
        group_thousands(s.requests_simulated),
        rate / 1e6
    ));
    match sim.ended() {
        Some((t, crate::sim::EndReason::Stopped(cap))) => {
            out.push_str(&format!("ended at {}: {}\n", t.clock(), cap.describe()));
        }
        Some((t, reason)) => out.push_str(&format!("ended at {}: {reason:?}\n", t.clock())),
        None => out.push_str(&format!("stopped at {} (scenario runs to {})\n", sim.now().clock(), spec.length())),
    }
    let ok = if s.user_requests == 0 { 1.0 } else { s.user_requests_ok as f64 / s.user_requests as f64 };
    out.push_str(&format!("\nusers: {} requests, {} succeeded\n", group_thousands(s.user_requests), pct(ok)));
    let edge = &sim.totals().edge;
    out.push_str(&format!(
        "latency of successful requests: p50 {:.0}ms, p99 {:.0}ms, p99.9 {:.0}ms\n",
        edge.quantile(0.5) / 1000.0,
        edge.quantile(0.99) / 1000.0,
        edge.quantile(0.999) / 1000.0
    ));
    out.push_str(&format!(
        "SLO {:.2}%: error budget left {} (started at {})\n",
        spec.sim.slo.availability * 100.0,
        pct(s.budget_left),
        pct(spec.sim.slo.budget_at_start)
    ));
    if s.duplicate_side_effects > 0 {
        out.push_str(&format!(
            "duplicate side effects (e.g. double charges): {}\n",
            group_thousands(s.duplicate_side_effects)
        ));
    }
    if let Some((start, w)) = worst_minute(sim.windows()) {
        out.push_str(&format!(
            "worst minute: {} error rate {}, p99 {:.0}ms\n",
            crate::sim::SimTime::from_secs(start).clock(),
            pct(w.0),
            w.1
        ));
    }
    let sc = crate::score::score(spec, &crate::score::Evidence::from_sim(sim));
    out.push_str(&format!("\nscore: {} ({})\n", sc.overall, sc.grade));
    for d in &sc.dimensions {
        out.push_str(&format!("  {:<14} {:>3}  {}\n", d.name, d.score, d.reasons.first().map_or("", String::as_str)));
        for r in d.reasons.iter().skip(1) {
            out.push_str(&format!("  {:<14}      {r}\n", ""));
        }
    }
    let alerts = alert_spans(sim.events());
    out.push_str("\nalerts:\n");
    if alerts.is_empty() {
        out.push_str("  none fired\n");
    }
    for a in alerts {
        out.push_str(&format!(
            "  {} fired at {}{}\n",
            a.alert,
            a.fired_at,
            a.resolved_at.map(|r| format!(", resolved at {r}")).unwrap_or_default()
        ));
    }
    out.push_str("\nwhat happened (hidden faults marked *):\n");
    for e in sim.events().iter().filter(|e| is_notable(&e.kind)) {
        // One event, one line, whatever text it quotes.
        let what = e.kind.describe();
        out.push_str(&format!(
            "  {} {}{}\n",
            e.t.clock(),
            if e.hidden { "* " } else { "" },
            crate::text::clean_line(&what)
        ));
    }
    out
}

/// Events the summary lists: everything but help arriving and bookkeeping.
fn is_notable(k: &EventKind) -> bool {
    !matches!(k.category(), Category::Help | Category::Detail)
}

/// The minute (start second) with the highest user error rate: (error rate, p99 ms).
fn worst_minute(windows: &[Window]) -> Option<(u64, (f64, f64))> {
    windows
        .chunks(60)
        .enumerate()
        .map(|(i, ws)| {
            let (mut err, mut done) = (0u64, 0u64);
            let mut p99: f64 = 0.0;
            for w in ws {
                err += u64::from(w.edge.red.errors());
                done += u64::from(w.edge.red.ok + w.edge.red.errors());
                p99 = p99.max(f64::from(w.edge.red.p99_ms));
            }
            let rate = if done == 0 { 0.0 } else { err as f64 / done as f64 };
            (i as u64 * 60, (rate, p99))
        })
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_over_the_cap_is_an_error_not_an_allocation() {
        let big: Vec<u32> = (0..10_000).collect();
        assert!(to_json_capped(&big, 1 << 20).is_ok());
        let e = to_json_capped(&big, 1_000).unwrap_err();
        assert!(e.to_string().contains("larger than 512 MiB; stop earlier with --until"), "{e}");
    }
}
