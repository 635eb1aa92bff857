//! Hostile-but-valid scenarios (issue 10 §2): files that `validate` accepted and that ran for
//! hours, ate gigabytes or crashed. Each lives in `tests/hostile/` with a comment saying what
//! it did; this test says what each must do now: run to its end with bounded work, or be
//! refused at validation with a positioned error that names the fields driving the cost.

use firedrill::scenario;
use firedrill::sim::{EndReason, SimTime, play};
use std::path::Path;

fn text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A vanishing rate gives (almost) no arrivals: the gap to the next one is longer than the
/// run, not an overflow of the clock. Before the fix the clock wrapped round, arrivals were
/// scheduled in the past for ever, and the run never ended (an overflow panic in tests, an
/// allocation failure in release).
#[test]
fn a_vanishing_arrival_rate_runs_to_its_end_with_no_arrivals() {
    for (file, before_spike) in [("vanishing-rate.ron", 0..=0), ("vanishing-spike.ron", 5_000..=7_000)] {
        let spec = scenario::parse(file, &text(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let sim = std::thread::spawn(move || play(spec.sim, 1, &[], None)).join().expect("the run does not panic");
        assert_eq!(sim.ended(), Some((SimTime::from_secs(600), EndReason::TimeUp)), "{file}");
        // 100 rps for the first minute (6,000 ± 4σ), then nothing while the spike lasts and
        // 100 rps again for its last 4 minutes: the spike scenario has ~30,000 in all.
        let users = sim.totals().users;
        if *before_spike.end() == 0 {
            assert_eq!(users, 0, "{file}: {users} arrivals at 1e-20 rps over 10 minutes");
        } else {
            assert!((27_000..=33_000).contains(&users), "{file}: {users} arrivals");
            let during: u32 = sim.windows()[65..355].iter().map(|w| w.edge.users).sum();
            assert_eq!(during, 0, "{file}: arrivals while the rate was 1e-18 rps");
        }
    }
}
