//! Task 7 — "daemon" threads, and background threads that stop when asked.
//!
//! **What.** Dropping a [`JoinHandle`] *detaches* its thread: it keeps
//! running, nobody can join it any more, and when `main` returns the whole
//! process exits, killing it mid-step. That is Python's daemon thread. The
//! alternative is a background thread you own: [`Heartbeat`] ticks a counter
//! every `interval` until told to stop, and [`Heartbeat::stop`] makes it
//! finish promptly and joins it, so its last tick is known and nothing runs
//! behind your back afterwards.
//!
//! A thread cannot be killed from outside (unlike a process, task 3); it can
//! only be *asked* to stop, and must check for the request often enough:
//!
//! - the request is an `AtomicBool` written with `Release` and read with
//!   `Acquire`, so whatever the stopper did before asking is visible to the
//!   thread once it sees the flag;
//! - the thread must not sleep through it: instead of `sleep(interval)` it
//!   waits with [`std::thread::park_timeout`], and the stopper calls
//!   [`Thread::unpark`] right after setting the flag. A park can also wake
//!   early for no reason ("spurious wake-up"), so the wait is a loop that
//!   re-checks the flag and the time left.
//!
//! **Why.** Detached threads are fine for work that may die at any moment
//! (a cache warmer, a progress spinner). Anything that writes files, holds a
//! connection or must flush data needs a clean shutdown: ask, wake, join.
//! [`Drop`] does the same for a `Heartbeat` that goes out of scope, so a
//! forgotten `stop` still leaves no thread behind.
//!
//! **When to choose which.** Detach only what is safe to kill at any
//! instruction. Everything else gets a stop signal and a join, with a
//! deadline so a stuck thread cannot hang the shutdown.
//!
//! **Python.** `Thread(daemon=True)` threads are killed abruptly when the
//! interpreter exits, and non-daemon threads are joined automatically at
//! exit. Rust has only the first kind: when `main` returns, every other
//! thread dies, so "non-daemon" behaviour means joining explicitly. Python's
//! clean shutdown is the same pattern as here: a `threading.Event` that the
//! thread waits on with `event.wait(interval)` instead of `time.sleep`.
//!
//! [`JoinHandle`]: std::thread::JoinHandle
//! [`Thread::unpark`]: std::thread::Thread::unpark

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::thread::JoinHandle;
use std::time::Duration;

/// Starts a detached ("daemon") thread that adds 1 to `ticks` every
/// `interval`, forever, and returns at once.
///
/// The thread's `JoinHandle` is dropped, so nothing can join or stop it: it
/// runs until the process exits.
pub fn spawn_detached(interval: Duration, ticks: Arc<AtomicU64>) {
    // TODO: spawn a thread that loops sleep-then-increment, and drop its handle.
    todo!()
}

/// Why [`Heartbeat::stop`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopError {
    /// The thread did not finish within the deadline; it was left detached.
    Timeout {
        /// The deadline that passed.
        deadline: Duration,
    },
    /// The thread panicked (only possible in a tick callback).
    Panicked {
        /// The panic message.
        message: String,
    },
}

impl fmt::Display for StopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout { deadline } => {
                write!(f, "the heartbeat thread did not stop within {deadline:?}")
            }
            Self::Panicked { message } => {
                write!(f, "the heartbeat thread panicked: {message}")
            }
        }
    }
}

impl std::error::Error for StopError {}

/// A background thread that ticks a counter every `interval` until stopped.
///
/// Stopped by [`Heartbeat::stop`], or by dropping it.
#[derive(Debug)]
pub struct Heartbeat {
    /// Ticks so far; written only by the background thread.
    ticks: Arc<AtomicU64>,
    /// Set once (`Release`) to ask the thread to finish; read with `Acquire`.
    stop: Arc<AtomicBool>,
    /// The background thread; `None` once it has been joined or given up on.
    handle: Option<JoinHandle<()>>,
}

impl Heartbeat {
    /// Starts the background thread. It adds 1 to the counter every
    /// `interval` (the first tick one `interval` after the start).
    pub fn start(interval: Duration) -> Self {
        Self::start_with(interval, |_| {})
    }

    /// Like [`Heartbeat::start`], and after each tick the background thread
    /// calls `on_tick(n)` with the new tick count `n`.
    ///
    /// The thread checks for a stop request before each tick and while it
    /// waits, never in the middle of `on_tick`: a slow `on_tick` delays the
    /// stop by as long as it takes.
    pub fn start_with(interval: Duration, on_tick: impl FnMut(u64) + Send + 'static) -> Self {
        // TODO: create the shared counter and flag, spawn the thread, and keep
        // its handle. The thread: wait for `interval` with `park_timeout` in a
        // loop that re-checks the flag (Acquire) and the time left; if asked
        // to stop, return; otherwise tick (`fetch_add`) and call `on_tick`.
        todo!()
    }

    /// Ticks so far.
    pub fn ticks(&self) -> u64 {
        // TODO: read the counter.
        todo!()
    }

    /// The shared tick counter itself. It outlives the `Heartbeat`, so a
    /// caller can check that ticking really stopped after `stop` or `drop`.
    pub fn counter(&self) -> Arc<AtomicU64> {
        // TODO: hand out another reference to the counter.
        todo!()
    }

    /// Asks the thread to stop, wakes it (it must not finish sleeping out a
    /// long `interval`), and waits up to `deadline` for it to finish.
    ///
    /// Returns the final tick count; no tick happens after this returns
    /// `Ok`. If the thread is still running at the deadline (a slow
    /// `on_tick`), returns [`StopError::Timeout`] and leaves it detached; if
    /// it panicked, [`StopError::Panicked`].
    pub fn stop(self, deadline: Duration) -> Result<u64, StopError> {
        // TODO: set the flag (Release), unpark the thread, then poll
        // `is_finished` until the deadline (std has no `join_timeout`), and
        // join. Take the handle out of `self` (rebind it as `mut`) so `Drop` has
        // nothing left to do.
        todo!()
    }
}

impl Drop for Heartbeat {
    /// Stops the thread as [`Heartbeat::stop`] does, waiting for it as long
    /// as it takes. Does nothing after `stop`.
    fn drop(&mut self) {
        // TODO: if the handle is still there, set the flag, unpark, and join
        // (ignore a panic: a destructor must not panic).
    }
}
