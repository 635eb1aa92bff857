//! How model values read in words, for the debrief, reports and the game: a backoff's name, a
//! component's name as people write it.

use super::spec::{Backoff, SimSpec};
use crate::sim::observe::metric::Component;

impl Backoff {
    /// In words: "no backoff", "exponential backoff without jitter", "full jitter", ….
    pub fn word(self) -> &'static str {
        match self {
            Backoff::None => "no backoff",
            Backoff::Exponential => "exponential without jitter",
            Backoff::Full => "exponential with full jitter",
            Backoff::Equal => "exponential with equal jitter",
            Backoff::Decorrelated => "decorrelated jitter",
        }
    }
}

impl SimSpec {
    /// A component's name as people write it: `edge`, `api`, `db`, `catalog`, `api→payments`.
    pub fn component_name(&self, c: Component) -> String {
        use Component as C;
        match c {
            C::Edge => "edge".into(),
            C::Service(s) => self.services[s].name.clone(),
            C::Dep { service, dep } => {
                format!("{}→{}", self.services[service].name, self.target_name(self.services[service].deps[dep].target))
            }
            C::Database => "db".into(),
            C::Cache(i) => self.caches[i].name.clone(),
            C::ThirdParty(i) => self.third_parties[i].name.clone(),
            C::Queue(q) => self.queues[q].name.clone(),
        }
    }
}
