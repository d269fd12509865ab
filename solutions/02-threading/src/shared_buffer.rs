//! Task 2 — the seed's `ThreadSafeBuffer`: a list that many threads append to.
//!
//! **What.** A `Vec<T>` inside a [`Mutex`]. Every method takes the lock,
//! does its work on the `Vec` through the guard, and lets the guard go out of
//! scope, which unlocks. Many threads append at once, and every item ends up
//! in the buffer exactly once; each thread's own items keep the order in
//! which it added them.
//!
//! **Why.** `Vec::push` is a read-modify-write of the length and maybe a
//! reallocation: two threads pushing at once without a lock would corrupt
//! it. Rust does not let you try: a plain `&Vec` is read-only, and a `Vec`
//! cannot be mutated from two threads without something that is `Sync`
//! around it. The mutex is that something, and because it *owns* the `Vec`
//! there is no way to reach the items without holding it.
//!
//! **Poisoning.** If a thread panics while it holds the lock, the mutex is
//! marked *poisoned* and later `lock()` calls return `Err`. That protects
//! invariants a half-finished update may have broken. A `Vec` is never left
//! half-pushed, so this buffer recovers the guard with
//! `unwrap_or_else(PoisonError::into_inner)` and carries on: one thread's
//! panic (say, a `Clone` impl that panics in [`ThreadSafeBuffer::snapshot`])
//! must not break the buffer for every other thread.
//!
//! **When to choose it.** Collecting results from threads when the order
//! between threads does not matter. When it does, or when a consumer should
//! start before the producers finish, use a queue (task 3) or a channel; when
//! each thread can keep its own `Vec` and hand it back through `join`, that
//! is cheaper still (no lock at all).
//!
//! **Python.** `with self.lock: self.data.append(item)`. Under the GIL a bare
//! `list.append` happens to be atomic in CPython, so the lock there guards
//! compound updates; the `Lock` and the list are separate objects and
//! nothing stops code from touching the list without the lock.

use std::sync::Mutex;

/// A `Vec<T>` that many threads can append to at the same time.
#[derive(Debug)]
pub struct ThreadSafeBuffer<T> {
    /// The items, in the order the lock let them in.
    items: Mutex<Vec<T>>,
}

impl<T> Default for ThreadSafeBuffer<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> ThreadSafeBuffer<T> {
    /// An empty buffer.
    pub fn new() -> Self {
        // TODO: wrap an empty Vec in a Mutex.
        Self {
            items: Mutex::new(Vec::new()),
        }
    }

    /// Appends `item`. Safe to call from many threads at once (`&self`, not
    /// `&mut self`). Works on a poisoned lock too.
    pub fn add(&self, item: T) {
        // TODO: lock (recovering from poisoning: `unwrap_or_else(|p| p.into_inner())`)
        // and push.
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(item);
    }

    /// The number of items now.
    pub fn len(&self) -> usize {
        // TODO: lock and ask the Vec.
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    /// Whether there are no items now.
    pub fn is_empty(&self) -> bool {
        // TODO: no items now (`len`).
        self.len() == 0
    }

    /// Takes every item out, in the order they were added, and leaves the
    /// buffer empty, in one step: an item added concurrently is either in
    /// the result or still in the buffer afterwards, never lost.
    pub fn take_all(&self) -> Vec<T> {
        // TODO: swap the Vec out from under the lock (`std::mem::take`).
        std::mem::take(
            &mut *self
                .items
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// The items, consuming the buffer.
    pub fn into_inner(self) -> Vec<T> {
        // TODO: `Mutex::into_inner`, recovering from poisoning.
        self.items
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: Clone> ThreadSafeBuffer<T> {
    /// A copy of the items now, in order; the buffer keeps them.
    ///
    /// Clones under the lock: if a `clone` panics, the panic propagates to
    /// the caller and the lock is poisoned, and the buffer keeps working.
    pub fn snapshot(&self) -> Vec<T> {
        // TODO: clone the Vec under the lock.
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Fills one [`ThreadSafeBuffer`] from `threads` threads running at the
/// same time; thread `t` adds `make(t, 0)`, `make(t, 1)`, …,
/// `make(t, per_thread - 1)` in that order. Returns the buffer's items.
///
/// All threads are started before any is joined, so they do append at the
/// same time. `threads == 0` or `per_thread == 0` returns an empty `Vec`.
pub fn fill_concurrently<T, F>(threads: usize, per_thread: usize, make: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    // TODO: one buffer, `threads` scoped threads adding their items to it,
    // then the buffer's items.
    use std::thread;

    let buffer = ThreadSafeBuffer::new();
    let (buffer_ref, make) = (&buffer, &make);
    thread::scope(|scope| {
        for t in 0..threads {
            scope.spawn(move || {
                for i in 0..per_thread {
                    buffer_ref.add(make(t, i));
                }
            });
        }
    });
    buffer.into_inner()
}
