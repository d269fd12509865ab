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
        !children::any(),
        "after {after}, child processes {:?} are still there (running, or zombies \
         never waited for): every child must be killed if needed and then reaped with wait",
        children::list()
    );
}

/// Whether a process with this pid exists (on Unix a zombie counts: it
/// exists until its parent reaps it).
pub fn process_exists(pid: u32) -> bool {
    children::exists(pid)
}

/// This process's children, asked of each system in its own terms.
#[cfg(unix)]
mod children {
    /// Whether this process has any child, zombies included: `waitid` on
    /// every child, without waiting (`WNOHANG`) and without reaping
    /// (`WNOWAIT`), fails with `ECHILD` exactly when there is none.
    pub fn any() -> bool {
        // Safety: `info` is a zeroed `siginfo_t` (a valid value) that
        // `waitid` may write; WNOWAIT leaves every child as it was.
        let found = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(
                libc::P_ALL,
                0,
                &raw mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        found == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ECHILD)
    }

    /// The children's pids, for the failure message: read from
    /// `/proc/*/stat` where there is a `/proc` (the parent pid is the fourth
    /// field, after the command name in parentheses, which may itself
    /// contain spaces and parentheses); empty elsewhere.
    pub fn list() -> Vec<u32> {
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

    /// Whether `pid` exists: signal 0 checks without sending anything, and
    /// `EPERM` means it exists but belongs to someone else.
    pub fn exists(pid: u32) -> bool {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Safety: signal 0 sends nothing; it only checks the pid.
        let sent = unsafe { libc::kill(pid, 0) };
        sent == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
}

/// This process's children, asked of each system in its own terms.
#[cfg(windows)]
mod children {
    use windows_sys::Win32::Foundation::{CloseHandle, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW,
        TH32CS_SNAPPROCESS,
    };

    /// Every running process as (pid, parent pid), from a Toolhelp
    /// snapshot. Windows keeps no zombies: a process that ended is not in
    /// the list, whether or not its parent waited for it.
    fn processes() -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        // Safety: a snapshot handle is used only while open and closed once;
        // `entry` is zeroed (valid) with `dwSize` set as the API requires.
        unsafe {
            let snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
            if snapshot == INVALID_HANDLE_VALUE {
                return found;
            }
            let mut entry: PROCESSENTRY32W = std::mem::zeroed();
            entry.dwSize = u32::try_from(size_of::<PROCESSENTRY32W>()).unwrap_or(u32::MAX);
            let mut more = Process32FirstW(snapshot, &raw mut entry) != 0;
            while more {
                found.push((entry.th32ProcessID, entry.th32ParentProcessID));
                more = Process32NextW(snapshot, &raw mut entry) != 0;
            }
            CloseHandle(snapshot);
        }
        found
    }

    /// Whether this process has a running child.
    pub fn any() -> bool {
        !list().is_empty()
    }

    /// The pids of this process's running children.
    pub fn list() -> Vec<u32> {
        let me = std::process::id();
        processes()
            .into_iter()
            .filter_map(|(pid, parent)| (parent == me).then_some(pid))
            .collect()
    }

    /// Whether `pid` is a running process.
    pub fn exists(pid: u32) -> bool {
        processes().iter().any(|&(running, _)| running == pid)
    }
}
