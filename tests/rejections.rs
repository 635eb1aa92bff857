//! What the player reads when a command is refused. Each command below is submitted to the
//! first built-in scenario at its time; the expected outcome is the message main's engine gave
//! (`None`: accepted). Rejections are typed (`Rejection`), and this is their `Display`: the
//! same words in the event log, the debrief and the game's flash line.

use firedrill::sim::{Command, Rejection, Sim, SimTime, TimedCommand, play};

/// (time, command, the rejection's message or `None` if it is accepted), in submission order.
const CASES: &[(&str, &str, Option<&str>)] = &[
    ("10s", r#"Ack(alert: "Nope")"#, Some("no alert named 'Nope'")),
    ("10s", r#"Ack(alert: "EdgeErrorRate")"#, Some("EdgeErrorRate is not firing")),
    (
        "10s",
        r#"StatusUpdate(audience: Internal, impact: "x", next_update: "25h")"#,
        Some("the next update must be promised between 1s and 24h from now (or post the all-clear)"),
    ),
    (
        "10s",
        r#"StatusUpdate(audience: Internal, impact: "x")"#,
        Some("the next update must be promised between 1s and 24h from now (or post the all-clear)"),
    ),
    ("10s", "ChangeSeverity(severity: Sev1)", Some("no incident has been declared; declare one first")),
    ("10s", "Resolve", Some("no incident has been declared; declare one first")),
    ("10s", r#"Rollback(service: "api")"#, Some("api has not been deployed during this run: nothing to roll back to")),
    ("10s", r#"Rollback(service: "nope")"#, Some("no service named 'nope' (services: api)")),
    ("10s", r#"PauseRollout(service: "api")"#, Some("no rollout of api is in progress")),
    ("10s", r#"Deploy(service: "api", version: "v99")"#, Some("no version named 'v99'")),
    ("10s", r#"Deploy(service: "api", version: "v41")"#, Some("api already runs v41")),
    ("10s", r#"Scale(service: "api", instances: 0)"#, Some("api can run 1 to 50 instances")),
    ("10s", r#"Restart(service: "api", instance: 99)"#, Some("api has no running instance 99")),
    ("10s", r#"Drain(service: "api", instance: 99)"#, Some("api has no running instance 99")),
    ("10s", r#"SetFlag(flag: "nope", on: false)"#, Some("no feature flag named 'nope'")),
    ("10s", "SetRateLimit(rps: 0.0)", Some("a rate limit needs 0 < rps ≤ 1,000,000 and burst ≥ 1")),
    ("10s", "SetRateLimit(rps: 10.0, burst: 0.5)", Some("a rate limit needs 0 < rps ≤ 1,000,000 and burst ≥ 1")),
    ("10s", "SetShed(fraction: 2.0)", Some("the shed fraction must be between 0 and 1")),
    ("10s", r#"BlockClient(client: "nope")"#, Some("no client named 'nope' is sending traffic")),
    (
        "10s",
        r#"SetBreaker(service: "api", dependency: "nope", enabled: true)"#,
        Some("api does not call 'nope' (it calls: db, payments)"),
    ),
    (
        "10s",
        r#"SetTimeout(service: "api", dependency: "db", timeout: "2h")"#,
        Some("a timeout must be between 1us and 1h"),
    ),
    (
        "10s",
        r#"SetRetries(service: "api", dependency: "payments", max_attempts: 11)"#,
        Some("max_attempts counts the first try: 1 (no retries) to 10"),
    ),
    ("10s", r#"SetPoolSize(service: "api", size: 0)"#, Some("a pool size must be 1 to 1000")),
    ("10s", r#"SetDeadlines(service: "nope", on: true)"#, Some("no service named 'nope' (services: api)")),
    ("10s", r#"RevertConfig(service: "api")"#, Some("api's config has not been changed")),
    ("10s", r#"FlushCache(cache: "nope")"#, Some("no cache named 'nope'")),
    ("10s", r#"WarmCache(cache: "nope")"#, Some("no cache named 'nope'")),
    ("10s", r#"RenewCert(target: "nope")"#, Some(r#"no certificate for 'nope' (use "edge" or a third party's name)"#)),
    ("10s", r#"Page(team: "nope")"#, Some("no team named 'nope' (teams: coupons-team)")),
    ("10s", r#"Page(team: "coupons-team")"#, None),
    ("11s", r#"Page(team: "coupons-team")"#, Some("coupons-team has already been paged")),
    ("12s", "Failover", None),
    ("20s", "Failover", Some("a failover is already in progress")),
    ("30s", "Hint", None),
    ("31s", "Hint", None),
    ("32s", "Hint", Some("no more hints for this scenario")),
    ("33s", "Hint", Some("no more hints for this scenario")),
    ("34s", "Hint", Some("no more hints for this scenario")),
    ("2m5s", r#"PauseRollout(service: "api")"#, None),
    ("2m10s", r#"PauseRollout(service: "api")"#, Some("the rollout of api is already paused")),
    ("2m20s", r#"ResumeRollout(service: "api")"#, None),
    ("2m30s", r#"ResumeRollout(service: "api")"#, Some("the rollout of api is already running")),
    ("3m", r#"Drain(service: "api", instance: 7)"#, None),
    ("10m", "Declare(severity: Sev2)", None),
    ("10m", "ChangeSeverity(severity: Sev2)", Some("the incident is already a Sev2")),
    ("10m", "ChangeSeverity(severity: Sev1)", None),
    ("10m", r#"StatusUpdate(audience: Customers, impact: "resolved", all_clear: true)"#, None),
    ("10m1s", "Resolve", None),
    ("10m2s", "Hint", Some("the run has ended")),
];

/// The cases as timed commands. (Not through `parse_commands`: a commands file may hold at
/// most 20 commands within one second, and these pile up at 10 s on purpose, as a paused
/// player can.)
fn commands() -> Vec<TimedCommand> {
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    CASES
        .iter()
        .map(|(at, c, _)| {
            let text = format!("(at: \"{at}\", command: {c})");
            options.from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
        })
        .collect()
}

fn friday() -> firedrill::scenario::Spec {
    firedrill::scenario::builtin("friday-deploy").expect("built in").expect("valid")
}

#[test]
fn every_rejection_reads_as_it_always_has() {
    let spec = friday();
    let sim = play(spec.sim.clone(), spec.default_seed, &commands(), None);
    let records = sim.commands();
    assert_eq!(records.len(), CASES.len(), "one record per submitted command");
    let mut wrong = Vec::new();
    for ((at, command, want), got) in CASES.iter().zip(records) {
        if got.rejected.as_deref() != *want {
            wrong.push(format!("{at} {command}: expected {want:?}, got {:?}", got.rejected));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_rejection_is_a_value_that_names_what_exists() {
    let spec = friday();
    let mut sim = Sim::new(spec.sim.clone(), 1);
    sim.advance_to(SimTime::from_secs(5));
    let rejection = sim.submit(Command::Rollback { service: "checkout".into() }).unwrap_err();
    assert_eq!(rejection, Rejection::NoSuchService { name: "checkout".into(), services: vec!["api".into()] });
    // Resolving checks without recording anything; submitting records the same verdict.
    let flag = Command::SetFlag { flag: "coupons".into(), on: false };
    assert_eq!(sim.resolve(&flag), Err(Rejection::NoSuchFlag("coupons".into())));
    assert_eq!(sim.commands().len(), 1, "resolve does not record");
    assert!(sim.resolve(&Command::SetFlag { flag: "coupons-v2".into(), on: false }).is_ok());
}
