//! Grade bands that mean something: every shipped scenario's command paths, played headless to
//! the end, score where their kind says. The paths are data (`tests/paths/<id>/*.ron`, each with
//! a header saying what it is and why); `tests/paths/<id>/paths.ron` lists them with their kind
//! and, for a wrong path, the words the debrief must use to name the mistake.
//!
//! The bands, and why they are where they are (scores out of 100, grades S ≥ 95, A ≥ 85,
//! B ≥ 70, C ≥ 55, D ≥ 40, F below):
//!
//! - **Expert ≥ 90** (or the sidecar's `floor`, with its reason): the expert loses only what cannot be avoided — the harm before anyone
//!   could act (impact is 20 % of the score: 23 % of the budget burned costs 33 impact points,
//!   6.7 overall) and the price of the fix (cost, 5 %).
//! - **Nothing ≤ 40**: doing nothing earns no detection (10), no mitigation (15), no
//!   communication (10) and no resolution (10); decisions lose 50 of 100 for leaving the cause
//!   alone (25 × 0.5 = 12.5 left); the rollback (5) and cost (5) dimensions stay full and impact
//!   keeps what the harm leaves of its 20. At most 12.5 + 5 + 5 + 20 = 42.5, and any real harm
//!   takes impact under 17.5 (1 % of the budget burned already costs 9.5 of its 100): ≤ 40.
//! - **Wrong ≤ 75**, and the debrief names the mistake: a trap costs 25–30 of the decisions'
//!   100 (6–8 overall), and 50 more while nothing addresses the cause, and what it caused — a
//!   recovery that comes late or never (mitigation), more harm (impact), an end state left
//!   undone (resolution).
//! - **Detour ≤ expert − 10**: the right fix after a harmful step pays for the step (6–8 under
//!   decisions), for the later recovery (mitigation: none at twice par) and for the extra harm
//!   (impact).
//! - **Alternative ≥ 80**: a second valid fix is a good run, a little dearer than the expert's.
//! - **Partial** (half right): better than doing nothing and worse than the expert.
//! - **Historical** (a capstone's path as the postmortem tells it): no band of its own — what
//!   the responders did with what they knew — but never above the expert's hindsight.
//!
//! The test prints the table (scenario, path, score, grade and the debrief's one-line
//! reason): `cargo test --test paths -- --nocapture`.

use firedrill::score::{Evidence, debrief};
use firedrill::sim::play;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Expert,
    Nothing,
    Wrong,
    Detour,
    Alternative,
    Partial,
    Historical,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Path {
    file: String,
    kind: Kind,
    /// For a wrong path: words the debrief must contain (case-insensitive) to name the mistake.
    #[serde(default)]
    names: Option<String>,
    /// For an expert path: a lower floor than 90, when the harm nobody can avoid is itself
    /// beyond the band (Amazon S3, 2017: a 42-minute restart is the critical path). The sidecar
    /// says why; the detour, wrong and nothing bands still hold.
    #[serde(default)]
    floor: Option<u32>,
}

struct Played {
    file: String,
    kind: Kind,
    score: u32,
    grade: String,
    summary: String,
    markdown: String,
    names: Option<String>,
    floor: Option<u32>,
    /// When each event of the run happened (seconds of sim time).
    events: Vec<u32>,
}

fn dir(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/paths").join(id)
}

fn play_all(id: &str) -> Vec<Played> {
    let spec = firedrill::scenario::builtin(id).unwrap().unwrap();
    let sidecar = dir(id).join("paths.ron");
    let text = std::fs::read_to_string(&sidecar).unwrap_or_else(|e| panic!("{}: {e}", sidecar.display()));
    let paths: Vec<Path> = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", sidecar.display()));
    // Every path file is listed, and every listed file exists.
    let mut on_disk: Vec<String> = std::fs::read_dir(dir(id))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron") && !p.ends_with("paths.ron"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = paths.iter().map(|p| p.file.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "{id}: paths.ron must list every path file, once");
    paths
        .into_iter()
        .map(|p| {
            let path = dir(id).join(&p.file);
            let text = std::fs::read_to_string(&path).unwrap();
            let shown = path.display().to_string();
            let commands = firedrill::scenario::parse_commands(&shown, &text).unwrap_or_else(|e| panic!("{e}"));
            let sim = play(spec.sim.clone(), spec.default_seed, &commands, None);
            assert_eq!(sim.commands().len(), commands.len(), "{shown}: every command is submitted");
            for c in sim.commands().iter().filter(|c| c.rejected.is_some()) {
                // A rejected command changes nothing; the run is still the path. Say so.
                println!("note: {shown}: {} rejected: {}", c.command.label(), c.rejected.as_deref().unwrap_or(""));
            }
            let d = debrief(&spec, &Evidence::from_sim(&sim));
            Played {
                file: p.file,
                kind: p.kind,
                score: d.score.overall,
                grade: d.score.grade.clone(),
                summary: d.score.summary.clone(),
                markdown: firedrill::report::markdown(&d),
                names: p.names,
                floor: p.floor,
                events: sim.events().iter().map(|e| e.t.whole_secs() as u32).collect(),
            }
        })
        .collect()
}

/// Plays every path of `id` and checks the bands; prints the table rows.
fn bands(id: &str) {
    let played = play_all(id);
    for p in &played {
        println!("| {id} | {} | {:?} | {} | {} | {} |", p.file, p.kind, p.score, p.grade, p.summary);
    }
    let count = |k: Kind| played.iter().filter(|p| p.kind == k).count();
    assert_eq!(count(Kind::Expert), 1, "{id}: one expert path");
    assert_eq!(count(Kind::Nothing), 1, "{id}: one nothing path");
    assert!(count(Kind::Wrong) >= 2, "{id}: at least two wrong paths");
    assert!(count(Kind::Detour) >= 1, "{id}: a detour path");
    let expert = played.iter().find(|p| p.kind == Kind::Expert).unwrap().score;
    let nothing = played.iter().find(|p| p.kind == Kind::Nothing).unwrap().score;
    let mut failures = Vec::new();
    for p in &played {
        let ok = match p.kind {
            Kind::Expert => p.score >= p.floor.unwrap_or(90),
            Kind::Nothing => p.score <= 40,
            Kind::Wrong => p.score <= 75,
            Kind::Detour => p.score + 10 <= expert,
            Kind::Alternative => p.score >= 80,
            Kind::Partial => p.score > nothing && p.score < expert,
            Kind::Historical => p.score <= expert,
        };
        if !ok {
            failures.push(format!("{id}/{}: {:?} scored {} ({}): {}", p.file, p.kind, p.score, p.grade, p.summary));
        }
        if p.kind == Kind::Wrong {
            let names = p.names.as_deref().unwrap_or_else(|| panic!("{id}/{}: a wrong path names its mistake", p.file));
            if !p.markdown.to_lowercase().contains(&names.to_lowercase()) {
                failures.push(format!("{id}/{}: the debrief does not say {names:?}:\n{}", p.file, p.markdown));
            }
        }
    }
    failures.extend(truth_disagreements(id, &played));
    assert!(failures.is_empty(), "expert scored {expert}\n{}", failures.join("\n"));
}

/// The debrief's "what was really happening" agrees with the event log: every time of day the
/// scenario's `truth` quotes ("at 16:42 dana deploys v42") is within a minute of something
/// that happened in the expert's run or in the run where nobody acts. (Scenarios without a
/// time of day quote none.)
fn truth_disagreements(id: &str, played: &[Played]) -> Vec<String> {
    let spec = firedrill::scenario::builtin(id).unwrap().unwrap();
    let Some(start) = spec.starts_at else { return Vec::new() };
    let runs: Vec<&Played> = played.iter().filter(|p| matches!(p.kind, Kind::Expert | Kind::Nothing)).collect();
    let mut out = Vec::new();
    for (text, at) in quoted_times(&spec.truth) {
        let near = |t: u32| {
            let d = (i64::from((start + t) % 86_400) - i64::from(at)).rem_euclid(86_400);
            d.min(86_400 - d) <= 60
        };
        if !runs.iter().any(|p| p.events.iter().any(|&t| near(t))) {
            out.push(format!("{id}: the truth says {text:?}, but nothing happens within a minute of it"));
        }
    }
    out
}

/// Times of day quoted in a text: each `HH:MM` or `HH:MM:SS`, as seconds past midnight.
fn quoted_times(text: &str) -> Vec<(String, u32)> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let num = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let mut out = Vec::new();
    let mut i = 0;
    while i + 5 <= b.len() {
        let fresh = i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b':');
        if fresh && digit(i) && digit(i + 1) && b[i + 2] == b':' && digit(i + 3) && digit(i + 4) {
            let (h, m) = (num(i), num(i + 3));
            let with_secs = b.get(i + 5) == Some(&b':') && digit(i + 6) && digit(i + 7);
            let (s, len) = if with_secs { (num(i + 6), 8) } else { (0, 5) };
            if h < 24 && m < 60 && !digit(i + len) {
                out.push((text[i..i + len].to_string(), h * 3600 + m * 60 + s));
            }
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn quoted_times_are_read_as_times_of_day() {
    let got = quoted_times("At 09:37 a command; index back at 12:26:30, not 1:2 or 123:45 or 25:00.");
    assert_eq!(
        got,
        vec![("09:37".to_string(), 9 * 3600 + 37 * 60), ("12:26:30".to_string(), 12 * 3600 + 26 * 60 + 30)]
    );
}

macro_rules! scenario {
    ($name:ident, $id:literal) => {
        #[test]
        fn $name() {
            bands($id);
        }
    };
}

scenario!(tutorial_paths_score_in_their_bands, "tutorial");
scenario!(friday_deploy_paths_score_in_their_bands, "friday-deploy");
scenario!(slow_database_paths_score_in_their_bands, "slow-database");
scenario!(payments_outage_paths_score_in_their_bands, "payments-outage");
scenario!(traffic_spike_paths_score_in_their_bands, "traffic-spike");
scenario!(abusive_client_paths_score_in_their_bands, "abusive-client");
scenario!(memory_leak_paths_score_in_their_bands, "memory-leak");
scenario!(n_plus_one_paths_score_in_their_bands, "n-plus-one");
scenario!(cold_cache_paths_score_in_their_bands, "cold-cache");
scenario!(retry_storm_paths_score_in_their_bands, "retry-storm");
scenario!(cloudflare_waf_2019_paths_score_in_their_bands, "cloudflare-waf-2019");
scenario!(stackexchange_regex_2016_paths_score_in_their_bands, "stackexchange-regex-2016");
scenario!(knight_smars_2012_paths_score_in_their_bands, "knight-smars-2012");
scenario!(s3_capacity_removal_2017_paths_score_in_their_bands, "s3-capacity-removal-2017");
scenario!(bad_config_push_paths_score_in_their_bands, "bad-config-push");
scenario!(canary_skew_paths_score_in_their_bands, "canary-skew");
scenario!(cert_expiry_paths_score_in_their_bands, "cert-expiry");
scenario!(poison_request_paths_score_in_their_bands, "poison-request");
scenario!(queue_backlog_paths_score_in_their_bands, "queue-backlog");
scenario!(replica_failover_paths_score_in_their_bands, "replica-failover");
scenario!(monitoring_blind_paths_score_in_their_bands, "monitoring-blind");
scenario!(stakeholder_pressure_paths_score_in_their_bands, "stakeholder-pressure");
scenario!(github_partition_2018_paths_score_in_their_bands, "github-partition-2018");

#[test]
fn every_shipped_scenario_has_its_paths() {
    for id in firedrill::scenario::builtin_ids() {
        assert!(dir(id).join("paths.ron").exists(), "{id}: no tests/paths/{id}/paths.ron");
    }
}
