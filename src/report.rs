//! Renderings of a finished (or stopped) run for people and tools: a readable text summary and
//! the JSON document `firedrill run --format json` prints (its shape is documented in
//! `docs/run-json.md`). Both are functions of the run; the JSON's `summary.wall_ms` is the only
//! field that is not reproducible.

pub mod chart;
pub mod facts;
pub mod html;
pub mod markdown;
pub mod seats;
pub mod whole_run;

pub use chart::timeline_chart;
pub use html::html;
pub use markdown::markdown;

/// The debrief as an exported markdown file: rendered, then through the text boundary
/// (`text::document`). `report --format md` prints it and the game writes it to a file.
pub fn markdown_export(d: &crate::score::Debrief) -> String {
    crate::text::document(crate::text::Doc::Markdown, &markdown(d)).into_owned()
}

/// The debrief as an exported HTML page, through the same boundary (`text::Doc::Html`):
/// `report --format html` prints it and the game writes it to a file.
pub fn html_export(d: &crate::score::Debrief) -> String {
    crate::text::document(crate::text::Doc::Html, &html(d)).into_owned()
}

use crate::scenario::Spec;
use crate::sim::Window;
use crate::sim::observe::logs::group_thousands;
use crate::sim::observe::metric::Red;
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
    pub fired_at: crate::sim::SimTime,
    pub resolved_at: Option<crate::sim::SimTime>,
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
                out.push(AlertSpan { alert: alert.clone(), fired_at: e.t, resolved_at: None });
            }
            EventKind::AlertResolved { alert } => {
                if let Some(span) = out.iter_mut().rev().find(|s| &s.alert == alert && s.resolved_at.is_none()) {
                    span.resolved_at = Some(e.t);
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
        Some((t, reason)) => out.push_str(&format!("ended at {}: {}\n", spec.clock(t), reason.describe())),
        None => out.push_str(&format!(
            "stopped at {} (scenario runs to {})\n",
            spec.clock(sim.now()),
            spec.clock(crate::sim::SimTime(spec.length().0))
        )),
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
    let edge: Vec<&Red> = sim.windows().iter().map(|w| &w.edge.red).collect();
    if let Some((start, rate, p99)) = worst_minute(&edge) {
        // Latency is of successful requests: a minute where none succeeded has none to show.
        let latency = p99.map_or("no request succeeded".to_string(), |ms| format!("p99 {ms:.0}ms"));
        out.push_str(&format!(
            "worst minute: {} error rate {}, {latency}\n",
            spec.clock(crate::sim::SimTime::from_secs(start)),
            pct(rate),
        ));
    }
    let sc = crate::score::score(spec, &crate::score::Evidence::from_sim(sim));
    out.push_str(&format!("\nscore: {} ({}): {}\n", sc.overall, sc.grade, sc.summary));
    for d in &sc.dimensions {
        out.push_str(&format!("  {:<14} {:>3}  {}\n", d.name, d.score, d.reasons.first().map_or("", String::as_str)));
        for r in d.reasons.iter().skip(1) {
            out.push_str(&format!("  {:<14}      {r}\n", ""));
        }
    }
    if let Some(h) = crate::score::hints::describe(&sc.hints, |t| spec.clock(t)) {
        out.push_str(&format!("  {h}\n"));
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
            spec.clock(a.fired_at),
            a.resolved_at.map(|r| format!(", resolved at {}", spec.clock(r))).unwrap_or_default()
        ));
    }
    out.push_str("\nwhat happened (hidden faults marked *):\n");
    for e in sim.events().iter().filter(|e| is_notable(&e.kind)) {
        out.push_str(&format!(
            "  {} {}{}\n",
            spec.clock(e.t),
            if e.hidden { "* " } else { "" },
            crate::text::clean_line(&e.kind.describe_with(|t| spec.clock(t)))
        ));
    }
    out
}

/// Events the summary lists: everything but help arriving and bookkeeping.
fn is_notable(k: &EventKind) -> bool {
    !matches!(k.category(), Category::Help | Category::Detail)
}

/// The minute (start second) with the highest user error rate: (error rate, p99 ms).
/// The minute (start in seconds, one `Red` a second) with the highest error rate at the edge:
/// its error rate and its worst p99, `None` when no request in it succeeded.
fn worst_minute(edge: &[&Red]) -> Option<(u64, f64, Option<f64>)> {
    edge.chunks(60)
        .enumerate()
        .map(|(i, ws)| {
            let (mut err, mut ok) = (0u64, 0u64);
            let mut p99: f64 = 0.0;
            for w in ws {
                err += u64::from(w.errors());
                ok += u64::from(w.ok);
                p99 = p99.max(f64::from(w.p99_ms));
            }
            let rate = if err + ok == 0 { 0.0 } else { err as f64 / (err + ok) as f64 };
            (i as u64 * 60, rate, (ok > 0).then_some(p99))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::{Red, to_json_capped, worst_minute};

    fn second(ok: u32, e5xx: u32, p99_ms: f32) -> Red {
        Red { requests: ok + e5xx, ok, e5xx, p99_ms, ..Red::default() }
    }

    #[test]
    fn the_worst_minute_shows_no_latency_when_nothing_succeeded() {
        let mut edge: Vec<Red> = (0..60).map(|_| second(90, 10, 400.0)).collect();
        edge.extend((0..60).map(|_| second(0, 100, 0.0)));
        let refs: Vec<&Red> = edge.iter().collect();
        assert_eq!(worst_minute(&refs), Some((60, 1.0, None)), "a minute of only errors has no p99");
        assert_eq!(worst_minute(&refs[..60]), Some((0, 0.1, Some(400.0))));
    }

    #[test]
    fn json_over_the_cap_is_an_error_not_an_allocation() {
        let big: Vec<u32> = (0..10_000).collect();
        assert!(to_json_capped(&big, 1 << 20).is_ok());
        let e = to_json_capped(&big, 1_000).unwrap_err();
        assert!(e.to_string().contains("larger than 512 MiB; stop earlier with --until"), "{e}");
    }
}
