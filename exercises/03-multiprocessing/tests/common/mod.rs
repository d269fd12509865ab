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

/// The process ids of this process's children, zombies included, read from
/// `/proc/*/stat` (the parent pid is the fourth field, after the command
/// name in parentheses, which may itself contain spaces and parentheses).
///
/// nextest runs every test in a process of its own, so "our children" are
/// exactly the processes this test started and has not reaped.
pub fn children() -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let after_name = &stat[stat.rfind(')')? + 1..];
            let ppid: u32 = after_name.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == me).then_some(pid)
        })
        .collect()
}

/// Fails the test if any child of this process is left, running or zombie.
///
/// Everything the code under test starts must be reaped (waited for) by the
/// time it returns, so there is no grace period.
pub fn assert_no_children(after: &str) {
    let left = children();
    assert!(
        left.is_empty(),
        "after {after}, child processes {left:?} are still there (running, or zombies \
         never waited for): every child must be killed if needed and then reaped with wait"
    );
}

/// Whether a process with this pid exists (a zombie counts: it has an entry
/// in `/proc` until its parent reaps it).
pub fn process_exists(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}
