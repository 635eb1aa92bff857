//! Engine benchmarks (DESIGN.md §7): simulated requests per second of wall time on a realistic
//! call plan, and the wall time of a whole 30-minute scenario at 2,000 requests/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firedrill::sim::{SimTime, play};
use std::hint::black_box;

fn workload() -> firedrill::scenario::Spec {
    firedrill::scenario::parse("benches/shop.ron", include_str!("shop.ron")).expect("the benchmark scenario is valid")
}

/// Requests simulated: user attempts plus every dependency try.
fn requests(sim: &firedrill::sim::Sim) -> u64 {
    firedrill::report::requests_simulated(sim)
}

fn throughput(c: &mut Criterion) {
    let spec = workload();
    // One minute of sim time per iteration; the request count is the same every time.
    let until = Some(SimTime::from_secs(60));
    let n = requests(&play(spec.sim.clone(), 1, &[], until));
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    g.bench_function("one sim minute at 2000 rps (elements = requests)", |b| {
        b.iter(|| black_box(play(spec.sim.clone(), 1, &[], until)));
    });
    g.finish();
}

fn whole_scenario(c: &mut Criterion) {
    let spec = workload();
    let mut g = c.benchmark_group("scenario");
    g.sample_size(10);
    g.bench_function("30 min at 2000 rps, headless", |b| {
        b.iter(|| black_box(play(spec.sim.clone(), 1, &[], None)));
    });
    g.finish();
}

/// The issue 8 mechanisms in use (replicas, a queue, network delay, concurrency cost, a
/// closed loop): the budget is 1 M requests/s.
fn mechanisms(c: &mut Criterion) {
    let spec = firedrill::scenario::parse("benches/mechanisms.ron", include_str!("mechanisms.ron"))
        .expect("the mechanisms benchmark scenario is valid");
    let until = Some(SimTime::from_secs(60));
    let n = requests(&play(spec.sim.clone(), 1, &[], until));
    let mut g = c.benchmark_group("mechanisms");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    g.bench_function("one sim minute with replicas, a queue, network delay and a batch", |b| {
        b.iter(|| black_box(play(spec.sim.clone(), 1, &[], until)));
    });
    g.finish();
}

/// A commands file at the limit (10,000 Scale commands, 8 a second, over friday-deploy's 20
/// minutes), run and scored: the engine and the judge stay linear in the commands (issue 10 §5).
fn many_commands(c: &mut Criterion) {
    use firedrill::sim::{Command, TimedCommand};
    let spec = firedrill::scenario::builtin("friday-deploy").expect("a built-in").expect("valid");
    let commands: Vec<TimedCommand> = (0..10_000u64)
        .map(|i| TimedCommand {
            by: None,
            at: SimTime(i * 119_000),
            command: Command::Scale { service: "api".into(), instances: 6 + (i % 2) as u32 },
        })
        .collect();
    let mut g = c.benchmark_group("commands");
    g.sample_size(10);
    g.bench_function("friday-deploy with 10,000 Scale commands, run and scored", |b| {
        b.iter(|| {
            let sim = play(spec.sim.clone(), 1, &commands, None);
            black_box(firedrill::score::score(&spec, &firedrill::score::Evidence::from_sim(&sim)))
        });
    });
    g.finish();
}

/// The campaign's heaviest scenario (most requests simulated when nobody acts), played whole
/// and headless with its default seed: every shipped scenario must run in under 3 s.
fn heaviest_shipped(c: &mut Criterion) {
    let (id, spec) = firedrill::scenario::builtin_ids()
        .map(|id| (id, firedrill::scenario::builtin(id).unwrap().unwrap()))
        .max_by_key(|(_, spec)| requests(&play(spec.sim.clone(), spec.default_seed, &[], None)))
        .expect("scenarios ship");
    let mut g = c.benchmark_group("campaign");
    g.sample_size(10);
    g.bench_function(format!("heaviest shipped scenario ({id}), whole, no commands"), |b| {
        b.iter(|| black_box(play(spec.sim.clone(), spec.default_seed, &[], None)));
    });
    g.finish();
}

criterion_group!(benches, throughput, whole_scenario, mechanisms, many_commands, heaviest_shipped);
criterion_main!(benches);
