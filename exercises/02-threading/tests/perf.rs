//! Perf check of exercise 02 (tests named `perf_*` run alone, after the
//! correctness tests). It times the reference sequential baseline from
//! `fixtures` against your queue-fed workers on fresh seeded inputs and
//! writes a record; the checker turns the median speedup into points.

use std::time::Duration;

use fixtures::baselines::simulated_io_sequential;
use fixtures::calibration::Calibration;
use fixtures::inputs::io_requests;
use fixtures::perf::{Config, measure};
use threading::io_pipeline::fetch_all;

/// The seed notebook's I/O comparison: 30 calls of 20 ms, 600 ms one after
/// the other; about 60 ms on 10 workers (3 calls each), whatever the cores.
#[test]
fn perf_queue_pipeline_io() {
    let _proof = fixtures::proof::test_body();
    let workers = fixtures::perf::workers(10);
    const CALLS: usize = 30;
    const LATENCY: Duration = Duration::from_millis(20);
    measure(
        &Config::new("queue-pipeline-io").calibration(Calibration::Io {
            workers,
            calls: CALLS,
            latency: LATENCY,
        }),
        |seed| io_requests(seed, CALLS, LATENCY),
        |requests| simulated_io_sequential(requests),
        |requests| fetch_all(requests, workers).expect("the OS starts 10 threads"),
    );
}
