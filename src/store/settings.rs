//! Player settings: theme, ASCII-only drawing, default speed, the bell on a page. Unknown fields are refused (a
//! typo is damage, handled like any other: see `versioned.rs`), except in a file from a newer
//! firedrill.

use serde::{Deserialize, Serialize};

pub const SETTINGS_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ThemeName {
    #[default]
    Default,
    HighContrast,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub version: u32,
    pub theme: ThemeName,
    /// Draw with ASCII only: no box drawing, braille or block characters.
    pub ascii: bool,
    /// Starting speed (1, 2, 4 or 8).
    pub speed: u32,
    /// Ring the terminal bell when a paging alert starts firing (off unless asked for; a file
    /// without it reads as off).
    pub bell: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { version: SETTINGS_VERSION, theme: ThemeName::Default, ascii: false, speed: 1, bell: false }
    }
}

impl Settings {
    /// Loads the settings at the game's start; first sweeps what killed saves left in the
    /// config directory.
    pub fn load(dirs: &super::Dirs) -> super::Loaded<Settings> {
        dirs.sweep_config_temps();
        let mut l: super::Loaded<Settings> = super::load_versioned(&dirs.settings_file(), SETTINGS_VERSION);
        l.value.version = SETTINGS_VERSION;
        if ![1, 2, 4, 8].contains(&l.value.speed) {
            l.value.speed = 1;
        }
        l
    }

    pub fn save(&self, dirs: &super::Dirs) -> std::io::Result<()> {
        super::save_versioned(&dirs.settings_file(), self)
    }
}
