//! One hostile corpus for every output path (issue 10 §1): escape sequences (CSI, OSC), an
//! 8-bit C1 CSI, BEL, a lone carriage return, backspaces, zero-width and bidi characters, a
//! BOM, tag characters and a 10 kB line. `assert_inert` is the one check: no raw C0 (but
//! newline and tab), DEL, C1, bidi, zero-width, tag or separator character in the output, and
//! the marker visible. Its character set is written out here, not taken from `text.rs`, so the
//! check does not trust the code it checks.

/// (what, the text).
pub const CORPUS: [(&str, &str); 11] = [
    ("CSI clear screen", "\u{1b}[2J\u{1b}[H"),
    ("OSC window title", "\u{1b}]0;pwned\u{7}"),
    ("C1 CSI", "\u{9b}31m"),
    ("BEL", "ding\u{7}"),
    ("lone CR", "ok\rFAIL"),
    ("backspace", "rollback\u{8}\u{8}\u{8}"),
    ("zero-width space", "ro\u{200b}llback"),
    ("right-to-left override", "pay\u{202e}gnp.exe"),
    ("left-to-right isolate", "\u{2066}api\u{2069}"),
    ("BOM", "\u{feff}bom"),
    ("tag characters", "tag\u{e0041}\u{e0042}"),
];

/// Every corpus entry in one string (no quote, backslash or newline: it fits in a RON string
/// and a file name).
pub fn all() -> String {
    CORPUS.iter().map(|(_, t)| *t).collect::<Vec<_>>().join("|")
}

/// A 10 kB line ending in an escape sequence, as one scenario text may hold (≤ 10,000 chars).
pub fn long_line() -> String {
    format!("{}\u{1b}[2J\u{202e}end", "y".repeat(9_990))
}

/// A character that must never reach an output raw.
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{e0000}'..='\u{e007f}')
}

/// The first forbidden characters in `out`, with where they are.
fn offenders(out: &str) -> Vec<String> {
    out.char_indices()
        .filter(|(_, c)| forbidden(*c))
        .take(5)
        .map(|(i, c)| {
            let from = out[..i].char_indices().rev().nth(20).map_or(0, |(j, _)| j);
            format!("U+{:04X} after {:?}", u32::from(c), &out[from..i])
        })
        .collect()
}

/// No forbidden character in `out`, and `marker` (e.g. `␛` or `�`) shows.
#[track_caller]
pub fn assert_inert(what: &str, out: &str, marker: char) {
    assert_no_raw(what, out);
    assert!(out.contains(marker), "{what}: no visible marker {marker:?} in the output:\n{}", excerpt(out));
}

/// No forbidden character in `out` (for an output that need not echo the hostile text).
#[track_caller]
pub fn assert_no_raw(what: &str, out: &str) {
    let bad = offenders(out);
    assert!(bad.is_empty(), "{what}: raw characters reach the output: {}", bad.join("; "));
}

/// A JSON document: inert as text, and every string in it decodes inert too (`jq -r` prints
/// the decoded string, so `\u001b` in the text is a raw ESC on the reader's terminal).
#[track_caller]
pub fn assert_json_inert(what: &str, out: &str, marker: char) {
    assert_inert(what, out, marker);
    let doc: serde_json::Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let mut strings = Vec::new();
    collect_strings(&doc, &mut strings);
    for s in strings {
        let bad = offenders(&s);
        assert!(bad.is_empty(), "{what}: a string decodes to raw characters: {}", bad.join("; "));
    }
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            collect_strings(x, out);
        }),
        _ => {}
    }
}

fn excerpt(out: &str) -> String {
    out.chars().take(2_000).collect()
}

/// A valid scenario whose every free text carries `x` (the corpus), but the briefing: that is
/// the 10 kB line.
pub fn scenario(x: &str) -> String {
    let long = long_line();
    format!(
        r#"Scenario(
    id: "hostile",
    title: "title {x}",
    difficulty: Easy,
    length: "5m",
    teaches: ["teaches {x}"],
    summary: "summary {x}",
    role: "role {x}",
    briefing: "{long}",
    owns: ["owns {x}"],
    runbook: ["runbook {x}"],
    traffic: (base_rps: 20),
    services: {{ "api": (instances: 1, endpoints: [(name: "home", plan: [Cpu(Exp("5ms"))])]) }},
    versions: {{ "v1": (note: "note {x}") }},
    alerts: [(name: "EdgeErrors", when: Threshold(metric: "edge.error_rate", above: 0.1), summary: "alert {x}")],
    timeline: [
        (label: "label {x}", at: "1m", for: "1m", fault: ErrorInjection(target: "api", rate: 0.5)),
        (label: "message {x}", at: "1m10s", message: (from: "from {x}", text: "message {x}")),
        (label: "log {x}", at: "1m20s", log: (source: "source {x}", text: "log {x}")),
        (label: "fake {x}", at: "1m30s", fake_alert: (name: "fake {x}", summary: "fake summary {x}", for: "1m")),
    ],
    objectives: [(name: "objective {x}", when: Started("label {x}"))],
    teams: {{ "dba": (arrives_after: "30s", says: "says {x}") }},
    hints: ["hint {x}"],
    truth: "truth {x}",
    judge: [(command: Rollback, service: "api", verdict: Harmful, why: "why {x}")],
    expert: [(at: "1m", action: "action {x}")],
    lessons: ["lesson {x}"],
)"#
    )
}

/// A commands file whose every name and text is `x`, one command every 10 s from 1m.
pub fn commands(x: &str) -> String {
    let cmds = [
        format!("Ack(alert: \"{x}\")"),
        "Declare(severity: Sev2)".to_string(),
        format!("StatusUpdate(audience: Internal, impact: \"{x}\", next_update: \"30m\")"),
        format!("Rollback(service: \"{x}\")"),
        format!("Deploy(service: \"api\", version: \"{x}\")"),
        format!("SetFlag(flag: \"{x}\", on: false)"),
        format!("BlockClient(client: \"{x}\")"),
        format!("SetTimeout(service: \"api\", dependency: \"{x}\", timeout: \"1s\")"),
        format!("FlushCache(cache: \"{x}\")"),
        format!("RenewCert(target: \"{x}\")"),
        format!("Page(team: \"{x}\")"),
        format!("Scale(service: \"{x}\", instances: 2)"),
    ];
    let entries: Vec<String> =
        cmds.iter().enumerate().map(|(i, c)| format!("(at: \"{}s\", command: {c})", 60 + 10 * i)).collect();
    format!("[\n    {},\n]\n", entries.join(",\n    "))
}
