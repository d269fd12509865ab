//! Task 5 — I/O-bound work: overlap the waiting on a fixed number of workers.
//!
//! **What.** Serve a list of blocking calls (a stand-in for HTTP requests or
//! disk reads: [`fixtures::baselines::simulated_io_call`] sleeps, then
//! answers) on `workers` threads, with the answers in request order.
//!
//! **Why.** A thread blocked in I/O uses no CPU; it just waits. Twenty calls
//! of 20 ms take 400 ms one after the other, but about 40 ms on 10 threads
//! that wait at the same time, *whatever the number of cores*: the speedup
//! comes from overlapping waits, not from computing in parallel. The perf
//! check `perf_simulated_io` measures it against
//! [`fixtures::baselines::simulated_io_sequential`].
//!
//! A *fixed* number of workers matters as much as the overlap: a real server
//! limits how many requests it accepts from you, a database has a connection
//! limit, and a thread per request does not scale to a million requests.
//! Here `workers` threads each take the next unserved request until none
//! are left, so no more than `workers` calls are ever in flight.
//!
//! **When to choose it.** Blocking calls and a bounded degree of concurrency:
//! a few to a few hundred threads. For many thousands of concurrent waits,
//! async I/O (tokio) waits on one thread per core instead.
//!
//! **Python.** This is where Python threads *do* help: `time.sleep` and
//! socket reads release the GIL, so `ThreadPoolExecutor(max_workers=10)`
//! gives the same ~10× here. Rust threads behave the same for I/O; the
//! difference shows only when the work between waits needs the CPU.

use fixtures::inputs::IoRequest;

/// Answers every request with `call`, on `workers` threads, and returns the
/// answers in request order (element `i` answers `requests[i]`).
///
/// Contract:
/// - `call` runs exactly once per request;
/// - at most `workers` calls are in flight at any moment, and with at least
///   `workers` requests, `workers` calls do run at the same time (each worker
///   takes the next request as soon as it is free, so a slow request does not
///   hold up the others);
/// - `workers == 0` is treated as 1; more workers than requests start only
///   as many threads as there are requests; no requests return an empty
///   `Vec` without starting a thread.
pub fn fetch_all_with<F>(requests: &[IoRequest], workers: usize, call: F) -> Vec<u64>
where
    F: Fn(&IoRequest) -> u64 + Sync,
{
    // TODO: start `workers` scoped threads that each take the next request
    // index from a shared atomic counter, call it, and keep `(index, answer)`
    // pairs; after the join, put every answer in its slot.
    todo!()
}

/// [`fetch_all_with`] with the real (simulated) I/O call,
/// [`fixtures::baselines::simulated_io_call`].
pub fn fetch_all(requests: &[IoRequest], workers: usize) -> Vec<u64> {
    // TODO: call `fetch_all_with` with the simulated I/O call.
    todo!()
}
