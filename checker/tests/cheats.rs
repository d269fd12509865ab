//! The cheat suite: what a student who has read the checker's source might
//! try with the files of their own repository, each graded end to end by
//! the real binary on a fixture course made from a "template" commit. Each
//! cheat earns 0 for the item it targets, is flagged in every report format,
//! and the honest work beside it keeps its points in the same run.
//!
//! Cheats on student code itself (more workers than the contract allows,
//! forged perf records, …) are in `perf_grading.rs` and, for the real
//! exercises, in the exercises' own tests.

mod support;

use support::{
    FixtureCourse, PRIMES_LIB, SUMS_TESTS, assert_contains, assert_valid_report, course_toml,
    exercise, manifest_with_fixtures, sums_catalogue,
};

const PROTECTED: &str = r#"protected = ["course.toml", ".cargo/**", ".config/**", "exercises/*/tests/**", "exercises/*/Cargo.toml", "exercises/*/build.rs"]"#;

/// The test file as a cheating student would like it: `double` "works".
fn edited_tests() -> String {
    SUMS_TESTS.replace("8, \"double 4\"", "4, \"double 4\"")
}

/// A template repository whose student solved `add` but not `double`.
fn sums_course() -> FixtureCourse {
    support::sums_template(PROTECTED)
}

/// Grades in the human format, then in every machine-readable format at
/// once (`--format github` with the others as `--also`) with `extra`.
struct Graded {
    run: support::Run,
    json: serde_json::Value,
    junit: String,
    markdown: String,
    human: String,
}

fn grade_every_format(course: &FixtureCourse, extra: &[&str]) -> Graded {
    // First, as a student would run it (this puts their edits back).
    let human = course.checker(&["verify"]).stdout;
    let mut args = vec![
        "verify",
        "--format",
        "github",
        "--also",
        "json=report.json",
        "--also",
        "junit=junit.xml",
        "--also",
        "markdown=report.md",
    ];
    args.extend_from_slice(extra);
    let run = course.checker(&args);
    let read = |name: &str| {
        std::fs::read_to_string(course.root().join(name))
            .unwrap_or_else(|e| panic!("no {name} ({e}); stderr:\n{}", run.stderr))
    };
    let json: serde_json::Value = serde_json::from_str(&read("report.json")).expect("JSON report");
    assert_valid_report(&json);
    let (junit, markdown) = (read("junit.xml"), read("report.md"));
    Graded {
        run,
        json,
        junit,
        markdown,
        human,
    }
}

fn task_score(report: &serde_json::Value, task: &str) -> u64 {
    exercise(report, "01-sums")["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["name"] == task))
        .and_then(|t| t["score"].as_u64())
        .unwrap_or_else(|| panic!("no task {task} in {report:#}"))
}

/// The cheated task earns 0, the honest one its points, and every format
/// names each changed file.
fn assert_cheat_defeated(graded: &Graded, changed: &[&str]) {
    let report = &graded.json;
    assert_eq!(task_score(report, "doubles"), 0, "the cheat was credited");
    assert_eq!(
        task_score(report, "adds"),
        4,
        "honest work keeps its points"
    );
    assert_eq!(report["score"], 4);
    assert_eq!(graded.run.code, Some(1), "stderr:\n{}", graded.run.stderr);
    assert_eq!(
        report["protected"]["changed"],
        serde_json::json!(changed),
        "{report:#}"
    );
    for path in changed {
        assert!(
            graded
                .run
                .stdout
                .contains(&format!("::error file={path},title=protected file::")),
            "github annotations miss {path}:\n{}",
            graded.run.stdout
        );
        assert!(graded.markdown.contains(path), "{}", graded.markdown);
        assert!(graded.junit.contains(path), "{}", graded.junit);
        assert!(graded.human.contains(path), "{}", graded.human);
    }
    assert!(graded.junit.contains("<failure"), "{}", graded.junit);
}

#[test]
fn an_emptied_protected_list_does_not_unprotect_the_tests() {
    let course = sums_course();
    course.write("course.toml", &sums_catalogue("protected = []"));
    course.write("exercises/01-sums/tests/t.rs", &edited_tests());
    let graded = grade_every_format(&course, &[]);
    assert_cheat_defeated(&graded, &["course.toml", "exercises/01-sums/tests/t.rs"]);
    // A local run grades with the template's files and puts the student's
    // edits back afterwards: nothing of theirs is lost.
    let tests = std::fs::read_to_string(course.root().join("exercises/01-sums/tests/t.rs"));
    assert_eq!(tests.ok(), Some(edited_tests()));
    assert_contains(&graded.run.stderr, "your edits are back in place");
}

#[test]
fn a_shortened_protected_list_does_not_unprotect_the_tests() {
    let course = sums_course();
    course.write(
        "course.toml",
        &sums_catalogue(&PROTECTED.replace(r#" "exercises/*/tests/**","#, "")),
    );
    course.write("exercises/01-sums/tests/t.rs", &edited_tests());
    // As in CI: the template's versions stay.
    let graded = grade_every_format(&course, &["--restore-protected"]);
    assert_cheat_defeated(&graded, &["course.toml", "exercises/01-sums/tests/t.rs"]);
    assert_eq!(graded.json["protected"]["restored"], true);
    let tests = std::fs::read_to_string(course.root().join("exercises/01-sums/tests/t.rs"));
    assert_eq!(tests.ok().as_deref(), Some(SUMS_TESTS));
}

#[test]
fn an_added_build_script_hidden_by_gitignore_never_runs() {
    let course = sums_course();
    // A build script the template does not have, which would rewrite the
    // test before it is compiled, kept out of `git status`.
    course.write(
        "exercises/01-sums/build.rs",
        "fn main() {\n    let t = std::fs::read_to_string(\"tests/t.rs\").unwrap();\n    \
         std::fs::write(\"tests/t.rs\", t.replace(\"8, \\\"double 4\\\"\", \"4, \\\"double 4\\\"\")).unwrap();\n}\n",
    );
    course.write(".gitignore", "target/\nbuild.rs\n");
    let graded = grade_every_format(&course, &[]);
    assert_cheat_defeated(&graded, &["exercises/01-sums/build.rs"]);
    let tests = std::fs::read_to_string(course.root().join("exercises/01-sums/tests/t.rs"));
    assert_eq!(
        tests.ok().as_deref(),
        Some(SUMS_TESTS),
        "the script never ran"
    );
    assert!(
        course.root().join("exercises/01-sums/build.rs").is_file(),
        "the student's file is put back after a local run"
    );
}

#[test]
fn a_planted_kept_edits_list_writes_nothing_outside_the_course() {
    let course = sums_course();
    let outside = tempfile::tempdir().expect("temp dir");
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep me").expect("write");
    // What a local run keeps while it grades, planted (and committed) to
    // make the checker delete a file outside the course.
    course.write(
        "target/checker/protected-edits/list.txt",
        &format!("-{}\n", victim.display()),
    );
    course.write(".gitignore", "");
    course.git(&[&["add", "-A"], &["commit", "-qm", "plant"]]);
    let (run, report) = course.verify_json(&["--restore-protected"]);
    assert_eq!(report["score"], 4, "graded as usual in CI: {}", run.stderr);
    let local = course.checker(&["verify"]);
    assert_eq!(local.code, Some(2), "{}", local.stderr);
    assert_contains(&local.stderr, "not a path inside the course");
    assert_eq!(
        std::fs::read_to_string(&victim).ok().as_deref(),
        Some("keep me")
    );
}

#[test]
fn the_other_commands_read_the_templates_rules_too() {
    let course = sums_course();
    course.write(
        "course.toml",
        &sums_catalogue("protected = []")
            .replace("points = 6", "points = 60")
            .replace("hint = \"double\"", "hint = \"edited\""),
    );
    let hint = course.checker(&["hint", "doubles"]);
    assert!(
        hint.stdout.contains("double") && !hint.stdout.contains("edited"),
        "{}",
        hint.stdout
    );
    let list = course.checker(&["list"]);
    assert!(list.stdout.contains("0/10 points"), "{}", list.stdout);
}

#[test]
fn without_a_template_commit_the_working_tree_is_graded_as_before() {
    let course = support::sums_course(PROTECTED);
    course.write(
        "exercises/01-sums/src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 { a + b }\npub fn double(a: u32) -> u32 { 2 * a }\n",
    );
    // A history whose first commit predates the catalogue, like the
    // course's own development repository.
    course.write("README.md", "a course in the making\n");
    course.git(&[
        &["init", "-q"],
        &["add", "README.md"],
        &["commit", "-qm", "skeleton"],
        &["add", "-A"],
        &["commit", "-qm", "the course"],
    ]);
    let (run, report) = course.verify_json(&[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(report["score"], 10);
    assert!(report.get("protected").is_none(), "{report:#}");
    assert_contains(&run.stderr, "is not a course template");
}

/// The student's code, running in the grading step, appends to the step's
/// command files, which it finds in `$RUNNER_TEMP/_runner_file_commands`
/// although the checker hides their variables: an `LD_PRELOAD` for every
/// later step (the Classroom reporter's among them), a forged `score` and
/// an unclosed heredoc that would swallow the checker's own outputs.
const FORGES_COMMAND_FILES: &str = r#"
pub fn add(a: u32, b: u32) -> u32 { a + b }
pub fn double(a: u32) -> u32 {
    use std::io::Write;
    let hidden = std::env::var_os("GITHUB_OUTPUT").is_none();
    let dir = std::path::Path::new(&std::env::var_os("RUNNER_TEMP").unwrap_or_default())
        .join("_runner_file_commands");
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let line = if name.starts_with("set_env") {
            "LD_PRELOAD=/tmp/forged.so\n"
        } else if name.starts_with("set_output") {
            "score=100\ne01doubles<<NEVER_CLOSED\n"
        } else {
            continue;
        };
        if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(entry.path()) {
            let _ = file.write_all(line.as_bytes());
        }
    }
    if hidden { 2 * a } else { 0 }
}
"#;

/// What a run of [`FORGES_COMMAND_FILES`] left: the run, its JSON report,
/// and the step's env and outputs files after it.
struct CommandFilesRun {
    run: support::Run,
    report: serde_json::Value,
    env: String,
    outputs: String,
}

/// Grades [`FORGES_COMMAND_FILES`] as `grade.yml` does, with the step's
/// command files in `$RUNNER_TEMP/_runner_file_commands` under `parent`.
fn grade_with_command_files(parent: &std::path::Path) -> CommandFilesRun {
    let course = sums_course();
    course.write("exercises/01-sums/src/lib.rs", FORGES_COMMAND_FILES);
    let runner_temp = tempfile::tempdir_in(parent).expect("temp dir");
    let commands = runner_temp.path().join("_runner_file_commands");
    std::fs::create_dir_all(&commands).expect("mkdir");
    let file = |name: &str| {
        let path = commands.join(name);
        std::fs::write(&path, "").expect("write");
        path
    };
    let (env, output, summary) = (
        file("set_env_1"),
        file("set_output_1"),
        file("step_summary_1"),
    );
    let run = course.checker_with_env(
        &[
            "verify",
            "--format",
            "github",
            "--restore-protected",
            "--also",
            "json=report.json",
        ],
        &[
            ("RUNNER_TEMP", runner_temp.path().as_os_str()),
            ("GITHUB_ENV", env.as_os_str()),
            ("GITHUB_OUTPUT", output.as_os_str()),
            ("GITHUB_STEP_SUMMARY", summary.as_os_str()),
        ],
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(course.root().join("report.json")).expect("report"),
    )
    .expect("JSON report");
    assert_valid_report(&report);
    // The honest work is graded as usual: the variables were hidden.
    assert_eq!(report["score"], 10, "stderr:\n{}", run.stderr);
    let outputs = std::fs::read_to_string(&output).expect("outputs");
    assert!(
        outputs.starts_with("score=10\n") && !outputs.contains("NEVER_CLOSED"),
        "only the checker's outputs remain:\n{outputs}"
    );
    CommandFilesRun {
        run,
        report,
        env: std::fs::read_to_string(&env).expect("env file"),
        outputs,
    }
}

/// Where the graded code can write (`/dev/shm`, which Landlock leaves
/// open, or anywhere on a system without Landlock), what it wrote to the
/// command files is put back and fails the run like a changed protected
/// file.
#[test]
fn command_files_the_graded_code_wrote_are_put_back_and_flagged() {
    let shm = std::path::Path::new("/dev/shm");
    let parent = if shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    };
    let graded = grade_with_command_files(&parent);
    assert_eq!(
        graded.run.code,
        Some(1),
        "a tampered run fails: {}",
        graded.run.stderr
    );
    let changed = graded.report["protected"]["changed"].to_string();
    assert!(
        changed.contains("$GITHUB_ENV") && changed.contains("$GITHUB_OUTPUT"),
        "{:#}",
        graded.report
    );
    assert_eq!(graded.env, "", "the LD_PRELOAD line is gone");
    assert!(
        graded.outputs.contains("protected_changed=2"),
        "the workflow fails the job on it:\n{}",
        graded.outputs
    );
}

/// Where GitHub keeps them (under the runner's work folder), Landlock
/// already stops the graded code's writes on Linux: nothing to put back.
#[cfg(target_os = "linux")]
#[test]
fn on_linux_the_graded_code_cannot_write_the_command_files_at_all() {
    if fixtures::contain::landlock_abi().is_none() {
        eprintln!("no Landlock on this kernel: the other case covers it");
        return;
    }
    let graded = grade_with_command_files(&std::env::temp_dir());
    assert_eq!(graded.run.code, Some(0), "{}", graded.run.stderr);
    assert_eq!(graded.env, "");
    assert!(graded.report.get("protected").is_some());
    assert_eq!(graded.report["protected"]["changed"], serde_json::json!([]));
}

const PERF_TESTS: &str = r#"
use fixtures::perf::{measure, Config};

fn cpu(name: &str, candidate: impl Fn(std::ops::Range<u64>) -> u64) {
    let _proof = fixtures::proof::test_body();
    measure(
        &Config::cpu(name, 2),
        |seed| fixtures::inputs::prime_window(seed, 400_000),
        |r| fixtures::baselines::count_primes(r.clone()),
        |r| candidate(r.clone()),
    );
}

#[test]
fn perf_one_thread() { cpu("one-thread", lowered::one_thread); }
#[test]
fn perf_two_threads() { cpu("two-threads", |r| lowered::strided(r, 2)); }
#[test]
fn builds() {}
"#;

/// The lowered course's `course.toml`, with `efficiency` for its one-thread check.
fn perf_course_toml(efficiency: &str) -> String {
    let cpu =
        |efficiency: &str| format!("kind = \"cpu\"\nwork_units = 2\nefficiency = {efficiency}");
    course_toml::course(
        r#"protected = ["course.toml", "exercises/*/tests/**"]"#,
        &[
            course_toml::exercise("01-lowered", "lowered", "Lowered", 244),
            course_toml::task("builds", "test(=builds)", 1),
            course_toml::perf("one-thread", 10, &cpu(efficiency)),
            course_toml::perf("two-threads", 10, &cpu("0.7")),
        ],
    )
}

/// Named `perf_*` so nextest runs it alone, with every core.
#[test]
fn perf_a_lowered_threshold_in_the_students_course_toml_is_ignored() {
    let course = FixtureCourse::new(
        &perf_course_toml("0.7"),
        &[
            (
                "exercises/01-lowered/Cargo.toml",
                &manifest_with_fixtures("lowered"),
            ),
            ("exercises/01-lowered/src/lib.rs", PRIMES_LIB),
            ("exercises/01-lowered/tests/perf.rs", PERF_TESTS),
            (".gitignore", "target/\n"),
        ],
    )
    .with_shared_target();
    course.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\"]\n\n[profile.dev]\nopt-level = 2\n",
    );
    course.commit_as_template();
    // 0.3 × 2 cores = 0.6×: a one-thread version's ~1× would clear it.
    course.write("course.toml", &perf_course_toml("0.3"));
    let (run, report) = course.verify_json(&[]);
    assert_valid_report(&report);
    assert_eq!(
        report["protected"]["changed"],
        serde_json::json!(["course.toml"])
    );
    let perf = |name: &str| {
        exercise(&report, "01-lowered")["perf"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == name).cloned())
            .unwrap_or_else(|| panic!("no {name}; stderr:\n{}", run.stderr))
    };
    let cheat = perf("one-thread");
    assert_eq!(
        cheat["score"], 0,
        "judged by the lowered threshold: {cheat:#}"
    );
    let cores = report["machine"]["cores"].as_u64().unwrap_or(1);
    if cores >= 2 {
        assert_eq!(cheat["required"], 1.4, "the template's 0.7 × 2: {cheat:#}");
    }
    let honest = perf("two-threads");
    assert!(
        cores < 2 || honest["status"] == "passed" || honest["status"] == "inconclusive",
        "honest work is never failed: {honest:#}"
    );
    assert_eq!(
        std::fs::read_to_string(course.root().join("course.toml")).ok(),
        Some(perf_course_toml("0.3")),
        "the student's file is put back after a local run"
    );
}

// The forgeries are closed by the Linux test runner (proofs, Landlock,
// subreapers); elsewhere `doctor` and every report say they are not.
#[cfg(target_os = "linux")]
#[path = "cheats/forgery.rs"]
mod forgery;
// Worker caps are checked where threads can be counted (`doctor`'s
// "thread counts").
#[cfg(any(target_os = "linux", target_os = "macos"))]
#[path = "cheats/worker_caps.rs"]
mod worker_caps;
