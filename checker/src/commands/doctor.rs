//! `checker doctor`: is this machine ready to grade, and what will the perf
//! checks ask of it? `--fix` installs cargo-nextest where it is missing.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use crate::course::{Course, Requirement};
use crate::nextest::cargo;

/// `checker doctor [--fix]`: the diagnosis, and with `--fix` nextest
/// installed and the diagnosis again; exit 0 when ready.
pub fn run(course: &Course, fix: bool) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout();
    let mut ready = diagnose(course, &mut stdout)?;
    if !ready && fix {
        println!("\nInstalling cargo-nextest: cargo install cargo-nextest --locked");
        if install_nextest()? {
            println!();
            ready = diagnose(course, &mut stdout)?;
        }
    }
    Ok(if ready {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

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
    // A tool grading needs: its version, or what to do without it.
    let mut required = |out: &mut dyn Write, what: &str, found: Option<String>, missing: &str| {
        ready &= found.is_some();
        line(out, what, found.as_deref().unwrap_or(missing))
    };
    required(
        out,
        "cargo",
        version(&[&cargo_str, "--version"]),
        "✗ not found: install Rust from https://rustup.rs",
    )?;
    line(
        out,
        "rustc",
        &version(&["rustc", "--version"]).unwrap_or_else(|| "✗ not found".into()),
    )?;
    required(
        out,
        "nextest",
        version(&[&cargo_str, "nextest", "--version"]),
        "✗ cargo-nextest is missing: `cargo install cargo-nextest --locked` \
         (or run `cargo checker doctor --fix`, which does it)",
    )?;
    let cores = fixtures::perf::available_parallelism();
    line(
        out,
        "cores",
        &format!("{cores} usable by this process (std::thread::available_parallelism)"),
    )?;
    threshold_table(course, cores, out)?;
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
    writeln!(out, "What grading enforces on this system:")?;
    for protection in crate::protections::on_this_system() {
        let mark = if protection.enforced { "✓" } else { "·" };
        writeln!(
            out,
            "  {mark} {:<14} {}",
            protection.name,
            protection.describe()
        )?;
    }
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
    if crate::git::is_checkout(root) {
        "a git checkout: `reset` and the protected-files check work".into()
    } else {
        "not a git checkout: `reset` and the protected-files check are unavailable".into()
    }
}

/// Every perf check with what it needs on `cores` cores and the rule, in
/// aligned columns.
fn threshold_table(course: &Course, cores: usize, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "thresholds  on this machine:")?;
    let rows: Vec<[String; 4]> = course
        .exercises
        .iter()
        .flat_map(|exercise| {
            exercise.perf.iter().map(move |check| {
                let needs = match check.requirement(cores) {
                    Requirement::Speedup(x) => format!("needs {x:.2}×"),
                    Requirement::NotApplicable => "not applicable on one core".into(),
                };
                [
                    exercise.name.clone(),
                    check.name.clone(),
                    needs,
                    check.rule(),
                ]
            })
        })
        .collect();
    // Each column as wide as its longest entry.
    let width = |i: usize| {
        rows.iter()
            .map(|row| row[i].chars().count())
            .max()
            .unwrap_or_default()
    };
    let (exercise_width, check_width, needs_width) = (width(0), width(1), width(2));
    for [exercise, check, needs, rule] in &rows {
        writeln!(
            out,
            "            {exercise:<exercise_width$}  perf {check:<check_width$}  \
             {needs:<needs_width$}  ({rule})"
        )?;
    }
    Ok(())
}

/// Installs cargo-nextest with cargo, showing cargo's output.
pub fn install_nextest() -> std::io::Result<bool> {
    Ok(Command::new(cargo())
        .args(["install", "cargo-nextest", "--locked"])
        .status()?
        .success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_table_lines_up_whatever_the_names() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = Course::load(&root).expect("the course loads");
        for cores in [1, 2, 16] {
            let mut out = Vec::new();
            threshold_table(&course, cores, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let rows: Vec<&str> = text.lines().skip(1).collect();
            assert_eq!(
                rows.len(),
                course.exercises.iter().map(|e| e.perf.len()).sum::<usize>()
            );
            // Where the check name, the requirement and the rule start.
            let starts = |row: &str| {
                let perf = row.find(" perf ").map(|i| i + " perf ".len());
                let rule = row.rfind("  (").map(|i| row[..i].chars().count());
                let needs = perf.and_then(|p| {
                    let rest = &row[p..];
                    let name_end = rest.find(' ')?;
                    let gap = rest[name_end..].find(|c: char| c != ' ')?;
                    Some(row[..p + name_end + gap].chars().count())
                });
                (perf.map(|p| row[..p].chars().count()), needs, rule)
            };
            let first = starts(rows[0]);
            for row in &rows {
                let here = starts(row);
                assert!(
                    here == first && here.0.is_some() && here.1.is_some() && here.2.is_some(),
                    "columns do not line up:\n{text}"
                );
            }
        }
    }
}
