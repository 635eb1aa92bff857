//! The tutorial as written: `tutorial: [(say: "…", wait: Tab(Changes)), …]`.

use super::RawCondition;
use crate::scenario::tutorial::{Open, Press, Tab};
use crate::sim::CommandKind;
use serde::Deserialize;

/// One prompt (a `Step` once validated).
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawPrompt {
    pub say: String,
    #[serde(default)]
    pub wait: RawWait,
    /// Default: true for `Continue`, `Press`, `Tab`, `Open` and `Filter`; false otherwise.
    #[serde(default)]
    pub hold: Option<bool>,
    #[serde(default)]
    pub learn: String,
}

#[derive(Deserialize, Debug, Default)]
pub enum RawWait {
    #[default]
    Continue,
    Press(Press),
    Tab(Tab),
    Open(Open),
    Filter,
    Command(CommandKind),
    Until(RawCondition),
}
