//! The results GitHub Classroom's `autograding-grading-reporter` reads: one
//! *runner* per graded item (task or perf check), each a result
//! `{version: 1, status, max_score, tests: [{name, status, score, message,
//! test_code, filename, line_no, duration}]}`, base64-encoded in the step
//! output named by [`runner_id`] (see the github format).
//!
//! One runner per item, not one for the whole course: the reporter records
//! the sum of the entries' `score`s, but its console scores a runner as
//! passed entries ÷ entries × `max_score` (`getTestScore` in its
//! `src/helpers/test-helpers.js`), which equals the grade only when a
//! runner is all or nothing. Tasks and perf checks are (a task's points need
//! all of its tests), so with one entry per runner the reporter's own total
//! and the recorded points are both the report's score. `grade.yml` lists
//! the runners; `checker dev check` keeps that list and `course.toml` in
//! step ([`course_runner_ids`]).

use serde::Serialize;

use super::{label, perf_text, task_reason};
use crate::course::Course;
use crate::report::{ExerciseGrade, PerfGrade, PerfStatus, Report, TaskGrade, TestStatus};

/// The runner of the protected-files check: no points, and `fail` when a
/// protected file was changed, so the Classroom log says so too.
pub const PROTECTED_RUNNER: &str = "protected";

/// The most characters of a reason the reporter's line shows after an
/// item's name.
const REASON_CHARS: usize = 160;

/// One runner: its id (the step output and the `<ID>_RESULTS` variable
/// the reporter reads) and its result.
#[derive(Debug, Serialize)]
pub struct Runner {
    /// See [`runner_id`].
    pub runner: String,
    /// What the reporter decodes.
    pub result: ClassroomResult,
}

/// The runner result.
#[derive(Debug, Serialize)]
pub struct ClassroomResult {
    /// Always 1.
    pub version: u32,
    /// `pass` when the item's points were all earned, `error` when it could
    /// not be built or run, `fail` otherwise.
    pub status: &'static str,
    /// The item's points.
    pub max_score: u32,
    /// The one entry.
    pub tests: Vec<ClassroomTest>,
}

/// The graded item.
#[derive(Debug, Serialize)]
pub struct ClassroomTest {
    /// `<exercise>: task <name>` or `<exercise>: perf <name>`, and for an
    /// item without its points, ` — ` and the first line of the reason: the
    /// reporter prints the message only for errors, and the name always.
    pub name: String,
    /// As the runner's.
    pub status: &'static str,
    /// Points earned.
    pub score: u32,
    /// What went wrong, or a short success line.
    pub message: String,
    /// The command that reproduces it.
    pub test_code: String,
    /// The first failing test's file, when known.
    pub filename: String,
    /// The first failing test's line, or 0.
    pub line_no: u32,
    /// Milliseconds spent in the item.
    pub duration: u64,
}

/// The runner id of an item of `exercise`: `e`, the exercise's number (or
/// its whole name when it has none) and the item's name, letters and digits
/// only, lower case — what the reporter's `runners` input accepts
/// (`^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$`) and a step output may be called.
/// `01-threads-and-processes`, `spawn-join` → `e01spawnjoin`.
pub fn runner_id(exercise: &str, item: &str) -> String {
    let number: String = exercise.chars().take_while(char::is_ascii_digit).collect();
    let head = if number.is_empty() {
        alphanumeric(exercise)
    } else {
        number
    };
    format!("e{head}{}", alphanumeric(item))
}

fn alphanumeric(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every runner a full grade of `course` reports, in order: each
/// exercise's tasks, then its perf checks, then [`PROTECTED_RUNNER`].
pub fn course_runner_ids(course: &Course) -> Vec<String> {
    let mut ids: Vec<String> = course
        .exercises
        .iter()
        .flat_map(|exercise| {
            let items = exercise
                .tasks
                .iter()
                .map(|t| &t.name)
                .chain(exercise.perf.iter().map(|p| &p.name));
            items.map(|item| runner_id(&exercise.name, item))
        })
        .collect();
    ids.push(PROTECTED_RUNNER.to_owned());
    ids
}

/// The `env:` and `with:` of `grade.yml`'s reporter step for runners `ids`,
/// indented as the workflow has them: what `checker dev check` asks for.
pub fn reporter_step_lines(ids: &[String]) -> String {
    let mut lines = String::from("        env:\n");
    for id in ids {
        lines.push_str(&format!(
            "          {}_RESULTS: ${{{{ steps.checker.outputs.{id} }}}}\n",
            id.to_ascii_uppercase()
        ));
    }
    lines.push_str("        with:\n");
    lines.push_str(&format!("          runners: {}", ids.join(",")));
    lines
}

/// The runners of a report, in the order of [`course_runner_ids`].
pub fn runners(report: &Report) -> Vec<Runner> {
    let mut runners = Vec::new();
    for exercise in &report.exercises {
        for task in &exercise.tasks {
            runners.push(single(
                runner_id(&exercise.name, &task.name),
                task.max_score,
                task_entry(exercise, task),
            ));
        }
        for check in &exercise.perf {
            runners.push(single(
                runner_id(&exercise.name, &check.name),
                check.max_score,
                perf_entry(exercise, check),
            ));
        }
    }
    runners.push(single(
        PROTECTED_RUNNER.to_owned(),
        0,
        protected_entry(report),
    ));
    runners
}

fn single(runner: String, max_score: u32, test: ClassroomTest) -> Runner {
    Runner {
        runner,
        result: ClassroomResult {
            version: 1,
            status: test.status,
            max_score,
            tests: vec![test],
        },
    }
}

/// `label`, and for an item without its points ` — ` and the reason's
/// first line, cut to [`REASON_CHARS`].
fn named(label: String, status: &str, reason: &str) -> String {
    if status == "pass" {
        return label;
    }
    let first = reason.lines().next().unwrap_or_default().trim();
    let mut cut: String = first.chars().take(REASON_CHARS).collect();
    if cut.len() < first.len() {
        cut.push('…');
    }
    format!("{label} — {cut}")
}

fn test_code(exercise: &ExerciseGrade) -> String {
    format!("cargo checker verify {}", exercise.name)
}

fn task_entry(exercise: &ExerciseGrade, task: &TaskGrade) -> ClassroomTest {
    let broken = exercise.message.is_some() && exercise.tasks.iter().all(|t| t.tests.is_empty());
    let failing = task.tests.iter().find(|t| t.status != TestStatus::Passed);
    let reason = task_reason(exercise, task);
    let status = match &reason {
        None => "pass",
        Some(_) if broken => "error",
        Some(_) => "fail",
    };
    let message = reason.unwrap_or_else(|| format!("{} tests passed", task.tests.len()));
    ClassroomTest {
        name: named(label(&exercise.name, "task", &task.name), status, &message),
        status,
        score: task.score,
        message,
        test_code: test_code(exercise),
        filename: failing.and_then(|t| t.file.clone()).unwrap_or_default(),
        line_no: failing.and_then(|t| t.line).unwrap_or(0),
        duration: task.tests.iter().map(|t| t.duration_ms).sum(),
    }
}

fn perf_entry(exercise: &ExerciseGrade, check: &PerfGrade) -> ClassroomTest {
    let status = match check.status {
        status if status.is_earned() => "pass",
        PerfStatus::NotRun | PerfStatus::Error => "error",
        _ => "fail",
    };
    let message = perf_text(&exercise.name, check);
    ClassroomTest {
        name: named(label(&exercise.name, "perf", &check.name), status, &message),
        status,
        score: check.score,
        message,
        test_code: test_code(exercise),
        filename: String::new(),
        line_no: 0,
        duration: check.duration_ms,
    }
}

fn protected_entry(report: &Report) -> ClassroomTest {
    let (status, message) = match (&report.protected, super::protected_line(report)) {
        (_, Some(line)) => ("fail", line),
        (Some(protected), None) => (
            "pass",
            format!(
                "no protected file changed since the template ({})",
                protected.base
            ),
        ),
        (None, None) => (
            "pass",
            "not checked: no template commit to compare with".to_owned(),
        ),
    };
    ClassroomTest {
        name: named("protected files".to_owned(), status, &message),
        status,
        score: 0,
        message,
        test_code: "git diff --stat <template> -- <protected paths>".into(),
        filename: report.tampered().first().cloned().unwrap_or_default(),
        line_no: 0,
        duration: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample::keys;
    use crate::render::{Format, sample};

    #[test]
    fn the_published_fields_are_all_there() {
        let value = serde_json::to_value(runners(&sample::report())).unwrap();
        let result = &value[0]["result"];
        assert_eq!(keys(result), ["max_score", "status", "tests", "version"]);
        assert_eq!(
            keys(&result["tests"][0]),
            [
                "duration",
                "filename",
                "line_no",
                "message",
                "name",
                "score",
                "status",
                "test_code"
            ]
        );
    }

    /// The reporter's arithmetic, as its `getTestScore` and `AggregateResults`
    /// do it (passed entries ÷ entries × max_score per runner, summed), and
    /// its recorded points (`NotifyClassroom`: the entries' scores summed)
    /// both equal the report's score. `scripts/classroom-total.mjs` runs the
    /// reporter's published code itself.
    #[test]
    fn the_reporters_console_total_and_recorded_points_equal_the_score() {
        let report = sample::report();
        let runners = runners(&report);
        let console: f64 = runners
            .iter()
            .map(|r| {
                let tests = &r.result.tests;
                let passed = tests.iter().filter(|t| t.status == "pass").count();
                passed as f64 / tests.len() as f64 * f64::from(r.result.max_score)
            })
            .sum();
        let recorded: u32 = runners
            .iter()
            .filter(|r| r.result.max_score > 0)
            .flat_map(|r| &r.result.tests)
            .map(|t| t.score)
            .sum();
        let max: u32 = runners.iter().map(|r| r.result.max_score).sum();
        assert_eq!(console, f64::from(report.score));
        assert_eq!(recorded, report.score);
        assert_eq!(max, report.max_score);
    }

    #[test]
    fn ids_are_what_the_reporter_accepts_and_unique() {
        assert_eq!(
            runner_id("01-threads-and-processes", "spawn-join"),
            "e01spawnjoin"
        );
        assert_eq!(runner_id("basics", "cpu-primes"), "ebasicscpuprimes");
        let runners = runners(&sample::report());
        let ids: std::collections::BTreeSet<&str> =
            runners.iter().map(|r| r.runner.as_str()).collect();
        assert_eq!(ids.len(), runners.len());
        assert!(
            ids.iter()
                .all(|id| id.chars().all(|c| c.is_ascii_alphanumeric()))
        );
    }

    #[test]
    fn an_item_without_its_points_names_its_reason() {
        let runners = runners(&sample::report());
        let race = runners.iter().find(|r| r.runner == "e01race").unwrap();
        assert_eq!(
            race.result.tests[0].name,
            "01-basics: task race — race::exact_total failed: assertion `left == right` failed: lost updates"
        );
        let done = runners.iter().find(|r| r.runner == "e01spawnjoin").unwrap();
        assert_eq!(done.result.tests[0].name, "01-basics: task spawn-join");
    }

    #[test]
    fn classroom_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(Format::Classroom));
    }
}
