//! Perf grading end to end on a fixture course that uses the real `fixtures`
//! harness: a one-thread "parallel" version must never be credited, a real
//! two-thread version must never be failed.
//!
//! The tests are named `perf_*`, so nextest runs each alone with every core
//! (see `.config/nextest.toml`): their timings are not shared with other tests.

mod support;

use support::{
    FixtureCourse, PRIMES_LIB, assert_contains, assert_valid_report, course_toml, exercise,
    manifest_with_fixtures,
};

const TESTS: &str = r#"
use fixtures::perf::{available_parallelism, measure, Config};

const WINDOW: u64 = 400_000;

fn config(name: &str) -> Config {
    Config::cpu(name, available_parallelism())
}

#[test]
fn perf_one_thread() {
    let _proof = fixtures::proof::test_body();
    measure(
        &config("one-thread"),
        |seed| fixtures::inputs::prime_window(seed, WINDOW),
        |r| fixtures::baselines::count_primes(r.clone()),
        |r| primes::one_thread(r.clone()),
    );
}

#[test]
fn perf_two_threads() {
    let _proof = fixtures::proof::test_body();
    measure(
        &config("two-threads"),
        |seed| fixtures::inputs::prime_window(seed, WINDOW),
        |r| fixtures::baselines::count_primes(r.clone()),
        |r| primes::strided(r.clone(), fixtures::perf::threads()),
    );
}
"#;

/// The course, with its package named `package` (unique per test: the
/// courses share a target dir, see [`FixtureCourse::with_shared_target`]).
fn course(package: &str) -> FixtureCourse {
    let krate = package.replace('-', "_");
    let tests = TESTS.replace("primes::", &format!("{krate}::"));
    let counts =
        format!("#[test]\nfn counts() {{ assert_eq!({krate}::strided(0..100, 3), 25); }}\n");
    let course = FixtureCourse::new(
        &course_toml::course(
            "",
            &[
                course_toml::exercise("01-primes", package, "Primes", 244),
                course_toml::task("counts", "binary(counts)", 1),
                course_toml::perf("one-thread", 10, course_toml::CPU_70),
                course_toml::perf("two-threads", 10, course_toml::CPU_70),
            ],
        ),
        &[
            (
                "exercises/01-primes/Cargo.toml",
                &manifest_with_fixtures(package),
            ),
            ("exercises/01-primes/src/lib.rs", PRIMES_LIB),
            ("exercises/01-primes/tests/perf.rs", &tests),
            ("exercises/01-primes/tests/counts.rs", &counts),
        ],
    )
    .with_shared_target();
    // Perf records must time optimised code, as in the real course.
    course.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\"]\n\n[profile.dev]\nopt-level = 2\n",
    );
    course
}

#[test]
fn perf_one_thread_is_never_credited_and_two_threads_never_failed() {
    let (run, report) = course("primes-impostors").verify_json(&[]);
    assert_valid_report(&report);
    let primes = exercise(&report, "01-primes");
    assert_eq!(primes["tasks"][0]["score"], 1, "stderr:\n{}", run.stderr);
    let one = &primes["perf"][0];
    let two = &primes["perf"][1];
    let cores = report["machine"]["cores"].as_u64().unwrap_or(1);
    if cores < 2 {
        assert_eq!(one["status"], "not_applicable");
        assert_eq!(two["status"], "not_applicable");
        return;
    }
    assert_eq!(one["score"], 0, "{one:#}");
    assert!(
        one["status"] == "below_threshold" || one["status"] == "inconclusive",
        "{one:#}"
    );
    assert!(one["attempts"].as_u64() >= Some(1), "{one:#}");
    assert!(
        two["status"] == "passed" || two["status"] == "inconclusive",
        "a correct two-thread version is credited or, on a busy machine, inconclusive: {two:#}"
    );
    for check in [one, two] {
        assert_inconclusive_withholds_its_points(check);
    }
    if one["status"] == "inconclusive" || two["status"] == "inconclusive" {
        assert_ne!(
            primes["status"], "passed",
            "pending points are not full marks"
        );
    }
    let speedup = two["speedup"].as_f64().unwrap_or_default();
    eprintln!(
        "one thread: {} {:.2}×; two threads: {} {speedup:.2}× (CPU use {:.2}, calibration {:.2}×)",
        one["status"],
        one["speedup"].as_f64().unwrap_or_default(),
        two["status"],
        two["cpu_utilization"].as_f64().unwrap_or_default(),
        two["calibration_speedup"].as_f64().unwrap_or_default(),
    );
}

/// `checker scale`: the two-thread version's curve rises to the cores and
/// fits a small serial fraction; the one-thread version's stays flat and
/// fits as all serial. Neither run changes the last grade.
#[test]
fn perf_scale_draws_a_rising_curve_for_threads_and_a_flat_one_for_one_thread() {
    let course = course("primes-scale");
    let page = course.root().join("scale.html");
    let page_arg = page.to_str().expect("a UTF-8 path");
    let rising = course.checker(&["scale", "two-threads", "--html", page_arg]);
    assert_eq!(rising.code, Some(0), "stderr:\n{}", rising.stderr);
    let flat = course.checker(&["scale", "one-thread"]);
    assert_eq!(flat.code, Some(0), "stderr:\n{}", flat.stderr);
    eprintln!("{}{}", rising.stdout, flat.stdout);
    let html = std::fs::read_to_string(&page).expect("the page is written");
    checker::render::html::well_formed(&html).expect("a well-formed page");
    assert_contains(&html, "<desc>Speedup of two-threads against threads");
    assert!(
        !course
            .root()
            .join("target/checker/last-report.json")
            .exists(),
        "scale grades nothing"
    );

    let cores = fixtures::perf::available_parallelism();
    let speedups = |stdout: &str| -> Vec<(u32, f64)> {
        stdout
            .lines()
            .filter_map(|line| {
                let threads = line.split_whitespace().next()?.parse().ok()?;
                let speedup = line
                    .split('×')
                    .next()?
                    .split_whitespace()
                    .last()?
                    .parse()
                    .ok()?;
                Some((threads, speedup))
            })
            .collect()
    };
    let (rising_points, flat_points) = (speedups(&rising.stdout), speedups(&flat.stdout));
    let counts: Vec<u32> = rising_points.iter().map(|&(n, _)| n).collect();
    let twice = u32::try_from(cores * 2).unwrap_or(u32::MAX);
    assert_eq!(counts.first(), Some(&1), "{}", rising.stdout);
    assert_eq!(counts.last(), Some(&twice), "{}", rising.stdout);
    assert_contains(&rising.stdout, "serial fraction");
    if cores < 2 {
        return;
    }
    let serial = |stdout: &str| -> f64 {
        stdout
            .split("serial fraction ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(f64::NAN)
    };
    // A busy machine slows a one-thread version no further: always flat.
    assert!(
        flat_points.iter().all(|&(_, s)| s < 1.25),
        "a one-thread version stays flat:\n{}",
        flat.stdout
    );
    assert!(serial(&flat.stdout) > 70.0, "{}", flat.stdout);
    // The rising curve is judged only where the calibration job vouched for
    // the machine, as every perf grade is; a busy point is said so.
    if rising.stdout.contains("measured on a busy machine") {
        eprintln!("the machine was busy: the rising curve is not judged");
        return;
    }
    let at = |points: &[(u32, f64)], n: u32| points.iter().find(|p| p.0 == n).map(|p| p.1);
    let two = at(&rising_points, 2).unwrap_or_default();
    assert!(
        two > 1.4,
        "two threads on {cores} cores: {two:.2}×\n{}",
        rising.stdout
    );
    assert!(serial(&rising.stdout) < 30.0, "{}", rising.stdout);
}

/// `COURSE_PERF_THREADS` is `checker scale`'s, per run: one in the
/// environment `verify` runs in (a shell, a workflow) never reaches a graded
/// measurement. Leaked, it would give the two-thread version one thread
/// (below the requirement), or an I/O check more workers than its contract.
#[test]
fn perf_a_thread_count_in_the_graders_environment_never_reaches_a_grade() {
    let course = course("primes-env-threads");
    let run = course.checker_with_env(
        &["verify", "--format", "json"],
        &[(fixtures::perf::PERF_THREADS_ENV, std::ffi::OsStr::new("1"))],
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("a JSON report ({e}):\n{}", run.stderr));
    let two = &exercise(&report, "01-primes")["perf"][1];
    let cores = report["machine"]["cores"].as_u64().unwrap_or(1);
    if cores < 2 {
        return;
    }
    assert!(
        two["status"] == "passed" || two["status"] == "inconclusive",
        "the two-thread version was measured with the inherited count: {two:#}"
    );
    // The candidate's main thread and one worker per core: with the leaked
    // count it would have had one worker.
    assert!(
        two["peak_threads"].as_u64() >= Some(cores + 1),
        "the candidate ran a worker per core: {two:#}"
    );
}

#[test]
fn perf_a_wrong_answer_is_reported_as_such() {
    let course = course("primes-wrong-answer");
    course.write(
        "exercises/01-primes/src/lib.rs",
        &PRIMES_LIB.replace(
            "range.filter(|&n| is_prime(n)).count() as u64",
            "range.filter(|&n| is_prime(n)).count() as u64 + 1",
        ),
    );
    let (_, report) = course.verify_json(&[]);
    let one = &exercise(&report, "01-primes")["perf"][0];
    let cores = report["machine"]["cores"].as_u64().unwrap_or(1);
    if cores >= 2 {
        assert_eq!(one["status"], "wrong_answer", "{one:#}");
        assert_eq!(one["attempts"], 1, "a wrong answer is not re-measured");
    }
}

/// The cheat corpus: code that looks parallel or fast without being
/// parallel work. None may ever be credited; the honest I/O version must
/// never be failed.
const CHEATS_LIB: &str = r#"
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;
use fixtures::baselines::{is_prime, simulated_io_call};
use fixtures::inputs::IoRequest;

/// Remembers every answer it ever computed (inputs are fresh every round,
/// so the memo never hits; if it did, the CPU check would catch it).
pub fn memoising(range: Range<u64>) -> u64 {
    static MEMO: Mutex<Option<HashMap<(u64, u64), u64>>> = Mutex::new(None);
    let key = (range.start, range.end);
    if let Some(hit) = MEMO.lock().unwrap().get_or_insert_with(HashMap::new).get(&key) {
        return *hit;
    }
    let answer = range.filter(|&n| is_prime(n)).count() as u64;
    MEMO.lock().unwrap().get_or_insert_with(HashMap::new).insert(key, answer);
    answer
}

/// Spawns two threads, but each holds one global lock while it works.
pub fn one_lock(range: Range<u64>) -> u64 {
    let lock = Mutex::new(());
    let mid = range.start + (range.end - range.start) / 2;
    std::thread::scope(|s| {
        let halves = [range.start..mid, mid..range.end];
        let handles: Vec<_> = halves
            .into_iter()
            .map(|half| {
                let lock = &lock;
                s.spawn(move || {
                    let _only_one = lock.lock().unwrap();
                    half.filter(|&n| is_prime(n)).count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// "Concurrent" I/O that waits for each call in turn.
pub fn io_sequential(requests: &[IoRequest]) -> Vec<u64> {
    requests.iter().map(simulated_io_call).collect()
}

/// More calls in flight than the 5 workers the contract allows: one
/// thread per call.
pub fn io_thread_per_call(requests: &[IoRequest]) -> Vec<u64> {
    std::thread::scope(|s| {
        let handles: Vec<_> = requests.iter().map(|r| s.spawn(move || simulated_io_call(r))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Honest: 5 workers, each taking the next call until none is left.
pub fn io_threads(requests: &[IoRequest]) -> Vec<u64> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let answers: Vec<_> = requests.iter().map(|_| std::sync::atomic::AtomicU64::new(0)).collect();
    std::thread::scope(|s| {
        for _ in 0..5 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(request) = requests.get(i) else { break };
                answers[i].store(simulated_io_call(request), std::sync::atomic::Ordering::Relaxed);
            });
        }
    });
    answers.into_iter().map(|a| a.into_inner()).collect()
}
"#;

const CHEATS_TESTS: &str = r#"
use std::time::Duration;
use fixtures::perf::{available_parallelism, measure, Config};

fn cpu(name: &str, candidate: fn(std::ops::Range<u64>) -> u64) {
    let _proof = fixtures::proof::test_body();
    measure(
        &Config::cpu(name, available_parallelism()),
        |seed| fixtures::inputs::prime_window(seed, 400_000),
        |r| fixtures::baselines::count_primes(r.clone()),
        |r| candidate(r.clone()),
    );
}

fn io(name: &str, candidate: fn(&[fixtures::inputs::IoRequest]) -> Vec<u64>) {
    let _proof = fixtures::proof::test_body();
    let latency = Duration::from_millis(10);
    measure(
        &Config::io(name, 5, 10, latency),
        |seed| fixtures::inputs::io_requests(seed, 10, latency),
        |r| fixtures::baselines::simulated_io_sequential(r),
        |r| candidate(r),
    );
}

#[test]
fn perf_memoising() { cpu("memoising", cheats::memoising); }
#[test]
fn perf_one_lock() { cpu("one-lock", cheats::one_lock); }
#[test]
fn perf_io_sequential() { io("io-sequential", cheats::io_sequential); }
#[test]
fn perf_io_threads() { io("io-threads", cheats::io_threads); }
#[test]
fn perf_io_thread_per_call() { io("io-thread-per-call", cheats::io_thread_per_call); }
"#;

fn cheats_course_toml() -> String {
    const IO_70: &str = "kind = \"io\"\nworkers = 5\nefficiency = 0.7";
    course_toml::course(
        "",
        &[
            course_toml::exercise("01-cheats", "cheats", "Cheats", 249),
            course_toml::task("builds", "test(=builds)", 1),
            course_toml::perf("memoising", 10, course_toml::CPU_70),
            course_toml::perf("one-lock", 10, course_toml::CPU_70),
            course_toml::perf("io-sequential", 10, IO_70),
            course_toml::perf("io-thread-per-call", 10, IO_70),
            course_toml::perf("io-threads", 10, IO_70),
        ],
    )
}

#[test]
fn perf_cheats_are_never_credited_and_honest_io_is_never_failed() {
    let course = FixtureCourse::new(
        &cheats_course_toml(),
        &[
            (
                "exercises/01-cheats/Cargo.toml",
                &manifest_with_fixtures("cheats"),
            ),
            ("exercises/01-cheats/src/lib.rs", CHEATS_LIB),
            (
                "exercises/01-cheats/tests/perf.rs",
                &format!("{CHEATS_TESTS}\n#[test]\nfn builds() {{}}\n"),
            ),
        ],
    )
    .with_shared_target();
    course.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\"]\n\n[profile.dev]\nopt-level = 2\n",
    );
    let (run, report) = course.verify_json(&[]);
    assert_valid_report(&report);
    let perf = exercise(&report, "01-cheats")["perf"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let check = |name: &str| {
        perf.iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name}; stderr:\n{}", run.stderr))
    };
    let cores = report["machine"]["cores"].as_u64().unwrap_or(1);
    let over_the_cap = check("io-thread-per-call");
    assert_eq!(over_the_cap["status"], "unexplained", "{over_the_cap:#}");
    assert!(
        over_the_cap["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 5 calls in flight")),
        "{over_the_cap:#}"
    );
    for cheat in [
        "memoising",
        "one-lock",
        "io-sequential",
        "io-thread-per-call",
    ] {
        let grade = check(cheat);
        assert_eq!(grade["score"], 0, "a cheat was credited: {grade:#}");
        if cheat.starts_with("io") || cores >= 2 {
            assert!(
                ["below_threshold", "inconclusive", "unexplained"]
                    .contains(&grade["status"].as_str().unwrap_or_default()),
                "{grade:#}"
            );
        }
    }
    let honest = check("io-threads");
    assert!(
        honest["status"] == "passed" || honest["status"] == "inconclusive",
        "honest I/O overlap must never be failed: {honest:#}"
    );
    for grade in &perf {
        assert_inconclusive_withholds_its_points(grade);
    }
}

/// An inconclusive check (a busy machine) keeps its points in the maximum
/// and scores none of them: withheld until an idle machine measures it.
/// Every check of these courses is worth 10 points.
fn assert_inconclusive_withholds_its_points(check: &serde_json::Value) {
    if check["status"] == "inconclusive" {
        assert_eq!(
            (&check["score"], &check["max_score"]),
            (&serde_json::json!(0), &serde_json::json!(10)),
            "an inconclusive check's points are withheld, not dropped: {check:#}"
        );
    }
}
