//! Log lines generated from simulated events, rate-capped the way real log pipelines are:
//! each (component, kind) may write a few lines per window; the rest are counted and reported
//! as one "… N similar lines suppressed" line when the window closes. Lines are kept in a
//! bounded ring, so memory does not grow with run length.
//!
//! A few suppressed lines are kept as a sample of what the count stands for: the 1st, 10th and
//! 100th suppressed line of each (component, kind) in a window — chosen by count, so the
//! sample is deterministic — attached to the summary line (see [`Logs::samples`]) and kept as
//! long as it. Sampled lines are not numbered and never appear among the lines.

use crate::sim::kernel::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogLine {
    /// Position in the whole run's log (suppressed lines are not numbered).
    pub seq: u64,
    pub t: SimTime,
    pub level: Level,
    /// The component (service, "edge", "db", a cache or third party).
    pub component: String,
    /// The emitting instance (or the component again).
    pub source: String,
    pub trace: Option<u64>,
    pub text: String,
}

#[derive(Clone, Debug)]
struct Cap {
    written: u32,
    suppressed: u32,
    level: Level,
    component: String,
    sample: Vec<LogLine>,
}

/// The suppressed lines of a window that are kept as its sample (by their count).
const SAMPLE_AT: [u32; 3] = [1, 10, 100];

#[derive(Clone, Debug)]
pub struct Logs {
    lines: VecDeque<LogLine>,
    keep: usize,
    per_window: u32,
    caps: BTreeMap<(u16, u16), Cap>,
    seq: u64,
    pub suppressed_total: u64,
    /// The group whose sampled line the next `push` is.
    sampling: Option<(u16, u16)>,
    /// Summary lines' samples, by the summary's `seq`, oldest first.
    samples: VecDeque<(u64, Vec<LogLine>)>,
}

impl Logs {
    pub fn new(keep: usize, per_window: u32) -> Self {
        Logs {
            lines: VecDeque::new(),
            keep: keep.max(1),
            per_window,
            caps: BTreeMap::new(),
            seq: 0,
            suppressed_total: 0,
            sampling: None,
            samples: VecDeque::new(),
        }
    }

    /// May a line of this kind from this component be written now? Counts it either way.
    /// True also for a suppressed line that is kept in the sample: the caller writes it with
    /// `push` at once, as any other, and it goes to the sample instead of the lines.
    pub fn allow(&mut self, key: (u16, u16), level: Level, component: &str) -> bool {
        let per_window = self.per_window;
        let cap = self.caps.entry(key).or_insert_with(|| Cap {
            written: 0,
            suppressed: 0,
            level,
            component: component.to_string(),
            sample: Vec::new(),
        });
        if cap.written < per_window {
            cap.written += 1;
            true
        } else {
            cap.suppressed += 1;
            self.suppressed_total += 1;
            let sampled = SAMPLE_AT.contains(&cap.suppressed);
            if sampled {
                self.sampling = Some(key);
            }
            sampled
        }
    }

    pub fn push(&mut self, t: SimTime, level: Level, component: &str, source: &str, trace: Option<u64>, text: String) {
        if let Some(cap) = self.sampling.take().and_then(|key| self.caps.get_mut(&key)) {
            let line =
                LogLine { seq: 0, t, level, component: component.to_string(), source: source.to_string(), trace, text };
            cap.sample.push(line);
            return;
        }
        if self.lines.len() == self.keep {
            self.lines.pop_front();
            // A sample lives as long as its summary line.
            let oldest = self.lines.front().map_or(u64::MAX, |l| l.seq);
            while self.samples.front().is_some_and(|(seq, _)| *seq < oldest) {
                self.samples.pop_front();
            }
        }
        self.seq += 1;
        self.lines.push_back(LogLine {
            seq: self.seq,
            t,
            level,
            component: component.to_string(),
            source: source.to_string(),
            trace,
            text,
        });
    }

    /// Closes a window: writes the suppressed-count lines and resets the caps.
    pub fn close_window(&mut self, t: SimTime) {
        let caps = std::mem::take(&mut self.caps);
        self.sampling = None;
        for cap in caps.into_values() {
            if cap.suppressed > 0 {
                let text = format!("… {} similar lines suppressed", group_thousands(u64::from(cap.suppressed)));
                self.push(t, cap.level, &cap.component, &cap.component, None, text);
                if !cap.sample.is_empty() {
                    self.samples.push_back((self.seq, cap.sample));
                }
            }
        }
    }

    /// The sample kept of what a "… N similar lines suppressed" line counts (by its `seq`):
    /// up to three of the suppressed lines, oldest first; empty for any other line.
    pub fn samples(&self, seq: u64) -> &[LogLine] {
        match self.samples.binary_search_by_key(&seq, |(s, _)| *s) {
            Ok(i) => &self.samples[i].1,
            Err(_) => &[],
        }
    }

    pub fn lines(&self) -> &VecDeque<LogLine> {
        &self.lines
    }

    /// Lines written in the whole run (including those rolled out of the ring).
    pub fn written(&self) -> u64 {
        self.seq
    }
}

/// 1203 → "1,203".
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_caps_lines_and_reports_what_it_suppressed() {
        let mut logs = Logs::new(100, 3);
        for _ in 0..1206 {
            if logs.allow((1, 1), Level::Error, "api") {
                logs.push(SimTime::ZERO, Level::Error, "api", "api-1", None, "boom".into());
            }
        }
        assert_eq!(logs.written(), 3);
        logs.close_window(SimTime::from_secs(1));
        let last = logs.lines().back().unwrap();
        assert_eq!(last.text, "… 1,203 similar lines suppressed");
        assert!(logs.allow((1, 1), Level::Error, "api"), "caps reset each window");
    }

    #[test]
    fn a_suppressed_group_keeps_its_1st_10th_and_100th_line_as_a_sample() {
        let mut logs = Logs::new(100, 2);
        for i in 0..150u32 {
            if logs.allow((1, 1), Level::Error, "api") {
                logs.push(SimTime::ZERO, Level::Error, "api", "api-1", None, format!("boom {i}"));
            }
        }
        let shown: Vec<&str> = logs.lines().iter().map(|l| l.text.as_str()).collect();
        assert_eq!(shown, ["boom 0", "boom 1"], "sampled lines are not among the lines");
        assert_eq!(logs.written(), 2);
        logs.close_window(SimTime::from_secs(1));
        let summary = logs.lines().back().unwrap();
        assert_eq!(summary.text, "… 148 similar lines suppressed");
        let sample: Vec<&str> = logs.samples(summary.seq).iter().map(|l| l.text.as_str()).collect();
        assert_eq!(sample, ["boom 2", "boom 11", "boom 101"]);
        assert!(logs.samples(1).is_empty(), "an ordinary line has no sample");
    }

    #[test]
    fn a_sample_goes_when_its_summary_line_leaves_the_ring() {
        let mut logs = Logs::new(2, 0);
        assert!(logs.allow((1, 1), Level::Warn, "api"), "the first suppressed line is sampled");
        logs.push(SimTime::ZERO, Level::Warn, "api", "api-1", None, "slow".into());
        logs.close_window(SimTime::from_secs(1));
        let seq = logs.lines().back().unwrap().seq;
        assert_eq!(logs.samples(seq).len(), 1);
        for i in 0..2 {
            logs.push(SimTime::from_secs(2), Level::Info, "api", "api-1", None, format!("{i}"));
        }
        assert!(logs.samples(seq).is_empty());
    }

    #[test]
    fn the_ring_keeps_only_the_newest_lines() {
        let mut logs = Logs::new(2, 10);
        for i in 0..5 {
            logs.push(SimTime(i), Level::Info, "api", "api-1", None, format!("{i}"));
        }
        let texts: Vec<&str> = logs.lines().iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["3", "4"]);
        assert_eq!(logs.written(), 5);
    }
}
