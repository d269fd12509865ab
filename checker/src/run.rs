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

use crate::cli::{Cli, Command, DevCommand, VerifyArgs};
use crate::course::{Course, Source};
use crate::grade::{Grader, machine};
use crate::nextest::Nextest;
use crate::protected::{self, Template};
use crate::render::{Format, render};
use crate::report::{ExerciseStatus, ProtectedFiles, Report, json_schema};
use crate::term::{Progress, colour_stdout, colourize};

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
    match &cli.command {
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&json_schema())?);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Bench => {
            crate::bench::run(&mut std::io::stdout())?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::BenchWorker { args } => {
            crate::bench::worker(args)?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    if let Command::Verify(args) = &cli.command {
        return verify(cli.course.as_deref(), args);
    }
    let course = load_course(cli.course.as_deref())?;
    match cli.command {
        Command::Hint { name } => hint(&course, &name),
        Command::List => {
            crate::commands::list::render(&course, &mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reset { exercise, yes } => {
            let selected = course.select(std::slice::from_ref(&exercise))?;
            let exercise = selected.first().context("no exercise selected")?;
            crate::commands::reset::reset(&course.root, exercise, yes, &mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor { fix } => doctor(&course, fix),
        Command::Watch { exercise, poll } => {
            let exercise = match exercise {
                Some(name) => *course
                    .select(&[name])?
                    .first()
                    .context("no exercise selected")?,
                None => first_unfinished(&course),
            };
            crate::commands::watch::watch(&course, exercise, poll)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Dev(DevCommand::Check { exercises }) => dev_check(&course, &exercises),
        Command::Class { dir, out } => {
            let out = out.unwrap_or_else(|| dir.clone());
            let run = crate::commands::class::class(&course, &dir, &out, &mut std::io::stderr())?;
            println!(
                "{} report(s) read, {} left out; wrote {}",
                run.students,
                run.refused.len(),
                run.written
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(if run.refused.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Scale {
            check,
            solutions,
            html,
        } => {
            let source = if solutions {
                Source::Solutions
            } else {
                Source::Exercises
            };
            crate::commands::scale::scale(
                &course,
                &check,
                source,
                html.as_deref(),
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify(_) | Command::Schema | Command::Bench | Command::BenchWorker { .. } => {
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn doctor(course: &Course, fix: bool) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout();
    let mut ready = crate::commands::doctor::diagnose(course, &mut stdout)?;
    if !ready && fix {
        println!("\nInstalling cargo-nextest: cargo install cargo-nextest --locked");
        if crate::commands::doctor::install_nextest()? {
            println!();
            ready = crate::commands::doctor::diagnose(course, &mut stdout)?;
        }
    }
    Ok(if ready {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The first exercise whose last grade is not full marks (or never graded).
fn first_unfinished(course: &Course) -> &crate::course::Exercise {
    course
        .exercises
        .iter()
        .find(|e| crate::store::load(&course.root, &e.name).is_none_or(|g| g.score < g.max_score))
        .unwrap_or(&course.exercises[0])
}

fn dev_check(course: &Course, names: &[String]) -> anyhow::Result<ExitCode> {
    let exercises = course.select(names)?;
    let nextest = Nextest::new(&course.root)?;
    let cores = fixtures::perf::available_parallelism();
    let mut stderr = std::io::stderr();
    let solutions = Grader::new(
        course,
        nextest.clone(),
        Source::Solutions,
        cores,
        &mut stderr,
    )
    .grade(&exercises, machine(cores));
    let starters = Grader::new(course, nextest, Source::Exercises, cores, &mut stderr)
        .grade(&exercises, machine(cores));
    let findings = crate::dev::check(course, &exercises, &solutions, &starters);
    for warning in &findings.warnings {
        println!("warning: {warning}");
    }
    for problem in &findings.problems {
        println!("problem: {problem}");
    }
    if findings.problems.is_empty() {
        println!(
            "dev check: ok — {} exercise(s); solutions {}/{}, starters {}/{} ({} correctness points)",
            exercises.len(),
            solutions.score,
            solutions.max_score,
            starters.score,
            starters.max_score,
            crate::dev::correctness_points(&starters)
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("dev check: {} problem(s)", findings.problems.len());
        Ok(ExitCode::from(1))
    }
}

/// The course's rules for the commands that put no file in place (`list`,
/// `hint`, `watch`, `doctor`, …): the template's `course.toml` where the
/// repository has a template, so their points and thresholds agree with
/// `verify`'s; the working tree's otherwise.
fn load_course(explicit: Option<&Path>) -> anyhow::Result<Course> {
    let root = course_root(explicit)?;
    Ok(match Template::find(&root, None) {
        Ok(template) => Course::parse(&root, &template.course_text()?)?,
        Err(_) => Course::load(&root)?,
    })
}

/// The course root: the one named, or the nearest folder upwards with a
/// `course.toml`.
fn course_root(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    match explicit {
        Some(root) => Ok(root.to_owned()),
        None => Ok(Course::find_root(
            &std::env::current_dir().context("failed to read the current directory")?,
        )?),
    }
}

/// Grades with the template's rules and files: takes the template's
/// protected files (its `course.toml` among them) before anything is read
/// or built, grades, and — without `--restore-protected` — puts the
/// student's edits back afterwards, whatever the outcome.
fn verify(explicit_root: Option<&Path>, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
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
        write_atomically(path, &extra)?;
        eprintln!("checker: {format:?} report written to {}", path.display());
    }
    match &args.output {
        Some(path) => {
            write_atomically(path, &rendered)?;
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
