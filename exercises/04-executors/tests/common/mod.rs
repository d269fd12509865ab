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
