//! The scenario timeline: firing entries (at a time or when a condition holds), applying and
//! clearing faults, delivering scripted messages, logs and red-herring alerts.

use super::alerts::{AlertPhase, FakeAlert};
use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::fmath;
use crate::sim::kernel::time::{Dur, SimTime};
use crate::sim::model::fault::{Capacity, CertTarget, Fault};
use crate::sim::model::rules::{Inject, Trigger};
use crate::sim::model::spec::Target;
use crate::sim::observe::events::{ClearCause, EventKind};
use crate::sim::observe::metric::Component;
use crate::sim::request::patho::Patho;
use crate::sim::resources::deploy::Skips;
use crate::sim::resources::instance::InstState;

/// Timeline entry progress.
#[derive(Clone, Debug, Default)]
pub(crate) struct TlState {
    pub fired: Option<SimTime>,
    pub active: bool,
    pub cleared: Option<SimTime>,
    /// The player headed it off before it fired: it never will.
    pub averted: Option<SimTime>,
}

/// The scenario timeline as it plays: each entry's progress, and the monitoring faults in
/// force (by entry), which window closes read.
#[derive(Clone, Debug)]
pub(crate) struct Timeline {
    pub entries: Vec<TlState>,
    pub blind: Vec<(usize, Option<Component>)>,
    pub lag: Vec<(usize, Dur)>,
}

impl Timeline {
    pub fn new(entries: usize) -> Self {
        Timeline { entries: vec![TlState::default(); entries], blind: Vec::new(), lag: Vec::new() }
    }
}

/// The faults acting on one service (counts for faults that may overlap).
#[derive(Clone, Debug, Default)]
pub(crate) struct SvcFaults {
    pub outage: u32,
    pub error_rate: f64,
    pub extra_latency: Dur,
    pub cpu_hog: f64,
    pub leak_mb_s: f64,
    pub conn_leak_per_s: f64,
    pub partitions: Vec<(Target, f64)>,
    /// `PathologicalInput` faults in force.
    pub patho: Vec<crate::sim::request::patho::Patho>,
}

impl Sim {
    /// Fires timeline entry `idx` (once).
    pub(crate) fn fire_entry(&mut self, idx: usize) {
        if self.timeline.entries[idx].fired.is_some() || self.timeline.entries[idx].averted.is_some() {
            return;
        }
        self.timeline.entries[idx].fired = Some(self.now);
        let entry = self.spec.timeline[idx].clone();
        match &entry.inject {
            Inject::Fault(fault) => {
                let detail = self.describe_fault(fault);
                self.emit(
                    true,
                    EventKind::FaultStarted { label: entry.label.clone(), fault: fault.name().to_string(), detail },
                );
                self.timeline.entries[idx].active = true;
                self.apply_fault(idx, fault, true);
                if fault.is_momentary() {
                    // An event, not a state: it is over as soon as it happened.
                    self.timeline.entries[idx].active = false;
                    self.timeline.entries[idx].cleared = Some(self.now);
                } else if let Some(d) = entry.duration {
                    self.q.push(self.now + d, Ev::FaultEnd { idx: idx as u32 });
                }
            }
            // Someone else's action that is not trouble: it acts, and shows, but no fault starts.
            Inject::Change(action) => self.apply_fault(idx, action, true),
            Inject::Message { from, text } => {
                self.emit(false, EventKind::Message { from: from.clone(), text: text.clone() });
            }
            Inject::Log { source, level, text } => {
                self.rec.logs.push(self.now, *level, source, source, None, text.clone());
            }
            Inject::FakeAlert { name, severity, summary, duration } => {
                self.rules.fake.push(FakeAlert {
                    name: name.clone(),
                    severity: *severity,
                    summary: summary.clone(),
                    phase: AlertPhase::Firing(self.now),
                });
                let i = self.rules.fake.len() - 1;
                self.emit(
                    false,
                    EventKind::AlertFiring { alert: name.clone(), severity: *severity, summary: summary.clone() },
                );
                self.q.push(self.now + *duration, Ev::FakeAlertEnd { idx: i as u32 });
            }
        }
    }

    pub(crate) fn on_fake_alert_end(&mut self, i: usize) {
        if let Some(a) = self.rules.fake.get_mut(i)
            && matches!(a.phase, AlertPhase::Firing(_))
        {
            a.phase = AlertPhase::Inactive;
            let alert = a.name.clone();
            self.emit(false, EventKind::AlertResolved { alert });
        }
    }

    /// Clears an active fault entry.
    pub(crate) fn clear_entry(&mut self, idx: usize, why: &str, cause: ClearCause) {
        if !self.timeline.entries[idx].active {
            return;
        }
        self.timeline.entries[idx].active = false;
        self.timeline.entries[idx].cleared = Some(self.now);
        let entry = self.spec.timeline[idx].clone();
        if let Inject::Fault(fault) = &entry.inject {
            self.apply_fault(idx, fault, false);
        }
        self.emit(true, EventKind::FaultCleared { label: entry.label, why: why.to_string(), cause: Some(cause) });
    }

    /// Entries waiting for a condition: fire those whose condition now holds.
    pub(crate) fn check_triggers(&mut self) {
        for idx in 0..self.spec.timeline.len() {
            if self.timeline.entries[idx].fired.is_some() || self.timeline.entries[idx].averted.is_some() {
                continue;
            }
            if let Trigger::When(cond) = &self.spec.timeline[idx].trigger
                && self.holds(cond)
            {
                self.fire_entry(idx);
            }
        }
    }

    /// `BadDeploy` entries whose version no longer runs on service `s` are over.
    pub(crate) fn clear_gone_versions(&mut self, s: usize) {
        let running = self.live_versions(s);
        self.rec.work.instance_visits += self.svcs[s].alive.len() as u64;
        for idx in 0..self.spec.timeline.len() {
            if let Inject::Fault(Fault::BadDeploy { service, version, .. }) = self.spec.timeline[idx].inject
                && service == s
                && self.timeline.entries[idx].active
                && !running.iter().any(|(v, _)| *v == version)
            {
                let why = format!("{} no longer running", self.spec.versions[version].name);
                self.clear_entry(idx, &why, ClearCause::Fixed);
            }
        }
    }

    fn apply_fault(&mut self, idx: usize, fault: &Fault, on: bool) {
        let sign: i32 = if on { 1 } else { -1 };
        let bump = |x: &mut u32| *x = x.saturating_add_signed(sign);
        let k = if on { 1.0 } else { -1.0 };
        match fault {
            &Fault::InstanceCrash { service, instance } => {
                if on {
                    let live: Vec<usize> = (0..self.svcs[service].insts.len())
                        .filter(|&i| self.svcs[service].insts[i].state == InstState::Ready)
                        .collect();
                    let pick = match instance {
                        Some(n) => live.iter().copied().find(|&i| self.svcs[service].insts[i].num == n),
                        None if live.is_empty() => None,
                        None => Some(live[self.rng.faults.below(live.len())]),
                    };
                    if let Some(i) = pick {
                        self.crash(service, i, "killed (node failure)");
                    }
                }
            }
            &Fault::ServiceOutage { service } => bump(&mut self.svcs[service].faults.outage),
            &Fault::AddLatency { target, extra } => match target {
                Target::Database => {
                    self.db.extra = if on { self.db.extra + extra } else { self.db.extra - extra };
                    self.db.wire = self.db.extra + self.db.rtt;
                }
                Target::Service(s) => {
                    let e = &mut self.svcs[s].faults.extra_latency;
                    *e = if on { *e + extra } else { *e - extra };
                }
                Target::ThirdParty(t) => {
                    let e = &mut self.tps[t].extra;
                    *e = if on { *e + extra } else { *e - extra };
                }
            },
            &Fault::ErrorInjection { target, rate } => {
                let r = match target {
                    Target::Database => &mut self.db.error_rate,
                    Target::Service(s) => &mut self.svcs[s].faults.error_rate,
                    Target::ThirdParty(t) => &mut self.tps[t].error_rate,
                };
                *r = (*r + k * rate).clamp(0.0, 1.0);
            }
            &Fault::DependencyDown { third_party } => bump(&mut self.tps[third_party].down),
            &Fault::BlackHole { third_party } => bump(&mut self.tps[third_party].blackhole),
            &Fault::QuotaCut { third_party, limit } => {
                self.tps[third_party].quota_cut =
                    on.then(|| crate::sim::resources::bucket::TokenBucket::new(limit, self.now));
            }
            &Fault::SlowQueries { factor, fixed_by_failover } => {
                if on {
                    self.db.slow.push((idx, factor, fixed_by_failover));
                } else {
                    self.db.slow.retain(|x| x.0 != idx);
                }
            }
            Fault::DatabaseDown => {
                bump(&mut self.db.down);
                self.primary_reachability_changed();
            }
            &Fault::DiskFull { write_fraction } => self.db.disk_full = if on { write_fraction } else { 0.0 },
            &Fault::ConnectionLeak { service, per_minute } => {
                self.svcs[service].faults.conn_leak_per_s += k * per_minute / 60.0;
            }
            &Fault::MemoryLeak { service, mb_per_s } => self.svcs[service].faults.leak_mb_s += k * mb_per_s,
            &Fault::CpuHog { service, cores } => self.svcs[service].faults.cpu_hog += k * cores,
            &Fault::TrafficSpike { factor } => {
                self.edge.spike = if on { self.edge.spike * factor } else { self.edge.spike / factor };
                self.invalidate_rate_ceiling();
            }
            Fault::AbusiveClient { client, rps } => {
                if on {
                    self.start_abuser(client, *rps);
                } else if let Some(a) = self.edge.abusers.iter_mut().find(|a| &a.0 == client) {
                    a.2 = a.2.saturating_sub(1);
                }
            }
            &Fault::CacheFlush { cache } => {
                self.caches[cache].warmth = 0.0;
                self.caches[cache].hot_present = false;
            }
            &Fault::HotKeyExpiry { cache } => self.caches[cache].hot_present = false,
            Fault::BadDeploy { service, version, batch, by, miss, stop_after } => {
                if on {
                    let skips = Skips { miss, stop_after: *stop_after };
                    self.start_rollout_skipping(*service, *version, *batch, by, false, &skips);
                }
            }
            Fault::FlagFlip { flag, on: to, by } => {
                if on {
                    self.flags[*flag] = *to;
                    let flag = self.spec.flags[*flag].name.clone();
                    self.emit(false, EventKind::FlagChanged { flag, on: *to, by: by.clone() });
                }
            }
            Fault::CapacityChange { service, change, by, intended } => {
                if on {
                    let before = self.change_capacity(*service, *change, by, intended);
                    self.clears.capacity_before.push((idx, before));
                }
            }
            Fault::ManualCommand { service, instance, command, effect, by } => {
                if on {
                    self.run_manual_command(*service, *instance, command, *effect, by);
                }
            }
            &Fault::PathologicalInput { service, endpoint, fraction, .. } => {
                let faults = &mut self.svcs[service].faults.patho;
                if on {
                    faults.push(Patho { entry: idx as u16, endpoint, fraction });
                } else {
                    faults.retain(|p| usize::from(p.entry) != idx);
                }
            }
            Fault::BadConfig { service, change, by } => {
                if on {
                    let cfg = self.changed_config(*service, change);
                    let what = self.describe_change(*service, change);
                    self.push_config(*service, cfg, what, by);
                }
            }
            &Fault::CertExpiry { target } => match target {
                CertTarget::Edge => self.edge.cert_expired = on,
                CertTarget::ThirdParty(t) => self.tps[t].cert_expired = on,
            },
            &Fault::Partition { service, target, fraction } => {
                if on {
                    self.svcs[service].faults.partitions.push((target, fraction));
                } else if let Some(p) =
                    self.svcs[service].faults.partitions.iter().position(|p| *p == (target, fraction))
                {
                    self.svcs[service].faults.partitions.remove(p);
                }
            }
            &Fault::MonitoringBlind { component } => {
                if on {
                    self.timeline.blind.push((idx, component));
                } else {
                    self.timeline.blind.retain(|b| b.0 != idx);
                }
            }
            &Fault::MonitoringLag { lag } => {
                if on {
                    self.timeline.lag.push((idx, lag));
                } else {
                    self.timeline.lag.retain(|b| b.0 != idx);
                }
            }
            &Fault::PoisonMessage { queue, count } => {
                if on {
                    (0..count).for_each(|_| self.enqueue(queue, true));
                }
            }
            &Fault::SlowReplica { replica, factor } => self.set_replica_slow(replica, idx, factor, on),
            &Fault::PrimaryPartition { fraction } => self.set_primary_partition(idx, fraction, on),
        }
    }

    /// A readable account of a fault, for the debrief.
    pub fn describe_fault(&self, fault: &Fault) -> String {
        let spec = &*self.spec;
        let svc = |s: usize| spec.services[s].name.as_str();
        let tp = |t: usize| spec.third_parties[t].name.as_str();
        match fault {
            Fault::InstanceCrash { service, instance } => match instance {
                Some(n) => format!("instance {}-{n} crashes", svc(*service)),
                None => format!("an instance of {} crashes", svc(*service)),
            },
            Fault::ServiceOutage { service } => {
                format!("{} answers every request with 503", svc(*service))
            }
            Fault::AddLatency { target, extra } => {
                format!("+{extra} latency on calls to {}", spec.target_name(*target))
            }
            Fault::ErrorInjection { target, rate } => {
                format!("{} of calls to {} fail", share(*rate), spec.target_name(*target))
            }
            Fault::DependencyDown { third_party } => {
                format!("{} refuses connections", tp(*third_party))
            }
            Fault::BlackHole { third_party } => {
                format!("{} accepts requests and never answers", tp(*third_party))
            }
            Fault::QuotaCut { third_party, limit } => {
                format!("{} cuts our quota to {:.0} rps", tp(*third_party), limit.rate)
            }
            Fault::SlowQueries { factor, .. } => format!("database queries take {factor}× longer"),
            Fault::DatabaseDown => "the primary database is down".to_string(),
            Fault::DiskFull { write_fraction } => {
                format!("database disk full: {} of queries (writes) fail", share(*write_fraction))
            }
            Fault::ConnectionLeak { service, per_minute } => {
                format!("{} leaks {per_minute} pool connections per minute per instance", svc(*service))
            }
            Fault::MemoryLeak { service, mb_per_s } => {
                format!("{} leaks {mb_per_s} MB/s per instance", svc(*service))
            }
            Fault::CpuHog { service, cores } => {
                format!("a noisy neighbour takes {cores} cores from each {} instance", svc(*service))
            }
            Fault::TrafficSpike { factor } => format!("traffic × {factor}"),
            Fault::AbusiveClient { client, rps } => format!("client {client} sends {rps} rps"),
            Fault::CacheFlush { cache } => format!("cache {} is flushed", spec.caches[*cache].name),
            Fault::HotKeyExpiry { cache } => {
                format!("the hot key in {} expires", spec.caches[*cache].name)
            }
            Fault::BadDeploy { service, version, by, .. } => {
                let v = &spec.versions[*version];
                format!("{by} deploys {} {} ({})", svc(*service), v.name, v.note)
            }
            Fault::BadConfig { service, change, by } => {
                format!("{by} pushes config to {}: {}", svc(*service), self.describe_change(*service, change))
            }
            Fault::FlagFlip { flag, on, by } => {
                format!("{by} turns flag {} {}", spec.flags[*flag].name, if *on { "on" } else { "off" })
            }
            Fault::CapacityChange { service, change, by, intended } => {
                let what = match change {
                    Capacity::Remove(n) => format!("removes {n} {} instances", svc(*service)),
                    Capacity::RemoveFraction(f) => format!("removes {} of {}", share(*f), svc(*service)),
                    Capacity::Add(n) => format!("adds {n} {} instances", svc(*service)),
                };
                let meant = if intended.is_empty() { String::new() } else { format!(" (intended: {intended})") };
                format!("{by} {what}{meant}")
            }
            Fault::ManualCommand { service, instance, command, by, .. } => match instance {
                Some(n) => format!("{by} runs `{command}` on {}-{n}", svc(*service)),
                None => format!("{by} runs `{command}` on an instance of {}", svc(*service)),
            },
            Fault::PathologicalInput { service, endpoint, fraction, crash, .. } => format!(
                "{} of {} {} requests carry input that takes a pathological path{}",
                share(*fraction),
                svc(*service),
                spec.services[*service].endpoints[*endpoint].name,
                if *crash { " and crashes the instance" } else { "" }
            ),
            Fault::CertExpiry { target } => match target {
                CertTarget::Edge => "our public TLS certificate expires".to_string(),
                CertTarget::ThirdParty(t) => {
                    format!("our client certificate for {} expires", tp(*t))
                }
            },
            Fault::Partition { service, target, fraction } => format!(
                "{} of {} instances cannot reach {}",
                share(*fraction),
                svc(*service),
                spec.target_name(*target)
            ),
            Fault::MonitoringBlind { component } => match component {
                Some(c) => format!("monitoring stops reporting {}", spec.component_name(*c)),
                None => "monitoring goes blind".to_string(),
            },
            Fault::MonitoringLag { lag } => format!("dashboards and alerts lag {lag} behind"),
            Fault::SlowReplica { replica, factor } => {
                let name = spec.database.as_ref().map_or("", |d| d.replication.replicas[*replica].name.as_str());
                format!("replica {name} applies writes {factor}× slower")
            }
            Fault::PrimaryPartition { fraction } => format!(
                "the primary database and {} of every service's instances are cut off from the replicas and the orchestrator",
                share(*fraction)
            ),
            Fault::PoisonMessage { queue, count } => {
                format!(
                    "{count} poison message(s) on {} crash the consumers that receive them",
                    spec.queues[*queue].name
                )
            }
        }
    }
}

/// A fraction as people write it: whole percents from 10 %, one decimal from 1 %, and two
/// significant digits below (0.1 % of requests is not "0%").
fn share(f: f64) -> String {
    let p = f * 100.0;
    let text = if p >= 10.0 || p == 0.0 {
        format!("{p:.0}")
    } else if p >= 1.0 {
        format!("{p:.1}")
    } else {
        let digits = (1.0 - fmath::log10(p).floor()).max(1.0) as usize;
        format!("{p:.digits$}")
    };
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_keep_their_significant_digits() {
        let cases = [(0.25, "25%"), (0.123, "12%"), (0.015, "1.5%"), (0.01, "1%"), (0.001, "0.1%"), (0.0005, "0.05%")];
        for (f, want) in cases {
            assert_eq!(super::share(f), want, "{f}");
        }
        assert_eq!(super::share(0.0), "0%");
        assert_eq!(super::share(1.0), "100%");
    }
}
