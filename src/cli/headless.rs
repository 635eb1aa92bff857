//! `run`, `validate` and `list`: the subcommands that need no screen.

use super::{Failure, Format, RunArgs, print_json, print_out};
use crate::load;
use crate::report;
use crate::scenario;
use crate::sim::kernel::time::{SimTime, parse_dur};
use std::path::PathBuf;
use std::time::Instant;

pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let spec = load::scenario(&args.scenario)?;
    let commands = match &args.commands {
        Some(path) => load::commands(path)?,
        None => Vec::new(),
    };
    let until = match &args.until {
        Some(text) => Some(SimTime(parse_dur(text).map_err(|e| Failure::new(format!("--until: {e}")))?.0)),
        None => None,
    };
    let seed = args.seed.unwrap_or(spec.default_seed);
    let spec = scenario::challenge::apply(&spec, args.challenge, seed);
    let started = Instant::now();
    let sim = crate::sim::play(spec.sim.clone(), seed, &commands, until);
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Some(path) = &args.save {
        crate::store::SavedRun::new(load::scenario_ref(&args.scenario), &spec, seed, until, commands)
            .with_challenge(args.challenge)
            .save(path)
            .map_err(|e| Failure::new(format!("cannot save the run to {}: {e}", path.display())))?;
    }
    match args.format {
        Format::Text => print_out(report::run_text(&spec, &sim, wall_ms).trim_end())?,
        Format::Json => print_json(&report::run_json(&spec, &sim, wall_ms)?)?,
    }
    stopped(&sim)
}

/// A run stopped at a work cap is a failure after its output: the reason on stderr, exit
/// status 3 (so a script notices that the run is not the whole scenario).
pub fn stopped(sim: &crate::sim::Sim) -> Result<(), Failure> {
    match sim.ended() {
        Some((t, crate::sim::EndReason::Stopped(cap))) => Err(Failure {
            status: 3,
            ..Failure::new(format!("{} (at {}; the output above is what ran until then)", cap.describe(), t.clock()))
        }),
        _ => Ok(()),
    }
}

pub fn validate(files: &[PathBuf]) -> Result<(), Failure> {
    let mut bad = 0;
    let mut detail = Vec::new();
    for f in files {
        // One clean line: a file name may hold anything but `/` and NUL, newlines included.
        let name = crate::text::clean_line(&f.display().to_string()).into_owned();
        match load::read_text(f, "scenario").map_err(Failure::from).and_then(|text| {
            scenario::parse(&name, &text)
                .map_err(|e| Failure::detailed(format!("{name}: {} problem(s)", e.0.len()), e.to_string()))
        }) {
            Ok(spec) => print_out(&format!("{name}: ok ({} — {})", spec.id, spec.title))?,
            Err(e) => {
                bad += 1;
                detail.push(if e.detail.is_empty() { e.cause } else { e.detail });
            }
        }
    }
    if bad == 0 {
        return Ok(());
    }
    Err(Failure::detailed(format!("{bad} of {} file(s) are not valid scenarios", files.len()), detail.join("\n")))
}

pub fn list() -> Result<(), Failure> {
    let row = |id: &str, level: &str, length: &str, title: &str, teaches: &str| {
        format!("  {id:<26} {level:<7} {length:>6}  {title:<34} {teaches}\n")
    };
    let mut out = row("id", "level", "length", "title", "teaches");
    for (n, chapter) in scenario::campaign::CHAPTERS.iter().enumerate() {
        out.push_str(&format!("\nChapter {} · {} — {}\n", n + 1, chapter.title, chapter.about));
        for id in chapter.scenarios {
            let spec = scenario::builtin(id)
                .expect("listed")
                .map_err(|e| Failure::detailed(format!("built-in {id} is invalid"), e.to_string()))?;
            out.push_str(&row(
                &spec.id,
                &format!("{:?}", spec.difficulty),
                &spec.length().to_string(),
                &spec.title,
                &spec.teaches.join(", "),
            ));
        }
    }
    print_out(out.trim_end())
}

/// The daily challenge for a date (today, UTC, by default).
pub fn daily(date: Option<&str>) -> Result<(), Failure> {
    let date = match date {
        None => crate::store::today_utc(),
        Some(d) => match crate::store::parse_date(d) {
            Some(day) => crate::store::format_date(day),
            None => {
                return Err(Failure::detailed(
                    format!("{}: not a date", crate::text::clean_line(d)),
                    "write it as YYYY-MM-DD, e.g. --date 2026-12-02".to_string(),
                ));
            }
        },
    };
    let (id, seed) = scenario::campaign::daily(&date);
    let spec = scenario::builtin(id)
        .expect("listed")
        .map_err(|e| Failure::detailed(format!("built-in {id} is invalid"), e.to_string()))?;
    print_out(&format!(
        "daily challenge for {date}: {} ({id}), seed {seed}\nthe same scenario and seed for everyone on that date.\nplay it from the main menu (Daily challenge) to keep your score, or: firedrill play {id} --seed {seed}",
        spec.title
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::caps::Caps;

    #[test]
    fn a_run_stopped_at_a_cap_exits_3_with_the_reason() {
        let spec = scenario::builtin("friday-deploy").unwrap().unwrap();
        let caps = Caps { live: 20, ..Caps::DEFAULT };
        let sim = crate::sim::play_with_caps(spec.sim.clone(), 1, &[], None, caps);
        let f = stopped(&sim).unwrap_err();
        assert_eq!(f.status, 3);
        assert!(
            f.cause.starts_with("stopped: more than 20 calls, tries, jobs and messages in flight (at 00:0"),
            "{}",
            f.cause
        );
        let full = crate::sim::play(spec.sim, 1, &[], Some(SimTime::from_secs(30)));
        assert!(stopped(&full).is_ok(), "a run that was not stopped is no failure");
    }
}
