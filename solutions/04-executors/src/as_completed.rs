//! Task 4 — `as_completed`: results in the order the tasks finish.
//!
//! **What.** [`as_completed`] takes handles and returns an iterator that
//! yields `(index, outcome)` pairs, `index` being the handle's position in
//! the input, as soon as each task finishes: the fastest first, whatever
//! the order of submission. Every handle is yielded exactly once.
//!
//! **Why.** [`crate::pool::ThreadPool::map`] gives results in input order,
//! so one slow item at the front holds back every result behind it. When
//! each result can be used on its own (written to disk, shown to a user,
//! checked for an error), take them as they come: the first answer arrives
//! as early as possible and a failure is seen at once.
//!
//! Waiting for "whichever of these channels has a message first" is what
//! [`crossbeam_channel::Select`] does: add a `recv` operation per pending
//! handle, `select()` blocks until one is ready and says which
//! (`oper.index()`), and `oper.recv(&receiver)` completes that one. A
//! disconnected receiver counts as ready too (its promise was dropped: the
//! outcome is [`TaskError::Cancelled`]). A handle whose outcome was already
//! taken off its channel by [`TaskHandle::is_done`] will never wake a
//! select, so look for those first.
//!
//! **When to choose it.** Independent results consumed one by one,
//! progress reporting, "first answer wins". Use `map` when you need the
//! results lined up with the inputs anyway.
//!
//! **Python.** `concurrent.futures.as_completed(futures)` yields the
//! futures themselves as they finish (then you call `result()`); here the
//! iterator yields the outcome with the input index, since a Rust handle
//! hands its result out by value.
//!
//! [`TaskError::Cancelled`]: crate::future::TaskError::Cancelled

use crate::future::{Outcome, TaskHandle};

/// An iterator over outcomes in completion order; see [`as_completed`].
#[derive(Debug)]
pub struct AsCompleted<T> {
    /// The handles not yet yielded, each with its index in the input.
    pending: Vec<(usize, TaskHandle<T>)>,
}

/// Yields every handle's `(index, outcome)` in the order the tasks finish,
/// `index` being the handle's position in `handles`.
///
/// Contract: each call to `next` blocks until some pending task has
/// finished (or its promise was dropped: [`TaskError::Cancelled`]) and
/// yields it; outcomes already received by [`TaskHandle::is_done`] come
/// first. `None` once all are yielded; an empty input yields nothing.
///
/// [`TaskError::Cancelled`]: crate::future::TaskError::Cancelled
pub fn as_completed<T>(handles: Vec<TaskHandle<T>>) -> AsCompleted<T> {
    // TODO: remember each handle with its index.
    AsCompleted {
        pending: handles.into_iter().enumerate().collect(),
    }
}

impl<T> Iterator for AsCompleted<T> {
    type Item = (usize, Outcome<T>);

    fn next(&mut self) -> Option<Self::Item> {
        // TODO: if nothing is pending, `None`. If some handle `is_done`,
        // yield it. Otherwise `Select` over the pending receivers, and
        // yield (and remove) the one that became ready.
        use crate::future::TaskError;
        use crossbeam_channel::Select;

        if self.pending.is_empty() {
            return None;
        }
        if let Some(pos) = self.pending.iter_mut().position(|(_, h)| h.is_done()) {
            let (index, handle) = self.pending.swap_remove(pos);
            return Some((index, handle.result()));
        }
        let mut select = Select::new();
        for (_, handle) in &self.pending {
            select.recv(&handle.receiver);
        }
        let oper = select.select();
        let pos = oper.index();
        let outcome = oper
            .recv(&self.pending[pos].1.receiver)
            .unwrap_or(Err(TaskError::Cancelled));
        let (index, _) = self.pending.swap_remove(pos);
        Some((index, outcome))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.pending.len(), Some(self.pending.len()))
    }
}
