#![allow(
    unused_variables,
    dead_code,
    reason = "starter stubs: these warnings go away as you fill them in"
)]

//! # 03 — Multiprocessing: real processes, real IPC, a process pool
//!
//! Exercise 01 started one child process. This exercise builds what Python's
//! `multiprocessing` module gives you — worker processes, queues between
//! them, shared values, a pool with an initializer — out of real operating
//! system processes, pipes and shared memory, so you can see every moving
//! part and what each one costs.
//!
//! ## Processes share nothing unless you make them
//!
//! Threads of one process share its memory: handing a thread a `&[u64]`
//! costs nothing. Processes each have their own address space. Everything
//! one process tells another is either **copied** through the kernel (a
//! pipe: task 2) or placed in memory both have **mapped** on purpose
//! (task 3). Copying needs a format: here serde and one line of JSON per
//! message, where Python pickles.
//!
//! ## What processes cost, measured
//!
//! `cargo run -p multiprocessing --example costs` measures it on your
//! machine (medians of many runs). On the 2-core course machine (a small
//! virtual machine, idle, `opt-level = 2`):
//!
//! | | thread | process |
//! |---|---|---|
//! | start one that does nothing, wait for it | 44 µs | 0.84 ms (19×) |
//! | one request/response round trip, waiting for each answer | 44 µs | 41 µs |
//! | the same, streamed (not waiting), per message | 0.48 µs | 1.1 µs (2-3×) |
//!
//! The start-up row is the real difference: a process needs `fork`/`exec`,
//! the dynamic loader and its own page tables. A single waited-for round
//! trip costs the same either way, because the time goes into *waking the
//! other side up* (on a VM a cross-CPU wake-up costs tens of µs), not into
//! the bytes; streamed, the process pays for JSON and two system calls per
//! message. Either way a message costs far more than a job of a few
//! microseconds, which is why task 5 batches.
//!
//! Python's numbers are larger: starting a process with the `spawn` method
//! (the default on macOS and Windows) launches a new interpreter and
//! re-imports your module, 40-80 ms; a `queue.Queue` hand-off between
//! threads is about 6 µs, and between processes pickling comes on top.
//!
//! ## Why Python needs this module and Rust mostly does not
//!
//! CPython's GIL lets one thread run Python bytecode at a time, so the
//! seed notebook's "CPU-bound speedup demonstration" *must* use processes:
//! threads give 1×. Rust threads already run on every core (exercise 01),
//! so in Rust the process pool's CPU speedup (task 4's perf check) is the
//! same as a thread pool's, minus the start-up and copying. What processes
//! add in any language is **isolation**:
//!
//! - a worker that crashes (`abort`, a segfault in a C library, an
//!   out-of-memory kill) takes down only itself; the pool reports the job
//!   it held (task 4) and the parent carries on;
//! - a worker can be **killed** after a deadline (task 1); a thread cannot;
//! - code that is not thread-safe (global state in a C library) can run in
//!   parallel, one copy per process.
//!
//! ## Choosing
//!
//! | choose | when |
//! |---|---|
//! | threads (exercises 01, 02, 04) | CPU-bound or I/O-bound work in Rust, by default: no start-up to speak of, no copying, borrowing with `thread::scope` |
//! | worker processes + pipes (tasks 1, 2, 4) | the work may crash, hang or leak, must be killable, or runs non-thread-safe code; or the worker is another program |
//! | shared memory (task 3) | several processes update the same small state often, or read a large table without each having a copy |
//! | batching (task 5) | always, with processes: make each message carry much more work than it costs to send |
//!
//! ## The tasks
//!
//! 1. [`processes`]: start N worker processes at once, read their exit
//!    statuses, kill the ones that overrun a deadline, leave no zombie.
//! 2. [`ipc`]: one JSON line per message over a child's stdin and stdout;
//!    a dead child, a malformed line or a silent child is an error value.
//! 3. [`shared_memory`]: a counter in a memory-mapped file, counted by
//!    several processes with an atomic and with a cross-process lock.
//! 4. [`pool`]: long-lived workers, an initializer run once per worker,
//!    chunks handed out as workers free up, results in order, crashes
//!    reported with the jobs they took down; the CPU speedup, measured.
//! 5. [`small_jobs`]: one tiny job per message versus chunks, measured.
//!
//! [`protocol`] holds the message types and what a worker does with them;
//! it is given, not a task. The worker program is `bin/worker.rs`
//! (`t03-worker`); the tests start it, and its `serve` and `increment`
//! modes run your code.
//!
//! Each module's docs say what to build; every place to change says `TODO`.

pub mod ipc;
pub mod pool;
pub mod processes;
pub mod protocol;
pub mod shared_memory;
pub mod small_jobs;
