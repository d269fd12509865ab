#![allow(
    unused_variables,
    dead_code,
    reason = "starter stubs: these warnings go away as you fill them in"
)]

//! # 01 — Threads and processes
//!
//! A **process** is a running program with its own address space: its own
//! memory, file descriptors and at least one thread. Two processes share
//! nothing unless they set it up on purpose (pipes, sockets, shared memory),
//! and the operating system protects each one from the others. Starting one
//! costs about a millisecond here (`fork` + `exec` + the dynamic loader).
//!
//! A **thread** is a path of execution *inside* a process. All threads of a
//! process share its memory, so they can hand each other data by reference;
//! each has only its own stack and registers. Starting one costs a few
//! microseconds. The kernel schedules threads, not processes, onto cores:
//! when there are more runnable threads than cores it **context-switches**
//! between them (saves one thread's registers, restores another's), which is
//! how a 2-core machine runs a hundred threads "at once".
//!
//! ## Why Rust threads speed up CPU-bound work
//!
//! CPython has a **Global Interpreter Lock (GIL)**: only the thread holding it
//! runs Python bytecode, so two Python threads computing primes take as long
//! as one. Python threads help only while they *wait* (network, disk, sleep),
//! because waiting releases the GIL; for CPU work Python reaches for
//! `multiprocessing`, paying for process start-up and for pickling every
//! argument and result across a pipe.
//!
//! Rust has no interpreter and no GIL. Two threads computing primes run on
//! two cores at the same time, so a CPU-bound job can finish up to N× faster
//! on N cores (task [`cpu_bound`] measures it). What Python's GIL made
//! accidentally "safe" Rust makes safe on purpose: a **data race** (two
//! threads touching the same memory, one of them writing, without
//! synchronisation) is a *compile error*. The [`Send`] and [`Sync`] marker
//! traits say which types may move to, or be shared with, another thread, and
//! `thread::spawn` demands them (task [`race_condition`]). What the compiler
//! cannot rule out is a *logic* race, such as a read-modify-write split in two
//! steps; the atomics and locks of that task fix it.
//!
//! ## Threads or processes?
//!
//! | choose | when |
//! |---|---|
//! | threads | almost always in Rust: CPU-bound work on all cores, blocking I/O overlapped, shared read-only data borrowed with [`std::thread::scope`] |
//! | processes | you need isolation: running another program, a crash (or `abort`, or memory corruption in C code) must not take you down, a hard kill after a deadline, different privileges or resource limits |
//!
//! In Python the table reads differently: threads for I/O, processes for CPU.
//! In Rust the CPU row moved to threads; processes remain the tool for
//! *isolation*, not for speed.
//!
//! ## The tasks
//!
//! 1. [`spawn_join`]: start threads, collect their results in order, turn a
//!    worker's panic into an error value.
//! 2. [`scoped_threads`]: borrow a slice from several threads without `Arc`.
//! 3. [`child_process`]: run a real program, feed it, read it, kill it on a
//!    deadline and reap it.
//! 4. [`cpu_bound`]: count primes on all cores, and split the work fairly.
//! 5. [`io_bound`]: overlap blocking calls on a fixed number of workers.
//! 6. [`race_condition`]: the lost update, fixed with a `Mutex` and with an
//!    atomic.
//! 7. [`daemon_shutdown`]: detached ("daemon") threads versus a background
//!    thread you can stop promptly.
//!
//! Each module's docs say what to build; every place to change says `TODO`.

pub mod child_process;
pub mod cpu_bound;
pub mod daemon_shutdown;
pub mod io_bound;
pub mod race_condition;
pub mod scoped_threads;
pub mod spawn_join;
