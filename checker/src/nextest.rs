//! Driving cargo-nextest and reading its machine-readable output.
//!
//! The checker never scrapes nextest's human output: test lists come from
//! `cargo nextest list --message-format json`, results from the grading
//! profile's JUnit file, and compiler errors from cargo's JSON messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::cargo_messages::CargoMessage;
use crate::process::{run_bounded, run_bounded_watching, truncate_chars};
use crate::report::{TestResult, TestStatus};

/// The nextest profile the checker grades with (see `.config/nextest.toml`).
pub const PROFILE: &str = "grading";
/// Filterset of the perf tests, kept out of the correctness run.
pub const PERF_TESTS: &str = "test(/(^|::)perf_/)";
/// Whether [`PERF_TESTS`] selects a test of this name.
pub fn is_perf_test(name: &str) -> bool {
    name.starts_with("perf_") || name.contains("::perf_")
}

/// How to install nextest where it is missing.
pub const INSTALL_HINT: &str = "install it with `cargo install cargo-nextest --locked` \
     (about 3 minutes), or fetch a prebuilt binary: see https://nexte.st/docs/installation/";

/// Output kept from one cargo invocation, per stream.
const OUTPUT_LIMIT: usize = 256 * 1024;
/// Output kept from a listing, which is one JSON document.
const LIST_LIMIT: usize = 64 * 1024 * 1024;
/// Why a test that "passed" without finishing is failed.
const EARLY_EXIT: &str = "the test process exited with code 0 before the test finished \
     (does the code call std::process::exit?); a test must return to pass";
/// Longest failure message kept in a report.
const MESSAGE_CHARS: usize = 1500;

/// Why nextest could not be driven.
#[derive(Debug, thiserror::Error)]
pub enum NextestError {
    /// `cargo nextest` is not installed.
    #[error("cargo-nextest is not installed (`cargo nextest --version` failed); {INSTALL_HINT}")]
    Missing,
    /// cargo itself could not be started.
    #[error("failed to run cargo: {0}")]
    Spawn(#[from] std::io::Error),
    /// The course names a package the workspace does not have.
    #[error(
        "package `{package}` is not in the workspace: check the `name` in its Cargo.toml \
         against course.toml (`git checkout` restores the original)"
    )]
    NoSuchPackage {
        /// The package asked for.
        package: String,
    },
    /// A task's filterset is not valid nextest syntax.
    #[error("nextest rejected the filter `{filter}`: {message}")]
    BadFilter {
        /// The filterset.
        filter: String,
        /// What nextest said.
        message: String,
    },
    /// Nextest ran but its output could not be read.
    #[error("unexpected output from `cargo nextest {what}`: {message}")]
    Output {
        /// Which subcommand.
        what: &'static str,
        /// What was wrong with it.
        message: String,
    },
}

/// A test, named independently of the package (starter and solution agree).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TestId {
    /// Test binary: the file name under `tests/`, or `lib` for unit tests.
    pub binary: String,
    /// The test's path inside its binary, e.g. `a::fails`.
    pub name: String,
}

impl TestId {
    fn from_nextest(package: &str, binary_id: &str, name: &str) -> Self {
        let binary = binary_id
            .strip_prefix(package)
            .and_then(|rest| rest.strip_prefix("::"))
            .unwrap_or(if binary_id == package {
                "lib"
            } else {
                binary_id
            });
        Self {
            binary: binary.to_owned(),
            name: name.to_owned(),
        }
    }
}

impl std::fmt::Display for TestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{}", self.binary, self.name)
    }
}

/// A compiler error, as the student should see it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// `file:line:column` of the primary span, when cargo gave one.
    pub location: Option<String>,
    /// The compiler's rendered message (trimmed).
    pub rendered: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rendered)
    }
}

/// Result of building and listing a package's tests.
#[derive(Debug)]
pub enum Listing {
    /// The tests exist and were listed.
    Built(Vec<TestId>),
    /// The package or its tests did not compile.
    CompileError(CompileError),
}

/// Drives `cargo nextest` in one course workspace.
#[derive(Debug, Clone)]
pub struct Nextest {
    root: PathBuf,
    cargo_profile: Option<String>,
    cargo_metadata: Option<PathBuf>,
}

impl Nextest {
    /// Checks that `cargo nextest` is installed, for the workspace at `root`.
    pub fn new(root: &Path) -> Result<Self, NextestError> {
        let ok = Command::new(cargo())
            .args(["nextest", "--version"])
            .current_dir(root)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            Ok(Self {
                root: root.to_owned(),
                cargo_profile: None,
                cargo_metadata: None,
            })
        } else {
            Err(NextestError::Missing)
        }
    }

    /// Builds with this cargo profile instead of the default one.
    pub fn with_cargo_profile(mut self, profile: Option<String>) -> Self {
        self.cargo_profile = profile;
        self
    }

    /// Hands nextest this `cargo metadata` file instead of letting it run
    /// cargo for it (see [`crate::cargo_metadata`]); the caller keeps it
    /// current.
    pub fn with_cargo_metadata(mut self, path: Option<PathBuf>) -> Self {
        self.cargo_metadata = path;
        self
    }

    fn command(&self, subcommand: &str, package: &str) -> Command {
        let mut cmd = Command::new(cargo());
        cmd.current_dir(&self.root)
            .args(["nextest", subcommand, "--package", package])
            .args(["--profile", PROFILE, "--ignore-default-filter"]);
        if let Some(profile) = &self.cargo_profile {
            cmd.args(["--cargo-profile", profile]);
        }
        if let Some(metadata) = &self.cargo_metadata {
            cmd.arg("--cargo-metadata").arg(metadata);
        }
        // Every test binary runs through the checker's runner, which proves
        // passes and ends what a test leaves running (`crate::runner`).
        match crate::runner::cargo_runner_env() {
            Ok((key, value)) => {
                cmd.env(key, value);
            }
            Err(why) => {
                eprintln!("checker: warning: tests run without the checker's runner: {why}")
            }
        }
        cmd.env(
            crate::runner::TEST_TMP_ENV,
            self.root.join("target/checker/test-tmp"),
        );
        // The step's command files are not the graded code's to write; it
        // can still find them, which `crate::workflow_files` catches.
        for variable in crate::workflow_files::VARIABLES {
            cmd.env_remove(variable);
        }
        // Only `checker scale` asks a perf test for another thread count,
        // and it says so per run: one inherited from the shell never reaches a
        // graded measurement.
        cmd.env_remove(fixtures::perf::PERF_THREADS_ENV);
        cmd.env("CARGO_TERM_COLOR", "never")
            .env("NEXTEST_HIDE_PROGRESS_BAR", "1")
            // Short panic messages: the report wants the assertion, not a backtrace.
            .env("RUST_BACKTRACE", "0");
        cmd
    }

    /// Builds `package`'s tests and lists them all, handing each line of the
    /// build's output (cargo's JSON messages) to `on_line` as it comes.
    pub fn list_all(
        &self,
        package: &str,
        on_line: &mut dyn FnMut(&str),
    ) -> Result<Listing, NextestError> {
        let mut cmd = self.command("list", package);
        cmd.args(["--message-format", "json", "--cargo-message-format", "json"]);
        let out = run_bounded_watching(&mut cmd, LIST_LIMIT, on_line)?;
        if !out.status.success() && names_no_such_package(&out.stderr) {
            return Err(NextestError::NoSuchPackage {
                package: package.to_owned(),
            });
        }
        let mut listing = None;
        let mut first_error = None;
        for line in out.stdout.lines() {
            let Ok(value) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if value.get("rust-suites").is_some() {
                listing = Some(value);
            } else if first_error.is_none() {
                first_error = compile_error_of(&value);
            }
        }
        if !out.status.success() || listing.is_none() {
            let error = first_error.unwrap_or_else(|| CompileError {
                location: None,
                rendered: error_lines(&out.stderr),
            });
            return Ok(Listing::CompileError(error));
        }
        let listing = listing.unwrap_or_default();
        Ok(Listing::Built(tests_in(&listing, package, false)?))
    }

    /// The tests of `package` that `filter` selects (build already done).
    pub fn list_matching(&self, package: &str, filter: &str) -> Result<Vec<TestId>, NextestError> {
        let mut cmd = self.command("list", package);
        cmd.args(["--message-format", "json", "--filterset", filter]);
        let out = run_bounded(&mut cmd, LIST_LIMIT)?;
        if !out.status.success() {
            return Err(NextestError::BadFilter {
                filter: filter.to_owned(),
                message: error_lines(&out.stderr),
            });
        }
        let listing: Value =
            serde_json::from_str(out.stdout.trim()).map_err(|e| NextestError::Output {
                what: "list",
                message: e.to_string(),
            })?;
        tests_in(&listing, package, true)
    }

    /// Runs the tests of `package` that `filter` selects, with extra `env`,
    /// and returns each test's result from the JUnit report.
    pub fn run(
        &self,
        package: &str,
        filter: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<BTreeMap<TestId, TestResult>, NextestError> {
        self.run_in(package, &[], filter, env)
    }

    /// Like [`Nextest::run`], but builds and runs only the test binaries
    /// named (as in [`TestId::binary`]; none = all of them): after a save,
    /// cargo then relinks those binaries alone, not every test of the crate.
    pub fn run_in(
        &self,
        package: &str,
        binaries: &[&str],
        filter: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<BTreeMap<TestId, TestResult>, NextestError> {
        let junit = self.junit_path();
        // A stale report from an earlier run must never be read as this one's.
        let _ = std::fs::remove_file(&junit);
        let mut cmd = self.command("run", package);
        cmd.args(binaries.iter().flat_map(|binary| target_args(binary)));
        cmd.args([
            "--filterset",
            filter,
            "--no-tests",
            "pass",
            "--no-fail-fast",
        ]);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let out = run_bounded(&mut cmd, OUTPUT_LIMIT)?;
        let xml = std::fs::read_to_string(&junit).map_err(|e| NextestError::Output {
            what: "run",
            message: format!(
                "no JUnit report at {} ({e}); nextest said: {}",
                junit.display(),
                error_lines(&out.stderr)
            ),
        })?;
        parse_junit(&xml, package)
    }

    fn junit_path(&self) -> PathBuf {
        self.root
            .join("target/nextest")
            .join(PROFILE)
            .join("junit.xml")
    }
}

/// Whether cargo's `stderr` is the error of a `--package` that names no
/// package of the workspace. Only an `error:` line counts: cargo also warns
/// "profile package spec `x` … did not match any packages" for a profile
/// override of a crate this build does not use, which is no such error.
fn names_no_such_package(stderr: &str) -> bool {
    stderr.lines().any(|line| {
        line.starts_with("error: package ID specification")
            && line.contains("did not match any packages")
    })
}

/// The cargo target selection that builds one test binary, named as in
/// [`TestId::binary`] (nextest's binary id without the package).
fn target_args(binary: &str) -> Vec<String> {
    let (flag, name) = match binary.split_once('/') {
        _ if binary == "lib" => return vec!["--lib".into()],
        Some(("bin", name)) => ("--bin", name),
        Some(("example", name)) => ("--example", name),
        Some(("bench", name)) => ("--bench", name),
        _ => ("--test", binary),
    };
    vec![flag.into(), name.into()]
}

/// The cargo that launched us (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// What the checker reads of `cargo nextest list --message-format json`:
/// nextest-metadata's `TestListSummary`, cut to these fields (the crate
/// itself would add target-spec and its build to every first grade).
#[derive(Debug, serde::Deserialize)]
struct TestList {
    #[serde(rename = "rust-suites")]
    rust_suites: BTreeMap<String, TestSuite>,
}

/// One test binary of the list.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct TestSuite {
    binary_id: String,
    #[serde(default)]
    testcases: BTreeMap<String, TestCase>,
}

/// One test of a binary.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct TestCase {
    #[serde(default)]
    ignored: bool,
    filter_match: Option<FilterMatch>,
}

/// Whether the list's filter selected a test.
#[derive(Debug, serde::Deserialize)]
struct FilterMatch {
    status: String,
}

fn tests_in(
    listing: &Value,
    package: &str,
    only_matching: bool,
) -> Result<Vec<TestId>, NextestError> {
    let list = TestList::deserialize(listing).map_err(|e| NextestError::Output {
        what: "list",
        message: format!("not a test list: {e}"),
    })?;
    let mut tests = Vec::new();
    for suite in list.rust_suites.values() {
        for (name, case) in &suite.testcases {
            let matches = case
                .filter_match
                .as_ref()
                .is_none_or(|m| m.status == "matches");
            if !case.ignored && (matches || !only_matching) {
                tests.push(TestId::from_nextest(package, &suite.binary_id, name));
            }
        }
    }
    tests.sort();
    Ok(tests)
}

/// The compile error on a line of cargo's JSON, if it is one.
fn compile_error_of(line: &Value) -> Option<CompileError> {
    let message = CargoMessage::deserialize(line).ok()?;
    let diagnostic = message.compiler_error()?;
    Some(CompileError {
        location: diagnostic.location(),
        rendered: truncate_chars(diagnostic.rendered.trim_end(), MESSAGE_CHARS),
    })
}

/// The `error…` lines of cargo's or nextest's stderr, or its tail.
fn error_lines(stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("error"))
        .collect();
    let text = if errors.is_empty() {
        let lines: Vec<&str> = stderr.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    } else {
        errors.join("\n")
    };
    truncate_chars(text.trim(), MESSAGE_CHARS)
}

/// How a line of the runner's own verdict starts in a test's output.
const RUNNER_VERDICT: &str = "checker: ";

/// Reads nextest's JUnit report into per-test results.
pub fn parse_junit(xml: &str, package: &str) -> Result<BTreeMap<TestId, TestResult>, NextestError> {
    let report =
        quick_junit::Report::deserialize_from_str(xml).map_err(|e| NextestError::Output {
            what: "run",
            message: format!("malformed JUnit report: {e}"),
        })?;
    let mut results = BTreeMap::new();
    for suite in &report.test_suites {
        for case in &suite.test_cases {
            let binary_id = case
                .classname
                .as_ref()
                .map_or(suite.name.as_str(), |c| c.as_str());
            let id = TestId::from_nextest(package, binary_id, case.name.as_str());
            let duration_ms = case.time.map_or(0, |t: Duration| {
                u64::try_from(t.as_millis()).unwrap_or(u64::MAX)
            });
            let (status, message) = match &case.status {
                quick_junit::TestCaseStatus::Success { .. } => match &case.system_out {
                    // libtest ends every finished run of one test with
                    // `test result: ok. 1 passed`; a process that exited 0
                    // half-way never prints it, and a stale binary without
                    // the test prints `0 passed`.
                    Some(out) if !out.as_str().contains("test result: ok. 1 passed") => {
                        (TestStatus::Failed, Some(EARLY_EXIT.to_owned()))
                    }
                    _ => (TestStatus::Passed, None),
                },
                quick_junit::TestCaseStatus::Skipped { .. } => (TestStatus::NotRun, None),
                quick_junit::TestCaseStatus::NonSuccess {
                    ty,
                    description,
                    message,
                    ..
                } => {
                    let ty = ty.as_ref().map(|t| t.as_str()).unwrap_or_default();
                    if ty.contains("timeout") {
                        (
                            TestStatus::Timeout,
                            Some(format!(
                                "killed after the grading timeout ({ty}): possible deadlock or endless loop"
                            )),
                        )
                    } else {
                        let text = description
                            .as_ref()
                            .or(message.as_ref())
                            .map(|d| d.as_str())
                            .unwrap_or_default();
                        // A panic speaks for itself; otherwise the runner may
                        // have failed the test (an exit before the body's end).
                        let message = match runner_verdict(case) {
                            Some(verdict) if !text.contains("panicked at") => verdict,
                            _ => failure_message(ty, text),
                        };
                        (TestStatus::Failed, Some(message))
                    }
                }
            };
            let name = id.to_string();
            results.insert(
                id,
                TestResult {
                    name,
                    status,
                    duration_ms,
                    message,
                    file: None,
                    line: None,
                },
            );
        }
    }
    Ok(results)
}

/// The runner's own verdict on a failed test (one that exited before its
/// body returned), from the test's captured output; the last such line
/// counts, since the runner speaks after the test process has ended.
fn runner_verdict(case: &quick_junit::TestCase) -> Option<String> {
    [&case.system_err, &case.system_out]
        .into_iter()
        .flatten()
        .find_map(|out| {
            out.as_str()
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix(RUNNER_VERDICT))
                .map(|verdict| truncate_chars(verdict, MESSAGE_CHARS))
        })
}

/// The useful part of a test failure: the panic location and message, not
/// the harness chatter around it.
fn failure_message(ty: &str, text: &str) -> String {
    let mut lines = text.lines().skip_while(|l| !l.contains("panicked at"));
    let message = match lines.next() {
        Some(first) => {
            let location = first
                .split_once("panicked at ")
                .map_or(first, |(_, loc)| loc.trim_end_matches(':'));
            let body: Vec<&str> = lines
                .take_while(|l| !l.starts_with("note:") && !l.starts_with("stack backtrace:"))
                .collect();
            format!("{} (at {location})", body.join("\n").trim())
        }
        None if text.trim().is_empty() => ty.to_owned(),
        None => format!("{ty}: {}", text.trim()),
    };
    truncate_chars(&message, MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="3" skipped="0" failures="2" errors="0">
  <testsuite name="good::t" tests="3" skipped="0" errors="0" failures="2">
    <testcase name="a::ok" classname="good::t" time="0.004"/>
    <testcase name="a::fails" classname="good::t" time="0.068">
      <failure message="thread &apos;a::fails&apos; panicked at good/tests/t.rs:1:76" type="test failure with exit code 101">thread &apos;a::fails&apos; (6806) panicked at good/tests/t.rs:1:76:
assertion `left == right` failed: custom msg
  left: 1
 right: 2
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace</failure>
    </testcase>
    <testcase name="hangs" classname="good::t" time="2.004"><failure type="test timeout"/></testcase>
  </testsuite>
  <testsuite name="good" tests="1" skipped="0" errors="0" failures="0">
    <testcase name="unit" classname="good" time="0.001"/>
  </testsuite>
</testsuites>"#;

    #[test]
    fn junit_statuses_messages_and_names() {
        let results = parse_junit(JUNIT, "good").unwrap();
        let by_name: BTreeMap<String, &TestResult> =
            results.values().map(|r| (r.name.clone(), r)).collect();
        assert_eq!(by_name["t::a::ok"].status, TestStatus::Passed);
        assert_eq!(by_name["lib::unit"].status, TestStatus::Passed);
        let failed = by_name["t::a::fails"];
        assert_eq!(failed.status, TestStatus::Failed);
        assert_eq!(failed.duration_ms, 68);
        let message = failed.message.as_deref().unwrap();
        assert!(
            message.starts_with("assertion `left == right` failed: custom msg"),
            "{message}"
        );
        assert!(message.ends_with("(at good/tests/t.rs:1:76)"), "{message}");
        assert!(!message.contains("RUST_BACKTRACE"), "{message}");
        let hung = by_name["t::hangs"];
        assert_eq!(hung.status, TestStatus::Timeout);
        assert!(
            hung.message
                .as_deref()
                .unwrap()
                .contains("possible deadlock")
        );
    }

    #[test]
    fn a_pass_without_libtest_s_result_line_is_an_early_exit() {
        let xml = r#"<testsuites name="r" tests="3" failures="0" errors="0"><testsuite name="good::t" tests="3" failures="0" errors="0">
<testcase name="finished" classname="good::t"><system-out>running 1 test
test finished ... ok

test result: ok. 1 passed; 0 failed</system-out></testcase>
<testcase name="missing" classname="good::t"><system-out>running 0 tests

test result: ok. 0 passed; 0 failed</system-out></testcase>
<testcase name="exits_zero" classname="good::t"><system-out>running 1 test
</system-out></testcase>
</testsuite></testsuites>"#;
        let results = parse_junit(xml, "good").unwrap();
        let status = |name: &str| results.values().find(|r| r.name == name).map(|r| r.status);
        assert_eq!(status("t::finished"), Some(TestStatus::Passed));
        assert_eq!(status("t::exits_zero"), Some(TestStatus::Failed));
        assert_eq!(status("t::missing"), Some(TestStatus::Failed));
    }

    #[test]
    fn malformed_junit_is_an_error_not_a_panic() {
        assert!(parse_junit("<testsuites><testsuite", "x").is_err());
    }

    #[test]
    fn solution_and_starter_tests_get_the_same_names() {
        let starter = TestId::from_nextest("topic", "topic::spawn_join", "order");
        let solution =
            TestId::from_nextest("topic-solution", "topic-solution::spawn_join", "order");
        assert_eq!(starter, solution);
        assert_eq!(
            TestId::from_nextest("topic", "topic", "unit").to_string(),
            "lib::unit"
        );
    }

    #[test]
    fn the_first_compiler_error_is_taken_with_its_location() {
        let line = r#"{"reason":"compiler-message","message":{"rendered":"error[E0308]: mismatched types\n --> bad/src/lib.rs:1:21\n","level":"error","spans":[{"file_name":"bad/src/lib.rs","is_primary":true,"line_start":1,"column_start":21}]}}"#;
        let error = compile_error_of(&serde_json::from_str(line).unwrap()).unwrap();
        assert_eq!(error.location.as_deref(), Some("bad/src/lib.rs:1:21"));
        assert!(error.rendered.starts_with("error[E0308]"));
        let warning = line.replace(r#""level":"error""#, r#""level":"warning""#);
        assert!(compile_error_of(&serde_json::from_str(&warning).unwrap()).is_none());
    }

    #[test]
    fn perf_tests_are_named_as_the_filterset_says() {
        assert!(is_perf_test("perf_count_primes"));
        assert!(is_perf_test("timing::perf_pool"));
        assert!(!is_perf_test("superf_thing"));
        assert!(!is_perf_test("x::not_perf_"));
    }

    #[test]
    fn only_cargos_error_names_a_missing_package() {
        let missing = "error: package ID specification `nope` did not match any packages\n";
        assert!(names_no_such_package(missing));
        let warned = "warning: profile package spec `checker` in profile `dev` did not match any \
                      packages\n   Compiling x v0.1.0\n";
        assert!(!names_no_such_package(warned));
    }

    #[test]
    fn each_kind_of_test_binary_is_built_by_its_own_cargo_flag() {
        assert_eq!(target_args("lib"), ["--lib"]);
        assert_eq!(target_args("spawn_join"), ["--test", "spawn_join"]);
        assert_eq!(target_args("bin/t01-worker"), ["--bin", "t01-worker"]);
        assert_eq!(target_args("example/costs"), ["--example", "costs"]);
        assert_eq!(target_args("bench/speed"), ["--bench", "speed"]);
    }

    #[test]
    fn non_panic_failures_keep_their_kind() {
        let msg = failure_message("test abort with signal 6", "");
        assert_eq!(msg, "test abort with signal 6");
    }
}
