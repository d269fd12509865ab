//! `checker list`: every exercise and task with its state, the next thing to
//! do, and a progress bar of points, from the last grades in
//! `target/checker/results/` (see [`crate::store`]).

use std::io::{self, Write};

use crate::course::Course;
use crate::report::{PerfStatus, TaskGrade};
use crate::store;

/// The narrowest the name column gets.
const NAME_WIDTH: usize = 24;

/// Writes the progress overview of `course` to `out`.
pub fn render(course: &Course, out: &mut dyn Write) -> io::Result<()> {
    let mut earned = 0;
    let mut available = 0;
    let mut next: Option<(String, String)> = None;
    let mut body = Vec::new();
    // One column for every task and check name of the course.
    let width = course
        .exercises
        .iter()
        .flat_map(|e| {
            let tasks = e.tasks.iter().map(|t| t.name.chars().count());
            tasks.chain(e.perf.iter().map(|p| p.name.chars().count()))
        })
        .fold(NAME_WIDTH, usize::max);
    for exercise in &course.exercises {
        let grade = store::load(&course.root, &exercise.name);
        let max = grade
            .as_ref()
            .map_or(exercise.max_points(), |g| g.max_score);
        let score = grade.as_ref().map_or(0, |g| g.score);
        earned += score;
        available += max;
        let heading = crate::render::exercise_heading(&exercise.name, &exercise.title);
        match &grade {
            Some(_) => writeln!(body, "{heading}  {score}/{max}")?,
            None => writeln!(body, "{heading}  not graded yet")?,
        }
        for task in &exercise.tasks {
            let graded: Option<&TaskGrade> = grade
                .as_ref()
                .and_then(|g| g.tasks.iter().find(|t| t.name == task.name));
            let done = graded.is_some_and(TaskGrade::is_done);
            if !done && next.is_none() {
                next = Some((task.name.clone(), exercise.name.clone()));
            }
            let state = if done { "✓ done   " } else { "✗ pending" };
            writeln!(
                body,
                "  {state}      task {:<width$} {:>3} pts",
                task.name, task.points
            )?;
        }
        for check in &exercise.perf {
            let graded = grade
                .as_ref()
                .and_then(|g| g.perf.iter().find(|p| p.name == check.name));
            let status = graded.map(|p| p.status);
            // Never graded counts as work to do; the rules are the report's.
            let needs_work = status.is_none_or(PerfStatus::needs_work);
            let state = match status {
                Some(PerfStatus::NotApplicable) => "· n/a         ",
                Some(status) if status.is_earned() => "✓ done        ",
                Some(status) if status.is_pending() => "○ busy machine",
                _ => "✗ perf-pending",
            };
            if needs_work && next.is_none() {
                next = Some((check.name.clone(), exercise.name.clone()));
            }
            writeln!(
                body,
                "  {state} perf {:<width$} {:>3} pts",
                check.name, check.points
            )?;
        }
    }
    writeln!(
        out,
        "Progress {} {earned}/{available} points",
        bar(earned, available, 30)
    )?;
    writeln!(out)?;
    out.write_all(&body)?;
    writeln!(out)?;
    match next {
        Some((item, exercise)) => {
            writeln!(out, "Next: `{item}` in {exercise}.")?;
            writeln!(
                out,
                "      `cargo checker watch {exercise}` re-grades it as you save; `cargo checker hint {item}` helps."
            )
        }
        None => writeln!(out, "Everything is done. Well done!"),
    }
}

/// `[#####.....]`-style bar, `width` cells wide.
fn bar(done: u32, total: u32, width: usize) -> String {
    let filled = if total == 0 {
        0
    } else {
        (done as usize * width).div_ceil(total as usize).min(width)
    };
    format!("[{}{}]", "█".repeat(filled), "░".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_line_up_whatever_the_names() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let course = Course::load(&root).expect("the course loads");
        let mut out = Vec::new();
        render(&course, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let columns: Vec<usize> = text
            .lines()
            .filter(|l| l.ends_with(" pts"))
            .map(|l| l.chars().count())
            .collect();
        assert!(
            columns.len() > 40 && columns.iter().all(|c| *c == columns[0]),
            "{text}"
        );
    }

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(bar(0, 10, 4), "[░░░░]");
        assert_eq!(bar(5, 10, 4), "[██░░]");
        assert_eq!(bar(10, 10, 4), "[████]");
        assert_eq!(bar(0, 0, 2), "[░░]");
    }
}
