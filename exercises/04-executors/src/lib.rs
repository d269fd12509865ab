#![allow(
    unused_variables,
    dead_code,
    reason = "starter stubs: these warnings go away as you fill them in"
)]

//! # 04 — Executors: a thread pool with futures, and rayon
//!
//! Exercises 01-03 started threads and processes by hand: spawn, hand over
//! work, join. An **executor** packages that once and for all: a fixed set of
//! worker threads waits on a queue of tasks; you *submit* a closure and get
//! back a **future** (here a [`future::TaskHandle`]), a handle on a result
//! that is not there yet. The workers are started once and reused, so a task
//! costs a channel send (about 50 ns here), not a thread start (tens of
//! microseconds), and the number of tasks in flight never exceeds the number
//! of workers, however many you submit.
//!
//! You build the Rust counterpart of Python's `concurrent.futures`
//! ([`pool::ThreadPool`] is `ThreadPoolExecutor`) on crossbeam channels, then
//! meet the library Rust programs actually use for CPU work, rayon.
//!
//! ## Python and Rust
//!
//! | Python (`concurrent.futures`) | Rust, here |
//! |---|---|
//! | `ThreadPoolExecutor(max_workers=5, thread_name_prefix="io")` | [`pool::ThreadPool::named`]`("io", 5)`: named workers fed by a crossbeam channel |
//! | `executor.submit(fn, x)` → `Future` | [`pool::ThreadPool::submit`] / [`try_submit`](pool::ThreadPool::try_submit) → [`future::TaskHandle`] |
//! | `future.result()`, `future.result(timeout=10)`, `future.done()` | [`result`](future::TaskHandle::result), [`result_timeout`](future::TaskHandle::result_timeout), [`is_done`](future::TaskHandle::is_done) |
//! | `executor.map(fn, items)`: results in input order | [`pool::ThreadPool::map`] |
//! | `as_completed(futures)`: in completion order | [`as_completed::as_completed`] |
//! | an exception in the task, re-raised by `result()` | a panic or an `Err`, returned as a [`future::TaskError`] value ([`errors`]) |
//! | `with executor:` / `shutdown(wait=True)` | [`pool::ThreadPool::shutdown`]`(wait)`, and `Drop` (the `with` block's end) |
//! | `logging` with `%(threadName)s` | `tracing` events, each line with the worker's name ([`logging`]) |
//! | `ProcessPoolExecutor` for CPU work | a rayon pool of threads: no GIL, so no processes and no pickling ([`rayon_map`]) |
//!
//! Two differences run through the whole exercise:
//!
//! - **No GIL.** Python needs `ProcessPoolExecutor` for CPU-bound work
//!   because its threads take turns on one interpreter lock; every argument
//!   and result is pickled through a pipe. Rust threads compute in parallel,
//!   so the "process pool" of this exercise is a pool of threads (rayon's)
//!   that borrows its input slice directly.
//! - **Errors are values.** A Python future re-raises the task's exception
//!   from `result()`. A Rust task either returns `Err` or panics; the pool
//!   catches both and the handle gives back a [`future::TaskError`], so one
//!   failing task never takes a worker (or the caller) down with it.
//!
//! ## Choosing an executor
//!
//! The example `choose` runs the same three workloads (40 blocking calls of
//! 20 ms, 80 000 small prime tests, and just 20 of them) sequentially, on
//! your [`pool::ThreadPool`] and on a rayon pool, and prints the table:
//!
//! ```text
//! cargo run -p executors --example choose
//! ```
//!
//! What the numbers show (on 2 cores):
//!
//! - **I/O-bound** (waiting on the network, a disk, a database): a thread
//!   pool sized to the number of calls you want *in flight*, not to the
//!   cores. Ten workers overlap ten waits (about 10×) even on 2 cores,
//!   because a waiting thread uses no CPU. rayon's pool has one thread per
//!   core, so blocking calls on it run only two at a time (about 2×), and
//!   they hold up every other parallel job that shares that pool.
//! - **CPU-bound** (computing): rayon, or any pool with one thread per core.
//!   More threads than cores cannot go faster. One task per tiny item costs
//!   a queue hand-off, a result channel and a wake-up per item, which can
//!   cost as much as the work; rayon splits the input into a few big pieces
//!   and steals work only when a thread runs dry.
//! - **Tiny** (the whole job takes well under a millisecond): stay
//!   sequential; handing work to another thread and waking it costs tens of
//!   microseconds, as much as the job.
//!
//! Python's decision guide says "threads for I/O, processes for CPU"; in
//! Rust the second half becomes "a thread per core for CPU".
//!
//! ## The tasks
//!
//! 1. [`future`]: a promise/handle pair: wait for a result, with and without
//!    a time-out, and ask whether it is there yet.
//! 2. [`errors`]: turn a panic or an `Err` into a [`future::TaskError`].
//! 3. [`pool`]: the thread pool: `submit`, `map`, `shutdown` that never
//!    loses queued work.
//! 4. [`as_completed`]: results in the order the tasks finish.
//! 5. [`logging`]: every task logs its start and outcome from its worker
//!    thread, into the caller's subscriber.
//! 6. [`rayon_map`]: CPU-parallel `map` on a rayon pool with a fixed thread
//!    count.
//! 7. [`batch`]: a batch of orders from a file, processed on the pool, every
//!    bad record reported and none able to stop the batch.
//!
//! Tasks 3-5 and 7 build on tasks 1 and 2: do those first. Each module's
//! docs say what to build; every place to change says `TODO`.

pub mod as_completed;
pub mod batch;
pub mod errors;
pub mod future;
pub mod logging;
pub mod pool;
pub mod rayon_map;
