//! Live injects: a facilitator types one timeline entry during a drill, in scenario syntax
//! without `at` or `when` — `(fault: AddLatency(target: "db", extra: "300ms"), for: "5m")`,
//! `(message: (from: "VP Eng", text: "Is it fixed?"))` — and it becomes a manual entry of the
//! running scenario, fired by a `Fire` command. The text is parsed and validated against the
//! scenario exactly as a file's entry is (names become indices, numbers are range-checked,
//! text is cleaned), so a live inject can do what a scenario can, and nothing else.
//!
//! A saved drill keeps each live inject as its (label, text), and replaying it applies them
//! to the spec before the run ([`Spec::with_live_entries`]): an unfired manual entry changes
//! nothing, so the replay is the drill, event for event. The scenario's work budget is
//! estimated for the file; a live inject is bounded by the engine's run-time caps instead.

use super::error::{clean, field};
use super::locate::{Seg, locate};
use super::raw::RawEntry;
use super::validate_ctx::{Ctx, MAX_TEXT, usable_name};
use super::{Spec, validate_rules};
use crate::sim::SimSpec;
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::{Inject, TimelineEntry};
use std::fmt;
use std::sync::Arc;

/// Why a live inject's text is not an entry: where (1-based; the label's problems are at
/// column 1) and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveEntryError {
    pub label: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for LiveEntryError {
    /// One line: `live inject "x", column 12: unknown service `apii` (hint: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "live inject `{}`, ", self.label)?;
        if self.line > 1 {
            write!(f, "line {}, ", self.line)?;
        }
        write!(f, "column {}: {}", self.col, self.message.replace('\n', " "))?;
        if !self.hint.is_empty() {
            write!(f, " (hint: {})", self.hint.replace('\n', " "))?;
        }
        Ok(())
    }
}

impl std::error::Error for LiveEntryError {}

/// `text`, one timeline entry without `at`/`when`, as a manual entry of `spec` labelled
/// `label`.
pub fn live_entry(spec: &Spec, text: &str, label: &str) -> Result<TimelineEntry, LiveEntryError> {
    entry_for(&spec.sim, text, label)
}

impl Spec {
    /// This scenario with the live injects `(label, text)` appended to its timeline as manual
    /// entries, in order (each is checked against the scenario with the ones before it).
    pub fn with_live_entries(&self, entries: &[(String, String)]) -> Result<Spec, LiveEntryError> {
        let mut spec = self.clone();
        for (label, text) in entries {
            let entry = entry_for(&spec.sim, text, label)?;
            Arc::make_mut(&mut spec.sim).push_manual(entry);
        }
        Ok(spec)
    }
}

fn entry_for(sim: &SimSpec, text: &str, label: &str) -> Result<TimelineEntry, LiveEntryError> {
    let fail = |line: usize, col: usize, message: String, hint: &str| LiveEntryError {
        label: clean(label),
        line,
        col,
        message,
        hint: hint.to_string(),
    };
    if !usable_name(label) {
        let hint = "use 1–40 letters, digits, '-', '_' or '.', e.g. \"db-slow-2\"";
        return Err(fail(1, 1, format!("the label `{}` cannot be typed after `fire`", clean(label)), hint));
    }
    if sim.timeline.iter().any(|e| e.label == label) {
        let hint = "choose a label no timeline entry has";
        return Err(fail(1, 1, format!("the timeline already has an entry labelled `{label}`"), hint));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(fail(1, 1, format!("the entry is longer than {MAX_TEXT} characters"), "shorten it"));
    }
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64);
    let mut raw: RawEntry = options.from_str(text).map_err(|e| {
        let e = super::error::from_ron("", &e);
        fail(e.line, e.col, e.message, &e.hint)
    })?;
    let at = |path: &[Seg]| locate(text, path).unwrap_or((1, 1));
    let misplaced = [
        ("at", raw.at.is_some(), "a live inject fires when you fire it: remove `at`"),
        ("when", raw.when.is_some(), "a live inject fires when you fire it: remove `when`"),
        ("label", raw.label.is_some(), "the label is given separately: remove `label`"),
    ];
    if let Some((name, _, hint)) = misplaced.into_iter().find(|m| m.1) {
        let (line, col) = at(&[field(name)]);
        return Err(fail(line, col, format!("`{name}` has no place in a live inject"), hint));
    }
    raw.manual = true;
    let mut cx = Ctx::of_spec(sim, &raw);
    cx.entry_in(&[], &raw);
    let labels: Vec<String> = sim.timeline.iter().map(|e| e.label.clone()).collect();
    let known = validate_rules::known_names(&cx, sim);
    let entry = validate_rules::entry(&mut cx, sim, &labels, &known, &[], &raw, label);
    match (cx.p.0.first(), entry) {
        (None, Some(entry)) => Ok(entry),
        (Some(p), _) => {
            let (line, col) = at(&p.path);
            Err(fail(line, col, p.message.clone(), &p.hint))
        }
        (None, None) => Err(fail(1, 1, "this entry injects nothing".into(), "")),
    }
}

impl Ctx {
    /// A validation pass over one entry of a scenario already validated: its names are the
    /// spec's (and the abusive client the entry itself starts).
    fn of_spec(sim: &SimSpec, raw: &RawEntry) -> Ctx {
        let names = |it: &mut dyn Iterator<Item = &String>| it.cloned().collect::<Vec<_>>();
        let mut clients: Vec<String> = sim
            .timeline
            .iter()
            .filter_map(|e| match &e.inject {
                Inject::Fault(Fault::AbusiveClient { client, .. }) => Some(client.clone()),
                _ => None,
            })
            .collect();
        if let Some(super::raw::RawFault::AbusiveClient { client, .. }) = &raw.fault {
            clients.push(client.clone());
        }
        Ctx {
            p: super::error::Problems::default(),
            compared: 0,
            services: names(&mut sim.services.iter().map(|s| &s.name)),
            caches: names(&mut sim.caches.iter().map(|c| &c.name)),
            third_parties: names(&mut sim.third_parties.iter().map(|t| &t.name)),
            queues: names(&mut sim.queues.iter().map(|q| &q.name)),
            versions: names(&mut sim.versions.iter().map(|v| &v.name)),
            flags: names(&mut sim.flags.iter().map(|f| &f.name)),
            clients,
            length: sim.duration,
        }
    }
}

/// What a facilitator can inject, for the console's help: each fault of the catalogue and
/// each other kind of inject, with one entry that is valid against a typical scenario (a
/// service `api` calling a database, a cache `catalog`, a third party `payments`, versions
/// `v41`/`v42` and a flag `coupons-v2`, as in `friday-deploy`). A few need what a typical
/// scenario lacks: `HotKeyExpiry` a cache with a hot key, `PoisonMessage` a queue
/// (`shipments`, as in `queue-backlog`), `SlowReplica` and `PrimaryPartition` database
/// replicas (`replica-1`, as in `replica-failover`).
pub fn catalogue() -> Vec<(&'static str, &'static str)> {
    CATALOGUE.to_vec()
}

const CATALOGUE: [(&str, &str); 38] = [
    ("InstanceCrash", r#"(fault: InstanceCrash(service: "api"))"#),
    ("ServiceOutage", r#"(fault: ServiceOutage(service: "api"), for: "2m")"#),
    ("AddLatency", r#"(fault: AddLatency(target: "db", extra: "300ms"), for: "5m")"#),
    ("ErrorInjection", r#"(fault: ErrorInjection(target: "payments", rate: 0.2), for: "5m")"#),
    ("DependencyDown", r#"(fault: DependencyDown(target: "payments"), for: "3m")"#),
    ("BlackHole", r#"(fault: BlackHole(target: "payments"), for: "3m")"#),
    ("QuotaCut", r#"(fault: QuotaCut(target: "payments", rps: 50), for: "5m")"#),
    ("SlowQueries", r#"(fault: SlowQueries(factor: 5.0), for: "5m")"#),
    ("DatabaseDown", r#"(fault: DatabaseDown, for: "1m")"#),
    ("DiskFull", r#"(fault: DiskFull(write_fraction: 0.3), for: "5m")"#),
    ("ConnectionLeak", r#"(fault: ConnectionLeak(service: "api", per_minute: 2.0))"#),
    ("MemoryLeak", r#"(fault: MemoryLeak(service: "api", mb_per_min: 50.0))"#),
    ("CpuHog", r#"(fault: CpuHog(service: "api", cores: 1.5), for: "5m")"#),
    ("TrafficSpike", r#"(fault: TrafficSpike(factor: 2.0), for: "3m")"#),
    ("AbusiveClient", r#"(fault: AbusiveClient(client: "scraper-7", rps: 300), for: "10m")"#),
    ("CacheFlush", r#"(fault: CacheFlush(cache: "catalog"))"#),
    ("HotKeyExpiry", r#"(fault: HotKeyExpiry(cache: "catalog"))"#),
    ("BadDeploy", r#"(fault: BadDeploy(service: "api", version: "v42", by: "dana"))"#),
    ("FlagFlip", r#"(fault: FlagFlip(flag: "coupons-v2", on: true, by: "dana"))"#),
    ("CapacityChange", r#"(fault: CapacityChange(service: "api", remove: 2, by: "capacity team"))"#),
    ("ManualCommand", r#"(fault: ManualCommand(service: "api", instance: 1, command: "kill -9 1", by: "sam"))"#),
    (
        "PathologicalInput",
        r#"(fault: PathologicalInput(service: "api", endpoint: "checkout", fraction: 0.05, cpu: Const("800ms")), for: "5m")"#,
    ),
    (
        "BadConfig",
        r#"(fault: BadConfig(service: "api", change: Timeout(dependency: "payments", timeout: "100ms"), by: "ci"))"#,
    ),
    ("CertExpiry", r#"(fault: CertExpiry(target: "payments"))"#),
    ("Partition", r#"(fault: Partition(service: "api", target: "db", fraction: 0.5), for: "2m")"#),
    ("MonitoringBlind", r#"(fault: MonitoringBlind(component: "api"), for: "3m")"#),
    ("MonitoringLag", r#"(fault: MonitoringLag(lag: "2m"), for: "5m")"#),
    ("PoisonMessage", r#"(fault: PoisonMessage(queue: "shipments"))"#),
    ("SlowReplica", r#"(fault: SlowReplica(replica: "replica-1", factor: 10.0), for: "5m")"#),
    ("PrimaryPartition", r#"(fault: PrimaryPartition(fraction: 1.0), for: "40s")"#),
    ("change: Deploy", r#"(change: Deploy(service: "api", version: "v42", by: "dana"))"#),
    ("change: Config", r#"(change: Config(service: "api", change: PoolSize(30), by: "dana"))"#),
    ("change: Flag", r#"(change: Flag(flag: "coupons-v2", on: false, by: "coupons team"))"#),
    ("change: Capacity", r#"(change: Capacity(service: "api", add: 2, by: "capacity team"))"#),
    ("change: Manual", r#"(change: Manual(service: "api", command: "du -sh /var/log", by: "sam"))"#),
    ("message", r#"(message: (from: "VP Eng", text: "Is it fixed? Customers are asking."))"#),
    ("log", r#"(log: (source: "api", level: Error, text: "payments: connection reset by peer"))"#),
    ("fake_alert", r#"(fake_alert: (name: "BastionDiskUsage", summary: "disk 91% on bastion-2", for: "5m"))"#),
];

#[cfg(test)]
mod tests {
    #[test]
    fn errors_read_as_one_line_with_the_column() {
        let e = super::LiveEntryError {
            label: "x".into(),
            line: 1,
            col: 9,
            message: "unknown service `apii`".into(),
            hint: "services are: api".into(),
        };
        assert_eq!(e.to_string(), "live inject `x`, column 9: unknown service `apii` (hint: services are: api)");
    }
}
