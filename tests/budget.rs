//! The work budget (`scenario::budget`, issue 10 §2): the shipped scenarios fit with a wide
//! margin, and the estimate is an upper bound of what a run really simulates.

use firedrill::scenario::budget::{MAX_BYTES, MAX_REQUESTS, estimate};
use firedrill::scenario::raw::RawScenario;
use firedrill::scenario::{self, BUILTIN};

fn raw(text: &str) -> RawScenario {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .expect("a built-in parses")
}

#[test]
fn every_shipped_scenario_fits_in_a_quarter_of_the_budget_and_its_estimate_bounds_its_run() {
    let (mut rows, mut checks) = (Vec::new(), Vec::new());
    for (id, _, text) in BUILTIN {
        let spec = scenario::builtin(id).unwrap().unwrap();
        let est = estimate(&raw(text), &spec.sim);
        let sim = firedrill::sim::play(spec.sim.clone(), spec.default_seed, &[], None);
        let ran = firedrill::report::requests_simulated(&sim) as f64;
        rows.push(format!(
            "{id:<16} estimate {:>6.2} M requests, {:>5.1} MiB; ran {:>5.2} M",
            est.requests() / 1e6,
            est.bytes() / 1_048_576.0,
            ran / 1e6
        ));
        checks.push((id, est.requests(), est.bytes(), ran));
    }
    eprintln!("{}", rows.join("\n"));
    for (id, requests, bytes, ran) in checks {
        assert!(requests <= MAX_REQUESTS / 4.0, "{id}: {} M requests", requests / 1e6);
        assert!(bytes <= MAX_BYTES / 3.5, "{id}: {} MiB", bytes / 1_048_576.0);
        assert!(requests >= ran, "{id}: the estimate {requests} is below the {ran} requests the run simulated");
    }
}

/// The mechanism scenarios (closed loops, queues with redelivery, replicas, fan-out through
/// variants, peers) are where a term could be missing: the estimate must still bound each run.
#[test]
fn the_estimate_bounds_every_mechanism_scenarios_run() {
    let dir = format!("{}/tests/mechanisms", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut checked = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "ron")) {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.display().to_string();
        let spec = scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let est = estimate(&raw(&text), &spec.sim);
        let sim = firedrill::sim::play(spec.sim.clone(), spec.default_seed, &[], None);
        let ran = firedrill::report::requests_simulated(&sim) as f64;
        assert!(
            est.requests() >= ran,
            "{name}: the estimate {} is below the {ran} requests it simulated",
            est.requests()
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} mechanism scenarios found in {dir}");
}
