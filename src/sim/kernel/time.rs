//! Simulated time. `SimTime` is an instant (integer microseconds since the scenario
//! started); `Dur` is a span of simulated time. Both are plain integers so that arithmetic is
//! exact and runs replay bit for bit. Neither ever comes from the wall clock.
//!
//! Both read and write the human form used in scenario and command files: `"90s"`, `"5m"`,
//! `"1h30m"`, `"250ms"`, `"1.5s"`, `"40us"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Microseconds in one millisecond, second, minute, hour.
pub const MS: u64 = 1_000;
pub const SEC: u64 = 1_000_000;
pub const MIN: u64 = 60 * SEC;
pub const HOUR: u64 = 60 * MIN;

/// An instant of simulated time, microseconds since the scenario started.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
pub struct SimTime(pub u64);

/// A span of simulated time in microseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
pub struct Dur(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const NEVER: SimTime = SimTime(u64::MAX);

    pub fn from_secs(s: u64) -> Self {
        SimTime(s * SEC)
    }
    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / SEC as f64
    }
    /// The span from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> Dur {
        Dur(self.0.saturating_sub(earlier.0))
    }
    /// Whole seconds since the start (the metrics window index at the default window).
    pub fn whole_secs(self) -> u64 {
        self.0 / SEC
    }
}

impl Dur {
    pub const ZERO: Dur = Dur(0);
    /// Rounds non-negative microseconds to a duration (negative and NaN give zero). Cheaper
    /// than `f64::round` on the hot path.
    pub fn from_us_f64(us: f64) -> Self {
        Dur((us + 0.5) as u64)
    }
    pub fn from_secs(s: u64) -> Self {
        Dur(s * SEC)
    }
    pub fn from_millis(ms: u64) -> Self {
        Dur(ms * MS)
    }
    pub fn from_secs_f64(s: f64) -> Self {
        Dur((s * SEC as f64).round().max(0.0) as u64)
    }
    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / SEC as f64
    }
    pub fn millis_f64(self) -> f64 {
        self.0 as f64 / MS as f64
    }
    #[must_use]
    pub fn mul_f64(self, k: f64) -> Dur {
        Dur((self.0 as f64 * k).round().max(0.0) as u64)
    }
}

impl Add<Dur> for SimTime {
    type Output = SimTime;
    fn add(self, d: Dur) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}
impl AddAssign<Dur> for SimTime {
    fn add_assign(&mut self, d: Dur) {
        self.0 = self.0.saturating_add(d.0);
    }
}
impl Add for Dur {
    type Output = Dur;
    fn add(self, d: Dur) -> Dur {
        Dur(self.0.saturating_add(d.0))
    }
}
impl Sub for Dur {
    type Output = Dur;
    fn sub(self, d: Dur) -> Dur {
        Dur(self.0.saturating_sub(d.0))
    }
}

/// Why a duration string was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a duration: {why} (write e.g. \"90s\", \"5m\", \"1h30m\", \"250ms\")")]
pub struct DurParseError {
    pub text: String,
    pub why: &'static str,
}

/// Parses `"1h30m"`, `"90s"`, `"1.5s"`, `"250ms"`, `"40us"`: one or more number–unit pairs.
pub fn parse_dur(text: &str) -> Result<Dur, DurParseError> {
    let err = |why| DurParseError { text: text.to_string(), why };
    let s = text.trim();
    if s.is_empty() {
        return Err(err("it is empty"));
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: f64 = 0.0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(err("expected a number"));
        }
        let num: f64 = s[start..i].parse().map_err(|_| err("bad number"))?;
        let ustart = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = match &s[ustart..i] {
            "d" => 24 * HOUR,
            "h" => HOUR,
            "m" => MIN,
            "s" => SEC,
            "ms" => MS,
            "us" | "µs" => 1,
            "" => return Err(err("a number needs a unit (d, h, m, s, ms, us)")),
            _ => return Err(err("unknown unit (use d, h, m, s, ms or us)")),
        };
        total += num * unit as f64;
    }
    if !total.is_finite() || total > 1e18 {
        return Err(err("too large"));
    }
    Ok(Dur(total.round() as u64))
}

/// Formats exactly and readably: `2m10s`, `1.5s`, `250ms`, `1h`, `0s`.
fn fmt_us(us: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if us == 0 {
        return write!(f, "0s");
    }
    if us < SEC {
        return if us.is_multiple_of(MS) {
            write!(f, "{}ms", us / MS)
        } else if us >= MS {
            write!(f, "{}ms", trim_frac(us as f64 / MS as f64))
        } else {
            write!(f, "{us}us")
        };
    }
    let h = us / HOUR;
    let m = (us % HOUR) / MIN;
    let rest = us % MIN;
    if h > 0 {
        write!(f, "{h}h")?;
    }
    if m > 0 {
        write!(f, "{m}m")?;
    }
    if rest > 0 {
        if rest.is_multiple_of(SEC) {
            write!(f, "{}s", rest / SEC)?;
        } else {
            write!(f, "{}s", trim_frac(rest as f64 / SEC as f64))?;
        }
    }
    Ok(())
}

fn trim_frac(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(self.0, f)
    }
}
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_us(self.0, f)
    }
}

impl SimTime {
    /// The clock form shown to players: `12:05` (minutes:seconds), `1:02:05` past an hour.
    pub fn clock(self) -> String {
        let s = self.0 / SEC;
        if s >= 3600 {
            format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        } else {
            format!("{:02}:{:02}", s / 60, s % 60)
        }
    }

    /// The time of day when the scenario started at `start` seconds past midnight
    /// (`16:42:10`), or the run clock (`02:10`) when it names no start.
    pub fn clock_from(self, start: Option<u32>) -> String {
        match start {
            None => self.clock(),
            Some(day) => {
                let s = (u64::from(day) + self.0 / SEC) % 86_400;
                format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
            }
        }
    }
}

impl Dur {
    /// A duration for people to read: `850ms`, `4.5s`, `45s`, `1m 01s`, `5m`, `1h 02m`.
    /// Rounded to what matters at its size (the exact form is `Display`'s).
    pub fn human(self) -> String {
        let us = self.0;
        if us < SEC {
            return if us == 0 { "0s".into() } else { format!("{}ms", (us + MS / 2) / MS) };
        }
        if us < 10 * SEC && !(us % SEC < SEC / 20 || us % SEC >= SEC - SEC / 20) {
            return format!("{:.1}s", us as f64 / SEC as f64);
        }
        let s = (us + SEC / 2) / SEC;
        match s {
            0..60 => format!("{s}s"),
            60..3600 if s.is_multiple_of(60) => format!("{}m", s / 60),
            60..3600 => format!("{}m {:02}s", s / 60, s % 60),
            _ => {
                let m = (s + 30) / 60;
                if m.is_multiple_of(60) { format!("{}h", m / 60) } else { format!("{}h {:02}m", m / 60, m % 60) }
            }
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_dur(&text).map_err(serde::de::Error::custom)
    }
}
impl Serialize for SimTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for SimTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Dur::deserialize(d).map(|d| SimTime(d.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_parses_every_unit_and_compound_forms() {
        assert_eq!(parse_dur("90s").unwrap(), Dur::from_secs(90));
        assert_eq!(parse_dur("5m").unwrap(), Dur::from_secs(300));
        assert_eq!(parse_dur("1h30m").unwrap(), Dur::from_secs(5400));
        assert_eq!(parse_dur("250ms").unwrap(), Dur::from_millis(250));
        assert_eq!(parse_dur("1.5s").unwrap(), Dur::from_millis(1500));
        assert_eq!(parse_dur("40us").unwrap(), Dur(40));
    }

    #[test]
    fn it_rejects_missing_or_unknown_units() {
        assert!(parse_dur("90").unwrap_err().why.contains("unit"));
        assert!(parse_dur("9 parsecs").is_err());
        assert!(parse_dur("").is_err());
        assert!(parse_dur("s").is_err());
    }

    #[test]
    fn it_prints_what_it_parses() {
        for text in ["2m10s", "1.5s", "250ms", "1h", "0s", "1h2m3s", "12us", "2.5ms"] {
            let d = parse_dur(text).unwrap();
            assert_eq!(d.to_string(), text);
        }
    }

    #[test]
    fn durations_read_as_people_write_them() {
        let cases = [
            (Dur(0), "0s"),
            (Dur::from_millis(850), "850ms"),
            (Dur::from_millis(4500), "4.5s"),
            (Dur::from_millis(2990), "3s"),
            (Dur::from_secs(45), "45s"),
            (Dur(60_746_767), "1m 01s"),
            (Dur::from_secs(300), "5m"),
            (Dur::from_secs(3725), "1h 02m"),
            (Dur::from_secs(7200), "2h"),
        ];
        for (d, text) in cases {
            assert_eq!(d.human(), text, "{d}");
        }
    }

    #[test]
    fn a_scenario_with_a_start_shows_the_time_of_day() {
        let t = SimTime::from_secs(130);
        assert_eq!(t.clock_from(None), "02:10");
        assert_eq!(t.clock_from(Some(16 * 3600 + 40 * 60)), "16:42:10");
        assert_eq!(SimTime::from_secs(3600).clock_from(Some(23 * 3600 + 30 * 60)), "00:30:00", "past midnight");
    }

    #[test]
    fn it_shows_a_clock() {
        assert_eq!(SimTime::from_secs(725).clock(), "12:05");
        assert_eq!(SimTime::from_secs(3725).clock(), "1:02:05");
    }
}
