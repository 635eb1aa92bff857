//! The simulation core, scoring and scenario loading stay pure (DESIGN.md §2): no terminal,
//! no async runtime, no file system, no wall clock, no unseeded randomness, no `HashMap`
//! iteration order; and `sim` depends on nothing else in the crate.

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for module in ["sim", "score", "scenario"] {
        let mut files = Vec::new();
        let dir = root.join(module);
        if dir.exists() {
            rust_files(&dir, &mut files);
        }
        let file = root.join(format!("{module}.rs"));
        if file.exists() {
            files.push(file);
        }
        for f in files {
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

#[test]
fn the_check_itself_catches_a_violation() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.rs");
    std::fs::write(&f, "fn f() { let t = std::time::Instant::now(); } // Instant in a comment is fine\n").unwrap();
    let hits: Vec<_> = code_lines(&f).into_iter().filter(|(_, l)| FORBIDDEN.iter().any(|w| l.contains(w))).collect();
    assert_eq!(hits.len(), 1);
}
