// TEMP stub until the drill-core branch lands.
use crate::sim::{By, SimTime};
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DrillRecord {
    pub seats: Vec<By>,
    pub notes: Vec<(SimTime, String)>,
    pub ended: Option<SimTime>,
}
