//! `checker doctor`: is this machine ready to grade, and what will the perf
//! checks ask of it? `--fix` installs cargo-nextest where it is missing.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::course::{Course, Requirement};
use crate::nextest::cargo;

/// Writes the diagnosis; returns whether everything needed is present.
pub fn diagnose(course: &Course, out: &mut dyn Write) -> std::io::Result<bool> {
    let mut ready = true;
    let version = |args: &[&str]| -> Option<String> {
        let (program, rest) = args.split_first()?;
        let output = Command::new(program)
            .args(rest)
            .current_dir(&course.root)
            .output()
            .ok()?;
        output.status.success().then(|| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
    };
    let cargo_path = cargo();
    let cargo_str = cargo_path.to_string_lossy();
    let line = |out: &mut dyn Write, what: &str, text: &str| writeln!(out, "{what:<11} {text}");
    match version(&[&cargo_str, "--version"]) {
        Some(v) => line(out, "cargo", &v)?,
        None => {
            ready = false;
            line(
                out,
                "cargo",
                "✗ not found: install Rust from https://rustup.rs",
            )?;
        }
    }
    line(
        out,
        "rustc",
        &version(&["rustc", "--version"]).unwrap_or_else(|| "✗ not found".into()),
    )?;
    match version(&[&cargo_str, "nextest", "--version"]) {
        Some(v) => line(out, "nextest", &v)?,
        None => {
            ready = false;
            line(
                out,
                "nextest",
                "✗ cargo-nextest is missing: `cargo install cargo-nextest --locked` \
                 (or run `cargo checker doctor --fix`, which does it)",
            )?;
        }
    }
    let cores = fixtures::perf::available_parallelism();
    line(
        out,
        "cores",
        &format!("{cores} usable by this process (std::thread::available_parallelism)"),
    )?;
    writeln!(out, "thresholds  on this machine:")?;
    for exercise in &course.exercises {
        for check in &exercise.perf {
            let needs = match check.requirement(cores) {
                Requirement::Speedup(x) => format!("needs {x:.2}×"),
                Requirement::NotApplicable => "not applicable (one core)".into(),
            };
            writeln!(
                out,
                "            {} perf {:<22} {needs:<26} ({})",
                exercise.name,
                check.name,
                check.rule()
            )?;
        }
    }
    let present = course
        .exercises
        .iter()
        .filter(|e| course.root.join("solutions").join(&e.name).is_dir())
        .count();
    let solutions = if present == course.exercises.len() {
        format!("present ({present} of {present}): --solutions and `dev check` work")
    } else {
        format!(
            "{present} of {}: `verify --solutions` and `dev check` need all of them (a student template may ship without)",
            course.exercises.len()
        )
    };
    line(out, "solutions", &solutions)?;
    line(out, "git", &git_state(&course.root))?;
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        if ready {
            "Ready: `cargo checker verify` grades the exercises."
        } else {
            "Not ready: see ✗ above."
        }
    )?;
    Ok(ready)
}

fn git_state(root: &Path) -> String {
    let ok = Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        "a git checkout: `reset` and the protected-files check work".into()
    } else {
        "not a git checkout: `reset` and the protected-files check are unavailable".into()
    }
}

/// Installs cargo-nextest with cargo, showing cargo's output.
pub fn install_nextest() -> std::io::Result<bool> {
    Ok(Command::new(cargo())
        .args(["install", "cargo-nextest", "--locked"])
        .status()?
        .success())
}
