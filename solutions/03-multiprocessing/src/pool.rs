//! Task 4 — a process pool: long-lived workers, an initializer, chunks handed out as workers free up.
//!
//! **What.** [`ProcessPool`] is Python's `multiprocessing.Pool` in Rust:
//!
//! - [`ProcessPool::start`] starts a fixed number of worker processes
//!   (`program serve`, task 2's [`serve`]) and runs the *initializer* in
//!   each, once: it sends every worker [`Request::Init`] and waits for its
//!   [`Response::Ready`].
//! - [`ProcessPool::map`] cuts the jobs into chunks of `chunk_size`, sends
//!   each chunk as one [`Request::Run`], and gives the next chunk to
//!   whichever worker answers first. Results come back in *input* order
//!   however the chunks finished, with a [`ChunkReport`] per chunk saying
//!   which process ran it and how often its initializer had run (1, always:
//!   that is the proof the workers are long-lived and initialised once).
//! - [`ProcessPool::close`] closes every worker's stdin and waits for them
//!   to exit; dropping a pool kills and reaps whatever is left.
//!
//! A simple, robust design: one parent thread per worker (scoped threads
//! borrowing the pool), each looping "take the next chunk number from a
//! shared atomic counter, send it to *my* worker, wait for the answer". A
//! worker that finishes early just takes another chunk, so a slow chunk
//! never holds up the rest, and since every answer carries its chunk number
//! the results can be put back in order at the end. If a worker dies
//! mid-chunk, its thread reports *which jobs it held* and raises a shared
//! "stop" flag so the others take no new chunks.
//!
//! **Why.** Starting a process costs about a millisecond and initialising
//! it (opening a database, loading a model, mapping shared memory) may cost
//! far more. A pool pays that once per worker, not once per job. Chunking
//! pays the per-message cost (two system calls, JSON encoding, two context
//! switches: tens of microseconds) once per chunk instead of once per job
//! (task 5 measures it).
//!
//! **When to choose it.** In Python: always, for CPU-bound work (the GIL).
//! In Rust: when the jobs need the isolation of a process (a crash kills
//! one worker, not the program: see the crash test), or run code that is
//! not thread-safe (a C library with global state), or must be killable.
//! Otherwise a thread pool (`rayon`, exercise 04) does the same with none
//! of the copying.
//!
//! **Python.** `with Pool(4, initializer=init, initargs=(path,)) as pool:
//! pool.map(f, items, chunksize=...)`. When a worker dies mid-task, a
//! `Pool` quietly replaces it and `map` waits forever for the lost result;
//! `concurrent.futures.ProcessPoolExecutor` raises `BrokenProcessPool`
//! instead, but cannot say which task was lost. Here the error names the
//! worker, its exit status and the jobs it held.
//!
//! [`serve`]: crate::ipc::serve
//! [`Request::Init`]: crate::protocol::Request::Init
//! [`Request::Run`]: crate::protocol::Request::Run
//! [`Response::Ready`]: crate::protocol::Response::Ready

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::process::ExitStatus;
use std::time::Duration;

use crate::ipc::{IpcError, Worker};
use crate::protocol::{InitArgs, Job};

/// How long a worker may take to answer one request before it is killed.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(20);
/// How long [`ProcessPool::close`] waits for each worker to exit.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which process ran one chunk of a [`ProcessPool::map`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkReport {
    /// The chunk: indices into the `jobs` given to `map`.
    pub jobs: Range<usize>,
    /// The worker process that ran it.
    pub pid: u32,
    /// How many times that worker's initializer had run when it answered.
    pub init_runs: u32,
}

/// What [`ProcessPool::map`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOutput {
    /// One value per job, in job order.
    pub values: Vec<u64>,
    /// One report per chunk, in job order (`chunks[0].jobs.start == 0`).
    pub chunks: Vec<ChunkReport>,
}

/// Why a pool operation failed.
#[derive(Debug)]
pub enum PoolError {
    /// A worker could not be started or initialised. Every worker started
    /// so far has been killed and reaped.
    Start(IpcError),
    /// A worker failed while it held these jobs (it died, timed out, or
    /// answered garbage).
    Worker {
        /// The worker's process id.
        pid: u32,
        /// The chunk it held: indices into the `jobs` given to `map`.
        jobs: Range<usize>,
        /// What went wrong.
        source: IpcError,
    },
    /// A worker answered with the wrong kind of message, or the wrong
    /// number of values.
    Protocol {
        /// The worker's process id.
        pid: u32,
        /// What was wrong.
        message: String,
    },
    /// A worker did not exit when closed (it has been killed and reaped).
    Close(IpcError),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Start(err) => write!(f, "failed to start the pool: {err}"),
            Self::Worker { pid, jobs, source } => {
                write!(
                    f,
                    "worker {pid} failed while running jobs {jobs:?}: {source}"
                )
            }
            Self::Protocol { pid, message } => {
                write!(f, "worker {pid} broke the protocol: {message}")
            }
            Self::Close(err) => write!(f, "failed to close the pool: {err}"),
        }
    }
}

impl std::error::Error for PoolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Start(source) | Self::Worker { source, .. } | Self::Close(source) => Some(source),
            Self::Protocol { .. } => None,
        }
    }
}

/// A fixed set of long-lived worker processes.
///
/// Dropping the pool drops its [`Worker`]s, which kills and reaps them.
#[derive(Debug)]
pub struct ProcessPool {
    /// The workers, in start order; each initialised exactly once.
    workers: Vec<Worker>,
}

impl ProcessPool {
    /// Starts `workers` processes running `program serve` (0 is treated as
    /// 1), then initialises them all: sends each `Request::Init(init)` and
    /// waits for its `Ready`. The initializers run at the same time, not
    /// one after another.
    ///
    /// Errors: [`PoolError::Start`] if any worker cannot be started or
    /// initialised (its initializer failed, it died, or it gave no `Ready`
    /// within [`REPLY_TIMEOUT`]); the workers already started are killed
    /// and reaped.
    pub fn start(program: &Path, workers: usize, init: &InitArgs) -> Result<Self, PoolError> {
        // TODO: spawn every worker first (`Worker::spawn(program, &["serve"])`),
        // then `send` each its `Init`, then `recv` each `Ready`. On an error,
        // returning early drops the workers started so far, and `Worker`'s
        // `Drop` kills and reaps them.
        use crate::protocol::{Request, Response};

        let mut started = Vec::with_capacity(workers.max(1));
        for _ in 0..workers.max(1) {
            started.push(Worker::spawn(program, &["serve"]).map_err(PoolError::Start)?);
        }
        for worker in &mut started {
            worker
                .send(&Request::Init(init.clone()))
                .map_err(PoolError::Start)?;
        }
        for worker in &mut started {
            match worker.recv(REPLY_TIMEOUT).map_err(PoolError::Start)? {
                Response::Ready { .. } => {}
                other => {
                    return Err(PoolError::Protocol {
                        pid: worker.pid(),
                        message: format!("expected Ready after Init, got {other:?}"),
                    });
                }
            }
        }
        Ok(Self { workers: started })
    }

    /// Number of worker processes.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// The workers' process ids, in start order.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(Worker::pid).collect()
    }

    /// Runs every job on the pool and returns the values in job order.
    ///
    /// Contract:
    /// - the jobs are cut into consecutive chunks of `chunk_size` (0 is
    ///   treated as 1; the last chunk may be shorter), each sent to a
    ///   worker as one `Request::Run`;
    /// - all workers run chunks at the same time, and a worker that
    ///   finishes its chunk is given the next one not yet handed out (no
    ///   worker's share is fixed in advance);
    /// - every job runs exactly once; `values[i]` is the answer of
    ///   `jobs[i]`; `chunks` has one report per chunk, in job order;
    /// - an empty `jobs` sends nothing and returns empty vectors.
    ///
    /// Errors: [`PoolError::Worker`] naming the worker and the chunk it
    /// held when it died, timed out ([`REPLY_TIMEOUT`]) or sent a
    /// malformed line; [`PoolError::Protocol`] for a wrong answer. After an
    /// error no new chunks are handed out, the call returns as soon as the
    /// chunks already running have finished, and the pool should be closed
    /// or dropped.
    pub fn map(&mut self, jobs: &[Job], chunk_size: usize) -> Result<MapOutput, PoolError> {
        // TODO: build the list of chunk ranges; in `thread::scope`, one thread
        // per worker (iterate `self.workers.iter_mut()`), each taking chunk
        // numbers from a shared `AtomicUsize` until none are left or a shared
        // `AtomicBool` says stop, and keeping `(chunk number, report, values)`
        // for the chunks it ran. Then sort by chunk number and flatten.
        use crate::protocol::{Request, Response};
        use std::sync::atomic::Ordering::Relaxed;
        use std::sync::atomic::{AtomicBool, AtomicUsize};
        use std::thread;

        let chunk_size = chunk_size.max(1);
        let chunks: Vec<Range<usize>> = (0..jobs.len())
            .step_by(chunk_size)
            .map(|start| start..(start + chunk_size).min(jobs.len()))
            .collect();
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (chunks, next, stop) = (&chunks, &next, &stop);

        type Ran = Vec<(usize, ChunkReport, Vec<u64>)>;
        let per_worker: Vec<Result<Ran, PoolError>> = thread::scope(|scope| {
            let threads: Vec<_> = self
                .workers
                .iter_mut()
                .map(|worker| {
                    scope.spawn(move || {
                        let mut ran = Ran::new();
                        // Relaxed is enough for both atomics: the counter only
                        // hands out distinct numbers, and the flag is a hint
                        // (a thread that misses it runs one chunk too many).
                        while !stop.load(Relaxed) {
                            let index = next.fetch_add(1, Relaxed);
                            let Some(range) = chunks.get(index) else { break };
                            let request = Request::Run(jobs[range.clone()].to_vec());
                            let failure = match worker.request(&request, REPLY_TIMEOUT) {
                                Ok(Response::Done {
                                    pid,
                                    init_runs,
                                    values,
                                }) if values.len() == range.len() => {
                                    let report = ChunkReport {
                                        jobs: range.clone(),
                                        pid,
                                        init_runs,
                                    };
                                    ran.push((index, report, values));
                                    continue;
                                }
                                Ok(other) => PoolError::Protocol {
                                    pid: worker.pid(),
                                    message: format!(
                                        "expected Done with {} values for jobs {range:?}, got {other:?}",
                                        range.len()
                                    ),
                                },
                                Err(source) => PoolError::Worker {
                                    pid: worker.pid(),
                                    jobs: range.clone(),
                                    source,
                                },
                            };
                            stop.store(true, Relaxed);
                            return Err(failure);
                        }
                        Ok(ran)
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|thread| {
                    thread
                        .join()
                        .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
                })
                .collect()
        });

        let mut all = Ran::with_capacity(chunks.len());
        for ran in per_worker {
            all.extend(ran?);
        }
        all.sort_unstable_by_key(|(index, _, _)| *index);
        let mut output = MapOutput {
            values: Vec::with_capacity(jobs.len()),
            chunks: Vec::with_capacity(all.len()),
        };
        for (_, report, values) in all {
            output.values.extend(values);
            output.chunks.push(report);
        }
        Ok(output)
    }

    /// Shuts the pool down: closes every worker's stdin (they exit at end of
    /// input) and waits up to [`EXIT_TIMEOUT`] for each; returns their exit
    /// statuses in start order. Every worker has been reaped when this
    /// returns, on success and on error.
    ///
    /// Errors: [`PoolError::Close`] for the first worker that did not exit
    /// in time (it was killed).
    pub fn close(self) -> Result<Vec<ExitStatus>, PoolError> {
        // TODO: `Worker::shutdown` each worker; keep going after an error so
        // that every worker is reaped, then report the first error.
        let mut statuses = Vec::with_capacity(self.workers.len());
        let mut first_error = None;
        for worker in self.workers {
            match worker.shutdown(EXIT_TIMEOUT) {
                Ok(status) => statuses.push(status),
                Err(err) => {
                    first_error.get_or_insert(PoolError::Close(err));
                }
            }
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(statuses),
        }
    }
}

/// How many primes are in `range`, counted by a pool of `workers` worker
/// processes running `program` (the course's `t03-worker`).
///
/// Starts the pool, cuts the range into [`Job::CountPrimes`] jobs, maps
/// them, sums the answers, and closes the pool, so every worker has exited
/// and been reaped when this returns (the perf check counts the CPU time of
/// reaped children). Cut the range into many more pieces than workers: a
/// number's cost grows with its size, so equal halves are unequal work.
///
/// An empty range gives 0. `workers == 0` is treated as 1.
///
/// Errors: any [`PoolError`] from starting, mapping or closing.
pub fn count_primes_in_pool(
    program: &Path,
    range: Range<u64>,
    workers: usize,
) -> Result<u64, PoolError> {
    // TODO: `ProcessPool::start` with `InitArgs::default()`; about 64
    // `CountPrimes` jobs per worker, covering the range exactly once; `map`
    // with a chunk size of 1 (each job is already big); `close`; sum.
    let workers = workers.max(1);
    let mut pool = ProcessPool::start(program, workers, &InitArgs::default())?;
    let len = range.end.saturating_sub(range.start);
    let pieces = (workers as u64 * 64).clamp(1, len.max(1));
    let width = len.div_ceil(pieces).max(1);
    let jobs: Vec<Job> = (0..pieces)
        .map(|i| {
            let start = range.start + i * width;
            Job::CountPrimes {
                start: start.min(range.end),
                end: (start + width).min(range.end),
            }
        })
        .filter(|job| matches!(job, Job::CountPrimes { start, end } if start < end))
        .collect();
    let output = pool.map(&jobs, 1)?;
    pool.close()?;
    Ok(output.values.iter().sum())
}
