//! Task 5 — a counting `Semaphore`, with a guard that gives the permit back.
//!
//! **What.** A [`Semaphore`] holds N *permits*. [`acquire`](Semaphore::acquire)
//! takes one, blocking while there are none; the returned
//! [`SemaphoreGuard`] gives it back when dropped. So at most N threads are
//! ever between `acquire` and the end of their guard's scope.
//! [`try_acquire`](Semaphore::try_acquire) never blocks, and
//! [`acquire_timeout`](Semaphore::acquire_timeout) gives up after a while.
//!
//! **Why a guard.** Python code releases in a `finally:` or a `with` block;
//! forget it on one path (an early `return`, an exception) and a permit
//! leaks, until the program slowly grinds to a halt. A guard releases in
//! `Drop`, which runs on every path out of the scope, a panic included. It
//! is the same RAII idea as `MutexGuard`.
//!
//! **The classic bugs**, each caught by a test that counts how many threads
//! are inside at once: `if` instead of `while` around the wait lets N+1 in
//! (a thread woken for a permit finds that a newcomer took it, and walks in
//! anyway); a release that does not notify leaves waiters asleep next to a
//! free permit.
//!
//! **When to choose it.** To cap how many threads use something at once:
//! connections to a database, concurrent downloads from one host, jobs
//! holding a lot of memory. When the limit is the *number of threads*, a
//! pool of N threads is simpler; a semaphore limits one section of code
//! inside any number of threads. std has no semaphore (it was removed before
//! 1.0); tokio has an async one.
//!
//! **Python.** `threading.Semaphore(n)` with `acquire(timeout=…)`,
//! `release()`, and `with sem:`. `BoundedSemaphore` additionally raises if
//! you release more than you acquired; here a release can only come from a
//! guard, so that mistake cannot be written.
//!
//! This file is also compiled against shuttle by the tests: take locks and
//! condition variables from [`crate::sync`] only.

use std::time::Duration;

use crate::sync::{Condvar, Mutex};

/// A counting semaphore: at most `permits` guards exist at once.
#[derive(Debug)]
pub struct Semaphore {
    /// Permits not handed out now.
    available: Mutex<usize>,
    /// Notified when a permit comes back.
    released: Condvar,
}

/// A permit from a [`Semaphore`]; dropping it gives the permit back.
#[derive(Debug)]
#[must_use = "dropping the guard gives the permit back at once"]
pub struct SemaphoreGuard<'a> {
    /// The semaphore the permit goes back to.
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` permits (0 is allowed: every acquire then
    /// waits, until the time-out for the timed variants).
    pub fn new(permits: usize) -> Self {
        // TODO: the permits under a mutex, and a condition variable.
        todo!()
    }

    /// Permits not handed out now.
    pub fn available(&self) -> usize {
        // TODO: read the count under the lock.
        todo!()
    }

    /// Takes a permit, first waiting as long as it takes while there is none.
    pub fn acquire(&self) -> SemaphoreGuard<'_> {
        // TODO: lock; wait on `released` *while* no permit is available; take
        // one; return a guard.
        todo!()
    }

    /// Takes a permit if one is available now; never blocks.
    pub fn try_acquire(&self) -> Option<SemaphoreGuard<'_>> {
        // TODO: take a permit if there is one, without waiting.
        todo!()
    }

    /// Takes a permit, waiting at most `timeout` for one; `None` on time-out.
    pub fn acquire_timeout(&self, timeout: Duration) -> Option<SemaphoreGuard<'_>> {
        // TODO: as `acquire`, with a deadline: wait for the time left, and
        // look for a permit before you look at the clock.
        todo!()
    }

    /// Gives one permit back and wakes one waiting thread. Only a guard's
    /// `drop` calls this.
    fn release(&self) {
        // TODO: one permit back under the lock, then wake *one* waiter: one
        // permit lets exactly one thread in.
        todo!()
    }
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        // TODO: give the permit back. (Runs on every way out of the guard's
        // scope, unwinding from a panic included.)
    }
}
