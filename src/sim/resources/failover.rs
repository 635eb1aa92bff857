//! Failovers: the player's `Failover`, the orchestrator's after the primary has been
//! unreachable for `detect_after`, and the planned switchover that ends a restore. A failover
//! promotes the replica that lacks the fewest writes; the writes it lacks are lost (RPO = its
//! lag), unless rebuilds are modelled and the old primary keeps them (`restore.rs`). Queries
//! fail for the failover window; then the promoted node is the primary and the old primary
//! takes its replica slot, every replica caught up with the new primary.
//!
//! Invariants: one failover at a time (`db.failing_over`); an automatic failover scheduled
//! before the primary's reachability last changed (`epoch`) does nothing.

use crate::sim::engine::{Ev, Sim};
use crate::sim::kernel::time::Dur;
use crate::sim::model::fault::Fault;
use crate::sim::model::rules::Inject;
use crate::sim::observe::events::{ClearCause, EventKind};
use crate::sim::observe::logs::Level;

impl Sim {
    /// A failover begins (by the player or the orchestrator): every query fails for the
    /// failover window, then the most caught-up replica is the primary.
    pub(crate) fn start_failover(&mut self) {
        if !self.data.active {
            return self.failover_window();
        }
        // The writes the promoted replica lacks are lost (RPO = its lag). A diverged old
        // primary lacks every write the current one took since the split (a fail-back).
        let candidates: Vec<usize> = (0..self.data.replicas.len()).filter(|&r| self.promotable(r)).collect();
        let best = candidates
            .into_iter()
            .min_by_key(|&r| {
                self.advance(r);
                self.missing(r)
            })
            .unwrap_or(0);
        self.begin_failover(best);
    }

    /// Queries fail for the failover window, then `FailoverDone`.
    fn failover_window(&mut self) {
        self.db.failing_over = true;
        self.emit(false, EventKind::FailoverStarted);
        let window = self.spec.database.as_ref().map_or(Dur::from_secs(30), |d| d.failover_window);
        self.q.push(self.now + window, Ev::FailoverDone);
    }

    /// A failover onto replica slot `best` begins. A planned switchover (`data.planned`) loses
    /// nothing: writes stop while the replica applies what it has not.
    pub(super) fn begin_failover(&mut self, best: usize) {
        self.failover_window();
        self.data.promoting = Some(best);
        let lost = if self.data.planned { 0 } else { self.missing(best) };
        let lag = self.lag(best);
        self.data.epoch += 1;
        let name = self.node_name(self.data.slot_node[best]).to_string();
        let mut text = if let Some(text) = self.failover_divergence(best, lost) {
            text // the old primary keeps them, or they were a fail-back's (restore.rs)
        } else {
            self.data.acc.lost = self.data.acc.lost.saturating_add(lost as u32);
            self.data.totals.0 += lost;
            format!("promoting {name} ({lag} behind): {lost} writes it had not applied are lost")
        };
        if !self.data.isolated.is_empty() {
            self.data.abandoned = true;
            text.push_str(if self.fenced() {
                "; the old primary is fenced"
            } else {
                "; the old primary is not fenced and still takes writes from its side"
            });
        }
        self.rec.logs.push(self.now, Level::Error, "db", "orchestrator", None, text);
    }

    /// The promoted replica serves as the primary (its `SlowReplica` faults are over: the
    /// rebuilt old primary takes its place); every replica starts caught up with it.
    pub(crate) fn data_failover_done(&mut self) {
        let now = self.now;
        self.data.blocked_since = None;
        self.data.planned = false;
        if let Some(promoted) = self.data.promoting.take() {
            // The promoted node is the primary; the old primary takes its slot.
            std::mem::swap(&mut self.data.primary_node, &mut self.data.slot_node[promoted]);
            self.db.rtt = self.node_rtt(self.data.primary_node);
            self.db.wire = self.db.extra + self.db.rtt;
            for idx in 0..self.spec.timeline.len() {
                if let Inject::Fault(Fault::SlowReplica { replica, .. }) = self.spec.timeline[idx].inject
                    && replica == promoted
                {
                    self.clear_entry(idx, "the replica was promoted to primary", ClearCause::Fixed);
                }
            }
        }
        for r in &mut self.data.replicas {
            r.backlog.clear();
            r.unapplied = 0;
            r.head_done = None;
            r.free_at = now;
        }
        self.restore_after_failover();
    }

    /// The primary became unreachable (down, or partitioned away): the orchestrator, if
    /// any, fails over once that has lasted `detect_after`.
    pub(crate) fn primary_reachability_changed(&mut self) {
        self.data.epoch += 1;
        let detect = self.spec.database.as_ref().and_then(|d| d.replication.auto_failover).map(|a| a.detect_after);
        if let Some(d) = detect
            && self.primary_unreachable()
        {
            self.q.push(self.now + d, Ev::AutoFailover { epoch: self.data.epoch });
        }
    }

    fn primary_unreachable(&self) -> bool {
        self.db.down > 0 || (!self.data.isolated.is_empty() && !self.data.abandoned)
    }

    pub(crate) fn on_auto_failover(&mut self, epoch: u32) {
        if epoch != self.data.epoch
            || !self.primary_unreachable()
            || self.db.failing_over
            || !self.data.active
            || !self.can_fail_over()
        {
            return;
        }
        let after =
            self.spec.database.as_ref().and_then(|d| d.replication.auto_failover).map_or(Dur::ZERO, |a| a.detect_after);
        self.rec.logs.push(
            self.now,
            Level::Warn,
            "db",
            "orchestrator",
            None,
            format!("primary unreachable for {after}: failing over"),
        );
        self.start_failover();
    }
}
