//! The command grammar: every kind of command round-trips text → `Command` → text → the same
//! `Command` (a property over generated commands, and a table of the forms people type); each
//! kind of mistake gets its own clear message; completion offers the right words at each
//! place. Names come from the shipped scenarios, so a renamed service breaks these tests.

use firedrill::cmdtext::{self, ErrorKind, Names, complete, parse, tab, text};
use firedrill::sim::model::spec::{Backoff, Lane};
use firedrill::sim::{Audience, Command, CommandKind, Dur, Severity};
use proptest::prelude::*;

fn spec(id: &str) -> firedrill::scenario::Spec {
    firedrill::scenario::builtin(id).expect("built in").expect("valid")
}

/// friday-deploy's names, with a client and instance numbers as a running game has them.
fn names() -> Names {
    let mut n = Names::of_spec(&spec("friday-deploy").sim);
    n.clients = vec!["scraper-9".into(), "bot.example".into()];
    n.instances = n.services.iter().map(|_| vec![1, 2, 3, 4]).collect();
    // The facilitator's line: every verb (a player's is tested without them below).
    n.facilitator = true;
    n
}

fn ok(line: &str) -> Command {
    parse(line, &names()).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn err(line: &str) -> cmdtext::ParseError {
    match parse(line, &names()) {
        Ok(c) => panic!("{line} parsed as {c:?}"),
        Err(e) => e,
    }
}

#[test]
fn the_forms_in_the_issue_parse_to_the_commands_they_mean() {
    let n = names();
    assert_eq!(n.services, ["api"], "friday-deploy has one service");
    assert_eq!(ok("rollback api"), Command::Rollback { service: "api".into() });
    assert_eq!(
        ok(":flag coupons-v2 off".trim_start_matches(':')),
        Command::SetFlag { flag: "coupons-v2".into(), on: false }
    );
    assert_eq!(ok("scale api 8"), Command::Scale { service: "api".into(), instances: 8 });
    assert_eq!(
        ok("timeout api payments 2s"),
        Command::SetTimeout { service: "api".into(), dependency: "payments".into(), timeout: Dur::from_secs(2) }
    );
    assert_eq!(ok("declare sev2"), Command::Declare { severity: Severity::Sev2 });
    assert_eq!(
        ok(r#"status customers "checkout errors, next update 30m""#),
        Command::StatusUpdate {
            audience: Audience::Customers,
            impact: "checkout errors, next update 30m".into(),
            next_update: Dur::from_secs(1800),
            all_clear: false
        }
    );
    assert_eq!(
        ok("status internal checkout is failing 15m"),
        Command::StatusUpdate {
            audience: Audience::Internal,
            impact: "checkout is failing".into(),
            next_update: Dur::from_secs(900),
            all_clear: false
        }
    );
    assert_eq!(
        ok(r#"status customers "resolved: checkout works again" all-clear"#),
        Command::StatusUpdate {
            audience: Audience::Customers,
            impact: "resolved: checkout works again".into(),
            next_update: Dur::ZERO,
            all_clear: true
        }
    );
    assert_eq!(ok("severity sev1"), Command::ChangeSeverity { severity: Severity::Sev1 });
    assert_eq!(ok("restart api 3"), Command::Restart { service: "api".into(), instance: Some(3), all_at_once: false });
    assert_eq!(ok("restart api"), Command::Restart { service: "api".into(), instance: None, all_at_once: false });
    assert_eq!(
        ok("restart api all-at-once"),
        Command::Restart { service: "api".into(), instance: None, all_at_once: true }
    );
    assert_eq!(ok("page coupons-team"), Command::Page { team: "coupons-team".into() });
    assert_eq!(ok("ack EdgeErrorRate"), Command::Ack { alert: "EdgeErrorRate".into() });
    assert_eq!(ok("shed 25%"), Command::SetShed { fraction: 0.25 });
    assert_eq!(ok("shed 0.5"), Command::SetShed { fraction: 0.5 });
    assert_eq!(ok("ratelimit off"), Command::SetRateLimit { rps: None, burst: None });
    assert_eq!(ok("ratelimit 500 burst 100"), Command::SetRateLimit { rps: Some(500.0), burst: Some(100.0) });
    assert_eq!(
        ok("retries api payments 3 backoff full budget on"),
        Command::SetRetries {
            service: "api".into(),
            dependency: "payments".into(),
            max_attempts: 3,
            budget: Some(true),
            backoff: Some(Backoff::Full)
        }
    );
    assert_eq!(
        ok("healthcheck api off"),
        Command::SetHealthCheck {
            service: "api".into(),
            endpoint: None,
            lane: None,
            interval: None,
            timeout: None,
            unhealthy_after: None,
            healthy_after: None,
            enabled: Some(false)
        }
    );
    assert_eq!(ok("renew edge"), Command::RenewCert { target: "edge".into() });
    // Verbs, words and (unambiguous) names ignore case; the canonical text uses the scenario's.
    assert_eq!(ok("ROLLBACK API"), Command::Rollback { service: "api".into() });
    assert_eq!(ok("Declare SEV1"), Command::Declare { severity: Severity::Sev1 });
}

#[test]
fn every_kind_has_a_text_form_that_reads_back() {
    let mut seen = Vec::new();
    for line in [
        "ack EdgeErrorRate",
        "declare sev3",
        "status executives \"we are on it\" 10m",
        "status internal 1h",
        "status customers \"working again\" all-clear",
        "severity sev1",
        "resolve",
        "rollback api",
        "pause-rollout api",
        "resume-rollout api",
        "deploy api v41",
        "scale api 6",
        "restart api 2",
        "drain api 1",
        "flag coupons-v2 on",
        "ratelimit 250.5",
        "shed 10%",
        "block scraper-9",
        "breaker api payments on",
        "retries api payments 1 budget off",
        "timeout api db 500ms",
        "pool api 30",
        "deadlines api on",
        "healthcheck api on endpoint health lane own interval 5s timeout 1s unhealthy 3 healthy 2",
        "revert api",
        "flush catalog",
        "warm catalog",
        "failover",
        "restore",
        "renew payments",
        "page coupons-team",
        "hint",
        "fire db-slow-contingency",
        "reveal \"v42 went out at 16:42\"",
        "tip alice \"look at the changes list\"",
    ] {
        let c = ok(line);
        assert_eq!(text(&c), line, "the canonical text of {line}");
        assert_eq!(ok(&text(&c)), c);
        seen.push(c.kind());
    }
    seen.dedup();
    assert_eq!(seen, CommandKind::ALL.to_vec(), "one line per kind, in kind order");
}

fn pick(list: &[String]) -> proptest::sample::Select<String> {
    proptest::sample::select(list.to_vec())
}

fn dur() -> impl Strategy<Value = Dur> {
    (1u64..=86_400_000).prop_map(|ms| Dur(ms * 1000))
}

/// Any command the grammar can name, with names from friday-deploy.
fn any_command() -> impl Strategy<Value = Command> {
    let n = names();
    let svc = pick(&n.services);
    let dep = pick(&n.deps[0]);
    let onoff = proptest::bool::ANY;
    let backoff = proptest::sample::select(vec![
        Backoff::None,
        Backoff::Exponential,
        Backoff::Full,
        Backoff::Equal,
        Backoff::Decorrelated,
    ]);
    let sev = proptest::sample::select(vec![Severity::Sev1, Severity::Sev2, Severity::Sev3, Severity::Sev4]);
    let aud = proptest::sample::select(vec![Audience::Internal, Audience::Executives, Audience::Customers]);
    let mut certs = vec!["edge".to_string()];
    certs.extend(n.third_parties.clone());
    prop_oneof![
        pick(&n.alerts).prop_map(|alert| Command::Ack { alert }),
        sev.clone().prop_map(|severity| Command::Declare { severity }),
        (aud, "\\PC{0,40}", dur(), proptest::bool::ANY).prop_map(|(audience, impact, next_update, all_clear)| {
            // The all-clear promises no next update.
            let next_update = if all_clear { Dur::ZERO } else { next_update };
            Command::StatusUpdate { audience, impact, next_update, all_clear }
        }),
        sev.prop_map(|severity| Command::ChangeSeverity { severity }),
        Just(Command::Resolve),
        svc.clone().prop_map(|service| Command::Rollback { service }),
        svc.clone().prop_map(|service| Command::PauseRollout { service }),
        svc.clone().prop_map(|service| Command::ResumeRollout { service }),
        (svc.clone(), pick(&n.versions)).prop_map(|(service, version)| Command::Deploy { service, version }),
        (svc.clone(), any::<u32>()).prop_map(|(service, instances)| Command::Scale { service, instances }),
        (svc.clone(), proptest::option::of(any::<u32>()), onoff).prop_map(|(service, instance, all)| {
            Command::Restart { service, instance, all_at_once: all && instance.is_none() }
        }),
        (svc.clone(), any::<u32>()).prop_map(|(service, instance)| Command::Drain { service, instance }),
        (pick(&n.flags), onoff).prop_map(|(flag, on)| Command::SetFlag { flag, on }),
        (proptest::option::of(0.001f64..1e6), proptest::option::of(1f64..1e6))
            .prop_map(|(rps, burst)| Command::SetRateLimit { rps, burst }),
        (0f64..=1.0).prop_map(|fraction| Command::SetShed { fraction }),
        pick(&n.clients).prop_map(|client| Command::BlockClient { client }),
        (svc.clone(), dep.clone(), onoff).prop_map(|(service, dependency, enabled)| Command::SetBreaker {
            service,
            dependency,
            enabled
        }),
        (svc.clone(), dep.clone(), any::<u32>(), proptest::option::of(onoff), proptest::option::of(backoff)).prop_map(
            |(service, dependency, max_attempts, budget, backoff)| Command::SetRetries {
                service,
                dependency,
                max_attempts,
                budget,
                backoff
            }
        ),
        (svc.clone(), dep, dur()).prop_map(|(service, dependency, timeout)| Command::SetTimeout {
            service,
            dependency,
            timeout
        }),
        (svc.clone(), any::<u32>()).prop_map(|(service, size)| Command::SetPoolSize { service, size }),
        (svc.clone(), onoff).prop_map(|(service, on)| Command::SetDeadlines { service, on }),
        (
            svc.clone(),
            proptest::option::of(pick(&n.endpoints[0])),
            proptest::option::of(proptest::sample::select(vec![Lane::Shared, Lane::Separate])),
            (proptest::option::of(dur()), proptest::option::of(dur())),
            (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>())),
            proptest::option::of(onoff),
        )
            .prop_map(
                |(service, endpoint, lane, (interval, timeout), (unhealthy_after, healthy_after), enabled)| {
                    Command::SetHealthCheck {
                        service,
                        endpoint,
                        lane,
                        interval,
                        timeout,
                        unhealthy_after,
                        healthy_after,
                        enabled,
                    }
                }
            ),
        svc.prop_map(|service| Command::RevertConfig { service }),
        pick(&n.caches).prop_map(|cache| Command::FlushCache { cache }),
        pick(&n.caches).prop_map(|cache| Command::WarmCache { cache }),
        Just(Command::Failover),
        pick(&certs).prop_map(|target| Command::RenewCert { target }),
        pick(&n.teams).prop_map(|team| Command::Page { team }),
        Just(Command::Hint),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_command_round_trips_through_its_text(c in any_command()) {
        let line = text(&c);
        let back = parse(&line, &names()).map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
        prop_assert_eq!(&back, &c, "{}", line);
        prop_assert_eq!(text(&back), line);
    }
}

#[test]
fn each_kind_of_mistake_says_what_is_wrong_and_how_to_write_it() {
    let cases: [(&str, ErrorKind, &str); 14] = [
        ("", ErrorKind::Empty, "type a command, e.g. `rollback api`"),
        ("   ", ErrorKind::Empty, "type a command"),
        (r#"status customers "checkout"#, ErrorKind::Unclosed, "the quoted text is not closed"),
        (
            "rolback api",
            ErrorKind::UnknownVerb,
            "unknown command `rolback`: did you mean `rollback`? commands are: ack, declare,",
        ),
        ("scale api", ErrorKind::Missing, "scale needs a number of instances, e.g. `scale api 8`"),
        ("rollback", ErrorKind::Missing, "rollback needs a service, e.g. `rollback api`"),
        ("rollback apu", ErrorKind::UnknownName, "unknown service `apu`: did you mean `api`? services are: api"),
        (
            "timeout api paymnts 2s",
            ErrorKind::UnknownName,
            "unknown dependency `paymnts`: did you mean `payments`? its dependencies are: ",
        ),
        (
            "scale api eight",
            ErrorKind::BadValue,
            "`eight` is not a number of instances: scale needs a number of instances, e.g. `scale api 8`",
        ),
        ("timeout api payments 2x", ErrorKind::BadValue, "`2x` is not a duration like 2s, 500ms or 5m ("),
        (
            "flag coupons-v2 offf",
            ErrorKind::BadValue,
            "`offf` is not on or off: did you mean `off`? write one of: on, off",
        ),
        ("shed 150%", ErrorKind::BadValue, "`150%` is not a percentage like 25% from 0% to 100%"),
        ("rollback api now", ErrorKind::Extra, "unexpected `now`: write `rollback SERVICE`, e.g. `rollback api`"),
        ("retries api payments 2 budget on budget off", ErrorKind::Repeated, "`budget` is given twice"),
    ];
    for (line, kind, start) in cases {
        let e = err(line);
        assert_eq!(e.kind, kind, "{line}: {e}");
        assert!(e.message.starts_with(start), "{line}:\n  got  {}\n  want {start}…", e.message);
    }
    // The error points at the word it is about, or the end of the line for a missing one.
    assert_eq!(err("rollback apu").at, 9..12);
    assert_eq!(err("scale api").at, 9..9);
    // A kind of thing the scenario has none of.
    let mut none = names();
    none.clients.clear();
    let e = parse("block x", &none).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NothingToName);
    assert_eq!(e.message, "there are no clients seen at the edge in this scenario for `block`");
    // An unknown option names the ones there are.
    let e = err("ratelimit 100 bursts 5");
    assert_eq!(e.kind, ErrorKind::Extra);
    assert!(e.message.contains("did you mean `burst`? ratelimit takes the options: burst"), "{e}");
}

#[test]
fn completion_offers_verbs_then_each_places_words() {
    let n = names();
    let words = |line: &str| complete(line, &n).candidates;
    assert_eq!(words("").len(), CommandKind::ALL.len(), "every verb on an empty line");
    assert_eq!(
        words("re"),
        ["resolve", "resume-rollout", "restart", "retries", "revert", "restore", "renew", "reveal"]
    );
    assert_eq!(words("rollback "), ["api"]);
    assert_eq!(words("flag "), ["coupons-v2"]);
    assert_eq!(words("flag coupons-v2 "), ["on", "off"]);
    assert_eq!(words("timeout api "), n.deps[0]);
    assert!(words("timeout api ").contains(&"payments".to_string()));
    assert_eq!(words("declare s"), ["sev1", "sev2", "sev3", "sev4"]);
    assert_eq!(words("status "), ["internal", "executives", "customers"]);
    assert_eq!(words("restart api "), ["1", "2", "3", "4", "rolling", "all-at-once"]);
    assert_eq!(
        words("healthcheck api "),
        ["on", "off", "endpoint", "lane", "interval", "timeout", "unhealthy", "healthy"]
    );
    assert_eq!(words("healthcheck api off lane "), ["shared", "own"]);
    assert_eq!(words("healthcheck api lane own "), ["endpoint", "interval", "timeout", "unhealthy", "healthy"]);
    assert_eq!(words("retries api payments 2 "), ["budget", "backoff"]);
    assert_eq!(words("page "), n.teams);
    assert_eq!(words("ack "), n.alerts);
    assert!(words("scale api ").is_empty(), "a number has no candidates");
    assert_eq!(complete("scale api ", &n).expects.as_deref(), Some("a number of instances"));
    assert_eq!(complete("scale a", &n).usage.as_deref(), Some("scale SERVICE INSTANCES"));
    assert!(words("nosuch ").is_empty());
    assert!(words("rollback api ").is_empty(), "nothing after a complete command");
    // Tab: one candidate completes the word and adds a space; several extend the common part.
    assert_eq!(tab("roll", &n).0, "rollback ");
    assert_eq!(tab("rollback a", &n).0, "rollback api ");
    assert_eq!(tab("res", &n).0, "res", "resolve, resume-rollout, restart share only `res`");
    assert_eq!(tab("resu", &n).0, "resume-rollout ");
    assert_eq!(tab("pa", &n).0, "pa", "page and pause-rollout");
    assert_eq!(tab("declare sev", &n).0, "declare sev");
    assert_eq!(tab("scale api ", &n).0, "scale api ", "nothing to complete");
}

#[test]
fn every_shipped_scenarios_expert_commands_have_a_text_form() {
    // Every name each scenario defines is a plain word, so the text of any command that names
    // it reads back: check the verbs with names for every shipped scenario.
    for (id, _, _) in firedrill::scenario::BUILTIN {
        let s = spec(id);
        let n = Names::of_spec(&s.sim);
        for svc in &n.services {
            for line in [format!("rollback {svc}"), format!("scale {svc} 3"), format!("restart {svc} all-at-once")] {
                assert_eq!(cmdtext::canonical(&line, &n).as_deref(), Ok(line.as_str()), "{id}");
            }
        }
        for (s, deps) in n.deps.iter().enumerate() {
            for d in deps {
                let line = format!("timeout {} {d} 2s", n.services[s]);
                assert_eq!(cmdtext::canonical(&line, &n).as_deref(), Ok(line.as_str()), "{id}");
            }
        }
        for (list, verb) in [(&n.flags, "flag"), (&n.caches, "flush"), (&n.teams, "page"), (&n.alerts, "ack")] {
            for x in list {
                let line = if verb == "flag" { format!("flag {x} off") } else { format!("{verb} {x}") };
                assert_eq!(cmdtext::canonical(&line, &n).as_deref(), Ok(line.as_str()), "{id}");
            }
        }
    }
}

#[test]
fn every_verbs_example_parses_and_readme_lists_every_form() {
    // The examples name things from the shipped scenarios (and one client an abuser uses).
    let mut all = Names { facilitator: true, ..Names::default() };
    for (id, _, _) in firedrill::scenario::BUILTIN {
        let n = Names::of_spec(&spec(id).sim);
        for (i, s) in n.services.iter().enumerate() {
            if let Some(k) = all.services.iter().position(|x| x == s) {
                // A service of the same name elsewhere (every scenario's `api`): its
                // dependencies and endpoints there count too.
                for (mine, theirs) in [(&mut all.deps[k], &n.deps[i]), (&mut all.endpoints[k], &n.endpoints[i])] {
                    mine.extend(theirs.iter().filter(|x| !mine.contains(x)).cloned().collect::<Vec<_>>());
                }
            } else {
                all.services.push(s.clone());
                all.deps.push(n.deps[i].clone());
                all.endpoints.push(n.endpoints[i].clone());
                all.instances.push(Vec::new());
            }
        }
        for (mine, theirs) in [
            (&mut all.versions, n.versions),
            (&mut all.flags, n.flags),
            (&mut all.caches, n.caches),
            (&mut all.teams, n.teams),
            (&mut all.alerts, n.alerts),
            (&mut all.third_parties, n.third_parties),
            (&mut all.contingencies, n.contingencies),
        ] {
            mine.extend(theirs.into_iter().filter(|x| !mine.contains(x)).collect::<Vec<_>>());
        }
    }
    all.clients.push("scraper-9".into());
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for v in cmdtext::verbs::VERBS {
        let c = parse(v.example, &all).unwrap_or_else(|e| panic!("{}: {e}", v.example));
        assert_eq!(c.kind(), v.kind, "{}", v.example);
        let row = format!("| `{}` | `{}` |", v.usage().replace('|', "\\|"), v.example);
        assert!(readme.contains(&row), "README.md's command table lacks the row starting {row}");
    }
}

#[test]
fn the_facilitators_verbs_fire_a_contingency_and_say_the_rest_of_the_line() {
    assert_eq!(ok("fire db-slow-contingency"), Command::Fire { entry: "db-slow-contingency".into() });
    let e = err("fire db-slow");
    assert_eq!(e.kind, ErrorKind::UnknownName);
    assert!(e.message.contains("contingencies left to fire are: db-slow-contingency"), "{e}");
    assert_eq!(err("fire").kind, ErrorKind::Missing);
    // The text is the rest of the line, quoted or not, made one clean line.
    assert_eq!(ok("reveal v42 went out at 16:42"), Command::Reveal { text: "v42 went out at 16:42".into() });
    assert_eq!(ok("reveal \"v42\u{1b}[2J went out\""), Command::Reveal { text: "v42\u{241b}[2J went out".into() });
    assert_eq!(
        ok("tip alice look at   the changes"),
        Command::Tip { seat: "alice".into(), text: "look at the changes".into() }
    );
    let e = err("tip alice");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Missing, "tip needs text, e.g. `tip alice look at the changes list`")
    );
    // With the drill's seats known, a seat is one of them.
    let mut seated = names();
    seated.seats = vec!["alice".into(), "bob".into()];
    assert_eq!(parse("tip bob hi", &seated).unwrap(), Command::Tip { seat: "bob".into(), text: "hi".into() });
    assert_eq!(parse("tip carol hi", &seated).unwrap_err().kind, ErrorKind::UnknownName);
    assert_eq!(complete("tip ", &seated).candidates, ["alice", "bob"]);
    assert_eq!(complete("fire ", &names()).candidates, ["db-slow-contingency"]);
    assert_eq!(complete("fire ", &names()).usage.as_deref(), Some("fire CONTINGENCY"));
    // A player's line refuses them, and neither completion nor the list of verbs offers them.
    let player = Names { facilitator: false, ..names() };
    let e = parse("fire db-slow-contingency", &player).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownVerb);
    assert_eq!(
        e.message,
        "`fire` is a drill facilitator's command: fire a contingency or live inject now (facilitator)"
    );
    assert_eq!(complete("", &player).candidates.len(), CommandKind::ALL.len() - 3);
    assert!(complete("re", &player).candidates.iter().all(|w| w != "reveal"));
    assert!(!parse("revael x", &player).unwrap_err().message.contains("reveal"));
    // A contingency that fired is no longer offered.
    let spec = spec("friday-deploy");
    let mut sim = firedrill::sim::Sim::new(spec.sim.clone(), 1);
    sim.submit(Command::Fire { entry: "db-slow-contingency".into() }).unwrap();
    assert!(Names::of_sim(&sim).contingencies.is_empty());
}
