//! Alert rules (Prometheus-style: pending while the condition holds, firing after `for`,
//! resolved when it stops holding) evaluated on what monitoring can see — blind components
//! report nothing and lagging monitoring evaluates old windows — and the conditions used by
//! timeline triggers and objectives, which see the truth. Objectives are checked at every
//! window close; when they all hold the service is stable (`lifecycle`).

use crate::sim::engine::Sim;
use crate::sim::kernel::time::SimTime;
use crate::sim::kernel::time::{Dur, SEC};
use crate::sim::model::rules::AlertSeverity;
use crate::sim::model::rules::{AlertExpr, Condition};
use crate::sim::model::spec::SimSpec;
use crate::sim::observe::events::EventKind;
use crate::sim::observe::metric::{Component, aggregate};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AlertPhase {
    Inactive,
    Pending(SimTime),
    Firing(SimTime),
}

#[derive(Clone, Debug)]
pub(crate) struct AlertState {
    pub phase: AlertPhase,
    pub acked: bool,
}

/// A red-herring alert from the timeline: it fires, then resolves after its duration.
#[derive(Clone, Debug)]
pub(crate) struct FakeAlert {
    pub name: String,
    pub severity: AlertSeverity,
    pub summary: String,
    pub phase: AlertPhase,
}

/// The state of the scenario's rules: each alert rule's phase, the red herrings fired so far,
/// and the objectives (when they were met, whether they hold at the latest window close).
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    pub alerts: Vec<AlertState>,
    pub fake: Vec<FakeAlert>,
    pub objectives_met: Vec<Option<SimTime>>,
    pub objectives_now: Vec<bool>,
}

impl Rules {
    pub fn new(spec: &SimSpec) -> Self {
        Rules {
            alerts: vec![AlertState { phase: AlertPhase::Inactive, acked: false }; spec.alerts.len()],
            fake: Vec::new(),
            objectives_met: vec![None; spec.objectives.len()],
            objectives_now: vec![false; spec.objectives.len()],
        }
    }
}

impl Sim {
    /// The index of the newest window monitoring can see, given its lag.
    pub(crate) fn observed_window(&self) -> Option<usize> {
        let lag = self.rec.windows.last().map_or(0, |w| w.lag_s as usize);
        self.rec.windows.len().checked_sub(1 + lag)
    }

    /// `Some(holds)`, or `None` when monitoring has no data (blind, or nothing to measure):
    /// then the alert keeps its state, as Prometheus does for an absent series.
    fn alert_condition(&self, expr: &AlertExpr) -> Option<bool> {
        let wi = self.observed_window()?;
        match expr {
            AlertExpr::Threshold { metric, op, value, over, .. } => {
                let n = ((over.0 / SEC) as usize).clamp(1, wi + 1);
                let range = &self.rec.windows[wi + 1 - n..=wi];
                if !range.iter().all(|w| w.observed(metric.component)) {
                    return None;
                }
                aggregate(range, *metric).map(|v| op.holds(v, *value))
            }
            AlertExpr::BurnRate { long, short, factor } => {
                if !self.rec.windows[wi].observed(Component::Edge) {
                    return None;
                }
                Some(self.burn_rate_upto(wi + 1, *long) >= *factor && self.burn_rate_upto(wi + 1, *short) >= *factor)
            }
        }
    }

    pub(crate) fn evaluate_alerts(&mut self) {
        let now = self.now;
        for i in 0..self.spec.alerts.len() {
            let rule = &self.spec.alerts[i];
            let Some(holds) = self.alert_condition(&rule.expr) else { continue };
            let wait = match rule.expr {
                AlertExpr::Threshold { for_, .. } => for_,
                AlertExpr::BurnRate { .. } => Dur::ZERO,
            };
            let (name, severity, summary) = (rule.name.clone(), rule.severity, rule.summary.clone());
            let phase = self.rules.alerts[i].phase;
            let next = match (phase, holds) {
                (AlertPhase::Inactive, true) if wait.0 == 0 => AlertPhase::Firing(now),
                (AlertPhase::Inactive, true) => AlertPhase::Pending(now),
                (AlertPhase::Pending(since), true) if now.since(since) >= wait => AlertPhase::Firing(now),
                (p, true) => p,
                (_, false) => AlertPhase::Inactive,
            };
            if next == phase {
                continue;
            }
            self.rules.alerts[i].phase = next;
            match (phase, next) {
                (_, AlertPhase::Pending(_)) => self.emit(false, EventKind::AlertPending { alert: name }),
                (_, AlertPhase::Firing(_)) => {
                    self.rules.alerts[i].acked = false;
                    self.emit(false, EventKind::AlertFiring { alert: name, severity, summary });
                }
                (AlertPhase::Firing(_), AlertPhase::Inactive) => {
                    self.emit(false, EventKind::AlertResolved { alert: name });
                }
                _ => {}
            }
        }
    }

    /// Whether a condition holds now (on true metrics).
    pub(crate) fn holds(&self, c: &Condition) -> bool {
        match c {
            Condition::Metric { metric, op, value, for_ } => {
                let n = ((for_.0 / SEC) as usize).max(1);
                self.rec.windows.len() >= n
                    && self.rec.windows[self.rec.windows.len() - n..]
                        .iter()
                        .all(|w| w.value(*metric).is_some_and(|v| op.holds(v, *value)))
            }
            Condition::Recovered { metric, op, value, for_ } => {
                let n = ((for_.0 / SEC) as usize).max(1);
                let len = self.rec.windows.len();
                let good =
                    |w: &crate::sim::observe::metric::Window| w.value(*metric).is_some_and(|v| op.holds(v, *value));
                len > n
                    && self.rec.windows[len - n..].iter().all(good)
                    && self.rec.windows[..len - n].iter().any(|w| !good(w))
            }
            Condition::After(t) => self.now >= *t,
            Condition::Command(kind) => {
                self.desk.commands.iter().any(|r| r.rejected.is_none() && r.command.kind() == *kind)
            }
            Condition::NoCommandBy { kind, by } => {
                self.now >= *by
                    && !self
                        .desk
                        .commands
                        .iter()
                        .any(|r| r.rejected.is_none() && r.command.kind() == *kind && r.at < *by)
            }
            Condition::Declared => self.desk.incident.declared.is_some(),
            Condition::StatusPosted => !self.desk.incident.updates.is_empty(),
            Condition::Started(i) => self.timeline.entries[*i].fired.is_some(),
            Condition::FaultActive(i) => self.timeline.entries[*i].active,
            Condition::FlagOn(f) => self.flags[*f],
            Condition::VersionEverywhere { service, version } => {
                let live = self.live_versions(*service);
                !live.is_empty() && live.iter().all(|(v, _)| v == version)
            }
            Condition::VersionGone { service, version } => {
                !self.live_versions(*service).iter().any(|(v, _)| v == version)
            }
            Condition::Blocked(client) => {
                let i = self.edge.abusers.iter().position(|a| &a.0 == client);
                i.is_some_and(|i| self.edge.blocked.contains(&(i as u16 + 1)))
            }
            Condition::FaultCleared(i) => self.timeline.entries[*i].cleared.is_some(),
            Condition::Averted(i) => self.timeline.entries[*i].averted.is_some(),
            Condition::All(cs) => cs.iter().all(|c| self.holds(c)),
            Condition::Any(cs) => cs.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
        }
    }

    /// Objectives are met when every one holds at the same window close (they are not
    /// latched: "errors under 1% for 2 minutes" can hold before trouble starts). Meeting them
    /// makes the service stable; it does not end the run (`lifecycle`).
    pub(crate) fn check_objectives(&mut self) {
        if self.spec.objectives.is_empty() {
            return;
        }
        let now: Vec<bool> = self.spec.objectives.iter().map(|o| self.holds(&o.condition)).collect();
        let all = now.iter().all(|x| *x);
        let was = self.rules.objectives_now.iter().all(|x| *x);
        self.rules.objectives_now = now;
        if all && !was {
            for i in 0..self.spec.objectives.len() {
                self.rules.objectives_met[i] = Some(self.now);
                let objective = self.spec.objectives[i].name.clone();
                self.emit(false, EventKind::ObjectiveMet { objective });
            }
        }
    }
}
