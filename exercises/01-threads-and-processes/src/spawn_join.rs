//! Task 1 — spawn threads, join them, keep their results in order.
//!
//! **What.** [`std::thread::spawn`] starts a thread running a closure and
//! returns a [`JoinHandle`]; [`JoinHandle::join`] waits for the thread and
//! hands back the closure's return value. If the thread panicked, `join`
//! returns `Err(payload)` instead: the panic stays inside that thread and
//! becomes a value the caller can inspect. Nothing else in the process stops.
//!
//! **Why.** This is the basic unit of every parallel program: fan work out,
//! wait for all of it, gather the answers. Because `spawn` may outlive the
//! caller's stack frame, its closure must be `'static` (own everything it
//! uses, e.g. through `Arc` or `move`) and `Send` (safe to move to another
//! thread); the compiler checks both.
//!
//! **When to choose it.** For a few long-lived threads that own their data.
//! When the threads only need to *borrow* from the caller, prefer
//! [`std::thread::scope`] (task 2); for many small jobs, a pool (exercise 04).
//!
//! **Python.** `threading.Thread(target=f, args=(i,))`, `.start()`,
//! `.join()`. A Python `join()` returns `None`: results travel through a
//! shared list or a queue, and an exception in the thread is printed and lost
//! unless you catch it yourself. In Rust the result, or the panic, comes back
//! through `join`.
//!
//! [`JoinHandle`]: std::thread::JoinHandle
//! [`JoinHandle::join`]: std::thread::JoinHandle::join

use std::any::Any;
use std::fmt;

/// A worker thread panicked instead of returning a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerPanic {
    /// The worker's index, `0..n`.
    pub index: usize,
    /// The panic message (see [`panic_message`]).
    pub message: String,
}

impl fmt::Display for WorkerPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker {} panicked: {}", self.index, self.message)
    }
}

impl std::error::Error for WorkerPanic {}

/// The message of a panic payload, as `join` returns it.
///
/// `panic!("literal")` carries a `&'static str`, `panic!("{x}")` a `String`;
/// anything else (from `std::panic::panic_any`) has no message we can show.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}

/// Runs `work(0)`, `work(1)`, …, `work(n - 1)`, each on its own new thread
/// started with [`std::thread::spawn`], and returns their results in index
/// order (element `i` is worker `i`'s), however the threads' finishing order
/// came out.
///
/// All `n` threads run at the same time: start them all first, then join
/// them all. A worker that panics gives `Err(WorkerPanic { index, message })`
/// in its slot; the other workers' results are still returned, and the
/// caller does not panic. `n == 0` returns an empty `Vec` without spawning.
pub fn spawn_and_join<T, F>(n: usize, work: F) -> Vec<Result<T, WorkerPanic>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    // TODO: spawn one thread per index (each needs its own handle on `work`:
    // a `'static` closure cannot borrow it), keep the handles in order, then
    // join them in that order, turning a panic payload into a `WorkerPanic`.
    todo!()
}
