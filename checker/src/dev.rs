//! `checker dev check`: the instructor's gate that the course itself is
//! sound, run by CI.
//!
//! - every graded correctness test fails on the starter (a test a `todo!()`
//!   passes cannot tell a wrong answer from a right one);
//! - every test passes on the reference solution, and every perf check is
//!   credited with [`PERF_MARGIN`] to spare on this machine;
//! - starter and solution mirror each other path for path, with the same
//!   public items (the solution only fills in bodies);
//! - every starter source file opens with `//!` lesson docs, and every
//!   `todo!()` has a `// TODO:` above it;
//! - `grade.yml` hands GitHub Classroom's reporter one runner per task and
//!   perf check of `course.toml`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::course::{Course, Exercise};
use crate::render::{BUSY_MACHINE, classroom};
use crate::report::{PerfStatus, Report, TestStatus};

/// How far above its requirement a solution's speedup must be.
pub const PERF_MARGIN: f64 = 1.10;

/// What the check found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Things to fix before the course ships.
    pub problems: Vec<String>,
    /// Things worth a look that do not fail the check.
    pub warnings: Vec<String>,
}

impl Findings {
    /// Adds `other`'s problems and warnings to these.
    pub fn extend(&mut self, other: Findings) {
        self.problems.extend(other.problems);
        self.warnings.extend(other.warnings);
    }
}

/// Correctness points the starters earned (should be 0).
pub fn correctness_points(report: &Report) -> u32 {
    report
        .exercises
        .iter()
        .flat_map(|e| &e.tasks)
        .map(|t| t.score)
        .sum()
}

/// Checks the course from a graded run of the solutions and one of the starters.
pub fn check(
    course: &Course,
    exercises: &[&Exercise],
    solutions: &Report,
    starters: &Report,
) -> Findings {
    let mut findings = Findings::default();
    findings.extend(perf_margins(solutions, "the solution"));
    for grade in &solutions.exercises {
        if let Some(message) = &grade.message {
            findings.problems.push(format!(
                "{}: the solution did not grade: {message}",
                grade.name
            ));
        }
        for task in &grade.tasks {
            for test in task.tests.iter().filter(|t| t.status != TestStatus::Passed) {
                findings.problems.push(format!(
                    "{}: the solution fails {} ({:?}): {}",
                    grade.name,
                    test.name,
                    test.status,
                    test.message.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    for grade in &starters.exercises {
        for task in &grade.tasks {
            for test in task.tests.iter().filter(|t| t.status == TestStatus::Passed) {
                findings.problems.push(format!(
                    "{}: the starter passes {} (task {}): the test cannot tell a stub from an answer",
                    grade.name, test.name, task.name
                ));
            }
        }
        for check in grade.perf.iter().filter(|p| p.score > 0) {
            findings.problems.push(format!(
                "{}: the starter earns perf {}",
                grade.name, check.name
            ));
        }
    }
    for exercise in exercises {
        check_sources(&course.root, exercise, &mut findings);
        check_tests_are_armed(&course.root, exercise, &mut findings);
    }
    check_classroom_runners(course, &mut findings);
    check_grading_isolation(course, &mut findings);
    findings
}

/// The grading workflow, whose reporter step lists the Classroom runners.
const GRADE_WORKFLOW: &str = ".github/workflows/grade.yml";

/// `grade.yml`'s reporter step lists exactly the runners a full grade of
/// the course reports (`classroom::course_runner_ids`), each read from its
/// step output: a task added to `course.toml` but not to the workflow would
/// be graded and never reach Classroom, and a runner the checker no longer
/// writes would make the reporter fail on an empty variable.
fn check_classroom_runners(course: &Course, findings: &mut Findings) {
    let path = course.root.join(GRADE_WORKFLOW);
    let Ok(text) = std::fs::read_to_string(&path) else {
        findings.warnings.push(format!(
            "{GRADE_WORKFLOW} not found: its Classroom runners were not checked"
        ));
        return;
    };
    let expected = classroom::course_runner_ids(course);
    let mut seen = BTreeSet::new();
    for id in &expected {
        if !seen.insert(id) {
            findings.problems.push(format!(
                "two items share the Classroom runner id `{id}` (names compared by letters and \
                 digits only): rename one in course.toml"
            ));
        }
    }
    let listed: Vec<String> = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("runners:"))
        .map(|list| list.split(',').map(|id| id.trim().to_owned()).collect())
        .unwrap_or_default();
    let wired: BTreeSet<(String, String)> = text.lines().filter_map(results_variable).collect();
    let wanted: BTreeSet<(String, String)> = expected
        .iter()
        .map(|id| (id.to_ascii_uppercase(), id.clone()))
        .collect();
    if listed != expected || wired != wanted {
        findings.problems.push(format!(
            "{GRADE_WORKFLOW}: the Classroom reporter's runners differ from course.toml's tasks \
             and perf checks; its step should have:\n{}",
            classroom::reporter_step_lines(&expected)
        ));
    }
}

/// `grade.yml` runs nothing built or fetched by an earlier run or committed
/// by the student: no cache action (the Actions cache is written by the
/// repository's own runs, which a student can change for one run and change
/// back, leaving a cargo, a dependency source or a compiled build script that
/// would run outside the tests' sandbox in every later run), a checkout's
/// `target/` removed, and the checker that grades built with its own cargo
/// home and target dir outside the checkout.
fn check_grading_isolation(course: &Course, findings: &mut Findings) {
    // A missing workflow was already reported by `check_classroom_runners`.
    if let Ok(workflow) = std::fs::read_to_string(course.root.join(GRADE_WORKFLOW)) {
        let problems = grading_isolation_problems(&workflow);
        findings.problems.extend(
            problems
                .into_iter()
                .map(|p| format!("{GRADE_WORKFLOW}: {p}")),
        );
    }
}

/// Actions that restore files saved by earlier runs of the repository.
const CACHE_ACTIONS: [&str; 3] = [
    "Swatinem/rust-cache",
    "actions/cache",
    "mozilla-actions/sccache",
];

/// What [`check_grading_isolation`] finds wrong in the workflow's text.
fn grading_isolation_problems(workflow: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, line) in workflow.lines().enumerate() {
        let step = line.trim_start().trim_start_matches("- ");
        if let Some(action) = step.strip_prefix("uses:").map(str::trim)
            && CACHE_ACTIONS.iter().any(|cache| action.starts_with(cache))
        {
            problems.push(format!(
                "line {}: `{action}` restores what an earlier run saved, which a student's \
                 changed workflow can forge; grading must build from the registry",
                at + 1
            ));
        }
    }
    if !workflow
        .lines()
        .any(|l| l.trim() == "rm -rf \"$GITHUB_WORKSPACE/target\"")
    {
        problems.push(
            "no `rm -rf \"$GITHUB_WORKSPACE/target\"` before grading: a target/ committed by \
             the student would be built upon"
                .into(),
        );
    }
    let builds: Vec<&str> = workflow
        .lines()
        .filter(|l| l.contains("cargo build -p checker"))
        .collect();
    if builds.is_empty() {
        problems
            .push("no step builds the checker from the template (`cargo build -p checker`)".into());
    }
    for build in builds {
        if !build.contains("CARGO_HOME=\"$RUNNER_TEMP/")
            || !build.contains("--target-dir \"$RUNNER_TEMP/")
        {
            problems.push(format!(
                "`{}` should build with CARGO_HOME=\"$RUNNER_TEMP/…\" and --target-dir \
                 \"$RUNNER_TEMP/…\": nothing of the checkout's or of an earlier run's",
                build.trim()
            ));
        }
    }
    problems
}

/// `(ID, id)` of a line `ID_RESULTS: ${{ steps.checker.outputs.id }}`.
fn results_variable(line: &str) -> Option<(String, String)> {
    let (variable, value) = line.trim().split_once(':')?;
    let variable = variable.strip_suffix("_RESULTS")?;
    let output = value
        .trim()
        .strip_prefix("${{")?
        .strip_suffix("}}")?
        .trim()
        .strip_prefix("steps.checker.outputs.")?;
    Some((variable.to_owned(), output.to_owned()))
}

/// What the perf checks of a graded run of correct code (`whose`: "the
/// solution", "a plain solution") say about the course's thresholds: a
/// problem for a check that was not credited or was credited with less than
/// [`PERF_MARGIN`] to spare in a measurement that shows it, a warning for
/// one the machine was too busy or too noisy to tell.
///
/// One rule for the reference solutions (`checker dev check`) and for the
/// plain solutions kept in the checker's tests, so both are held to the
/// same margin.
pub fn perf_margins(report: &Report, whose: &str) -> Findings {
    let mut findings = Findings::default();
    for grade in &report.exercises {
        for check in &grade.perf {
            match (check.status, check.speedup, check.required) {
            (PerfStatus::Passed, Some(speedup), Some(required))
                if speedup < required * PERF_MARGIN =>
            {
                let text = format!(
                    "{}: perf {} passes without margin for {whose}: {speedup:.2}× against \
                     {required:.2}× required (needs {PERF_MARGIN}× that)",
                    grade.name, check.name
                );
                if margin_shortfall_is_conclusive(check, required * PERF_MARGIN) {
                    findings.problems.push(text);
                } else {
                    findings.warnings.push(format!(
                        "{text}, but the measurement cannot tell (interval {}, calibration {}): \
                         measure again on a quiet machine",
                        check.interval.map_or_else(
                            || "-".into(),
                            |[low, high]| format!("{low:.2}–{high:.2}")
                        ),
                        check
                            .calibration_speedup
                            .map_or_else(|| "-".into(), |c| format!("{c:.2}×")),
                    ));
                }
            }
            (status, ..) if status.is_earned() => {}
            // Only a warning: the instructor's machine may be busy, and a
            // busy machine says nothing about the solution either way.
            (status, ..) if status.is_pending() => findings.warnings.push(format!(
                "{}: perf {} is pending, {BUSY_MACHINE}: it neither passes nor fails the solution; \
                 close other programs and run `cargo checker dev check {}` again ({})",
                grade.name,
                check.name,
                grade.name,
                check.message.as_deref().unwrap_or("no detail")
            )),
            (status, ..) => findings.problems.push(format!(
                "{}: {whose}'s perf {} is {status:?}: {}",
                grade.name,
                check.name,
                check.message.as_deref().unwrap_or_default()
            )),
        }
        }
    }
    findings
}

/// Whether a solution's pass below `wanted` (the requirement with margin)
/// shows a real lack of margin, by the rules grading applies to a
/// shortfall: the 90 % interval of the speedup lies wholly below `wanted`,
/// and the calibration job reached `wanted` (the machine could show it).
/// Otherwise the run was too noisy or the machine too busy to tell: one CI
/// run measured the same solution at 1.97× and, minutes later, 1.76×.
fn margin_shortfall_is_conclusive(check: &crate::report::PerfGrade, wanted: f64) -> bool {
    let below = check.interval.is_none_or(|[_, high]| high < wanted);
    let machine_could = check.calibration_speedup.is_some_and(|c| c >= wanted);
    below && machine_could
}

/// Mirror, API and tidiness checks on the source trees.
fn check_sources(root: &Path, exercise: &Exercise, findings: &mut Findings) {
    let starter = root.join("exercises").join(&exercise.name).join("src");
    let solution = root.join("solutions").join(&exercise.name).join("src");
    let starter_files = rust_files(&starter);
    let solution_files = rust_files(&solution);
    for missing in starter_files.symmetric_difference(&solution_files) {
        findings.problems.push(format!(
            "{}: src/{} exists in only one of exercises/ and solutions/",
            exercise.name,
            missing.display()
        ));
    }
    for file in starter_files.intersection(&solution_files) {
        let (Ok(starter_text), Ok(solution_text)) = (
            std::fs::read_to_string(starter.join(file)),
            std::fs::read_to_string(solution.join(file)),
        ) else {
            continue;
        };
        let where_ = format!("{}: src/{}", exercise.name, file.display());
        let (starter_api, solution_api) =
            (public_items(&starter_text), public_items(&solution_text));
        for item in starter_api.symmetric_difference(&solution_api) {
            let side = if starter_api.contains(item) {
                "starter"
            } else {
                "solution"
            };
            findings.problems.push(format!(
                "{where_}: public item only in the {side}: `{item}`"
            ));
        }
        if !opens_with_lesson_docs(&starter_text) {
            findings.problems.push(format!(
                "{where_}: the starter file does not open with `//!` lesson docs"
            ));
        }
        let lines: Vec<&str> = starter_text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.contains("todo!()")
                && !lines[i.saturating_sub(12)..i]
                    .iter()
                    .any(|l| l.contains("// TODO:"))
            {
                findings.problems.push(format!(
                    "{where_}:{}: a `todo!()` without a `// TODO:` above it",
                    i + 1
                ));
            }
        }
    }
}

/// The guard every graded test body opens with (see `fixtures::proof`).
const PROOF_GUARD: &str = "let _proof = fixtures::proof::test_body();";

/// Tests of the exercise whose body does not open with [`PROOF_GUARD`]:
/// the runner could not tell their pass from a process that exited early.
fn check_tests_are_armed(root: &Path, exercise: &Exercise, findings: &mut Findings) {
    let tests = root.join("exercises").join(&exercise.name).join("tests");
    for file in rust_files(&tests) {
        let Ok(text) = std::fs::read_to_string(tests.join(&file)) else {
            continue;
        };
        for line in unarmed_tests(&text) {
            findings.problems.push(format!(
                "{}: tests/{}:{line}: a test whose body does not start with `{PROOF_GUARD}`",
                exercise.name,
                file.display()
            ));
        }
    }
}

/// Lines (1-based) of `#[test]` attributes whose function's first statement
/// is not the proof guard.
fn unarmed_tests(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut unarmed = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if *line != "#[test]" {
            continue;
        }
        let body = lines[i + 1..]
            .iter()
            .skip_while(|l| l.starts_with("#["))
            .skip_while(|l| !l.ends_with('{'))
            .nth(1);
        if body != Some(&PROOF_GUARD) {
            unarmed.push(i + 1);
        }
    }
    unarmed
}

fn rust_files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(relative) = path.strip_prefix(dir)
            {
                files.insert(relative.to_owned());
            }
        }
    }
    files
}

/// The signatures of `pub` items, whitespace-normalised: what a test can call.
fn public_items(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| {
            l.starts_with("pub ") && !l.starts_with("pub mod ") && !l.starts_with("pub use ")
        })
        .map(|l| {
            let signature = l.split(['{', ';']).next().unwrap_or(l);
            signature.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

fn opens_with_lesson_docs(text: &str) -> bool {
    let mut in_attribute = false;
    for line in text.lines().map(str::trim) {
        if in_attribute {
            in_attribute = !line.ends_with(")]");
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if line.starts_with("#![") {
            in_attribute = !line.ends_with(")]") && !line.ends_with(']');
            continue;
        }
        return line.starts_with("//!");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_items_ignore_bodies_and_whitespace() {
        let starter = "pub fn f(x: u32) -> u32 {\n    todo!()\n}\npub struct S;\nfn private() {}\n";
        let solution = "pub fn f(x:  u32) -> u32 {\n    x + 1\n}\npub struct S;\n";
        assert_eq!(public_items(starter), public_items(solution));
        assert!(public_items("pub fn g() {}").contains("pub fn g()"));
    }

    #[test]
    fn grade_yml_hands_the_reporter_every_runner_of_course_toml() {
        let real = Course::load(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()).unwrap();
        let mut findings = Findings::default();
        check_classroom_runners(&real, &mut findings);
        assert!(findings.problems.is_empty(), "{:?}", findings.problems);
        assert!(findings.warnings.is_empty(), "{:?}", findings.warnings);

        // A task added to course.toml (here: one left out of the workflow).
        let dir = tempfile::tempdir().unwrap();
        let workflow = std::fs::read_to_string(real.root.join(GRADE_WORKFLOW)).unwrap();
        let stale = workflow.replace("e01spawnjoin,", "").replace(
            "          E01SPAWNJOIN_RESULTS: ${{ steps.checker.outputs.e01spawnjoin }}\n",
            "",
        );
        assert_ne!(stale, workflow);
        std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
        std::fs::write(dir.path().join(GRADE_WORKFLOW), stale).unwrap();
        let moved = Course {
            root: dir.path().to_owned(),
            ..real
        };
        let mut findings = Findings::default();
        check_classroom_runners(&moved, &mut findings);
        assert_eq!(findings.problems.len(), 1, "{:?}", findings.problems);
        assert!(
            findings.problems[0]
                .contains("E01SPAWNJOIN_RESULTS: ${{ steps.checker.outputs.e01spawnjoin }}"),
            "{}",
            findings.problems[0]
        );
    }

    /// `broken` (the real grade workflow with one step undone; the edit
    /// must have applied) has exactly one isolation problem, naming `what`.
    #[track_caller]
    fn assert_one_problem_naming(broken: &str, real: &str, what: &str) {
        assert_ne!(broken, real, "the edit did not apply");
        let problems = grading_isolation_problems(broken);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(what), "{}", problems[0]);
    }

    #[test]
    fn grading_runs_nothing_an_earlier_run_or_the_checkout_left() {
        let real = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap()
                .join(GRADE_WORKFLOW),
        )
        .unwrap();
        assert_eq!(grading_isolation_problems(&real), Vec::<String>::new());

        // A build cache restored before grading.
        let cached = real.replace(
            "      - name: Install cargo-nextest\n",
            "      - uses: Swatinem/rust-cache@v2\n      - name: Install cargo-nextest\n",
        );
        assert_one_problem_naming(&cached, &real, "rust-cache");

        // The checkout's target/ kept.
        let kept = real.replace("rm -rf \"$GITHUB_WORKSPACE/target\"", "true");
        assert_one_problem_naming(&kept, &real, "committed");

        // The checker built in the checkout's target dir, with ~/.cargo.
        let inside = real
            .replace("CARGO_HOME=\"$RUNNER_TEMP/template-cargo-home\" ", "")
            .replace(
                "\"$RUNNER_TEMP/template-checker\"",
                "\"$GITHUB_WORKSPACE/target/t\"",
            );
        assert_one_problem_naming(&inside, &real, "CARGO_HOME");

        // No template build at all.
        let problems = grading_isolation_problems("jobs:\n  grade:\n    steps: []\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn a_pass_without_margin_is_a_problem_only_when_the_measurement_shows_it() {
        let course = Course {
            root: PathBuf::from("/nonexistent"),
            protected: Vec::new(),
            watch_profile: None,
            exercises: Vec::new(),
        };
        let findings_for = |interval: [f64; 2], calibration: f64| {
            let mut report = crate::render::sample::report();
            report.exercises.truncate(1);
            let grade = &mut report.exercises[0];
            grade.message = None;
            grade.tasks.clear();
            grade.perf.retain(|p| p.name == "cpu-primes");
            let perf = &mut grade.perf[0];
            perf.status = PerfStatus::Passed;
            perf.speedup = Some(1.72);
            perf.required = Some(1.70);
            perf.interval = Some(interval);
            perf.calibration_speedup = Some(calibration);
            let starters = Report {
                exercises: Vec::new(),
                ..report.clone()
            };
            check(&course, &[], &report, &starters)
        };
        // 1.72× against 1.70 × 1.10 = 1.87× wanted.
        let clear = findings_for([1.70, 1.74], 1.95);
        assert_eq!(clear.problems.len(), 1, "{:?}", clear.problems);
        assert!(clear.problems[0].contains("passes without margin"));
        for (interval, calibration) in [([1.65, 1.90], 1.95), ([1.70, 1.74], 1.75)] {
            let unclear = findings_for(interval, calibration);
            assert!(unclear.problems.is_empty(), "{:?}", unclear.problems);
            assert!(
                unclear.warnings.iter().any(|w| w.contains("cannot tell")),
                "{:?}",
                unclear.warnings
            );
        }
    }

    #[test]
    fn a_passing_starter_test_and_a_failing_solution_are_problems() {
        let report = crate::render::sample::report();
        let course = Course {
            root: PathBuf::from("/nonexistent"),
            protected: Vec::new(),
            watch_profile: None,
            exercises: Vec::new(),
        };
        let findings = check(&course, &[], &report, &report);
        let all = findings.problems.join("\n");
        assert!(
            all.contains("the starter passes spawn_join::order"),
            "{all}"
        );
        assert!(
            all.contains("the solution fails race::exact_total"),
            "{all}"
        );
        assert!(
            all.contains("the solution's perf cpu-slow is BelowThreshold"),
            "{all}"
        );
        assert!(
            all.contains("02-broken: the solution did not grade"),
            "{all}"
        );
        assert!(all.contains("the starter earns perf cpu-primes"), "{all}");
        assert!(!all.contains("cpu-busy"), "pending is not a problem: {all}");
        let warnings = findings.warnings.join("\n");
        assert!(
            warnings.contains(
                "01-basics: perf cpu-busy is pending, measured on a busy machine: \
                 it neither passes nor fails the solution"
            ),
            "{warnings}"
        );
    }

    #[test]
    fn a_test_without_the_proof_guard_is_found() {
        let text = format!(
            "#[test]\nfn armed() {{\n    {PROOF_GUARD}\n    assert!(true);\n}}\n\n#[test]\n#[ignore]\nfn bare() {{\n    assert!(true);\n}}\n"
        );
        assert_eq!(unarmed_tests(&text), vec![7]);
    }

    #[test]
    fn lesson_docs_may_follow_crate_attributes() {
        assert!(opens_with_lesson_docs(
            "#![allow(\n    dead_code,\n    reason = \"x\"\n)]\n\n//! Lesson\n"
        ));
        assert!(opens_with_lesson_docs("//! Lesson\nuse x;"));
        assert!(!opens_with_lesson_docs("use x;\n//! late"));
    }
}
