//! Choosing an executor: the same two workloads, timed sequentially, on
//! your `ThreadPool` and on a rayon pool.
//!
//! ```text
//! cargo run -p executors --example choose
//! ```
//!
//! - I/O-bound: 40 blocking calls of 20 ms
//!   ([`fixtures::baselines::simulated_io_call`]): the thread waits, the CPU
//!   idles.
//! - CPU-bound: 80 000 prime tests of about 3 µs each
//!   ([`fixtures::baselines::is_prime`]): the CPU works, nothing waits.
//! - Tiny: 20 of those prime tests, about 60 µs of work in all.
//!
//! Each cell is the median of 5 runs (51 for the tiny job), with the
//! speedup over sequential.
//! Other programs running at the same time make the numbers noisy; the
//! pattern, not the third digit, is the lesson. It needs tasks 1-3 and 6.

use std::time::{Duration, Instant};

use executors::pool::ThreadPool;
use executors::rayon_map::{cpu_pool, par_map};
use fixtures::baselines::{is_prime, prime_flags, simulated_io_call, simulated_io_sequential};
use fixtures::inputs::{IoRequest, PRIME_CANDIDATES, io_requests, prime_candidates};
use fixtures::perf::available_parallelism;

const RUNS: usize = 5;
const TINY_RUNS: usize = 51;
const TINY_JOB: usize = 20;
const IO_CALLS: usize = 40;
const IO_LATENCY: Duration = Duration::from_millis(20);
/// Items per task in the "chunked" pool row.
const CHUNK: usize = 2_000;

fn main() {
    let cores = available_parallelism();
    let requests = io_requests(1, IO_CALLS, IO_LATENCY);
    let numbers = prime_candidates(1, PRIME_CANDIDATES);
    let tiny = prime_candidates(2, TINY_JOB);
    let want_io = simulated_io_sequential(&requests);
    let want_cpu = prime_flags(&numbers);
    let want_tiny = prime_flags(&tiny);

    let io_pool = ThreadPool::named("io", 10);
    let core_pool = ThreadPool::named("core", cores);
    let rayon = cpu_pool(cores).unwrap_or_else(|err| panic!("failed to start rayon: {err}"));

    // Every run checks its answer, so a fast wrong answer cannot win.
    let io_on_pool = |pool: &ThreadPool| {
        let got: Vec<u64> = pool
            .map(|r: IoRequest| simulated_io_call(&r), requests.clone())
            .into_iter()
            .map(|outcome| outcome.unwrap_or_else(|err| panic!("an I/O call failed: {err}")))
            .collect();
        assert_eq!(got, want_io);
    };
    let primes_on_pool = |pool: &ThreadPool, numbers: &[u64], chunk: usize| -> Vec<bool> {
        let chunks: Vec<Vec<u64>> = numbers.chunks(chunk).map(<[u64]>::to_vec).collect();
        pool.map(
            |c: Vec<u64>| c.iter().map(|&n| is_prime(n)).collect::<Vec<_>>(),
            chunks,
        )
        .into_iter()
        .flat_map(|outcome| outcome.unwrap_or_else(|err| panic!("a task failed: {err}")))
        .collect()
    };
    let primes_on_rayon = |numbers: &[u64]| par_map(&rayon, numbers, |&n| is_prime(n));

    // One row per executor: its name, then the I/O, CPU and tiny runs.
    let rows: Vec<(String, [Run; 3])> = vec![
        (
            "sequential".into(),
            [
                Box::new(|| assert_eq!(simulated_io_sequential(&requests), want_io)),
                Box::new(|| assert_eq!(prime_flags(&numbers), want_cpu)),
                Box::new(|| assert_eq!(prime_flags(&tiny), want_tiny)),
            ],
        ),
        (
            "ThreadPool, 10 workers, a task per item".into(),
            [
                Box::new(|| io_on_pool(&io_pool)),
                Box::new(|| assert_eq!(primes_on_pool(&io_pool, &numbers, 1), want_cpu)),
                Box::new(|| assert_eq!(primes_on_pool(&io_pool, &tiny, 1), want_tiny)),
            ],
        ),
        (
            format!("ThreadPool, {cores} workers, a task per item"),
            [
                Box::new(|| io_on_pool(&core_pool)),
                Box::new(|| assert_eq!(primes_on_pool(&core_pool, &numbers, 1), want_cpu)),
                Box::new(|| assert_eq!(primes_on_pool(&core_pool, &tiny, 1), want_tiny)),
            ],
        ),
        (
            format!("ThreadPool, {cores} workers, {CHUNK} items a task"),
            [
                Box::new(|| io_on_pool(&core_pool)),
                Box::new(|| assert_eq!(primes_on_pool(&core_pool, &numbers, CHUNK), want_cpu)),
                Box::new(|| assert_eq!(primes_on_pool(&core_pool, &tiny, CHUNK), want_tiny)),
            ],
        ),
        (
            format!("rayon, {cores} threads, par_map"),
            [
                Box::new(|| assert_eq!(par_map(&rayon, &requests, simulated_io_call), want_io)),
                Box::new(|| assert_eq!(primes_on_rayon(&numbers), want_cpu)),
                Box::new(|| assert_eq!(primes_on_rayon(&tiny), want_tiny)),
            ],
        ),
    ];

    let columns = [
        format!("I/O: {IO_CALLS} × {} ms", IO_LATENCY.as_millis()),
        format!("CPU: {PRIME_CANDIDATES} primes"),
        format!("tiny: {TINY_JOB} primes"),
    ];
    let runs = [RUNS, RUNS, TINY_RUNS];
    println!("Choosing an executor on {cores} cores (median time, speedup over sequential)\n");
    println!(
        "{:<42} {:>24} {:>24} {:>24}",
        "executor", columns[0], columns[1], columns[2]
    );
    let times: Vec<[Duration; 3]> = rows
        .iter()
        .map(|(_, jobs)| [0, 1, 2].map(|c| median_time(&jobs[c], runs[c])))
        .collect();
    for ((name, _), row) in rows.iter().zip(&times) {
        let cells = [0, 1, 2].map(|c| cell(row[c], times[0][c]));
        println!(
            "{name:<42} {:>24} {:>24} {:>24}",
            cells[0], cells[1], cells[2]
        );
    }
    println!();
    for (c, column) in columns.iter().enumerate() {
        let fastest = (0..rows.len())
            .min_by_key(|&r| times[r][c])
            .map_or("-", |r| rows[r].0.as_str());
        println!("fastest for {column:<24} {fastest}");
    }
    println!(
        "\nThe rule the numbers show:\n\
         - I/O-bound: a thread pool sized to the calls you want in flight. Waiting\n  \
           threads use no CPU, so 10 workers overlap 10 waits on {cores} cores; rayon's\n  \
           one thread per core overlaps only {cores}, and holds up all other rayon work.\n\
         - CPU-bound: one thread per core, each with big pieces of work: rayon, or a\n  \
           pool fed chunks. More threads than cores cannot help, and a task per 3 µs\n  \
           item pays a hand-off, a result channel and a wake-up per item.\n\
         - Tiny jobs: stay sequential; a hand-off to another thread costs about as\n  \
           much as the whole job."
    );
}

/// One timed job: runs the workload once and checks its answer.
type Run<'a> = Box<dyn Fn() + 'a>;

fn median_time(run: &Run, runs: usize) -> Duration {
    run(); // warm-up: page faults, caches, sleeping workers
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[runs / 2]
}

fn cell(time: Duration, base: Duration) -> String {
    let shown = if time < Duration::from_millis(1) {
        format!("{} µs", time.as_micros())
    } else {
        format!("{:.1} ms", time.as_secs_f64() * 1e3)
    };
    format!("{shown} {:>6.2}×", base.as_secs_f64() / time.as_secs_f64())
}
