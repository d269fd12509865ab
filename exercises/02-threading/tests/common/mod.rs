//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of these"
)]

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// Runs `f` on a helper thread and returns its result, failing the test if it
/// takes longer than `limit`.
///
/// Every test that waits for student code goes through this, so a deadlock
/// (or a sequential answer stuck at a barrier meant for several threads)
/// fails within seconds instead of hanging the run. A panic inside `f` fails
/// the test with `f`'s own message.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let helper = thread::spawn(move || {
        // The receiver is gone only after a timeout; then nobody listens.
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!(
            "{what} did not finish within {limit:?}: is it deadlocked, or running \
             sequentially where the threads must meet (a Barrier waits for all of them)?"
        ),
        Err(RecvTimeoutError::Disconnected) => match helper.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the helper sends its result before it returns"),
        },
    }
}

/// A generous bound for work that takes milliseconds when it is right.
pub const LIVENESS: Duration = Duration::from_secs(5);

/// The fixed seed of every schedule-exploring run, so a run that found a bug
/// finds it again (the failing schedule is printed, for `shuttle::replay`).
pub const MODEL_SEED: u64 = 0x0245_2024_C0DE_0002;

/// Runs `f` `iterations` times under shuttle's PCT scheduler (probabilistic
/// concurrency testing: random thread priorities with `depth - 1` random
/// priority changes per run), from [`MODEL_SEED`].
///
/// Inside `f`, threads come from `shuttle::thread` and locks from the model
/// `sync` module; shuttle runs one thread at a time and chooses who goes
/// next at every lock, wait and notify. It fails the test when an assertion
/// fails in any schedule, or when every thread is blocked: a lost wake-up
/// surfaces as "deadlock!".
pub fn explore(iterations: usize, depth: usize, f: impl Fn() + Send + Sync + 'static) {
    let mut config = shuttle::Config::new();
    // Our models use no shuttle atomics or lazy statics; the warnings are noise.
    config.silence_warnings = true;
    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(MODEL_SEED, depth, iterations);
    shuttle::Runner::new(scheduler, config).run(f);
}

/// The value a joined thread returned; if it panicked, its panic goes on
/// here, so the test fails with the thread's own message ("not yet
/// implemented", an assertion) rather than a generic one.
pub trait OrResume<T> {
    /// The value, or the thread's panic, resumed.
    fn or_resume(self) -> T;
}

impl<T> OrResume<T> for std::thread::Result<T> {
    fn or_resume(self) -> T {
        self.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    }
}
