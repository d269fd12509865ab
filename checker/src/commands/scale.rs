//! `checker scale CHECK`: one perf check's speedup measured at 1, 2, …
//! threads (workers for I/O), drawn beside the ideal with the serial
//! fraction Amdahl's law fits to it.
//!
//! A learning tool: it runs the check's own perf test, with the thread count
//! passed in `COURSE_PERF_THREADS` (`fixtures::perf::threads`), and keeps
//! nothing as a grade: its records go to `target/checker/scale/`, never to
//! the last report.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use crate::course::{Course, Exercise, PerfCheck, Source};
use crate::grade::measure_once;
use crate::nextest::Nextest;
use crate::perf::{Measurement, median_interval};
use crate::scaling::{Curve, ScalePoint, unit};

/// Measures `check_name` of the `source` crates at each thread count of
/// [`Curve::thread_counts`], prints the text chart to `out` (progress to
/// `progress`), writes the HTML page to `html` when given, and returns the
/// curve.
pub fn scale(
    course: &Course,
    check_name: &str,
    source: Source,
    html: Option<&Path>,
    out: &mut dyn Write,
    progress: &mut dyn Write,
) -> anyhow::Result<Curve> {
    let (exercise, check) = find_check(course, check_name)?;
    let package = exercise.package_for(source);
    let nextest = Nextest::new(&course.root)?;
    let cores = fixtures::perf::available_parallelism();
    let records = course
        .root
        .join("target/checker/scale")
        .join(&package)
        .join(&check.name);
    let mut points = Vec::new();
    for threads in Curve::thread_counts(check.kind, cores, check.workers) {
        writeln!(
            progress,
            "measuring {} with {threads} {}…",
            check.name,
            unit(check.kind, threads)
        )?;
        let dir = records.join(format!("threads-{threads}"));
        let record = match measure_once(&nextest, &package, check, &dir, None, Some(threads)) {
            Measurement::Record(record) if record.answers_match() => record,
            Measurement::Record(_) => bail!(
                "{} gave a wrong answer with {threads} threads: fix the correctness tests first \
                 (`cargo checker verify {}`)",
                check.name,
                exercise.name
            ),
            Measurement::Failed(why) => {
                bail!(
                    "{} could not be measured with {threads} threads: {why}",
                    check.name
                )
            }
        };
        let speedups: Vec<f64> = record.rounds.iter().map(|round| round.speedup()).collect();
        let speedup = record
            .median_speedup()
            .context("the perf record has no rounds")?;
        points.push(ScalePoint {
            threads,
            speedup,
            interval: median_interval(&speedups, record.seed),
            calibration: record.median_calibration_speedup(),
        });
    }
    let curve = Curve {
        check: check.name.clone(),
        kind: check.kind,
        cores,
        points,
    };
    write!(out, "{}", curve.text_chart())?;
    if let Some(path) = html {
        let mut page = Vec::new();
        crate::render::html::scaling_page(&curve, &mut page)?;
        crate::atomic_file::write(path, &page)?;
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(curve)
}

/// The exercise and perf check called `name`, or an error naming them all.
fn find_check<'c>(course: &'c Course, name: &str) -> anyhow::Result<(&'c Exercise, &'c PerfCheck)> {
    let found = course.exercises.iter().find_map(|exercise| {
        exercise
            .perf
            .iter()
            .find(|check| check.name == name)
            .map(|check| (exercise, check))
    });
    found.with_context(|| {
        let all: Vec<&str> = course
            .exercises
            .iter()
            .flat_map(|e| e.perf.iter().map(|c| c.name.as_str()))
            .collect();
        format!(
            "no perf check `{name}` in course.toml; the checks are: {}",
            all.join(", ")
        )
    })
}
