//! `checker dev check`: grades the solutions and the starters of the
//! selected exercises and prints what `crate::dev` finds wrong with the
//! course itself.

use std::process::ExitCode;

use crate::course::{Course, Source};
use crate::grade::{Grader, machine};
use crate::nextest::Nextest;

/// Runs the instructor's check; exit 0 when nothing is wrong.
pub fn dev_check(course: &Course, names: &[String]) -> anyhow::Result<ExitCode> {
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
