//! Task 1 — Futures: a handle on a result that is not there yet.
//!
//! **What.** [`promise`] makes a connected pair. The [`Promise`] goes with
//! the task to the thread that runs it, which completes it exactly once with
//! the task's outcome. The [`TaskHandle`] stays with whoever submitted the
//! task, who can wait for the outcome ([`TaskHandle::result`]), wait at most
//! a while ([`TaskHandle::result_timeout`]) or just look
//! ([`TaskHandle::is_done`]). The pair is a one-shot channel: a crossbeam
//! channel of capacity one carries the single message.
//!
//! **Why.** A submitter needs to hand off work *now* and collect the result
//! *later*, maybe much later, maybe never, maybe with a deadline. A time-out
//! is the difference between a program that reports "the price service did
//! not answer in 10 s" and one that hangs. Note what a time-out does *not*
//! do: the task keeps running (a thread cannot be killed from outside); the
//! handle only stops waiting, and you may wait again.
//!
//! If the promise is dropped without being completed (the task was thrown
//! away before it ran), the channel disconnects and the handle reports
//! [`TaskError::Cancelled`] instead of waiting forever.
//!
//! **When to choose it.** Whenever work is handed to another thread and its
//! answer is needed later: every executor returns something like this. For a
//! handful of threads you join yourself, `JoinHandle` is already one.
//!
//! **Python.** `concurrent.futures.Future`: `result(timeout)` raises
//! `TimeoutError`, `done()` tells whether it finished, and the task's
//! exception is re-raised by `result()`. A Python future can be read any
//! number of times because it keeps a reference to the result. A Rust handle
//! *moves* the result out to you, so it can give it out once: after that it
//! answers [`TaskError::Taken`].

use std::fmt;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

/// Why a task gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The task panicked; the panic message.
    Panicked(String),
    /// The task returned `Err`; the error's `Display` text.
    Failed(String),
    /// [`TaskHandle::result_timeout`] gave up waiting. The task is still
    /// queued or running, and the handle can be asked again.
    Timeout,
    /// The task will never report: its [`Promise`] was dropped without being
    /// completed (the task was thrown away, for example by a pool that lost
    /// its queue).
    Cancelled,
    /// The outcome was already handed out by this handle.
    Taken,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Panicked(message) => write!(f, "the task panicked: {message}"),
            TaskError::Failed(message) => write!(f, "the task failed: {message}"),
            TaskError::Timeout => f.write_str("timed out waiting for the task"),
            TaskError::Cancelled => f.write_str("the task was dropped before it reported"),
            TaskError::Taken => f.write_str("the outcome was already taken from this handle"),
        }
    }
}

impl std::error::Error for TaskError {}

/// What a task ends with: its value, or why there is none.
pub type Outcome<T> = Result<T, TaskError>;

/// The completing end of a [`promise`]: the thread that runs the task keeps it.
#[derive(Debug)]
pub struct Promise<T> {
    /// The task's id, the same as its handle's.
    id: u64,
    /// Carries the one outcome. Dropping it unsent disconnects the handle.
    sender: Sender<Outcome<T>>,
}

/// The waiting end of a [`promise`]: a future result.
#[derive(Debug)]
pub struct TaskHandle<T> {
    /// The task's id (a pool numbers its tasks from 0).
    id: u64,
    /// Where the outcome arrives: exactly one message, or a disconnection if
    /// the promise was dropped without one.
    pub(crate) receiver: Receiver<Outcome<T>>,
    /// What this handle has seen of the outcome so far.
    pub(crate) state: State<T>,
}

/// The state of a [`TaskHandle`]: `Waiting` until the outcome (or the
/// disconnection, recorded as `Err(Cancelled)`) has been received,
/// `Arrived` while this handle holds it, `Taken` once it was handed out.
#[derive(Debug)]
pub(crate) enum State<T> {
    /// Nothing received yet.
    Waiting,
    /// Received (by `is_done`) but not yet handed out.
    Arrived(Outcome<T>),
    /// Handed out by `result_timeout`; later calls answer `Taken`.
    Taken,
}

/// A connected [`Promise`] and [`TaskHandle`] for the task numbered `id`.
///
/// Contract: whatever the promise is completed with is what the handle gives
/// out; a promise dropped without [`Promise::complete`] makes the handle give
/// [`TaskError::Cancelled`]. Completing never blocks, even if nobody ever
/// looks at the handle (or the handle was dropped).
pub fn promise<T>(id: u64) -> (Promise<T>, TaskHandle<T>) {
    // TODO: one crossbeam channel of capacity 1; the sender goes into the
    // promise, the receiver into the handle (in state `Waiting`).
    let (sender, receiver) = crossbeam_channel::bounded(1);
    (
        Promise { id, sender },
        TaskHandle {
            id,
            receiver,
            state: State::Waiting,
        },
    )
}

impl<T> Promise<T> {
    /// The task's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Hands the task's outcome to the handle. Never blocks; if the handle
    /// is gone, the outcome is simply dropped.
    pub fn complete(self, outcome: Outcome<T>) {
        // TODO: send the outcome. An error only means the handle was dropped:
        // nobody wants the outcome, which is fine.
        let _ = self.sender.send(outcome);
    }
}

impl<T> TaskHandle<T> {
    /// The task's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Waits as long as it takes for the outcome and returns it.
    ///
    /// Returns the task's value, or [`TaskError::Panicked`]/[`TaskError::Failed`]
    /// as the task ended, [`TaskError::Cancelled`] if the promise was dropped
    /// without an outcome, [`TaskError::Taken`] if this handle already gave
    /// the outcome out. An outcome that [`is_done`](Self::is_done) already
    /// received is returned without waiting.
    pub fn result(self) -> Outcome<T> {
        // TODO: look at `state` first; when still `Waiting`, block on the
        // channel. A disconnected channel means `Cancelled`.
        match self.state {
            State::Arrived(outcome) => outcome,
            State::Taken => Err(TaskError::Taken),
            State::Waiting => self.receiver.recv().unwrap_or(Err(TaskError::Cancelled)),
        }
    }

    /// Waits at most `timeout` for the outcome.
    ///
    /// Returns the outcome as [`result`](Self::result) does if it is there
    /// in time; after that the handle is spent and answers
    /// [`TaskError::Taken`]. If not, returns [`TaskError::Timeout`] after
    /// about `timeout`: the task keeps running and the handle keeps waiting
    /// for it, so it can be asked again (or with [`result`](Self::result)).
    pub fn result_timeout(&mut self, timeout: Duration) -> Outcome<T> {
        // TODO: as `result`, but with `recv_timeout`. A time-out leaves the
        // state `Waiting`; any outcome handed out leaves it `Taken`.
        use crossbeam_channel::RecvTimeoutError;

        match std::mem::replace(&mut self.state, State::Taken) {
            State::Arrived(outcome) => outcome,
            State::Taken => Err(TaskError::Taken),
            State::Waiting => match self.receiver.recv_timeout(timeout) {
                Ok(outcome) => outcome,
                Err(RecvTimeoutError::Disconnected) => Err(TaskError::Cancelled),
                Err(RecvTimeoutError::Timeout) => {
                    self.state = State::Waiting;
                    Err(TaskError::Timeout)
                }
            },
        }
    }

    /// Whether the outcome is there, without waiting: `true` once the task
    /// has completed its promise or the promise was dropped (and from then
    /// on). An outcome received here is kept for [`result`](Self::result).
    pub fn is_done(&mut self) -> bool {
        // TODO: when `Waiting`, `try_recv`: a message becomes `Arrived`, a
        // disconnection `Arrived(Err(Cancelled))`, an empty channel means
        // not yet.
        use crossbeam_channel::TryRecvError;

        if let State::Waiting = self.state {
            match self.receiver.try_recv() {
                Ok(outcome) => self.state = State::Arrived(outcome),
                Err(TryRecvError::Disconnected) => {
                    self.state = State::Arrived(Err(TaskError::Cancelled));
                }
                Err(TryRecvError::Empty) => return false,
            }
        }
        true
    }
}
