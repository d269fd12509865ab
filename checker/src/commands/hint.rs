//! `checker hint NAME`: the hint of a task or perf check, from the
//! template's `course.toml`.

use std::process::ExitCode;

use anyhow::bail;

use crate::course::Course;

/// Prints the hint of the task or perf check called `name`.
pub fn hint(course: &Course, name: &str) -> anyhow::Result<ExitCode> {
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
