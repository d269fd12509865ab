//! `checker class DIR`: reads a folder of JSON reports (one per student, the
//! `grade-reports` artifacts gathered by `scripts/class-reports.py collect`)
//! and writes the gradebook and the summary (see [`crate::class`]).
//!
//! A file that is not a report of this course, or not one at all, is named
//! with its reason and left out; the others are still read.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::class::{Refusal, Submission, gradebook_csv, read_report, summarize, summary_markdown};
use crate::course::Course;

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
            "no `*.json` reports in {} (one per student, e.g. from `scripts/class-reports.py collect`)",
            dir.display()
        );
    }
    let mut submissions = Vec::new();
    let mut refused = Vec::new();
    for path in &files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read = std::fs::read_to_string(path)
            .map_err(|e| format!("unreadable: {e}"))
            .and_then(|text| read_report(course, &text));
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
        ("class-summary.md", summary_markdown(&summary).into_bytes()),
        ("class-summary.html", html),
    ];
    let mut written = Vec::new();
    for (name, bytes) in outputs {
        let path = out.join(name);
        crate::run::write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(ClassRun {
        students: submissions.len(),
        refused,
        written,
    })
}
