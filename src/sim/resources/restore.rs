//! Diverged primaries and rebuilding a node from backup (`database.restore`; GitHub, October
//! 2018). Without `restore`, an old primary is rebuilt at once by every failover and whatever
//! only it held is lost (`replica.rs`). With it, rebuilds take time and the data has two
//! sides:
//!
//! - **Divergence.** A failover that begins during a `PrimaryPartition` while the old primary
//!   is not fenced leaves that old primary running with the writes the promoted replica lacks
//!   (`old_side`: not lost, stranded on it) and, during the split, its side's writes. Once the
//!   new primary serves, every write it takes is one the old primary lacks (`new_side`). The
//!   old primary sits in the promoted replica's slot and replicates nothing: it cannot apply
//!   the new primary's stream on top of writes the new primary never had. It takes no reads.
//! - **Fail-back.** A failover onto the diverged node promotes it: the current primary's
//!   `new_side` writes are lost (discarded), the old side's are kept. The demoted node is then
//!   diverged in its turn, with nothing of its own left to keep.
//! - **Restore.** `Restore` wipes the diverged node and copies the backup onto it (taken when
//!   the run starts) for `transfer`, reporting its progress; the old side's writes are kept
//!   from its binlog and replayed onto the primary when the copy is done (reconciled). The
//!   node then replicates from the primary, starting from the backup: its backlog is every
//!   write the primary committed since 0 s, applied at the slot's `apply_rate` while new ones
//!   arrive — catch-up takes backlog / (apply rate − write rate), slower as load rises. When
//!   its lag is within its shipping delay + 1 s it has caught up, and with `fail_back` the
//!   orchestrator switches the primary back to it (planned: writes stop for the failover
//!   window while it applies the last ones, so none is lost).
//!
//! Invariants: at most one node is diverged or being restored; a slot that is diverged or
//! copying has an empty backlog and receives no writes; `history` is kept only with
//! `restore`.

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::time::{Dur, SEC, SimTime};
use crate::sim::observe::events::EventKind;
use crate::sim::observe::logs::Level;
use crate::sim::observe::metric::RestoreStats;

/// The old primary left behind, in replica slot `slot`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Diverged {
    pub slot: usize,
    /// The node (the old primary, or after a fail-back the node it displaced).
    pub node: usize,
    /// Writes the serving primary took since the split that this node lacks: what a
    /// fail-back discards.
    pub new_side: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Copying,
    CatchingUp,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RestoreRun {
    slot: usize,
    started: SimTime,
    copied_at: SimTime,
    phase: Phase,
    /// Tenths of the copy already reported.
    reported: u32,
}

impl Sim {
    pub(super) fn node_rtt(&self, node: usize) -> Dur {
        let Some(d) = self.spec.database.as_ref() else { return Dur::ZERO };
        if node == 0 { d.replication.primary_rtt } else { d.replication.replicas[node - 1].rtt }
    }

    pub(super) fn node_name(&self, node: usize) -> &str {
        let Some(d) = self.spec.database.as_ref() else { return "" };
        if node == 0 { &d.replication.primary_name } else { &d.replication.replicas[node - 1].name }
    }

    fn copying_slot(&self) -> Option<usize> {
        self.data.restore.filter(|r| r.phase == Phase::Copying).map(|r| r.slot)
    }

    /// Replica slot `r` takes reads: its setting, and not diverged or being copied.
    pub(super) fn takes_reads(&self, r: usize) -> bool {
        let reads = self.spec.database.as_ref().is_some_and(|d| d.replication.replicas[r].reads);
        reads && self.data.diverged.is_none_or(|d| d.slot != r) && self.copying_slot() != Some(r)
    }

    /// Replica slot `r` can be promoted (not while its backup is being copied).
    pub(super) fn promotable(&self, r: usize) -> bool {
        self.copying_slot() != Some(r)
    }

    /// Whether any replica could be promoted now.
    pub(crate) fn can_fail_over(&self) -> bool {
        !self.data.active || (0..self.data.replicas.len()).any(|r| self.promotable(r))
    }

    /// The writes the primary has that slot `r` lacks.
    pub(super) fn missing(&self, r: usize) -> u64 {
        match self.data.diverged {
            Some(d) if d.slot == r => d.new_side,
            _ => self.data.replicas[r].unapplied,
        }
    }

    /// A write reaches the serving primary: the diverged node lacks it, a restore will need
    /// it. Returns the slot that gets no copy of it.
    pub(super) fn diverged_write(&mut self) -> Option<usize> {
        if !self.data.rebuilds {
            return None;
        }
        let sec = (self.now.0 / SEC) as usize;
        if self.data.history.len() <= sec {
            self.data.history.resize(sec + 1, 0);
        }
        self.data.history[sec] += 1;
        if let Some(d) = self.data.diverged.as_mut() {
            d.new_side += 1;
            return Some(d.slot);
        }
        self.copying_slot()
    }

    /// A failover onto slot `best` (which lacks `lost` writes) begins: with rebuilds modelled,
    /// a fail-back onto the diverged node, or an unfenced promotion during a partition, which
    /// leaves the old primary diverged. `Some(log line)` when it is one of these (the loss is
    /// accounted here), `None` for an ordinary failover.
    pub(super) fn failover_divergence(&mut self, best: usize, lost: u64) -> Option<String> {
        if !self.data.rebuilds || self.data.planned {
            return None;
        }
        let name = self.node_name(self.data.slot_node[best]).to_string();
        let old = self.node_name(self.data.primary_node).to_string();
        if self.data.diverged.is_some_and(|d| d.slot == best) {
            self.data.acc.lost = self.data.acc.lost.saturating_add(lost as u32);
            self.data.totals.0 += lost;
            let kept = std::mem::take(&mut self.data.old_side);
            self.data.diverged = Some(Diverged { slot: best, node: self.data.primary_node, new_side: 0 });
            return Some(format!(
                "failing back to {name}: the {lost} writes {old} took since the split, which {name} lacks, are lost; the {kept} only {name} held are kept"
            ));
        }
        if self.data.isolated.is_empty() || self.fenced() {
            return None;
        }
        self.data.old_side += lost;
        self.data.diverged = Some(Diverged { slot: best, node: self.data.primary_node, new_side: 0 });
        Some(format!(
            "promoting {name}: the {lost} writes it lacks stay on {old}, which is not fenced: the two copies diverge (rebuild {old} from backup, or fail back and lose what {name} takes)"
        ))
    }

    /// A failover finished: a planned switchover ends the restore that asked for it.
    pub(super) fn restore_after_failover(&mut self) {
        if self.data.restore.is_some_and(|r| r.phase == Phase::CatchingUp) {
            self.data.restore = None;
        }
    }

    /// Whether `Restore` has a node to rebuild: `Err(reason)` when not.
    pub(crate) fn restore_refusal(&self) -> Result<(), &'static str> {
        if !self.data.rebuilds {
            return Err("this database has no restore procedure (database.restore)");
        }
        if self.data.restore.is_some() {
            return Err("a restore is already under way");
        }
        if self.db.failing_over {
            return Err("a failover is in progress: restore once it has finished");
        }
        if self.data.diverged.is_none() {
            return Err("no database node needs rebuilding: every replica can replicate from the primary");
        }
        Ok(())
    }

    /// `Restore` takes effect: the diverged node is wiped and the backup copied onto it.
    pub(crate) fn start_restore(&mut self) {
        let Some(d) = self.data.diverged.take() else { return };
        let transfer =
            self.spec.database.as_ref().and_then(|d| d.replication.restore).map_or(Dur::ZERO, |r| r.transfer);
        let run = RestoreRun {
            slot: d.slot,
            started: self.now,
            copied_at: self.now + transfer,
            phase: Phase::Copying,
            reported: 0,
        };
        self.data.restore = Some(run);
        let node = self.node_name(d.node).to_string();
        let text = format!(
            "restoring {node} from the backup taken at 0s: copying takes {transfer}; the {} writes only {node} held are saved from its binlog, to replay onto the primary",
            self.data.old_side
        );
        self.rec.logs.push(self.now, Level::Warn, "db", "restore", None, text);
        self.emit(false, EventKind::RestoreStarted { node });
        self.q.push(self.now + Dur::from_secs(1), Ev::RestoreTick);
    }

    /// Once a second while a restore runs: progress, the end of the copy, catching up.
    pub(crate) fn on_restore_tick(&mut self) {
        let Some(mut run) = self.data.restore else { return };
        let now = self.now;
        let node = self.node_name(self.data.slot_node[run.slot]).to_string();
        match run.phase {
            Phase::Copying if now >= run.copied_at => {
                self.restore_copied(run.slot, &node);
                run.phase = Phase::CatchingUp;
                run.reported = 0;
            }
            Phase::Copying => {
                let tenth = (10.0 * self.restore_fraction(&run)) as u32;
                if tenth > run.reported {
                    run.reported = tenth;
                    let left = run.copied_at.since(now);
                    let text = format!("restore of {node}: {}% of the backup copied, {left} left", tenth * 10);
                    self.rec.logs.push(now, Level::Info, "db", "restore", None, text);
                }
            }
            Phase::CatchingUp => {
                let lag = self.lag(run.slot);
                let delay = self.spec.database.as_ref().map_or(Dur::ZERO, |d| d.replication.replicas[run.slot].delay);
                if lag <= delay + Dur::from_secs(1) {
                    return self.restore_caught_up(run.slot, &node);
                }
                let secs = now.since(run.copied_at).0 / SEC;
                if secs.is_multiple_of(30) {
                    let behind = self.data.replicas[run.slot].unapplied;
                    let text = format!("{node} catching up from the backup: {lag} behind ({behind} writes to apply)");
                    self.rec.logs.push(now, Level::Info, "db", "restore", None, text);
                }
            }
        }
        self.data.restore = Some(run);
        self.q.push(now + Dur::from_secs(1), Ev::RestoreTick);
    }

    fn restore_fraction(&self, run: &RestoreRun) -> f64 {
        let total = run.copied_at.since(run.started).0.max(1) as f64;
        (self.now.since(run.started).0 as f64 / total).min(1.0)
    }

    /// The copy is done: the saved writes are replayed onto the primary, and the node starts
    /// replicating every write since the backup.
    fn restore_copied(&mut self, slot: usize, node: &str) {
        let now = self.now;
        let replayed = std::mem::take(&mut self.data.old_side);
        let sec = (now.0 / SEC) as usize;
        if self.data.history.len() <= sec {
            self.data.history.resize(sec + 1, 0);
        }
        self.data.history[sec] = self.data.history[sec].saturating_add(replayed as u32);
        for (k, st) in self.data.replicas.iter_mut().enumerate() {
            if k != slot && replayed > 0 {
                st.backlog.push_back((now, replayed as u32));
                st.unapplied += replayed;
            }
        }
        let st = &mut self.data.replicas[slot];
        st.backlog = self
            .data
            .history
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(s, &n)| (SimTime(s as u64 * SEC), n))
            .collect();
        st.unapplied = st.backlog.iter().map(|b| u64::from(b.1)).sum();
        st.head_done = None;
        st.free_at = now;
        let behind = st.unapplied;
        let primary = self.node_name(self.data.primary_node).to_string();
        let text = format!(
            "restore of {node}: backup copied; {replayed} saved writes replayed onto {primary} (reconciled); {node} now replicates from {primary}, {behind} writes behind"
        );
        self.rec.logs.push(now, Level::Warn, "db", "restore", None, text);
        self.emit(false, EventKind::RestoreCopied { node: node.to_string(), behind });
    }

    fn restore_caught_up(&mut self, slot: usize, node: &str) {
        let fail_back = self.spec.database.as_ref().and_then(|d| d.replication.restore).is_some_and(|r| r.fail_back);
        self.emit(false, EventKind::RestoreFinished { node: node.to_string() });
        if !fail_back || self.db.failing_over {
            self.data.restore = None;
            return;
        }
        let text = format!("{node} has caught up: switching the primary back to it (planned: writes pause, none lost)");
        self.rec.logs.push(self.now, Level::Warn, "db", "orchestrator", None, text);
        self.data.planned = true;
        self.begin_failover(slot);
    }

    /// This window's divergence and restore figures, for `ReplicationStats`.
    pub(super) fn restore_stats(&self) -> (u64, u64, Option<RestoreStats>) {
        let new_side = self.data.diverged.map_or(0, |d| d.new_side);
        let restore = self.data.restore.map(|run| RestoreStats {
            node: self.node_name(self.data.slot_node[run.slot]).to_string(),
            progress: self.restore_fraction(&run) as f32,
            catching_up: run.phase == Phase::CatchingUp,
        });
        (self.data.old_side, new_side, restore)
    }
}
