//! `firedrill report` for a fixed saved run (friday-deploy, seed 7, the commands in
//! `tests/fixtures/friday-deploy-report.ron`): the markdown postmortem a person pastes into a
//! document, the HTML page with its charts, and the JSON a tool reads. The run is made through
//! the real binary with `run --save`, as a player would. The HTML is parsed (scraper) and its
//! charts' points are read back and compared with the debrief's timeline.

use scraper::{Html, Selector};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;

/// The binary with its data under `home`; every call here must succeed.
fn firedrill(args: &[&str], home: &Path) -> Output {
    let o = common::bin::firedrill(args, home);
    assert!(o.status.success(), "{args:?}: {}", common::bin::stderr(&o));
    o
}

/// The report of a saved run of `commands` (friday-deploy, seed 7) in `format`.
fn report_of(commands: &str, format: &str) -> String {
    report_of_run(&["friday-deploy", "--seed", "7"], commands, format)
}

/// The report of a saved run of `commands` in `format`; `run` names the scenario and options.
fn report_of_run(run: &[&str], commands: &str, format: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let saved = home.path().join("run.ron");
    let saved = saved.to_str().unwrap();
    let mut args = vec!["run"];
    args.extend(run);
    args.extend(["--commands", commands, "--save", saved]);
    firedrill(&args, home.path());
    let mut args = vec!["report", saved];
    if !format.is_empty() {
        args.extend(["--format", format]);
    }
    String::from_utf8(firedrill(&args, home.path()).stdout).unwrap()
}

fn report(format: &str) -> String {
    report_of("tests/fixtures/friday-deploy-report.ron", format)
}

#[test]
fn the_markdown_report_is_a_blameless_postmortem_skeleton() {
    let md = report("md");
    assert_eq!(md, report(""), "markdown is the default format");
    // The sections of a blameless postmortem, in order.
    let sections = [
        "# Postmortem: Friday afternoon deploy",
        "_Blameless:",
        "## Summary",
        "## Impact",
        "## Timeline",
        "| time | what was seen | what was true | what was done |",
        "## Contributing factors",
        "## What went well",
        "## What went badly",
        "## Action items",
        "## Status updates",
        "## Score: ",
        "## What an expert would have done",
        "## Lessons",
    ];
    let mut from = 0;
    for s in sections {
        let at = md[from..].find(s).unwrap_or_else(|| panic!("no {s:?} after byte {from}:\n{md}"));
        from += at + s.len();
    }
    let rows =
        md.lines().skip_while(|l| !l.starts_with("| dimension")).skip(2).take_while(|l| l.starts_with("| ")).count();
    assert_eq!(rows, 8, "one score row per dimension:\n{md}");
    // What the player wrote is in it, and the mistakes are named.
    assert!(
        md.contains("16:45:30 to the team (next update promised in 30m): checkout failing for carts without a coupon"),
        "{md}"
    );
    assert!(md.contains("rejected: acknowledge DiskFull: no alert named 'DiskFull'"), "{md}");
    assert!(md.contains("restarting drops in-flight requests and brings v42 back up"), "{md}");
    assert!(md.contains("- [ ] Post the all-clear"), "a missed lifecycle step is an action item:\n{md}");
    // Times of day, human durations, no enum spellings or indices.
    assert!(md.contains("Trouble began at 16:42:00"), "{md}");
    for raw in ["ObjectivesMet", "TimeUp", "Service(", "Sev3)", "m0.", "Internal", "Scale\n"] {
        assert!(!md.contains(raw), "{raw:?} leaked into the postmortem:\n{md}");
    }
    let md = md.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("friday_deploy_debrief_md", md);
}

#[test]
fn a_fault_that_goes_on_after_its_cause_was_removed_says_so() {
    // abusive-client's cause is removed by blocking the scraper; the scraper keeps sending.
    let md = report_of_run(&["abusive-client"], "tests/paths/abusive-client/expert.ron", "md");
    let factor = md.lines().find(|l| l.contains("**scraper**")).unwrap_or_else(|| panic!("no scraper factor:\n{md}"));
    assert!(factor.ends_with("still active at the end; the cause counted as removed from 11:24:55"), "{factor}");
    assert!(!md.contains("- [ ] Remove the cause"), "the cause was removed:\n{md}");
}

#[test]
fn the_json_report_holds_the_whole_debrief() {
    let text = report("json");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["scenario_id"], "friday-deploy");
    assert_eq!(doc["seed"], 7);
    assert_eq!(doc["starts_at"], 16 * 3600 + 40 * 60);
    let score = &doc["score"];
    assert!(score["overall"].as_u64().is_some() && score["grade"].is_string(), "{score}");
    assert!(score["summary"].as_str().is_some_and(|s| !s.is_empty()), "{score}");
    assert_eq!(score["dimensions"].as_array().map(Vec::len), Some(8));
    assert!(score["decisions"].as_array().is_some_and(|d| d.len() >= 3), "{score}");
    assert!(score["harm"]["user_requests"].as_u64().is_some_and(|n| n > 0), "{score}");
    assert!(score["end"]["first_stable"].is_string(), "{score}");
    for key in ["timeline", "faults", "saw", "actions", "rows", "updates", "expert", "lessons"] {
        let list = doc[key].as_array().unwrap_or_else(|| panic!("{key} is not a list"));
        assert!(!list.is_empty(), "{key} is empty");
    }
    assert_eq!(doc["faults"][0]["label"], "v42 rollout");
    assert!(doc["truth"].as_str().is_some_and(|t| t.contains("NullPointerException")));
    insta::assert_snapshot!("friday_deploy_debrief_json", text);
}

/// The values a chart's polyline draws, read back through the scales its `<svg>` carries.
fn chart_values(page: &Html, id: &str) -> (Vec<(f64, f64)>, f64, f64) {
    let svg =
        page.select(&Selector::parse(&format!("svg#{id}")).unwrap()).next().unwrap_or_else(|| panic!("no svg#{id}"));
    let attr =
        |name: &str| svg.value().attr(name).unwrap_or_else(|| panic!("{id} has no {name}")).parse::<f64>().unwrap();
    let (t1, vmax, left, top, width, height) = (
        attr("data-t1"),
        attr("data-vmax"),
        attr("data-left"),
        attr("data-top"),
        attr("data-width"),
        attr("data-height"),
    );
    let line = svg.select(&Selector::parse("polyline.series").unwrap()).next().expect("a series");
    let points = line
        .value()
        .attr("points")
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            ((x - left) / width * t1, (top + height - y) / height * vmax)
        })
        .collect();
    (points, t1, vmax)
}

#[test]
fn the_html_report_is_one_offline_page_whose_charts_draw_the_run() {
    let html = report("html");
    let page = Html::parse_document(&html);
    let all = |css: &str| page.select(&Selector::parse(css).unwrap()).count();
    // Self-contained: no script, no stylesheet, image or font from anywhere.
    assert_eq!(all("script"), 0);
    assert_eq!(all("link"), 0);
    assert_eq!(all("img"), 0);
    for attr in ["src", "href"] {
        assert_eq!(all(&format!("[{attr}]")), 0, "nothing is loaded: no {attr}");
    }
    assert!(!html.contains("url("), "no CSS url()");
    // The postmortem's sections and the score breakdown.
    let headings: Vec<String> = page.select(&Selector::parse("h2").unwrap()).map(|h| h.text().collect()).collect();
    for h in [
        "Summary",
        "What happened, over time",
        "Score",
        "Impact",
        "Timeline",
        "Contributing factors",
        "What went well",
        "What went badly",
        "Action items",
        "Status updates",
        "What an expert would have done",
        "Lessons",
    ] {
        assert!(headings.iter().any(|x| x == h), "no {h:?} in {headings:?}");
    }
    assert_eq!(all("table#score tr") - 1, 8, "one row per dimension");
    // The charts draw the debrief's own timeline: compare point by point.
    let d: Value = serde_json::from_str(&report("json")).unwrap();
    let timeline = d["timeline"].as_array().unwrap();
    for (id, key, tolerance) in [("error-rate", "error_pct", 0.05_f64), ("latency", "p99_ms", 1.0)] {
        let (points, t1, vmax) = chart_values(&page, id);
        assert_eq!(points.len(), timeline.len(), "{id}: a point per timeline step");
        assert!((t1 - timeline.len() as f64 * 10.0).abs() < 1e-9, "{id}: the time axis spans the run");
        for (p, want) in points.iter().zip(timeline) {
            let (t, v) = (want["t"].as_f64().unwrap(), want[key].as_f64().unwrap());
            assert!((p.0 - t).abs() < 0.1, "{id}: point at {} for second {t}", p.0);
            // Two decimals of a 170-unit plot: within 0.01 % of the axis, and of the rounding.
            assert!((p.1 - v).abs() <= tolerance.max(vmax * 2e-4), "{id} at {t}: drawn {}, run {v}", p.1);
        }
        assert!(points.iter().map(|p| p.1).fold(0.0, f64::max) <= vmax, "{id}: the axis holds the data");
    }
    // The hidden fault is revealed as a band, the player's actions as marks, at their times.
    let band = page.select(&Selector::parse("svg#error-rate rect.fault").unwrap()).next().expect("a fault band");
    let secs =
        |v: &Value| format!("{:.0}", firedrill::sim::kernel::time::parse_dur(v.as_str().unwrap()).unwrap().secs_f64());
    assert_eq!(band.value().attr("data-from"), Some(secs(&d["faults"][0]["from"]).as_str()));
    assert_eq!(band.value().attr("data-to"), Some(secs(&d["faults"][0]["to"]).as_str()), "cleared by the rollback");
    let marks: Vec<String> = page
        .select(&Selector::parse("svg#error-rate line.action").unwrap())
        .map(|l| l.value().attr("data-t").unwrap().to_string())
        .collect();
    let actions: Vec<String> = d["actions"].as_array().unwrap().iter().map(|a| secs(&a["t"])).collect();
    assert_eq!(marks, actions, "a mark per action, at its second");
    assert_eq!(marks.first().map(String::as_str), Some("180"), "the hint at 3m");
    // The status update the player wrote is in the page, as text.
    assert!(page.root_element().text().collect::<String>().contains("checkout failing for carts without a coupon"));
}

#[test]
fn text_from_outside_is_cleaned_and_escaped_in_every_report() {
    // A status update with markup, an escape sequence and a bidi override.
    let home = tempfile::tempdir().unwrap();
    let commands = home.path().join("evil.ron");
    std::fs::write(
        &commands,
        "[(at: \"4m\", command: Declare(severity: Sev2)), (at: \"4m10s\", command: StatusUpdate(audience: Customers, impact: \"<script>alert(1)</script> \\u{1b}[2J pay\\u{202e}gnp\", next_update: \"30m\"))]",
    )
    .unwrap();
    let html = report_of(commands.to_str().unwrap(), "html");
    assert!(!html.contains("<script>"), "markup from a status update stays text");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains('\u{1b}') && !html.contains('\u{202e}'), "controls and bidi marks are made visible");
    assert!(html.contains("␛[2J pay�gnp"), "{html}");
    let md = report_of(commands.to_str().unwrap(), "md");
    assert!(!md.contains('\u{1b}') && !md.contains('\u{202e}'), "{md}");
    assert!(md.contains("␛[2J pay�gnp"), "{md}");
}
