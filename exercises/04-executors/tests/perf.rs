//! Perf checks of exercise 04 (tests named `perf_*` run alone, after the
//! correctness tests). Each times the reference sequential baseline from
//! `fixtures` against your parallel code on fresh seeded inputs and writes a
//! record; the checker turns the median speedup into points.

use std::time::Duration;

use executors::future::Outcome;
use executors::pool::ThreadPool;
use executors::rayon_map::prime_flags_parallel;
use fixtures::baselines::{prime_flags, simulated_io_call, simulated_io_sequential};
use fixtures::inputs::{PRIME_CANDIDATES, io_requests, prime_candidates};
use fixtures::perf::{Config, measure_cpu, measure_with};

/// The "process pool" side: prime tests of 80 000 numbers (about 250 ms on
/// one core) on a rayon pool with one thread per core.
#[test]
fn perf_rayon_prime_flags() {
    let _proof = fixtures::proof::test_body();
    measure_cpu(
        "rayon-prime-flags",
        |seed| prime_candidates(seed, PRIME_CANDIDATES),
        |numbers| prime_flags(numbers),
        |numbers, threads| prime_flags_parallel(numbers, threads),
    );
}

/// The thread pool for I/O: 30 blocking calls of 20 ms (600 ms one after
/// the other) through `ThreadPool::map` on 10 workers. The pool is started
/// once, before the round's clock, in the candidate's own process.
#[test]
fn perf_pool_map_io() {
    let _proof = fixtures::proof::test_body();
    let workers = fixtures::perf::workers(10);
    const CALLS: usize = 30;
    const LATENCY: Duration = Duration::from_millis(20);
    measure_with(
        &Config::io("pool-map-io", workers, CALLS, LATENCY),
        |seed| io_requests(seed, CALLS, LATENCY),
        |requests| Ok(simulated_io_sequential(requests)),
        || ThreadPool::named("io", workers),
        |pool, requests| {
            pool.map(|request| simulated_io_call(&request), requests.clone())
                .into_iter()
                .collect::<Outcome<Vec<u64>>>()
                .map_err(|error| error.to_string())
        },
    );
}
