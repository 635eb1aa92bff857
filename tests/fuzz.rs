//! Bounded fuzzing inside `cargo test` (issue 10 §6): the scenario, commands, saved-run and
//! keymap loaders, fed mutants of valid files — structure-aware mutations (a number, a
//! duration, a name or a list item replaced by a hostile one; lines deleted, duplicated or
//! swapped; brackets and hostile characters inserted; a cut) — and random bytes. Every case
//! must hold:
//!
//! - no panic;
//! - a refusal is positioned inside the text (line ≥ 1 and within it, column ≥ 1), with a
//!   message, and the loader's work is bounded (bytes parsed once, names compared, bytes
//!   rescanned to locate problems — as `tests/scenario_errors.rs` bounds it);
//! - an accepted scenario is within the work budget, and a few seconds of it run (with low
//!   caps) without a panic; an accepted commands file replays on its scenario.
//!
//! The case budget is fixed (`FUZZ_CASES`, default 256 per loader: well under 30 s on two
//! cores at opt-level 3); a campaign runs with more, e.g. `FUZZ_CASES=5000 cargo test --test
//! fuzz -- --nocapture`, which prints how many mutants each loader accepted and refused. The
//! worst cases found are kept in `tests/fuzz_corpus/`, each with the error it must produce.

use firedrill::scenario::budget::{MAX_REQUESTS, estimate};
use firedrill::scenario::error::MAX_PROBLEMS;
use firedrill::scenario::{self, BUILTIN, MAX_ITEMS, ScenarioErrors};
use firedrill::sim::kernel::caps::Caps;
use firedrill::sim::{SimTime, play_with_caps};
use firedrill::store::SavedRun;
use firedrill::tui::keymap::Keymap;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn config() -> Config {
    Config { cases: cases(), failure_persistence: None, max_shrink_iters: 2_000, ..Config::default() }
}

/// Values a hostile or careless author might write where a number goes.
const NUMBERS: [&str; 16] = [
    "0",
    "-1",
    "1e-20",
    "1e308",
    "-1e308",
    "4294967296",
    "18446744073709551616",
    "NaN",
    "inf",
    "0.0",
    "1e9",
    "65536",
    "0.000001",
    "999999999",
    "-0",
    "2147483648",
];
/// … where a duration goes.
const DURATIONS: [&str; 10] = [
    "\"0s\"",
    "\"1us\"",
    "\"99999d\"",
    "\"1e300s\"",
    "\"-5s\"",
    "\"\"",
    "\"5\"",
    "\"4h1us\"",
    "\"1.5.5s\"",
    "\"0.0000001us\"",
];
/// … anywhere: brackets, hostile characters, keywords.
const JUNK: [&str; 14] =
    ["(", ")", "[", "]", "{", "}", ",", "\"", "\u{1b}[2J", "\u{202e}", "Some(", "//", "r#\"", "\u{0}"];

/// One edit of a text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the k-th number with NUMBERS[v].
    Number(usize, usize),
    /// Replace the k-th duration string with DURATIONS[v].
    Duration(usize, usize),
    /// Replace the k-th quoted string with the j-th one (a name where another is expected).
    SwapString(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize, usize),
    SwapLines(usize, usize),
    /// Insert JUNK[v] at a byte fraction of the text.
    Insert(usize, f64),
    Truncate(f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), 0..NUMBERS.len()).prop_map(|(k, v)| Mutation::Number(k, v)),
        2 => (any::<usize>(), 0..DURATIONS.len()).prop_map(|(k, v)| Mutation::Duration(k, v)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(k, j)| Mutation::SwapString(k, j)),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => (any::<usize>(), 1..300usize).prop_map(|(k, n)| Mutation::DuplicateLine(k, n)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (0..JUNK.len(), 0.0..1.0f64).prop_map(|(v, at)| Mutation::Insert(v, at)),
        1 => (0.0..1.0f64).prop_map(Mutation::Truncate),
    ]
}

/// Byte ranges of the tokens a mutation can replace: numbers outside strings, and strings.
/// Byte ranges `[start, end)` in a text.
type Spans = Vec<(usize, usize)>;

fn tokens(text: &str) -> (Spans, Spans) {
    let b = text.as_bytes();
    let (mut numbers, mut strings) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                strings.push((start, (i + 1).min(b.len())));
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e' || b[i] == b'_') {
                    i += 1;
                }
                numbers.push((start, i));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (numbers, strings)
}

fn replace(text: &str, (a, b): (usize, usize), with: &str) -> String {
    format!("{}{with}{}", &text[..a], &text[b..])
}

/// The largest char boundary at or below a fraction of the text.
fn at_fraction(text: &str, f: f64) -> usize {
    let mut i = ((text.len() as f64) * f) as usize;
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i.min(text.len())
}

fn apply(text: &str, m: &Mutation) -> String {
    let (numbers, strings) = tokens(text);
    let durations: Vec<(usize, usize)> = strings
        .iter()
        .copied()
        .filter(|&(a, b)| firedrill::sim::kernel::time::parse_dur(text[a..b].trim_matches('"')).is_ok())
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let pick = |v: &[(usize, usize)], k: usize| (!v.is_empty()).then(|| v[k % v.len()]);
    match *m {
        Mutation::Number(k, v) => pick(&numbers, k).map_or(text.to_string(), |r| replace(text, r, NUMBERS[v])),
        Mutation::Duration(k, v) => pick(&durations, k).map_or(text.to_string(), |r| replace(text, r, DURATIONS[v])),
        Mutation::SwapString(k, j) => match (pick(&strings, k), pick(&strings, j)) {
            (Some(r), Some((a, b))) => replace(text, r, &text[a..b]),
            _ => text.to_string(),
        },
        Mutation::DeleteLine(k) if !lines.is_empty() => {
            let k = k % lines.len();
            lines.iter().enumerate().filter(|(i, _)| *i != k).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        }
        Mutation::DuplicateLine(k, n) if !lines.is_empty() => {
            let k = k % lines.len();
            let mut out: Vec<&str> = lines[..=k].to_vec();
            out.extend(std::iter::repeat_n(lines[k], n));
            out.extend(&lines[k + 1..]);
            out.join("\n")
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            let mut out = lines.clone();
            out.swap(a % lines.len(), b % lines.len());
            out.join("\n")
        }
        Mutation::Insert(v, at) => {
            let i = at_fraction(text, at);
            format!("{}{}{}", &text[..i], JUNK[v], &text[i..])
        }
        Mutation::Truncate(at) => text[..at_fraction(text, at)].to_string(),
        _ => text.to_string(),
    }
}

/// Every error is inside the text, says something, and there are not too many.
fn positioned(what: &str, text: &str, errors: &ScenarioErrors) -> Result<(), TestCaseError> {
    let lines = text.lines().count().max(1) + 1;
    prop_assert!(!errors.0.is_empty(), "{}: refused with no error", what);
    prop_assert!(errors.0.len() <= MAX_PROBLEMS + 1, "{}: {} errors", what, errors.0.len());
    for e in &errors.0 {
        prop_assert!(
            e.line >= 1 && e.line <= lines && e.col >= 1,
            "{}: position {}:{} outside the text",
            what,
            e.line,
            e.col
        );
        prop_assert!(!e.message.is_empty(), "{}: an error without a message", what);
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    accepted: AtomicU64,
    refused: AtomicU64,
}

impl Tally {
    fn count(&self, ok: bool) {
        if ok { &self.accepted } else { &self.refused }.fetch_add(1, Ordering::Relaxed);
    }
    fn report(&self, what: &str) {
        eprintln!(
            "fuzz {what}: {} cases, {} accepted, {} refused, 0 panics",
            self.accepted.load(Ordering::Relaxed) + self.refused.load(Ordering::Relaxed),
            self.accepted.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed)
        );
    }
}

/// The scenario loader on one text: the properties above.
fn check_scenario(text: &str, tally: &Tally) -> Result<(), TestCaseError> {
    let owned = text.to_string();
    let outcome = std::panic::catch_unwind(|| scenario::parse_measured("fuzz.ron", &owned));
    let Ok((result, work)) = outcome else {
        return Err(TestCaseError::fail(format!("the scenario loader panicked on:\n{text}")));
    };
    let len = text.len();
    prop_assert!(work.parsed_bytes <= len, "parsed more than the text");
    prop_assert!(
        work.name_comparisons <= (MAX_ITEMS * len.max(8) / 8) as u64 + 1_000,
        "{} names compared",
        work.name_comparisons
    );
    prop_assert!(work.located_bytes <= (MAX_PROBLEMS + 1) * len, "{} bytes rescanned", work.located_bytes);
    tally.count(result.is_ok());
    match result {
        Err(errors) => positioned("scenario", text, &errors),
        Ok(spec) => {
            let raw = ron::Options::default()
                .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
                .from_str(text)
                .expect("an accepted scenario parses");
            let est = estimate(&raw, &spec.sim);
            prop_assert!(est.requests() <= MAX_REQUESTS, "accepted over the budget: {} requests", est.requests());
            let caps = Caps { live: 200_000, queued: 400_000, events: 100_000, window_cells: 1_000_000 };
            let sim = spec.sim.clone();
            let ran = std::panic::catch_unwind(move || play_with_caps(sim, 1, &[], Some(SimTime::from_secs(3)), caps));
            prop_assert!(ran.is_ok(), "an accepted scenario panicked in its first 3 s:\n{}", text);
            Ok(())
        }
    }
}

fn seeds_scenarios() -> Vec<String> {
    BUILTIN.iter().map(|(_, _, t)| (*t).to_string()).collect()
}

#[test]
fn mutated_scenarios_never_panic_and_are_refused_with_positions_or_fit_the_budget() {
    let seeds = seeds_scenarios();
    let tally = Tally::default();
    let mut runner = TestRunner::new(config());
    let strategy = (0..seeds.len(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(s, ms)| {
            let text = ms.iter().fold(seeds[s].clone(), |t, m| apply(&t, m));
            check_scenario(&text, &tally)
        })
        .unwrap();
    tally.report("scenarios");
}

#[test]
fn random_bytes_never_panic_any_loader() {
    let tally = Tally::default();
    let mut runner = TestRunner::new(config());
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..600), |bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            check_scenario(&text, &tally)?;
            let _ = scenario::parse_commands("fuzz.ron", &text);
            let _ = SavedRun::load(Path::new("fuzz.ron"), &text);
            let _ = Keymap::with_user("fuzz.ron", &text);
            Ok(())
        })
        .unwrap();
    tally.report("random bytes");
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

#[test]
fn mutated_commands_files_never_panic_and_replay_when_accepted() {
    let seeds: Vec<(String, String)> = ["friday-deploy", "retry-storm", "traffic-spike"]
        .iter()
        .map(|id| (id.to_string(), fixture(&format!("tests/fixtures/{id}-good.ron"))))
        .collect();
    let tally = Tally::default();
    let mut runner = TestRunner::new(config());
    let strategy = (0..seeds.len(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(s, ms)| {
            let text = ms.iter().fold(seeds[s].1.clone(), |t, m| apply(&t, m));
            let owned = text.clone();
            let Ok(result) = std::panic::catch_unwind(move || scenario::parse_commands("fuzz.ron", &owned)) else {
                return Err(TestCaseError::fail(format!("the commands loader panicked on:\n{text}")));
            };
            tally.count(result.is_ok());
            match result {
                Err(errors) => positioned("commands", &text, &errors),
                Ok(commands) => {
                    let spec = scenario::builtin(&seeds[s].0).unwrap().unwrap();
                    let until = Some(SimTime::from_secs(60));
                    let ran = std::panic::catch_unwind(|| {
                        play_with_caps(spec.sim.clone(), 1, &commands, until, Caps::DEFAULT)
                    });
                    prop_assert!(ran.is_ok(), "accepted commands panicked the engine:\n{}", text);
                    Ok(())
                }
            }
        })
        .unwrap();
    tally.report("commands files");
}

#[test]
fn mutated_saved_runs_and_keymaps_never_panic_and_say_where() {
    // A real saved run: friday-deploy with the report fixture's commands, as `run --save` writes it.
    let dir = tempfile::tempdir().unwrap();
    let commands = scenario::parse_commands("c.ron", &fixture("tests/fixtures/friday-deploy-report.ron")).unwrap();
    let spec = scenario::builtin("friday-deploy").unwrap().unwrap();
    let saved = dir.path().join("run.ron");
    SavedRun::new(firedrill::store::ScenarioRef::Builtin("friday-deploy".into()), &spec, 42, None, commands)
        .save(&saved)
        .unwrap();
    let run = std::fs::read_to_string(&saved).unwrap();
    let keymap = fixture("assets/keymap.ron");
    let tally = Tally::default();
    let mut runner = TestRunner::new(config());
    let strategy = (any::<bool>(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(is_run, ms)| {
            let seed = if is_run { &run } else { &keymap };
            let text = ms.iter().fold(seed.clone(), |t, m| apply(&t, m));
            let owned = text.clone();
            if is_run {
                let Ok(result) = std::panic::catch_unwind(move || SavedRun::load(Path::new("run.ron"), &owned)) else {
                    return Err(TestCaseError::fail(format!("the saved-run loader panicked on:\n{text}")));
                };
                tally.count(result.is_ok());
                if let Err(e) = result {
                    prop_assert!(!e.contains('\n'), "a saved run's error is one line: {}", e);
                    prop_assert!(e.starts_with("run.ron"), "the error names the file: {}", e);
                }
            } else {
                let Ok((_, warnings)) = std::panic::catch_unwind(move || Keymap::with_user("keymap.ron", &owned))
                else {
                    return Err(TestCaseError::fail(format!("the keymap loader panicked on:\n{text}")));
                };
                tally.count(warnings.is_empty());
                for w in warnings.iter().skip(1) {
                    prop_assert!(w.starts_with("keymap.ron:"), "a keymap problem is positioned: {}", w);
                }
            }
            Ok(())
        })
        .unwrap();
    tally.report("saved runs and keymaps");
}
