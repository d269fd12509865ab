//! The checker grades tiny fixture courses end to end: real cargo, real
//! nextest, real child processes, each course in its own temp dir.

mod support;

use std::time::Duration;

use support::{
    FixtureCourse, assert_contains, assert_valid_report, course_toml, deadlocking_test, exercise,
    manifest,
};

/// Three exercises: one passes, one does not compile, one deadlocks in its
/// second task.
fn three_exercises() -> String {
    course_toml::course(
        "",
        &[
            course_toml::exercise("01-passes", "passes", "Passes", 244),
            course_toml::hinted_task("adds", "binary(adds)", 10, "add them"),
            course_toml::exercise("02-broken", "broken", "Does not compile", 245),
            course_toml::hinted_task("broken-task", "all()", 20, "read the compiler's message"),
            course_toml::exercise("03-hangs", "hangs", "One test deadlocks", 246),
            course_toml::task("quick", "test(/^quick/)", 5),
            course_toml::hinted_task(
                "locks",
                "test(/^locks/)",
                7,
                "take the locks in one global order",
            ),
        ],
    )
}

/// `03-hangs`' tests: one that passes, and one that deadlocks every time.
fn hang_tests() -> String {
    format!(
        "#[test]\nfn quick_passes() {{\n    assert_eq!(hangs::answer(), 42);\n}}\n{}",
        deadlocking_test("locks_in_opposite_orders")
    )
}

fn three_exercise_course() -> FixtureCourse {
    FixtureCourse::new(
        &three_exercises(),
        &[
            ("exercises/01-passes/Cargo.toml", &manifest("passes")),
            (
                "exercises/01-passes/src/lib.rs",
                "pub fn add(a: u32, b: u32) -> u32 { a + b }\n",
            ),
            (
                "exercises/01-passes/tests/adds.rs",
                "#[test]\nfn adds() { assert_eq!(passes::add(2, 3), 5); }\n",
            ),
            ("exercises/02-broken/Cargo.toml", &manifest("broken")),
            (
                "exercises/02-broken/src/lib.rs",
                "pub fn three() -> u32 {\n    \"three\"\n}\n",
            ),
            (
                "exercises/02-broken/tests/t.rs",
                "#[test]\nfn three() { assert_eq!(broken::three(), 3); }\n",
            ),
            ("exercises/03-hangs/Cargo.toml", &manifest("hangs")),
            (
                "exercises/03-hangs/src/lib.rs",
                "pub fn answer() -> u32 { 42 }\n",
            ),
            ("exercises/03-hangs/tests/t.rs", &hang_tests()),
        ],
    )
}

#[test]
fn a_broken_and_a_hung_exercise_cost_nothing_to_the_others() {
    let course = three_exercise_course();
    let (run, report) = course.verify_json(&[]);
    assert_eq!(
        run.code,
        Some(1),
        "below full marks exits 1; stderr:\n{}",
        run.stderr
    );
    assert_valid_report(&report);
    // The deadlock is killed after 1 s × 3; the whole run stays bounded.
    assert!(
        run.elapsed < Duration::from_secs(120),
        "took {:?}",
        run.elapsed
    );

    let passes = exercise(&report, "01-passes");
    assert_eq!(passes["status"], "passed");
    assert_eq!(
        (passes["score"].as_u64(), passes["max_score"].as_u64()),
        (Some(10), Some(10))
    );

    let broken = exercise(&report, "02-broken");
    assert_eq!(broken["status"], "compile_error");
    assert_eq!(broken["score"], 0);
    let message = broken["message"].as_str().unwrap_or_default();
    assert_contains(message, "exercises/02-broken/src/lib.rs:2:5");
    assert_contains(message, "mismatched types");

    let hangs = exercise(&report, "03-hangs");
    assert_eq!(hangs["status"], "timeout");
    assert_eq!(hangs["score"], 5, "the quick task keeps its points");
    let locks = &hangs["tasks"][1];
    assert_eq!(locks["tests"][0]["status"], "timeout");
    assert!(
        locks["tests"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("possible deadlock"),
        "{locks:#}"
    );
    assert_eq!(report["score"], 15);
    assert_eq!(report["max_score"], 42);
}

#[test]
fn the_human_report_names_the_next_task_and_its_hint_command() {
    let course = three_exercise_course();
    let run = course.checker(&["verify", "01-passes", "02-broken"]);
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    assert_contains(&run.stdout, "01-passes · Passes  10/10  passed");
    assert!(run.stdout.contains("compile error"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Next: task `broken-task` in 02-broken."),
        "{}",
        run.stdout
    );
    assert_contains(&run.stdout, "cargo checker hint broken-task");
    assert!(
        !run.stdout.contains("03-hangs"),
        "only the named exercises are graded"
    );
}

#[test]
fn a_filter_matching_no_test_names_course_toml_and_the_key() {
    let course = three_exercise_course();
    course.write(
        "course.toml",
        &three_exercises().replace("binary(adds)", "test(=nothing_here)"),
    );
    let (run, report) = course.verify_json(&["01-passes"]);
    assert_eq!(
        run.code,
        Some(2),
        "nothing could be graded; stderr:\n{}",
        run.stderr
    );
    let message = exercise(&report, "01-passes")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("course.toml: exercise[0].task[0].filter")
            && message.contains("matches no test"),
        "{message}"
    );
}

#[test]
fn bad_input_is_one_clear_error_and_exit_code_2() {
    let course = three_exercise_course();
    let run = course.checker(&["verify", "no-such-exercise"]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "unknown exercise `no-such-exercise`");
    assert_contains(&run.stderr, "01-passes, 02-broken, 03-hangs");

    let run = course.checker(&["verify", "--solutions"]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "--solutions needs");
    assert_contains(&run.stderr, "solutions/01-passes");

    let run = course.checker(&["verify", "--output", "/proc/no/such/dir/report.json"]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "cannot write the report");

    course.write(
        "course.toml",
        &three_exercises().replace("points = 10", "points = 10\npionts = 3"),
    );
    let run = course.checker(&["verify"]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "course.toml");
    assert_contains(&run.stderr, "pionts");
}

#[test]
fn hints_come_from_course_toml() {
    let course = three_exercise_course();
    let run = course.checker(&["hint", "locks"]);
    assert_eq!(run.code, Some(0));
    assert_contains(&run.stdout, "take the locks in one global order");
    let run = course.checker(&["hint", "nope"]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "no task or perf check named `nope`");
}

#[test]
fn reports_are_written_atomically_where_asked_and_kept_under_target() {
    let course = three_exercise_course();
    let out = course.root().join("grade.xml");
    let run = course.checker(&[
        "verify",
        "01-passes",
        "--format",
        "junit",
        "--output",
        "grade.xml",
    ]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let xml = std::fs::read_to_string(&out).expect("report written");
    assert_contains(&xml, "classname=\"01-passes.adds\"");
    assert!(
        run.stdout.is_empty(),
        "the report went to the file, not stdout"
    );
    let leftovers: Vec<_> = std::fs::read_dir(course.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        course
            .root()
            .join("target/checker/last-report.json")
            .is_file()
    );
}

#[test]
fn bench_prints_the_seed_table_with_every_cell_measured() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("bench")
        .output()
        .expect("run checker bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for row in [
        "10 API calls",
        "compute",
        "100 file reads",
        "data processing",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row}:\n{stdout}"));
        assert_eq!(line.matches('×').count(), 3, "three measured cells: {line}");
        assert!(!line.contains("failed"), "{line}");
    }
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("- ")).count(),
        4,
        "a reading per row:\n{stdout}"
    );
}
