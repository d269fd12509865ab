//! Ctrl-C and friends: stop the children, leave no half-written file, exit
//! with the conventional code (130 for SIGINT, 128 + n in general).
//!
//! The checker blocks SIGINT, SIGTERM and SIGHUP in every thread and waits
//! for them on one thread of its own ([`install`]). Each child it runs gets a
//! process group of its own ([`ChildGuard`]), so a signal can stop the child
//! *and everything under it*: cargo-nextest, the test binaries, and whatever
//! processes a student's test spawned.
//!
//! Stopping is polite first: SIGTERM lets nextest terminate its tests (each in
//! its own process group), then SIGKILL after [`GRACE`].

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::time::Duration;

/// How long children get between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::from_secs(5);

/// Set once a stop signal arrived; from then on no thread may go on grading.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Process groups of the children now running.
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
/// Files to delete if the run is interrupted (temporary report files).
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// The course root whose kept-aside protected-file edits a stop puts back.
static EDITS_ROOT: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Parks the calling thread for good once a stop signal has arrived, so no
/// work (reading a half-finished run, writing a report) follows it; the
/// signal thread ends the process.
pub fn halt_if_interrupted() {
    while INTERRUPTED.load(SeqCst) {
        std::thread::park();
    }
}

/// A stop (Ctrl-C, SIGTERM) puts back the student's edits of protected
/// files that a local `verify` kept aside under `root` while it grades with
/// the template's versions. (A run killed outright leaves them kept; the
/// next `verify` puts them back before anything else.)
pub fn put_back_edits_on_stop(root: &std::path::Path) {
    *lock(&EDITS_ROOT) = Some(root.to_owned());
}

/// Stops every running command, deletes temporary report files, puts kept
/// edits back, and exits with 128 + `signal`.
fn stop_everything(signal: i32) -> ! {
    INTERRUPTED.store(true, SeqCst);
    let groups: Vec<i32> = lock(&GROUPS).iter().copied().collect();
    eprintln!(
        "\nchecker: interrupted (signal {signal}); stopping {} running command{}…",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" }
    );
    os::stop_groups(&groups);
    for file in lock(&TEMP_FILES).iter() {
        let _ = std::fs::remove_file(file);
    }
    if let Some(root) = lock(&EDITS_ROOT).take() {
        match crate::protected::recover_edits(&root) {
            Ok(paths) if !paths.is_empty() => {
                eprintln!("checker: your edits of {} are back", paths.join(", "));
            }
            Ok(_) => {}
            Err(error) => eprintln!("checker: {error}; the next `checker verify` retries"),
        }
    }
    eprintln!("checker: stopped; no report was written");
    std::process::exit(128 + signal)
}

pub use os::{install, unblock_in_child};

#[cfg(unix)]
mod os {
    use std::time::{Duration, Instant};

    use super::GRACE;

    /// Blocks the stop signals in this thread (and so in every thread spawned
    /// after), and starts the thread that handles them. Call it first in `main`.
    pub fn install() -> std::io::Result<()> {
        let set = stop_signals();
        // Safety: `set` is an initialised signal set; a null old-set pointer is allowed.
        let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc));
        }
        std::thread::Builder::new()
            .name("checker-signals".into())
            .spawn(move || {
                let mut signal: libc::c_int = 0;
                // Safety: `set` and `signal` are valid for the call; sigwait only
                // returns signals that are in `set`, which are blocked here.
                let rc = unsafe { libc::sigwait(&set, &mut signal) };
                if rc == 0 {
                    super::stop_everything(signal);
                }
            })?;
        Ok(())
    }

    /// Unblocks the stop signals; for a freshly forked child before `exec`
    /// (blocked signals survive `exec`). Async-signal-safe.
    pub fn unblock_in_child() {
        let set = stop_signals();
        // Safety: `set` is initialised; sigprocmask is async-signal-safe.
        unsafe { libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
    }

    fn stop_signals() -> libc::sigset_t {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        // Safety: sigemptyset initialises the set; sigaddset only adds valid
        // signal numbers to it.
        unsafe {
            libc::sigemptyset(set.as_mut_ptr());
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::sigaddset(set.as_mut_ptr(), signal);
            }
            set.assume_init()
        }
    }

    /// SIGTERM to every group, SIGKILL after [`GRACE`] to what is left.
    pub fn stop_groups(groups: &[i32]) {
        for &group in groups {
            // Safety: killpg has no memory-safety preconditions.
            unsafe { libc::killpg(group, libc::SIGTERM) };
        }
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline && groups.iter().any(|&g| group_alive(g)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        for &group in groups {
            // Safety: as above.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
    }

    /// Whether any process of `group` is still running (zombies do not count).
    fn group_alive(group: i32) -> bool {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            // Without /proc, trust killpg: ESRCH means the group is gone.
            // Safety: signal 0 only checks for existence.
            return unsafe { libc::killpg(group, 0) } == 0;
        };
        entries.filter_map(Result::ok).any(|entry| {
            fixtures::children::ProcStat::read(&entry.path())
                .is_some_and(|stat| stat.pgrp == group && !stat.is_zombie())
        })
    }
}

#[cfg(windows)]
mod os {
    use windows_sys::Win32::Foundation::TRUE;
    use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
    use windows_sys::core::BOOL;

    /// Handles Ctrl-C and closing the console. Windows delivers Ctrl-C to
    /// every process of the console, so the commands stop themselves.
    pub fn install() -> std::io::Result<()> {
        // Safety: registers a handler function with the signature Windows expects.
        if unsafe { SetConsoleCtrlHandler(Some(on_ctrl), TRUE) } == 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }

    unsafe extern "system" fn on_ctrl(_event: u32) -> BOOL {
        super::stop_everything(2)
    }

    /// Nothing to unblock: Windows has no signal masks.
    pub fn unblock_in_child() {}

    /// The commands got the console's Ctrl-C themselves; their process
    /// trees are not tracked here (no process groups).
    pub fn stop_groups(_groups: &[i32]) {}
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The lists stay consistent even if a holder panicked: recover them.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether `pid` leads a command the checker started and still runs.
pub fn is_running_command(pid: i32) -> bool {
    lock(&GROUPS).contains(&pid)
}

/// Registers a running child's process group until dropped.
pub struct ChildGuard {
    group: i32,
}

impl ChildGuard {
    /// Registers the group led by the child with this pid.
    pub fn new(pid: u32) -> Self {
        let group = i32::try_from(pid).unwrap_or(i32::MAX);
        lock(&GROUPS).insert(group);
        Self { group }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        lock(&GROUPS).remove(&self.group);
    }
}

/// Registers a temporary file for deletion on interrupt until dropped.
pub struct TempFileGuard {
    path: PathBuf,
}

impl TempFileGuard {
    /// Registers `path`.
    pub fn new(path: PathBuf) -> Self {
        lock(&TEMP_FILES).push(path.clone());
        Self { path }
    }
}

impl Drop for TempFileGuard {
    fn drop(&mut self) {
        lock(&TEMP_FILES).retain(|p| p != &self.path);
    }
}
