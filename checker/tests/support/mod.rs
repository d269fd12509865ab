//! Tiny fixture courses in temp dirs, graded by the real checker binary.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub mod course_toml;
pub mod real_course;

/// A course written into a temp dir: a workspace of exercise crates, a
/// `course.toml` and a nextest config with short timeouts.
pub struct FixtureCourse {
    dir: tempfile::TempDir,
    shared_target: bool,
}

/// Nextest config of fixture courses: the grading profile of the real course,
/// with a 1 s × 3 timeout so a deadlock costs seconds, not half a minute.
pub const NEXTEST_TOML: &str = r#"
[test-groups]
perf = { max-threads = 1 }

[[profile.default.overrides]]
filter = "test(/(^|::)perf_/)"
test-group = "perf"
threads-required = "num-cpus"
slow-timeout = { period = "60s", terminate-after = 3 }

[profile.grading]
fail-fast = false
slow-timeout = { period = "1s", terminate-after = 3, grace-period = "1s" }

[profile.grading.junit]
path = "junit.xml"
store-success-output = true
"#;

impl FixtureCourse {
    /// A course with `course_toml` and the given `(path, contents)` files.
    pub fn new(course_toml: &str, files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let course = Self {
            dir,
            shared_target: false,
        };
        course.write(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\"]\n",
        );
        course.write(".config/nextest.toml", NEXTEST_TOML);
        course.write("course.toml", course_toml);
        for (path, contents) in files {
            course.write(path, contents);
        }
        course
    }

    /// Builds in a target dir shared by the fixture courses of this test run,
    /// so the real `fixtures` crate and its dependencies build only once.
    ///
    /// Only for courses whose package names are unique across the test suite:
    /// cargo hashes workspace members by their path *relative to the
    /// workspace*, so two courses with the same layout and package names
    /// would overwrite each other's test binaries in a shared target dir.
    pub fn with_shared_target(mut self) -> Self {
        self.shared_target = true;
        self
    }

    /// Writes one file, creating its folders.
    pub fn write(&self, path: &str, contents: &str) {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    /// Makes the course a git repository whose one commit is the template,
    /// as GitHub does for a repository created from a template.
    pub fn commit_as_template(&self) {
        self.git(&[
            &["init", "-q"],
            &["add", "-A"],
            &["commit", "-qm", "template"],
        ]);
    }

    /// Runs each git command in the course root, as a test user.
    pub fn git(&self, commands: &[&[&str]]) {
        for args in commands {
            let ok = Command::new("git")
                .args(*args)
                .current_dir(self.root())
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .status()
                .expect("git runs")
                .success();
            assert!(ok, "git {args:?}");
        }
    }

    /// The course root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the checker in the course root with `args`.
    pub fn checker(&self, args: &[&str]) -> Run {
        self.checker_with_env(args, &[])
    }

    /// Runs the checker in the course root with `args` and extra `env`.
    pub fn checker_with_env(&self, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Run {
        let started = Instant::now();
        let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
        command.args(args).current_dir(self.root());
        for (key, value) in env {
            command.env(key, value);
        }
        if self.shared_target {
            command.env("CARGO_TARGET_DIR", shared_target_dir());
        } else {
            // The course's own target/, whatever the outer build uses.
            command.env_remove("CARGO_TARGET_DIR");
        }
        let output = command.output().expect("run the checker");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }

    /// Runs `checker verify --format json` and parses the report. The same
    /// run writes its JUnit report too, which must validate against Jenkins'
    /// xUnit schema and hold the JSON's counts ([`assert_valid_junit`]), and
    /// its HTML report, which must be well-formed with a plot for every
    /// measured perf check ([`assert_valid_html`]): so every grade the suite
    /// makes — starters, solutions, partly solved, broken — checks those
    /// renderings of it.
    pub fn verify_json(&self, extra: &[&str]) -> (Run, serde_json::Value) {
        // Outside the course: nothing of the student's repository changes.
        let elsewhere = tempfile::tempdir().expect("temp dir");
        let junit = elsewhere.path().join("junit.xml");
        let html = elsewhere.path().join("report.html");
        let also_junit = format!("junit={}", junit.display());
        let also_html = format!("html={}", html.display());
        let mut args = vec![
            "verify",
            "--format",
            "json",
            "--also",
            &also_junit,
            "--also",
            &also_html,
        ];
        args.extend_from_slice(extra);
        let run = self.checker(&args);
        let report = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
            panic!(
                "not a JSON report ({e}):\n{}\nstderr:\n{}",
                run.stdout, run.stderr
            )
        });
        assert_valid_junit(&junit, &report);
        assert_valid_html(&html, &report);
        (run, report)
    }
}

/// The HTML report at `path` is well-formed and plots each perf check of
/// `report` that has rounds, once.
pub fn assert_valid_html(path: &Path, report: &serde_json::Value) {
    let html = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no HTML report at {}: {e}", path.display()));
    if let Err(e) = checker::render::html::well_formed(&html) {
        panic!("the HTML report is not well-formed: {e}\n{html}");
    }
    let measured = report["exercises"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["perf"].as_array().into_iter().flatten())
        .filter(|check| {
            check["round_speedups"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .count();
    assert_eq!(
        html.matches("<svg ").count(),
        measured,
        "one plot per measured perf check:\n{html}"
    );
}

/// What one checker run did.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// How long it took.
    pub elapsed: Duration,
}

/// A target dir shared by every fixture course of this test run.
pub fn shared_target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-courses")
}

/// A `[package]` manifest for an exercise crate with no dependencies.
pub fn manifest(package: &str) -> String {
    format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n")
}

/// A `[package]` manifest for an exercise crate using the real `fixtures` crate.
pub fn manifest_with_fixtures(package: &str) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    format!(
        "{}\n[dependencies]\nfixtures = {{ path = {:?} }}\n",
        manifest(package),
        fixtures.display().to_string()
    )
}

/// The exercise called `name` in a JSON report.
pub fn exercise<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["exercises"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no exercise {name} in {report:#}"))
}

/// The source of a test named `name` that deadlocks every time, not by
/// luck: two threads take two locks in opposite orders, each holding its
/// first lock until the other holds its own.
pub fn deadlocking_test(name: &str) -> String {
    format!(
        r#"
#[test]
fn {name}() {{
    use std::sync::{{Arc, Barrier, Mutex}};
    let a = Arc::new(Mutex::new(()));
    let b = Arc::new(Mutex::new(()));
    let both_hold_one = Arc::new(Barrier::new(2));
    let t = {{
        let (a, b, both_hold_one) = (a.clone(), b.clone(), both_hold_one.clone());
        std::thread::spawn(move || {{
            let _a = a.lock().unwrap();
            both_hold_one.wait();
            let _b = b.lock().unwrap();
        }})
    }};
    let _b = b.lock().unwrap();
    both_hold_one.wait();
    let _a = a.lock().unwrap();
    t.join().unwrap();
}}
"#
    )
}

/// Fails the test, showing all of `haystack`, unless it contains `needle`:
/// the check most of these tests make of a command's output or a report.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

/// Asserts that `report` validates against the published JSON Schema.
pub fn assert_valid_report(report: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../../report.schema.json"))
        .expect("report.schema.json is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match report.schema.json: {errors:#?}\n{report:#}"
    );
}

/// Jenkins' xUnit JUnit schema, vendored (see `.ci/schemas/README.md`).
pub fn xunit_schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/schemas/junit-10.xsd")
}

/// Whether `xml_path` validates against [`xunit_schema`], by libxml2's
/// `xmllint`: `Ok(())`, `Err` with xmllint's complaint, or `None` when
/// xmllint is not installed here and `CHECKER_REQUIRE_XMLLINT` is not set
/// (`.ci/run` sets it and installs xmllint, so CI always validates).
pub fn xunit_validation(xml_path: &Path) -> Option<Result<(), String>> {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xunit_schema())
        .arg(xml_path)
        .output();
    match output {
        Ok(output) if output.status.success() => Some(Ok(())),
        Ok(output) => Some(Err(String::from_utf8_lossy(&output.stderr).into_owned())),
        Err(error) if std::env::var_os("CHECKER_REQUIRE_XMLLINT").is_some() => {
            panic!("xmllint must run here (CHECKER_REQUIRE_XMLLINT is set): {error}")
        }
        Err(_) => {
            eprintln!(
                "note: xmllint is not installed: JUnit reports are parsed but not validated \
                 against the xUnit schema (Debian: libxml2-utils)"
            );
            None
        }
    }
}

/// Asserts that GitHub Classroom's own reporter (its published
/// `dist/main.js`, vendored in `.ci/vendor/`), run by node on the step
/// outputs of a `--format github` run, prints and records the checker's
/// score: `scripts/classroom-total.mjs --outputs` does the running and the
/// comparing. Skipped with a note where node is not installed, unless
/// `CHECKER_REQUIRE_NODE` is set (`.ci/run` sets it).
pub fn assert_classroom_totals(outputs: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/classroom-total.mjs");
    let run = Command::new("node")
        .arg(script)
        .arg("--outputs")
        .arg(outputs)
        .output();
    match run {
        Ok(run) => assert!(
            run.status.success(),
            "GitHub Classroom's reporter disagrees with the checker's score ({}):\n{}\n{}",
            run.status,
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        ),
        Err(error) if std::env::var_os("CHECKER_REQUIRE_NODE").is_some() => {
            panic!("node must run here (CHECKER_REQUIRE_NODE is set): {error}")
        }
        Err(_) => eprintln!(
            "note: node is not installed: the Classroom reporter's totals are not checked"
        ),
    }
}

/// Asserts that the JUnit report at `path` validates against Jenkins'
/// xUnit schema and, read back by a JUnit parser (nextest's `quick-junit`),
/// has a case for every graded test, task without tests and perf check of
/// the JSON `report` (and the protected-files check), with the same number
/// not passing.
pub fn assert_valid_junit(path: &Path, report: &serde_json::Value) {
    let xml = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no JUnit report at {}: {e}", path.display()));
    if let Some(Err(complaint)) = xunit_validation(path) {
        panic!("the JUnit report does not validate against junit-10.xsd:\n{complaint}\n{xml}");
    }
    let parsed = quick_junit::Report::deserialize_from_str(&xml)
        .unwrap_or_else(|e| panic!("the JUnit report does not parse: {e}\n{xml}"));
    let cases: Vec<&quick_junit::TestCase> = parsed
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .collect();
    let (mut expected, mut not_passing) = (0, 0);
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    for exercise in list(&report["exercises"]) {
        for task in list(&exercise["tasks"]) {
            let tests = list(&task["tests"]);
            if tests.is_empty() {
                expected += 1;
                not_passing += usize::from(task["score"] != task["max_score"]);
            }
            for test in tests {
                expected += 1;
                not_passing += usize::from(test["status"] != "passed");
            }
        }
        for check in list(&exercise["perf"]) {
            expected += 1;
            not_passing += usize::from(check["status"] != "passed");
        }
    }
    if let Some(protected) = report.get("protected") {
        expected += 1;
        not_passing += usize::from(!list(&protected["changed"]).is_empty());
    }
    assert_eq!(cases.len(), expected, "cases in {xml}");
    assert_eq!(parsed.tests, expected, "the root's tests count in {xml}");
    let failing = cases
        .iter()
        .filter(|c| !matches!(c.status, quick_junit::TestCaseStatus::Success { .. }))
        .count();
    assert_eq!(failing, not_passing, "cases not passing in {xml}");
    let non_success = cases
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::NonSuccess { .. }))
        .count();
    assert_eq!(parsed.failures + parsed.errors, non_success, "{xml}");
    assert!(
        cases.iter().all(|c| c.time.is_some()),
        "every case has a time: {xml}"
    );
}

/// Perf "student code" on the real `fixtures`: a one-thread impostor and a
/// real strided split.
pub const PRIMES_LIB: &str = r#"
use std::ops::Range;
use fixtures::baselines::is_prime;

pub fn one_thread(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

/// Blocks of 1024 numbers dealt round-robin: every thread gets a fair mix of
/// small and large numbers (a stride of 2 would give one thread all evens).
pub fn strided(range: Range<u64>, threads: usize) -> u64 {
    const BLOCK: u64 = 1024;
    let blocks = (range.end - range.start).div_ceil(BLOCK);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let range = range.clone();
                s.spawn(move || {
                    let mut count = 0;
                    for block in (t..blocks).step_by(threads) {
                        let start = range.start + block * BLOCK;
                        let end = (start + BLOCK).min(range.end);
                        count += (start..end).filter(|&n| is_prime(n)).count() as u64;
                    }
                    count
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
"#;

/// The `course.toml` of a course of one exercise, `01-sums`, with two
/// tasks: `adds` (4 points, hint "add") and `doubles` (6, hint "double");
/// `top` is its `protected` list, or nothing.
pub fn sums_catalogue(top: &str) -> String {
    course_toml::course(
        top,
        &[
            course_toml::exercise("01-sums", "sums", "Sums", 244),
            course_toml::hinted_task("adds", "test(adds)", 4, "add"),
            course_toml::hinted_task("doubles", "test(doubles)", 6, "double"),
        ],
    )
}

/// `01-sums` as the student has it: `add` solved, `double` not.
pub const SUMS_STARTER: &str =
    "pub fn add(a: u32, b: u32) -> u32 { a + b }\npub fn double(a: u32) -> u32 { a }\n";

/// `01-sums` solved.
pub const SUMS_SOLVED: &str =
    "pub fn add(a: u32, b: u32) -> u32 { a + b }\npub fn double(a: u32) -> u32 { 2 * a }\n";

/// The tests of `01-sums`: one per task.
pub const SUMS_TESTS: &str = "#[test]\nfn adds() {\n    assert_eq!(sums::add(2, 3), 5);\n}\n\n#[test]\nfn doubles() {\n    assert_eq!(sums::double(4), 8, \"double 4\");\n}\n";

/// `01-sums` as a template repository (one commit) whose student solved
/// `add` but not `double`, with `protected` as the catalogue's list.
pub fn sums_template(protected: &str) -> FixtureCourse {
    let course = sums_course(protected);
    course.commit_as_template();
    course
}

/// `01-sums` with `add` solved and `double` not, not yet a git repository.
pub fn sums_course(protected: &str) -> FixtureCourse {
    FixtureCourse::new(
        &sums_catalogue(protected),
        &[
            ("exercises/01-sums/Cargo.toml", &manifest("sums")),
            ("exercises/01-sums/src/lib.rs", SUMS_STARTER),
            ("exercises/01-sums/tests/t.rs", SUMS_TESTS),
            (".gitignore", "target/\n"),
        ],
    )
}
