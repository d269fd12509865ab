//! Reliability under hostile submissions: each case is a tiny fixture course
//! in a temp dir, graded by the real checker binary, with its expected grade
//! and a bound on its run time. In every case a well-behaved exercise beside
//! the hostile one keeps its full grade.

// Fake `cargo` scripts, signals and process groups: Unix only.
#![cfg(unix)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{
    FixtureCourse, assert_contains, assert_valid_report, course_toml, deadlocking_test, exercise,
    manifest,
};

/// A course of one well-behaved exercise (`00-ok`, 10 points) and one
/// hostile exercise `01-hostile` with the given `(task name, filter)` pairs
/// (5 points each) and perf tests (an io check each, 5 points).
/// The test file that calls the hostile library.
const CALLS_F: &str = "#[test]\nfn t() { hostile::f(); }\n";

/// A course whose hostile exercise is a trivial library and the test file
/// `tests`, graded by `tasks` (name, filter).
fn hostile_tests(tasks: &[(&str, &str)], tests: &str) -> FixtureCourse {
    hostile_crate(
        tasks,
        &[("src/lib.rs", "pub fn f() {}\n"), ("tests/t.rs", tests)],
    )
}

/// A course whose hostile exercise, package `hostile`, holds `files` (paths
/// inside its folder), graded by `tasks` (name, filter).
fn hostile_crate(tasks: &[(&str, &str)], files: &[(&str, &str)]) -> FixtureCourse {
    let manifest = manifest("hostile");
    let paths: Vec<String> = files
        .iter()
        .map(|(path, _)| format!("exercises/01-hostile/{path}"))
        .collect();
    let mut all = vec![("exercises/01-hostile/Cargo.toml", manifest.as_str())];
    all.extend(
        paths
            .iter()
            .map(String::as_str)
            .zip(files.iter().map(|(_, text)| *text)),
    );
    course_with(tasks, &[], &all)
}

fn course_with(tasks: &[(&str, &str)], perf: &[&str], files: &[(&str, &str)]) -> FixtureCourse {
    let mut tables = vec![
        course_toml::exercise("00-ok", "ok", "Well behaved", 244),
        course_toml::task("ok", "all()", 10),
        course_toml::exercise("01-hostile", "hostile", "Hostile", 245),
    ];
    for (name, filter) in tasks {
        tables.push(course_toml::task(name, filter, 5));
    }
    for test in perf {
        let name = test.trim_start_matches("perf_").replace('_', "-");
        tables.push(course_toml::perf(
            &name,
            5,
            "kind = \"io\"\nworkers = 2\nefficiency = 0.5",
        ));
    }
    let toml = course_toml::course("", &tables);
    let mut all: Vec<(&str, &str)> = vec![
        ("exercises/00-ok/Cargo.toml", OK_MANIFEST),
        ("exercises/00-ok/src/lib.rs", "pub fn one() -> u32 { 1 }\n"),
        (
            "exercises/00-ok/tests/ok.rs",
            "#[test]\nfn one() { assert_eq!(ok::one(), 1); }\n",
        ),
    ];
    all.extend_from_slice(files);
    FixtureCourse::new(&toml, &all)
}

const OK_MANIFEST: &str = "[package]\nname = \"ok\"\nversion = \"0.1.0\"\nedition = \"2024\"\n";

/// Grades the course and checks what every case shares: the well-behaved
/// exercise keeps 10/10, the report validates, the run stays within `bound`.
fn grade(course: &FixtureCourse, bound: Duration) -> serde_json::Value {
    let (run, report) = course.verify_json(&[]);
    assert_valid_report(&report);
    let ok = exercise(&report, "00-ok");
    assert_eq!(
        (ok["score"].as_u64(), ok["status"].as_str()),
        (Some(10), Some("passed")),
        "stderr:\n{}",
        run.stderr
    );
    assert_eq!(
        run.code,
        Some(1),
        "graded below full marks; stderr:\n{}",
        run.stderr
    );
    assert!(
        run.elapsed < bound,
        "took {:?} (bound {bound:?})",
        run.elapsed
    );
    eprintln!("graded in {:.1} s", run.elapsed.as_secs_f64());
    report
}

fn hostile(report: &serde_json::Value) -> &serde_json::Value {
    exercise(report, "01-hostile")
}

fn task<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    hostile(report)["tasks"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == name))
        .unwrap_or_else(|| panic!("no task {name}"))
}

fn first_test(report: &serde_json::Value, task_name: &str) -> (String, String) {
    let test = &task(report, task_name)["tests"][0];
    (
        test["status"].as_str().unwrap_or_default().to_owned(),
        test["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Live (not zombie) processes whose command line contains `marker`.
fn live_processes_with(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(cmdline) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let zombie = fixtures::children::ProcStat::read(&path).is_none_or(|s| s.is_zombie());
        if cmdline.contains(marker) && !zombie {
            found.push(format!("{}: {cmdline}", path.display()));
        }
    }
    found
}

fn wait_until_gone(marker: &str, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    loop {
        let live = live_processes_with(marker);
        if live.is_empty() || Instant::now() > deadline {
            return live;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn unique_marker(tag: &str) -> String {
    // `sleep` accepts a fractional duration: the fraction makes it findable.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    format!(
        "1000.{}{}",
        std::process::id(),
        nanos % 100_000 + tag.len() as u32
    )
}

#[test]
fn a_compile_error_is_reported_with_the_first_error() {
    let course = hostile_crate(
        &[("t", "all()")],
        &[
            (
                "src/lib.rs",
                "pub fn f() -> u32 {\n    missing_function()\n}\n",
            ),
            ("tests/t.rs", CALLS_F),
        ],
    );
    let report = grade(&course, Duration::from_secs(60));
    assert_eq!(hostile(&report)["status"], "compile_error");
    let message = hostile(&report)["message"].as_str().unwrap_or_default();
    assert_contains(message, "exercises/01-hostile/src/lib.rs:2:5");
    assert_contains(message, "missing_function");
}

#[test]
fn a_failing_build_script_is_a_compile_error_naming_it() {
    let course = hostile_crate(
        &[("t", "all()")],
        &[
            (
                "build.rs",
                "fn main() { panic!(\"the build script gave up\"); }\n",
            ),
            ("src/lib.rs", "pub fn f() {}\n"),
            ("tests/t.rs", CALLS_F),
        ],
    );
    let report = grade(&course, Duration::from_secs(60));
    assert_eq!(hostile(&report)["status"], "compile_error");
    let message = hostile(&report)["message"].as_str().unwrap_or_default();
    assert_contains(message, "custom build command");
}

#[test]
fn a_missing_crate_is_not_run_with_the_fix() {
    let course = course_with(
        &[("t", "all()")],
        &[],
        &[
            // The folder exists, but its package is not the one course.toml names.
            ("exercises/01-hostile/Cargo.toml", &manifest("renamed")),
            ("exercises/01-hostile/src/lib.rs", "pub fn f() {}\n"),
        ],
    );
    let report = grade(&course, Duration::from_secs(60));
    assert_eq!(hostile(&report)["status"], "not_run");
    let message = hostile(&report)["message"].as_str().unwrap_or_default();
    assert_contains(message, "package `hostile` is not in the workspace");
}

const HANGING_TESTS: &str = r#"
use std::time::Duration;

#[test]
fn spins_forever() {
    let mut x = 0u64;
    loop {
        x = std::hint::black_box(x.wrapping_add(1));
    }
}

#[test]
fn sleeps_holding_a_child() {
    let _child = std::process::Command::new("sleep").arg("MARKER").spawn().unwrap();
    std::thread::sleep(Duration::from_secs(1000));
}
"#;

#[test]
fn deadlocks_spins_and_sleeps_are_killed_as_timeouts_with_their_children() {
    let marker = unique_marker("hang");
    let tests = HANGING_TESTS.replace("MARKER", &marker) + &deadlocking_test("deadlocks");
    let course = hostile_tests(
        &[
            ("deadlock", "test(deadlocks)"),
            ("spin", "test(spins_forever)"),
            ("child", "test(sleeps_holding_a_child)"),
        ],
        &tests,
    );
    let report = grade(&course, Duration::from_secs(90));
    assert_eq!(hostile(&report)["status"], "timeout");
    for name in ["deadlock", "spin", "child"] {
        let (status, message) = first_test(&report, name);
        assert_eq!(status, "timeout", "{name}: {:#}", task(&report, name));
        assert!(message.contains("possible deadlock"), "{name}: {message}");
    }
    let live = wait_until_gone(&marker, Duration::from_secs(5));
    assert!(live.is_empty(), "the test's child outlived it: {live:?}");
}

const NOISY_TESTS: &str = r#"
use std::io::Write;

#[test]
fn prints_megabytes() {
    let line = "x".repeat(99);
    for _ in 0..50_000 {
        println!("{line}");
    }
    panic!("failed after printing 5 MB");
}

#[test]
fn prints_invalid_utf8() {
    std::io::stdout().write_all(&[0xff, 0xfe, 0xfd, b'\n']).unwrap();
    std::io::stderr().write_all(&[0xc3, 0x28, b'\n']).unwrap();
    panic!("failed after invalid UTF-8");
}

#[test]
fn aborts() {
    std::process::abort();
}

#[test]
fn exits_zero_half_way() {
    std::process::exit(0);
}
"#;

#[test]
fn output_floods_bad_bytes_aborts_and_early_exits_are_failures_with_bounded_messages() {
    let course = hostile_tests(
        &[
            ("megabytes", "test(prints_megabytes)"),
            ("utf8", "test(prints_invalid_utf8)"),
            ("abort", "test(aborts)"),
            ("exit0", "test(exits_zero_half_way)"),
        ],
        NOISY_TESTS,
    );
    let report = grade(&course, Duration::from_secs(60));
    let (status, message) = first_test(&report, "megabytes");
    assert_eq!(status, "failed");
    assert_contains(&message, "failed after printing 5 MB");
    assert!(
        message.chars().count() < 2000,
        "bounded excerpt, got {} chars",
        message.chars().count()
    );
    let (status, message) = first_test(&report, "utf8");
    assert_eq!(status, "failed");
    assert_contains(&message, "failed after invalid UTF-8");
    let (status, message) = first_test(&report, "abort");
    assert_eq!(status, "failed");
    assert!(
        message.contains("SIGABRT") || message.contains("abort"),
        "{message}"
    );
    let (status, message) = first_test(&report, "exit0");
    assert_eq!(status, "failed", "exit(0) inside a test must not pass");
    assert_contains(&message, "exited with code 0 before the test finished");
    assert_eq!(hostile(&report)["score"], 0);
    let whole = serde_json::to_string(&report).unwrap_or_default();
    assert!(
        whole.len() < 100_000,
        "the report stays small: {} bytes",
        whole.len()
    );
}

#[test]
fn a_spawn_storm_is_stopped_and_leaves_no_process_behind() {
    let marker = unique_marker("storm");
    // Linear, capped at 1000 children so a shared CI machine survives even
    // where RLIMIT_NPROC does not bind (root); the checker's bound is the
    // timeout kill of the test's process group.
    let storm = format!(
        r#"
#[test]
fn spawns_without_end() {{
    let mut children = Vec::new();
    for _ in 0..1000 {{
        match std::process::Command::new("sleep").arg("{marker}").spawn() {{
            Ok(child) => children.push(child),
            Err(_) => break,
        }}
    }}
    std::thread::sleep(std::time::Duration::from_secs(1000));
}}
"#
    );
    let course = hostile_tests(&[("storm", "all()")], &storm);
    let report = grade(&course, Duration::from_secs(90));
    let (status, _) = first_test(&report, "storm");
    assert!(status == "timeout" || status == "failed", "{status}");
    let live = wait_until_gone(&marker, Duration::from_secs(10));
    assert!(
        live.is_empty(),
        "{} storm processes outlived the run",
        live.len()
    );
}

#[test]
fn a_detached_process_left_behind_ends_with_its_command() {
    let marker = unique_marker("detached");
    // The test passes at once and leaves a process that is in neither its
    // process group nor its session: the timeout's group kill cannot reach
    // it, and it would spin (here: sleep) beside the next measurement.
    let detaches = format!(
        r#"
#[test]
fn detaches() {{
    let status = std::process::Command::new("sh")
        .args(["-c", "setsid sleep {marker} >/dev/null 2>&1 </dev/null &"])
        .status()
        .unwrap();
    assert!(status.success());
    panic!("left a detached process behind");
}}
"#
    );
    let course = hostile_tests(&[("detaches", "all()")], &detaches);
    let report = grade(&course, Duration::from_secs(90));
    let (status, message) = first_test(&report, "detaches");
    assert_eq!(status, "failed", "{message}");
    let live = wait_until_gone(&marker, Duration::from_secs(2));
    assert!(live.is_empty(), "outlived the run: {live:?}");
}

const PERF_TESTS: &str = r##"
fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("COURSE_PERF_DIR").expect("the checker sets it"))
}

#[test]
fn perf_panics() {
    panic!("the perf test fell over");
}

#[test]
fn perf_malformed_record() {
    std::fs::write(dir().join("x.json"), "{ not json").unwrap();
}

#[test]
fn perf_no_record() {}

#[test]
fn perf_two_records() {
    let record = r#"{"format_version":1,"name":"x","seed":1,"available_parallelism":2,"warmup_rounds":1,"rounds":[]}"#;
    std::fs::write(dir().join("a.json"), record).unwrap();
    std::fs::write(dir().join("b.json"), record).unwrap();
}
"##;

#[test]
fn broken_perf_tests_are_errors_each_with_its_reason() {
    let course = course_with(
        &[("t", "test(=works)")],
        &[
            "perf_panics",
            "perf_malformed_record",
            "perf_no_record",
            "perf_two_records",
        ],
        &[
            ("exercises/01-hostile/Cargo.toml", &manifest("hostile")),
            ("exercises/01-hostile/src/lib.rs", "pub fn f() {}\n"),
            (
                "exercises/01-hostile/tests/perf.rs",
                &format!("{PERF_TESTS}\n#[test]\nfn works() {{}}\n"),
            ),
        ],
    );
    let report = grade(&course, Duration::from_secs(60));
    let perf = hostile(&report)["perf"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let reason = |name: &str| {
        let check = perf
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(check["status"], "error", "{check:#}");
        assert_eq!(check["score"], 0);
        assert_eq!(check["attempts"], 1, "errors are not re-measured");
        check["message"].as_str().unwrap_or_default().to_owned()
    };
    assert!(reason("panics").contains("the perf test fell over"));
    // A perf test's own files are never graded: the runner hides the
    // record folder from the test and keeps only what the harness sends it.
    assert!(reason("malformed-record").contains("the perf test failed"));
    assert!(reason("no-record").contains("wrote no perf record"));
    assert!(reason("two-records").contains("the perf test failed"));
    assert_eq!(
        task(&report, "t")["score"],
        5,
        "the correctness task keeps its points"
    );
}

fn ok_course() -> FixtureCourse {
    hostile_tests(&[("t", "all()")], CALLS_F)
}

#[test]
fn a_course_toml_syntax_error_names_the_file_and_line() {
    let course = ok_course();
    course.write(
        "course.toml",
        "format_version = 1\n[[exercise]\nname = \"x\"\n",
    );
    let run = course.checker(&["verify"]);
    assert_eq!(run.code, Some(2));
    assert_contains(&run.stderr, "failed to parse");
    assert_contains(&run.stderr, "course.toml");
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
}

#[test]
fn missing_cargo_nextest_says_how_to_install_it() {
    let course = ok_course();
    // A cargo that knows every command but `nextest`, as on a fresh machine.
    let fake = course.root().join("fake-cargo");
    std::fs::write(
        &fake,
        "#!/bin/sh\nif [ \"$1\" = nextest ]; then echo 'error: no such command: `nextest`' >&2; exit 101; fi\nexec cargo \"$@\"\n",
    )
    .unwrap();
    make_executable(&fake);
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["verify"])
        .current_dir(course.root())
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO", &fake)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&stderr, "cargo-nextest is not installed");
    assert_contains(&stderr, "cargo install cargo-nextest --locked");
    assert!(out.stdout.is_empty(), "nothing half-graded on stdout");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path)
        .expect("the file exists")
        .permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions).expect("chmod the fake cargo");
}

#[test]
fn ctrl_c_stops_the_children_writes_nothing_and_exits_130() {
    let marker = unique_marker("sigint");
    let course = hostile_tests(
        &[("t", "all()")],
        &format!(
            "#[test]\nfn waits() {{\n    let _c = std::process::Command::new(\"sleep\").arg(\"{marker}\").spawn().unwrap();\n    std::thread::sleep(std::time::Duration::from_secs(1000));\n}}\n"
        ),
    );
    // A long timeout, so only the interrupt can end this run early.
    course.write(
        ".config/nextest.toml",
        &support::NEXTEST_TOML.replace(
            "period = \"1s\", terminate-after = 3",
            "period = \"600s\", terminate-after = 1",
        ),
    );
    let mut checker = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["verify", "--format", "json", "--output", "report.json"])
        .current_dir(course.root())
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the student's test (and its child) is running.
    let deadline = Instant::now() + Duration::from_secs(120);
    while live_processes_with(&marker).is_empty() {
        assert!(Instant::now() < deadline, "the test never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    let interrupted = Instant::now();
    // Safety: kill has no memory-safety preconditions.
    unsafe { libc::kill(checker.id() as i32, libc::SIGINT) };
    let status = checker.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut checker.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        interrupted.elapsed() < Duration::from_secs(15),
        "took {:?}",
        interrupted.elapsed()
    );
    assert_contains(&stderr, "interrupted");
    let live = wait_until_gone(&marker, Duration::from_secs(5));
    assert!(live.is_empty(), "children outlived the interrupt: {live:?}");
    let leftovers: Vec<_> = std::fs::read_dir(course.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("report"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no report, partial or whole: {leftovers:?}"
    );
}
