//! Gradescope's `results.json`: `score`, `execution_time`, `output`,
//! `tests[] {name, score, max_score, status, output, visibility}`.

use serde::Serialize;

use super::{label, perf_status, test_status};
use crate::report::{Report, TestStatus};

/// The whole results file.
#[derive(Debug, Serialize)]
pub struct GradescopeResults {
    /// Points earned.
    pub score: u32,
    /// Seconds the grading took.
    pub execution_time: u64,
    /// Text shown above the tests.
    pub output: String,
    /// One entry per task and perf check.
    pub tests: Vec<GradescopeTest>,
}

/// One graded item.
#[derive(Debug, Serialize)]
pub struct GradescopeTest {
    /// `<exercise>: task <name>` or `<exercise>: perf <name>`.
    pub name: String,
    /// Points earned.
    pub score: u32,
    /// Points available.
    pub max_score: u32,
    /// `passed` or `failed`.
    pub status: &'static str,
    /// What went wrong, with the hint.
    pub output: String,
    /// Always `visible`: students learn from the messages.
    pub visibility: &'static str,
}

/// Builds `results.json` from a report.
pub fn results(report: &Report) -> GradescopeResults {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        for task in &exercise.tasks {
            let failing = task.tests.iter().find(|t| t.status != TestStatus::Passed);
            let output = match (failing, &exercise.message) {
                (Some(test), _) => format!(
                    "{} {}: {}\n\nHint: {}",
                    test.name,
                    test_status(test.status),
                    test.message.as_deref().unwrap_or_default(),
                    task.hint
                ),
                (None, Some(message)) if task.score < task.max_score => message.clone(),
                _ => format!("{} tests passed", task.tests.len()),
            };
            tests.push(GradescopeTest {
                name: label(&exercise.name, "task", &task.name),
                score: task.score,
                max_score: task.max_score,
                status: if task.score == task.max_score {
                    "passed"
                } else {
                    "failed"
                },
                output,
                visibility: "visible",
            });
        }
        for check in &exercise.perf {
            tests.push(GradescopeTest {
                name: label(&exercise.name, "perf", &check.name),
                score: check.score,
                max_score: check.max_score,
                status: if check.score == check.max_score {
                    "passed"
                } else {
                    "failed"
                },
                output: match &check.message {
                    Some(message) => format!("{}: {message}", perf_status(check.status)),
                    None => perf_status(check.status).to_owned(),
                },
                visibility: "visible",
            });
        }
    }
    let mut output = format!(
        "Graded {} on {}, {} cores.",
        report.source, report.machine.os, report.machine.cores
    );
    if let Some(line) = super::protected_line(report) {
        output.push_str(&format!("\n\nWARNING: {line}"));
    }
    GradescopeResults {
        score: report.score,
        execution_time: report.elapsed_ms.div_ceil(1000),
        output,
        tests,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, sample};

    #[test]
    fn the_published_fields_are_all_there() {
        let value = serde_json::to_value(results(&sample::report())).unwrap();
        let keys = |v: &serde_json::Value| {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&value), ["execution_time", "output", "score", "tests"]);
        assert_eq!(
            keys(&value["tests"][0]),
            [
                "max_score",
                "name",
                "output",
                "score",
                "status",
                "visibility"
            ]
        );
        assert_eq!(value["execution_time"], 62);
    }

    #[test]
    fn gradescope_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(Format::Gradescope));
    }
}
