//! Gradescope's `results.json`: `score`, `execution_time`, `output`,
//! `tests[] {name, score, max_score, status, output, visibility}`.

use serde::Serialize;

use super::{label, perf_text, task_reason};
use crate::report::Report;

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
    /// `passed` or `failed` (a pending perf check, measured on a busy
    /// machine, is `failed` with 0 of its points and says how to get it
    /// measured).
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
            let output = match task_reason(exercise, task) {
                Some(reason) => format!("{reason}\n\nHint: {}", task.hint),
                None => format!("{} tests passed", task.tests.len()),
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
                status: if check.status.is_earned() {
                    "passed"
                } else {
                    "failed"
                },
                output: perf_text(&exercise.name, check),
                visibility: "visible",
            });
        }
    }
    let mut output = format!(
        "Graded {} on {}, {} cores.",
        report.source, report.machine.os, report.machine.cores
    );
    if let Some(line) = super::not_enforced_line(report) {
        output.push_str(&format!("\n{line}"));
    }
    if let Some(line) = super::protected_line(report) {
        output.push_str(&format!("\n\nWARNING: {line}"));
    }
    let flagged: Vec<_> = report
        .exercises
        .iter()
        .flat_map(|e| e.review.iter().map(move |flag| (&e.name, flag)))
        .collect();
    if !flagged.is_empty() {
        output.push_str("\n\nNEEDS REVIEW (not graded):");
        for (exercise, flag) in flagged {
            output.push_str(&format!("\n- {exercise}: {}", super::review_line(flag)));
        }
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
    use crate::render::sample::keys;
    use crate::render::{Format, sample};

    #[test]
    fn the_published_fields_are_all_there() {
        let value = serde_json::to_value(results(&sample::report())).unwrap();
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
    fn needs_review_flags_are_in_the_output_text_and_change_no_score() {
        let plain = results(&sample::report());
        let flagged = results(&sample::flagged());
        assert_eq!(flagged.score, plain.score);
        assert!(
            flagged.output.ends_with(
                "NEEDS REVIEW (not graded):\n\
                 - 01-basics: exercises/01-basics/src/lib.rs:12  process-exit: `process::exit` ends the whole test process, the test harness with it\n\
                 - 01-basics: exercises/01-basics/src/race.rs:40  course-env: names the grader's environment (`COURSE_…`), which steers tests and perf measurement\n\
                 - 02-broken: exercises/02-broken/src/lib.rs:3  unsafe: uses `unsafe`, which this exercise does not call for: soundness rests on the student's reasoning"
            ),
            "{}",
            flagged.output
        );
    }

    #[test]
    fn gradescope_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(Format::Gradescope));
    }
}
