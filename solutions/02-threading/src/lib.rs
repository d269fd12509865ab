//! # 02 — Threading: synchronization primitives you build and prove
//!
//! Exercise 01 started threads and let them share a counter. Real programs
//! need threads to *coordinate*: hand work to each other, wait for a signal,
//! take turns on a scarce resource, meet at a point. Python's `threading`
//! module ships a primitive for each (`Lock`, `Queue`, `Event`, `Semaphore`,
//! `Barrier`, `Condition`, `local`); in this exercise you build most of them
//! yourself from the two that everything else is made of:
//!
//! - a **mutex** ([`std::sync::Mutex`]): one thread at a time. In Rust the
//!   mutex *owns* the data it protects, and the only way to reach the data
//!   is through the guard that `lock()` returns, so "forgot to take the
//!   lock" does not compile. Python's `Lock` sits beside the data and
//!   protects it only by convention.
//! - a **condition variable** ([`std::sync::Condvar`]): sleep until another
//!   thread says something changed. `wait(guard)` atomically releases the
//!   lock and sleeps; `notify_one`/`notify_all` wake one or every sleeper,
//!   which then re-takes the lock. Python's `threading.Condition` is the
//!   same thing.
//!
//! ## The two rules of condition variables
//!
//! Almost every concurrency bug in this exercise breaks one of them, and the
//! tests are built to catch each:
//!
//! 1. **Wait in a `while` loop that re-checks the condition**, never an `if`.
//!    A thread woken by `notify` does not run at once: by the time it has
//!    the lock again another thread may have taken the item, the permit or
//!    the slot it was woken for. And any wait may return for no reason at all
//!    (a *spurious wake-up*). `Condvar::wait_while` writes the loop for you.
//! 2. **Notify everyone who may now proceed.** `notify_one` wakes *one*
//!    waiter; if several can proceed (the queue closed, the event was set,
//!    the latch reached zero) the others sleep forever: a **lost wake-up**.
//!    Notify while the state change is visible, that is after changing it
//!    under the lock.
//!
//! Lost wake-ups hide from ordinary tests: real threads usually happen to
//! run in a lucky order. So the tests run the queue, the event, the
//! semaphore and the latch twice: on real threads, and under
//! [shuttle](https://docs.rs/shuttle), a checker that replaces `Mutex` and
//! `Condvar` with versions whose scheduler tries thousands of interleavings
//! from a fixed seed. That is why those four modules take their locks from
//! [`sync`] (see its docs).
//!
//! ## Python and Rust
//!
//! | Python (`threading`) | Rust | here |
//! |---|---|---|
//! | `Thread(name=…)` subclass with `run()` | `thread::Builder` (name, stack size), result through `JoinHandle` | [`worker_thread`] |
//! | `Lock` next to a list | `Mutex<Vec<T>>`: the lock owns the list | [`shared_buffer`] |
//! | `queue.Queue(maxsize)` | `Mutex<VecDeque>` + two `Condvar`s; in production `std::sync::mpsc::sync_channel` or crossbeam | [`bounded_queue`] |
//! | `Event` | `Mutex<bool>` + `Condvar` | [`event`] |
//! | `Semaphore` | std has none: `Mutex<usize>` + `Condvar`, and a guard that releases on drop | [`semaphore`] |
//! | `Barrier`, `Condition` | `std::sync::Barrier`; a count-down latch on a `Condvar` | [`latch`] |
//! | `threading.local()` | `thread_local!` | [`thread_locals`] |
//! | `daemon=True` | a detached thread (dropped `JoinHandle`); a channel and a join for a clean stop | [`daemon`] |
//! | `ThreadPoolExecutor` for I/O | worker threads fed by your bounded queue | [`io_pipeline`] |
//! | deadlock: "use timeouts, avoid nested locks" | lock ordering; `try_lock` with back-off | [`deadlock`] |
//!
//! The GIL makes some Python code accidentally safe (a `list.append` is
//! atomic under it); Rust has no GIL, so every shared thing is either
//! immutable, atomic, or behind a lock, and the compiler checks which.
//!
//! ## The tasks
//!
//! 1. [`worker_thread`]: a named worker thread with a chosen stack size; a
//!    failed spawn is an error, a panic comes back through `join`.
//! 2. [`shared_buffer`]: the seed's `ThreadSafeBuffer`, filled by many
//!    threads at once, every item exactly once.
//! 3. [`bounded_queue`]: a producer/consumer queue with a capacity: `put`
//!    blocks while full, `get` while empty, time-outs, `close`.
//! 4. [`event`]: Python's `Event`: `set`, `clear`, `is_set`, `wait`,
//!    `wait_timeout`.
//! 5. [`semaphore`]: at most N threads inside; a guard gives the permit back.
//! 6. [`latch`]: a count-down latch: wait until N things have happened.
//! 7. [`thread_locals`]: per-thread tallies with `thread_local!`, merged at
//!    the end.
//! 8. [`daemon`]: detached threads that the process does not wait for, and a
//!    background writer that shuts down cleanly instead.
//! 9. [`io_pipeline`]: simulated I/O calls served by named workers fed from
//!    your bounded queue (the perf check times it against the sequential
//!    reference).
//! 10. [`deadlock`]: two accounts transferring both ways: the circular wait,
//!     fixed by lock ordering and by `try_lock` with back-off.
//!
//! Each module's docs say what to build; every place to change says `TODO`.

pub mod bounded_queue;
pub mod daemon;
pub mod deadlock;
pub mod event;
pub mod io_pipeline;
pub mod latch;
pub mod semaphore;
pub mod shared_buffer;
pub mod sync;
pub mod thread_locals;
pub mod worker_thread;
