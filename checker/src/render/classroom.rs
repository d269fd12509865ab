//! The result GitHub Classroom's `autograding-grading-reporter` reads from a
//! runner step: `{version: 1, status, max_score, tests: [{name, status,
//! score, message, test_code, filename, line_no, duration}]}`, base64-encoded
//! in the step output `result` (see the github format).
//!
//! One entry per task and perf check, so the Classroom view shows the same
//! breakdown as the terminal; the entries' scores add up to the report's.

use serde::Serialize;

use super::{label, perf_text, test_status};
use crate::report::{PerfStatus, Report, TestStatus};

/// The runner result.
#[derive(Debug, Serialize)]
pub struct ClassroomResult {
    /// Always 1.
    pub version: u32,
    /// `pass` when every point was earned and no protected file was changed.
    pub status: &'static str,
    /// Points available.
    pub max_score: u32,
    /// One entry per task and perf check.
    pub tests: Vec<ClassroomTest>,
}

/// One graded item.
#[derive(Debug, Serialize)]
pub struct ClassroomTest {
    /// `<exercise>: task <name>` or `<exercise>: perf <name>`.
    pub name: String,
    /// `pass`, `fail` or `error` (the exercise could not be built or run).
    /// A pending perf check (measured on a busy machine) is `fail` with
    /// score 0, its message saying how to get it measured.
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
    /// Milliseconds spent in the item's tests.
    pub duration: u64,
}

/// Builds the runner result from a report.
pub fn result(report: &Report) -> ClassroomResult {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        let broken =
            exercise.message.is_some() && exercise.tasks.iter().all(|t| t.tests.is_empty());
        let test_code = format!("cargo checker verify {}", exercise.name);
        for task in &exercise.tasks {
            let failing = task.tests.iter().find(|t| t.status != TestStatus::Passed);
            let message = match (failing, &exercise.message) {
                (Some(test), _) => format!(
                    "{} {}: {}",
                    test.name,
                    test_status(test.status),
                    test.message.as_deref().unwrap_or_default()
                ),
                (None, Some(message)) if broken => message.clone(),
                _ => format!("{} tests passed", task.tests.len()),
            };
            tests.push(ClassroomTest {
                name: label(&exercise.name, "task", &task.name),
                status: if broken {
                    "error"
                } else if task.score == task.max_score {
                    "pass"
                } else {
                    "fail"
                },
                score: task.score,
                message,
                test_code: test_code.clone(),
                filename: failing.and_then(|t| t.file.clone()).unwrap_or_default(),
                line_no: failing.and_then(|t| t.line).unwrap_or(0),
                duration: task.tests.iter().map(|t| t.duration_ms).sum(),
            });
        }
        for check in &exercise.perf {
            tests.push(ClassroomTest {
                name: label(&exercise.name, "perf", &check.name),
                status: match check.status {
                    status if status.is_earned() => "pass",
                    PerfStatus::NotRun | PerfStatus::Error => "error",
                    _ => "fail",
                },
                score: check.score,
                message: perf_text(&exercise.name, check),
                test_code: test_code.clone(),
                filename: String::new(),
                line_no: 0,
                duration: 0,
            });
        }
    }
    if let Some(line) = super::protected_line(report) {
        tests.push(ClassroomTest {
            name: "protected files".into(),
            status: if report.tampered().is_empty() {
                "pass"
            } else {
                "fail"
            },
            score: 0,
            message: line,
            test_code: "git diff --stat <template> -- <protected paths>".into(),
            filename: report.tampered().first().cloned().unwrap_or_default(),
            line_no: 0,
            duration: 0,
        });
    }
    ClassroomResult {
        version: 1,
        status: if report.full_marks() && report.tampered().is_empty() {
            "pass"
        } else {
            "fail"
        },
        max_score: report.max_score,
        tests,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, sample};

    #[test]
    fn the_published_fields_are_all_there_and_scores_add_up() {
        let report = sample::report();
        let value = serde_json::to_value(result(&report)).unwrap();
        let keys = |v: &serde_json::Value| {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&value), ["max_score", "status", "tests", "version"]);
        assert_eq!(
            keys(&value["tests"][0]),
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
        let total: u64 = value["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["score"].as_u64().unwrap())
            .sum();
        assert_eq!(total, u64::from(report.score));
        assert_eq!(value["max_score"], report.max_score);
        assert_eq!(value["status"], "fail");
    }

    #[test]
    fn classroom_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(Format::Classroom));
    }
}
