//! A drill as a team runs it, with the real binary: the facilitator hosts in one tmux
//! server, an incident commander and an operator join from two others (each its own home and
//! terminal), all on 127.0.0.1. The facilitator starts the clock and injects a fault; both
//! seats see its effect; the IC declares, ops mitigates, and the IC — holding the empty comms
//! seat — posts a status update; the facilitator ends the drill and all three see the
//! debrief. Then everyone quits: exit statuses, the terminals, and the host's saved run,
//! which `firedrill replay` reproduces with the seats' names on the commands.

mod common;
use common::tmux::{BIN, STEP, Session};
use std::time::Duration;

/// A free loopback port for the host (the listener is closed again at once).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Types a command line (`:` … enter) and waits for it to close.
fn command(s: &Session, line: &str) {
    s.type_text(":");
    s.wait_for("enter: run");
    s.type_text(line);
    s.keys(&["Enter"]);
    s.wait_until("the command line to close", STEP, |screen| !screen.contains("enter: run"));
}

#[test]
fn a_facilitator_and_two_seats_run_a_drill_from_inject_to_debrief() {
    if !common::tmux::can_run() {
        return;
    }
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let host =
        Session::start_sized("drill-host", &format!("host friday-deploy --listen {addr} 2>\"$HOME/invite\""), 160, 48);
    let invite = host.wait_until("the invitation", STEP, |_| {
        std::fs::read_to_string(host.path("invite")).is_ok_and(|t| t.contains("join code: "))
    });
    let _ = invite;
    let text = host.read("invite");
    let code = text.lines().find_map(|l| l.strip_prefix("join code: ")).expect("a join code").trim().to_string();
    assert_eq!(code.len(), 11, "ten letters and a dash: {code}");
    host.wait_for("DRILL");

    let join = |name: &str, who: &str, seat: &str| {
        Session::start_sized(name, &format!("join {addr} --code {code} --name {who} --seat {seat}"), 120, 36)
    };
    let ic = join("drill-ic", "ana", "ic");
    let ops = join("drill-ops", "bo", "ops");
    ic.wait_for("ana · incident commander");
    ops.wait_for("bo · operations");
    host.wait_until("both seats online", STEP, |s| s.contains("2 of 2 seats online"));

    // The facilitator starts the clock at 8× and injects a payments failure.
    command(&host, "speed 8");
    host.type_text(" ");
    command(&host, r#"inject (fault: ErrorInjection(target: "payments", rate: 0.9), for: "15m")"#);
    host.wait_for("injected live-1");
    // Both seats see its effect: the edge's error alert fires on their screens.
    for s in [&ic, &ops] {
        s.wait_until("the error alert firing", Duration::from_secs(60), |screen| {
            screen.lines().any(|l| l.contains("FIRING") && l.contains("EdgeErrorRate"))
        });
    }

    // The IC declares; ops mitigates; the IC, holding the empty comms seat, posts an update.
    command(&ic, "declare sev2");
    ic.wait_for("done: declare a Sev2 incident");
    ops.wait_for("ana (ic): done: declare a Sev2 incident");
    command(&ops, "breaker api payments on");
    ic.wait_for("bo (ops): ");
    command(&ic, r#"status customers "checkout is failing at payments; breaker on" 15m"#);
    for s in [&ic, &ops] {
        s.wait_until("the status update", STEP, |screen| screen.contains("status update to customers"));
    }

    // The facilitator ends the drill: everyone sees the debrief.
    command(&host, "end");
    for s in [&host, &ic, &ops] {
        let debrief = s.wait_until("the debrief", Duration::from_secs(30), |screen| {
            screen.contains("Debrief: Friday afternoon deploy")
        });
        assert!(debrief.contains("the facilitator ended the drill"), "{debrief}");
    }
    host.wait_for("run saved to");

    // Everyone leaves; every terminal comes back as it was.
    for s in [&ic, &ops, &host] {
        s.type_text("q");
        s.wait_until("the terminal restored", STEP, |screen| screen.contains("RESTORED"));
        assert_eq!(s.read("exit-status").trim(), "0");
        assert_eq!(s.read("stty-before"), s.read("stty-after"), "the terminal settings are restored");
    }

    // The host's saved run names the seats and replays to the same score.
    let runs = host.path("firedrill").join("runs");
    let run = std::fs::read_dir(&runs)
        .unwrap_or_else(|e| panic!("{}: {e}", runs.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "ron"))
        .expect("a saved run");
    let saved = std::fs::read_to_string(&run).unwrap();
    for part in ["name: \"ana\"", "role: Ic", "name: \"bo\"", "role: Ops", "role: Facilitator", "live-1"] {
        assert!(saved.contains(part), "the run file lacks {part}:\n{saved}");
    }
    let out = std::process::Command::new(BIN).arg("replay").arg(&run).output().unwrap();
    let replay = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{replay}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(replay.contains("ana (ic)") && replay.contains("bo (ops)"), "{replay}");
}
