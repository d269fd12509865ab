//! Perf check of exercise 02 (tests named `perf_*` run alone, after the
//! correctness tests). It times the reference sequential baseline from
//! `fixtures` against your queue-fed workers on fresh seeded inputs and
//! writes a record; the checker turns the median speedup into points.

use std::time::Duration;

use fixtures::perf::measure_simulated_io;
use threading::io_pipeline::fetch_all;

/// The seed notebook's I/O comparison: 30 calls of 20 ms, 600 ms one after
/// the other; about 60 ms on 10 workers (3 calls each), whatever the cores.
#[test]
fn perf_queue_pipeline_io() {
    let _proof = fixtures::proof::test_body();
    measure_simulated_io(
        "queue-pipeline-io",
        30,
        Duration::from_millis(20),
        |requests, workers| fetch_all(requests, workers).expect("the OS starts 10 threads"),
    );
}
