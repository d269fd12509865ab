//! Task 6 — a count-down latch: wait until N things have happened.
//!
//! **What.** A [`CountDownLatch`] starts at a count N.
//! [`count_down`](CountDownLatch::count_down) subtracts one (never below
//! zero); [`wait`](CountDownLatch::wait) blocks until the count is zero, and
//! [`wait_timeout`](CountDownLatch::wait_timeout) gives up after a while.
//! Once at zero it stays open: every later `wait` returns at once.
//!
//! **Why.** It answers "have all N workers finished loading?" or "have all
//! N requests been sent?" without joining anything: the threads that count
//! down keep running, and the threads that wait need not be the ones that
//! started them. With a count of 1 it is a one-shot start gate: N workers
//! `wait`, the coordinator counts down once, and they all go.
//!
//! The last count-down must wake *every* waiter (`notify_all`): any number of
//! threads may be waiting for the same zero. With `notify_one` the first
//! waiter leaves and the rest sleep forever, the lost wake-up the tests look
//! for.
//!
//! **Latch or barrier?** [`std::sync::Barrier`] is the *rendezvous*: N
//! threads each call `wait`, and all of them leave together when the Nth
//! arrives; it then resets for the next round. A latch separates the two
//! roles: those who count down do not wait, those who wait do not count,
//! and it is used once. Both are a counter and a condition variable; the
//! barrier also needs a generation number so a fast thread's next round is
//! not confused with the current one.
//!
//! **When to choose it.** To wait for a number of *events* from threads you
//! do not join, or to release many threads at once. To wait for threads to
//! *finish*, join them (or use `thread::scope`); for repeated rounds, use
//! `std::sync::Barrier`.
//!
//! **Python.** There is no latch in `threading`: `Barrier(n)` is the
//! rendezvous, and a latch is written by hand from a `Condition` and a
//! counter, as here. (Java has `CountDownLatch`, the name used here.)
//!
//! This file is also compiled against shuttle by the tests: take locks and
//! condition variables from [`crate::sync`] only.

use std::time::Duration;

use crate::sync::{Condvar, Mutex};

/// A count-down latch: opens, for good, when its count reaches zero.
#[derive(Debug)]
pub struct CountDownLatch {
    /// Count-downs still needed; the latch is open at zero.
    count: Mutex<usize>,
    /// Notified (to all) when the count reaches zero.
    opened: Condvar,
}

impl CountDownLatch {
    /// A latch that opens after `count` count-downs (at once for 0).
    pub fn new(count: usize) -> Self {
        // TODO: the count under a mutex, and a condition variable.
        todo!()
    }

    /// Count-downs still needed now.
    pub fn count(&self) -> usize {
        // TODO: read the count under the lock.
        todo!()
    }

    /// Subtracts one from the count (nothing at zero). The count-down that
    /// reaches zero wakes every waiting thread.
    pub fn count_down(&self) {
        // TODO: decrement under the lock; if that made it zero, notify *all*.
        todo!()
    }

    /// Blocks until the count is zero; returns at once if it is already.
    pub fn wait(&self) {
        // TODO: wait on `opened` in a loop while the count is not zero.
        todo!()
    }

    /// Like [`wait`](Self::wait), for at most `timeout`. Returns whether
    /// the latch is open (`false` on time-out).
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        // TODO: as `wait`, with a deadline: wait for the time left, and look
        // at the count before you look at the clock.
        todo!()
    }
}
