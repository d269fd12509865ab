//! Perf checks of exercise 01 (tests named `perf_*` run alone, after the
//! correctness tests). Each times the reference sequential baseline from
//! `fixtures` against your parallel code on fresh seeded inputs and writes a
//! record; the checker turns the median speedup into points.

use std::time::Duration;

use fixtures::baselines::count_primes;
use fixtures::inputs::{PRIME_WINDOW, prime_window};
use fixtures::perf::{measure_cpu, measure_simulated_io};
use threads_and_processes::cpu_bound::count_primes_parallel;
use threads_and_processes::io_bound::fetch_all;

#[test]
fn perf_count_primes() {
    let _proof = fixtures::proof::test_body();
    measure_cpu(
        "count-primes",
        |seed| prime_window(seed, PRIME_WINDOW),
        |range| count_primes(range.clone()),
        |range, threads| count_primes_parallel(range.clone(), threads),
    );
}

#[test]
fn perf_simulated_io() {
    let _proof = fixtures::proof::test_body();
    measure_simulated_io("simulated-io", 20, Duration::from_millis(20), fetch_all);
}
