//! Task 9 — I/O-bound calls served by named workers fed from your queue.
//!
//! **What.** The seed notebook's performance comparison: N simulated I/O
//! calls ([`fixtures::baselines::simulated_io_call`] sleeps, then answers)
//! one after the other versus on a few threads. Here the threads are built
//! from this exercise's own parts: `workers` named threads (`io-worker-0`,
//! `io-worker-1`, …) take `(index, request)` jobs from a
//! [`BoundedQueue`](crate::bounded_queue::BoundedQueue) of capacity
//! `workers` and put `(index, answer)` into a
//! [`ThreadSafeBuffer`](crate::shared_buffer::ThreadSafeBuffer); the calling
//! thread is the producer: it puts every job, then closes the queue, which
//! is how the workers learn that there is no more work.
//!
//! **Why it is faster.** A thread blocked in I/O uses no CPU: it waits. Ten
//! workers wait ten calls at the same time, on any number of cores, so 30
//! calls of 20 ms take about 60 ms instead of 600 ms. The perf check
//! `perf_queue_pipeline_io` measures this against
//! [`fixtures::baselines::simulated_io_sequential`].
//!
//! **Why bounded.** The queue holds at most `workers` jobs, so the producer
//! runs only a little ahead of the workers; with a million requests from a
//! lazy source (a file, a socket) it would never hold them all in memory.
//! And a fixed number of workers caps the calls in flight, which is what a
//! server's rate limits and a database's connection limit demand.
//!
//! **When to choose it.** Blocking I/O with a bounded degree of concurrency,
//! a few to a few hundred threads. In real code `ThreadPoolExecutor`'s Rust
//! cousins (exercise 04) or rayon wrap this pattern; for many thousands of
//! concurrent waits, async I/O (tokio) waits on one thread per core.
//!
//! **Python.** This is where Python threads *do* help: `time.sleep` and
//! socket reads release the GIL, so the notebook's threaded version gets
//! about the same speedup as this one. The difference shows only when the
//! work between waits needs the CPU.

use fixtures::inputs::IoRequest;

use crate::worker_thread::SpawnError;

/// Worker `i` is named `format!("{WORKER_NAME_PREFIX}{i}")`.
pub const WORKER_NAME_PREFIX: &str = "io-worker-";

/// Answers every request with `call` on `workers` named worker threads fed
/// through a bounded queue of capacity `workers`, and returns the answers in
/// request order (element `i` answers `requests[i]`).
///
/// Contract:
/// - `call` runs exactly once per request, always on a thread named
///   `io-worker-<n>`, never on the calling thread;
/// - at most `workers` calls are in flight at any moment, and with at least
///   `workers` requests, `workers` calls do run at the same time;
/// - `workers == 0` is treated as 1; more workers than requests start only
///   as many threads as there are requests; no requests return an empty
///   `Vec` without starting a thread;
/// - if the OS refuses a worker thread, the queue is closed, the workers
///   already started finish, and the error is returned. `call` must not
///   panic.
pub fn fetch_all_with<F>(
    requests: &[IoRequest],
    workers: usize,
    call: F,
) -> Result<Vec<u64>, SpawnError>
where
    F: Fn(&IoRequest) -> u64 + Sync,
{
    // TODO: inside `thread::scope`, start the named workers with
    // `thread::Builder::spawn_scoped`; each runs
    // `while let Some((i, request)) = queue.get() { … }`. Then put every
    // `(index, &request)` into the queue and close it. After the scope,
    // place each answer in its slot.
    use std::thread;

    use crate::bounded_queue::BoundedQueue;
    use crate::shared_buffer::ThreadSafeBuffer;

    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let workers = workers.clamp(1, requests.len());
    let queue = BoundedQueue::new(workers);
    let answers = ThreadSafeBuffer::new();
    let (queue, answers_ref, call) = (&queue, &answers, &call);
    thread::scope(|scope| {
        for n in 0..workers {
            let name = format!("{WORKER_NAME_PREFIX}{n}");
            let started =
                thread::Builder::new()
                    .name(name.clone())
                    .spawn_scoped(scope, move || {
                        while let Some((i, request)) = queue.get() {
                            answers_ref.add((i, call(request)));
                        }
                    });
            if let Err(source) = started {
                // The workers already running drain the queue and stop.
                queue.close();
                return Err(SpawnError::Os { name, source });
            }
        }
        for job in requests.iter().enumerate() {
            // Only this thread closes the queue, so a put cannot fail here.
            if queue.put(job).is_err() {
                break;
            }
        }
        queue.close();
        Ok(())
    })?;
    let mut ordered = vec![0; requests.len()];
    for (i, answer) in answers.into_inner() {
        ordered[i] = answer;
    }
    Ok(ordered)
}

/// [`fetch_all_with`] with the real (simulated) I/O call,
/// [`fixtures::baselines::simulated_io_call`].
pub fn fetch_all(requests: &[IoRequest], workers: usize) -> Result<Vec<u64>, SpawnError> {
    // TODO: call `fetch_all_with` with the simulated I/O call.
    fetch_all_with(requests, workers, fixtures::baselines::simulated_io_call)
}
