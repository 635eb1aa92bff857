// TEMP stub until the drill-core branch lands.
use crate::sim::{By, SimTime};
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DrillRecord {
    pub seats: Vec<By>,
    pub notes: Vec<(SimTime, String)>,
    pub ended: Option<SimTime>,
}
impl super::SavedRun {
    pub fn with_drill(self, _d: DrillRecord) -> Self {
        self
    }
    pub fn with_live_entries(self, _l: Vec<(String, String)>) -> Self {
        self
    }
}
