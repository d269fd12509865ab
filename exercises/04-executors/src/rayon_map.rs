//! Task 6 — The "process pool": CPU-parallel `map` on rayon.
//!
//! **What.** [`cpu_pool`] builds a [`rayon::ThreadPool`] with a fixed
//! number of threads named `cpu-0`, `cpu-1`, …; [`par_map`] maps a function
//! over a slice on such a pool, results in input order; and
//! [`prime_flags_parallel`] uses both to test a batch of numbers for
//! primality (the perf check `perf_rayon_prime_flags` times it against the
//! sequential [`fixtures::baselines::prime_flags`]).
//!
//! **Why.** For CPU-bound work over a collection, the question is how to
//! cut it up. Cut it into one task per item and the hand-offs cost as much
//! as the work (a prime test here takes about 3 µs); cut it into one piece
//! per core and the core that got the expensive items finishes last while
//! the others idle. rayon's answer is **work stealing**: `par_iter` splits
//! the slice in halves, and halves of halves, only as far as idle threads
//! come asking for work. Each thread works through its own piece and steals
//! half of someone else's when it runs dry. You write `iter()` →
//! `par_iter()`; the splitting adapts to the machine and to uneven items.
//!
//! **A pool of your own.** `par_iter` on its own runs on rayon's *global*
//! pool (one thread per core, shared by the whole program, unnamed). A
//! [`rayon::ThreadPoolBuilder`] makes a separate pool with a thread count
//! and names you choose; [`rayon::ThreadPool::install`] runs a closure on it,
//! and every `par_iter` inside that closure uses that pool's threads. Use one
//! to bound how many cores a job may take, or to keep a job that blocks
//! away from everyone else's parallel work.
//!
//! **When to choose it.** Data-parallel CPU work: the same function over
//! many items, a sum, a sort, a search. Not for blocking I/O: a rayon thread
//! that waits on the network is a core's worth of workers doing nothing
//! (see the example `choose`).
//!
//! **Python.** `ProcessPoolExecutor.map(fn, items, chunksize=1)`: separate
//! processes, because of the GIL, with every item and result pickled through
//! a pipe, and a `chunksize` you must tune by hand because one item per
//! message is far too small. rayon's threads share memory, so `par_map`
//! borrows the slice instead of copying it, and splits it adaptively.

/// A rayon pool of `threads` threads (0 means one per core, as
/// [`std::thread::available_parallelism`] says), named `cpu-0`, `cpu-1`, ….
///
/// Returns rayon's error if the threads cannot be started.
pub fn cpu_pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    // TODO: `rayon::ThreadPoolBuilder::new()` with `num_threads` and
    // `thread_name`, then `build()`. Do not pass 0 on to rayon: it would
    // read the RAYON_NUM_THREADS variable; ask `available_parallelism`.
    todo!()
}

/// `f` applied to every item, on `pool`'s threads, in parallel; element `i`
/// of the result is `f(&items[i])`.
///
/// Every call of `f` runs on one of `pool`'s threads (never on the global
/// pool or on the caller's thread). If `f` panics, the panic comes out of
/// `par_map` on the caller's thread.
pub fn par_map<T, R, F>(pool: &rayon::ThreadPool, items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    // TODO: inside `pool.install`, `items.par_iter().map(f).collect()`
    // (collecting an indexed parallel iterator keeps the order).
    todo!()
}

/// Whether each number is prime (`flags[i]` is `is_prime(numbers[i])`),
/// computed on a [`cpu_pool`] of `threads` threads with [`par_map`].
///
/// The answer equals [`fixtures::baselines::prime_flags`]'s.
///
/// # Panics
///
/// If the pool's threads cannot be started.
pub fn prime_flags_parallel(numbers: &[u64], threads: usize) -> Vec<bool> {
    // TODO: build the pool, then `par_map` with `is_prime`.
    todo!()
}
