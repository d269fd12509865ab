//! Worker caps on the real exercises (issue 16): a contract that says "at
//! most `workers` calls in flight" is graded, not just written down.
//!
//! A student who reads the checker can see that the answers tests only look
//! at answers and that the perf checks reward speed: starting one thread per
//! request instead of `workers` passes both, and beats the honest solution's
//! speedup. Each case below grades the *real* exercise (its manifest, its
//! tests, the real `course.toml` entries, the real nextest grading profile)
//! with the reference solution as the student's code, once honestly and once
//! with that cheat, so a change to any of those files that reopens the hole
//! fails here. Toy courses could not show that: the hole is in the real
//! tests and thresholds.
//!
//! The tests are named `perf_*` so nextest runs each alone with every core:
//! both grade a perf check, and a perf check timed beside other tests is
//! `inconclusive`.

use std::path::{Path, PathBuf};

use crate::support::{FixtureCourse, assert_valid_report, exercise};

/// One worker-capped function of a real exercise, and how it is cheated.
struct CappedFunction {
    /// The exercise folder under `exercises/` and `solutions/` (also its
    /// name in `course.toml`).
    exercise: &'static str,
    /// The `course.toml` task whose tests check the cap.
    task: &'static str,
    /// The `course.toml` perf check that times the function.
    perf: &'static str,
    /// The file of the student's crate that defines the function.
    source: &'static str,
    /// How the function's definition starts, to find it in `source`.
    signature: &'static str,
    /// The cheating body: one thread per item, no cap.
    cheat: &'static str,
    /// The test that must catch the cheat, as the report names it
    /// (`binary::test`).
    cap_test: &'static str,
    /// What its failure message says.
    cap_message: &'static str,
}

/// Exercise 01: `fetch_all(requests, workers)` calls the real
/// `simulated_io_call` itself, so only the in-flight probe in that call can
/// see a thread per request.
const FETCH_ALL: CappedFunction = CappedFunction {
    exercise: "01-threads-and-processes",
    task: "io-bound",
    perf: "io-simulated-calls",
    source: "src/io_bound.rs",
    signature: "pub fn fetch_all(",
    cheat: "    let _ = workers;
    std::thread::scope(|s| {
        let calls: Vec<_> = requests
            .iter()
            .map(|request| s.spawn(move || fixtures::baselines::simulated_io_call(request)))
            .collect();
        calls
            .into_iter()
            .map(|call| call.join().expect(\"a simulated call does not panic\"))
            .collect()
    })
",
    cap_test: "io_bound::fetch_all_keeps_at_most_workers_real_calls_in_flight",
    cap_message: "calls of simulated_io_call were in flight at once",
};

/// Exercise 04: `ThreadPool::map` is what `perf_pool_map_io` times; a `map`
/// that bypasses the pool runs every item at once on threads of its own.
const POOL_MAP: CappedFunction = CappedFunction {
    exercise: "04-executors",
    task: "thread-pool",
    perf: "io-pool-map",
    source: "src/pool.rs",
    signature: "pub fn map<",
    cheat: "        let f = std::sync::Arc::new(f);
        let threads: Vec<_> = items
            .into_iter()
            .map(|item| {
                let f = std::sync::Arc::clone(&f);
                std::thread::spawn(move || f(item))
            })
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .map_err(|_| crate::future::TaskError::Panicked(\"panicked\".to_owned()))
            })
            .collect()
",
    cap_test: "pool::map_runs_items_on_the_workers_never_more_at_once_than_workers",
    cap_message: "items of map ran at once on a pool of 3 workers",
};

#[test]
fn perf_fetch_all_past_its_worker_cap_earns_nothing() {
    assert_cap_is_graded(&FETCH_ALL);
}

#[test]
fn perf_pool_map_past_its_worker_cap_earns_nothing() {
    assert_cap_is_graded(&POOL_MAP);
}

/// Grades the reference solution (full marks), then the same solution with
/// `function` cheated (0 for the task, because of the cap test, and 0 for
/// the perf check, `unexplained` by the cap).
fn assert_cap_is_graded(function: &CappedFunction) {
    let course = real_exercise_course(function.exercise, function.task, function.perf);

    let (run, report) = course.verify_json(&[]);
    assert_valid_report(&report);
    let graded = exercise(&report, function.exercise);
    let task = named(graded, "tasks", function.task);
    assert_eq!(
        task["score"], task["max_score"],
        "the reference solution loses points: {task:#}\nstderr:\n{}",
        run.stderr
    );
    let perf = named(graded, "perf", function.perf);
    // A busy machine may leave an honest measurement `inconclusive`; it must
    // never fail it, least of all as past the cap.
    assert!(
        perf["status"] == "passed" && perf["score"] == perf["max_score"]
            || perf["status"] == "inconclusive",
        "the reference solution's speed is not credited: {perf:#}"
    );

    cheat(&course, function);
    let (run, report) = course.verify_json(&[]);
    assert_valid_report(&report);
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    let graded = exercise(&report, function.exercise);
    let task = named(graded, "tasks", function.task);
    assert_eq!(task["score"], 0, "the cheat was credited: {task:#}");
    // Only the cap test fails: without it, the cheat would keep the task.
    let failed: Vec<&serde_json::Value> = task["tests"]
        .as_array()
        .map(|tests| tests.iter().filter(|t| t["status"] != "passed").collect())
        .unwrap_or_default();
    assert!(
        failed.len() == 1
            && failed[0]["name"] == function.cap_test
            && failed[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(function.cap_message)),
        "want only {} failing, with \"{}\"; failed: {failed:#?}",
        function.cap_test,
        function.cap_message
    );
    let perf = named(graded, "perf", function.perf);
    assert_eq!(
        (&perf["status"], &perf["score"]),
        (&"unexplained".into(), &0.into()),
        "a speedup past the cap was not refused: {perf:#}"
    );
    assert!(
        perf["message"]
            .as_str()
            .is_some_and(|m| m.contains("calls in flight")),
        "the reason names the cap: {perf:#}"
    );
}

/// The entry called `name` in `graded[list]` (`tasks` or `perf`).
fn named<'a>(graded: &'a serde_json::Value, list: &str, name: &str) -> &'a serde_json::Value {
    graded[list]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no {list} entry {name} in {graded:#}"))
}

/// The real course's root (this crate's parent folder).
fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A course of one real exercise, `exercises/<name>`, graded on one task and
/// one perf check, with the reference solution's `src/` as the student's.
///
/// Everything else is the real course's, read when the test runs: the
/// exercise's manifest, tests and helper programs; the workspace manifest
/// (lints, shared dependencies, the optimised `dev` profile perf records
/// need), with only this member and the real `fixtures` crate by absolute
/// path; `Cargo.lock`, so dependencies are the versions students get; the
/// nextest config, whose grading timeouts the real tests are written for
/// (the toy courses' 3 s kill is shorter than their 5 s liveness bound),
/// less its starter filter; and the two
/// `course.toml` entries, thresholds and points included. Only one task and
/// one perf check are kept, so a grade runs one measurement, not the
/// exercise's every perf test.
///
/// The target dir is shared with the other fixture courses, so the
/// dependencies build once per suite; the package names are the real
/// course's, unique across this suite.
fn real_exercise_course(name: &str, task: &str, perf: &str) -> FixtureCourse {
    let real = course_root();
    let course = FixtureCourse::new(&one_exercise_catalogue(&real, name, task, perf), &[])
        .with_shared_target();
    course.write("Cargo.toml", &one_member_workspace(&real, name));
    course.write("Cargo.lock", &read(&real.join("Cargo.lock")));
    course.write(".config/nextest.toml", &grading_config(&real));
    let to = course.root().join("exercises").join(name);
    copy_tree(&real.join("exercises").join(name), &to, &["src", "target"]);
    copy_tree(
        &real.join("solutions").join(name).join("src"),
        &to.join("src"),
        &[],
    );
    course
}

/// The real `course.toml` cut down to exercise `name` with only `task` and
/// `perf`, each exactly as the real catalogue has it.
fn one_exercise_catalogue(real: &Path, name: &str, task: &str, perf: &str) -> String {
    let catalogue: toml::Table = read(&real.join("course.toml"))
        .parse()
        .expect("course.toml is TOML");
    let mut exercise = catalogue["exercise"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"].as_str() == Some(name)))
        .and_then(toml::Value::as_table)
        .unwrap_or_else(|| panic!("no exercise {name} in course.toml"))
        .clone();
    for (list, keep) in [("task", task), ("perf", perf)] {
        let kept: toml::value::Array = exercise[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["name"].as_str() == Some(keep))
            .cloned()
            .collect();
        assert_eq!(kept.len(), 1, "no {list} {keep} in exercise {name}");
        exercise.insert(list.to_owned(), kept.into());
    }
    let mut cut = toml::Table::new();
    cut.insert("format_version".into(), catalogue["format_version"].clone());
    cut.insert("exercise".into(), vec![toml::Value::from(exercise)].into());
    cut.to_string()
}

/// The real nextest config without its `default-filter`: that filter names
/// the real workspace's packages (`checker`, `fixtures`, the solutions), and
/// nextest refuses a filter that matches no package of this one. The
/// checker ignores it when grading anyway (`--ignore-default-filter`).
fn grading_config(real: &Path) -> String {
    let mut config: toml::Table = read(&real.join(".config/nextest.toml"))
        .parse()
        .expect("the nextest config is TOML");
    let removed = config
        .get_mut("profile")
        .and_then(|profiles| profiles.get_mut("default"))
        .and_then(toml::Value::as_table_mut)
        .and_then(|default| default.remove("default-filter"));
    assert!(removed.is_some(), "the real config has a default-filter");
    config.to_string()
}

/// The real workspace manifest with `exercises/<name>` its only member and
/// the `fixtures` workspace dependency at the real crate's absolute path.
fn one_member_workspace(real: &Path, name: &str) -> String {
    let mut manifest: toml::Table = read(&real.join("Cargo.toml"))
        .parse()
        .expect("Cargo.toml is TOML");
    let workspace = manifest
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
        .expect("a [workspace]");
    workspace.insert(
        "members".into(),
        vec![toml::Value::from(format!("exercises/{name}"))].into(),
    );
    let fixtures = real.join("fixtures");
    let fixtures = fixtures.to_str().expect("a UTF-8 path");
    let dependencies = workspace
        .get_mut("dependencies")
        .and_then(toml::Value::as_table_mut)
        .expect("[workspace.dependencies]");
    let mut path = toml::Table::new();
    path.insert("path".into(), fixtures.into());
    dependencies.insert("fixtures".into(), path.into());
    manifest.to_string()
}

/// Copies the folder `from` to `to`, leaving out the entries of `from`
/// named in `skip` (not those of its subfolders).
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("a folder entry");
        if skip.iter().any(|s| entry.file_name() == *s) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()), &[]);
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))
                .unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}

/// Replaces the body of `function` in the student's file with its cheat.
/// The body is everything between the first `{` line after the signature
/// and the `}` line indented as the signature is.
fn cheat(course: &FixtureCourse, function: &CappedFunction) {
    let path = course
        .root()
        .join("exercises")
        .join(function.exercise)
        .join(function.source);
    let source = read(&path);
    let start = source
        .find(function.signature)
        .unwrap_or_else(|| panic!("no `{}` in {}", function.signature, path.display()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &source[line_start..start];
    let open = start
        + source[start..]
            .find("{\n")
            .expect("the function has a body")
        + 2;
    let close = open
        + source[open..]
            .find(&format!("\n{indent}}}\n"))
            .expect("the body's closing brace")
        + 1;
    let cheated = format!("{}{}{}", &source[..open], function.cheat, &source[close..]);
    std::fs::write(&path, cheated).expect("write the cheat");
}
