//! Task 3 — The thread pool: a fixed set of workers fed by a channel.
//!
//! **What.** [`ThreadPool`], the counterpart of Python's
//! `ThreadPoolExecutor`:
//!
//! - [`ThreadPool::named`] starts `workers` threads named `<name>-0`,
//!   `<name>-1`, … (with [`crate::logging::spawn_worker`]). Each loops on one
//!   shared crossbeam channel of jobs (a multi-consumer queue: every job
//!   goes to exactly one worker, whichever is free first) until the channel
//!   is closed *and empty*.
//! - [`ThreadPool::submit`] / [`ThreadPool::try_submit`] wrap the closure in
//!   a job that runs it through [`crate::logging::run_logged`] and completes
//!   a [`crate::future::Promise`]; the caller gets the
//!   [`crate::future::TaskHandle`] at once. A job is a
//!   `Box<dyn FnOnce() + Send>`: the queue holds jobs of every result type.
//! - [`ThreadPool::map`] submits *every* item first and only then waits for
//!   the handles, in input order.
//! - [`ThreadPool::shutdown`] and `Drop` close the queue. Closing a crossbeam
//!   channel (dropping its last `Sender`) does not throw away what is queued:
//!   the workers' `recv` keeps handing out queued jobs and reports the
//!   disconnection only when the queue is empty. So no queued task is ever
//!   lost; `wait` only decides whether the caller joins the workers or
//!   leaves them to finish on their own.
//!
//! **Why.** Threads are expensive to start and unbounded numbers of them
//! are expensive to run: each has a stack, the scheduler juggles them, and
//! a server that opens one connection per thread overwhelms its database. A
//! pool starts `W` threads once; at most `W` tasks run at any moment, the
//! rest wait in the queue, and a task costs one channel hand-off.
//!
//! Three classic bugs this task's tests catch: a `submit` that runs the task
//! on the caller's thread (nothing is concurrent); a `map` that waits for
//! each task before submitting the next (the same, more subtly); and a
//! shutdown that stops the workers before the queue is empty (tasks
//! submitted and never run, their handles [`crate::future::TaskError::Cancelled`]).
//!
//! **When to choose it.** Blocking work (I/O, calls into blocking
//! libraries) with a bounded degree of concurrency, and work that arrives
//! over time rather than all at once. For CPU-bound work over a collection,
//! prefer rayon ([`crate::rayon_map`]).
//!
//! **Python.** `ThreadPoolExecutor(max_workers, thread_name_prefix)` starts
//! its threads lazily, on `submit`; this pool starts them at once.
//! `shutdown(wait=True)` (what a `with` block does on exit) waits for the
//! queue to drain; `shutdown(wait=False)` returns at once and the queued
//! work still runs, exactly as here. Python raises `RuntimeError` on a
//! `submit` after `shutdown`; here `shutdown` takes the pool by value, so
//! that mistake does not compile.

use std::fmt::Display;
use std::sync::atomic::AtomicU64;
use std::thread::JoinHandle;

use crossbeam_channel::Sender;

use crate::future::{Outcome, TaskHandle};

/// What the workers receive: a task wrapped up with its promise.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// The name [`ThreadPool::new`] gives its workers: `pool-0`, `pool-1`, ….
pub const DEFAULT_NAME: &str = "pool";

/// A fixed set of named worker threads that run submitted tasks.
#[derive(Debug)]
pub struct ThreadPool {
    /// The workers' name prefix.
    name: String,
    /// The job queue's sending end: `Some` while the pool takes work,
    /// `None` once it is closing. Dropping it is what tells the workers that
    /// no more jobs will come.
    sender: Option<Sender<Job>>,
    /// One handle per worker, in order; emptied when the pool closes.
    workers: Vec<JoinHandle<()>>,
    /// The id the next task gets (0, 1, 2, … in submission order).
    next_id: AtomicU64,
}

impl ThreadPool {
    /// A pool of `workers` threads named [`DEFAULT_NAME`]`-0`, ….
    pub fn new(workers: usize) -> Self {
        Self::named(DEFAULT_NAME, workers)
    }

    /// Starts `workers` threads (0 is treated as 1) named `<name>-0` to
    /// `<name>-<workers - 1>`, with [`crate::logging::spawn_worker`], all
    /// waiting on one job queue. Each runs jobs one at a time, in the order
    /// it receives them, until the queue is closed and empty.
    ///
    /// # Panics
    ///
    /// If the operating system refuses to start a thread.
    pub fn named(name: &str, workers: usize) -> Self {
        // TODO: an unbounded crossbeam channel of `Job`s; spawn the workers
        // with `spawn_worker`, each with a clone of the receiver, looping
        // `for job in receiver { job() }`.
        use crate::logging::spawn_worker;

        let (sender, receiver) = crossbeam_channel::unbounded::<Job>();
        let workers = (0..workers.max(1))
            .map(|i| {
                let receiver = receiver.clone();
                spawn_worker(format!("{name}-{i}"), move || {
                    // Ends when the pool closed the queue and it is empty.
                    for job in receiver {
                        job();
                    }
                })
                .unwrap_or_else(|err| panic!("failed to start worker {name}-{i}: {err}"))
            })
            .collect();
        Self {
            name: name.to_owned(),
            sender: Some(sender),
            workers,
            next_id: AtomicU64::new(0),
        }
    }

    /// The workers' name prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many worker threads the pool has.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues `f` to run on a worker and returns its handle at once.
    ///
    /// The handle gives `f`'s value, or [`crate::future::TaskError::Panicked`]
    /// if it panicked. Never blocks and never runs `f` on the caller's
    /// thread.
    pub fn submit<T, F>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // TODO: a task that cannot fail is a fallible one that never does:
        // `try_submit` with `Ok::<T, Infallible>(f())`.
        use std::convert::Infallible;

        self.try_submit(move || Ok::<T, Infallible>(f()))
    }

    /// Queues the fallible task `f` and returns its handle at once.
    ///
    /// The task gets the next id (the handle's [`TaskHandle::id`]) and runs
    /// on a worker through [`crate::logging::run_logged`]: its handle gives
    /// the value, [`crate::future::TaskError::Failed`] for an `Err`,
    /// [`crate::future::TaskError::Panicked`] for a panic. Never blocks and
    /// never runs `f` on the caller's thread.
    pub fn try_submit<T, E, F>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce() -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Display,
    {
        // TODO: take an id, make a `promise`, and send a job that completes
        // the promise with `run_logged(id, f)`. Return the handle.
        use crate::future::promise;
        use crate::logging::run_logged;
        use std::sync::atomic::Ordering::Relaxed;

        let id = self.next_id.fetch_add(1, Relaxed);
        let (promise, handle) = promise(id);
        let job: Job = Box::new(move || promise.complete(run_logged(id, f)));
        if let Some(sender) = &self.sender {
            // Sending fails only if every worker is gone; then the job and
            // its promise are dropped and the handle reports `Cancelled`.
            let _ = sender.send(job);
        }
        handle
    }

    /// Runs `f` on every item on the workers and returns the outcomes in
    /// the items' order (element `i` is `f(item i)`, or its error).
    ///
    /// Every item is submitted before the first outcome is waited for, so up
    /// to [`workers`](Self::workers) items run at the same time. Blocks until
    /// every item has finished.
    pub fn map<T, R, F>(&self, f: F, items: impl IntoIterator<Item = T>) -> Vec<Outcome<R>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        // TODO: share `f` through an `Arc`; submit one task per item and
        // *collect the handles* before waiting on any of them.
        use std::sync::Arc;

        let f = Arc::new(f);
        let handles: Vec<TaskHandle<R>> = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit(move || f(item))
            })
            .collect();
        handles.into_iter().map(TaskHandle::result).collect()
    }

    /// Stops taking work; every task already submitted still runs.
    ///
    /// With `wait`, returns once every queued task has finished and every
    /// worker has exited. Without, returns at once; the workers finish the
    /// queue on their own and then exit. The handles stay valid either way.
    pub fn shutdown(self, wait: bool) {
        // TODO: `close` does the work (`Drop` uses it too).
        let mut pool = self;
        pool.close(wait);
    }

    /// Closes the queue and, with `wait`, joins every worker. Does nothing
    /// the second time.
    fn close(&mut self, wait: bool) {
        // TODO: drop the sender (the queue drains, then the workers' loops
        // end), then join the workers if `wait`. Dropping a `JoinHandle`
        // detaches its thread, which still finishes the queue.
        drop(self.sender.take());
        let workers = std::mem::take(&mut self.workers);
        if wait {
            for worker in workers {
                // A worker cannot panic: every job catches its task's panic.
                let _ = worker.join();
            }
        }
    }
}

impl Drop for ThreadPool {
    /// Like `shutdown(true)`: the queued tasks run before the pool is gone.
    fn drop(&mut self) {
        self.close(true);
    }
}
