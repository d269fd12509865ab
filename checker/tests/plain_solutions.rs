//! Plain solutions: for every perf check, the straightforward answer its
//! lesson teaches, without the reference solution's tuning, graded on the
//! real exercise (issue 19).
//!
//! A threshold is fair when a student's correct but untuned code clears it,
//! not only the reference's. Each plain solution below changes one graded
//! function of the reference (`solutions/<exercise>/src`) into that plainer
//! form; the real tests, the real `course.toml` entries and the real
//! nextest profile grade it. Its task must keep full marks, and its perf
//! check must clear the requirement with [`PERF_MARGIN`] to spare, by the
//! same rule `checker dev check` holds the reference to
//! ([`checker::dev::perf_margins`]): a shortfall fails only when the
//! measurement shows it (interval wholly below, calibration job above),
//! never on a machine too busy to tell. As the grader does with a shortfall,
//! a measurement short of the margin is made again (up to three in all) and
//! the margin judged on their pooled rounds.
//!
//! The tests are named `perf_*` so nextest runs each alone with every core.
//! `--no-capture` prints each check's speedup, interval and calibration.
//!
//! [`PERF_MARGIN`]: checker::dev::PERF_MARGIN

mod support;

use checker::dev::{PERF_MARGIN, perf_margins};
use checker::perf::{MAX_ATTEMPTS, median_interval};
use checker::report::{PerfGrade, PerfStatus, Report};
use fixtures::perf::median;
use support::real_course::{self, named};
use support::{assert_valid_report, exercise};

/// One perf check's plain solution.
struct Plain {
    /// The exercise folder (and its name in `course.toml`).
    exercise: &'static str,
    /// The task whose tests check the changed function.
    task: &'static str,
    /// The perf check that times it.
    perf: &'static str,
    /// The file of the student's crate that is changed.
    source: &'static str,
    /// What the plain solution does differently from the reference.
    approach: &'static str,
    /// The change itself.
    change: Change,
}

/// How a plain solution differs from the reference.
enum Change {
    /// The body of the function whose definition starts with `signature`.
    Body {
        signature: &'static str,
        body: &'static str,
    },
    /// One piece of text, which occurs exactly once in the file.
    Text {
        from: &'static str,
        to: &'static str,
    },
}

const PLAIN: &[Plain] = &[
    Plain {
        exercise: "01-threads-and-processes",
        task: "cpu-bound",
        perf: "cpu-count-primes",
        source: "src/cpu_bound.rs",
        approach: "chunks of 1 000 numbers dealt round-robin to the threads, no shared counter",
        change: Change::Body {
            signature: "pub fn count_primes_parallel(",
            body: r#"    const CHUNK: u64 = 1_000;
    let (start, end) = (range.start, range.end.max(range.start));
    let threads = u64::try_from(threads).unwrap_or(u64::MAX).clamp(1, (end - start).max(1));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut count = 0;
                    let mut from = start.saturating_add(t * CHUNK);
                    while from < end {
                        let to = from.saturating_add(CHUNK).min(end);
                        count += (from..to).filter(|&n| fixtures::baselines::is_prime(n)).count()
                            as u64;
                        from = from.saturating_add(threads * CHUNK);
                    }
                    count
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a worker does not panic"))
            .sum()
    })
"#,
        },
    },
    Plain {
        exercise: "01-threads-and-processes",
        task: "io-bound",
        perf: "io-simulated-calls",
        source: "src/io_bound.rs",
        approach: "the requests cut into `workers` contiguous groups, one thread per group",
        change: Change::Body {
            signature: "pub fn fetch_all(",
            body: r#"    let workers = workers.clamp(1, requests.len().max(1));
    let per_thread = requests.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let groups: Vec<_> = requests
            .chunks(per_thread)
            .map(|group| {
                scope.spawn(move || {
                    group
                        .iter()
                        .map(fixtures::baselines::simulated_io_call)
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        groups
            .into_iter()
            .flat_map(|group| group.join().expect("a simulated call does not panic"))
            .collect()
    })
"#,
        },
    },
    Plain {
        exercise: "02-threading",
        task: "io-pipeline",
        perf: "io-queue-pipeline",
        source: "src/io_pipeline.rs",
        approach: "a queue of capacity 1 instead of one slot per worker",
        change: Change::Text {
            from: "BoundedQueue::new(workers)",
            to: "BoundedQueue::new(1)",
        },
    },
    Plain {
        exercise: "03-multiprocessing",
        task: "process-pool-with-initializer",
        perf: "cpu-pool-count-primes",
        source: "src/pool.rs",
        approach: "jobs of a fixed 20 000 numbers, whatever the number of workers",
        change: Change::Text {
            from: "let pieces = (workers as u64 * 64).clamp(1, len.max(1));",
            to: "let pieces = len.div_ceil(20_000).max(1);",
        },
    },
    Plain {
        exercise: "03-multiprocessing",
        task: "small-jobs",
        perf: "cpu-pool-small-jobs",
        source: "src/small_jobs.rs",
        approach: "two chunks per worker, the fewest that still lets a fast worker take more",
        change: Change::Body {
            signature: "pub fn pick_chunk_size(",
            body: "    jobs.div_ceil(2 * workers.max(1)).max(1)\n",
        },
    },
    Plain {
        exercise: "04-executors",
        task: "rayon-map",
        perf: "cpu-rayon-prime-flags",
        source: "src/rayon_map.rs",
        approach: "`par_iter` inside the pool written out, without `par_map`",
        change: Change::Body {
            signature: "pub fn prime_flags_parallel(",
            body: r#"    use rayon::prelude::*;

    let pool = cpu_pool(threads).expect("the pool starts");
    pool.install(|| {
        numbers
            .par_iter()
            .map(|&n| fixtures::baselines::is_prime(n))
            .collect()
    })
"#,
        },
    },
    Plain {
        exercise: "04-executors",
        task: "thread-pool",
        perf: "io-pool-map",
        source: "src/pool.rs",
        approach: "a loop that submits every item, then waits on each handle in turn",
        change: Change::Body {
            signature: "pub fn map<",
            body: r#"        let f = std::sync::Arc::new(f);
        let mut handles = Vec::new();
        for item in items {
            let f = std::sync::Arc::clone(&f);
            handles.push(self.submit(move || f(item)));
        }
        let mut outcomes = Vec::new();
        for handle in handles {
            outcomes.push(handle.result());
        }
        outcomes
"#,
        },
    },
    Plain {
        exercise: "05-scraper",
        task: "fetch",
        perf: "io-fetch-all",
        source: "src/fetch.rs",
        approach: "the URLs cut into `workers` contiguous groups, one thread per group",
        change: Change::Body {
            signature: "pub fn fetch_all(",
            body: r#"    let workers = workers.clamp(1, urls.len().max(1));
    let per_thread = urls.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let groups: Vec<_> = urls
            .chunks(per_thread)
            .map(|group| {
                scope.spawn(move || {
                    group
                        .iter()
                        .map(|url| fetch_page(client, url))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        groups
            .into_iter()
            .flat_map(|group| group.join().expect("fetch_page does not panic"))
            .collect()
    })
"#,
        },
    },
    Plain {
        exercise: "06-factorial",
        task: "parallel-product",
        perf: "cpu-parallel-factorial",
        source: "src/parallel.rs",
        approach: "the product tree of `rayon::join`s alone; its last multiplication on one core",
        change: Change::Body {
            signature: "pub fn factorial_parallel(",
            body: "    product_join_with(1..n.saturating_add(1), GRAIN, &crate::product_tree::product_range)\n",
        },
    },
    Plain {
        exercise: "06-factorial",
        task: "batch-in-order",
        perf: "cpu-factorial-batch",
        source: "src/batch.rs",
        approach: "the numbers dealt round-robin to the threads, no shared counter",
        change: Change::Body {
            signature: "pub fn factorial_batch(",
            body: r#"    let threads = threads.clamp(1, ns.len().max(1));
    let mut results: Vec<Option<BigUint>> = vec![None; ns.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..ns.len())
                        .step_by(threads)
                        .map(|i| (i, crate::product_tree::factorial_tree(ns[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            for (i, result) in worker.join().expect("a factorial does not panic") {
                results[i] = Some(result);
            }
        }
    });
    results.into_iter().flatten().collect()
"#,
        },
    },
];

#[test]
fn perf_plain_solutions_of_01_clear_their_thresholds() {
    assert_plain_solutions_clear("01-threads-and-processes");
}

#[test]
fn perf_plain_solutions_of_02_clear_their_thresholds() {
    assert_plain_solutions_clear("02-threading");
}

#[test]
fn perf_plain_solutions_of_03_clear_their_thresholds() {
    assert_plain_solutions_clear("03-multiprocessing");
}

#[test]
fn perf_plain_solutions_of_04_clear_their_thresholds() {
    assert_plain_solutions_clear("04-executors");
}

#[test]
fn perf_plain_solutions_of_05_clear_their_thresholds() {
    assert_plain_solutions_clear("05-scraper");
}

#[test]
fn perf_plain_solutions_of_06_clear_their_thresholds() {
    assert_plain_solutions_clear("06-factorial");
}

/// Every perf check of the real course has its plain solution here.
#[test]
fn every_perf_check_has_a_plain_solution() {
    let catalogue: toml::Table =
        std::fs::read_to_string(real_course::course_root().join("course.toml"))
            .expect("read course.toml")
            .parse()
            .expect("course.toml is TOML");
    let checks: Vec<String> = catalogue["exercise"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| {
            e.get("perf")
                .and_then(toml::Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    let planned: Vec<String> = PLAIN.iter().map(|p| p.perf.to_owned()).collect();
    assert_eq!(
        checks, planned,
        "one plain solution per perf check, in course order"
    );
}

/// Grades `exercise` with each of its plain solutions in place (all at
/// once: they change different functions), keeping only their tasks and
/// perf checks.
fn assert_plain_solutions_clear(name: &str) {
    let plains: Vec<&Plain> = PLAIN.iter().filter(|p| p.exercise == name).collect();
    let tasks: Vec<&str> = plains.iter().map(|p| p.task).collect();
    let perfs: Vec<&str> = plains.iter().map(|p| p.perf).collect();
    let course = real_course::one_exercise(name, &tasks, &perfs);
    for plain in &plains {
        match plain.change {
            Change::Body { signature, body } => {
                real_course::replace_body(&course, name, plain.source, signature, body);
            }
            Change::Text { from, to } => {
                real_course::replace_text(&course, name, plain.source, from, to);
            }
        }
    }

    let runs = runs();
    let mut problems = Vec::new();
    let mut speedups: Vec<Vec<f64>> = vec![Vec::new(); plains.len()];
    for _ in 0..runs {
        // The grader's rule for a shortfall, applied to the margin: measured
        // again, up to `MAX_ATTEMPTS` times, and judged on the pooled rounds.
        let mut measured_runs: Vec<Report> = Vec::new();
        let findings = loop {
            let (run, json) = course.verify_json(&[]);
            assert_valid_report(&json);
            let graded = exercise(&json, name);
            for (plain, measured) in plains.iter().zip(&mut speedups) {
                let task = named(graded, "tasks", plain.task);
                assert_eq!(
                    task["score"], task["max_score"],
                    "the plain solution of {} ({}) loses points: {task:#}\nstderr:\n{}",
                    plain.perf, plain.approach, run.stderr
                );
                let perf = named(graded, "perf", plain.perf);
                println!(
                    "{}: {} (needs {}), interval {}, calibration {}, {} — {}",
                    plain.perf,
                    perf["speedup"],
                    perf["required"],
                    perf["interval"],
                    perf["calibration_speedup"],
                    perf["status"],
                    plain.approach
                );
                measured.extend(perf["speedup"].as_f64());
            }
            measured_runs.push(serde_json::from_value(json).expect("the report reads back"));
            let findings = perf_margins(&pooled(&measured_runs), "a plain solution");
            if findings.problems.is_empty() || measured_runs.len() >= MAX_ATTEMPTS as usize {
                break findings;
            }
            println!("measuring again: {}", findings.problems.join("; "));
        };
        for warning in &findings.warnings {
            println!("warning: {warning}");
        }
        problems.extend(findings.problems);
    }
    if runs > 1 {
        for (plain, measured) in plains.iter().zip(&speedups) {
            let (min, max) = measured
                .iter()
                .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &s| {
                    (lo.min(s), hi.max(s))
                });
            println!(
                "{}: {} of {runs} runs measured, speedup {min:.2}×–{max:.2}×",
                plain.perf,
                measured.len()
            );
        }
    }
    assert!(
        problems.is_empty(),
        "a plain solution does not clear its threshold with {PERF_MARGIN}× to spare:\n{}",
        problems.join("\n")
    );
}

/// The reports of several measurements of the same course as one: each
/// perf check's rounds pooled (the student's and the calibration job's),
/// its median, interval and calibration taken again over all of them, as
/// `checker::perf::grade` pools re-measures. A check passes pooled only when
/// it passed in every measurement. Rounds of one measurement share a few
/// seconds of the machine's state (another process waking, a frequency
/// step); pooled, those seconds cannot decide the margin alone.
fn pooled(reports: &[Report]) -> Report {
    let mut pooled = reports[0].clone();
    for (e, grade) in pooled.exercises.iter_mut().enumerate() {
        for (c, check) in grade.perf.iter_mut().enumerate() {
            let all: Vec<&PerfGrade> = reports.iter().map(|r| &r.exercises[e].perf[c]).collect();
            check.round_speedups = all.iter().flat_map(|m| m.round_speedups.clone()).collect();
            check.calibration_round_speedups = all
                .iter()
                .flat_map(|m| m.calibration_round_speedups.clone())
                .collect();
            check.speedup = median(check.round_speedups.iter().copied());
            check.interval = median_interval(&check.round_speedups, check.seed.unwrap_or(0));
            check.calibration_speedup = median(check.calibration_round_speedups.iter().copied());
            check.rounds = u32::try_from(check.round_speedups.len()).unwrap_or(u32::MAX);
            if let Some(other) = all.iter().find(|m| m.status != PerfStatus::Passed) {
                check.status = other.status;
            }
        }
    }
    pooled
}

/// How many times each course is graded: 1, or `CHECKER_PLAIN_RUNS` to
/// measure the spread (`CHECKER_PLAIN_RUNS=20 cargo nextest run -p checker
/// --test plain_solutions --no-capture`), each run held to the margin.
fn runs() -> usize {
    std::env::var("CHECKER_PLAIN_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(1)
        .max(1)
}
