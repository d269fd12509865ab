//! Helpers shared by the graded tests.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a different subset of these"
)]

use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Barrier, Mutex};
use std::thread::{self, ThreadId};

use num_bigint::BigUint;

pub use fixtures::testing::{LIVENESS, within};

/// The product of `range`, one factor at a time (fine for short ranges): the
/// answer the tests compare with, written so that it cannot share a bug
/// with the code under test.
pub fn slow_product(range: Range<u64>) -> BigUint {
    range.fold(BigUint::from(1_u32), |acc, k| acc * k)
}

/// What the calls under test noted, from any thread, in the order they came
/// (the pieces a split asked for, the operands a multiplication saw).
pub struct Noted<T>(Mutex<Vec<T>>);

impl<T> Noted<T> {
    pub fn new() -> Self {
        Self(Mutex::new(Vec::new()))
    }

    /// Notes `item`.
    pub fn note(&self, item: T) {
        self.0.lock().expect("no panic while locked").push(item);
    }

    /// Everything noted.
    pub fn into_vec(self) -> Vec<T> {
        self.0.into_inner().expect("no panic while locked")
    }
}

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
