//! The CLI edge: turns parsed arguments into work and outcomes into the
//! documented exit codes.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | graded, full marks |
//! | 1 | graded, below full marks |
//! | 2 | could not grade (bad course.toml, unknown exercise, no nextest, …) |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::{Cli, Command, VerifyArgs};
use crate::course::{Course, Source};
use crate::grade::{Grader, machine};
use crate::nextest::Nextest;
use crate::render::{Format, render};
use crate::report::{ExerciseStatus, Report, json_schema};

/// Where the last report is kept, for tools that show progress.
pub const LAST_REPORT: &str = "target/checker/last-report.json";

/// Runs the command and returns the process exit code.
pub fn main(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("checker: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Schema = cli.command {
        println!("{}", serde_json::to_string_pretty(&json_schema())?);
        return Ok(ExitCode::SUCCESS);
    }
    let course = load_course(cli.course.as_deref())?;
    match cli.command {
        Command::Verify(args) => verify(&course, &args),
        Command::Hint { name } => hint(&course, &name),
        Command::Schema => Ok(ExitCode::SUCCESS),
    }
}

fn load_course(explicit: Option<&Path>) -> anyhow::Result<Course> {
    Ok(match explicit {
        Some(root) => Course::load(root)?,
        None => Course::discover(
            &std::env::current_dir().context("failed to read the current directory")?,
        )?,
    })
}

fn verify(course: &Course, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let source = if args.solutions {
        Source::Solutions
    } else {
        Source::Exercises
    };
    let exercises = course.select(&args.exercises)?;
    if source == Source::Solutions {
        for exercise in &exercises {
            let dir = course.root.join("solutions").join(&exercise.name);
            if !dir.is_dir() {
                bail!(
                    "--solutions needs {}, which is missing (a student template may ship without solutions/)",
                    dir.display()
                );
            }
        }
    }
    if let Some(output) = &args.output {
        check_writable(output)?;
    }
    let nextest = Nextest::new(&course.root)?;
    let cores = fixtures::perf::available_parallelism();
    let mut stderr = std::io::stderr();
    let report =
        Grader::new(course, nextest, source, cores, &mut stderr).grade(&exercises, machine(cores));

    let mut rendered = Vec::new();
    render(&report, args.format, &mut rendered).context("failed to render the report")?;
    match &args.output {
        Some(path) => {
            write_atomically(path, &rendered)?;
            eprintln!("checker: report written to {}", path.display());
            if args.format != Format::Human {
                eprintln!("checker: score {}/{}", report.score, report.max_score);
            }
        }
        None => std::io::stdout()
            .write_all(&rendered)
            .context("failed to write the report")?,
    }
    keep_last_report(course, &report);
    Ok(exit_code(&report))
}

/// 0 full marks, 1 below, 2 when no exercise could be graded at all.
pub fn exit_code(report: &Report) -> ExitCode {
    if !report.exercises.is_empty()
        && report
            .exercises
            .iter()
            .all(|e| e.status == ExerciseStatus::NotRun)
    {
        ExitCode::from(2)
    } else if report.full_marks() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn hint(course: &Course, name: &str) -> anyhow::Result<ExitCode> {
    for exercise in &course.exercises {
        if let Some(task) = exercise.tasks.iter().find(|t| t.name == name) {
            println!("{} · task {}\n\n{}", exercise.name, task.name, task.hint);
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(check) = exercise.perf.iter().find(|p| p.name == name) {
            println!(
                "{} · perf check {} (needs {})\n\n{}",
                exercise.name,
                check.name,
                check.rule(),
                check.hint
            );
            return Ok(ExitCode::SUCCESS);
        }
    }
    let names: Vec<&str> = course
        .exercises
        .iter()
        .flat_map(|e| {
            e.tasks
                .iter()
                .map(|t| t.name.as_str())
                .chain(e.perf.iter().map(|p| p.name.as_str()))
        })
        .collect();
    bail!(
        "no task or perf check named `{name}`; the course has: {}",
        names.join(", ")
    )
}

/// Fails early, before minutes of grading, when the report could not be saved.
fn check_writable(path: &Path) -> anyhow::Result<()> {
    let dir = parent_dir(path);
    let probe = dir.join(format!(".checker-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").with_context(|| {
        format!(
            "cannot write the report to {}: {} is not writable",
            path.display(),
            dir.display()
        )
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Writes through a temporary file and a rename, so a reader (or an
/// interrupted run) never sees half a report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = parent_dir(path);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let _cleanup = crate::interrupt::TempFileGuard::new(tmp.clone());
    std::fs::write(&tmp, bytes).with_context(|| format!("failed to write {}", tmp.display()))?;
    crate::interrupt::halt_if_interrupted();
    std::fs::rename(&tmp, path)
        .with_context(|| format!("failed to move the report into {}", path.display()))
}

fn keep_last_report(course: &Course, report: &Report) {
    let path = course.root.join(LAST_REPORT);
    let saved = serde_json::to_vec_pretty(report)
        .map_err(anyhow::Error::from)
        .and_then(|json| {
            std::fs::create_dir_all(parent_dir(&path))?;
            write_atomically(&path, &json)
        });
    if let Err(error) = saved {
        eprintln!(
            "checker: warning: could not keep the report in {}: {error:#}",
            path.display()
        );
    }
}
