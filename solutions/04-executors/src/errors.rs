//! Task 2 — Errors: a failing task is a value, not a dead worker.
//!
//! **What.** [`run_catching`] runs one task and turns every way it can end
//! into an [`Outcome`]: its value, [`TaskError::Failed`] with the text of the
//! `Err` it returned, or [`TaskError::Panicked`] with the panic message
//! ([`panic_message`]).
//!
//! **Why.** A pool's worker runs thousands of tasks written by other people.
//! If one panic unwound through the worker's loop, the worker thread would
//! die: the pool would shrink by one thread per bad task until nothing ran
//! any more, and the submitter of the bad task would wait forever for a
//! result that will never come. [`std::panic::catch_unwind`] stops the
//! unwinding at the task's edge, so the worker survives and the submitter
//! gets an error value it can log, retry or report.
//!
//! `catch_unwind` asks for [`std::panic::UnwindSafe`]: a promise that the
//! closure leaves nothing half-changed that someone could observe after the
//! panic. A task's closure is consumed by the call and never looked at
//! again, and anything it shares through a `Mutex` is poisoned by the panic,
//! so wrapping it in [`std::panic::AssertUnwindSafe`] is honest here.
//!
//! A panic payload is a `Box<dyn Any + Send>`: `panic!("literal")` carries a
//! `&'static str`, `panic!("{x}")` a `String`, and `std::panic::panic_any`
//! anything at all.
//!
//! **When to choose it.** At every boundary where code you do not control
//! runs on a thread you need to keep: executors, servers, plug-ins. Inside
//! your own code, return `Result` rather than panic; a panic is for bugs.
//!
//! **Python.** An exception raised in a task is stored in its `Future` and
//! re-raised by `result()`; the worker thread carries on. Rust has two kinds
//! of failure, `Err` (expected, part of the signature) and panic (a bug), and
//! the pool reports both as values. A panic still prints its message on
//! stderr through the panic hook, like an uncaught exception's traceback.
//!
//! [`TaskError::Failed`]: crate::future::TaskError::Failed
//! [`TaskError::Panicked`]: crate::future::TaskError::Panicked

use std::any::Any;
use std::fmt::Display;

use crate::future::Outcome;

/// What [`panic_message`] says for a payload that is neither a `&str` nor a
/// `String` (a `panic_any(42)`, say).
pub const NON_STRING_PANIC: &str = "non-string panic payload";

/// The text of a panic payload: the `&str` or `String` it carries, else
/// [`NON_STRING_PANIC`].
///
/// Pass the payload itself (`&*payload` for a `Box<dyn Any + Send>`), not a
/// reference to the box.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    // TODO: try `downcast_ref::<&str>()`, then `downcast_ref::<String>()`.
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        NON_STRING_PANIC.to_owned()
    }
}

/// Runs `f` on the calling thread and returns its outcome: `Ok(value)`, or
/// [`TaskError::Failed`] with `error.to_string()` for an `Err(error)`, or
/// [`TaskError::Panicked`] with the [`panic_message`] if `f` panicked. A
/// panic in `f` never reaches the caller.
///
/// [`TaskError::Failed`]: crate::future::TaskError::Failed
/// [`TaskError::Panicked`]: crate::future::TaskError::Panicked
pub fn run_catching<T, E: Display>(f: impl FnOnce() -> Result<T, E>) -> Outcome<T> {
    // TODO: `std::panic::catch_unwind(AssertUnwindSafe(f))` and sort out
    // the three cases.
    use crate::future::TaskError;
    use std::panic::{self, AssertUnwindSafe};

    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(TaskError::Failed(error.to_string())),
        Err(payload) => Err(TaskError::Panicked(panic_message(&*payload))),
    }
}
