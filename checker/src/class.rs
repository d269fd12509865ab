//! A class's reports, read together: the gradebook (one row per student,
//! one column per task and perf check) and the summary an instructor reads
//! (per task who is done, stuck or not compiling; per perf check the spread
//! of speedups against the requirement; which submissions a person should
//! look at). `checker class DIR` reads the files and writes the results;
//! everything here is a pure function of reports already read.

use crate::course::Course;
use crate::report::{ExerciseStatus, PerfStatus, REPORT_FORMAT_VERSION, Report, TestStatus};

/// One student's report, named by its file.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The report's file name without `.json`: the student or repository.
    pub student: String,
    /// The report.
    pub report: Report,
}

/// A file that was not taken into the class, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file's name.
    pub file: String,
    /// Why, in one line.
    pub why: String,
}

/// Reads one JSON report of `course`, or says why it is not one: not JSON,
/// another format version, another course.
pub fn read_report(course: &Course, text: &str) -> Result<Report, String> {
    /// Only the version, read first: a report of another version is refused
    /// for that, not for the first field this checker does not know.
    #[derive(serde::Deserialize)]
    struct Version {
        format_version: Option<u64>,
    }
    let version: Version = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match version.format_version {
        Some(version) if version == u64::from(REPORT_FORMAT_VERSION) => {}
        Some(version) => {
            return Err(format!(
                "report format version {version}; this checker reads version {REPORT_FORMAT_VERSION}"
            ));
        }
        None => return Err("not a checker report: it has no `format_version`".to_owned()),
    }
    let report: Report =
        serde_json::from_str(text).map_err(|e| format!("not a report this checker reads: {e}"))?;
    match other_course(course, &report) {
        Some(why) => Err(format!("a report of another course: {why}")),
        None => Ok(report),
    }
}

/// Why `report` is not of `course`, or `None`: each exercise it grades must
/// be in the catalogue with the same tasks and perf checks.
fn other_course(course: &Course, report: &Report) -> Option<String> {
    for graded in &report.exercises {
        let Some(exercise) = course.exercises.iter().find(|e| e.name == graded.name) else {
            return Some(format!("exercise `{}` is not in course.toml", graded.name));
        };
        let tasks = graded.tasks.iter().map(|t| t.name.as_str());
        let perf = graded.perf.iter().map(|p| p.name.as_str());
        if !tasks.eq(exercise.tasks.iter().map(|t| t.name.as_str()))
            || !perf.eq(exercise.perf.iter().map(|p| p.name.as_str()))
        {
            return Some(format!(
                "exercise `{}` has other tasks or perf checks than course.toml's",
                graded.name
            ));
        }
    }
    None
}

/// The gradebook as CSV: a row per student (in the order given), a column
/// of points per task and perf check in course order, then the total, the
/// maximum, the checker version and the report's date. An exercise a report
/// did not grade leaves its cells empty.
pub fn gradebook_csv(course: &Course, submissions: &[Submission]) -> String {
    let mut header = vec!["student".to_owned()];
    for exercise in &course.exercises {
        header.extend(
            exercise
                .tasks
                .iter()
                .map(|t| format!("{}/{}", exercise.name, t.name)),
        );
        header.extend(
            exercise
                .perf
                .iter()
                .map(|p| format!("{}/perf:{}", exercise.name, p.name)),
        );
    }
    header.extend(["total", "max", "checker_version", "date"].map(str::to_owned));
    let mut csv = csv_row(&header);
    for submission in submissions {
        let report = &submission.report;
        let mut row = vec![submission.student.clone()];
        for exercise in &course.exercises {
            let graded = report.exercises.iter().find(|e| e.name == exercise.name);
            for task in &exercise.tasks {
                let score = graded
                    .and_then(|g| g.tasks.iter().find(|t| t.name == task.name))
                    .map(|t| t.score.to_string());
                row.push(score.unwrap_or_default());
            }
            for check in &exercise.perf {
                let score = graded
                    .and_then(|g| g.perf.iter().find(|p| p.name == check.name))
                    .map(|p| p.score.to_string());
                row.push(score.unwrap_or_default());
            }
        }
        row.push(report.score.to_string());
        row.push(report.max_score.to_string());
        row.push(report.checker_version.clone());
        row.push(report.date.clone());
        csv.push_str(&csv_row(&row));
    }
    csv
}

/// One CSV line (RFC 4180): a field with a comma, quote or line break is
/// quoted, its quotes doubled. A field starting with `=`, `+`, `-` or `@`
/// gets a leading `'`, so a spreadsheet never runs a student-chosen file
/// name as a formula.
fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            let field = if field.starts_with(['=', '+', '-', '@']) {
                format!("'{field}")
            } else {
                field.clone()
            };
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// What a class did, task by task and check by check.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Reports taken in.
    pub students: usize,
    /// Files not taken in, and why.
    pub refused: Vec<Refusal>,
    /// One entry per task of the course, in course order.
    pub tasks: Vec<TaskStats>,
    /// One entry per perf check of the course, in course order.
    pub perf: Vec<PerfStats>,
    /// Submissions a person should look at, in the order given.
    pub flagged: Vec<Flagged>,
}

/// How the class stands on one task (all or nothing per student).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskStats {
    /// `exercise/task`.
    pub name: String,
    /// Its points.
    pub points: u32,
    /// Students with its points.
    pub full: usize,
    /// Some of its tests pass, not all.
    pub partial: usize,
    /// Its tests ran and none passed.
    pub failing: usize,
    /// The exercise did not compile.
    pub not_compiling: usize,
    /// Not graded in the report (exercise not run or not selected).
    pub missing: usize,
}

/// How the class stands on one perf check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerfStats {
    /// `exercise/check`.
    pub name: String,
    /// Its points.
    pub points: u32,
    /// Median speedups of the students whose code was measured, ascending.
    pub speedups: Vec<f64>,
    /// The least and most required over the reports (it depends on the
    /// runner's cores for a CPU check).
    pub required: Option<[f64; 2]>,
    /// The largest ideal speedup over the reports.
    pub ideal: Option<f64>,
    /// Credited.
    pub passed: usize,
    /// Measured below the requirement.
    pub below: usize,
    /// Measured on a busy machine: points withheld.
    pub inconclusive: usize,
    /// A speedup the work cannot explain.
    pub unexplained: usize,
    /// Wrong answer, error, not run, not applicable or not in the report.
    pub other: usize,
}

impl PerfStats {
    /// The class's speedup at quantile `q` (0 to 1), `None` when no
    /// student's code was measured.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile(&self.speedups, q)
    }
}

/// A submission a person should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flagged {
    /// Whose.
    pub student: String,
    /// Why: one line each.
    pub reasons: Vec<String>,
}

/// Aggregates `submissions` of `course`.
pub fn summarize<'c>(
    course: &Course,
    submissions: &'c [Submission],
    refused: &[Refusal],
) -> Summary {
    let mut tasks = Vec::new();
    let mut perf = Vec::new();
    for exercise in &course.exercises {
        let graded =
            |s: &'c Submission| s.report.exercises.iter().find(|e| e.name == exercise.name);
        for task in &exercise.tasks {
            let mut stats = TaskStats {
                name: format!("{}/{}", exercise.name, task.name),
                points: task.points,
                ..TaskStats::default()
            };
            for submission in submissions {
                let outcome = graded(submission).and_then(|g| {
                    let t = g.tasks.iter().find(|t| t.name == task.name)?;
                    Some((g.status, t))
                });
                match outcome {
                    None => stats.missing += 1,
                    Some((ExerciseStatus::CompileError, _)) => stats.not_compiling += 1,
                    Some((_, t)) if t.is_done() => {
                        stats.full += 1;
                    }
                    Some((_, t)) if t.tests.is_empty() => stats.missing += 1,
                    Some((_, t)) if t.tests.iter().any(|x| x.status == TestStatus::Passed) => {
                        stats.partial += 1;
                    }
                    Some(_) => stats.failing += 1,
                }
            }
            tasks.push(stats);
        }
        for check in &exercise.perf {
            let mut stats = PerfStats {
                name: format!("{}/{}", exercise.name, check.name),
                points: check.points,
                ..PerfStats::default()
            };
            for submission in submissions {
                let Some(p) =
                    graded(submission).and_then(|g| g.perf.iter().find(|p| p.name == check.name))
                else {
                    stats.other += 1;
                    continue;
                };
                match p.status {
                    PerfStatus::Passed => stats.passed += 1,
                    PerfStatus::BelowThreshold => stats.below += 1,
                    PerfStatus::Inconclusive => stats.inconclusive += 1,
                    PerfStatus::Unexplained => stats.unexplained += 1,
                    _ => stats.other += 1,
                }
                let measured = matches!(
                    p.status,
                    PerfStatus::Passed
                        | PerfStatus::BelowThreshold
                        | PerfStatus::Inconclusive
                        | PerfStatus::Unexplained
                );
                if let (true, Some(speedup)) = (measured, p.speedup) {
                    stats.speedups.push(speedup);
                }
                if let Some(required) = p.required {
                    stats.required = Some(match stats.required {
                        None => [required, required],
                        Some([low, high]) => [low.min(required), high.max(required)],
                    });
                }
                if let Some(ideal) = p.ideal {
                    stats.ideal = Some(stats.ideal.map_or(ideal, |i: f64| i.max(ideal)));
                }
            }
            stats.speedups.sort_by(f64::total_cmp);
            perf.push(stats);
        }
    }
    Summary {
        students: submissions.len(),
        refused: refused.to_vec(),
        tasks,
        perf,
        flagged: flagged(submissions),
    }
}

/// Submissions with changed protected files, review flags, or a template
/// other than the class's: GitHub gives every repository made from the
/// template a root commit with the template's tree, so one that names
/// another tree had its history rewritten.
fn flagged(submissions: &[Submission]) -> Vec<Flagged> {
    let mut trees: Vec<(&str, usize)> = Vec::new();
    for tree in submissions
        .iter()
        .filter_map(|s| s.report.protected.as_ref())
        .map(|p| p.base_tree.as_str())
        .filter(|t| !t.is_empty())
    {
        match trees.iter_mut().find(|(t, _)| *t == tree) {
            Some((_, count)) => *count += 1,
            None => trees.push((tree, 1)),
        }
    }
    let class_tree = trees
        .iter()
        .max_by_key(|(_, count)| *count)
        .map(|(t, _)| *t);
    let mut flagged = Vec::new();
    for submission in submissions {
        let report = &submission.report;
        let mut reasons = Vec::new();
        if !report.tampered().is_empty() {
            reasons.push(format!(
                "protected files changed since the template: {}",
                report.tampered().join(", ")
            ));
        }
        if let (Some(protected), Some(class_tree)) = (&report.protected, class_tree)
            && !protected.base_tree.is_empty()
            && protected.base_tree != class_tree
        {
            reasons.push(format!(
                "graded against template tree {}, the class's is {class_tree}: a rewritten history",
                protected.base_tree
            ));
        }
        for exercise in &report.exercises {
            for flag in &exercise.review {
                reasons.push(format!(
                    "needs review: {}:{} {}: {}",
                    flag.file,
                    flag.line,
                    flag.rule.name(),
                    flag.reason
                ));
            }
        }
        if !reasons.is_empty() {
            flagged.push(Flagged {
                student: submission.student.clone(),
                reasons,
            });
        }
    }
    flagged
}

/// The value at quantile `q` (0 to 1) of ascending `values`, interpolated
/// between neighbours; `None` when there are none.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let last = values.len().checked_sub(1)?;
    let at = q.clamp(0.0, 1.0) * last as f64;
    let (below, above) = (at.floor() as usize, at.ceil() as usize);
    Some(values[below] + (values[above] - values[below]) * (at - below as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate() {
        let values = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&values, 0.0), Some(1.0));
        assert_eq!(quantile(&values, 0.5), Some(2.5));
        assert_eq!(quantile(&values, 1.0), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let row = csv_row(&[
            "a,b".into(),
            "say \"hi\"".into(),
            "=1+1".into(),
            "plain".into(),
        ]);
        assert_eq!(row, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,plain\n");
    }
}
