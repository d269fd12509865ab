//! Task 7 — per-thread state with `thread_local!`, merged at the end.
//!
//! **What.** A `thread_local!` static has one independent copy per thread:
//! each thread that touches it gets its own, freshly initialised the first
//! time it is used on that thread and dropped when that thread exits. No
//! other thread can see it, so it needs no lock. Here each thread keeps a
//! [`Tally`] of the values it [`record`]s; when the threads are done, each
//! hands its tally back through `join` and the caller merges them.
//!
//! **How.** `TALLY` below is a `LocalKey<Cell<Tally>>`. You reach this
//! thread's copy with `TALLY.with(|cell| …)`, or the shortcuts `TALLY.get()`,
//! `TALLY.set(…)`, `TALLY.take()`, `TALLY.replace(…)`. A `Cell` is enough
//! because `Tally` is `Copy`; state that is not (a `Vec`, a `String`) goes in
//! a `RefCell`. A thread-local is never `&mut`: even on its own thread it is
//! reached through a shared reference, hence the cell.
//!
//! **Why.** Counting into one shared `Mutex<Tally>` makes every thread queue
//! up on every value; counting into a thread-local costs nothing, and the
//! merge at the end is one step per *thread*. Thread-locals also carry
//! context that would be a pain to pass down every call: a per-thread
//! random number generator, a reusable buffer, a logging context, a
//! database connection per worker.
//!
//! **Pitfalls.** The copy dies with its thread, so take it *before* the
//! thread returns (`take_local_tally` as the closure's last step). A thread
//! that is reused (a pool worker, the calling thread) keeps its copy from
//! one job to the next, so reset it when a job starts or ends. And the
//! calling thread has a copy too, which work done on *other* threads must
//! not touch.
//!
//! **When to choose it.** Per-thread scratch state and per-thread partial
//! results that are combined once. When threads must see each other's
//! updates while they run, share a lock or an atomic instead.
//!
//! **Python.** `data = threading.local()`; each thread sees its own
//! `data.x`. Same idea, but attribute-based and dynamic; in Rust the type
//! and the initial value are fixed in the declaration.

use std::cell::Cell;

/// What one thread has seen: how many values, their sum, and the largest.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Values recorded.
    pub count: u64,
    /// Their sum.
    pub sum: u64,
    /// The largest value recorded (0 when none).
    pub max: u64,
}

impl Tally {
    /// Counts one more `value`.
    pub fn add(&mut self, value: u64) {
        // TODO: one more value: count, sum, max.
        todo!()
    }

    /// Adds another tally's values into this one, as if they had been
    /// recorded here.
    pub fn merge(&mut self, other: Tally) {
        // TODO: add the counts and sums, keep the larger max.
        todo!()
    }
}

thread_local! {
    /// This thread's tally. Starts empty on every thread.
    static TALLY: Cell<Tally> = const {
        Cell::new(Tally {
            count: 0,
            sum: 0,
            max: 0,
        })
    };
}

/// Counts `value` in the calling thread's tally. No lock, no sharing.
pub fn record(value: u64) {
    // TODO: read this thread's tally, add the value, store it back.
    todo!()
}

/// The calling thread's tally so far.
pub fn local_tally() -> Tally {
    // TODO: read this thread's tally.
    todo!()
}

/// Returns the calling thread's tally and resets it to empty.
pub fn take_local_tally() -> Tally {
    // TODO: swap this thread's tally for an empty one.
    todo!()
}

/// Tallies `chunks[i]` on thread `i`, all threads at the same time: each
/// [`record`]s `weigh(v)` for every value `v` of its chunk in its own
/// thread-local tally, then takes that tally and returns it through `join`.
///
/// Returns the per-thread tallies, in chunk order, and their merge. The
/// calling thread's own tally is left as it was.
pub fn tally_chunks_with<F>(chunks: &[Vec<u64>], weigh: F) -> (Vec<Tally>, Tally)
where
    F: Fn(u64) -> u64 + Sync,
{
    // TODO: one scoped thread per chunk, recording into *its* thread-local
    // and returning `take_local_tally()`; join them in order and merge.
    todo!()
}

/// [`tally_chunks_with`] recording the values as they are.
pub fn tally_chunks(chunks: &[Vec<u64>]) -> (Vec<Tally>, Tally) {
    // TODO: call `tally_chunks_with` with the identity.
    todo!()
}
