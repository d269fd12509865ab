//! The locks and condition variables the primitives of this crate are built on.
//!
//! [`bounded_queue`](crate::bounded_queue), [`event`](crate::event),
//! [`semaphore`](crate::semaphore) and [`latch`](crate::latch) take `Mutex`,
//! `MutexGuard`, `Condvar` and `PoisonError` from here, never from
//! `std::sync` directly. In the library they *are* std's. The graded tests
//! compile those four files a second time with this module replaced by
//! `shuttle::sync`, a drop-in copy whose scheduler runs the threads one step
//! at a time and tries thousands of interleavings from a fixed seed. A lost
//! wake-up that real threads hit once in a million runs (or only on a loaded
//! machine) shows up there in every run, as "deadlock" or a failed check.
//!
//! So, in those four files: `use crate::sync::{…}` for locks and condition
//! variables, `std::time` and `std::collections` for the rest, and no other
//! crate module. (Under shuttle `Condvar::wait_timeout` never times out: the
//! model tests use the blocking calls, and time-outs are tested on real
//! threads.)
//!
//! A lock is *poisoned* when a thread panicked while holding it. None of
//! these primitives runs code that can panic under its lock, so recovering
//! the guard with `unwrap_or_else(PoisonError::into_inner)` is safe, and it
//! keeps one panicking thread from taking every other thread down with it.

pub use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
