//! Task 4 — `Event`: a flag that threads can wait for.
//!
//! **What.** An [`Event`] is a boolean flag, initially clear. Any thread can
//! [`set`](Event::set) it, [`clear`](Event::clear) it or ask
//! [`is_set`](Event::is_set); [`wait`](Event::wait) blocks until it is set,
//! and [`wait_timeout`](Event::wait_timeout) gives up after a while. A `set`
//! wakes *every* waiting thread.
//!
//! **The subtle part.** What exactly does a waiter wait *for*? "Until the
//! flag is true" sounds right, but consider a *pulse*: `set()` immediately
//! followed by `clear()`. The waiters are woken by the `set`, but before
//! they get the lock back the flag is false again; a loop that re-checks
//! only the flag sends them back to sleep, and they miss the pulse. Python's
//! `Event` wakes them (its `wait` returns `True`). To get that in Rust, the
//! state counts the sets: a waiter remembers the count when it starts, and
//! its loop waits *while the flag is clear and the count has not moved*.
//! That is rule 1 of the crate docs done properly: the loop re-checks the
//! exact condition the waiter cares about.
//!
//! **Why.** An event is the simplest "go" signal: start the workers after
//! the configuration is loaded, tell a background thread to stop (it waits
//! with `wait_timeout(interval)` instead of sleeping, so a stop request
//! wakes it at once), report "the server is ready" to a test.
//!
//! **When to choose it.** A one-to-many signal whose state is a single
//! bool. To hand over *data*, use a queue or channel; to wait for N things,
//! a latch (task 6); for a stop flag that is only polled, an `AtomicBool` is
//! enough (exercise 01).
//!
//! **Python.** `threading.Event()`: `set()`, `clear()`, `is_set()`,
//! `wait(timeout=None)` returning whether the flag was set. It is built, like
//! this one, from a `Condition` and a bool.
//!
//! This file is also compiled against shuttle by the tests: take locks and
//! condition variables from [`crate::sync`] only.

use std::time::Duration;

use crate::sync::{Condvar, Mutex};

/// A settable flag that threads can wait for (Python's `threading.Event`).
#[derive(Debug, Default)]
pub struct Event {
    /// The flag, and how many times it went from clear to set.
    state: Mutex<EventState>,
    /// Notified (to all) whenever the flag is set.
    changed: Condvar,
}

/// What the mutex of an [`Event`] guards.
#[derive(Debug, Default)]
struct EventState {
    /// Whether the event is set now.
    set: bool,
    /// How many times `set` changed the flag from clear to set. A waiter
    /// that sees this move was woken by a set, even if the flag has been
    /// cleared again since.
    sets: u64,
}

impl Event {
    /// A new event, clear.
    pub fn new() -> Self {
        // TODO: a clear flag, zero sets, and a condition variable.
        Self {
            state: Mutex::new(EventState {
                set: false,
                sets: 0,
            }),
            changed: Condvar::new(),
        }
    }

    /// Sets the flag and wakes every thread waiting for it. Setting a set
    /// event does nothing.
    pub fn set(&self) {
        // TODO: under the lock, if the flag was clear, set it and count the
        // set; then wake *all* waiters.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !state.set {
            state.set = true;
            state.sets += 1;
        }
        drop(state);
        // Every waiter may proceed, not just one.
        self.changed.notify_all();
    }

    /// Clears the flag. Threads that wait from now on block until the next
    /// `set`; threads already woken by an earlier `set` still return.
    pub fn clear(&self) {
        // TODO: clear the flag under the lock (no notify: nobody waits for "clear").
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .set = false;
    }

    /// Whether the flag is set now.
    pub fn is_set(&self) -> bool {
        // TODO: read the flag under the lock.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .set
    }

    /// Blocks until the flag is set; returns at once if it is set already.
    /// A `set` that happens while this waits ends the wait, even if a
    /// `clear` follows before this thread runs again.
    pub fn wait(&self) {
        // TODO: remember the set count; wait in a loop while the flag is
        // clear and the count is unchanged.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let seen = state.sets;
        while !state.set && state.sets == seen {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Like [`wait`](Self::wait), for at most `timeout`. Returns `true` if
    /// the flag was set (before or during the wait), `false` on time-out. A
    /// zero `timeout` is a non-blocking check, like `is_set`.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        // TODO: as `wait`, with a deadline: wait for the time left, and look
        // at the flag and the count before you look at the clock.
        use std::time::Instant;

        let deadline = Instant::now().checked_add(timeout);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let seen = state.sets;
        loop {
            if state.set || state.sets != seen {
                return true;
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => timeout,
            };
            if left.is_zero() {
                return false;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }
}
