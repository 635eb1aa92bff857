//! Where files live: the `directories` crate's per-OS locations (XDG on Linux), overridable
//! with `FIREDRILL_DATA` and `FIREDRILL_CONFIG`.

use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dirs {
    pub data: PathBuf,
    pub config: PathBuf,
}

impl Dirs {
    /// The directories to use, or why there are none (no home directory and no override).
    pub fn locate() -> Result<Dirs, String> {
        let project = directories::ProjectDirs::from("dev", "firedrill", "firedrill");
        let data = std::env::var_os("FIREDRILL_DATA")
            .map(PathBuf::from)
            .or_else(|| project.as_ref().map(|p| p.data_dir().to_path_buf()));
        let config = std::env::var_os("FIREDRILL_CONFIG")
            .map(PathBuf::from)
            .or_else(|| project.as_ref().map(|p| p.config_dir().to_path_buf()));
        match (data, config) {
            (Some(data), Some(config)) => Ok(Dirs { data, config }),
            _ => Err("cannot find a home directory; set FIREDRILL_DATA and FIREDRILL_CONFIG".to_string()),
        }
    }

    pub fn log_file(&self) -> PathBuf {
        self.data.join("firedrill.log")
    }
    pub fn profile_file(&self) -> PathBuf {
        self.data.join("profile.ron")
    }
    pub fn runs_dir(&self) -> PathBuf {
        self.data.join("runs")
    }
    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.ron")
    }
    pub fn keymap_file(&self) -> PathBuf {
        self.config.join("keymap.ron")
    }
    /// Where the game writes exported debriefs.
    pub fn debriefs_dir(&self) -> PathBuf {
        self.data.join("debriefs")
    }

    /// Removes the temp files that killed saves left in firedrill's data directories (data,
    /// runs, debriefs); see `temps.rs` for which files and when. Returns what was removed.
    pub fn sweep_data_temps(&self) -> Vec<PathBuf> {
        [self.data.clone(), self.runs_dir(), self.debriefs_dir()]
            .iter()
            .flat_map(|d| super::temps::sweep_stale_temps(d, None))
            .collect()
    }

    /// The same for the config directory (settings, keymap).
    pub fn sweep_config_temps(&self) -> Vec<PathBuf> {
        super::temps::sweep_stale_temps(&self.config, None)
    }
}
