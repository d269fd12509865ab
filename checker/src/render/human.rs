//! The terminal table: what passed, what failed and why, and what to do next.

use std::io::{self, Write};

use super::{exercise_status, perf_status, test_status, times};
use crate::report::{NextStep, PerfStatus, Report, TaskGrade, TestStatus};

/// Lines of a failure message shown under a failing task.
const MESSAGE_LINES: usize = 6;
/// The narrowest the task and perf name column gets.
const NAME_WIDTH: usize = 22;

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let m = &report.machine;
    writeln!(
        out,
        "Grading {} on {}, {} core{}, {}",
        report.source,
        m.os,
        m.cores,
        if m.cores == 1 { "" } else { "s" },
        m.rustc
    )?;
    if let Some(line) = super::not_enforced_line(report) {
        writeln!(out, "{line}")?;
    }
    for exercise in &report.exercises {
        writeln!(out)?;
        writeln!(
            out,
            "{}  {}/{}  {}",
            super::exercise_heading(&exercise.name, &exercise.title),
            exercise.score,
            exercise.max_score,
            exercise_status(exercise.status)
        )?;
        if let Some(message) = &exercise.message {
            for line in message.lines().take(12) {
                writeln!(out, "    {line}")?;
            }
        }
        // Names in one column, however long the longest of the exercise.
        let width = exercise
            .tasks
            .iter()
            .map(|t| t.name.chars().count())
            .chain(exercise.perf.iter().map(|p| p.name.chars().count()))
            .fold(NAME_WIDTH, usize::max);
        for task in &exercise.tasks {
            render_task(task, width, out)?;
        }
        for check in &exercise.perf {
            let mark = match check.status {
                status if status.is_pending() => "○",
                PerfStatus::NotApplicable => "·",
                status if status.is_earned() => "✓",
                _ => "✗",
            };
            writeln!(
                out,
                "  {mark} perf {:<width$} {:>3}/{:<3} {} (speedup {}{}, needs {}, CPU use {}, calibration {}{})",
                check.name,
                check.score,
                check.max_score,
                perf_status(check.status),
                times(check.speedup),
                check
                    .interval
                    .map_or_else(String::new, |[low, high]| format!(" [{low:.2}–{high:.2}]")),
                times(check.required),
                check
                    .cpu_utilization
                    .map_or_else(|| "-".into(), |u| format!("{u:.2}")),
                times(check.calibration_speedup),
                if check.attempts > 1 {
                    format!(", {} measurements", check.attempts)
                } else {
                    String::new()
                },
            )?;
            if check.status.is_pending() {
                writeln!(out, "      {}", super::withheld(&exercise.name, check))?;
            }
            if check.status != PerfStatus::Passed
                && let Some(message) = &check.message
            {
                writeln!(out, "      {message}")?;
            }
        }
        // Not graded: listed for a person, below the grades.
        for flag in &exercise.review {
            writeln!(out, "  ? needs review  {}", super::review_line(flag))?;
            writeln!(out, "      {}", flag.excerpt)?;
        }
    }
    writeln!(out)?;
    if let Some(line) = super::protected_line(report) {
        writeln!(out, "⚠ {line}")?;
    }
    writeln!(
        out,
        "Score: {}/{}  (in {})",
        report.score,
        report.max_score,
        super::timing(report)
    )?;
    render_next(report, out)
}

fn render_task(task: &TaskGrade, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let failing: Vec<_> = task
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .collect();
    let done = task.is_done();
    let summary = if task.tests.is_empty() {
        "not run".to_owned()
    } else if failing.is_empty() {
        format!(
            "{} test{} passed",
            task.tests.len(),
            plural(task.tests.len())
        )
    } else {
        format!(
            "{} of {} test{} not passing",
            failing.len(),
            task.tests.len(),
            plural(task.tests.len())
        )
    };
    writeln!(
        out,
        "  {} task {:<width$} {:>3}/{:<3} {summary}",
        if done { "✓" } else { "✗" },
        task.name,
        task.score,
        task.max_score
    )?;
    if let Some(first) = failing.first() {
        writeln!(out, "      {} ({})", first.name, test_status(first.status))?;
        if let Some(message) = &first.message {
            for line in message.lines().take(MESSAGE_LINES) {
                writeln!(out, "        {line}")?;
            }
        }
    }
    Ok(())
}

/// The first thing to fix, in course order, with the command for its hint;
/// with nothing to fix but pending perf checks, how to get them measured
/// (code cannot fix a busy machine, so a pending check is never "next").
fn render_next(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for exercise in &report.exercises {
        let (kind, name) = match exercise.next_step() {
            Some(NextStep::Task(task)) => ("task", &task.name),
            Some(NextStep::Perf(check)) => ("perf check", &check.name),
            None => continue,
        };
        writeln!(out, "Next: {kind} `{name}` in {}.", exercise.name)?;
        return writeln!(out, "      Stuck? `cargo checker hint {name}`");
    }
    let pending: Vec<&str> = report
        .exercises
        .iter()
        .filter(|e| e.perf.iter().any(|p| p.status.is_pending()))
        .map(|e| e.name.as_str())
        .collect();
    if pending.is_empty() {
        return writeln!(out, "Everything passes. Well done!");
    }
    let count = report
        .exercises
        .iter()
        .flat_map(|e| &e.perf)
        .filter(|p| p.status.is_pending())
        .count();
    writeln!(
        out,
        "Pending: {count} perf check{} {}: close other programs and run \
         `cargo checker verify {}` again.",
        plural(count),
        super::BUSY_MACHINE,
        pending.join(" ")
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use crate::render::{Format, render, sample};
    use crate::report::{ExerciseStatus, Report, TestStatus};

    #[test]
    fn human_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(Format::Human));
    }

    /// The sample report cut down to one exercise and the named items, with
    /// totals and statuses recomputed, rendered without the protected-files
    /// line.
    fn only(exercise: usize, tasks: &[&str], perf: &[&str], status: ExerciseStatus) -> String {
        let mut report: Report = sample::report();
        let mut grade = report.exercises.swap_remove(exercise);
        grade.tasks.retain(|t| tasks.contains(&t.name.as_str()));
        grade.perf.retain(|p| perf.contains(&p.name.as_str()));
        grade.score = grade.tasks.iter().map(|t| t.score).sum::<u32>()
            + grade.perf.iter().map(|p| p.score).sum::<u32>();
        grade.max_score = grade.tasks.iter().map(|t| t.max_score).sum::<u32>()
            + grade.perf.iter().map(|p| p.max_score).sum::<u32>();
        grade.status = status;
        report.score = grade.score;
        report.max_score = grade.max_score;
        report.exercises = vec![grade];
        report.protected = None;
        let mut out = Vec::new();
        render(&report, Format::Human, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_needs_review_lists_flags_under_each_exercise() {
        let mut out = Vec::new();
        render(&sample::flagged(), Format::Human, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "  ? needs review  exercises/02-broken/src/lib.rs:3  unsafe: uses `unsafe`"
            ),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn human_passed() {
        insta::assert_snapshot!(only(
            0,
            &["spawn-join"],
            &["cpu-primes"],
            ExerciseStatus::Passed
        ));
    }

    #[test]
    fn human_failed_test_shows_the_trimmed_assertion() {
        let mut text = only(0, &["race"], &[], ExerciseStatus::Failed);
        assert!(
            text.contains("assertion `left == right` failed: lost updates"),
            "{text}"
        );
        text = text.replace("2 of 2", "of");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn human_compile_error_shows_the_first_error_with_file_and_line() {
        let text = only(
            1,
            &["broken-task"],
            &["cpu-broken"],
            ExerciseStatus::CompileError,
        );
        assert!(
            text.contains("does not compile (src/lib.rs:1:21)"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn human_timeout_names_the_test_and_says_possible_deadlock() {
        let mut report: Report = sample::report();
        let race = &mut report.exercises[0].tasks[1];
        race.tests.retain(|t| t.status == TestStatus::Timeout);
        let text = only_from(report);
        assert!(
            text.contains("race::deadlock (timeout)") && text.contains("possible deadlock"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_long_task_name_keeps_the_points_in_one_column() {
        let mut report: Report = sample::report();
        report.exercises[0].tasks[0].name = "process-pool-with-initializer".into();
        let mut out = Vec::new();
        render(&report, Format::Human, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let exercise = text
            .split("\n\n")
            .find(|block| block.contains("process-pool-with-initializer"))
            .unwrap();
        let columns: Vec<usize> = exercise
            .lines()
            .filter(|l| l.starts_with("  ✓ ") || l.starts_with("  ✗ ") || l.starts_with("  · "))
            .map(|l| l.find('/').map_or(0, |i| l[..i].chars().count()))
            .collect();
        assert!(
            columns.len() > 2 && columns.iter().all(|c| *c == columns[0]),
            "{exercise}"
        );
    }

    fn only_from(mut report: Report) -> String {
        report.exercises.truncate(1);
        report.exercises[0].tasks.retain(|t| t.name == "race");
        report.exercises[0].perf.clear();
        report.exercises[0].status = ExerciseStatus::Timeout;
        report.exercises[0].score = 0;
        report.exercises[0].max_score = 15;
        report.score = 0;
        report.max_score = 15;
        report.protected = None;
        let mut out = Vec::new();
        render(&report, Format::Human, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_inconclusive_check_is_pending_with_its_points_withheld() {
        let text = only(0, &["spawn-join"], &["cpu-busy"], ExerciseStatus::Failed);
        assert!(text.contains("○ perf cpu-busy"), "{text}");
        assert!(
            text.contains(
                "measured on a busy machine: 15 points withheld until a measurement on an idle machine \
                 (close other programs and run `cargo checker verify 01-basics` again; \
                 in GitHub Actions, re-run the grading workflow)"
            ),
            "{text}"
        );
        assert!(text.contains("Score: 10/25"), "{text}");
        assert!(
            text.contains("Pending: 1 perf check measured on a busy machine"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn human_perf_shortfall_shows_measured_required_and_cpu_use() {
        let text = only(0, &[], &["cpu-slow"], ExerciseStatus::Failed);
        assert!(
            text.contains("speedup 1.01× [0.97–1.03], needs 1.40×, CPU use 1.03"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }
}
