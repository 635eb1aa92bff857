//! The challenge knob: what makes a finished scenario worth replaying. `Standard` is the
//! scenario as written. `Hard` hides the runbook and adds red herrings (tickets that mean
//! nothing, like the real ones that fire during every incident) and log noise. `Veteran` also
//! takes the hints away and doubles both.
//!
//! The knob rewrites the validated `Spec` before the run starts, as a pure function of the
//! spec, the knob and the seed, so a saved run (which records the knob) replays byte for byte.
//! Added alerts never reuse a name the scenario has, and the debrief's truth says what was added.

use super::Spec;
use crate::sim::Dur;
use crate::sim::SimTime;
use crate::sim::model::rules::{AlertSeverity, Inject, TimelineEntry, Trigger};
use crate::sim::observe::logs::Level;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Challenge {
    #[default]
    Standard,
    Hard,
    Veteran,
}

impl Challenge {
    pub const ALL: [Challenge; 3] = [Challenge::Standard, Challenge::Hard, Challenge::Veteran];

    pub fn is_standard(&self) -> bool {
        *self == Challenge::Standard
    }

    /// The next one, for the briefing's key.
    #[must_use]
    pub fn next(self) -> Challenge {
        match self {
            Challenge::Standard => Challenge::Hard,
            Challenge::Hard => Challenge::Veteran,
            Challenge::Veteran => Challenge::Standard,
        }
    }

    /// What it changes, in a line.
    pub fn about(self) -> &'static str {
        match self {
            Challenge::Standard => "the scenario as written",
            Challenge::Hard => "no runbook; red herrings and log noise",
            Challenge::Veteran => "no runbook, no hints; twice the red herrings and noise",
        }
    }

    fn red_herrings(self) -> usize {
        match self {
            Challenge::Standard => 0,
            Challenge::Hard => 2,
            Challenge::Veteran => 4,
        }
    }

    /// Noise lines per sim minute.
    fn noise_per_minute(self) -> u64 {
        match self {
            Challenge::Standard => 0,
            Challenge::Hard => 1,
            Challenge::Veteran => 2,
        }
    }
}

impl std::str::FromStr for Challenge {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "standard" => Ok(Challenge::Standard),
            "hard" => Ok(Challenge::Hard),
            "veteran" => Ok(Challenge::Veteran),
            _ => Err("expected standard, hard or veteran".into()),
        }
    }
}

impl std::fmt::Display for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

/// Tickets that fire during any real incident and mean nothing for it.
const RED_HERRINGS: &[(&str, &str)] = &[
    ("BackupDurationHigh", "the reporting warehouse's nightly backup ran 40% longer than usual"),
    ("NTPOffset", "clock offset 180 ms on build-runner-4"),
    ("CIRunnersOffline", "2 of 12 CI runners are offline"),
    ("WikiCertRenewal", "the internal wiki's certificate renews in 21 days"),
    ("ExportQueueAge", "the analytics export queue's oldest message is 9 minutes old"),
    ("AuditShipperLag", "the audit-log shipper is 3 minutes behind"),
    ("OfficeDNSSlow", "p99 of the office DNS resolver is 240 ms"),
    ("VPNSessions", "the office VPN concentrator is at 78% of its sessions"),
];

/// Log lines from around the service that have nothing to do with the incident.
const NOISE: &[(&str, Level, &str)] = &[
    ("cron", Level::Info, "nightly-report: started"),
    ("metrics-agent", Level::Warn, "scrape of node-exporter on bastion-1 took 2.4s"),
    ("audit", Level::Info, "user dana signed in from the office network"),
    ("cdn", Level::Warn, "origin shield: 3 slow responses from the assets bucket (p99 900ms)"),
    ("backup", Level::Info, "snapshot of reporting-db completed in 14m"),
    ("cron", Level::Warn, "cleanup-tmp: 212 files could not be removed (permission denied)"),
    ("ci", Level::Info, "pipeline 4812 for docs passed"),
    ("dns", Level::Warn, "SERVFAIL for metrics.internal (retrying)"),
    ("kubelet", Level::Info, "image garbage collection freed 1.2 GiB on node-7"),
    ("ldap", Level::Warn, "slow bind for svc-reporting (1.1s)"),
];

/// `SplitMix64`: a small generator of its own, so the knob never draws from the run's streams.
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..hi` (micro-seconds); `lo` if the range is empty.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo { lo } else { lo + self.next() % (hi - lo) }
    }
}

/// The scenario as the knob plays it.
pub fn apply(spec: &Spec, challenge: Challenge, seed: u64) -> Spec {
    let mut out = spec.clone();
    if challenge.is_standard() {
        return out;
    }
    out.runbook.clear();
    let mut rng = Mix(seed ^ spec.content_hash ^ 0x6368_616c_6c65_6e67);
    let len = spec.length().0;
    let sim = std::sync::Arc::make_mut(&mut out.sim);
    if challenge == Challenge::Veteran {
        sim.hints.clear();
    }
    let taken = |name: &str, sim: &crate::sim::SimSpec| {
        sim.alerts.iter().any(|a| a.name == name)
            || sim.timeline.iter().any(|e| matches!(&e.inject, Inject::FakeAlert { name: n, .. } if n == name))
    };
    let mut added = Vec::new();
    let start = rng.next() as usize;
    for k in 0..RED_HERRINGS.len() {
        if added.len() == challenge.red_herrings() {
            break;
        }
        let (name, summary) = RED_HERRINGS[(start + k) % RED_HERRINGS.len()];
        if taken(name, sim) {
            continue;
        }
        let at = rng.between(len / 20 + 60_000_000, len * 4 / 5);
        let duration = Dur(rng.between(240_000_000, 720_000_000));
        sim.timeline.push(entry(
            format!("challenge red herring {name}"),
            at,
            Inject::FakeAlert { name: name.into(), severity: AlertSeverity::Ticket, summary: summary.into(), duration },
        ));
        added.push(format!("{name} (due at {})", spec.clock(SimTime(at))));
    }
    let lines = challenge.noise_per_minute() * (len / 60_000_000).max(1);
    for n in 0..lines {
        let (source, level, text) = NOISE[(rng.next() % NOISE.len() as u64) as usize];
        let at = rng.between(0, len);
        let inject = Inject::Log { source: source.into(), level, text: text.into() };
        sim.timeline.push(entry(format!("challenge noise {n}"), at, inject));
    }
    let said = format!(
        "This run was played at {challenge} ({}). The challenge added these red herrings, which meant nothing: {} (one due after the run ended never fired).",
        challenge.about(),
        added.join(", ")
    );
    out.truth = if out.truth.is_empty() { said } else { format!("{} {said}", out.truth) };
    out
}

fn entry(label: String, at_us: u64, inject: Inject) -> TimelineEntry {
    TimelineEntry {
        label,
        trigger: Trigger::At(SimTime(at_us)),
        inject,
        duration: None,
        cleared_by: Vec::new(),
        clear_when: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn friday() -> Spec {
        super::super::builtin("friday-deploy").unwrap().unwrap()
    }

    fn herrings(s: &Spec) -> Vec<(String, SimTime)> {
        s.sim
            .timeline
            .iter()
            .filter_map(|e| match (&e.inject, &e.trigger) {
                (Inject::FakeAlert { name, .. }, Trigger::At(t)) if e.label.starts_with("challenge") => {
                    Some((name.clone(), *t))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn standard_is_the_scenario_as_written() {
        let s = friday();
        let a = apply(&s, Challenge::Standard, 42);
        assert_eq!(a.sim.timeline.len(), s.sim.timeline.len());
        assert_eq!(a.runbook, s.runbook);
        assert_eq!(a.truth, s.truth);
    }

    #[test]
    fn hard_hides_the_runbook_and_adds_red_herrings_inside_the_run_with_new_names() {
        let s = friday();
        let a = apply(&s, Challenge::Hard, 42);
        assert!(a.runbook.is_empty());
        assert_eq!(a.sim.hints, s.sim.hints, "hard keeps the hints");
        let h = herrings(&a);
        assert_eq!(h.len(), 2);
        for (name, at) in &h {
            assert!(*at > SimTime::ZERO && at.0 < s.length().0, "{name} at {at:?}");
            assert!(!s.sim.alerts.iter().any(|x| &x.name == name), "{name} is a new name");
            let due = format!("{name} (due at {})", s.clock(*at));
            assert!(a.truth.contains(&due), "the debrief names {name} and when it was due: {}", a.truth);
        }
        assert!(a.sim.timeline.len() >= s.sim.timeline.len() + 2 + 20, "a line of noise a minute");
    }

    #[test]
    fn veteran_takes_the_hints_and_doubles_the_herrings() {
        let a = apply(&friday(), Challenge::Veteran, 42);
        assert!(a.sim.hints.is_empty());
        assert_eq!(herrings(&a).len(), 4);
    }

    #[test]
    fn the_knob_is_a_function_of_the_seed() {
        let s = friday();
        assert_eq!(herrings(&apply(&s, Challenge::Hard, 7)), herrings(&apply(&s, Challenge::Hard, 7)));
        let moved =
            (8..14).any(|seed| herrings(&apply(&s, Challenge::Hard, seed)) != herrings(&apply(&s, Challenge::Hard, 7)));
        assert!(moved, "another seed moves the red herrings");
        assert_eq!("veteran".parse::<Challenge>(), Ok(Challenge::Veteran));
        assert!("nightmare".parse::<Challenge>().is_err());
    }
}
