//! `replay` and `report`: re-run a saved run and print its summary or debrief (markdown, HTML
//! or JSON). The scenario
//! must be the one the run was played on (same content hash); otherwise we say so rather than
//! show a different run.

use super::{Failure, print_json, print_out};
use crate::scenario::{self, Spec};
use crate::score::{Evidence, debrief};
use crate::sim::{Sim, play};
use crate::store::{SavedRun, ScenarioRef};
use std::path::Path;

/// Loads a saved run and re-runs it on its scenario (as played: challenge and live injects
/// applied); also returns the run and how long the re-run took (ms).
pub fn rerun(path: &Path) -> Result<(SavedRun, Spec, Sim, f64), Failure> {
    let run = SavedRun::read(path).map_err(|e| Failure::new(e.to_string()))?;
    let (name, source) = match &run.scenario {
        ScenarioRef::Builtin(id) => {
            let (_, file, text) = scenario::BUILTIN.iter().find(|b| b.0 == id).ok_or_else(|| {
                Failure::new(format!(
                    "{} was played on built-in scenario `{id}`, which this firedrill does not have",
                    path.display()
                ))
            })?;
            (format!("scenarios/{file}"), (*text).to_string())
        }
        // A hand-edited run may name any path: it is shown as one clean line.
        ScenarioRef::File(f) => {
            (crate::text::clean_line(f).into_owned(), crate::load::read_text(Path::new(f), "scenario")?)
        }
    };
    let now = format!("{:016x}", scenario::content_hash(source.as_bytes()));
    if now != run.scenario_hash {
        return Err(Failure::new(format!(
            "the scenario `{}` has changed since this run was saved (content {} then, {now} now): a replay would not be the same run",
            run.scenario_id, run.scenario_hash
        )));
    }
    let spec = scenario::parse(&name, &source)
        .map_err(|e| Failure::detailed(format!("{name} is not a valid scenario"), e.to_string()))?;
    // A drill's live injects join the timeline as they did in the drill, so it replays exactly.
    let spec = run.played_spec(&spec).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    // A replay is a real re-run: its speed is measured like the original's, not shown as 0.
    let started = std::time::Instant::now();
    let mut sim = play(spec.sim.clone(), run.seed, &run.commands, run.until);
    // A drill the facilitator ended stops where it stopped, and ends as it ended.
    if run.drill.as_ref().is_some_and(|d| d.ended.is_some()) && sim.ended().is_none() {
        sim.end_drill();
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok((run, spec, sim, ms))
}

pub fn replay(path: &Path, json: bool) -> Result<(), Failure> {
    let (_, spec, sim, wall_ms) = rerun(path)?;
    if json {
        print_json(&crate::report::run_json(&spec, &sim, wall_ms)?)?;
    } else {
        print_out(crate::report::run_text(&spec, &sim, wall_ms).trim_end())?;
    }
    super::headless::stopped(&sim)
}

pub fn report(path: &Path, format: super::ReportFormat) -> Result<(), Failure> {
    let (run, spec, sim, _) = rerun(path)?;
    let mut d = debrief(&spec, &Evidence::from_sim(&sim));
    if let Some(drill) = &run.drill {
        // Everyone who was in the room, those who only watched too.
        d.seats = crate::score::seats::with_every_seat(std::mem::take(&mut d.seats), &drill.seats);
    }
    match format {
        super::ReportFormat::Json => print_json(&serde_json::to_string_pretty(&d).expect("debriefs serialize")),
        super::ReportFormat::Md => print_out(crate::report::markdown_export(&d).trim_end()),
        super::ReportFormat::Html => print_out(crate::report::html_export(&d).trim_end()),
    }
}
