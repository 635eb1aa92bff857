//! A message queue (SQS-style): producers enqueue from a plan step, consumer loops on the
//! instances of a consumer service take one message at a time and run an endpoint's plan on
//! it, delivery is at least once (a message not deleted within the visibility timeout is
//! delivered again), and a message received too often goes to the dead-letter queue.

use crate::sim::kernel::time::Dur;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Queue {
    pub name: String,
    /// The service whose instances consume, and the endpoint each message runs.
    pub consumer: usize,
    pub endpoint: usize,
    /// Consumer loops per instance in rotation (each holds one message at a time).
    pub per_instance: u32,
    /// A received message becomes visible again this long after the receive unless it was
    /// processed (deleted) by then.
    pub visibility_timeout: Dur,
    /// A message is moved to the dead-letter queue instead of being received a
    /// (`max_receives` + 1)-th time. `None`: never.
    pub max_receives: Option<u32>,
    /// Messages older than this are dropped unprocessed (`expired`). `None`: kept forever.
    pub retention: Option<Dur>,
    /// Processing a message twice is harmless; otherwise every processing after the first
    /// counts as a duplicate side effect.
    pub idempotent: bool,
    /// Consumers receive only while this flag is on: off, the queue is paused and its backlog
    /// grows (and expires after `retention`).
    pub flag: Option<usize>,
}

/// How long a consumer waits for its own processing of a message: its loop holds the message
/// until the job ends (the job's own steps time out; the consumer does not give up on it).
pub const CONSUMER_PATIENCE: Dur = Dur(4 * 3_600_000_000);
