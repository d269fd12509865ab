//! Task 8 — "daemon" threads in Rust terms, and a clean shutdown instead.
//!
//! **What.** A Rust program ends when `main` returns: the runtime flushes
//! stdout and calls `exit`, and the operating system removes the process
//! with every thread still in it, mid-instruction. No thread is waited for.
//! A thread whose `JoinHandle` was dropped (a *detached* thread) therefore
//! behaves like Python's `daemon=True` thread: it runs as long as the
//! process does, and nobody learns whether it finished. [`spawn_daemon`]
//! starts one. The test program `bin/daemon_demo.rs` shows it: its daemon
//! prints ticks forever, `main` returns, and the process is gone at once.
//!
//! That is fine for work that may die at any instruction (a progress
//! spinner, a cache warmer). It is not fine for a thread that *writes*
//! something: log lines still queued for a detached writer are simply lost
//! at exit. [`BackgroundWriter`] is the alternative: a named thread that
//! writes lines it receives over a channel, and a
//! [`shutdown`](BackgroundWriter::shutdown) that
//!
//! 1. drops the `Sender`: the channel is *closed*, so once the thread has
//!    written every line already sent, its `for line in receiver` loop ends
//!    by itself (no stop flag, no sentinel value);
//! 2. waits for the thread, up to a deadline (std has no `join_timeout`:
//!    poll `JoinHandle::is_finished`, then `join`), and gets the sink back,
//!    or the first write error, or the thread's panic.
//!
//! Dropping a `BackgroundWriter` without `shutdown` does the same without a
//! deadline, so a forgotten `shutdown` still loses no line.
//!
//! **Why a channel.** `write_line` only sends; it never waits for the sink.
//! A slow disk or a stuck pipe holds up the writer thread, not the threads
//! that log. (`std::sync::mpsc::channel` is unbounded; a bounded queue,
//! task 3, would make loggers wait when the writer falls too far behind.)
//!
//! **When to choose which.** Detach only what is safe to kill at any
//! instruction. Everything else gets a way to be told "no more work" and a
//! join, with a deadline so that a stuck thread cannot hang the shutdown.
//!
//! **Python.** `Thread(daemon=True)` threads are killed at interpreter exit;
//! non-daemon threads are joined *automatically* at exit, so a forgotten
//! worker keeps a Python program alive. Rust has only the first kind: a
//! "non-daemon" thread is one you join yourself. The Python clean shutdown
//! is a `queue.Queue` plus a sentinel `None` and `join()`; here closing the
//! channel is the sentinel, and it reaches the thread even if it is not
//! listening yet.

use std::fmt;
use std::io::{self, Write};
use std::sync::mpsc::Sender;
use std::thread::{JoinHandle, Thread};
use std::time::Duration;

use crate::worker_thread::SpawnError;

/// Starts `job` on a new thread named `name`, detaches it and returns at
/// once: nothing can join it, and the process does not wait for it.
///
/// The returned [`Thread`] names the thread (`name()`, `id()`, `unpark()`)
/// but cannot join it. A `name` with a NUL byte gives
/// [`SpawnError::InvalidName`], the OS refusing the thread
/// [`SpawnError::Os`]; never a panic.
pub fn spawn_daemon<F>(name: &str, job: F) -> Result<Thread, SpawnError>
where
    F: FnOnce() + Send + 'static,
{
    // TODO: check the name, start a named thread with `thread::Builder`,
    // keep a clone of its `Thread`, and drop the `JoinHandle`.
    use std::thread;

    if name.contains('\0') {
        return Err(SpawnError::InvalidName {
            name: name.to_owned(),
        });
    }
    let handle = thread::Builder::new()
        .name(name.to_owned())
        .spawn(job)
        .map_err(|source| SpawnError::Os {
            name: name.to_owned(),
            source,
        })?;
    let thread = handle.thread().clone();
    // Dropping the handle detaches the thread: nobody can join it now.
    drop(handle);
    Ok(thread)
}

/// [`BackgroundWriter::write_line`] after the writer thread has stopped (a
/// write failed, or it panicked): the line comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterGone(pub String);

impl fmt::Display for WriterGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the background writer has stopped")
    }
}

impl std::error::Error for WriterGone {}

/// Why [`BackgroundWriter::shutdown`] did not return the sink.
#[derive(Debug)]
pub enum ShutdownError {
    /// The thread was still writing at the deadline; it was left detached.
    Timeout {
        /// The deadline that passed.
        deadline: Duration,
    },
    /// A write or the final flush failed; the lines after it were not written.
    Io(io::Error),
    /// The writer thread panicked (the sink's `write` panicked).
    Panicked {
        /// The panic message.
        message: String,
    },
}

impl fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout { deadline } => {
                write!(f, "the writer thread did not finish within {deadline:?}")
            }
            Self::Io(err) => write!(f, "the background writer failed: {err}"),
            Self::Panicked { message } => write!(f, "the writer thread panicked: {message}"),
        }
    }
}

impl std::error::Error for ShutdownError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(err) => Some(err),
            _ => None,
        }
    }
}

/// The name of the thread [`BackgroundWriter::start`] starts.
pub const WRITER_THREAD_NAME: &str = "background-writer";

/// A thread that writes the lines it is sent to a sink, and stops cleanly.
#[derive(Debug)]
pub struct BackgroundWriter<W: Write + Send + 'static> {
    /// Sends lines to the thread. `None` once shutdown began: dropping the
    /// last `Sender` closes the channel, which tells the thread to finish.
    lines: Option<Sender<String>>,
    /// The writer thread. It returns the sink after writing every line and
    /// flushing, or the first write error. `None` once joined or given up on.
    handle: Option<JoinHandle<io::Result<W>>>,
}

impl<W: Write + Send + 'static> BackgroundWriter<W> {
    /// Starts the writer thread, named [`WRITER_THREAD_NAME`]. It writes
    /// every line it receives to `sink`, each followed by `\n`, in the order
    /// they were sent; when the channel closes it flushes `sink` and returns
    /// it. On a write error it stops and returns the error.
    pub fn start(sink: W) -> Result<Self, SpawnError> {
        // TODO: make a channel, spawn the named thread with the receiver and
        // the sink (`for line in receiver { writeln!(…)? }`, then flush), and
        // keep the sender and the handle.
        use std::sync::mpsc;
        use std::thread;

        let (lines, receiver) = mpsc::channel::<String>();
        let mut sink = sink;
        let handle = thread::Builder::new()
            .name(WRITER_THREAD_NAME.to_owned())
            .spawn(move || {
                // Ends when every `Sender` is gone and every line sent was received.
                for line in receiver {
                    writeln!(sink, "{line}")?;
                }
                sink.flush()?;
                Ok(sink)
            })
            .map_err(|source| SpawnError::Os {
                name: WRITER_THREAD_NAME.to_owned(),
                source,
            })?;
        Ok(Self {
            lines: Some(lines),
            handle: Some(handle),
        })
    }

    /// Queues `line` for writing and returns at once, without waiting for
    /// the sink. `Err(WriterGone(line))` if the thread has stopped.
    pub fn write_line(&self, line: impl Into<String>) -> Result<(), WriterGone> {
        // TODO: send; a send error means the receiver is gone.
        let line = line.into();
        match &self.lines {
            Some(lines) => lines.send(line).map_err(|err| WriterGone(err.0)),
            None => Err(WriterGone(line)),
        }
    }

    /// Closes the channel, waits up to `deadline` for the thread to write
    /// every line sent so far and flush, and returns the sink.
    ///
    /// [`ShutdownError::Timeout`] if it is still writing at the deadline
    /// (it is left detached); [`ShutdownError::Io`] if a write failed;
    /// [`ShutdownError::Panicked`] if it panicked.
    pub fn shutdown(self, deadline: Duration) -> Result<W, ShutdownError> {
        // TODO: take the sender out of `self` (rebind it as `mut`) and drop
        // it; take the handle, poll `is_finished` until the deadline, then
        // join and map the three outcomes.
        use std::thread;
        use std::time::Instant;

        let mut this = self;
        let started = Instant::now();
        // Closing the channel is the "no more lines" signal.
        drop(this.lines.take());
        let Some(handle) = this.handle.take() else {
            return Err(ShutdownError::Io(io::Error::other(
                "the writer thread was already gone",
            )));
        };
        while !handle.is_finished() {
            if started.elapsed() >= deadline {
                // Dropping the handle leaves the thread detached.
                return Err(ShutdownError::Timeout { deadline });
            }
            thread::sleep(Duration::from_millis(1));
        }
        match handle.join() {
            Ok(Ok(sink)) => Ok(sink),
            Ok(Err(err)) => Err(ShutdownError::Io(err)),
            Err(payload) => Err(ShutdownError::Panicked {
                message: crate::worker_thread::panic_message(payload.as_ref()),
            }),
        }
    }
}

impl<W: Write + Send + 'static> Drop for BackgroundWriter<W> {
    /// Like `shutdown` without a deadline, ignoring the outcome: every line
    /// sent is written before the drop returns. Does nothing after
    /// `shutdown`.
    fn drop(&mut self) {
        // TODO: drop the sender, then join the thread if it is still there
        // (ignore its result: a destructor must not panic).
        drop(self.lines.take());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
