//! JUnit XML in the dialect of Jenkins' xUnit schema (`junit-10.xsd`, which
//! `checker/tests/junit_schema.rs` validates every report against): a suite
//! per exercise and a case per graded test and per perf check, so CI test
//! dashboards show grades the way they show tests.
//!
//! A reader sees exercise → task → test: the suite is the exercise, a case's
//! `classname` is `exercise.task` (`exercise.perf` for perf checks) and its
//! name the test. Points, thresholds and "needs review" flags are suite
//! properties, the only place the schema allows them. A test that failed is
//! a `<failure>`; one that timed out, never ran or whose exercise did not
//! build is an `<error>`; a pending or not-applicable perf check is
//! `<skipped>`, its reason in the message. The root carries no `skipped`
//! count: the schema does not allow one there.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{perf_status, review_line, test_status, withheld};
use crate::report::{ExerciseGrade, PerfStatus, Report, TestStatus};

/// The outcome of one case, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Passed,
    /// `<failure>`: the work was checked and found wanting.
    Failure {
        kind: String,
        reason: String,
    },
    /// `<error>`: the check could not be made (timeout, not run, no build).
    Error {
        kind: String,
        reason: String,
    },
    /// `<skipped>`: neither earned nor failed (pending, not applicable).
    Skipped {
        reason: String,
    },
}

/// One `<testcase>`.
#[derive(Debug, Clone, PartialEq)]
struct Case {
    classname: String,
    name: String,
    millis: u64,
    outcome: Outcome,
}

/// The cases of one exercise, in report order: each task's tests, then its
/// perf checks. A task without tests (its exercise did not build, or its
/// filter selected none) is one case named after the task, so its points
/// still show as lost and why.
fn cases(exercise: &ExerciseGrade) -> Vec<Case> {
    let mut cases = Vec::new();
    for task in &exercise.tasks {
        let classname = format!("{}.{}", exercise.name, task.name);
        if task.tests.is_empty() {
            let outcome = match &exercise.message {
                Some(message) => Outcome::Error {
                    kind: "not run".into(),
                    reason: message.clone(),
                },
                None if task.score == task.max_score => Outcome::Passed,
                None => Outcome::Failure {
                    kind: "no tests".into(),
                    reason: "the task's filter selected no tests".into(),
                },
            };
            cases.push(Case {
                classname,
                name: format!("task {}", task.name),
                millis: 0,
                outcome,
            });
            continue;
        }
        for test in &task.tests {
            let reason = || {
                test.message
                    .clone()
                    .unwrap_or_else(|| test_status(test.status).to_owned())
            };
            let kind = test_status(test.status).to_owned();
            let outcome = match test.status {
                TestStatus::Passed => Outcome::Passed,
                TestStatus::Failed => Outcome::Failure {
                    kind,
                    reason: reason(),
                },
                TestStatus::Timeout | TestStatus::NotRun => Outcome::Error {
                    kind,
                    reason: reason(),
                },
            };
            cases.push(Case {
                classname: classname.clone(),
                name: test.name.clone(),
                millis: test.duration_ms,
                outcome,
            });
        }
    }
    for check in &exercise.perf {
        let kind = perf_status(check.status).to_owned();
        let reason = || check.message.clone().unwrap_or_else(|| kind.clone());
        let outcome = match check.status {
            // Pending, not passed: dashboards show it apart from a failure,
            // with the points withheld and how to get it measured.
            status if status.is_pending() => Outcome::Skipped {
                reason: match &check.message {
                    Some(message) => format!("{}\n{message}", withheld(&exercise.name, check)),
                    None => withheld(&exercise.name, check),
                },
            },
            PerfStatus::NotApplicable => Outcome::Skipped { reason: reason() },
            status if status.is_earned() => Outcome::Passed,
            PerfStatus::Error | PerfStatus::NotRun => Outcome::Error {
                kind: kind.clone(),
                reason: reason(),
            },
            _ => Outcome::Failure {
                kind: kind.clone(),
                reason: reason(),
            },
        };
        cases.push(Case {
            classname: format!("{}.perf", exercise.name),
            name: check.name.clone(),
            millis: check.duration_ms,
            outcome,
        });
    }
    cases
}

/// The suite properties of an exercise: its points, each task's and perf
/// check's points, a perf check's measurement, and the "needs review"
/// flags.
fn properties(exercise: &ExerciseGrade) -> Vec<(String, String)> {
    let mut properties = vec![
        ("score".to_owned(), exercise.score.to_string()),
        ("max_score".to_owned(), exercise.max_score.to_string()),
    ];
    for task in &exercise.tasks {
        properties.push((
            format!("task {}", task.name),
            format!("{}/{}", task.score, task.max_score),
        ));
    }
    for check in &exercise.perf {
        let mut value = format!("{}/{}", check.score, check.max_score);
        if let Some(speedup) = check.speedup {
            value.push_str(&format!(" speedup {speedup:.3}"));
        }
        if let Some(required) = check.required {
            value.push_str(&format!(" needs {required:.3}"));
        }
        properties.push((format!("perf {}", check.name), value));
    }
    for flag in &exercise.review {
        properties.push(("needs review".to_owned(), review_line(flag)));
    }
    properties
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    millis: u64,
}

impl Counts {
    fn of<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Self {
        let mut counts = Self::default();
        for case in cases {
            counts.tests += 1;
            counts.millis += case.millis;
            match case.outcome {
                Outcome::Passed => {}
                Outcome::Failure { .. } => counts.failures += 1,
                Outcome::Error { .. } => counts.errors += 1,
                Outcome::Skipped { .. } => counts.skipped += 1,
            }
        }
        counts
    }
}

/// One `<testsuite>`.
struct Suite {
    name: String,
    properties: Vec<(String, String)>,
    cases: Vec<Case>,
}

/// Every suite of the report: one per exercise, and `protected-files` when
/// the protected files were checked.
fn suites(report: &Report) -> Vec<Suite> {
    let mut suites: Vec<Suite> = report
        .exercises
        .iter()
        .map(|exercise| Suite {
            name: exercise.name.clone(),
            properties: properties(exercise),
            cases: cases(exercise),
        })
        .collect();
    if let Some(protected) = &report.protected {
        let outcome = match super::protected_line(report) {
            Some(line) => Outcome::Failure {
                kind: "changed".into(),
                reason: line,
            },
            None => Outcome::Passed,
        };
        suites.push(Suite {
            name: "protected-files".into(),
            properties: vec![("template".into(), protected.base.clone())],
            cases: vec![Case {
                classname: "protected-files".into(),
                name: "protected files unchanged".into(),
                millis: 0,
                outcome,
            }],
        });
    }
    suites
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(report);
    let total = Counts::of(suites.iter().flat_map(|suite| &suite.cases));
    let mut xml = Writer::new_with_indent(&mut *out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.create_element("testsuites")
        .with_attribute(("name", "checker"))
        .with_attribute(("tests", total.tests.to_string().as_str()))
        .with_attribute(("failures", total.failures.to_string().as_str()))
        .with_attribute(("errors", total.errors.to_string().as_str()))
        .with_attribute(("time", seconds(report.elapsed_ms).as_str()))
        .write_inner_content(|xml| {
            for suite in &suites {
                write_suite(xml, suite)?;
            }
            Ok(())
        })?;
    writeln!(out)
}

fn write_suite<W: Write>(xml: &mut Writer<W>, suite: &Suite) -> io::Result<()> {
    let counts = Counts::of(&suite.cases);
    let attributes = [
        ("name", xml_text(&suite.name)),
        ("tests", counts.tests.to_string()),
        ("failures", counts.failures.to_string()),
        ("errors", counts.errors.to_string()),
        ("skipped", counts.skipped.to_string()),
        ("time", seconds(counts.millis)),
    ];
    xml.create_element("testsuite")
        .with_attributes(attributes.iter().map(|(k, v)| (*k, v.as_str())))
        .write_inner_content(|xml| {
            xml.create_element("properties")
                .write_inner_content(|xml| {
                    for (name, value) in &suite.properties {
                        xml.create_element("property")
                            .with_attribute(("name", xml_text(name).as_str()))
                            .with_attribute(("value", xml_text(value).as_str()))
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            for case in &suite.cases {
                write_case(xml, case)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_case<W: Write>(xml: &mut Writer<W>, case: &Case) -> io::Result<()> {
    let element = xml
        .create_element("testcase")
        .with_attribute(("name", xml_text(&case.name).as_str()))
        .with_attribute(("classname", xml_text(&case.classname).as_str()))
        .with_attribute(("time", seconds(case.millis).as_str()));
    let (tag, kind, reason) = match &case.outcome {
        Outcome::Passed => {
            element.write_empty()?;
            return Ok(());
        }
        Outcome::Failure { kind, reason } => ("failure", Some(kind), reason),
        Outcome::Error { kind, reason } => ("error", Some(kind), reason),
        Outcome::Skipped { reason } => ("skipped", None, reason),
    };
    element.write_inner_content(|xml| {
        let summary = xml_text(reason.lines().next().unwrap_or_default());
        let mut child = xml
            .create_element(tag)
            .with_attribute(("message", summary.as_str()));
        if let Some(kind) = kind {
            child = child.with_attribute(("type", xml_text(kind).as_str()));
        }
        child.write_text_content(BytesText::new(&xml_text(reason)))?;
        Ok(())
    })?;
    Ok(())
}

/// Seconds with millisecond precision, as JUnit's `time` attributes carry
/// them (the schema's `SUREFIRE_TIME`: digits, a point, digits).
fn seconds(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// `text` with the characters XML 1.0 cannot carry at all (control
/// characters other than tab and line breaks, as a test's output may hold:
/// colour escapes, a NUL a student printed) replaced by U+FFFD, so one odd
/// message cannot make the whole file unreadable. Escaping `<`, `&` and
/// quotes is the writer's.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, sample};

    #[test]
    fn junit_report_snapshot_and_round_trip() {
        let report = sample::report();
        let xml = sample::rendered(Format::Junit);
        let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
        let expected: Vec<Case> = report.exercises.iter().flat_map(cases).collect();
        // The exercises' cases and the protected-files one.
        assert_eq!(parsed.tests, expected.len() + 1);
        let failures = |o: &Outcome| matches!(o, Outcome::Failure { .. });
        let errors = |o: &Outcome| matches!(o, Outcome::Error { .. });
        assert_eq!(
            parsed.failures,
            expected.iter().filter(|c| failures(&c.outcome)).count() + 1
        );
        assert_eq!(
            parsed.errors,
            expected.iter().filter(|c| errors(&c.outcome)).count()
        );
        let busy = &parsed.test_suites[0]
            .test_cases
            .iter()
            .find(|case| case.name.as_str() == "cpu-busy")
            .expect("the pending check is a case")
            .status;
        match busy {
            quick_junit::TestCaseStatus::Skipped { message, .. } => assert!(
                message.as_deref().is_some_and(
                    |m| m.starts_with("measured on a busy machine: 15 points withheld")
                ),
                "{message:?}"
            ),
            other => panic!("a pending check is skipped, not {other:?}"),
        }
        insta::assert_snapshot!(xml);
    }

    #[test]
    fn every_test_is_a_case_grouped_by_exercise_and_task() {
        let report = sample::report();
        let cases = cases(&report.exercises[0]);
        let names: Vec<(&str, &str)> = cases
            .iter()
            .map(|c| (c.classname.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("01-basics.spawn-join", "spawn_join::order"),
                ("01-basics.race", "race::exact_total"),
                ("01-basics.race", "race::deadlock"),
                ("01-basics.perf", "cpu-primes"),
                ("01-basics.perf", "cpu-slow"),
                ("01-basics.perf", "cpu-busy"),
            ]
        );
        assert!(matches!(cases[1].outcome, Outcome::Failure { .. }));
        assert!(
            matches!(&cases[2].outcome, Outcome::Error { kind, reason } if kind == "timeout" && reason.contains("possible deadlock"))
        );
        let broken = super::cases(&report.exercises[1]);
        assert!(
            matches!(&broken[0].outcome, Outcome::Error { reason, .. } if reason.starts_with("does not compile")),
            "{broken:?}"
        );
        assert!(matches!(&broken[1].outcome, Outcome::Error { kind, .. } if kind == "not run"));
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        assert_eq!(xml_text("a\u{1b}[31mb\0c\td"), "a\u{FFFD}[31mb\u{FFFD}c\td");
    }
}
