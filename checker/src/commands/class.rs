//! `checker class DIR`: reads a folder of JSON reports (one per student, the
//! `grade-reports` artifacts gathered by `scripts/class_reports.py collect`)
//! and writes the gradebook and the summary (see [`crate::class`]).
//!
//! A file that is not a report of this course, or not one at all, is named
//! with its reason and left out; the others are still read.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::class::{Refusal, Submission, gradebook_csv, read_report, summarize};
use crate::course::Course;
use crate::report::Report;

/// What `checker class` wrote.
#[derive(Debug)]
pub struct ClassRun {
    /// Reports read.
    pub students: usize,
    /// Files left out.
    pub refused: Vec<Refusal>,
    /// The files written.
    pub written: Vec<PathBuf>,
}

/// Reads every `*.json` of `dir` (in file-name order) and writes
/// `gradebook.csv`, `class-summary.md` and `class-summary.html` to `out`.
/// Each refused file is also said on `warnings`.
pub fn class(
    course: &Course,
    dir: &Path,
    out: &Path,
    warnings: &mut dyn Write,
) -> anyhow::Result<ClassRun> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read the reports folder {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json") && path.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        bail!(
            "no `*.json` reports in {} (one per student, e.g. from `scripts/class_reports.py collect`)",
            dir.display()
        );
    }
    let mut submissions = Vec::new();
    let mut refused = Vec::new();
    for (path, read) in files.iter().zip(read_all(course, &files)) {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match read {
            Ok(report) => submissions.push(Submission {
                student: file.trim_end_matches(".json").to_owned(),
                report,
            }),
            Err(why) => {
                writeln!(warnings, "checker: warning: {file} left out: {why}")?;
                refused.push(Refusal { file, why });
            }
        }
    }
    let summary = summarize(course, &submissions, &refused);
    std::fs::create_dir_all(out).with_context(|| format!("failed to create {}", out.display()))?;
    let mut html = Vec::new();
    crate::render::html::class_page(&summary, &mut html)?;
    let outputs = [
        (
            "gradebook.csv",
            gradebook_csv(course, &submissions).into_bytes(),
        ),
        (
            "class-summary.md",
            crate::render::markdown::class_summary(&summary).into_bytes(),
        ),
        ("class-summary.html", html),
    ];
    let mut written = Vec::new();
    for (name, bytes) in outputs {
        let path = out.join(name);
        crate::atomic_file::write(&path, &bytes)?;
        written.push(path);
    }
    Ok(ClassRun {
        students: submissions.len(),
        refused,
        written,
    })
}

/// Reads and parses `files` on every core (a class's reports are tens of
/// megabytes of JSON), each result in its file's place.
fn read_all(course: &Course, files: &[PathBuf]) -> Vec<Result<Report, String>> {
    let workers = fixtures::perf::available_parallelism()
        .min(files.len())
        .max(1);
    let chunk = files.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let readers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|path| {
                            std::fs::read_to_string(path)
                                .map_err(|e| format!("unreadable: {e}"))
                                .and_then(|text| read_report(course, &text))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        readers
            .into_iter()
            .flat_map(|reader| {
                reader
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
