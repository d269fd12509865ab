//! `--format github` and protected files, end to end on a fixture course
//! that is a git repository made from a "template" commit.

mod support;

use support::{FixtureCourse, SUMS_TESTS, assert_contains};

/// A template repository whose student solved `add` but not `double`.
fn course() -> FixtureCourse {
    support::sums_template(
        r#"protected = ["course.toml", ".config/**", "exercises/*/tests/**", "exercises/*/Cargo.toml"]"#,
    )
}

/// Grades `course` in `--format github` with the step's summary and outputs
/// files set, as in Actions, and checks that GitHub Classroom's reporter
/// totals the outputs to the same score.
fn github_run(course: &FixtureCourse, extra: &[&str]) -> (support::Run, String, String) {
    let summary = course.root().join("summary.md");
    let outputs = course.root().join("outputs.txt");
    let mut args = vec!["verify", "--format", "github"];
    args.extend_from_slice(extra);
    let run = course.checker_with_env(
        &args,
        &[
            ("GITHUB_STEP_SUMMARY", summary.as_os_str()),
            ("GITHUB_OUTPUT", outputs.as_os_str()),
        ],
    );
    let summary = std::fs::read_to_string(summary).unwrap_or_default();
    support::assert_classroom_totals(&outputs);
    let outputs = std::fs::read_to_string(outputs).unwrap_or_default();
    (run, summary, outputs)
}

#[test]
fn github_format_writes_summary_outputs_and_annotations() {
    let course = course();
    let (run, summary, outputs) = github_run(&course, &["--also", "gradescope=results.json"]);
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert!(summary.starts_with("# Course grade: 4/10"), "{summary}");
    assert_contains(&summary, "| ❌ | task `doubles` | 0/6 |");
    assert_contains(
        &outputs,
        "score=4\nmax_score=10\nprotected_changed=0\nprotected_files=\ne01",
    );
    // One annotation per failing test, at the test's file and line.
    assert!(
        run.stdout.contains(
            "::error title=01-sums%3A task doubles,file=exercises/01-sums/tests/t.rs,line=7::t::doubles failed: "
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("double 4"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("# Course grade"),
        "the summary went to its file"
    );
    let gradescope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(course.root().join("results.json")).unwrap())
            .unwrap();
    assert_eq!(gradescope["score"], 4);
    assert_eq!(gradescope["tests"][1]["status"], "failed");
}

#[test]
fn without_the_github_variables_everything_goes_to_stdout() {
    let course = course();
    let run = course.checker(&["verify", "--format", "github"]);
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert_contains(&run.stdout, "::error title=01-sums%3A task doubles");
    assert_contains(&run.stdout, "# Course grade: 4/10");
    assert_contains(&run.stdout, "\nscore=4\nmax_score=10\n");
}

#[test]
fn an_edited_test_is_flagged_in_every_format_ignored_by_the_grade_and_restored_on_request() {
    let course = course();
    // The student "fixes" the failing test instead of the code.
    course.write(
        "exercises/01-sums/tests/t.rs",
        &SUMS_TESTS.replace("8, \"double 4\"", "4, \"double 4\""),
    );
    let (run, summary, outputs) = github_run(
        &course,
        &["--also", "json=report.json", "--also", "junit=junit.xml"],
    );
    assert_eq!(
        run.code,
        Some(1),
        "graded with the template's tests, and flagged; stderr:\n{}",
        run.stderr
    );
    assert!(
        outputs.contains("score=4\nmax_score=10\nprotected_changed=1\n"),
        "the edited test earns nothing: {outputs}"
    );
    assert!(
        run.stdout
            .contains("::error file=exercises/01-sums/tests/t.rs,title=protected file::"),
        "{}",
        run.stdout
    );
    assert_contains(&summary, "1 protected file changed since the template");
    let json = std::fs::read_to_string(course.root().join("report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    support::assert_valid_report(&report);
    assert_eq!(
        report["protected"]["changed"][0],
        "exercises/01-sums/tests/t.rs"
    );
    assert_eq!(report["protected"]["restored"], false);
    assert_eq!(
        std::fs::read_to_string(course.root().join("exercises/01-sums/tests/t.rs")).unwrap(),
        SUMS_TESTS.replace("8, \"double 4\"", "4, \"double 4\""),
        "a local run puts the student's edit back"
    );
    let junit = std::fs::read_to_string(course.root().join("junit.xml")).unwrap();
    assert_contains(&junit, "protected files unchanged");
    assert_contains(&junit, "<failure");
    let human = course.checker(&["verify"]);
    assert_contains(&human.stdout, "⚠ 1 protected file changed");

    // In CI: put the template's tests back, then grade against them.
    let (run, _, outputs) = github_run(&course, &["--restore-protected"]);
    assert_contains(&run.stderr, "restored 1 protected file(s)");
    assert_contains(&outputs, "score=4\nmax_score=10\nprotected_changed=1\n");
    let restored =
        std::fs::read_to_string(course.root().join("exercises/01-sums/tests/t.rs")).unwrap();
    assert_eq!(restored, SUMS_TESTS);
}

#[test]
fn student_code_changes_are_not_protected() {
    let course = course();
    course.write("exercises/01-sums/src/lib.rs", support::SUMS_SOLVED);
    let (run, report) = course.verify_json(&[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(
        report["protected"]["changed"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(report["score"], 10);
    let (run, _, outputs) = github_run(&course, &[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert!(outputs.starts_with("score=10\nmax_score=10\n"), "{outputs}");
}
