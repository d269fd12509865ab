//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of these"
)]

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use multiprocessing::processes::Ending;

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

/// How `t03-worker abort` ends, as `ending_of` must report it: `SIGABRT`
/// (6) on Unix; on Windows, which has no signals, the fail-fast exit code
/// `0xC0000409` that `std::process::abort` ends a process with.
#[cfg(unix)]
pub const ABORTED: Ending = Ending::Signalled(6);
/// How `t03-worker abort` ends, as `ending_of` must report it: `SIGABRT`
/// (6) on Unix; on Windows, which has no signals, the fail-fast exit code
/// `0xC0000409` that `std::process::abort` ends a process with.
#[cfg(windows)]
pub const ABORTED: Ending = Ending::Exited(0xC000_0409_u32.cast_signed());

/// A generous bound for work that takes milliseconds when it is right.
pub const LIVENESS: Duration = Duration::from_secs(5);

/// The course's worker program, `bin/worker.rs`.
///
/// The starter and the solution each build their own worker, under different
/// names (it links the package's library, so neither may overwrite the other).
pub const WORKER: &str = match (
    option_env!("CARGO_BIN_EXE_t03-worker"),
    option_env!("CARGO_BIN_EXE_t03-worker-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("no t03-worker binary in this package"),
};

/// The worker program as a path.
pub fn worker() -> &'static std::path::Path {
    std::path::Path::new(WORKER)
}

/// A program that does not exist.
pub const MISSING: &str = "/nonexistent/t03-no-such-program";

/// Fails the test if any child of this process is left, running or zombie.
///
/// Everything the code under test starts must be reaped (waited for) by the
/// time it returns, so there is no grace period. nextest runs every test in
/// a process of its own, so "our children" are exactly the processes this
/// test started and has not reaped.
pub fn assert_no_children(after: &str) {
    assert!(
        !fixtures::children::any(),
        "after {after}, child processes {:?} are still there (running, or zombies \
         never waited for): every child must be killed if needed and then reaped with wait",
        fixtures::children::list()
    );
}

/// Whether a process with this pid exists (on Unix a zombie counts: it
/// exists until its parent reaps it).
pub fn process_exists(pid: u32) -> bool {
    fixtures::children::exists(pid)
}
