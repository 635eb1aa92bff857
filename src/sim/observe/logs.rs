//! Log lines generated from simulated events, rate-capped the way real log pipelines are:
//! each (component, kind) may write a few lines per window; the rest are counted and reported
//! as one "… N similar lines suppressed" line when the window closes. Lines are kept in a
//! bounded ring, so memory does not grow with run length.

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
}

#[derive(Clone, Debug)]
pub struct Logs {
    lines: VecDeque<LogLine>,
    keep: usize,
    per_window: u32,
    caps: BTreeMap<(u16, u16), Cap>,
    seq: u64,
    pub suppressed_total: u64,
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
        }
    }

    /// May a line of this kind from this component be written now? Counts it either way.
    pub fn allow(&mut self, key: (u16, u16), level: Level, component: &str) -> bool {
        let per_window = self.per_window;
        let cap = self.caps.entry(key).or_insert_with(|| Cap {
            written: 0,
            suppressed: 0,
            level,
            component: component.to_string(),
        });
        if cap.written < per_window {
            cap.written += 1;
            true
        } else {
            cap.suppressed += 1;
            self.suppressed_total += 1;
            false
        }
    }

    pub fn push(&mut self, t: SimTime, level: Level, component: &str, source: &str, trace: Option<u64>, text: String) {
        if self.lines.len() == self.keep {
            self.lines.pop_front();
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
        for cap in caps.into_values() {
            if cap.suppressed > 0 {
                let text = format!("… {} similar lines suppressed", group_thousands(u64::from(cap.suppressed)));
                self.push(t, cap.level, &cap.component, &cap.component, None, text);
            }
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
        let mut written = 0;
        for _ in 0..1206 {
            if logs.allow((1, 1), Level::Error, "api") {
                logs.push(SimTime::ZERO, Level::Error, "api", "api-1", None, "boom".into());
                written += 1;
            }
        }
        assert_eq!(written, 3);
        logs.close_window(SimTime::from_secs(1));
        let last = logs.lines().back().unwrap();
        assert_eq!(last.text, "… 1,203 similar lines suppressed");
        assert!(logs.allow((1, 1), Level::Error, "api"), "caps reset each window");
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
