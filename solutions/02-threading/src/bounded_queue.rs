//! Task 3 — a bounded producer/consumer queue on `Mutex` + `Condvar`.
//!
//! **What.** [`BoundedQueue`] holds at most `capacity` items. Producers
//! [`put`](BoundedQueue::put): when the queue is full they *block* until a
//! consumer makes room. Consumers [`get`](BoundedQueue::get): when it is
//! empty they block until an item arrives. Both have `*_timeout` variants
//! that give up after a while, and [`close`](BoundedQueue::close) ends the
//! stream: it wakes every waiting thread, later puts are refused, and
//! consumers drain what is left and then get `None`. Items come out in the
//! order they went in, so each producer's items keep their order.
//!
//! **How.** One mutex guards the state (the items and the `closed` flag);
//! two condition variables say *why* a thread sleeps: `not_empty` (getters
//! wait on it, a put signals it) and `not_full` (putters wait on it, a get
//! signals it). Each blocking method is the same shape:
//!
//! ```text
//! lock
//! loop {
//!     if I can proceed: change the state, unlock, notify the other side, return
//!     if closed (or past the deadline): return the error
//!     wait on my condition variable (this unlocks while asleep)
//! }
//! ```
//!
//! Both rules from the crate docs apply. It must be a *loop*: a getter woken
//! by a put can find the queue empty again because another getter, which
//! was not even asleep, took the item first. And a `close` must
//! `notify_all` on *both* condition variables: every sleeper has to see the
//! flag, not just one.
//!
//! **Why bounded.** An unbounded queue between a fast producer and a slow
//! consumer grows until memory runs out. A bound gives **back-pressure**:
//! the producer is slowed to the consumer's pace. (The seed's "memory
//! explosion" row has the same cure for workers: limit them.)
//!
//! **When to choose it.** To learn the pattern, and where you need exactly
//! these semantics. In production, `std::sync::mpsc::sync_channel(n)` or
//! `crossbeam_channel::bounded(n)` are this queue, faster, with closing
//! built in (the channel closes when every sender is dropped).
//!
//! **Python.** `queue.Queue(maxsize=n)`: `put` and `get` block, both take
//! `timeout=` and raise `queue.Full` / `queue.Empty`. It has no `close`: the
//! usual idiom is one sentinel (`None`) per consumer, which breaks as soon as
//! the number of consumers is miscounted. `Queue` is itself built from one
//! `Lock` and three `Condition`s (`not_empty`, `not_full`,
//! `all_tasks_done`), just like this one.
//!
//! This file is also compiled against shuttle by the tests: take locks and
//! condition variables from [`crate::sync`] only.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use crate::sync::{Condvar, Mutex};

/// A put on a closed queue: the item comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is closed")
    }
}

impl<T: fmt::Debug> std::error::Error for Closed<T> {}

/// Why [`BoundedQueue::put_timeout`] did not put the item; it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutTimeoutError<T> {
    /// The queue stayed full until the time-out.
    Full(T),
    /// The queue is closed (or was closed while waiting).
    Closed(T),
}

impl<T> PutTimeoutError<T> {
    /// The item that was not put.
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(item) | Self::Closed(item) => item,
        }
    }
}

impl<T> fmt::Display for PutTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("the queue stayed full until the time-out"),
            Self::Closed(_) => f.write_str("the queue is closed"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for PutTimeoutError<T> {}

/// Why [`BoundedQueue::get_timeout`] returned no item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetTimeoutError {
    /// The queue stayed empty until the time-out.
    Empty,
    /// The queue is closed and has no items left.
    Closed,
}

impl fmt::Display for GetTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the queue stayed empty until the time-out"),
            Self::Closed => f.write_str("the queue is closed and empty"),
        }
    }
}

impl std::error::Error for GetTimeoutError {}

/// A FIFO queue of at most `capacity` items, shared by reference between
/// producer and consumer threads (put it in an `Arc`, or borrow it from
/// `thread::scope` threads).
#[derive(Debug)]
pub struct BoundedQueue<T> {
    /// The items and the `closed` flag. Invariant: `items.len() <= capacity`.
    state: Mutex<State<T>>,
    /// Signalled when an item arrives or the queue closes; getters wait here.
    not_empty: Condvar,
    /// Signalled when an item leaves or the queue closes; putters wait here.
    not_full: Condvar,
    /// The most items the queue holds; at least 1.
    capacity: usize,
}

/// What the mutex of a [`BoundedQueue`] guards.
#[derive(Debug)]
struct State<T> {
    /// Oldest first.
    items: VecDeque<T>,
    /// Set once by `close`, never cleared.
    closed: bool,
}

impl<T> BoundedQueue<T> {
    /// An empty, open queue holding at most `capacity` items (a `capacity`
    /// of 0 is taken as 1).
    pub fn new(capacity: usize) -> Self {
        // TODO: build the state (an empty VecDeque, not closed), the two
        // condition variables, and the capacity.
        let capacity = capacity.max(1);
        Self {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    /// The most items the queue holds at once.
    pub fn capacity(&self) -> usize {
        // TODO: return the stored capacity.
        self.capacity
    }

    /// The number of items in the queue now.
    pub fn len(&self) -> usize {
        // TODO: lock (recover from poisoning: `unwrap_or_else(|p| p.into_inner())`).
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .items
            .len()
    }

    /// Whether the queue holds no items now.
    pub fn is_empty(&self) -> bool {
        // TODO: no items now (`len`).
        self.len() == 0
    }

    /// Whether [`close`](Self::close) has been called.
    pub fn is_closed(&self) -> bool {
        // TODO: read the flag under the lock.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .closed
    }

    /// Appends `item`, first waiting as long as it takes while the queue is
    /// full. Wakes a waiting getter.
    ///
    /// Returns `Err(Closed(item))` if the queue is closed, whether before
    /// the call or while waiting; the item is not queued then.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        // TODO: lock; in a loop: closed → Err; room → push, unlock, notify a
        // getter, Ok; otherwise wait on `not_full`.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if state.closed {
                return Err(Closed(item));
            }
            if state.items.len() < self.capacity {
                state.items.push_back(item);
                drop(state);
                // One new item lets exactly one getter proceed.
                self.not_empty.notify_one();
                return Ok(());
            }
            state = self
                .not_full
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Like [`put`](Self::put), but waits at most `timeout` for room:
    /// `Err(PutTimeoutError::Full(item))` if the queue is still full then.
    /// A zero `timeout` never waits (a "try put").
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutTimeoutError<T>> {
        // TODO: as `put`, with a deadline fixed at the start. Wake-ups can be
        // early, so wait for the time *left*, and check for room before you
        // check the clock.
        use std::time::Instant;

        // A deadline too far away to represent is no deadline at all.
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if state.closed {
                return Err(PutTimeoutError::Closed(item));
            }
            // Room first, clock second: a putter woken for a free slot just as
            // its time runs out must take the slot, or the wake-up is lost.
            if state.items.len() < self.capacity {
                state.items.push_back(item);
                drop(state);
                self.not_empty.notify_one();
                return Ok(());
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => timeout,
            };
            if left.is_zero() {
                return Err(PutTimeoutError::Full(item));
            }
            state = self
                .not_full
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Removes and returns the oldest item, first waiting as long as it
    /// takes while the queue is empty. Wakes a waiting putter.
    ///
    /// Returns `None` once the queue is closed *and* empty: a consumer loop
    /// is `while let Some(item) = queue.get() { … }`.
    pub fn get(&self) -> Option<T> {
        // TODO: lock; in a loop: an item → take it, unlock, notify a putter,
        // return it; closed → None; otherwise wait on `not_empty`.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if let Some(item) = state.items.pop_front() {
                drop(state);
                // One free slot lets exactly one putter proceed.
                self.not_full.notify_one();
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Like [`get`](Self::get), but waits at most `timeout` for an item:
    /// `Err(GetTimeoutError::Empty)` if none came, `Err(Closed)` once the
    /// queue is closed and empty. A zero `timeout` never waits.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetTimeoutError> {
        // TODO: as `get`, with a deadline (see `put_timeout`).
        use std::time::Instant;

        let deadline = Instant::now().checked_add(timeout);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if let Some(item) = state.items.pop_front() {
                drop(state);
                self.not_full.notify_one();
                return Ok(item);
            }
            if state.closed {
                return Err(GetTimeoutError::Closed);
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => timeout,
            };
            if left.is_zero() {
                return Err(GetTimeoutError::Empty);
            }
            state = self
                .not_empty
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Closes the queue and wakes *every* waiting thread: blocked putters
    /// return `Closed` with their item, blocked getters drain the remaining
    /// items and then get `None`. Items already queued stay gettable.
    /// Closing twice is harmless.
    pub fn close(&self) {
        // TODO: set the flag under the lock, then wake all waiters on both
        // condition variables.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .closed = true;
        // Every sleeper on both sides must see the flag: getters to drain and
        // return `None`, putters to give their item back.
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
}
