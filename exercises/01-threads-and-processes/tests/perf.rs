//! Perf checks of exercise 01 (tests named `perf_*` run alone, after the
//! correctness tests). Each times the reference sequential baseline from
//! `fixtures` against your parallel code on fresh seeded inputs and writes a
//! record; the checker turns the median speedup into points.

use std::time::Duration;

use fixtures::baselines::{count_primes, simulated_io_sequential};
use fixtures::calibration::Calibration;
use fixtures::inputs::{PRIME_WINDOW, io_requests, prime_window};
use fixtures::perf::{Config, measure};
use threads_and_processes::cpu_bound::count_primes_parallel;
use threads_and_processes::io_bound::fetch_all;

#[test]
fn perf_count_primes() {
    let _proof = fixtures::proof::test_body();
    let threads = fixtures::perf::threads();
    measure(
        &Config::new("count-primes").calibration(Calibration::Cpu { threads }),
        |seed| prime_window(seed, PRIME_WINDOW),
        |range| count_primes(range.clone()),
        |range| count_primes_parallel(range.clone(), threads),
    );
}

#[test]
fn perf_simulated_io() {
    let _proof = fixtures::proof::test_body();
    let workers = fixtures::perf::workers(10);
    const CALLS: usize = 20;
    const LATENCY: Duration = Duration::from_millis(20);
    measure(
        &Config::new("simulated-io").calibration(Calibration::Io {
            workers,
            calls: CALLS,
            latency: LATENCY,
        }),
        |seed| io_requests(seed, CALLS, LATENCY),
        |requests| simulated_io_sequential(requests),
        |requests| fetch_all(requests, workers),
    );
}
