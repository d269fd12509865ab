//! GitHub Actions: the Markdown report as the step summary, workflow
//! commands for what needs a look (ranked and capped to what GitHub shows:
//! protected files and review flags, then one `::error file=…,line=…::` per
//! failing task, then a `::warning` per perf shortfall), and the step
//! outputs `score`, `max_score`, `protected_changed` (a count),
//! `protected_files` (a list) and one per GitHub Classroom runner (a task or
//! perf check, named by `classroom::runner_id`: its result, base64).
//!
//! Workflow commands are escaped per GitHub's rules: in data `%`, CR and LF;
//! in properties also `:` and `,`.

use std::io::{self, Write};

use base64::Engine as _;

use super::{classroom, label, markdown};
use crate::report::{ExerciseStatus, PerfStatus, Report, TestStatus};

/// Where each part goes. `None` sends it to `annotations` (standard output),
/// which is what happens when `$GITHUB_STEP_SUMMARY` / `$GITHUB_OUTPUT` are
/// unset, e.g. when trying the format locally.
pub struct Sinks<'a> {
    /// Workflow commands; always standard output in Actions.
    pub annotations: &'a mut dyn Write,
    /// The step summary file.
    pub summary: Option<&'a mut dyn Write>,
    /// The step outputs file.
    pub outputs: Option<&'a mut dyn Write>,
}

/// Writes every part of the github format.
pub fn render(report: &Report, sinks: &mut Sinks<'_>) -> io::Result<()> {
    annotations(report, sinks.annotations)?;
    match sinks.summary.as_deref_mut() {
        Some(summary) => markdown::render(report, summary)?,
        None => markdown::render(report, sinks.annotations)?,
    }
    match sinks.outputs.as_deref_mut() {
        Some(outputs) => outputs_of(report, outputs),
        None => outputs_of(report, sinks.annotations),
    }
}

/// GitHub shows at most this many annotations of each level (errors,
/// warnings, notices) per step, and 50 per job; the rest are dropped
/// without a word. So the checker chooses which ones show.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// An annotation's level, as the workflow command names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Error,
    Warning,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// One workflow command to emit.
struct Annotation {
    level: Level,
    properties: Vec<(&'static str, String)>,
    message: String,
}

/// Writes the annotations GitHub will show, most important first, at most
/// [`ANNOTATIONS_PER_LEVEL`] of each level; then a notice counting those
/// left out (every one of them is in the step summary) and the grade.
fn annotations(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let ranked = ranked_annotations(report);
    let mut shown = [0_usize; 2];
    let mut left_out = [0_usize; 2];
    for annotation in &ranked {
        let level = annotation.level as usize;
        if shown[level] < ANNOTATIONS_PER_LEVEL {
            shown[level] += 1;
            let properties: Vec<(&str, &str)> = annotation
                .properties
                .iter()
                .map(|(key, value)| (*key, value.as_str()))
                .collect();
            command(
                out,
                annotation.level.command(),
                &properties,
                &annotation.message,
            )?;
        } else {
            left_out[level] += 1;
        }
    }
    if left_out.iter().any(|&n| n > 0) {
        command(
            out,
            "notice",
            &[("title", "More in the summary")],
            &format!(
                "{} more errors and {} more warnings are not annotated here (GitHub shows \
                 {ANNOTATIONS_PER_LEVEL} of each per step); the step summary has a row for each",
                left_out[Level::Error as usize],
                left_out[Level::Warning as usize]
            ),
        )?;
    }
    command(
        out,
        "notice",
        &[("title", "Course grade")],
        &format!("{}/{} points", report.score, report.max_score),
    )
}

/// Every annotation of the report, in the order they should win a place:
/// what a person must look at (protected files changed, review flags),
/// then exercises that did not build or run, then one per failing task at
/// its first failing test's line, then perf checks without credit.
fn ranked_annotations(report: &Report) -> Vec<Annotation> {
    let mut ranked = Vec::new();
    if let Some(protected) = &report.protected {
        let verb = if protected.restored {
            "was changed and has been restored from the template; the grade used the template's version"
        } else {
            "changed since the template; the grade used the template's version"
        };
        for path in &protected.changed {
            ranked.push(Annotation {
                level: Level::Error,
                properties: vec![("file", path.clone()), ("title", "protected file".into())],
                message: format!("{path} {verb} ({})", protected.base),
            });
        }
    }
    for exercise in &report.exercises {
        for flag in &exercise.review {
            ranked.push(Annotation {
                level: Level::Warning,
                properties: vec![
                    ("file", flag.file.clone()),
                    ("line", flag.line.to_string()),
                    ("title", "needs review".into()),
                ],
                message: format!("{}: {}", flag.rule.name(), flag.reason),
            });
        }
    }
    for exercise in &report.exercises {
        if matches!(
            exercise.status,
            ExerciseStatus::CompileError | ExerciseStatus::NotRun
        ) && let Some(message) = &exercise.message
        {
            let title = format!(
                "{} {}",
                exercise.name,
                super::exercise_status(exercise.status)
            );
            ranked.push(Annotation {
                level: Level::Error,
                properties: vec![("title", title)],
                message: message.clone(),
            });
        }
    }
    for exercise in &report.exercises {
        for task in &exercise.tasks {
            let mut failing = task.tests.iter().filter(|t| t.status != TestStatus::Passed);
            let Some(first) = failing.next() else {
                continue;
            };
            let mut properties = vec![("title", label(&exercise.name, "task", &task.name))];
            if let Some(file) = &first.file {
                properties.push(("file", file.clone()));
            }
            if let Some(line) = first.line {
                properties.push(("line", line.to_string()));
            }
            let mut message = format!(
                "{} {}: {}",
                first.name,
                super::test_status(first.status),
                first.message.as_deref().unwrap_or("did not pass")
            );
            let more = failing.count();
            if more > 0 {
                message.push_str(&format!(
                    "\n(and {more} more failing test{} of this task: `cargo checker verify {}` lists them)",
                    if more == 1 { "" } else { "s" },
                    exercise.name
                ));
            }
            ranked.push(Annotation {
                level: Level::Error,
                properties,
                message,
            });
        }
    }
    for exercise in &report.exercises {
        // A check that did not run is explained by the exercise's error;
        // a pending one is a warning too, saying how to get it measured.
        for check in exercise
            .perf
            .iter()
            .filter(|p| !p.status.is_earned() && p.status != PerfStatus::NotRun)
        {
            ranked.push(Annotation {
                level: Level::Warning,
                properties: vec![("title", label(&exercise.name, "perf", &check.name))],
                message: super::perf_text(&exercise.name, check),
            });
        }
    }
    ranked
}

fn outputs_of(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "score={}", report.score)?;
    writeln!(out, "max_score={}", report.max_score)?;
    // Changed, whether or not restored: grade.yml fails the job on either.
    let changed = report
        .protected
        .as_ref()
        .map_or(&[][..], |p| &p.changed[..]);
    writeln!(out, "protected_changed={}", changed.len())?;
    writeln!(out, "protected_files={}", changed.join(", "))?;
    for runner in classroom::runners(report) {
        let result = serde_json::to_vec(&runner.result).map_err(io::Error::other)?;
        writeln!(
            out,
            "{}={}",
            runner.runner,
            base64::engine::general_purpose::STANDARD.encode(result)
        )?;
    }
    Ok(())
}

/// Writes one workflow command, escaping properties and data.
fn command(
    out: &mut dyn Write,
    kind: &str,
    properties: &[(&str, &str)],
    message: &str,
) -> io::Result<()> {
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    if properties.is_empty() {
        writeln!(out, "::{kind}::{}", escape_data(message))
    } else {
        writeln!(
            out,
            "::{kind} {}::{}",
            properties.join(","),
            escape_data(message)
        )
    }
}

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn each_part_goes_to_its_sink() {
        let (mut annotations, mut summary, mut outputs) = (Vec::new(), Vec::new(), Vec::new());
        render(
            &sample::report(),
            &mut Sinks {
                annotations: &mut annotations,
                summary: Some(&mut summary),
                outputs: Some(&mut outputs),
            },
        )
        .unwrap();
        let annotations = String::from_utf8(annotations).unwrap();
        let summary = String::from_utf8(summary).unwrap();
        let outputs = String::from_utf8(outputs).unwrap();
        assert!(annotations.contains(
            "::error title=01-basics%3A task race,file=exercises/01-basics/tests/race.rs,line=10::race::exact_total failed: assertion"
        ), "{annotations}");
        assert!(
            annotations.contains("::warning title=01-basics%3A perf cpu-slow::below threshold"),
            "{annotations}"
        );
        assert!(
            annotations
                .contains("::error file=exercises/01-basics/tests/race.rs,title=protected file::"),
            "{annotations}"
        );
        assert!(
            !annotations.contains("# Course grade"),
            "the summary went to its file"
        );
        assert!(
            annotations.contains(
                "::warning title=01-basics%3A perf cpu-busy::pending: measured on a busy machine: \
                 15 points withheld until a measurement on an idle machine"
            ),
            "{annotations}"
        );
        assert!(summary.starts_with("# Course grade: 25/100"), "{summary}");
        assert!(
            outputs.contains("score=25\nmax_score=100\nprotected_changed=1\nprotected_files=exercises/01-basics/tests/race.rs\ne01spawnjoin="),
            "{outputs}"
        );
        let encoded = outputs
            .lines()
            .find_map(|l| l.strip_prefix("e01race="))
            .unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        let result: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(result["version"], 1);
        assert_eq!(result["max_score"], 15);
        assert_eq!(result["status"], "fail");
    }

    #[test]
    fn needs_review_flags_are_warnings_on_their_line_and_in_the_summary() {
        let (mut annotations, mut summary) = (Vec::new(), Vec::new());
        render(
            &sample::flagged(),
            &mut Sinks {
                annotations: &mut annotations,
                summary: Some(&mut summary),
                outputs: None,
            },
        )
        .unwrap();
        let annotations = String::from_utf8(annotations).unwrap();
        let summary = String::from_utf8(summary).unwrap();
        assert!(
            annotations.contains(
                "::warning file=exercises/01-basics/src/lib.rs,line=12,title=needs review::process-exit: `process::exit` ends"
            ),
            "{annotations}"
        );
        assert!(
            annotations
                .contains("file=exercises/02-broken/src/lib.rs,line=3,title=needs review::unsafe:"),
            "{annotations}"
        );
        assert!(summary.contains("**Needs review**"), "{summary}");
    }

    /// Renders `report`'s annotations alone.
    fn annotations_of(report: &Report) -> String {
        let mut out = Vec::new();
        annotations(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn annotations_are_capped_to_what_github_shows_with_what_needs_a_person_first() {
        let mut report = sample::flagged();
        report.protected = sample::report().protected;
        // A starter's worth: 30 failing tasks of 5 failing tests each, and
        // 15 perf checks without credit.
        let exercise = &mut report.exercises[0];
        let failing = exercise
            .tasks
            .iter()
            .find(|t| t.tests.iter().any(|test| test.status != TestStatus::Passed))
            .cloned()
            .unwrap();
        for i in 0..30 {
            let mut task = failing.clone();
            task.name = format!("task-{i}");
            let test = task.tests[0].clone();
            task.tests = vec![test; 5];
            for test in &mut task.tests {
                test.status = TestStatus::Failed;
            }
            exercise.tasks.push(task);
        }
        let uncredited = exercise
            .perf
            .iter()
            .find(|p| !p.status.is_earned() && p.status != PerfStatus::NotRun)
            .cloned()
            .unwrap();
        for i in 0..15 {
            let mut check = uncredited.clone();
            check.name = format!("perf-{i}");
            exercise.perf.push(check);
        }
        let out = annotations_of(&report);
        let count = |kind: &str| out.lines().filter(|l| l.starts_with(kind)).count();
        assert_eq!(count("::error"), ANNOTATIONS_PER_LEVEL, "{out}");
        assert_eq!(count("::warning"), ANNOTATIONS_PER_LEVEL, "{out}");
        assert!(count("::notice") <= 2, "{out}");
        // What needs a person comes first, so it is never the one dropped.
        let first_error = out.lines().find(|l| l.starts_with("::error")).unwrap();
        assert!(first_error.contains("title=protected file"), "{out}");
        let first_warning = out.lines().find(|l| l.starts_with("::warning")).unwrap();
        assert!(first_warning.contains("title=needs review"), "{out}");
        // One error per failing task, naming how many more tests fail.
        assert!(
            out.contains("(and 4 more failing tests of this task: `cargo checker verify"),
            "{out}"
        );
        let tasks = report.exercises.iter().flat_map(|e| &e.tasks);
        let failing_tasks = tasks
            .filter(|t| t.tests.iter().any(|test| test.status != TestStatus::Passed))
            .count();
        let errors = report.protected.as_ref().map_or(0, |p| p.changed.len())
            + failing_tasks
            + report
                .exercises
                .iter()
                .filter(|e| {
                    matches!(
                        e.status,
                        ExerciseStatus::CompileError | ExerciseStatus::NotRun
                    ) && e.message.is_some()
                })
                .count();
        let left_out = errors - ANNOTATIONS_PER_LEVEL;
        assert!(
            out.contains(&format!(
                "::notice title=More in the summary::{left_out} more errors and "
            )),
            "{out}"
        );
    }

    #[test]
    fn a_short_report_is_annotated_whole_without_a_count() {
        let out = annotations_of(&sample::report());
        assert!(!out.contains("More in the summary"), "{out}");
    }

    #[test]
    fn github_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(crate::render::Format::Github));
    }
}
