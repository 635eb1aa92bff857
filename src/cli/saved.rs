//! `replay` and `report`: re-run a saved run and print its summary or debrief. The scenario
//! must be the one the run was played on (same content hash); otherwise we say so rather than
//! show a different run.

use super::{Failure, print_out};
use crate::scenario::{self, Spec};
use crate::score::{Evidence, debrief};
use crate::sim::{Sim, play};
use crate::store::{SavedRun, ScenarioRef};
use std::path::Path;

/// Loads a saved run and re-runs it on its scenario.
pub fn rerun(path: &Path) -> Result<(Spec, Sim), Failure> {
    let text = super::load::read_text(path, "saved run")?;
    let run = SavedRun::load(path, &text).map_err(Failure::new)?;
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
        ScenarioRef::File(f) => (f.clone(), super::load::read_text(Path::new(f), "scenario")?),
    };
    let now = format!("{:016x}", scenario::content_hash(source.as_bytes()));
    if now != run.scenario_hash {
        return Err(Failure::new(format!(
            "the scenario `{}` has changed since this run was saved (content {} then, {now} now): a replay would not be the same run",
            run.scenario_id, run.scenario_hash
        )));
    }
    let spec = scenario::parse(&name, &source)
        .map_err(|e| Failure { cause: format!("{name} is not a valid scenario"), detail: e.to_string() })?;
    let sim = play(spec.sim.clone(), run.seed, &run.commands, run.until);
    Ok((spec, sim))
}

pub fn replay(path: &Path, json: bool) -> Result<(), Failure> {
    let (spec, sim) = rerun(path)?;
    let out = if json { crate::report::run_json(&spec, &sim, 0.0) } else { crate::report::run_text(&spec, &sim, 0.0) };
    print_out(out.trim_end())
}

pub fn report(path: &Path, json: bool) -> Result<(), Failure> {
    let (spec, sim) = rerun(path)?;
    let d = debrief(&spec, &Evidence::from_sim(&sim));
    let out =
        if json { serde_json::to_string_pretty(&d).expect("debriefs serialize") } else { crate::report::markdown(&d) };
    print_out(out.trim_end())
}
