//! Renderers: pure functions of a [`Report`] into any `io::Write`.
//!
//! Each format is one module; none of them grades or re-reads anything, so a
//! test renders a hand-made report into a `Vec<u8>` and snapshots it.

pub mod classroom;
pub mod github;
mod gradescope;
pub mod html;
mod human;
mod junit;
pub mod markdown;
mod plot;

use std::io::{self, Write};

use crate::report::{
    ExerciseGrade, ExerciseStatus, PerfGrade, PerfStatus, Report, ReviewFlag, TaskGrade, TestStatus,
};

/// Output formats of `checker verify --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Human,
    /// The report model as JSON (see `checker/report.schema.json`).
    Json,
    /// JUnit XML (Jenkins' xUnit dialect): a suite per exercise, a case per
    /// graded test and per perf check.
    Junit,
    /// Markdown, e.g. for a pull-request comment or a step summary.
    Markdown,
    /// GitHub Actions: step summary, `::error` annotations and step outputs
    /// (to `$GITHUB_STEP_SUMMARY` and `$GITHUB_OUTPUT` when set).
    Github,
    /// The runners GitHub Classroom's grading reporter reads, one per task
    /// and perf check (the github format writes each, base64, to the step
    /// output named by its runner id).
    Classroom,
    /// Gradescope's `results.json`.
    Gradescope,
    /// One self-contained HTML page: the grade, and a plot of every perf
    /// check's rounds against the requirement and the ideal.
    Html,
}

/// Writes `report` in `format` to `out`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Junit => junit::render(report, out),
        Format::Html => html::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Github => github::render(
            report,
            &mut github::Sinks {
                annotations: out,
                summary: None,
                outputs: None,
            },
        ),
        Format::Classroom => {
            serde_json::to_writer_pretty(&mut *out, &classroom::runners(report))
                .map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Gradescope => {
            serde_json::to_writer_pretty(&mut *out, &gradescope::results(report))
                .map_err(io::Error::other)?;
            writeln!(out)
        }
    }
}

/// One line saying which protected files changed, or `None`.
fn protected_line(report: &Report) -> Option<String> {
    let protected = report.protected.as_ref()?;
    if protected.changed.is_empty() {
        return None;
    }
    Some(format!(
        "{} protected file{} changed since the template ({}){}: {}",
        protected.changed.len(),
        if protected.changed.len() == 1 {
            ""
        } else {
            "s"
        },
        protected.base,
        if protected.restored {
            ", graded with the template's versions, left in place"
        } else {
            ", graded with the template's versions (your edits were put back afterwards)"
        },
        protected.changed.join(", ")
    ))
}

/// One line naming the protections the grading system did not enforce, or
/// `None` where every one held. The reasons are in the JSON report and in
/// `checker doctor`.
fn not_enforced_line(report: &Report) -> Option<String> {
    let missing = &report.machine.not_enforced;
    if missing.is_empty() {
        return None;
    }
    let names: Vec<&str> = missing.iter().map(|u| u.protection.as_str()).collect();
    Some(format!(
        "Not enforced on {}: {} (why: `cargo checker doctor`)",
        report.machine.os,
        names.join(", ")
    ))
}

/// `file:line  rule: reason`, one "needs review" flag in plain text.
fn review_line(flag: &ReviewFlag) -> String {
    format!(
        "{}:{}  {}: {}",
        flag.file,
        flag.line,
        flag.rule.name(),
        flag.reason
    )
}

/// `exercise: task name`, the label of a task or perf check outside the
/// terminal (Classroom, Gradescope, annotations).
fn label(exercise: &str, kind: &str, name: &str) -> String {
    format!("{exercise}: {kind} {name}")
}

/// Why a task is without its points, in one text, for the formats that
/// give an item one string (Classroom, Gradescope): its first test that did
/// not pass with that test's message; or, when no test ran, why the
/// exercise did not run or compile; or that its filter selected no tests.
/// `None` when the task has its points.
fn task_reason(exercise: &ExerciseGrade, task: &TaskGrade) -> Option<String> {
    if task.is_done() {
        return None;
    }
    Some(match (task.first_failure(), &exercise.message) {
        (Some(test), _) => format!(
            "{} {}: {}",
            test.name,
            test_status(test.status),
            test.message.as_deref().unwrap_or_default()
        ),
        (None, Some(message)) => message.clone(),
        (None, None) if task.tests.is_empty() => "the task's filter selected no tests".to_owned(),
        (None, None) => "not every test of the task ran".to_owned(),
    })
}

/// How every report, and `dev check`, opens its word on an inconclusive
/// perf check, so a reader learns one phrase for it.
pub(crate) const BUSY_MACHINE: &str = "measured on a busy machine";

/// What every format says of a pending (inconclusive) check of `exercise`:
/// its points are withheld rather than failed, and how to get it measured.
/// One sentence in one place, so the terminal, the CI summary and the
/// graders' views tell a student the same thing.
fn withheld(exercise: &str, check: &PerfGrade) -> String {
    format!(
        "{BUSY_MACHINE}: {} point{} withheld until a measurement on an idle machine \
         (close other programs and run `cargo checker verify {exercise}` again; \
         in GitHub Actions, re-run the grading workflow)",
        check.max_score,
        if check.max_score == 1 { "" } else { "s" }
    )
}

/// A perf check's status and message as one text, for the formats that
/// give an item one string (annotations, Classroom, Gradescope). A pending
/// check's first line is the [`withheld`] sentence, the measurement's own
/// message below it, so a format that keeps one line keeps the advice.
fn perf_text(exercise: &str, check: &PerfGrade) -> String {
    let status = perf_status(check.status);
    match (check.status.is_pending(), &check.message) {
        (true, Some(message)) => format!("{status}: {}\n{message}", withheld(exercise, check)),
        (true, None) => format!("{status}: {}", withheld(exercise, check)),
        (false, Some(message)) => format!("{status}: {message}"),
        (false, None) => status.to_owned(),
    }
}

fn exercise_status(status: ExerciseStatus) -> &'static str {
    match status {
        ExerciseStatus::Passed => "passed",
        ExerciseStatus::Failed => "failed",
        ExerciseStatus::CompileError => "compile error",
        ExerciseStatus::Timeout => "timeout",
        ExerciseStatus::NotRun => "not run",
    }
}

fn perf_status(status: PerfStatus) -> &'static str {
    match status {
        PerfStatus::Passed => "passed",
        PerfStatus::BelowThreshold => "below threshold",
        PerfStatus::Unexplained => "unexplained speedup",
        PerfStatus::Inconclusive => "pending",
        PerfStatus::NotApplicable => "not applicable",
        PerfStatus::WrongAnswer => "wrong answer",
        PerfStatus::Error => "error",
        PerfStatus::NotRun => "not run",
    }
}

fn test_status(status: TestStatus) -> &'static str {
    match status {
        TestStatus::Passed => "passed",
        TestStatus::Failed => "failed",
        TestStatus::Timeout => "timeout",
        TestStatus::NotRun => "not run",
    }
}

/// How long the run took and how much of it was building, e.g. `1 min 1 s,
/// 38.9 s of it building the tests`: the one wording every format uses.
fn timing(report: &Report) -> String {
    format!(
        "{}, {} of it building the tests",
        duration(report.elapsed_ms),
        duration(report.build_ms)
    )
}

/// `850 ms`, `38.9 s` or `4 min 53 s`.
fn duration(millis: u64) -> String {
    match millis {
        0..1_000 => format!("{millis} ms"),
        1_000..60_000 => format!("{:.1} s", millis as f64 / 1000.0),
        _ => format!("{} min {} s", millis / 60_000, millis % 60_000 / 1000),
    }
}

/// `1.40×`, or `1.40–2.80×` for a range (runners of different cores ask a
/// class for different speedups), or `-`.
fn required_range(required: Option<[f64; 2]>) -> String {
    match required {
        None => "-".to_owned(),
        Some([low, high]) if (high - low).abs() < 1e-9 => format!("{low:.2}×"),
        Some([low, high]) => format!("{low:.2}–{high:.2}×"),
    }
}

/// How every format and `list` name an exercise: its folder and its title.
pub fn exercise_heading(name: &str, title: &str) -> String {
    format!("{name} · {title}")
}

/// `1.93×`, or `-` when there is no number.
fn times(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}×"))
}

#[cfg(test)]
pub(crate) mod sample {
    //! A hand-made report covering every status (an inconclusive perf check
    //! among them, its points withheld), shared by the renderer tests.

    use crate::course::PerfKind;
    use crate::report::*;

    /// The keys of a JSON object, sorted: what a published format's field
    /// list is compared with.
    pub(crate) fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    pub fn report() -> Report {
        let test = |name: &str, status, message: Option<&str>| TestResult {
            name: name.into(),
            status,
            duration_ms: 12,
            message: message.map(Into::into),
            file: name
                .split_once("::")
                .map(|(binary, _)| format!("exercises/01-basics/tests/{binary}.rs")),
            line: Some(10),
        };
        let perf = |name: &str, status, score, speedup| PerfGrade {
            name: name.into(),
            kind: PerfKind::Cpu,
            speedup,
            interval: speedup.map(|s: f64| [s - 0.04, s + 0.02]),
            required: Some(1.4),
            ideal: Some(2.0),
            rule: "0.7 × cores".into(),
            cpu_utilization: speedup.map(|s| s * 1.02),
            calibration_speedup: Some(1.91),
            peak_threads: Some(3),
            peak_processes: None,
            status,
            score,
            max_score: 15,
            attempts: 1,
            rounds: 9,
            // Nine rounds spread around the median, the calibration job's
            // near the two cores' ceiling: what a real record gives.
            round_speedups: speedup.map_or_else(Vec::new, |s: f64| {
                [0.0, -0.05, 0.03, -0.02, 0.01, -0.04, 0.02, -0.01, 0.04]
                    .map(|d| s + d)
                    .to_vec()
            }),
            calibration_round_speedups: speedup.map_or_else(Vec::new, |_| {
                [1.91, 1.88, 1.93, 1.9, 1.92, 1.89, 1.94, 1.91, 1.9].to_vec()
            }),
            seed: Some(7),
            duration_ms: 4_210,
            message: (status != PerfStatus::Passed).then(|| "measured 1.01×, needs 1.40×".into()),
        };
        Report {
            format_version: REPORT_FORMAT_VERSION,
            score: 25,
            max_score: 100,
            source: "exercises".into(),
            checker_version: "0.1.0".into(),
            date: "2026-12-03T12:30:05Z".into(),
            elapsed_ms: 61_250,
            build_ms: 38_900,
            machine: Machine {
                cores: 2,
                os: "linux x86_64".into(),
                rustc: "rustc 1.95.0".into(),
                not_enforced: Vec::new(),
            },
            exercises: vec![
                ExerciseGrade {
                    name: "01-basics".into(),
                    title: "Basics".into(),
                    package: "basics".into(),
                    status: ExerciseStatus::Failed,
                    score: 25,
                    max_score: 70,
                    message: None,
                    tasks: vec![
                        TaskGrade {
                            name: "spawn-join".into(),
                            score: 10,
                            max_score: 10,
                            hint: "join every handle".into(),
                            tests: vec![test("spawn_join::order", TestStatus::Passed, None)],
                        },
                        TaskGrade {
                            name: "race".into(),
                            score: 0,
                            max_score: 15,
                            hint: "fetch_add, not load then store".into(),
                            tests: vec![
                                test(
                                    "race::exact_total",
                                    TestStatus::Failed,
                                    Some(
                                        "assertion `left == right` failed: lost updates\n  left: 799812\n right: 800000 (at tests/race.rs:20:5)",
                                    ),
                                ),
                                test(
                                    "race::deadlock",
                                    TestStatus::Timeout,
                                    Some("killed after the grading timeout: possible deadlock"),
                                ),
                            ],
                        },
                    ],
                    perf: vec![
                        perf("cpu-primes", PerfStatus::Passed, 15, Some(1.93)),
                        perf("cpu-slow", PerfStatus::BelowThreshold, 0, Some(1.01)),
                        PerfGrade {
                            calibration_speedup: Some(1.12),
                            calibration_round_speedups: vec![
                                1.12, 1.05, 1.3, 1.1, 0.98, 1.2, 1.14, 1.02, 1.25,
                            ],
                            attempts: 4,
                            message: Some(
                                "measured 1.52× but the calibration job only reached 1.12× \
                                 in the same rounds: the machine is busy"
                                    .into(),
                            ),
                            ..perf("cpu-busy", PerfStatus::Inconclusive, 0, Some(1.52))
                        },
                    ],
                    review: vec![],
                },
                ExerciseGrade {
                    name: "02-broken".into(),
                    title: "Broken".into(),
                    package: "broken".into(),
                    status: ExerciseStatus::CompileError,
                    score: 0,
                    max_score: 30,
                    message: Some(
                        "does not compile (src/lib.rs:1:21):\nerror[E0308]: mismatched types"
                            .into(),
                    ),
                    tasks: vec![TaskGrade {
                        name: "broken-task".into(),
                        score: 0,
                        max_score: 15,
                        hint: "read the compiler".into(),
                        tests: vec![],
                    }],
                    perf: vec![PerfGrade {
                        status: PerfStatus::NotRun,
                        speedup: None,
                        cpu_utilization: None,
                        message: Some("the exercise does not compile".into()),
                        ..perf("cpu-broken", PerfStatus::NotRun, 0, None)
                    }],
                    review: vec![],
                },
            ],
            protected: Some(ProtectedFiles {
                base: "0123abcd".into(),
                base_tree: "4567ef01".into(),
                changed: vec!["exercises/01-basics/tests/race.rs".into()],
                restored: false,
            }),
        }
    }

    /// The sample report with "needs review" flags on both exercises (the
    /// second does not compile: its flags still show), without the
    /// protected-files line so its snapshots pin the flags alone.
    pub fn flagged() -> Report {
        let mut report = report();
        report.protected = None;
        let flag = |rule, file: &str, line, excerpt: &str, reason: &str| ReviewFlag {
            rule,
            file: file.into(),
            line,
            excerpt: excerpt.into(),
            reason: reason.into(),
        };
        report.exercises[0].review = vec![
            flag(
                crate::review::ReviewRule::ProcessExit,
                "exercises/01-basics/src/lib.rs",
                12,
                "std::process::exit(0);",
                "`process::exit` ends the whole test process, the test harness with it",
            ),
            flag(
                crate::review::ReviewRule::CourseEnv,
                "exercises/01-basics/src/race.rs",
                40,
                "let dir = std::env::var(\"COURSE_PERF_DIR\")?; // a | b",
                "names the grader's environment (`COURSE_…`), which steers tests and perf measurement",
            ),
        ];
        report.exercises[1].review = vec![flag(
            crate::review::ReviewRule::Unsafe,
            "exercises/02-broken/src/lib.rs",
            3,
            "unsafe { *ptr }",
            "uses `unsafe`, which this exercise does not call for: soundness rests on the student's reasoning",
        )];
        report
    }

    /// The sample report as graded on a Mac, where some protections of the
    /// grade do not hold.
    pub fn on_a_mac() -> Report {
        let mut report = report();
        report.machine.os = "macos aarch64".into();
        report.machine.not_enforced = ["proven passes", "leftovers"]
            .map(|name| Unenforced {
                protection: name.into(),
                why: format!("{name} rest on Linux"),
            })
            .to_vec();
        report
    }

    pub fn rendered(format: super::Format) -> String {
        let mut out = Vec::new();
        super::render(&report(), format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, render, sample};

    fn rendered(report: &crate::report::Report, format: Format) -> String {
        let mut out = Vec::new();
        render(report, format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn what_a_system_does_not_enforce_is_said_in_every_prose_format() {
        let line = "Not enforced on macos aarch64: proven passes, leftovers";
        for format in [Format::Human, Format::Markdown, Format::Gradescope] {
            let text = rendered(&sample::on_a_mac(), format);
            assert!(text.contains(line), "{format:?}:\n{text}");
            let linux = rendered(&sample::report(), format);
            assert!(!linux.contains("Not enforced"), "{format:?}:\n{linux}");
        }
        let json: serde_json::Value =
            serde_json::from_str(&rendered(&sample::on_a_mac(), Format::Json)).unwrap();
        assert_eq!(
            json["machine"]["not_enforced"][1],
            serde_json::json!({"protection": "leftovers", "why": "leftovers rest on Linux"})
        );
    }
}
