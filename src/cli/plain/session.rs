//! One plain-text game, without I/O: lines in, lines out. It holds the same `Game` the
//! terminal game plays (engine, pacer, chart buffers, recorded commands), so what it prints is
//! what the screen shows: the events the alert, changes and comms views list, the service
//! map's health words and figures (as monitoring sees them, lag and blindness included).
//!
//! Time moves two ways. A *paced* session (a person at a terminal) advances by wall time
//! through the game's pacer ([`Session::tick`]); a *scripted* one (commands from a pipe) moves
//! only when told to (`wait 2m`), so a script is deterministic: the same lines give the same
//! run as a commands file with the same times.

use crate::cmdtext::{self, Names};
use crate::scenario::Spec;
use crate::sim::{Category, Command, Dur, SimTime};
use crate::tui::game::Game;
use crate::tui::theme::Theme;
use crate::tui::widgets::map;
use std::sync::Arc;

/// How often (sim time) the one-line status is printed.
pub const STATUS_EVERY: Dur = Dur(60 * crate::sim::kernel::time::SEC);
/// The longest single `wait` (a script that means "to the end" can say so with EOF).
pub const MAX_WAIT: Dur = Dur(4 * crate::sim::kernel::time::HOUR);

/// What a line of input asks the caller to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    /// `quit`: leave now, unscored.
    Quit,
}

pub struct Session {
    pub game: Game,
    /// Commands come from a pipe: the clock moves only with `wait`, and nothing asks to confirm.
    pub scripted: bool,
    /// Events already printed.
    seen: usize,
    next_status: SimTime,
    /// A command waiting for `y` (paced sessions confirm costly and risky commands).
    pending: Option<Command>,
    /// A paced session's clock starts at the first line (the briefing is read first).
    started: bool,
    theme: Theme,
}

/// `[16:42:40] text`: the scenario's time of day (or the sim clock without `starts_at`).
fn stamp(spec: &crate::scenario::Spec, t: SimTime, text: &str) -> String {
    format!("[{}] {text}", spec.clock(t))
}

impl Session {
    pub fn new(spec: Spec, seed: u64, speed: u32, scripted: bool, source: crate::store::ScenarioRef) -> Session {
        let mut game = Game::new(Arc::new(spec), seed, speed, source);
        game.pacer.paused = !scripted;
        Session {
            game,
            scripted,
            seen: 0,
            next_status: SimTime(STATUS_EVERY.0),
            pending: None,
            started: scripted,
            theme: Theme::new(crate::store::ThemeName::Default, true, true),
        }
    }

    /// The briefing and how to play, printed first.
    pub fn intro(&self) -> Vec<String> {
        let s = &self.game.spec;
        let mut out = vec![
            format!("firedrill — {} ({:?}, {})", s.title, s.difficulty, s.length()),
            format!("seed {}", self.game.sim.seed()),
            String::new(),
            s.briefing.clone(),
        ];
        if !s.runbook.is_empty() {
            out.push(String::new());
            out.push("Runbook:".into());
            out.extend(s.runbook.iter().map(|r| format!("  - {r}")));
        }
        out.push(String::new());
        out.push(if self.scripted {
            "Commands come from a pipe: the clock moves only with `wait DURATION`; at the end of the input the scenario plays out and the debrief is printed.".into()
        } else {
            format!(
                "Type commands (help lists them). The clock runs at {}x once you press enter; pause and resume stop and start it. End of input (ctrl-d) lets the scenario play out and prints the debrief.",
                self.game.pacer.speed
            )
        });
        out
    }

    pub fn ended(&self) -> bool {
        self.game.sim.ended().is_some()
    }

    /// Advances by `wall` of wall time through the pacer (paced sessions).
    pub fn tick(&mut self, wall: std::time::Duration) -> Vec<String> {
        self.game.tick(wall);
        self.news()
    }

    /// Advances the sim by `d` at once, printing what happens on the way (in status-line steps).
    pub fn wait(&mut self, d: Dur) -> Vec<String> {
        let until = SimTime(self.game.sim.now().0.saturating_add(d.0));
        let mut out = Vec::new();
        while !self.ended() && self.game.sim.now() < until {
            let step = until.0.min(self.next_status.0.max(self.game.sim.now().0 + 1));
            self.game.sim.advance_to(SimTime(step));
            self.game.series.ingest(&self.game.sim);
            out.extend(self.news());
        }
        out
    }

    /// Plays the rest of the scenario with no more commands (the input ended).
    pub fn finish(&mut self) -> Vec<String> {
        let left = self.game.spec.length().0.saturating_sub(self.game.sim.now().0);
        self.wait(Dur(left.saturating_add(1)))
    }

    /// Events not printed yet, and the status line when one is due.
    fn news(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        let events = self.game.sim.events();
        for e in &events[self.seen..] {
            if e.hidden || matches!(e.kind.category(), Category::Detail | Category::Fault) {
                continue;
            }
            out.push(stamp(&self.game.spec, e.t, &e.kind.describe_with(|t| self.game.spec.clock(t))));
        }
        self.seen = events.len();
        let now = self.game.sim.now();
        if now >= self.next_status && !self.ended() {
            out.push(self.status_line());
            while self.next_status <= now {
                self.next_status = SimTime(self.next_status.0 + STATUS_EVERY.0);
            }
        }
        out
    }

    /// One line: the edge, anything not healthy on the map, firing alerts, the incident, the
    /// error budget.
    pub fn status_line(&self) -> String {
        let g = &self.game;
        let mut parts = Vec::new();
        for (i, &c) in g.series.rows.iter().enumerate() {
            let h = map::health(g, i);
            let is_edge = c == crate::sim::Component::Edge;
            if is_edge || !matches!(h, crate::tui::theme::Health::Ok) {
                let (_, word) = self.theme.health_label(h);
                let fig = map::figure(g, c, g.series.points[i].back().copied());
                parts.push(format!("{} {word} {fig}", g.row_name(c)));
            }
        }
        let firing: Vec<String> = g
            .sim
            .alert_views()
            .into_iter()
            .filter(|a| a.firing)
            .map(|a| if a.acked { format!("{} (acked)", a.name) } else { a.name })
            .collect();
        parts.push(if firing.is_empty() {
            "no alerts firing".into()
        } else {
            format!("firing: {}", firing.join(", "))
        });
        let inc = g.sim.incident();
        parts.push(match (inc.declared, inc.resolved) {
            (_, Some(_)) => "resolved".into(),
            (Some((_, sev)), None) => format!("incident {sev:?}"),
            (None, None) => "no incident".into(),
        });
        let budget = g.sim.windows().last().map_or(g.spec.sim.slo.budget_at_start, |w| w.slo.budget_left);
        parts.push(format!("budget {:.1}%", budget * 100.0));
        stamp(&g.spec, g.sim.now(), &format!("status: {}", parts.join(" · ")))
    }

    /// The whole map, one component a line, and the alerts (the `status` command).
    fn status(&self) -> Vec<String> {
        let g = &self.game;
        let mut out = vec![self.status_line()];
        for (i, &c) in g.series.rows.iter().enumerate() {
            let (_, word) = self.theme.health_label(map::health(g, i));
            let name = match c {
                crate::sim::Component::Dep { .. } => format!("  -> {}", g.row_name(c)),
                _ => g.row_name(c),
            };
            out.push(format!("  {word:<4} {name:<14} {}", map::figure(g, c, g.series.points[i].back().copied())));
        }
        for a in g.sim.alert_views() {
            let state = if a.firing {
                "FIRING"
            } else if a.pending {
                "pending"
            } else {
                "ok"
            };
            out.push(format!("  alert {state:<7} {:?} {}: {}", a.severity, a.name, a.summary));
        }
        out
    }

    /// Handles one line of input.
    pub fn input(&mut self, line: &str) -> (Vec<String>, Next) {
        let line = line.trim();
        if let Some(command) = self.pending.take() {
            if matches!(line.to_ascii_lowercase().as_str(), "y" | "yes") {
                return (self.send(command), Next::Continue);
            }
            return (vec![format!("cancelled: {}", command.label())], Next::Continue);
        }
        if !self.started {
            self.started = true;
            self.game.pacer.paused = false;
            if line.is_empty() {
                return (vec!["the clock is running".into()], Next::Continue);
            }
        }
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("").to_ascii_lowercase();
        let rest: Vec<&str> = words.collect();
        let out = match (first.as_str(), rest.as_slice()) {
            ("", _) => vec![],
            ("quit" | "exit", []) => {
                return (
                    vec![format!("left at {}; this run is not scored", self.game.spec.clock(self.game.sim.now()))],
                    Next::Quit,
                );
            }
            ("help", []) => help(),
            ("help", [verb]) => match crate::tui::cmdline::help(Some(verb)) {
                Ok(lines) => lines,
                Err(e) => vec![e],
            },
            ("status", []) => self.status(),
            ("pause" | "resume", []) if self.scripted => {
                vec!["the clock moves only with `wait DURATION` when commands come from a pipe".into()]
            }
            ("pause", []) => {
                self.game.pacer.paused = true;
                vec![stamp(&self.game.spec, self.game.sim.now(), "paused")]
            }
            ("resume", []) => {
                self.game.pacer.paused = false;
                vec![stamp(&self.game.spec, self.game.sim.now(), "running")]
            }
            ("wait", [d]) => match crate::sim::kernel::time::parse_dur(d) {
                Ok(d) if d <= MAX_WAIT => self.wait(d),
                Ok(_) => vec![format!("wait at most {MAX_WAIT} at a time")],
                Err(e) => vec![format!("wait needs a duration like 30s or 2m: {e}")],
            },
            ("look", [name]) => super::look::look(&self.game, name),
            ("look", []) => vec!["look needs a component, e.g. `look api` (status lists them)".into()],
            _ => self.command(line),
        };
        (out, Next::Continue)
    }

    /// A line in the command grammar: parsed, checked, then confirmed (paced, costly or
    /// risky) or sent.
    fn command(&mut self, line: &str) -> Vec<String> {
        let names = Names::of_sim(&self.game.sim);
        let command = match cmdtext::parse(line, &names) {
            Ok(c) => c,
            Err(e) => return vec![format!("error: {e}")],
        };
        if let Err(why) = self.game.sim.resolve(&command) {
            return vec![format!("not sent: {why}")];
        }
        let k = command.kind();
        if !self.scripted && (k.destructive() || k.cost() > 0) {
            let when = if k.delay().0 == 0 { "at once".to_string() } else { format!("in {}", k.delay()) };
            let out = vec![format!(
                "{}: takes effect {when}, costs {} points{}. Type y to do it, anything else cancels.",
                command.label(),
                k.cost(),
                if k.destructive() { "; this can hurt if it is the wrong move" } else { "" }
            )];
            self.pending = Some(command);
            return out;
        }
        self.send(command)
    }

    fn send(&mut self, command: Command) -> Vec<String> {
        let _ = self.game.submit(command);
        let mut out: Vec<String> = self.game.flash.iter().map(|f| stamp(&self.game.spec, f.at, &f.text)).collect();
        // The command's own event was just said in other words.
        self.seen = self.game.sim.events().len();
        out.extend(self.news());
        out
    }

    /// The debrief, once the run is over.
    pub fn debrief(&self) -> Vec<String> {
        let d = crate::score::debrief(&self.game.spec, &crate::score::Evidence::from_sim(&self.game.sim));
        crate::report::markdown_export(&d).lines().map(str::to_string).collect()
    }
}

/// The plain words and the command grammar.
fn help() -> Vec<String> {
    let mut out = vec![
        "status            the service map, alerts and incident, now".to_string(),
        "look COMPONENT    one component in detail (a service's instances, a dependency's settings)".into(),
        "wait DURATION     let sim time pass (e.g. wait 30s)".into(),
        "pause / resume    stop or start the clock".into(),
        "help [VERB]       this list, or one command's form".into(),
        "quit              leave now (unscored); end of input plays the scenario out instead".into(),
        "commands:".into(),
    ];
    out.extend(cmdtext::verbs::for_players().map(|v| format!("  {:<60} {}", v.usage(), v.kind.describe())));
    out
}
