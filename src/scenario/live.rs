// TEMP stub until the drill-core branch lands.
use crate::scenario::Spec;
use crate::sim::model::rules::TimelineEntry;
pub fn live_entry(_spec: &Spec, _text: &str, _label: &str) -> Result<TimelineEntry, String> {
    Err("live injects are not built yet".into())
}
