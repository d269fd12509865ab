//! Task 6 — the lost update, and two ways to fix it.
//!
//! **What.** Eight threads add 1 to a shared counter 100 000 times each; the
//! total must be 800 000. Incrementing is a *read-modify-write*: read the
//! value, add one, write it back. If two threads both read 41 and both write
//! 42, one increment is lost. That is a **race condition**.
//!
//! In Rust you cannot even write the classic version of this bug, a plain
//! `u64` shared and written by several threads: that is a data race, and
//! data races do not compile. The compiler's tools for this are two marker
//! traits, implemented automatically by the types that deserve them:
//!
//! - [`Send`]: a value of this type may be *moved* to another thread;
//! - [`Sync`]: a `&T` may be *shared* with other threads (`T: Sync` exactly
//!   when `&T: Send`).
//!
//! `thread::spawn` requires its closure to be `Send`. [`std::rc::Rc`] uses a
//! non-atomic reference count and [`std::cell::Cell`] allows mutation through
//! `&`, so `Rc<Cell<u64>>` is neither `Send` nor `Sync`, and this is
//! rejected at compile time:
//!
//! ```compile_fail,E0277
//! use std::cell::Cell;
//! use std::rc::Rc;
//!
//! let count = Rc::new(Cell::new(0_u64));
//! let shared = Rc::clone(&count);
//! // error[E0277]: `Rc<Cell<u64>>` cannot be sent between threads safely
//! std::thread::spawn(move || shared.set(shared.get() + 1));
//! ```
//!
//! What the compiler cannot see is a race *between* two correct operations.
//! This compiles, has no data race, and still loses updates, because another
//! thread can store between our load and our store:
//!
//! ```no_run
//! use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
//!
//! fn lossy_increment(count: &AtomicU64) {
//!     let seen = count.load(Relaxed);
//!     count.store(seen + 1, Relaxed); // not one step: updates get lost
//! }
//! ```
//!
//! The two fixes make the read-modify-write indivisible:
//!
//! - [`MutexCounter`]: a [`std::sync::Mutex`] lets one thread at a time in;
//!   the guard it returns is the only way to reach the value. General: the
//!   lock can protect any data and any number of steps.
//! - [`AtomicCounter`]: [`std::sync::atomic::AtomicU64::fetch_add`] is a
//!   single hardware instruction (`lock xadd` on x86). Faster under
//!   contention and never blocks, but only for what fits one atomic.
//!
//! `Relaxed` ordering is enough for a counter: each increment is atomic on
//! its own, and the final `get` happens after the threads were joined, and
//! joining a thread synchronises with everything it did.
//!
//! **When to choose which.** An atomic for a single counter or flag; a mutex
//! as soon as two values must change together.
//!
//! **Python.** `counter += 1` on a shared int can lose updates in Python too
//! (the GIL can switch threads between the load and the store), so Python
//! needs `threading.Lock` just the same; it has no atomics, and nothing stops
//! you from forgetting the lock. In Rust a shared `u64` without a lock or an
//! atomic does not compile.

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

/// A counter that several threads may increment at once, through `&self`.
///
/// Both implementations are `Send + Sync`, so a counter can be shared by
/// `Arc` with spawned threads, or by plain reference with scoped threads.
pub trait Counter: Send + Sync {
    /// Adds one. Never loses an update, however many threads call it.
    fn increment(&self);
    /// The current count.
    fn get(&self) -> u64;
}

/// A counter behind a [`Mutex`].
#[derive(Debug, Default)]
pub struct MutexCounter {
    /// The count; only touched while the lock is held.
    count: Mutex<u64>,
}

impl MutexCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Counter for MutexCounter {
    fn increment(&self) {
        // TODO: lock, add one through the guard, let the guard unlock.
        // A panic elsewhere cannot leave a `u64` half-updated, so a poisoned
        // lock is safe to use: take its value instead of panicking.
        *self
            .count
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
    }

    fn get(&self) -> u64 {
        // TODO: read the count under the lock.
        *self
            .count
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A counter in an [`AtomicU64`].
#[derive(Debug, Default)]
pub struct AtomicCounter {
    /// The count; every update is one atomic read-modify-write.
    count: AtomicU64,
}

impl AtomicCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Counter for AtomicCounter {
    fn increment(&self) {
        // TODO: one atomic read-modify-write (not a load followed by a store).
        use std::sync::atomic::Ordering::Relaxed;
        self.count.fetch_add(1, Relaxed);
    }

    fn get(&self) -> u64 {
        // TODO: read the count.
        use std::sync::atomic::Ordering::Relaxed;
        self.count.load(Relaxed)
    }
}

/// Starts `threads` scoped threads that all call `counter.increment()`
/// `per_thread` times, waits for them all, and returns `counter.get()`.
///
/// The threads start incrementing *together*: each waits at a shared
/// [`std::sync::Barrier`] first. Without it, a thread can finish 100 000
/// increments (a fraction of a millisecond) before the next one has even
/// started, the threads never collide, and a broken counter looks fine.
///
/// With a correct counter starting at `c`, the result is
/// `c + threads × per_thread`. `threads == 0` starts nothing.
pub fn hammer<C: Counter + ?Sized>(counter: &C, threads: usize, per_thread: u64) -> u64 {
    // TODO: `std::thread::scope`, spawn `threads` threads that borrow
    // `counter` and a `Barrier` of `threads`; each waits at the barrier, then
    // increments in a loop. Read the count after the scope.
    use std::sync::Barrier;
    use std::thread;

    let start = Barrier::new(threads);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                start.wait();
                for _ in 0..per_thread {
                    counter.increment();
                }
            });
        }
    });
    counter.get()
}
