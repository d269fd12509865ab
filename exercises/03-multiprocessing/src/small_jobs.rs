//! Task 5 — small jobs: one message per job is slow, chunks are fast.
//!
//! **What.** The seed's troubleshooting table has a row "Slow
//! multiprocessing — high overhead, small tasks — batch larger tasks". This
//! task measures it. [`prime_flags_in_pool`] asks a process pool whether
//! each of tens of thousands of numbers is prime: a few microseconds of
//! work per number. Sent one number per message, every job pays a whole
//! round trip (JSON encoding, a `write` system call, waking the worker,
//! its `write`, waking the parent, JSON decoding): 10-40 µs, several times
//! the job itself, and on the course machine the 2-worker pool took 574 ms
//! where one thread with no pool at all took 222 ms (0.39×). Sent in chunks
//! of a hundred or more, the same round trip is shared by the whole chunk
//! and the pool gets close to its ideal speedup (1.79×).
//!
//! [`pick_chunk_size`] is your choice of chunk size. Two forces pull on it:
//!
//! - **bigger chunks** pay the per-message cost less often;
//! - **more chunks** balance better: with exactly one chunk per worker, a
//!   worker that drew the expensive numbers (or lost its core for a moment
//!   to another program) finishes last while the others idle.
//!
//! A few chunks per worker is the usual answer (Python's `Pool.map` picks 4
//! per worker when you pass no `chunksize`). Run
//! `cargo run -p multiprocessing --example costs` to see the whole curve on
//! your machine, and the perf check `perf_pool_small_jobs` to be graded on
//! your choice.
//!
//! **Why.** Every parallel system has a per-task overhead: a thread pool's
//! is a channel hand-off (about 50 ns), a process pool's a pipe round trip
//! (tens of µs), a cluster's a network round trip (ms). The right task size
//! is always "much bigger than the overhead".
//!
//! **When to choose it.** Batch whenever a job is not much bigger than a
//! message. If batching is impossible (each job needs an answer now), the
//! per-message cost says: use threads, not processes.
//!
//! **Python.** `pool.map(f, items, chunksize=n)`; `pool.imap` defaults to a
//! chunk size of 1, the slow case. `ProcessPoolExecutor.map` also takes
//! `chunksize`, default 1.

use std::path::Path;

use crate::pool::PoolError;

/// The chunk size [`prime_flags_in_pool`] uses for `jobs` jobs on
/// `workers` workers (0 is treated as 1).
///
/// Contract (the tests check it; the perf check measures the rest):
/// - the answer is at least 1;
/// - every worker gets work: there are at least `min(jobs, workers)`
///   chunks, i.e. `jobs.div_ceil(size) >= min(jobs, workers)`;
/// - jobs are batched: there are at most `32 × workers` chunks.
pub fn pick_chunk_size(jobs: usize, workers: usize) -> usize {
    // TODO: aim for a few chunks per worker.
    todo!()
}

/// Whether each number is prime, decided by a pool of `workers` worker
/// processes running `program`, with one [`Job::IsPrime`] per number sent
/// in chunks of [`pick_chunk_size`]. `flags[i]` is the answer for
/// `numbers[i]`.
///
/// Starts the pool (default [`InitArgs`]), maps, and closes it, so every
/// worker has been reaped when this returns. An empty input gives an empty
/// answer.
///
/// Errors: any [`PoolError`] from starting, mapping or closing.
///
/// [`Job::IsPrime`]: crate::protocol::Job::IsPrime
/// [`InitArgs`]: crate::protocol::InitArgs
pub fn prime_flags_in_pool(
    program: &Path,
    numbers: &[u64],
    workers: usize,
) -> Result<Vec<bool>, PoolError> {
    // TODO: as `count_primes_in_pool`, but one `IsPrime` job per number and
    // `pick_chunk_size` as the chunk size; turn each 0/1 value into a bool.
    todo!()
}
