//! One game in progress: the scenario, the engine, the pacer that turns wall time into sim
//! time, chart buffers, the incident screen's view state and the commands the player sent
//! (recorded with their sim time, so the run can be saved and replayed exactly).

use super::series::Series;
use crate::scenario::Spec;
use crate::sim::Component;
use crate::sim::observe::logs::Level;
use crate::sim::{Command, Dur, Rejection, Sim, SimTime, TimedCommand};
use std::sync::Arc;
use std::time::Duration;

pub const SPEEDS: [u32; 4] = [1, 2, 4, 8];
/// A slow frame never advances the sim by more than this much wall time's worth.
const MAX_CATCH_UP: Duration = Duration::from_millis(250);

/// Turns wall time into sim time: 1× is one sim second per wall second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacer {
    pub speed: u32,
    pub paused: bool,
}

impl Pacer {
    /// How far the sim moves for `wall` elapsed (capped, so a stall cannot spiral).
    pub fn step(&self, wall: Duration) -> Dur {
        if self.paused {
            return Dur::ZERO;
        }
        Dur(u64::try_from(wall.min(MAX_CATCH_UP).as_micros()).unwrap_or(0) * u64::from(self.speed))
    }
    pub fn faster(&mut self) {
        let i = SPEEDS.iter().position(|s| *s == self.speed).unwrap_or(0);
        self.speed = SPEEDS[(i + 1).min(SPEEDS.len() - 1)];
    }
    pub fn slower(&mut self) {
        let i = SPEEDS.iter().position(|s| *s == self.speed).unwrap_or(0);
        self.speed = SPEEDS[i.saturating_sub(1)];
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Map,
    Signals,
    Panel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Alerts,
    Logs,
    Changes,
    Trace,
    Comms,
    /// The selected service's instances (the drill-down).
    Instances,
}

impl Panel {
    pub const ALL: [Panel; 6] =
        [Panel::Alerts, Panel::Logs, Panel::Changes, Panel::Trace, Panel::Comms, Panel::Instances];
    pub fn title(self) -> &'static str {
        match self {
            Panel::Alerts => "Alerts",
            Panel::Logs => "Logs",
            Panel::Changes => "Changes",
            Panel::Trace => "Trace",
            Panel::Comms => "Comms",
            Panel::Instances => "Instances",
        }
    }
}

/// The incident screen's view state. Looking never costs sim time.
#[derive(Clone, Debug)]
pub struct View {
    pub focus: Focus,
    pub selected: usize,
    pub panel: Panel,
    /// Lines scrolled back from the newest, per panel.
    pub scroll: [usize; Panel::ALL.len()],
    pub follow: bool,
    pub filter: String,
    pub min_level: Option<Level>,
    pub only_selected: bool,
    pub cursor: usize,
    /// The instances drill-down: the chosen instance and the sort.
    pub instances: super::instances::Pick,
    /// Suppressed-line summaries show their sample beneath them.
    pub expand_suppressed: bool,
}

/// Feedback on the last command, shown under the header.
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub at: SimTime,
}

pub struct Game {
    pub spec: Arc<Spec>,
    pub sim: Sim,
    pub pacer: Pacer,
    pub series: Series,
    pub view: View,
    pub recorded: Vec<TimedCommand>,
    pub flash: Option<Flash>,
    /// Computed once the run is over.
    pub debrief: Option<crate::score::Debrief>,
    /// Lines scrolled on the debrief screen.
    pub debrief_scroll: usize,
    /// Where the scenario came from, for the saved run.
    pub source: crate::store::ScenarioRef,
    /// Replies and messages the player has not dismissed yet, and new pages for the bell.
    pub toasts: super::toasts::Toasts,
    /// The date (`YYYY-MM-DD`) whose daily challenge this is; changing the seed makes it a
    /// normal run again (a reseed builds a new game).
    pub daily: Option<String>,
    /// The challenge knob this run is played at, and the scenario as written (`spec` is it
    /// with the knob applied), so the briefing can turn the knob or change the seed.
    pub challenge: crate::scenario::challenge::Challenge,
    pub base: Arc<Spec>,
    /// The interactive tutorial's progress, when the scenario is one.
    pub tutor: Option<super::tutor::Tutor>,
    /// A drill seat's copy: only the host's clock moves it (`drill::follow`), never the pacer.
    pub follower: bool,
}

/// The service map's rows, in display order: edge, each service with its dependencies, then
/// the database, caches and third parties.
pub fn map_rows(spec: &Spec) -> Vec<Component> {
    let sim = &spec.sim;
    let mut rows = vec![Component::Edge];
    let mut order: Vec<usize> = vec![sim.entry];
    order.extend((0..sim.services.len()).filter(|&s| s != sim.entry));
    for s in order {
        rows.push(Component::Service(s));
        rows.extend((0..sim.services[s].deps.len()).map(|d| Component::Dep { service: s, dep: d }));
    }
    if sim.database.is_some() {
        rows.push(Component::Database);
    }
    rows.extend((0..sim.caches.len()).map(Component::Cache));
    rows.extend((0..sim.third_parties.len()).map(Component::ThirdParty));
    rows.extend((0..sim.queues.len()).map(Component::Queue));
    rows
}

impl Game {
    /// A game of `base` played at `challenge` (`scenario::challenge::apply`).
    pub fn at_challenge(
        base: Arc<Spec>,
        challenge: crate::scenario::challenge::Challenge,
        seed: u64,
        speed: u32,
        source: crate::store::ScenarioRef,
    ) -> Game {
        let spec = Arc::new(crate::scenario::challenge::apply(&base, challenge, seed));
        let mut g = Game::new(spec, seed, speed, source);
        g.challenge = challenge;
        g.base = base;
        g
    }

    pub fn new(spec: Arc<Spec>, seed: u64, speed: u32, source: crate::store::ScenarioRef) -> Game {
        let sim = Sim::new(spec.sim.clone(), seed);
        let series = Series::new(map_rows(&spec));
        let base = spec.clone();
        Game {
            sim,
            pacer: Pacer { speed: if SPEEDS.contains(&speed) { speed } else { 1 }, paused: false },
            series,
            view: View {
                focus: Focus::Map,
                selected: 0,
                panel: Panel::Alerts,
                scroll: [0; Panel::ALL.len()],
                follow: true,
                filter: String::new(),
                min_level: None,
                only_selected: false,
                cursor: 0,
                instances: super::instances::Pick::default(),
                expand_suppressed: false,
            },
            recorded: Vec::new(),
            flash: None,
            debrief: None,
            debrief_scroll: 0,
            source,
            toasts: super::toasts::Toasts::default(),
            daily: None,
            challenge: crate::scenario::challenge::Challenge::Standard,
            base,
            tutor: spec.is_tutorial().then(super::tutor::Tutor::default),
            follower: false,
            spec,
        }
    }

    /// The tutorial's waiting prompt, if any.
    pub fn prompt(&self) -> Option<(usize, &crate::scenario::tutorial::Step)> {
        let i = self.tutor.as_ref()?.current(&self.spec.tutorial)?;
        Some((i, &self.spec.tutorial[i]))
    }

    /// Whether the tutorial holds the clock: its waiting prompt says so.
    pub fn held(&self) -> bool {
        self.prompt().is_some_and(|(_, s)| s.hold)
    }

    /// Advances the sim for `wall` elapsed; true if anything the screen shows may have changed.
    pub fn tick(&mut self, wall: Duration) -> bool {
        let d = if self.held() || self.follower { Dur::ZERO } else { self.pacer.step(wall) };
        if d.0 == 0 || self.sim.ended().is_some() {
            return false;
        }
        self.sim.advance_by(d);
        self.series.ingest(&self.sim);
        self.toasts.ingest(self.sim.events());
        true
    }

    /// Sends a command at the current sim time and records it (rejected ones too: the engine
    /// records the reason, and a replay must reject them the same way).
    pub fn submit(&mut self, command: Command) -> Result<Dur, Rejection> {
        self.submit_by(command, None)
    }

    /// `submit`, recording the drill seat that sent it.
    pub fn submit_by(&mut self, command: Command, by: Option<crate::sim::By>) -> Result<Dur, Rejection> {
        let at = self.sim.now();
        let label = command.label();
        self.recorded.push(TimedCommand { by: by.clone(), at, command: command.clone() });
        let result = self.sim.submit_as(command, by);
        let text = match &result {
            Ok(d) if d.0 == 0 => format!("done: {label}"),
            Ok(d) => format!("sent: {label} (takes effect in {})", d.human()),
            Err(why) => format!("rejected: {label}: {why}"),
        };
        self.flash = Some(Flash { text, error: result.is_err(), at });
        self.series.ingest(&self.sim);
        self.toasts.ingest(self.sim.events());
        result
    }

    pub fn selected_component(&self) -> Component {
        self.series.rows.get(self.view.selected).copied().unwrap_or(Component::Edge)
    }

    /// The service a command should default to: the selected one, or its owner.
    pub fn selected_service(&self) -> usize {
        match self.selected_component() {
            Component::Service(s) | Component::Dep { service: s, .. } => s,
            Component::Queue(q) => self.spec.sim.queues[q].consumer,
            _ => self.spec.sim.entry,
        }
    }

    /// A display name for a map row.
    pub fn row_name(&self, c: Component) -> String {
        let sim = &self.spec.sim;
        match c {
            Component::Edge => "edge".into(),
            Component::Service(s) => sim.services[s].name.clone(),
            Component::Dep { service, dep } => sim.target_name(sim.services[service].deps[dep].target).to_string(),
            Component::Database => "db".into(),
            Component::Cache(i) => sim.caches[i].name.clone(),
            Component::ThirdParty(i) => sim.third_parties[i].name.clone(),
            Component::Queue(i) => sim.queues[i].name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_x_is_one_sim_second_per_wall_second_and_a_stall_is_capped() {
        let mut p = Pacer { speed: 1, paused: false };
        assert_eq!(p.step(Duration::from_millis(33)), Dur(33_000));
        p.faster();
        p.faster();
        assert_eq!(p.speed, 4);
        assert_eq!(p.step(Duration::from_secs(5)), Dur(1_000_000), "capped at 250 ms × 4");
        p.paused = true;
        assert_eq!(p.step(Duration::from_millis(33)), Dur::ZERO);
        p.faster();
        p.faster();
        assert_eq!(p.speed, 8, "8× is the top speed");
        for _ in 0..5 {
            p.slower();
        }
        assert_eq!(p.speed, 1);
    }
}
