//! Campaign progress and best scores. Unknown fields are refused (a typo is damage, handled
//! like any other: see `versioned.rs`), except in a file from a newer firedrill.

use serde::{Deserialize, Serialize};

pub const PROFILE_VERSION: u32 = 1;

/// The best result for one scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Best {
    pub scenario: String,
    pub score: u32,
    pub grade: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    pub version: u32,
    /// Scenario ids finished at least once, in the order first finished.
    pub completed: Vec<String>,
    pub best: Vec<Best>,
    pub runs_played: u32,
}

impl Default for Profile {
    fn default() -> Self {
        Profile { version: PROFILE_VERSION, completed: Vec::new(), best: Vec::new(), runs_played: 0 }
    }
}

impl Profile {
    /// Loads the profile at the game's start; first sweeps what killed saves left in the data
    /// directories.
    pub fn load(dirs: &super::Dirs) -> super::Loaded<Profile> {
        dirs.sweep_data_temps();
        let mut l: super::Loaded<Profile> = super::load_versioned(&dirs.profile_file(), PROFILE_VERSION);
        l.value.version = PROFILE_VERSION;
        l
    }

    pub fn save(&self, dirs: &super::Dirs) -> std::io::Result<()> {
        super::save_versioned(&dirs.profile_file(), self)
    }

    pub fn is_completed(&self, id: &str) -> bool {
        self.completed.iter().any(|c| c == id)
    }

    /// Records a finished run; returns true if it is a new best.
    pub fn record(&mut self, id: &str, score: u32, grade: &str) -> bool {
        self.runs_played += 1;
        if !self.is_completed(id) {
            self.completed.push(id.to_string());
        }
        match self.best.iter_mut().find(|b| b.scenario == id) {
            Some(b) if b.score >= score => false,
            Some(b) => {
                b.score = score;
                b.grade = grade.to_string();
                true
            }
            None => {
                self.best.push(Best { scenario: id.to_string(), score, grade: grade.to_string() });
                true
            }
        }
    }

    /// Records a finished tutorial: done (the campaign moves on), with no score kept, so
    /// practice never weighs on the campaign's standing. True the first time.
    pub fn mark_done(&mut self, id: &str) -> bool {
        self.runs_played += 1;
        let first = !self.is_completed(id);
        if first {
            self.completed.push(id.to_string());
        }
        first
    }

    pub fn best_for(&self, id: &str) -> Option<&Best> {
        self.best.iter().find(|b| b.scenario == id)
    }
}
