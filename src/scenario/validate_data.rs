//! Validating replication: replica names, rates and delays in range, the key count, the
//! orchestrator's detection time; and the `db.*` replication metrics need replicas.

use super::error::{field, index};
use super::raw::RawDatabase;
use super::validate::Ctx;
use crate::sim::Dur;
use crate::sim::kernel::time::HOUR;
use crate::sim::model::replication::{AutoFailover, Replica, Replication};

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
        let cores = r.cores.unwrap_or(d.cores);
        if cores == 0 || cores > 1024 {
            cx.err(&at("cores"), "a replica needs 1 to 1024 cores", "");
        }
        replicas.push(Replica {
            name: r.name.clone(),
            apply_rate: r.apply_rate.clamp(1e-3, 1e7),
            delay: r.delay.min(Dur(HOUR)),
            cores: cores.clamp(1, 1024),
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
    Replication { replicas, keys: keys.clamp(1.0, 1e12), auto_failover, fence_old_primary: d.fence_old_primary }
}
