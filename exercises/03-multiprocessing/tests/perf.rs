//! Perf checks of exercise 03 (tests named `perf_*` run alone, after the
//! correctness tests). Each times the reference sequential baseline from
//! `fixtures` against your process pool on fresh seeded inputs and writes a
//! record; the checker turns the median speedup into points.
//!
//! The pool is started *and closed* inside every timed run: the harness
//! counts the CPU time of child processes only once they have been reaped,
//! and Python's `with Pool() as pool:` pays the start-up too. Starting two
//! workers costs a few milliseconds of a run that takes hundreds.

mod common;

use fixtures::baselines::{count_primes, prime_flags};
use fixtures::inputs::{PRIME_CANDIDATES, PRIME_WINDOW, prime_candidates, prime_window};
use fixtures::perf::measure_cpu;
use multiprocessing::pool::count_primes_in_pool;
use multiprocessing::small_jobs::prime_flags_in_pool;

use common::worker;

#[test]
fn perf_pool_count_primes() {
    let _proof = fixtures::proof::test_body();
    measure_cpu(
        "pool-count-primes",
        |seed| prime_window(seed, PRIME_WINDOW),
        |range| count_primes(range.clone()),
        |range, workers| {
            count_primes_in_pool(worker(), range.clone(), workers).expect("the pool counts")
        },
    );
}

#[test]
fn perf_pool_small_jobs() {
    let _proof = fixtures::proof::test_body();
    measure_cpu(
        "pool-small-jobs",
        |seed| prime_candidates(seed, PRIME_CANDIDATES),
        |numbers| prime_flags(numbers),
        |numbers, workers| {
            prime_flags_in_pool(worker(), numbers, workers).expect("the pool answers")
        },
    );
}
