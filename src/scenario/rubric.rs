//! The severity rubric: what each severity means in user impact, and the impact at which it
//! applies. A scenario may override any level; the rest keep the default. Scoring compares the
//! severity the player declared with the rubric's at each moment; the Declare form and the help
//! show the rubric's words.

use crate::sim::Severity;

/// One severity level.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    pub severity: Severity,
    /// What this level means, in the scenario's words.
    pub means: String,
    /// The level applies when at least this fraction of user requests failed or were slow over
    /// the trailing minute…
    pub bad: f64,
    /// …or when at least this many harms to data happened in that minute (`None`: not by
    /// data harm).
    pub integrity: Option<u32>,
}

/// Four levels, Sev1 (worst) first. Thresholds fall from Sev1 to Sev4 (validated); Sev4 is the
/// floor (no user impact) and has none.
#[derive(Clone, Debug, PartialEq)]
pub struct Rubric {
    pub levels: [Level; 4],
}

impl Default for Rubric {
    /// The default rubric, by user impact:
    ///
    /// - **Sev1** (critical): most users cannot complete the core journey — half or more of
    ///   requests fail or are slow — or data is lost, corrupted or charged twice (10 or more
    ///   harms to data a minute);
    /// - **Sev2** (major): a significant share of users is affected — 5 % or more — or a major
    ///   feature is down, or any harm to data;
    /// - **Sev3** (minor): some users see errors or slowness — 0.5 % or more;
    /// - **Sev4**: no user impact (a risk, a degraded internal system).
    fn default() -> Self {
        let level = |severity, means: &str, bad, integrity| Level { severity, means: means.into(), bad, integrity };
        Rubric {
            levels: [
                level(
                    Severity::Sev1,
                    "critical: most users cannot complete the core journey (half or more of requests fail or are slow), or data is lost, corrupted or charged twice",
                    0.5,
                    Some(10),
                ),
                level(
                    Severity::Sev2,
                    "major: a significant share of users is affected (5% or more of requests fail or are slow), or a major feature is down",
                    0.05,
                    Some(1),
                ),
                level(
                    Severity::Sev3,
                    "minor: some users see errors or slowness (0.5% or more), or a feature is degraded",
                    0.005,
                    None,
                ),
                level(Severity::Sev4, "no user impact: a risk, or trouble in an internal system", 0.0, None),
            ],
        }
    }
}

impl Rubric {
    /// The level for an impact: `bad` (fraction of user requests failed or slow over a
    /// minute) and `integrity` (harms to data in that minute). The worst level whose threshold
    /// is met; Sev4 otherwise.
    pub fn level_for(&self, bad: f64, integrity: u64) -> Severity {
        self.levels[..3]
            .iter()
            .find(|l| (l.bad > 0.0 && bad >= l.bad) || l.integrity.is_some_and(|n| n > 0 && integrity >= u64::from(n)))
            .map_or(Severity::Sev4, |l| l.severity)
    }

    pub fn level(&self, s: Severity) -> &Level {
        &self.levels[usize::from(s.rank() - 1)]
    }

    /// One line per level: `Sev1  critical: …`.
    pub fn lines(&self) -> Vec<String> {
        self.levels.iter().map(|l| format!("{}  {}", l.severity.name(), l.means)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rubric_reads_user_impact_and_data_harm() {
        let r = Rubric::default();
        assert_eq!(r.level_for(0.0, 0), Severity::Sev4);
        assert_eq!(r.level_for(0.004, 0), Severity::Sev4);
        assert_eq!(r.level_for(0.01, 0), Severity::Sev3);
        assert_eq!(r.level_for(0.16, 0), Severity::Sev2);
        assert_eq!(r.level_for(0.6, 0), Severity::Sev1);
        assert_eq!(r.level_for(0.0, 1), Severity::Sev2, "any harm to data is at least major");
        assert_eq!(r.level_for(0.0, 25), Severity::Sev1, "data lost or charged twice at scale is critical");
    }
}
