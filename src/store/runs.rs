//! Saved runs: everything needed to replay a run exactly — which scenario (built-in id or
//! file, with a hash of its content), the seed, the timed commands, the program version — and
//! nothing derived, so a replay recomputes the score and debrief rather than trusting a copy.
//!
//! A saved run is read like every other data file (`read.rs`: a regular file, at most
//! [`MAX_RUN_BYTES`]), parsed strictly (unknown fields are errors, with their position and the
//! fields allowed), and holds at most `scenario::MAX_COMMANDS` commands. The per-second limit
//! of commands files does not apply: a paused player can submit many commands at one instant.

use super::read::{ReadError, read_text_file};
use super::versioned::{declared_version, one_line, positioned, ron_options};
use crate::scenario::ScenarioError;
use crate::scenario::locate::Seg;
use crate::sim::{SimTime, TimedCommand};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// 2: drills — `live_entries` and `drill`, and seats (`by`) on commands. Version 1 files
/// read as they are (the new fields are absent).
pub const RUN_VERSION: u32 = 2;

/// The largest saved run read: a commands file may be 1 MiB, and its run, saved pretty-printed
/// (each command on indented lines), takes up to about twice that.
pub const MAX_RUN_BYTES: usize = 4 << 20;

/// Why a saved run cannot be replayed; each is one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum RunFileError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{} was saved by a newer firedrill (run format {found}; this one reads {RUN_VERSION})", path.display())]
    Newer { path: PathBuf, found: u32 },
    #[error("{}", one_line(.0, "not a saved run: "))]
    Invalid(ScenarioError),
}

/// Where the scenario came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ScenarioRef {
    Builtin(String),
    File(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// The challenge knob it was played at (`scenario::challenge`); absent means Standard.
    #[serde(default, skip_serializing_if = "crate::scenario::challenge::Challenge::is_standard")]
    pub challenge: crate::scenario::challenge::Challenge,
    /// A drill's live injects, `(label, entry text)`: applied to the spec (after the
    /// challenge) before a replay runs (`Spec::with_live_entries`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live_entries: Vec<(String, String)>,
    /// A drill's seats and the facilitator's notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<super::DrillRecord>,
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
            challenge: crate::scenario::challenge::Challenge::Standard,
            live_entries: Vec::new(),
            drill: None,
        }
    }

    /// The drill's live injects, `(label, entry text)`, in the order they were added.
    #[must_use]
    pub fn with_live_entries(mut self, entries: Vec<(String, String)>) -> Self {
        self.live_entries = entries;
        self
    }

    /// The drill's seats and notes.
    #[must_use]
    pub fn with_drill(mut self, drill: super::DrillRecord) -> Self {
        self.drill = Some(drill);
        self
    }

    /// The scenario this run was played on, as it was played: the challenge applied, then the
    /// live injects.
    pub fn played_spec(
        &self,
        spec: &crate::scenario::Spec,
    ) -> Result<crate::scenario::Spec, crate::scenario::LiveEntryError> {
        crate::scenario::challenge::apply(spec, self.challenge, self.seed).with_live_entries(&self.live_entries)
    }

    /// The run was played at `challenge`.
    #[must_use]
    pub fn with_challenge(mut self, challenge: crate::scenario::challenge::Challenge) -> Self {
        self.challenge = challenge;
        self
    }

    /// Writes the run atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        super::save_versioned(path, self)
    }

    /// Reads and parses the saved run at `path` (a FIFO or a device is refused at once).
    pub fn read(path: &Path) -> Result<SavedRun, RunFileError> {
        let text = read_text_file(path, "saved run", MAX_RUN_BYTES)?;
        SavedRun::parse(path, &text)
    }

    /// Parses a saved run read from `path`; a damaged file or one from a newer firedrill is an
    /// error that says so.
    pub fn load(path: &Path, text: &str) -> Result<SavedRun, String> {
        SavedRun::parse(path, text).map_err(|e| e.to_string())
    }

    fn parse(path: &Path, text: &str) -> Result<SavedRun, RunFileError> {
        if let Some(found) = declared_version(text)
            && found > RUN_VERSION
        {
            return Err(RunFileError::Newer { path: path.to_path_buf(), found });
        }
        let mut run: SavedRun =
            ron_options().from_str(text).map_err(|e| RunFileError::Invalid(positioned(path, &e)))?;
        let file = path.display().to_string();
        crate::scenario::check_command_limits(&file, text, &run.commands, &[Seg::Field("commands".into())], false)
            .map_err(RunFileError::Invalid)?;
        // A hand-edited run may hold anything: its names and texts are echoed in errors,
        // events and reports, so each becomes one clean line.
        crate::scenario::clean_commands(&mut run.commands);
        if run.live_entries.len() > crate::scenario::MAX_ITEMS {
            let (line, col) =
                crate::scenario::locate::locate(text, &[Seg::Field("live_entries".into())]).unwrap_or((1, 1));
            return Err(RunFileError::Invalid(ScenarioError {
                file,
                line,
                col,
                message: format!(
                    "{} live injects; at most {} are kept",
                    run.live_entries.len(),
                    crate::scenario::MAX_ITEMS
                ),
                hint: "remove some".into(),
            }));
        }
        for (label, _) in &mut run.live_entries {
            *label = crate::text::clean_line(label).into_owned();
        }
        if let Some(d) = &mut run.drill {
            d.clean();
        }
        for s in [&mut run.scenario_id, &mut run.scenario_hash, &mut run.program] {
            *s = crate::text::clean_line(s).into_owned();
        }
        Ok(run)
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
