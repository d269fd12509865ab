//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different subset of these"
)]

pub use fixtures::testing::{LIVENESS, within};

use multiprocessing::processes::Ending;

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
