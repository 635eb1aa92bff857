//! Asynchronous replication of the primary database: read replicas that apply the primary's
//! writes in order at a finite rate after a shipping delay (so they lag), reads that can go
//! to them and see stale data, failovers that lose the writes a replica had not applied, and an
//! orchestrator that fails over by itself — which, with a partition and no fencing, gives two
//! primaries (split brain). Nodes have a round trip from the services (`rtt`) that moves with
//! the primary on a failover; with `restore`, an old primary left behind by an unfenced failover
//! stays diverged until it is rebuilt from backup.

use crate::sim::kernel::time::Dur;
use serde::Serialize;

/// One read replica.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replica {
    pub name: String,
    /// Writes per second its single applier can apply (like the SQL thread of a `MySQL` replica).
    pub apply_rate: f64,
    /// Time from a write's commit on the primary to its arrival on the replica.
    pub delay: Dur,
    /// Queries it runs at once (reads).
    pub cores: u32,
    /// Round trip from the services to this node: every query it runs (its reads, and every
    /// query once it is promoted) waits this long on the wire, holding the connection but no
    /// core.
    pub rtt: Dur,
    /// It takes reads (`false`: a standby that only replicates).
    pub reads: bool,
}

/// Rebuilding a database node from backup (`database.restore`). With it, an old primary that
/// an unfenced failover left behind during a partition is **diverged** — it holds writes the
/// new primary lacks and lacks the new primary's — until a `Restore` rebuilds it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Restore {
    /// How long copying the backup onto the node takes (progress is linear in it).
    pub transfer: Dur,
    /// Once the rebuilt node has caught up, the orchestrator moves the primary back to it (a
    /// planned switchover: no write is lost).
    pub fail_back: bool,
}

/// The orchestrator's automatic failover.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AutoFailover {
    /// How long the primary must be unreachable (down or partitioned away) before the
    /// orchestrator promotes a replica.
    pub detect_after: Dur,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Replication {
    /// Empty: no replicas, and the database behaves as a single primary.
    pub replicas: Vec<Replica>,
    /// Rows that writes and reads spread over uniformly (for stale reads).
    pub keys: f64,
    pub auto_failover: Option<AutoFailover>,
    /// Every failover stops the old primary from accepting writes (STONITH). Without it, an
    /// old primary that some instances still reach keeps taking writes: split brain.
    pub fence_old_primary: bool,
    /// The primary node's name (`database.name`) and its round trip from the services.
    pub primary_name: String,
    pub primary_rtt: Dur,
    /// Rebuilds from backup are modelled (see [`Restore`]); `None`: an old primary is rebuilt
    /// at once and the writes only it held are lost.
    pub restore: Option<Restore>,
}

/// Writes committed within one bucket of this length share one backlog entry: the backlog's
/// memory stays bounded by length / bucket, and a lag is exact to within a bucket.
pub const WRITE_BUCKET: Dur = Dur(10_000);
