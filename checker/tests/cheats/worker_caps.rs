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

use crate::support::real_course::{self, named, replace_body};
use crate::support::{assert_valid_report, exercise};

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
    let course = real_course::one_exercise(function.exercise, &[function.task], &[function.perf]);

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

    replace_body(
        &course,
        function.exercise,
        function.source,
        function.signature,
        function.cheat,
    );
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
