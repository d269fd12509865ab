//! The messages parent and workers exchange, and what a worker does with them.
//!
//! Nothing to do here: this module is given. Read it before tasks 2 and 4,
//! because it *is* the protocol.
//!
//! **The wire format.** Every message is one [`Request`] (parent → worker,
//! on the worker's stdin) or one [`Response`] (worker → parent, on its
//! stdout), serialised by serde as one line of JSON:
//!
//! ```text
//! parent → worker   {"Init":{"job_counter":null}}
//! worker → parent   {"Ready":{"pid":4242,"init_runs":1}}
//! parent → worker   {"Run":[{"IsPrime":97},{"CountPrimes":{"start":0,"end":100}}]}
//! worker → parent   {"Done":{"pid":4242,"init_runs":1,"values":[1,25]}}
//! ```
//!
//! One request, one response, in order. A worker exits when its stdin is
//! closed (end of input), which is how a parent shuts it down politely.
//!
//! **Why JSON lines.** A pipe is a stream of bytes with no message
//! boundaries; a newline is the simplest frame. JSON never contains a raw
//! newline (inside strings it is escaped as `\n`), so one value is one line,
//! readable with `BufRead::read_line` and debuggable by eye. Binary formats
//! (bincode, postcard) are smaller and faster; the framing problem is the same.
//!
//! **Python.** `multiprocessing.Queue` and `Pipe` pickle every object and
//! send it through a pipe with a length prefix: the same idea, hidden. The
//! pickling is why Python can send almost any object, and also why a task
//! that is small compared with its arguments gets *slower* in a pool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::shared_memory::SharedCounter;

/// One unit of work, run inside a worker process by [`WorkerState::run`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// How many primes are in `start..end` ([`fixtures::baselines::count_primes`]).
    CountPrimes {
        /// First number tested.
        start: u64,
        /// One past the last number tested.
        end: u64,
    },
    /// 1 if the number is prime, else 0: a job far smaller than a message.
    IsPrime(u64),
    /// Sleeps `ms` milliseconds, then answers `ms`.
    Sleep {
        /// How long to sleep.
        ms: u64,
    },
    /// Meets the other parties at the file barrier in `dir` (see
    /// [`rendezvous`]): answers 1 when `parties` different processes got
    /// there within `timeout_ms`, 0 when it gave up waiting.
    Rendezvous {
        /// The barrier directory (it must exist).
        dir: PathBuf,
        /// How many different processes must arrive.
        parties: u32,
        /// How long to wait for them.
        timeout_ms: u64,
    },
    /// Ends the worker process at once with exit code `code`, in the middle
    /// of its chunk: a crash. Never run it in a process you want to keep.
    Crash {
        /// The exit code.
        code: i32,
    },
}

/// What a pool sends each worker once, before any job: the arguments of
/// its initializer (Python's `Pool(initializer=..., initargs=...)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitArgs {
    /// When set, the initializer opens this shared counter (task 3) once,
    /// and the worker adds 1 to it for every job it runs: the parent can
    /// then check that every job ran exactly once, whichever worker ran it.
    pub job_counter: Option<PathBuf>,
}

/// A message from the parent to a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Run the initializer with these arguments; answered by [`Response::Ready`].
    Init(InitArgs),
    /// Run these jobs in order; answered by [`Response::Done`].
    Run(Vec<Job>),
}

/// A message from a worker to the parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// The initializer ran.
    Ready {
        /// The worker's process id.
        pid: u32,
        /// How many times the initializer has run in this process so far.
        init_runs: u32,
    },
    /// The jobs of a [`Request::Run`] ran.
    Done {
        /// The worker's process id.
        pid: u32,
        /// How many times the initializer has run in this process so far.
        init_runs: u32,
        /// One answer per job, in job order.
        values: Vec<u64>,
    },
}

/// How many times [`WorkerState::initialize`] has run in this process.
///
/// A process-wide counter, not a field: it counts initializer runs however
/// the worker loop is written, so a pool that re-runs the initializer for
/// every chunk is caught.
static INIT_RUNS: AtomicU32 = AtomicU32::new(0);

/// How many times the initializer has run in this process.
pub fn init_runs() -> u32 {
    INIT_RUNS.load(Relaxed)
}

/// What a worker keeps between jobs. `WorkerState::default()` is the state
/// of a worker that was never initialised.
#[derive(Debug, Default)]
pub struct WorkerState {
    /// Counts jobs run, when the initializer was given a counter.
    job_counter: Option<SharedCounter>,
}

impl WorkerState {
    /// The initializer: sets up what every job of this worker needs, once.
    ///
    /// Opening (memory-mapping) the shared job counter stands in for the
    /// expensive, per-process set-up an initializer is for: a database
    /// connection, a loaded model, a cache. Counts itself in [`init_runs`].
    ///
    /// Errors: the counter file cannot be opened or mapped.
    pub fn initialize(args: &InitArgs) -> std::io::Result<Self> {
        INIT_RUNS.fetch_add(1, Relaxed);
        let job_counter = match &args.job_counter {
            Some(path) => Some(SharedCounter::open(path)?),
            None => None,
        };
        Ok(Self { job_counter })
    }

    /// Runs one job and returns its answer. [`Job::Crash`] does not return.
    pub fn run(&self, job: &Job) -> u64 {
        if let Some(counter) = &self.job_counter {
            counter.add(1);
        }
        match job {
            Job::CountPrimes { start, end } => fixtures::baselines::count_primes(*start..*end),
            Job::IsPrime(n) => u64::from(fixtures::baselines::is_prime(*n)),
            Job::Sleep { ms } => {
                std::thread::sleep(Duration::from_millis(*ms));
                *ms
            }
            Job::Rendezvous {
                dir,
                parties,
                timeout_ms,
            } => u64::from(rendezvous(
                dir,
                *parties,
                Duration::from_millis(*timeout_ms),
            )),
            Job::Crash { code } => std::process::exit(*code),
        }
    }
}

/// A barrier between processes, made of files: marks this process as
/// arrived by creating `dir/<pid>`, then waits until `parties` entries exist.
///
/// Returns `true` when they all arrived, `false` after `timeout` (or when
/// the directory is unusable). The same process arriving twice counts once,
/// so passing proves that `parties` *different* processes were waiting at
/// the same time. The tests use it to tell real parallelism from a parent
/// that starts its workers one after another.
pub fn rendezvous(dir: &Path, parties: u32, timeout: Duration) -> bool {
    let started = Instant::now();
    if std::fs::write(dir.join(std::process::id().to_string()), b"").is_err() {
        return false;
    }
    loop {
        let arrived = std::fs::read_dir(dir).map_or(0, |entries| entries.count());
        if arrived >= parties as usize {
            return true;
        }
        if started.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Starts a thread that ends this process (exit code 1) once its parent is
/// gone: the parent's pid is polled every 100 ms.
///
/// Every worker calls this first, so a test that fails, panics or is killed
/// before it reaps its workers never leaves them running for good. (An
/// orphan is re-parented to init or a subreaper, which changes its parent
/// pid.) Linux's `PR_SET_PDEATHSIG` would be faster, but it fires when the
/// parent *thread* exits, and pools often start workers from short-lived
/// threads.
///
/// Windows does not re-parent orphans, so there is nothing to poll: there
/// a worker in `serve` mode still ends when its stdin closes with its
/// parent, and the others live until killed.
pub fn exit_when_parent_dies() {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(100));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(1);
                }
            }
        });
    }
}
