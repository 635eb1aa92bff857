//! Campaign progress and best scores. Unknown fields are refused (a typo is damage, handled
//! like any other: see `versioned.rs`), except in a file from a newer firedrill.

use serde::{Deserialize, Serialize};

/// 2 added the daily challenges (`daily`); a version-1 file reads as one without any.
pub const PROFILE_VERSION: u32 = 2;

/// The best result for one scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Best {
    pub scenario: String,
    pub score: u32,
    pub grade: String,
}

/// The best result of one day's challenge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyBest {
    /// The challenge's date, `YYYY-MM-DD` (UTC).
    pub date: String,
    pub scenario: String,
    pub seed: u64,
    pub score: u32,
    pub grade: String,
}

/// Daily results kept: about a year, so the file stays small however long it is used.
pub const DAILY_KEPT: usize = 400;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    pub version: u32,
    /// Scenario ids finished at least once, in the order first finished.
    pub completed: Vec<String>,
    pub best: Vec<Best>,
    pub runs_played: u32,
    /// The daily challenges played, oldest first, one per date (the best run of that day).
    pub daily: Vec<DailyBest>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile { version: PROFILE_VERSION, completed: Vec::new(), best: Vec::new(), runs_played: 0, daily: Vec::new() }
    }
}

impl Profile {
    /// Loads the profile at the game's start; first sweeps what killed saves left in the data
    /// directories.
    pub fn load(dirs: &super::Dirs) -> super::Loaded<Profile> {
        dirs.sweep_data_temps();
        let mut l: super::Loaded<Profile> = super::load_versioned(&dirs.profile_file(), PROFILE_VERSION);
        l.value.version = PROFILE_VERSION;
        l
    }

    pub fn save(&self, dirs: &super::Dirs) -> std::io::Result<()> {
        super::save_versioned(&dirs.profile_file(), self)
    }

    pub fn is_completed(&self, id: &str) -> bool {
        self.completed.iter().any(|c| c == id)
    }

    /// Records a finished run; returns true if it is a new best.
    pub fn record(&mut self, id: &str, score: u32, grade: &str) -> bool {
        self.runs_played += 1;
        if !self.is_completed(id) {
            self.completed.push(id.to_string());
        }
        match self.best.iter_mut().find(|b| b.scenario == id) {
            Some(b) if b.score >= score => false,
            Some(b) => {
                b.score = score;
                b.grade = grade.to_string();
                true
            }
            None => {
                self.best.push(Best { scenario: id.to_string(), score, grade: grade.to_string() });
                true
            }
        }
    }

    /// Records a finished tutorial: done (the campaign moves on), with no score kept, so
    /// practice never weighs on the campaign's standing. True the first time.
    pub fn mark_done(&mut self, id: &str) -> bool {
        self.runs_played += 1;
        let first = !self.is_completed(id);
        if first {
            self.completed.push(id.to_string());
        }
        first
    }

    pub fn best_for(&self, id: &str) -> Option<&Best> {
        self.best.iter().find(|b| b.scenario == id)
    }

    /// Records a daily challenge's run (it is also a normal run: `record` is called for it
    /// too). Keeps the best per date; returns true if it is that day's new best.
    pub fn record_daily(&mut self, best: DailyBest) -> bool {
        if let Some(d) = self.daily.iter_mut().find(|d| d.date == best.date) {
            if d.score >= best.score {
                return false;
            }
            *d = best;
            return true;
        }
        self.daily.push(best);
        self.daily.sort_by(|a, b| a.date.cmp(&b.date));
        let extra = self.daily.len().saturating_sub(DAILY_KEPT);
        self.daily.drain(..extra);
        true
    }

    pub fn daily_for(&self, date: &str) -> Option<&DailyBest> {
        self.daily.iter().find(|d| d.date == date)
    }

    /// Consecutive days with a daily challenge played, ending at `today` or the day before.
    pub fn daily_streak(&self, today: &str) -> usize {
        let Some(mut day) = super::today::parse_date(today) else { return 0 };
        if self.daily_for(today).is_none() {
            day -= 1;
        }
        let mut n = 0;
        while self.daily_for(&super::today::format_date(day)).is_some() {
            n += 1;
            day -= 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, score: u32) -> DailyBest {
        DailyBest { date: date.into(), scenario: "slow-database".into(), seed: 7, score, grade: "B".into() }
    }

    #[test]
    fn a_day_keeps_its_best_run_and_days_stay_in_order() {
        let mut p = Profile::default();
        assert!(p.record_daily(day("2026-12-02", 70)));
        assert!(!p.record_daily(day("2026-12-02", 60)), "a worse run is not the day's best");
        assert!(p.record_daily(day("2026-12-02", 90)));
        assert!(p.record_daily(day("2026-11-30", 50)));
        let dates: Vec<&str> = p.daily.iter().map(|d| d.date.as_str()).collect();
        assert_eq!(dates, ["2026-11-30", "2026-12-02"]);
        assert_eq!(p.daily_for("2026-12-02").map(|d| d.score), Some(90));
    }

    #[test]
    fn the_streak_counts_consecutive_days_up_to_today_or_yesterday() {
        let mut p = Profile::default();
        for d in ["2026-11-28", "2026-11-30", "2026-12-01"] {
            p.record_daily(day(d, 80));
        }
        assert_eq!(p.daily_streak("2026-12-01"), 2, "today and yesterday; the 29th broke it");
        assert_eq!(p.daily_streak("2026-12-02"), 2, "today not played yet: the streak still stands");
        assert_eq!(p.daily_streak("2026-12-04"), 0);
    }

    #[test]
    fn the_daily_record_is_bounded() {
        let mut p = Profile::default();
        for n in 0..(i64::try_from(DAILY_KEPT).unwrap() + 30) {
            p.record_daily(day(&super::super::today::format_date(20_000 + n), 80));
        }
        assert_eq!(p.daily.len(), DAILY_KEPT);
        assert_eq!(p.daily[0].date, super::super::today::format_date(20_030), "the oldest days go first");
    }
}
