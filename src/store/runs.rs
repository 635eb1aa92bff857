//! Saved runs: everything needed to replay a run exactly — which scenario (built-in id or
//! file, with a hash of its content), the seed, the timed commands, the program version — and
//! nothing derived, so a replay recomputes the score and debrief rather than trusting a copy.

use crate::sim::{SimTime, TimedCommand};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const RUN_VERSION: u32 = 1;

/// Where the scenario came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScenarioRef {
    Builtin(String),
    File(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    pub version: u32,
    /// The firedrill version that played the run.
    pub program: String,
    pub scenario: ScenarioRef,
    pub scenario_id: String,
    /// FNV-1a of the scenario text, hex.
    pub scenario_hash: String,
    pub seed: u64,
    /// Where a headless run stopped early (`--until`).
    #[serde(default)]
    pub until: Option<SimTime>,
    pub commands: Vec<TimedCommand>,
}

impl SavedRun {
    pub fn new(
        scenario: ScenarioRef,
        spec: &crate::scenario::Spec,
        seed: u64,
        until: Option<SimTime>,
        commands: Vec<TimedCommand>,
    ) -> Self {
        SavedRun {
            version: RUN_VERSION,
            program: env!("CARGO_PKG_VERSION").to_string(),
            scenario,
            scenario_id: spec.id.clone(),
            scenario_hash: format!("{:016x}", spec.content_hash),
            seed,
            until,
            commands,
        }
    }

    /// Writes the run atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        super::save_versioned(path, self)
    }

    /// Reads a saved run; a damaged file or one from a newer firedrill is an error that says so.
    pub fn load(path: &Path, text: &str) -> Result<SavedRun, String> {
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let opts = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let shown = path.display();
        if let Ok(v) =
            opts.from_str::<ron::Value>(text).map_err(|_| ()).and_then(|v| v.into_rust::<Version>().map_err(|_| ()))
            && v.version > RUN_VERSION
        {
            return Err(format!(
                "{shown} was saved by a newer firedrill (run format {}; this one reads {RUN_VERSION})",
                v.version
            ));
        }
        opts.from_str(text)
            .map_err(|e| format!("{shown}:{}:{}: not a saved run: {}", e.span.start.line, e.span.start.col, e.code))
    }

    /// A fresh file name in the runs directory: time, scenario and seed.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut p = dir.join(format!("{secs}-{}-seed{}.ron", self.scenario_id, self.seed));
        let mut n = 1;
        while p.exists() {
            p = dir.join(format!("{secs}-{}-seed{}-{n}.ron", self.scenario_id, self.seed));
            n += 1;
        }
        p
    }
}
