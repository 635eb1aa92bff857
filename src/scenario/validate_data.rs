//! Validating replication: replica names, rates, delays and round trips in range, the key count,
//! the orchestrator's detection time, the restore's transfer time; and the `db.*` replication
//! metrics need replicas.

use super::error::{field, index};
use super::raw::RawDatabase;
use super::validate::Ctx;
use crate::sim::Dur;
use crate::sim::kernel::time::HOUR;
use crate::sim::model::replication::{AutoFailover, Replica, Replication, Restore};

/// The longest round trip from the services to a database node.
const MAX_RTT: Dur = Dur(10_000_000);

/// The most replicas a database may have.
pub const MAX_REPLICAS: usize = 16;

pub(super) fn replication(cx: &mut Ctx, d: &RawDatabase) -> Replication {
    let p = [field("database")];
    let sub = |f: &str| [&p[..], &[field(f)]].concat();
    if d.replicas.len() > MAX_REPLICAS {
        cx.err(&sub("replicas"), format!("at most {MAX_REPLICAS} replicas"), "");
    }
    let mut replicas: Vec<Replica> = Vec::new();
    for (i, r) in d.replicas.iter().take(MAX_REPLICAS).enumerate() {
        let rp = [&sub("replicas")[..], &[index(i)]].concat();
        let at = |f: &str| [&rp[..], &[field(f)]].concat();
        cx.name(&at("name"), &r.name);
        if replicas.iter().any(|x| x.name == r.name) {
            cx.err(&at("name"), format!("two replicas are named `{}`", r.name), "replica names must be unique");
        }
        if !(r.apply_rate.is_finite() && r.apply_rate > 0.0 && r.apply_rate <= 1e7) {
            cx.err(&at("apply_rate"), "apply_rate is writes per second, above 0 and at most 10,000,000", "");
        }
        if r.delay > Dur(HOUR) {
            cx.err(&at("delay"), "a replica's delay must be at most 1h", "");
        }
        if r.rtt > MAX_RTT {
            cx.err(&at("rtt"), "a replica's rtt must be at most 10s", "a coast-to-coast round trip is about \"70ms\"");
        }
        let cores = r.cores.unwrap_or(d.cores);
        if cores == 0 || cores > 1024 {
            cx.err(&at("cores"), "a replica needs 1 to 1024 cores", "");
        }
        replicas.push(Replica {
            name: r.name.clone(),
            apply_rate: r.apply_rate.clamp(1e-3, 1e7),
            delay: r.delay.min(Dur(HOUR)),
            cores: cores.clamp(1, 1024),
            rtt: r.rtt.min(MAX_RTT),
            reads: r.reads,
        });
    }
    let keys = d.keys.unwrap_or(100_000.0);
    if !(keys.is_finite() && (1.0..=1e12).contains(&keys)) {
        cx.err(&sub("keys"), "keys must be between 1 and 10^12", "");
    }
    let auto_failover = d.auto_failover.map(|a| {
        if a.detect_after.0 == 0 || a.detect_after > Dur(HOUR) {
            cx.err(
                &[&sub("auto_failover")[..], &[field("detect_after")]].concat(),
                "detect_after must be between 1us and 1h",
                "",
            );
        }
        AutoFailover { detect_after: a.detect_after.clamp(Dur(1), Dur(HOUR)) }
    });
    if replicas.is_empty() && auto_failover.is_some() {
        cx.err(
            &sub("auto_failover"),
            "automatic failover needs a replica to promote",
            "add replicas: [(name: \"replica-1\")]",
        );
    }
    if d.rtt > MAX_RTT {
        cx.err(&sub("rtt"), "the primary's rtt must be at most 10s", "");
    }
    let primary_name = d.name.clone().unwrap_or_else(|| "primary".to_string());
    if let Some(n) = &d.name {
        cx.name(&sub("name"), n);
        if replicas.iter().any(|r| &r.name == n) {
            cx.err(
                &sub("name"),
                format!("the primary and a replica are both named `{n}`"),
                "node names must be unique",
            );
        }
    }
    let restore = d.restore.map(|r| {
        if r.transfer.0 == 0 || r.transfer > Dur(24 * HOUR) {
            cx.err(&[&sub("restore")[..], &[field("transfer")]].concat(), "transfer must be between 1us and 24h", "");
        }
        Restore { transfer: r.transfer.clamp(Dur(1), Dur(24 * HOUR)), fail_back: r.fail_back }
    });
    if replicas.is_empty() && restore.is_some() {
        cx.err(
            &sub("restore"),
            "a restore rebuilds a node left behind by a failover: it needs replicas",
            "add replicas: [(name: \"replica-1\")]",
        );
    }
    Replication {
        replicas,
        keys: keys.clamp(1.0, 1e12),
        auto_failover,
        fence_old_primary: d.fence_old_primary,
        primary_name,
        primary_rtt: d.rtt.min(MAX_RTT),
        restore,
    }
}
