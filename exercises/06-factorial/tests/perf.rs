//! Perf checks of exercise 06 (tests named `perf_*` run alone, after the
//! correctness tests). Each times a sequential reference from `fixtures`
//! against your parallel code on fresh seeded inputs and writes a record;
//! the checker turns the median speedup into points.
//!
//! The reference is the *sequential product tree*, not the naive loop: the
//! tree's win over the loop (about 25× at 100 000!) is algorithmic, and a
//! speedup here must come from using more cores. `cargo run -p factorial
//! --example table` shows both.

use fixtures::baselines::{factorial_product_tree, factorials_sequential};
use fixtures::inputs::{FACTORIAL_BATCH, factorial_batch, factorial_n};
use fixtures::perf::measure_cpu;

#[test]
fn perf_parallel_factorial() {
    let _proof = fixtures::proof::test_body();
    measure_cpu(
        "parallel-factorial",
        factorial_n,
        |&n| factorial_product_tree(n),
        |&n, _threads| factorial::parallel::factorial_parallel(n),
    );
}

#[test]
fn perf_factorial_batch() {
    let _proof = fixtures::proof::test_body();
    measure_cpu(
        "factorial-batch",
        |seed| factorial_batch(seed, FACTORIAL_BATCH),
        |ns| factorials_sequential(ns),
        |ns, threads| factorial::batch::factorial_batch(ns, threads),
    );
}
