//! Forgeries from inside the test process (issue 17): the student's code
//! runs where the test runs, so it can print, exit, write files and start
//! processes. Each case below is a student who has read the checker's
//! source; each must earn nothing for the item it cheats, while the honest
//! task and the honest perf check of the same run keep full marks, and no
//! process of any case may outlive the run.
//!
//! The tests are named `perf_*` so nextest runs each alone with every core.

use std::path::Path;

use crate::support::{
    FixtureCourse, assert_valid_report, course_toml, exercise, manifest_with_fixtures,
};

/// Tags every process the cheats start, to look for survivors afterwards.
const SURVIVOR_TAG: &str = "forgery-survivor-7f3a";

/// The student's crate: one honest function of each kind, and the cheats.
const FORGERIES_LIB: &str = r##"
use std::ops::Range;
use std::path::PathBuf;
use fixtures::baselines::is_prime;

pub fn add(a: u32, b: u32) -> u32 { a + b }

/// A forged pass: libtest's summary line, then an exit before the
/// assertion can fail.
pub fn double(_a: u32) -> u32 {
    println!("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s");
    std::process::exit(0)
}

/// Starts a spinner that leaves its test's process group and session.
pub fn start_detached_spinner() -> bool {
    std::process::Command::new("setsid")
        .args(["sh", "-c", "while :; do :; done", "TAG"])
        .spawn()
        .is_ok()
}

pub fn one_thread(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

/// Honest and fair: blocks of 1024 numbers dealt round-robin to one thread
/// per core. (Two halves would not do: the window's upper half costs more,
/// by design of `prime_window`, so a halving earns about 1.5× on two cores,
/// under the 1.6× this course asks, and fails honestly.)
pub fn fair_threads(range: Range<u64>) -> u64 {
    const BLOCK: u64 = 1024;
    let threads = fixtures::perf::available_parallelism() as u64;
    let blocks = (range.end - range.start).div_ceil(BLOCK);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let range = range.clone();
                s.spawn(move || {
                    (t..blocks)
                        .step_by(threads as usize)
                        .map(|b| {
                            let start = range.start + b * BLOCK;
                            one_thread(start..(start + BLOCK).min(range.end))
                        })
                        .sum::<u64>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// Rewrites the tests of an exercise graded later so they pass trivially.
pub fn rewrite_later_tests() -> bool {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../02-racy/tests/t.rs");
    std::fs::write(target, "#[test]\nfn builds() {}\n").is_ok()
}

/// Where the checker keeps the records of `check`, as its source says.
fn record_dirs(check: &str) -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    (1..=4)
        .map(|n| root.join(format!("target/checker/perf/{}/{check}/attempt-{n}", env!("CARGO_PKG_NAME"))))
        .collect()
}

/// A record that says 1.9× on an idle machine.
fn forged_record(check: &str) -> String {
    let round = r#"{"seed":1,"baseline":{"wall_ns":200000000,"cpu_ns":200000000},"candidate":{"wall_ns":105000000,"cpu_ns":200000000},"calibration":{"wall_ns":105000000,"cpu_ns":200000000,"sequential_ns":200000000},"answers_match":true}"#;
    let rounds = vec![round; 9].join(",");
    format!(r#"{{"format_version":1,"name":"{check}","seed":1,"available_parallelism":2,"warmup_rounds":1,"rounds":[{rounds}]}}"#)
}

fn plant(check: &str) {
    for dir in record_dirs(check) {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{check}.json")), forged_record(check));
    }
}

/// Writes a passing record where the checker reads it, then exits 0 with
/// libtest's summary line.
pub fn forged_record_then_exit(_range: Range<u64>) -> u64 {
    plant("forged-record");
    println!("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s");
    std::process::exit(0)
}

/// Answers honestly on one thread, and leaves a detached process that keeps
/// writing a passing record over whatever the harness writes.
pub fn rewrites_the_record_later(range: Range<u64>, check: &str) -> u64 {
    let script = "while :; do for d in \"$@\"; do mkdir -p \"$d\" && printf '%s' \"$REC\" > \"$d/$CHECK.json\"; done; sleep 0.001; done";
    let mut command = std::process::Command::new("setsid");
    command.args(["sh", "-c", script, "TAG"]);
    for dir in record_dirs(check) {
        command.arg(dir);
    }
    let _ = command.env("REC", forged_record(check)).env("CHECK", check).spawn();
    one_thread(range)
}

/// One thread that remembers block counts across calls (in memory and on
/// disk), with a second thread spinning so the CPU use reads 2.
pub fn cached_with_a_spinner(range: Range<u64>) -> u64 {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    static MEMORY: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());
    const BLOCK: u64 = 4096;
    let disk = std::env::temp_dir().join("forgery-prime-blocks");
    let _ = std::fs::create_dir_all(&disk);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut x = 0u64;
            while !stop.load(Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        });
        let mut count = 0;
        let mut n = range.start;
        while n < range.end {
            let block = n / BLOCK;
            let (start, end) = (block * BLOCK, (block + 1) * BLOCK);
            if n == start && end <= range.end {
                let remembered = MEMORY.lock().unwrap().iter().find(|(b, _)| *b == block).map(|(_, c)| *c)
                    .or_else(|| std::fs::read_to_string(disk.join(block.to_string())).ok()?.parse().ok());
                let c = remembered.unwrap_or_else(|| {
                    let c = one_thread(start..end);
                    MEMORY.lock().unwrap().push((block, c));
                    let _ = std::fs::write(disk.join(block.to_string()), c.to_string());
                    c
                });
                count += c;
                n = end;
            } else {
                count += u64::from(is_prime(n));
                n += 1;
            }
        }
        stop.store(true, Ordering::Relaxed);
        count
    })
}
"##;

/// The tests: the course's own, each armed with the proof guard.
const FORGERIES_TESTS: &str = r#"
use fixtures::perf::{available_parallelism, measure, Config};

const WINDOW: u64 = 600_000;

fn cpu(name: &str, candidate: fn(std::ops::Range<u64>) -> u64) {
    measure(
        &Config::cpu(name, available_parallelism()),
        |seed| fixtures::inputs::prime_window(seed, WINDOW),
        |r| fixtures::baselines::count_primes(r.clone()),
        |r| candidate(r.clone()),
    );
}

#[test]
fn adds() { let _proof = fixtures::proof::test_body(); assert_eq!(forgeries::add(2, 3), 5); }
#[test]
fn doubles() { let _proof = fixtures::proof::test_body(); assert_eq!(forgeries::double(4), 8); }
#[test]
fn tampers() { let _proof = fixtures::proof::test_body(); forgeries::rewrite_later_tests(); }
#[test]
fn spins_off() { let _proof = fixtures::proof::test_body(); assert!(forgeries::start_detached_spinner()); }
#[test]
fn perf_honest() { let _proof = fixtures::proof::test_body(); cpu("honest", forgeries::fair_threads); }
#[test]
fn perf_forged_record() { let _proof = fixtures::proof::test_body(); cpu("forged-record", forgeries::forged_record_then_exit); }
#[test]
fn perf_rewritten_record() { let _proof = fixtures::proof::test_body(); cpu("rewritten-record", |r| forgeries::rewrites_the_record_later(r, "rewritten-record")); }
#[test]
fn perf_cached_with_a_spinner() { let _proof = fixtures::proof::test_body(); cpu("cached-with-a-spinner", forgeries::cached_with_a_spinner); }
#[test]
fn perf_after_a_detached_spinner() { let _proof = fixtures::proof::test_body(); cpu("after-a-detached-spinner", forgeries::one_thread); }
"#;

/// `02-racy`: the rewritten record alone, on a smaller window, graded 20
/// times over.
const RACY_TESTS: &str = r#"
use fixtures::perf::{available_parallelism, measure, Config};

#[test]
fn builds() { let _proof = fixtures::proof::test_body(); }
#[test]
fn perf_rewritten_record() {
    let _proof = fixtures::proof::test_body();
    measure(
        &Config::cpu("racy-rewrite", available_parallelism()),
        |seed| fixtures::inputs::prime_window(seed, 200_000),
        |r| fixtures::baselines::count_primes(r.clone()),
        |r| racy::rewrites_the_record_later(r.clone(), "racy-rewrite"),
    );
}
"#;

fn forgeries_course() -> FixtureCourse {
    const CPU_80: &str = "kind = \"cpu\"\nefficiency = 0.8";
    let mut tables = vec![
        course_toml::exercise("01-forgeries", "forgeries", "Forgeries", 249),
        course_toml::task("adds", "test(=adds)", 4),
        course_toml::task("doubles", "test(=doubles)", 6),
        course_toml::task("tampers", "test(=tampers)", 1),
        course_toml::task("spins-off", "test(=spins_off)", 1),
    ];
    for name in [
        "honest",
        "forged-record",
        "rewritten-record",
        "cached-with-a-spinner",
        "after-a-detached-spinner",
    ] {
        tables.push(course_toml::perf(name, 10, CPU_80));
    }
    tables.extend([
        course_toml::exercise("02-racy", "racy", "Racy", 249),
        course_toml::task("builds", "test(=builds)", 1),
        course_toml::perf_timed_by("racy-rewrite", "perf_rewritten_record", 10, CPU_80),
    ]);
    let toml = course_toml::course("", &tables);
    let course = FixtureCourse::new(
        &toml,
        &[
            (
                "exercises/01-forgeries/Cargo.toml",
                &manifest_with_fixtures("forgeries"),
            ),
            (
                "exercises/01-forgeries/src/lib.rs",
                &FORGERIES_LIB.replace("TAG", SURVIVOR_TAG),
            ),
            ("exercises/01-forgeries/tests/t.rs", FORGERIES_TESTS),
            (
                "exercises/02-racy/Cargo.toml",
                &manifest_with_fixtures("racy"),
            ),
            (
                "exercises/02-racy/src/lib.rs",
                &FORGERIES_LIB.replace("TAG", SURVIVOR_TAG),
            ),
            ("exercises/02-racy/tests/t.rs", RACY_TESTS),
        ],
    )
    .with_shared_target();
    course.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\"]\n\n[profile.dev]\nopt-level = 2\n",
    );
    course
}

/// Processes whose command line carries [`SURVIVOR_TAG`].
fn survivors() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline
                .contains(SURVIVOR_TAG)
                .then(|| format!("{}: {cmdline}", entry.file_name().to_string_lossy()))
        })
        .collect()
}

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    check_of(report, "01-forgeries", name)
}

fn check_of<'a>(
    report: &'a serde_json::Value,
    exercise_name: &str,
    name: &str,
) -> &'a serde_json::Value {
    exercise(report, exercise_name)["perf"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no perf check {name} in {report:#}"))
}

fn task<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    exercise(report, "01-forgeries")["tasks"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["name"] == name))
        .unwrap_or_else(|| panic!("no task {name} in {report:#}"))
}

#[test]
fn perf_forged_passes_records_caches_and_spinners_earn_nothing() {
    let course = forgeries_course();
    let (run, report) = course.verify_json(&[]);
    assert_valid_report(&report);
    let stderr = &run.stderr;

    // The honest items of the same run keep full marks.
    assert_eq!(task(&report, "adds")["score"], 4, "{report:#}\n{stderr}");
    let cores = report["machine"]["cores"].as_u64().unwrap_or(1);
    let honest = check(&report, "honest");
    if cores >= 2 {
        assert!(
            honest["status"] == "passed" || honest["status"] == "inconclusive",
            "honest parallel work must never be failed: {honest:#}"
        );
    }

    // A forged pass line and an early exit: a failure that says so.
    let doubles = task(&report, "doubles");
    assert_eq!(
        doubles["score"], 0,
        "a forged pass was credited: {doubles:#}"
    );
    let message = doubles["tests"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("before its test body returned"),
        "{doubles:#}"
    );

    for cheat in [
        "forged-record",
        "rewritten-record",
        "cached-with-a-spinner",
        "after-a-detached-spinner",
    ] {
        let grade = check(&report, cheat);
        assert_eq!(grade["score"], 0, "a forgery was credited: {grade:#}");
        assert_ne!(grade["status"], "passed", "{grade:#}");
    }
    assert_eq!(
        check(&report, "forged-record")["status"],
        "error",
        "an early exit in the timed code is an error, not a record"
    );
    let racy_tests = std::fs::read_to_string(course.root().join("exercises/02-racy/tests/t.rs"))
        .expect("02-racy's tests");
    assert_eq!(
        racy_tests, RACY_TESTS,
        "a test process rewrote the tests of an exercise graded after it"
    );
    let leftover = course
        .root()
        .join("target/checker/perf/forgeries/forged-record");
    assert_no_planted_record(&leftover);
    assert!(
        survivors().is_empty(),
        "processes of the cheats outlived the run: {:#?}",
        survivors()
    );
}

/// Nothing the cheat planted is left where the checker reads records.
fn assert_no_planted_record(dir: &Path) {
    let Ok(attempts) = std::fs::read_dir(dir) else {
        return;
    };
    for attempt in attempts.flatten() {
        for file in std::fs::read_dir(attempt.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default();
            assert!(
                !text.contains("\"wall_ns\":105000000"),
                "a planted record survived: {}",
                file.path().display()
            );
        }
    }
}

/// The race the runner closes — a detached process writing over the record
/// after the harness wrote it — lost in 20 runs of 20.
#[test]
fn perf_a_record_rewritten_after_the_harness_is_never_graded() {
    let course = forgeries_course();
    for run_number in 1..=20 {
        let (run, report) = course.verify_json(&["02-racy"]);
        let grade = check_of(&report, "02-racy", "racy-rewrite");
        assert_eq!(
            grade["score"], 0,
            "run {run_number}: the rewritten record was graded: {grade:#}\n{}",
            run.stderr
        );
        assert!(
            survivors().is_empty(),
            "run {run_number}: {:#?}",
            survivors()
        );
    }
}
