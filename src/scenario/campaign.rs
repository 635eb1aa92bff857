//! The campaign: the shipped scenarios in chapters, from guided to open. A chapter unlocks when
//! every scenario of the one before it has been finished; inside a chapter any order is fine.
//! `BUILTIN` lists the scenarios in the same order, so a campaign position is an index into it.
//!
//! Invariant (tested): every shipped scenario is in exactly one chapter, in `BUILTIN`'s order.

/// One chapter: a title, what it is about, and its scenario ids in play order.
#[derive(Debug)]
pub struct Chapter {
    pub title: &'static str,
    pub about: &'static str,
    pub scenarios: &'static [&'static str],
}

pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        title: "Reading the screen",
        about: "golden signals, alerts, logs, traces and what changed, with nothing to lose",
        scenarios: &["tutorial"],
    },
    Chapter {
        title: "Change is the usual suspect",
        about: "most incidents follow a change: find it, undo it, and know what undoing costs",
        scenarios: &["friday-deploy", "bad-config-push", "canary-skew"],
    },
    Chapter {
        title: "Saturation",
        about: "pools, queries, memory and caches: what fills up, and when more capacity makes it worse",
        scenarios: &["slow-database", "n-plus-one", "memory-leak", "cold-cache"],
    },
    Chapter {
        title: "Dependencies fail",
        about: "timeouts, retries, breakers and expiring credentials; how a short blip becomes a storm",
        scenarios: &["payments-outage", "cert-expiry", "retry-storm"],
    },
    Chapter {
        title: "Too much, or the wrong, traffic",
        about: "rate limits and load shedding, and input nobody expected",
        scenarios: &["traffic-spike", "abusive-client", "poison-request"],
    },
    Chapter {
        title: "State and background work",
        about: "queues that redeliver, replicas that lag, failovers that lose writes",
        scenarios: &["queue-backlog", "replica-failover"],
    },
    Chapter {
        title: "Seeing and saying",
        about: "when the dashboards lie, and when everyone wants an update",
        scenarios: &["monitoring-blind", "stakeholder-pressure"],
    },
    Chapter {
        title: "Capstones: real postmortems",
        about: "public incidents, replayed as their postmortems tell them",
        scenarios: &[
            "cloudflare-waf-2019",
            "stackexchange-regex-2016",
            "knight-smars-2012",
            "s3-capacity-removal-2017",
            "github-partition-2018",
        ],
    },
];

/// The chapter (index into `CHAPTERS`) that holds a scenario.
pub fn chapter_of(id: &str) -> Option<usize> {
    CHAPTERS.iter().position(|c| c.scenarios.contains(&id))
}

/// Whether a scenario can be started in the campaign, given what has been finished: the first
/// chapter is open, and each next one opens once all of the one before it is done. Scenarios
/// outside the campaign are always open.
pub fn unlocked(id: &str, finished: impl Fn(&str) -> bool) -> bool {
    match chapter_of(id) {
        None | Some(0) => true,
        Some(c) => CHAPTERS[c - 1].scenarios.iter().all(|s| finished(s)),
    }
}

/// What must still be finished before `id` opens, for the message on a locked row.
pub fn still_locked_by(id: &str, finished: impl Fn(&str) -> bool) -> Vec<&'static str> {
    match chapter_of(id) {
        None | Some(0) => Vec::new(),
        Some(c) => CHAPTERS[c - 1].scenarios.iter().copied().filter(|s| !finished(s)).collect(),
    }
}

/// The next scenario to play after `id` in campaign order, if any.
pub fn next_after(id: &str) -> Option<&'static str> {
    let all: Vec<&'static str> = CHAPTERS.iter().flat_map(|c| c.scenarios.iter().copied()).collect();
    let i = all.iter().position(|s| *s == id)?;
    all.get(i + 1).copied()
}

/// Scenarios that make no daily challenge (a walkthrough has nothing to compete on).
const NOT_DAILY: &[&str] = &["tutorial"];

/// The daily challenge for a date (`YYYY-MM-DD`, UTC): the same scenario and seed for everyone
/// who plays that date with the same firedrill. A pure function of the date: FNV-1a of its
/// text picks the scenario, and `SplitMix64` of that hash gives a seed short enough to type.
pub fn daily(date: &str) -> (&'static str, u64) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in date.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let pool: Vec<&'static str> = super::builtin_ids().filter(|id| !NOT_DAILY.contains(id)).collect();
    let id = pool[(h % pool.len() as u64) as usize];
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (id, (z ^ (z >> 31)) % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_is_in_one_chapter_in_builtin_order() {
        let flat: Vec<&str> = CHAPTERS.iter().flat_map(|c| c.scenarios.iter().copied()).collect();
        let builtin: Vec<&str> = super::super::builtin_ids().collect();
        assert_eq!(flat, builtin, "CHAPTERS, flattened, must be BUILTIN in the same order");
    }

    #[test]
    fn a_chapter_opens_when_the_one_before_it_is_finished() {
        let first = CHAPTERS[0].scenarios[0];
        let second = CHAPTERS[1].scenarios[0];
        assert!(unlocked(first, |_| false));
        assert!(!unlocked(second, |_| false));
        assert_eq!(still_locked_by(second, |_| false), CHAPTERS[0].scenarios.to_vec());
        assert!(unlocked(second, |s| CHAPTERS[0].scenarios.contains(&s)));
        // Inside a chapter, order does not matter: the last of chapter 2 is open with the first.
        let last_of_second = CHAPTERS[1].scenarios.last().unwrap();
        assert!(unlocked(last_of_second, |s| CHAPTERS[0].scenarios.contains(&s)));
        assert!(unlocked("a-file-of-my-own", |_| false));
    }

    #[test]
    fn next_after_walks_the_campaign_across_chapters() {
        let last_of_first = CHAPTERS[0].scenarios.last().unwrap();
        assert_eq!(next_after(last_of_first), Some(CHAPTERS[1].scenarios[0]));
        let very_last = CHAPTERS.last().unwrap().scenarios.last().unwrap();
        assert_eq!(next_after(very_last), None);
    }

    #[test]
    fn the_daily_challenge_is_a_function_of_the_date() {
        let a = daily("2026-12-02");
        assert_eq!(a, daily("2026-12-02"), "the same date gives everyone the same challenge");
        assert!(a.1 < 1_000_000);
        assert!(!NOT_DAILY.contains(&a.0));
        // Over a month the pick moves around: not one scenario every day.
        let picks: std::collections::BTreeSet<_> = (1..=31).map(|d| daily(&format!("2026-12-{d:02}")).0).collect();
        assert!(picks.len() >= 5, "{picks:?}");
    }
}
