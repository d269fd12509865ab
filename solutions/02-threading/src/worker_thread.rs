//! Task 1 — a named worker thread: name, stack size, result, spawn errors.
//!
//! **What.** [`std::thread::spawn`] is a shortcut for
//! [`std::thread::Builder`], which can also give the thread a **name** and a
//! **stack size**. The name shows up in `thread::current().name()`, in panic
//! messages (`thread 'fetcher-3' panicked at …`), in debuggers and in `top
//! -H`; with forty threads in a process, names are how you tell them apart.
//! The stack size matters for deep recursion: a new thread gets 2 MiB unless
//! you ask for more (the main thread usually has 8 MiB), and overflowing it
//! aborts the whole process. [`Worker`] wraps a `Builder` thread and keeps
//! its `JoinHandle`, so its result (or its panic) comes back through
//! [`Worker::join`].
//!
//! **Errors, not panics.** `thread::spawn` *panics* when the operating
//! system refuses a thread (too many threads, no memory for the stack);
//! `Builder::spawn` returns that as an `io::Error` instead. One case still
//! panics inside `Builder::spawn`: a name containing a NUL byte (it becomes a
//! C string for the OS). A library should not panic on bad input, so
//! [`Worker::spawn`] checks the name itself and returns
//! [`SpawnError::InvalidName`].
//!
//! **When to choose it.** Whenever a thread lives long enough to show up in
//! a stack trace or a profiler, or needs an unusual stack. For a handful of
//! short jobs that borrow local data, `thread::scope` is simpler.
//!
//! **Python.** The notebook subclasses `threading.Thread`, overrides `run()`
//! and stores the result in an attribute, because `join()` returns `None`
//! and an exception in `run()` is printed and lost. `Thread(name=…)` names
//! it, and `threading.stack_size(n)` sets the stack size for *every* thread
//! created afterwards. In Rust the name and stack size belong to one
//! thread's builder, and the result or the panic comes back through `join`.

use std::any::Any;
use std::fmt;
use std::io;
use std::thread::JoinHandle;

/// A worker thread panicked instead of returning a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerPanic {
    /// The worker's name.
    pub name: String,
    /// The panic message (see [`panic_message`]).
    pub message: String,
}

impl fmt::Display for WorkerPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker `{}` panicked: {}", self.name, self.message)
    }
}

impl std::error::Error for WorkerPanic {}

/// Why a thread could not be started.
#[derive(Debug)]
pub enum SpawnError {
    /// The name contains a NUL byte, which no OS thread name can hold.
    InvalidName {
        /// The name that was asked for.
        name: String,
    },
    /// The operating system refused to create the thread (too many threads,
    /// or no memory for the stack).
    Os {
        /// The name of the thread that was not started.
        name: String,
        /// What the OS said.
        source: io::Error,
    },
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidName { name } => {
                write!(f, "invalid thread name {name:?}: it contains a NUL byte")
            }
            Self::Os { name, source } => write!(f, "failed to start thread `{name}`: {source}"),
        }
    }
}

impl std::error::Error for SpawnError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidName { .. } => None,
            Self::Os { source, .. } => Some(source),
        }
    }
}

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

/// A named thread whose result comes back through [`Worker::join`].
#[derive(Debug)]
pub struct Worker<T> {
    /// The name the thread was given (also its OS thread name).
    name: String,
    /// The running thread; joining it yields the closure's result.
    handle: JoinHandle<T>,
}

impl<T: Send + 'static> Worker<T> {
    /// Starts `work` on a new thread named `name`, with a stack of
    /// `stack_size` bytes when it is `Some` (std's default, 2 MiB, when
    /// `None`), and returns at once.
    ///
    /// Inside `work`, `std::thread::current().name()` is `Some(name)`.
    ///
    /// Errors, and never a panic: a `name` containing a NUL byte gives
    /// [`SpawnError::InvalidName`] without starting anything; the OS
    /// refusing the thread gives [`SpawnError::Os`] with its `io::Error`.
    pub fn spawn<F>(
        name: impl Into<String>,
        stack_size: Option<usize>,
        work: F,
    ) -> Result<Self, SpawnError>
    where
        F: FnOnce() -> T + Send + 'static,
    {
        // TODO: reject a name with a '\0' in it, then configure a
        // `std::thread::Builder` (name, and the stack size if there is one),
        // spawn `work` on it, and map the `io::Error` to `SpawnError::Os`.
        use std::thread;

        let name = name.into();
        if name.contains('\0') {
            return Err(SpawnError::InvalidName { name });
        }
        let mut builder = thread::Builder::new().name(name.clone());
        if let Some(bytes) = stack_size {
            builder = builder.stack_size(bytes);
        }
        match builder.spawn(work) {
            Ok(handle) => Ok(Self { name, handle }),
            Err(source) => Err(SpawnError::Os { name, source }),
        }
    }

    /// The worker's name.
    pub fn name(&self) -> &str {
        // TODO: return the stored name.
        &self.name
    }

    /// Whether the thread has finished (returned or panicked). Never blocks.
    pub fn is_finished(&self) -> bool {
        // TODO: ask the handle.
        self.handle.is_finished()
    }

    /// Waits for the thread to finish and returns what `work` returned, or
    /// [`WorkerPanic`] (with this worker's name and the panic message) if it
    /// panicked. The caller does not panic either way.
    pub fn join(self) -> Result<T, WorkerPanic> {
        // TODO: join the handle and turn a panic payload into a `WorkerPanic`.
        let Self { name, handle } = self;
        handle.join().map_err(|payload| WorkerPanic {
            message: panic_message(payload.as_ref()),
            name,
        })
    }
}
