//! `checker verify`: the grade. Takes the template's protected files (its
//! `course.toml` among them) before anything is read or built, grades the
//! selected exercises, renders the report in the asked formats, keeps the
//! results for `list` and the last report, and maps the outcome onto the
//! exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::atomic_file::parent_dir;
use crate::cli::VerifyArgs;
use crate::course::{Course, Source};
use crate::grade::{Grader, machine};
use crate::nextest::Nextest;
use crate::protected::{self, Template};
use crate::render::{Format, render};
use crate::report::{ExerciseStatus, ProtectedFiles, Report};
use crate::term::{Progress, colour_stdout, colourize};

use super::course_root;

/// Where the last report is kept, for tools that show progress.
pub const LAST_REPORT: &str = "target/checker/last-report.json";

/// Grades with the template's rules and files: takes the template's
/// protected files (its `course.toml` among them) before anything is read
/// or built, grades, and — without `--restore-protected` — puts the
/// student's edits back afterwards, whatever the outcome.
pub fn verify(explicit_root: Option<&Path>, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let workflow_files = crate::workflow_files::Snapshot::take();
    let root = course_root(explicit_root)?;
    // In CI (`--restore-protected`) no earlier local run kept anything: a
    // kept-edits folder there came with the student's commits, and nothing
    // in it is put anywhere.
    let recovered = if args.restore_protected {
        Vec::new()
    } else {
        protected::recover_edits(&root)
            .context("failed to put back the edits an interrupted run kept aside")?
    };
    if !recovered.is_empty() {
        eprintln!(
            "checker: put back your edits of {} kept aside by an interrupted run",
            recovered.join(", ")
        );
    }
    let template = match Template::find(&root, args.template.as_deref()) {
        Ok(template) => template,
        // A template the grader named must be there.
        Err(error) if args.template.is_some() => return Err(error.into()),
        Err(error) => {
            let course = Course::load(&root)?;
            if !course.protected.is_empty() {
                eprintln!("checker: warning: {error}");
            }
            return verify_course(&course, args, None, (started, &workflow_files));
        }
    };
    let text = template.course_text()?;
    let patterns = crate::course::protected_patterns(&root, &text)?;
    let mut found = template.changes(&patterns)?;
    crate::interrupt::put_back_edits_on_stop(&root);
    let kept = template.take_protected(&mut found, !args.restore_protected)?;
    if found.restored && !found.changed.is_empty() {
        eprintln!(
            "checker: restored {} protected file(s) from the template: {}",
            found.changed.len(),
            found.changed.join(", ")
        );
    }
    let outcome = Course::parse(&root, &text)
        .map_err(anyhow::Error::from)
        .and_then(|course| verify_course(&course, args, Some(found), (started, &workflow_files)));
    if let Some(kept) = kept {
        let paths = kept
            .put_back()
            .context("failed to put back your edits of protected files")?;
        eprintln!(
            "checker: graded with the template's versions of {}; your edits are back in place",
            paths.join(", ")
        );
    }
    outcome
}

fn verify_course(
    course: &Course,
    args: &VerifyArgs,
    protected: Option<ProtectedFiles>,
    (started, workflow_files): (std::time::Instant, &crate::workflow_files::Snapshot),
) -> anyhow::Result<ExitCode> {
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
    for path in args
        .output
        .iter()
        .chain(args.also.iter().map(|(_, path)| path))
    {
        check_writable(path)?;
    }
    let nextest = Nextest::new(&course.root)?;
    let cores = fixtures::perf::available_parallelism();
    let mut progress = Progress::stderr();
    let mut report = Grader::new(course, nextest, source, cores, &mut progress)
        .with_seed(args.seed)
        .grade(&exercises, machine(cores));
    progress.finish();
    report.protected = protected;
    // Before anything of the checker's goes to them: the graded code may
    // have written to the step's command files.
    let written = workflow_files.restore_changed();
    if !written.is_empty() {
        let protected = report.protected.get_or_insert_with(|| ProtectedFiles {
            base: "(no template)".into(),
            base_tree: String::new(),
            changed: Vec::new(),
            restored: true,
        });
        protected.changed.extend(written);
    }
    // The whole run: the template's files checked and put in place too.
    report.elapsed_ms = crate::grade::millis_since(started);
    if let Err(error) = crate::store::save(&course.root, &report) {
        eprintln!("checker: warning: could not keep the results for `checker list`: {error}");
    }

    let mut rendered = Vec::new();
    if args.format == Format::Github {
        render_github(&report, &mut rendered)?;
    } else {
        render(&report, args.format, &mut rendered).context("failed to render the report")?;
    }
    for (format, path) in &args.also {
        let mut extra = Vec::new();
        render(&report, *format, &mut extra).context("failed to render the report")?;
        crate::atomic_file::write(path, &extra)?;
        eprintln!("checker: {format:?} report written to {}", path.display());
    }
    match &args.output {
        Some(path) => {
            crate::atomic_file::write(path, &rendered)?;
            eprintln!("checker: report written to {}", path.display());
            if args.format != Format::Human {
                eprintln!("checker: score {}/{}", report.score, report.max_score);
            }
        }
        None => {
            if args.format == Format::Human && colour_stdout() {
                rendered = colourize(&String::from_utf8_lossy(&rendered)).into_bytes();
            }
            std::io::stdout()
                .write_all(&rendered)
                .context("failed to write the report")?
        }
    }
    keep_last_report(course, &report);
    Ok(exit_code(&report))
}

/// The github format: annotations to `out`, the summary appended to
/// `$GITHUB_STEP_SUMMARY` and the outputs to `$GITHUB_OUTPUT` when those are
/// set (into `out` otherwise, so it can be tried locally).
fn render_github(report: &Report, out: &mut Vec<u8>) -> anyhow::Result<()> {
    let open = |var: &str| -> anyhow::Result<Option<std::fs::File>> {
        match std::env::var_os(var) {
            Some(path) if !path.is_empty() => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map(Some)
                .with_context(|| {
                    format!(
                        "cannot append to ${var} ({})",
                        PathBuf::from(&path).display()
                    )
                }),
            _ => Ok(None),
        }
    };
    let mut summary = open("GITHUB_STEP_SUMMARY")?;
    let mut outputs = open("GITHUB_OUTPUT")?;
    crate::render::github::render(
        report,
        &mut crate::render::github::Sinks {
            annotations: out,
            summary: summary.as_mut().map(|f| f as &mut dyn Write),
            outputs: outputs.as_mut().map(|f| f as &mut dyn Write),
        },
    )
    .context("failed to write the github report")
}

/// 0 full marks, 1 below (or protected files changed), 2 when no exercise
/// could be graded at all.
pub fn exit_code(report: &Report) -> ExitCode {
    let nothing_graded = !report.exercises.is_empty()
        && report
            .exercises
            .iter()
            .all(|e| e.status == ExerciseStatus::NotRun);
    if nothing_graded {
        ExitCode::from(2)
    } else if report.full_marks() && report.tampered().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
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

fn keep_last_report(course: &Course, report: &Report) {
    let path = course.root.join(LAST_REPORT);
    let saved = serde_json::to_vec_pretty(report)
        .map_err(anyhow::Error::from)
        .and_then(|json| {
            std::fs::create_dir_all(parent_dir(&path))?;
            Ok(crate::atomic_file::write(&path, &json)?)
        });
    if let Err(error) = saved {
        eprintln!(
            "checker: warning: could not keep the report in {}: {error:#}",
            path.display()
        );
    }
}
