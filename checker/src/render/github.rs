//! GitHub Actions: the Markdown report as the step summary, one workflow
//! command per failing test (`::error file=…,line=…::`), a `::warning` per
//! perf shortfall, and the step outputs `score`, `max_score`,
//! `protected_changed` (a count), `protected_files` (a list) and `result`
//! (the base64 GitHub Classroom result).
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

fn annotations(report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
            command(out, "error", &[("title", &title)], message)?;
        }
        for task in &exercise.tasks {
            for test in task.tests.iter().filter(|t| t.status != TestStatus::Passed) {
                let title = label(&exercise.name, "task", &task.name);
                let line = test.line.map(|l| l.to_string());
                let mut properties = vec![("title", title.as_str())];
                if let Some(file) = &test.file {
                    properties.push(("file", file));
                }
                if let Some(line) = &line {
                    properties.push(("line", line));
                }
                let message = format!(
                    "{} {}: {}",
                    test.name,
                    super::test_status(test.status),
                    test.message.as_deref().unwrap_or("did not pass")
                );
                command(out, "error", &properties, &message)?;
            }
        }
        // A check that did not run is explained by the exercise's error;
        // a pending one is a warning too, saying how to get it measured.
        for check in exercise
            .perf
            .iter()
            .filter(|p| !p.status.is_earned() && p.status != PerfStatus::NotRun)
        {
            let title = label(&exercise.name, "perf", &check.name);
            let message = super::perf_text(&exercise.name, check);
            command(out, "warning", &[("title", &title)], &message)?;
        }
        for flag in &exercise.review {
            let line = flag.line.to_string();
            command(
                out,
                "warning",
                &[
                    ("file", &flag.file),
                    ("line", &line),
                    ("title", "needs review"),
                ],
                &format!("{}: {}", flag.rule.name(), flag.reason),
            )?;
        }
    }
    if let Some(protected) = &report.protected {
        let verb = if protected.restored {
            "was changed and has been restored from the template; the grade used the template's version"
        } else {
            "changed since the template; the grade used the template's version"
        };
        for path in &protected.changed {
            command(
                out,
                "error",
                &[("file", path), ("title", "protected file")],
                &format!("{path} {verb} ({})", protected.base),
            )?;
        }
    }
    command(
        out,
        "notice",
        &[("title", "Course grade")],
        &format!("{}/{} points", report.score, report.max_score),
    )
}

fn outputs_of(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let classroom = serde_json::to_vec(&classroom::result(report)).map_err(io::Error::other)?;
    writeln!(out, "score={}", report.score)?;
    writeln!(out, "max_score={}", report.max_score)?;
    // Changed, whether or not restored: grade.yml fails the job on either.
    let changed = report
        .protected
        .as_ref()
        .map_or(&[][..], |p| &p.changed[..]);
    writeln!(out, "protected_changed={}", changed.len())?;
    writeln!(out, "protected_files={}", changed.join(", "))?;
    writeln!(
        out,
        "result={}",
        base64::engine::general_purpose::STANDARD.encode(classroom)
    )
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
            outputs.contains("score=25\nmax_score=100\nprotected_changed=1\nprotected_files=exercises/01-basics/tests/race.rs\nresult="),
            "{outputs}"
        );
        let encoded = outputs
            .lines()
            .find_map(|l| l.strip_prefix("result="))
            .unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        let result: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(result["version"], 1);
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

    #[test]
    fn github_report_snapshot() {
        insta::assert_snapshot!(sample::rendered(crate::render::Format::Github));
    }
}
