//! The responders' tools that depend on the system they are used to fix (Amazon S3, February
//! 2017: the status page's admin console stored its data in S3). A tool is down while the
//! component it depends on is: by the scenario's `when`, or when at least half of the
//! component's requests failed in the last window (or, a service, none of its instances is
//! in rotation). Checked at every window close; going down and coming back are events the
//! player sees. While a tool is down:
//!
//! * the status page refuses or delays status updates to customers;
//! * the deploy pipeline refuses or delays `Deploy` and `Rollback`;
//! * the access path for commands refuses or delays every command that changes the system;
//! * monitoring goes blind or lags (from the next window).

use super::resolve::Rejection;
use crate::sim::engine::Sim;
use crate::sim::kernel::time::Dur;
use crate::sim::model::command::{Audience, Command, CommandKind};
use crate::sim::model::spec::{Tool, ToolEffect};
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;
use crate::sim::observe::metric::{Component, Metric, MetricRef, Window};

/// Where the monitoring faults a tool adds sit in the timeline's lists: past any entry.
const TOOL_ENTRY: usize = usize::MAX - 16;

/// Which tools are down now (one flag per `SimSpec::tooling` entry).
#[derive(Clone, Debug, Default)]
pub(crate) struct Tooling {
    pub down: Vec<bool>,
}

/// The default test: half of the component's requests failed, or nothing serves it.
fn failing(w: &Window, c: Component) -> bool {
    let error_rate = w.value(MetricRef { component: c, metric: Metric::ErrorRate }).unwrap_or(0.0);
    let unserved = match c {
        Component::Service(s) => w.services.get(s).is_some_and(|x| x.instances.in_rotation == 0),
        Component::Database => w.db.as_ref().is_some_and(|d| !d.up),
        Component::ThirdParty(t) => w.third_parties.get(t).is_some_and(|x| x.status != "up"),
        _ => false,
    };
    error_rate >= 0.5 || unserved
}

impl Sim {
    /// At every window close: which tools are down, with an event when one goes down or
    /// comes back, and the monitoring each puts out of order.
    pub(crate) fn check_tooling(&mut self) {
        if self.spec.tooling.is_empty() {
            return;
        }
        let spec = self.spec.clone();
        self.tooling.down.resize(spec.tooling.len(), false);
        for (k, t) in spec.tooling.iter().enumerate() {
            let down = match &t.down_when {
                Some(c) => self.holds(c),
                None => self.rec.windows.last().is_some_and(|w| failing(w, t.depends_on)),
            };
            if down == std::mem::replace(&mut self.tooling.down[k], down) {
                continue;
            }
            let entry = TOOL_ENTRY + k;
            match t.effect {
                ToolEffect::Blind if down => self.timeline.blind.push((entry, None)),
                ToolEffect::Lag(lag) if down => self.timeline.lag.push((entry, lag)),
                ToolEffect::Blind => self.timeline.blind.retain(|b| b.0 != entry),
                ToolEffect::Lag(_) => self.timeline.lag.retain(|b| b.0 != entry),
                ToolEffect::Rejected | ToolEffect::Delayed(_) => {}
            }
            let component = self.component_name(t.depends_on);
            let name = crate::sim::observe::events::tool_name(t.tool);
            let (level, text) = if down {
                (Level::Error, format!("{name} is failing: it depends on {component}, which is down"))
            } else {
                (Level::Info, format!("{name} works again"))
            };
            self.rec.logs.push(self.now, level, "tools", "tools", None, text);
            let kind = if down {
                EventKind::ToolingDown { tool: t.tool, component }
            } else {
                EventKind::ToolingUp { tool: t.tool }
            };
            self.emit(false, kind);
        }
    }

    /// How much longer `command` takes because a tool it goes through is down, or why it
    /// cannot be given at all.
    pub(crate) fn tool_delay(&self, command: &Command) -> Result<Dur, Rejection> {
        let mut extra = Dur::ZERO;
        for (k, t) in self.spec.tooling.iter().enumerate() {
            if !self.tooling.down.get(k).copied().unwrap_or(false) || !goes_through(t.tool, command) {
                continue;
            }
            match t.effect {
                ToolEffect::Rejected => {
                    return Err(Rejection::ToolDown { tool: t.tool, component: self.component_name(t.depends_on) });
                }
                ToolEffect::Delayed(d) => extra = extra + d,
                ToolEffect::Blind | ToolEffect::Lag(_) => {}
            }
        }
        Ok(extra)
    }

    fn component_name(&self, c: Component) -> String {
        match c {
            Component::Edge => "edge".into(),
            Component::Database => "db".into(),
            Component::Service(s) => self.spec.services[s].name.clone(),
            Component::Cache(i) => self.spec.caches[i].name.clone(),
            Component::ThirdParty(t) => self.spec.third_parties[t].name.clone(),
            Component::Queue(q) => self.spec.queues[q].name.clone(),
            Component::Dep { service, dep } => {
                format!(
                    "{}->{}",
                    self.spec.services[service].name,
                    self.spec.target_name(self.spec.services[service].deps[dep].target)
                )
            }
        }
    }
}

/// Whether a command is given through this tool.
fn goes_through(tool: Tool, c: &Command) -> bool {
    use CommandKind as K;
    match tool {
        Tool::StatusPage => matches!(c, Command::StatusUpdate { audience: Audience::Customers, .. }),
        Tool::Deploys => matches!(c.kind(), K::Deploy | K::Rollback),
        // Running the incident (paging, chat, the incident tool) does not go through it.
        Tool::Commands => !matches!(c.kind(), K::Ack | K::Declare | K::StatusUpdate | K::Resolve | K::Page | K::Hint),
        Tool::Monitoring => false,
    }
}
