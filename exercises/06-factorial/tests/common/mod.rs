//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different subset of these"
)]

use std::collections::HashSet;
use std::sync::{Barrier, Mutex};
use std::thread::{self, ThreadId};

pub use fixtures::testing::{LIVENESS, within};

/// Proof that `threads` calls run at the same time. The first call on each
/// of the first `threads` distinct threads waits at a barrier until all of
/// them are there: code that runs the calls one after another never gets
/// past it (the test's `within` then reports the hang). Later calls, on a
/// thread already seen or on one thread too many, pass straight through.
pub struct Meeting {
    threads: usize,
    barrier: Barrier,
    seen: Mutex<HashSet<ThreadId>>,
}

impl Meeting {
    pub fn new(threads: usize) -> Self {
        Self {
            threads,
            barrier: Barrier::new(threads),
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// Called by each call under test: notes its thread and, on that
    /// thread's first visit, waits for the others.
    pub fn arrive(&self) {
        let first_visit = {
            let mut seen = self.seen.lock().expect("no panic while locked");
            seen.insert(thread::current().id()) && seen.len() <= self.threads
        };
        if first_visit {
            self.barrier.wait();
        }
    }

    /// How many distinct threads arrived.
    pub fn threads_seen(self) -> usize {
        self.seen.into_inner().expect("no panic while locked").len()
    }
}
