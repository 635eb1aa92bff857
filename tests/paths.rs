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
    assert!(failures.is_empty(), "expert scored {expert}\n{}", failures.join("\n"));
}

macro_rules! scenario {
    ($name:ident, $id:literal) => {
        #[test]
        fn $name() {
            bands($id);
        }
    };
}

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
scenario!(github_partition_2018_paths_score_in_their_bands, "github-partition-2018");

#[test]
fn every_shipped_scenario_has_its_paths() {
    for id in firedrill::scenario::builtin_ids() {
        assert!(dir(id).join("paths.ron").exists(), "{id}: no tests/paths/{id}/paths.ron");
    }
}
