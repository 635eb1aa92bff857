//! Drills over loopback, in one process: a host and seats with real TCP connections on
//! 127.0.0.1. Every wait is bounded in count and time, so a broken drill fails instead of
//! hanging. The seats re-simulate the host's run (lockstep); these tests check that they
//! stay the same run, that roles hold, and that bad connections touch nothing else.

use firedrill::sim::{Audience, Command, Dur, Role, Severity};
use firedrill::tui::drill::host::Source;
use firedrill::tui::drill::net::JoinError;
use firedrill::tui::drill::proto::{self, ToHost, ToSeat};
use firedrill::tui::drill::session::{HostSession, SeatSession};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

async fn host(id: &str) -> HostSession {
    let spec = firedrill::load::scenario(id).unwrap();
    let (name, text) = firedrill::tui::drill::session::source_of(id).unwrap();
    let source = Source { name, text, seed: 7, challenge: firedrill::scenario::challenge::Challenge::Standard };
    HostSession::start(spec, source, firedrill::load::scenario_ref(id), "127.0.0.1:0").await.unwrap()
}

/// Tries to join a seat while the host handles the handshake.
async fn try_join(h: &mut HostSession, name: &str, role: Role) -> Result<SeatSession, JoinError> {
    let addr = h.addr.to_string();
    let code = h.host.code.clone();
    let name = name.to_string();
    let join = tokio::spawn(async move { SeatSession::join(&addr, &code, &name, role).await });
    for _ in 0..100 {
        if join.is_finished() {
            break;
        }
        h.wait(Duration::from_millis(20)).await;
    }
    join.await.unwrap()
}

/// Joins a seat; it must be let in.
async fn seat(h: &mut HostSession, name: &str, role: Role) -> SeatSession {
    try_join(h, name, role).await.expect("the seat joins")
}

/// Lets frames flow until every seat has applied the host's whole log and clock.
async fn settle(h: &mut HostSession, seats: &mut [&mut SeatSession]) {
    for _ in 0..200 {
        h.pump();
        let mut done = true;
        for s in seats.iter_mut() {
            s.pump().expect("the seat keeps its connection");
            done &= s.follower.next == h.host.log.len() as u64
                && s.game.sim.now() == h.game.sim.now()
                && s.follower.ended == h.host.ended;
        }
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the seats did not catch up with the host");
}

/// Runs the host's clock for `secs` of sim time in 100 ms frames.
async fn run(h: &mut HostSession, seats: &mut [&mut SeatSession], secs: u64) {
    for _ in 0..secs * 10 {
        h.advance(Dur(100_000));
        h.pump();
        for s in seats.iter_mut() {
            s.pump().expect("the seat keeps its connection");
        }
    }
    settle(h, seats).await;
}

/// Sends a command from a seat and waits until the host has answered it.
async fn send(h: &mut HostSession, s: &mut SeatSession, command: Command) {
    let before = (h.host.log.len(), h.host.activity.len());
    s.follower.refusal = None;
    s.send(command);
    for _ in 0..100 {
        h.wait(Duration::from_millis(20)).await;
        if (h.host.log.len(), h.host.activity.len()) != before {
            break;
        }
    }
    for _ in 0..100 {
        s.pump().unwrap();
        if s.follower.next == h.host.log.len() as u64 && (h.host.log.len() != before.0 || s.follower.refusal.is_some())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no answer from the host");
}

fn same_run(h: &HostSession, s: &SeatSession) {
    assert_eq!(s.game.recorded, h.game.recorded, "{} recorded the host's commands", s.follower.you);
    assert_eq!(s.game.sim.events(), h.game.sim.events(), "{} saw the host's events", s.follower.you);
    assert_eq!(s.game.sim.checksum(), h.game.sim.checksum());
    assert!(s.follower.checks > 0 && s.follower.diverged.is_none(), "checksums compared and agreed");
}

#[tokio::test(flavor = "current_thread")]
async fn three_seats_follow_the_host_and_each_role_does_only_its_job() {
    let mut h = host("friday-deploy").await;
    let mut ic = seat(&mut h, "ana", Role::Ic).await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    let mut comms = seat(&mut h, "cy", Role::Comms).await;
    assert_eq!(h.host.online(), 3);
    run(&mut h, &mut [&mut ic, &mut ops, &mut comms], 60).await;

    send(&mut h, &mut ic, Command::Rollback { service: "api".into() }).await;
    let why = ic.follower.refusal.clone().expect("the IC may not roll back");
    assert!(why.contains("operations (bo)") && why.contains("you are the incident commander"), "{why}");
    send(&mut h, &mut ic, Command::Declare { severity: Severity::Sev2 }).await;
    send(&mut h, &mut ops, Command::Rollback { service: "api".into() }).await;
    send(&mut h, &mut comms, Command::Resolve).await;
    assert!(comms.follower.refusal.as_deref().unwrap_or("").contains("incident commander (ana)"));
    let update = Command::StatusUpdate {
        audience: Audience::Internal,
        impact: "checkout errors".into(),
        next_update: Dur(900_000_000),
        all_clear: false,
    };
    send(&mut h, &mut comms, update).await;
    assert_eq!(h.host.log.len(), 3, "three commands were allowed, two refused");
    let who: Vec<Role> = h.host.log.iter().map(|e| e.by.role).collect();
    assert_eq!(who, [Role::Ic, Role::Ops, Role::Comms]);

    run(&mut h, &mut [&mut ic, &mut ops, &mut comms], 60).await;
    for s in [&ic, &ops, &comms] {
        same_run(&h, s);
        assert_eq!(s.follower.roster.len(), 3);
    }
    assert_eq!(h.host.seats.iter().map(|s| s.commands).collect::<Vec<_>>(), [1, 1, 1]);
}

#[tokio::test(flavor = "current_thread")]
async fn an_observer_only_watches_and_an_ic_alone_holds_the_empty_roles() {
    let mut h = host("friday-deploy").await;
    let mut ic = seat(&mut h, "ana", Role::Ic).await;
    let mut watcher = seat(&mut h, "dee", Role::Observer).await;
    run(&mut h, &mut [&mut ic, &mut watcher], 10).await;
    send(&mut h, &mut watcher, Command::Declare { severity: Severity::Sev3 }).await;
    assert!(watcher.follower.refusal.as_deref().unwrap_or("").contains("only watches"));
    // Nobody holds ops or comms: the incident commander does.
    send(&mut h, &mut ic, Command::Rollback { service: "api".into() }).await;
    assert!(ic.follower.refusal.is_none(), "{:?}", ic.follower.refusal);
    assert_eq!(h.host.log.len(), 1);
    run(&mut h, &mut [&mut ic, &mut watcher], 10).await;
    same_run(&h, &watcher);
}

#[tokio::test(flavor = "current_thread")]
async fn pausing_holds_every_seat_and_the_heartbeat_keeps_flowing() {
    let mut h = host("friday-deploy").await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ops], 5).await;
    h.game.pacer.paused = true;
    let at = h.game.sim.now();
    for _ in 0..5 {
        h.host.tick(&h.game);
        h.pump();
    }
    settle(&mut h, &mut [&mut ops]).await;
    assert!(ops.follower.clock.paused, "the seat shows the pause");
    assert_eq!(ops.game.sim.now(), at);
    h.game.pacer.paused = false;
    run(&mut h, &mut [&mut ops], 2).await;
    assert!(!ops.follower.clock.paused);
    same_run(&h, &ops);
}

#[tokio::test(flavor = "current_thread")]
async fn a_seat_that_drops_rejoins_its_seat_and_catches_up() {
    let mut h = host("friday-deploy").await;
    let mut ic = seat(&mut h, "ana", Role::Ic).await;
    let ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ic], 20).await;
    drop(ops); // the seat goes away
    for _ in 0..100 {
        h.wait(Duration::from_millis(20)).await;
        if h.host.online() == 1 {
            break;
        }
    }
    assert_eq!(h.host.online(), 1, "the host noticed the drop");
    send(&mut h, &mut ic, Command::Declare { severity: Severity::Sev2 }).await;
    run(&mut h, &mut [&mut ic], 30).await;
    let mut back = seat(&mut h, "BO", Role::Ops).await;
    assert_eq!(back.follower.you.name, "bo", "the same seat, whatever the case");
    assert_eq!(h.host.seats.len(), 2);
    assert_eq!(h.host.seats[1].rejoins, 1);
    settle(&mut h, &mut [&mut ic, &mut back]).await;
    same_run(&h, &back);
    // Someone else may not take a name that is in use with another role.
    let err = try_join(&mut h, "ana", Role::Ops).await.err().expect("refused");
    assert!(err.to_string().contains("taken by ana (ic)"), "{err}");
}

/// A raw connection that speaks the protocol by hand.
async fn raw_hello(h: &mut HostSession, code: &str) -> TcpStream {
    let mut s = TcpStream::connect(h.addr).await.unwrap();
    let hello = ToHost::Hello {
        protocol: proto::PROTOCOL,
        program: proto::PROGRAM.into(),
        code: code.into(),
        name: "mallory".into(),
        role: Role::Ops,
    };
    s.write_all(&proto::encode(&hello)).await.unwrap();
    s
}

async fn answer(h: &mut HostSession, s: &mut TcpStream) -> Option<ToSeat> {
    let read = proto::read::<ToSeat, _>(s, proto::MAX_HOST_FRAME);
    tokio::pin!(read);
    for _ in 0..100 {
        tokio::select! {
            r = &mut read => return r.ok(),
            () = tokio::time::sleep(Duration::from_millis(20)) => { h.pump(); }
        }
    }
    None
}

#[tokio::test(flavor = "current_thread")]
async fn wrong_codes_malformed_and_oversized_frames_end_only_their_connection() {
    let mut h = host("friday-deploy").await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ops], 5).await;
    let log = h.host.log.len();

    // Wrong codes: refused, and after five the address is locked out even with the right one.
    for _ in 0..5 {
        let mut s = raw_hello(&mut h, "00000-00000").await;
        let got = answer(&mut h, &mut s).await;
        assert!(matches!(&got, Some(ToSeat::Refused { reason }) if reason.contains("wrong join code")), "{got:?}");
    }
    let code = h.host.code.clone();
    let mut s = raw_hello(&mut h, &code).await;
    let got = answer(&mut h, &mut s).await;
    assert!(matches!(&got, Some(ToSeat::Refused { reason }) if reason.contains("too many wrong codes")), "{got:?}");
    assert_eq!(h.host.seats.len(), 1, "nobody was seated");

    // Garbage where a hello should be.
    let mut junk = TcpStream::connect(h.addr).await.unwrap();
    junk.write_all(&[0, 0, 0, 5, b'{', b'x', b'!', b'?', b'}']).await.unwrap();
    // A frame longer than the limit, announced by its length.
    let mut big = TcpStream::connect(h.addr).await.unwrap();
    big.write_all(&(proto::MAX_SEAT_FRAME as u32 + 1).to_be_bytes()).await.unwrap();
    for _ in 0..20 {
        h.wait(Duration::from_millis(20)).await;
    }
    let turned: Vec<&str> = h.host.activity.iter().map(|a| a.text.as_str()).collect();
    assert!(turned.iter().any(|t| t.contains("bad hello: a malformed frame")), "{turned:#?}");
    assert!(turned.iter().any(|t| t.contains("over the 16384-byte limit")), "{turned:#?}");

    // The seat in the drill never noticed.
    run(&mut h, &mut [&mut ops], 5).await;
    assert_eq!(h.host.log.len(), log);
    assert_eq!(h.host.online(), 1);
    same_run(&h, &ops);
}

#[tokio::test(flavor = "current_thread")]
async fn a_malformed_frame_from_a_seated_connection_closes_it_alone() {
    let mut h = host("friday-deploy").await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    let code = h.host.code.clone();
    let mut s = raw_hello(&mut h, &code).await;
    assert!(matches!(answer(&mut h, &mut s).await, Some(ToSeat::Welcome(_))));
    assert_eq!(h.host.online(), 2);
    s.write_all(&[0, 0, 0, 3, b'[', b'[', b'[']).await.unwrap();
    for _ in 0..50 {
        h.wait(Duration::from_millis(20)).await;
        if h.host.online() == 1 {
            break;
        }
    }
    assert_eq!(h.host.online(), 1, "the broken connection was closed");
    assert!(h.host.activity.iter().any(|a| a.text.contains("mallory (ops) left: a malformed frame")));
    run(&mut h, &mut [&mut ops], 3).await;
    same_run(&h, &ops);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_half_open_connection_is_let_go_within_ten_seconds() {
    let mut h = host("friday-deploy").await;
    let code = h.host.code.clone();
    let mut s = raw_hello(&mut h, &code).await;
    assert!(matches!(answer(&mut h, &mut s).await, Some(ToSeat::Welcome(_))));
    let start = tokio::time::Instant::now();
    // The connection stays open but says nothing: no heartbeat.
    for _ in 0..100 {
        h.wait(Duration::from_secs(1)).await;
        if h.host.online() == 0 {
            break;
        }
    }
    assert_eq!(h.host.online(), 0);
    let waited = start.elapsed();
    assert!(waited <= Duration::from_secs(11), "{waited:?}");
    assert!(h.host.activity.iter().any(|a| a.text.contains("no heartbeat for 10 s")));
    drop(s);
}

#[tokio::test(flavor = "current_thread")]
async fn when_the_host_goes_the_seats_say_so() {
    let mut h = host("friday-deploy").await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ops], 2).await;
    h.host.close("the facilitator closed the drill");
    h.pump();
    drop(h);
    let mut lost = None;
    for _ in 0..100 {
        match ops.pump() {
            Err(why) => {
                lost = Some(why);
                break;
            }
            Ok(_) if ops.follower.lost.is_some() => {
                lost = ops.follower.lost.clone();
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    let lost = lost.expect("the seat noticed");
    assert!(lost.contains("closed"), "{lost}");
}

/// The issue's load test: 16 seats for 10 simulated minutes at 8× (30 frames a second, each
/// moving the clock 8 × 33 ms). It runs as fast as the machine allows; what it checks is
/// that nobody falls behind or out of step, that no outbox fills, and that a 17th seat is
/// refused. The time per frame is measured by the `drill` benchmark.
#[tokio::test(flavor = "current_thread")]
async fn sixteen_seats_stay_in_step_for_ten_sim_minutes_at_eight_x() {
    let mut h = host("friday-deploy").await;
    let roles = [Role::Ic, Role::Ops, Role::Comms, Role::Observer];
    let mut seats = Vec::new();
    for i in 0..16 {
        seats.push(seat(&mut h, &format!("p{i:02}"), roles[i % roles.len()]).await);
    }
    assert_eq!(h.host.online(), 16);
    // A 17th is refused: the drill is full.
    let err = try_join(&mut h, "late", Role::Observer).await.err().expect("the 17th seat is refused");
    assert!(err.to_string().contains("the drill is full (16 seats)"), "{err}");

    let frame = Dur(8 * 33_000);
    let frames = 600_000_000u64.div_ceil(frame.0);
    let mut fullest = 0usize;
    for n in 0..frames {
        h.advance(frame);
        if n % 600 == 300 {
            // Someone acts now and then, as a team does.
            seats[1].send(Command::Scale { service: "api".into(), instances: 6 + (n / 600) as u32 % 3 });
        }
        h.pump();
        for s in &mut seats {
            s.pump().expect("no seat loses its connection");
        }
        for s in &h.host.seats {
            let out = s.outbox.as_ref().expect("every seat stays online");
            fullest = fullest.max(firedrill::tui::drill::net::OUTBOX - out.capacity());
        }
        if n % 64 == 0 {
            tokio::task::yield_now().await;
        }
    }
    let mut all: Vec<&mut SeatSession> = seats.iter_mut().collect();
    settle(&mut h, &mut all).await;
    assert!(h.game.sim.now().0 >= 600_000_000);
    assert!(h.host.log.len() >= 3, "the scale commands went through");
    assert!(fullest < firedrill::tui::drill::net::OUTBOX / 4, "outboxes stay nearly empty (at most {fullest} queued)");
    for s in &seats {
        same_run(&h, s);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_live_inject_a_reveal_and_a_tip_reach_the_seats_they_are_for() {
    let mut h = host("friday-deploy").await;
    let mut ic = seat(&mut h, "ana", Role::Ic).await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ic, &mut ops], 30).await;

    // A typo costs nothing: it is refused before anything is recorded.
    let err = h.host.inject(&mut h.game, r#"(fault: AddLatency(target: "dbb", extra: "300ms"))"#).unwrap_err();
    assert!(err.contains("dbb") && err.contains("db"), "{err}");
    assert!(h.host.log.is_empty());
    let label = h.host.inject(&mut h.game, r#"(fault: AddLatency(target: "db", extra: "300ms"), for: "5m")"#).unwrap();
    assert_eq!(label, "live-1");
    h.host.facilitate(&mut h.game, Command::Reveal { text: "look at the database's latency".into() });
    h.host
        .facilitate(&mut h.game, Command::Tip { seat: "bo".into(), text: "compare db latency with the deploy".into() });
    run(&mut h, &mut [&mut ic, &mut ops], 30).await;

    for s in [&ic, &ops] {
        same_run(&h, s);
        assert_eq!(s.game.spec.sim.timeline.len(), h.game.spec.sim.timeline.len(), "the inject joined the timeline");
        let hidden = s.game.sim.events().iter().any(|e| e.hidden && format!("{:?}", e.kind).contains("live-1"));
        assert!(hidden, "the inject started as a hidden fault");
    }
    let toasts = |s: &SeatSession| -> Vec<String> {
        s.game.toasts.waiting.iter().map(|t| format!("{}: {}", t.from, t.text)).collect()
    };
    assert!(toasts(&ic).iter().any(|t| t.contains("reveals: look at the database")), "{:?}", toasts(&ic));
    assert!(
        toasts(&ops).iter().any(|t| t.contains("tip from the facilitator: compare db latency")),
        "{:?}",
        toasts(&ops)
    );
    assert!(!toasts(&ic).iter().any(|t| t.contains("compare db latency")), "a tip is for its seat only");
    // The effect is real on every seat: the database's latency rose.
    let db = |s: &SeatSession| s.game.sim.windows().last().map(|w| format!("{w:?}")).unwrap_or_default();
    assert_eq!(db(&ic), db(&ops));
}

#[tokio::test(flavor = "current_thread")]
async fn a_drill_the_facilitator_ends_is_saved_and_replays_to_the_same_score() {
    let mut h = host("friday-deploy").await;
    let mut ic = seat(&mut h, "ana", Role::Ic).await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ic, &mut ops], 150).await;
    send(&mut h, &mut ic, Command::Declare { severity: Severity::Sev2 }).await;
    h.host.inject(&mut h.game, r#"(message: (from: "VP Eng", text: "Is checkout down?"))"#).unwrap();
    send(&mut h, &mut ops, Command::SetFlag { flag: "coupons-v2".into(), on: false }).await;
    run(&mut h, &mut [&mut ic, &mut ops], 120).await;
    h.host.notes.push((h.game.sim.now(), "ana waited for bo".into()));
    h.host.end(&mut h.game);
    settle(&mut h, &mut [&mut ic, &mut ops]).await;
    for s in [&ic, &ops] {
        assert_eq!(s.follower.ended, h.host.ended);
        assert!(s.game.sim.ended().is_some(), "{} sees the end", s.follower.you);
        same_run(&h, s);
    }
    let score = |g: &firedrill::tui::game::Game| {
        firedrill::score::debrief(&g.spec, &firedrill::score::Evidence::from_sim(&g.sim)).score.overall
    };
    let live = score(&h.game);
    assert_eq!(score(&ic.game), live, "the seats' debriefs are the host's");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drill.ron");
    let run_file = h.host.saved_run(&h.game);
    run_file.save(&path).unwrap();
    let saved = std::fs::read_to_string(&path).unwrap();
    for part in ["name: \"ana\"", "role: Ic", "role: Ops", "role: Facilitator", "live-1", "ana waited for bo", "ended:"]
    {
        assert!(saved.contains(part), "the run file lacks {part}:\n{saved}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["replay", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["score"]["overall"].as_u64(), Some(u64::from(live)), "the replay scores the drill the same");
}

#[tokio::test(flavor = "current_thread")]
async fn a_seat_name_with_escapes_reaches_nobody_raw() {
    let mut h = host("friday-deploy").await;
    let mut evil = seat(&mut h, "\u{1b}]0;pwned\u{7}ana\u{202e}", Role::Ops).await;
    let mut ic = seat(&mut h, "ic", Role::Ic).await;
    let name = h.host.seats[0].by.name.clone();
    assert!(!name.chars().any(|c| c.is_control() || c == '\u{202e}'), "{name:?}");
    assert!(name.contains("ana"), "{name:?}");
    // The same clean name on every seat's roster, and on the command it sends.
    send(&mut h, &mut evil, Command::Scale { service: "api".into(), instances: 7 }).await;
    settle(&mut h, &mut [&mut evil, &mut ic]).await;
    assert_eq!(ic.follower.roster[0].by.name, name);
    assert_eq!(h.game.recorded[0].by.as_ref().map(|b| b.name.clone()), Some(name));
    let err = try_join(&mut h, "   ", Role::Ops).await.err().expect("an empty name is refused");
    assert!(err.to_string().contains("needs a name"), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_seat_may_send_twenty_commands_a_sim_second_and_no_more() {
    let mut h = host("friday-deploy").await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ops], 5).await;
    for n in 0..25 {
        ops.send(Command::Scale { service: "api".into(), instances: 6 + n % 2 });
    }
    for _ in 0..100 {
        h.wait(Duration::from_millis(20)).await;
        if h.host.activity.len() + h.host.log.len() >= 21 && h.host.log.len() == 20 {
            break;
        }
    }
    settle(&mut h, &mut [&mut ops]).await;
    assert_eq!(h.host.log.len(), 20, "the commands-file limit holds for a seat");
    assert!(ops.follower.refusal.as_deref().unwrap_or("").contains("more than 20 commands in one sim second"));
    same_run(&h, &ops);
}

/// The incident screen's keys on a seat go to the host, never into the seat's own copy.
#[tokio::test(flavor = "current_thread")]
async fn a_seats_keys_send_commands_to_the_host_and_change_nothing_locally() {
    use firedrill::tui::app::{App, Effect, Link, Msg, Screen};
    use firedrill::tui::drill::proto::ToHost;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut h = host("friday-deploy").await;
    let mut ops = seat(&mut h, "bo", Role::Ops).await;
    run(&mut h, &mut [&mut ops], 240).await;
    assert!(ops.game.sim.alert_views().iter().any(|a| a.firing), "an alert fires by 4m");
    let SeatSession { follower, game, .. } = ops;
    let recorded = game.recorded.len();
    let keymap = firedrill::tui::keymap::Keymap::default_map();
    let settings = firedrill::store::Settings::default();
    let mut app = App::new(settings, firedrill::store::Profile::default(), keymap, false);
    app.screen = Screen::Playing(Box::new(game));
    app.link = Some(Link::Seat(Box::new(follower)));
    let press = |app: &mut App, c: char| app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    let effects = press(&mut app, 'a');
    assert!(
        effects.iter().any(|e| matches!(e, Effect::ToHost(ToHost::Send { command: Command::Ack { .. } }))),
        "{effects:?}"
    );
    let effects = press(&mut app, ' ');
    assert!(effects.is_empty(), "a seat cannot pause: {effects:?}");
    let Screen::Playing(g) = &app.screen else { panic!("still playing") };
    assert_eq!(g.recorded.len(), recorded, "nothing applied locally");
    assert!(g.flash.as_ref().is_some_and(|f| f.text.contains("facilitator runs the clock")));
}
