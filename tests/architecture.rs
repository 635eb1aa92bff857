//! The simulation core, scoring and scenario loading stay pure (DESIGN.md §2): no terminal,
//! no async runtime, no file system, no wall clock, no unseeded randomness, no `HashMap`
//! iteration order; and `sim` depends on nothing else in the crate. The module edges in
//! `src/lib.rs` hold: only `tui` knows the terminal and the runtime, the game never reaches
//! into the command line, and inside `sim` the kernel and the model stand on their own.

use std::path::Path;

const FORBIDDEN: [&str; 14] = [
    "ratatui",
    "crossterm",
    "tokio",
    "std::fs",
    "File::",
    "Instant",
    "SystemTime",
    "thread_rng",
    "rand::rng(",
    "StdRng",
    "SmallRng",
    "HashMap",
    "HashSet",
    "std::env",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn code_lines(path: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn the_pure_modules_use_no_terminal_runtime_files_clock_or_global_rng() {
    let mut violations = Vec::new();
    for module in ["sim", "score", "scenario", "cmdtext"] {
        for f in module_files(module) {
            for (n, line) in code_lines(&f) {
                for word in FORBIDDEN {
                    if line.contains(word) {
                        violations.push(format!("{}:{n}: `{word}` in: {}", f.display(), line.trim()));
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "pure modules must stay pure:\n{}", violations.join("\n"));
}

/// std's float methods that call the platform's maths library (or, for `mul_add`, fuse on
/// some targets only), whose last bit differs between glibc, Apple's libm and musl. Lockstep
/// drills re-simulate a run on every seat, so `sim` and `score` compute these through
/// `sim::kernel::fmath` (the `libm` crate). `sqrt` is correctly rounded everywhere and may stay.
const STD_MATHS: [&str; 12] = [
    ".ln(",
    ".exp(",
    ".powf(",
    ".powi(",
    ".log10(",
    ".log2(",
    ".sin(",
    ".cos(",
    ".tan(",
    ".exp_m1(",
    ".ln_1p(",
    ".mul_add(",
];

/// The calls of std's platform maths in the code lines of `files`, except in `fmath.rs` itself.
fn std_maths(files: &[std::path::PathBuf]) -> Vec<String> {
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with("kernel/fmath.rs")) {
        for (n, line) in code_lines(f) {
            for word in STD_MATHS.iter().filter(|w| line.contains(*w)) {
                found.push(format!("{}:{n}: `{word}` in: {}", f.display(), line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_engine_and_the_score_use_only_the_portable_maths() {
    let files: Vec<_> = ["sim", "score"].into_iter().flat_map(module_files).collect();
    assert!(files.iter().any(|f| f.ends_with("kernel/fmath.rs")), "src/sim/kernel/fmath.rs exists");
    let found = std_maths(&files);
    assert!(
        found.is_empty(),
        "sim and score must call sim::kernel::fmath, not std's platform libm (lockstep drills need the same bits on every machine):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_maths_check_catches_a_violation() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.rs");
    std::fs::write(
        &f,
        "let a = (x / 2.0).ln(); // x.exp() in a comment is fine\nlet b = fmath::ln(x) + rng.exponential(m);\nlet c = y.powi(2) + z.sqrt();\n",
    )
    .unwrap();
    let shown = f.display().to_string();
    assert_eq!(
        std_maths(&[f]),
        vec![
            format!("{shown}:1: `.ln(` in: let a = (x / 2.0).ln();"),
            format!("{shown}:3: `.powi(` in: let c = y.powi(2) + z.sqrt();"),
        ]
    );
    let fmath = dir.path().join("kernel").join("fmath.rs");
    std::fs::create_dir(dir.path().join("kernel")).unwrap();
    std::fs::write(&fmath, "pub fn ln(x: f64) -> f64 { x.ln() }\n").unwrap();
    assert!(std_maths(&[fmath]).is_empty(), "fmath.rs itself is exempt");
}

#[test]
fn the_engine_depends_on_nothing_else_in_the_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("sim.rs")];
    rust_files(&root.join("sim"), &mut files);
    let mut violations = Vec::new();
    for f in files {
        for (n, line) in code_lines(&f) {
            if let Some(pos) = line.find("crate::")
                && !line[pos..].starts_with("crate::sim")
            {
                violations.push(format!("{}:{n}: {}", f.display(), line.trim()));
            }
        }
    }
    assert!(violations.is_empty(), "sim must not depend on other modules:\n{}", violations.join("\n"));
}

/// The `.rs` files of `src/<module>.rs` and `src/<module>/`.
fn module_files(module: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let dir = root.join(module);
    if dir.exists() {
        rust_files(&dir, &mut files);
    }
    let file = root.join(format!("{module}.rs"));
    if file.exists() {
        files.push(file);
    }
    files
}

/// Every use of `prefix…` in `files` that `allowed` (given what follows the prefix) refuses.
fn violations(files: &[std::path::PathBuf], prefix: &str, allowed: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        for (n, line) in code_lines(f) {
            if line.match_indices(prefix).any(|(i, m)| !allowed(&line[i + m.len()..])) {
                out.push(format!("{}:{n}: {}", f.display(), line.trim()));
            }
        }
    }
    out
}

/// The name a path starts with: `sim::Dur` → `sim`.
fn first_name(path: &str) -> &str {
    &path[..path.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(path.len())]
}

/// Which modules each module may use (besides itself), as `src/lib.rs` states them.
const ALLOWED: [(&str, &[&str]); 11] = [
    ("sim", &[]),
    ("text", &[]),
    ("scenario", &["text", "sim"]),
    ("cmdtext", &["text", "scenario", "sim"]),
    ("score", &["text", "scenario", "sim"]),
    ("report", &["text", "score", "scenario", "sim"]),
    ("store", &["text", "scenario", "sim"]),
    ("load", &["text", "store", "scenario", "sim"]),
    ("tui", &["text", "cmdtext", "load", "report", "store", "score", "scenario", "sim"]),
    ("cli", &["text", "cmdtext", "tui", "load", "report", "store", "score", "scenario", "sim"]),
    ("main", &["cli"]),
];

/// Uses of other modules that `module` may not make.
fn edge_violations(module: &str, files: &[std::path::PathBuf], allowed: &[&str]) -> Vec<String> {
    violations(files, "crate::", |rest| {
        let used = first_name(rest);
        used == module || allowed.contains(&used)
    })
}

#[test]
fn every_module_uses_only_the_modules_below_it() {
    let mut found = Vec::new();
    for (module, allowed) in ALLOWED {
        let files = module_files(module);
        assert!(!files.is_empty(), "src/{module}.rs exists");
        found.extend(edge_violations(module, &files, allowed));
    }
    assert!(found.is_empty(), "module edges (see src/lib.rs):\n{}", found.join("\n"));
}

#[test]
fn the_game_never_reaches_into_the_command_line() {
    let found = violations(&module_files("tui"), "crate::cli", |_| false);
    assert!(found.is_empty(), "tui must not use cli (cli uses tui):\n{}", found.join("\n"));
}

/// Crates only the terminal game may use.
const TERMINAL: [&str; 4] = ["ratatui", "crossterm", "tokio", "futures"];

#[test]
fn only_the_game_knows_the_terminal_and_the_async_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let tui = root.join("tui");
    files.retain(|f| !f.starts_with(&tui) && *f != root.join("tui.rs"));
    let found: Vec<String> = TERMINAL.iter().flat_map(|word| violations(&files, word, |_| false)).collect();
    assert!(found.is_empty(), "only src/tui may use the terminal or tokio:\n{}", found.join("\n"));
}

/// The rooms of `sim` a room may use (besides itself): the kernel builds on nothing; the
/// model on the kernel and the names observation gives metrics and log levels.
const SIM_ROOMS: [(&str, &[&str]); 2] = [("kernel", &[]), ("model", &["kernel", "observe::metric", "observe::logs"])];

/// Uses of the rest of `sim` that `room` may not make (`super::super` would reach past it).
fn room_violations(room: &str, files: &[std::path::PathBuf], allowed: &[&str]) -> Vec<String> {
    let mut found =
        violations(files, "crate::sim::", |rest| rest.starts_with(room) || allowed.iter().any(|a| rest.starts_with(a)));
    found.extend(violations(files, "super::super", |_| false));
    found
}

#[test]
fn inside_the_engine_the_kernel_and_the_model_stand_on_their_own() {
    let mut found = Vec::new();
    for (room, allowed) in SIM_ROOMS {
        let files = module_files(&format!("sim/{room}"));
        assert!(!files.is_empty(), "src/sim/{room}.rs exists");
        found.extend(room_violations(room, &files, allowed));
    }
    assert!(found.is_empty(), "sim rooms:\n{}", found.join("\n"));
}

#[test]
fn the_edge_checks_catch_a_violation() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.rs");
    std::fs::write(
        &f,
        "use crate::cli::Failure; // crate::store in a comment is fine\nuse crate::sim::engine::Sim;\nuse super::super::x;\n",
    )
    .unwrap();
    let files = [f];
    assert_eq!(edge_violations("tui", &files, &["sim"]).len(), 1, "tui → cli is caught, tui → sim is not");
    assert_eq!(room_violations("kernel", &files, &[]).len(), 2, "kernel → engine and super::super are caught");
    assert_eq!(room_violations("model", &files, &["engine"]).len(), 1);
    assert_eq!(first_name("sim::Dur(1)"), "sim");
}

#[test]
fn the_check_itself_catches_a_violation() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.rs");
    std::fs::write(&f, "fn f() { let t = std::time::Instant::now(); } // Instant in a comment is fine\n").unwrap();
    let hits: Vec<_> = code_lines(&f).into_iter().filter(|(_, l)| FORBIDDEN.iter().any(|w| l.contains(w))).collect();
    assert_eq!(hits.len(), 1);
}
