//! The shared state of one validation pass — the names defined so far and the problems found —
//! with the checks every part of validation uses (names, text, fractions, lookups,
//! distributions, call policies), and the limits that keep a shared scenario from hanging the
//! game or exhausting memory.

use super::error::{Problems, clean, field, index, key};
use super::locate::Seg;
use super::raw::{RawDist, RawPolicy, RawScenario};
use crate::sim::kernel::dist::Dist;
use crate::sim::kernel::time::{Dur, HOUR};
use crate::sim::model::spec::{CallPolicy, RetryBudget, RetryPolicy};

/// Limits that keep a shared scenario from hanging the game or exhausting memory.
pub const MAX_LENGTH: Dur = Dur(4 * HOUR);
pub const MAX_RPS: f64 = 20_000.0;
pub const MAX_INSTANCES: u32 = 200;
pub const MAX_WORKERS: u32 = 1_024;
pub const MAX_ITEMS: usize = 200;
pub const MAX_TEXT: usize = 10_000;

/// Whether `name` can name something in logs, menus and on a command line: 1–40 letters,
/// digits, '-', '_' or '.', starting with a letter or digit.
pub fn usable_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Shared state of one validation pass.
pub(super) struct Ctx {
    pub p: Problems,
    /// Names compared while resolving references: the work lookups did.
    pub compared: u64,
    pub services: Vec<String>,
    pub caches: Vec<String>,
    pub third_parties: Vec<String>,
    pub queues: Vec<String>,
    pub versions: Vec<String>,
    pub flags: Vec<String>,
    /// The abusive clients the timeline starts (what `Blocked` can name).
    pub clients: Vec<String>,
    pub length: Dur,
}

impl Ctx {
    /// A pass over `raw`, knowing its names (versions need not be declared in small
    /// scenarios: each service's version exists).
    pub fn new(raw: &RawScenario) -> Ctx {
        let mut versions = names_of(&raw.versions.0);
        if versions.is_empty() {
            for (_, s) in &raw.services.0 {
                if !versions.contains(&s.version) {
                    versions.push(s.version.clone());
                }
            }
        }
        Ctx {
            p: Problems::default(),
            compared: 0,
            services: names_of(&raw.services.0),
            caches: names_of(&raw.caches.0),
            third_parties: names_of(&raw.third_parties.0),
            queues: names_of(&raw.queues.0),
            versions,
            flags: names_of(&raw.flags.0),
            clients: raw
                .timeline
                .iter()
                .filter_map(|e| match &e.fault {
                    Some(super::raw::RawFault::AbusiveClient { client, .. }) => Some(client.clone()),
                    _ => None,
                })
                .collect(),
            length: raw.length,
        }
    }

    pub fn err(&mut self, path: &[Seg], msg: impl Into<String>, hint: impl Into<String>) {
        self.p.add(path, msg, hint);
    }

    /// Checks a name that will be shown in logs and menus.
    pub fn name(&mut self, path: &[Seg], name: &str) {
        if !usable_name(name) {
            self.err(
                path,
                format!("`{}` is not a usable name", clean(name)),
                "names are 1–40 letters, digits, '-', '_' or '.', starting with a letter or digit",
            );
        }
    }

    pub fn text(&mut self, path: &[Seg], text: &str) -> String {
        if text.chars().count() > MAX_TEXT {
            self.err(path, format!("this text is longer than {MAX_TEXT} characters"), "shorten it");
        }
        clean(text)
    }

    pub fn texts(&mut self, path: &[Seg], items: &[String]) -> Vec<String> {
        self.count(path, items.len());
        items.iter().enumerate().map(|(i, t)| self.text(&[path, &[index(i)]].concat(), t)).collect()
    }

    pub fn count(&mut self, path: &[Seg], n: usize) {
        if n > MAX_ITEMS {
            self.err(path, format!("{n} items; at most {MAX_ITEMS} are allowed"), "split the scenario");
        }
    }

    pub fn fraction(&mut self, path: &[Seg], x: f64, what: &str) -> f64 {
        if !(0.0..=1.0).contains(&x) {
            self.err(path, format!("{what} must be a fraction between 0 and 1, not {x}"), "write 0.05 for 5 %");
        }
        x.clamp(0.0, 1.0)
    }

    pub fn positive(&mut self, path: &[Seg], x: f64, what: &str) -> f64 {
        if !(x.is_finite() && x > 0.0) {
            self.err(path, format!("{what} must be a positive number, not {x}"), "");
            return 1.0;
        }
        x
    }

    pub fn within_length(&mut self, path: &[Seg], t: Dur) {
        if t > self.length {
            self.err(
                path,
                format!("{t} is after the end of the scenario ({})", self.length),
                "make `length` longer or move this earlier",
            );
        }
    }

    pub fn lookup(&mut self, path: &[Seg], list: &[String], name: &str, what: &str) -> Option<usize> {
        let found = list.iter().position(|n| n == name);
        self.compared += found.map_or(list.len(), |i| i + 1) as u64;
        if found.is_none() {
            let hint = if list.is_empty() {
                format!("this scenario defines no {what}s")
            } else {
                format!("{what}s are: {}", list.join(", "))
            };
            self.err(path, format!("unknown {what} `{}`", clean(name)), hint);
        }
        found
    }

    /// A dependency target by name: "db", a service or a third party.
    pub fn target(&mut self, path: &[Seg], name: &str) -> Option<crate::sim::model::spec::Target> {
        use crate::sim::model::spec::Target;
        self.compared += 1;
        if name == "db" {
            return Some(Target::Database);
        }
        if let Some(s) = self.services.iter().position(|n| n == name) {
            self.compared += s as u64 + 1;
            return Some(Target::Service(s));
        }
        self.compared += self.services.len() as u64;
        if let Some(t) = self.third_parties.iter().position(|n| n == name) {
            self.compared += t as u64 + 1;
            return Some(Target::ThirdParty(t));
        }
        self.compared += self.third_parties.len() as u64;
        let mut all = vec!["db".to_string()];
        all.extend(self.services.iter().cloned());
        all.extend(self.third_parties.iter().cloned());
        self.err(path, format!("unknown target `{}`", clean(name)), format!("targets are: {}", all.join(", ")));
        None
    }

    pub fn dist(&mut self, path: &[Seg], d: &RawDist) -> Dist {
        match d {
            RawDist::Const(x) => Dist::constant(*x),
            RawDist::Exp(m) => {
                if m.0 == 0 {
                    self.err(path, "an exponential needs a positive mean", "write e.g. Exp(\"10ms\")");
                }
                Dist::exp(*m)
            }
            RawDist::LogNormal { median, p99 } => {
                if median.0 == 0 || p99 < median {
                    self.err(
                        path,
                        "a log-normal needs 0 < median ≤ p99",
                        "write e.g. LogNormal(median: \"100ms\", p99: \"800ms\")",
                    );
                }
                Dist::log_normal(*median, *p99)
            }
            RawDist::Uniform { min, max } => {
                if max < min {
                    self.err(path, "uniform needs min ≤ max", "");
                }
                Dist::Uniform { lo_us: min.0 as f64, hi_us: max.0 as f64 }
            }
            RawDist::Mix { p, fast, slow } => {
                let p = self.fraction(&[path, &[field("p")]].concat(), *p, "p");
                let fast = self.dist(&[path, &[field("fast")]].concat(), fast);
                let slow = self.dist(&[path, &[field("slow")]].concat(), slow);
                Dist::Mix { p, fast: Box::new(fast), slow: Box::new(slow) }
            }
        }
    }

    pub fn policy(&mut self, path: &[Seg], raw: &RawPolicy, default_timeout: Dur) -> CallPolicy {
        let timeout = raw.timeout.unwrap_or(default_timeout);
        if timeout.0 == 0 || timeout.0 > HOUR {
            self.err(&[path, &[field("timeout")]].concat(), "a timeout must be between 1us and 1h", "");
        }
        if raw.retries > 9 {
            self.err(
                &[path, &[field("retries")]].concat(),
                format!("{} retries is too many", raw.retries),
                "at most 9 retries (10 tries)",
            );
        }
        if raw.base.0 == 0 && !matches!(raw.backoff, crate::sim::model::spec::Backoff::None) {
            self.err(&[path, &[field("base")]].concat(), "backoff needs a positive base", "write e.g. base: \"100ms\"");
        }
        let budget = raw.budget.map(|b| {
            let bp = [path, &[field("budget")]].concat();
            RetryBudget {
                max_tokens: self.positive(&[&bp[..], &[field("max_tokens")]].concat(), b.max_tokens, "max_tokens"),
                ratio: self.fraction(&[&bp[..], &[field("ratio")]].concat(), b.ratio, "ratio"),
            }
        });
        let breaker = raw.breaker.map(|b| {
            let bp = [path, &[field("breaker")]].concat();
            if b.window.0 == 0 || b.open_for.0 == 0 || b.half_open_trials == 0 {
                self.err(&bp, "a breaker needs a window, open_for and half_open_trials above zero", "");
            }
            if b.half_open_trials > 1_000 {
                self.err(&[&bp[..], &[field("half_open_trials")]].concat(), "at most 1000 half-open trials", "");
            }
            if b.snapshot < Dur::from_millis(1) || b.snapshot > b.window || b.window.0 / b.snapshot.0.max(1) > 1_000 {
                self.err(
                    &[&bp[..], &[field("snapshot")]].concat(),
                    format!(
                        "the snapshot interval must be from 1ms to the window ({}), and at most 1000 per window",
                        b.window
                    ),
                    "Hystrix takes a health snapshot every 500ms: snapshot: \"500ms\"",
                );
            }
            if let Some(n) = b.window_calls {
                let wp = [&bp[..], &[field("window_calls")]].concat();
                if n == 0 || n > 10_000 {
                    self.err(&wp, "window_calls must be 1 to 10000", "resilience4j's default is 100");
                } else if b.min_volume > n {
                    self.err(
                        &[&bp[..], &[field("min_volume")]].concat(),
                        format!("a count-based window of {n} calls never holds min_volume {} calls", b.min_volume),
                        "make min_volume at most window_calls",
                    );
                }
            }
            crate::sim::model::spec::BreakerSpec {
                window: b.window,
                snapshot: b.snapshot.clamp(Dur::from_millis(1), b.window.max(Dur::from_millis(1))),
                window_calls: b.window_calls.map(|n| n.clamp(1, 10_000)),
                min_volume: b.min_volume,
                error_threshold: self.fraction(
                    &[&bp[..], &[field("error_threshold")]].concat(),
                    b.error_threshold,
                    "error_threshold",
                ),
                open_for: b.open_for,
                half_open_trials: b.half_open_trials.clamp(1, 1_000),
            }
        });
        let network = raw.network.as_ref().map(|d| {
            let np = [path, &[field("network")]].concat();
            let dist = self.dist(&np, d);
            if dist.mean_us() > HOUR as f64 {
                self.err(&np, "the network delay's mean must be at most 1h", "write e.g. network: Exp(\"100ms\")");
            }
            dist
        });
        CallPolicy {
            network,
            timeout,
            retry: RetryPolicy {
                max_attempts: raw.retries.min(9) + 1,
                backoff: raw.backoff,
                base: raw.base,
                cap: raw.cap.max(raw.base),
                budget,
            },
            breaker,
            idempotent: raw.idempotent,
            idempotency_key: raw.idempotency_key,
        }
    }
}

/// Whether every list is within `MAX_ITEMS`. A list over the limit is reported on its own:
/// validating each of thousands of items (many looked up among thousands of names) would take
/// minutes.
pub(super) fn lists_within_limits(cx: &mut Ctx, raw: &RawScenario) -> bool {
    let lists = [
        ("services", raw.services.0.len()),
        ("caches", raw.caches.0.len()),
        ("third_parties", raw.third_parties.0.len()),
        ("queues", raw.queues.0.len()),
        ("versions", raw.versions.0.len()),
        ("flags", raw.flags.0.len()),
        ("teams", raw.teams.0.len()),
        ("alerts", raw.alerts.len()),
        ("timeline", raw.timeline.len()),
        ("objectives", raw.objectives.len()),
        ("judge", raw.judge.len()),
        ("expert", raw.expert.len()),
        ("hints", raw.hints.len()),
        ("teaches", raw.teaches.len()),
        ("owns", raw.owns.len()),
        ("runbook", raw.runbook.len()),
        ("lessons", raw.lessons.len()),
        ("tutorial", raw.tutorial.as_ref().map_or(0, Vec::len)),
    ];
    for (list, n) in lists {
        cx.count(&[field(list)], n);
    }
    cx.p.0.is_empty()
}

pub(super) fn names_of<V>(m: &[(String, V)]) -> Vec<String> {
    m.iter().map(|(k, _)| k.clone()).collect()
}

pub(super) fn check_names(cx: &mut Ctx, raw: &RawScenario) {
    let mut seen: Vec<String> = Vec::new();
    let groups: [(&str, Vec<String>); 4] = [
        ("services", names_of(&raw.services.0)),
        ("caches", names_of(&raw.caches.0)),
        ("third_parties", names_of(&raw.third_parties.0)),
        ("queues", names_of(&raw.queues.0)),
    ];
    for (group, names) in groups {
        cx.count(&[field(group)], names.len());
        for (i, n) in names.into_iter().enumerate() {
            let path = vec![field(group), key(&n)];
            cx.name(&path, &n);
            if n == "edge" || n == "db" || n == "business" {
                cx.err(
                    &path,
                    format!("`{n}` is a reserved name"),
                    "`edge`, `db` and `business` stand for the edge, the database and the business's costs in targets and metrics; choose another name",
                );
            } else if seen.contains(&n) {
                // By position: a key repeated in one map would find the first one.
                cx.err(
                    &[field(group), index(i)],
                    format!("the name `{n}` is used twice"),
                    "services, caches, third parties and queues share one namespace",
                );
            }
            seen.push(n);
        }
    }
    for (group, names) in
        [("versions", names_of(&raw.versions.0)), ("flags", names_of(&raw.flags.0)), ("teams", names_of(&raw.teams.0))]
    {
        cx.count(&[field(group)], names.len());
        let mut local: Vec<String> = Vec::new();
        for (i, n) in names.into_iter().enumerate() {
            let path = [field(group), key(&n)];
            cx.name(&path, &n);
            if local.contains(&n) {
                cx.err(&[field(group), index(i)], format!("`{n}` is defined twice"), "remove one of them");
            }
            local.push(n);
        }
    }
}
