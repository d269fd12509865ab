//! Task 3 — memory shared between processes: a counter in a mapped file.
//!
//! **What.** Processes share no memory unless they ask for it. A *shared
//! file mapping* (`mmap` with `MAP_SHARED` on Unix, `CreateFileMapping` and
//! `MapViewOfFile` on Windows) maps a file into a process's address space
//! so that loads and stores go to the file's pages in the kernel's page
//! cache, and every process that maps the same file sees the *same physical
//! memory*. Put an [`AtomicU64`] there and several processes can count
//! together, exactly as threads do with an atomic in ordinary memory.
//!
//! The [`memmap2`] crate gives both systems one API. Its
//! [`memmap2::MmapRaw`] is the right type here: a raw pointer and a length,
//! unmapped when dropped, and no `&[u8]` view of the bytes (other processes
//! change them behind our back, which a `&[u8]` promises never happens).
//!
//! [`SharedCounter`] maps one small [`Shared`] struct and offers two ways to
//! count, the two of Python's `multiprocessing.Value`:
//!
//! - [`SharedCounter::add`]: one `fetch_add` on the atomic `count`. The
//!   increment is a single indivisible instruction (`lock xadd` on x86),
//!   and the hardware keeps it indivisible whichever process issues it.
//! - [`SharedCounter::add_locked`]: a read and a write of the plain
//!   `guarded` number, made safe by a lock that lives in the shared memory
//!   too: a spin lock on the `lock` word (0 free, 1 held), taken with
//!   `compare_exchange(0, 1, Acquire, ..)` and released with
//!   `store(0, Release)`. That is `with counter.get_lock(): counter.value += 1`.
//!
//! A `load` followed by a `store` is *not* an increment: two processes can
//! both read 41 and both write 42 (the lost update of exercise 01, now
//! between processes). The tests run four processes that start together and
//! count as fast as they can; a lost update shows at once.
//!
//! **The traps.**
//!
//! - A *private* mapping (`MmapOptions::map_copy`, `MAP_PRIVATE` in C)
//!   gives each process its own copy-on-write copy: no error, just a parent
//!   that never sees its children's counts. `MmapOptions::map_raw` is the
//!   shared one.
//! - A mapping longer than its file: on Unix the first access past the end
//!   raises `SIGBUS` (the process dies); on Windows mapping a file for
//!   writing silently grows it. Neither is what you want, so `create` must
//!   size the file first (`File::set_len`, which also fills it with zeros:
//!   a valid `Shared` with every count at 0), and `open` must refuse a file
//!   that is too short instead of mapping it.
//! - Mapping needs a file opened for reading *and* writing; one opened
//!   read-only fails with a permission error.
//! - A process that dies while holding the spin lock holds it forever. Real
//!   cross-process locks (`pthread_mutex` with `PTHREAD_PROCESS_SHARED` and
//!   `PTHREAD_MUTEX_ROBUST`) can tell the next locker that the owner died;
//!   a lock-free atomic has no owner and no such problem, one more reason
//!   to prefer it whenever one instruction is enough.
//!
//! **Why.** Copying messages through a pipe (task 2) costs a system call
//! and a copy per message; shared memory costs nothing per access once it
//! is mapped. It is how databases (PostgreSQL's shared buffers) and
//! browsers share large state between processes.
//!
//! **When to choose it.** For state many processes update often (counters,
//! statistics, a big read-only table loaded once). Keep what lives there
//! simple: plain numbers and atomics, `#[repr(C)]`, no pointers (each
//! process maps the file at a different address) and no heap types
//! (`Vec`, `String`, `Box` point into one process's private heap).
//!
//! **Python.** `Value('i', 0)` allocates a C int in shared memory with a
//! `Lock` beside it; `counter.value += 1` is a read and a write, so without
//! `with counter.get_lock():` updates get lost — the same race as here.
//! Python has no atomics, so it always needs the lock.
//! `multiprocessing.shared_memory.SharedMemory` is the raw mapping, like
//! this task's `MmapRaw`.

use std::cell::UnsafeCell;
use std::fmt;
use std::io;
use std::path::Path;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicU32, AtomicU64};

use memmap2::MmapRaw;

/// The bytes at the start of the shared file, as every process sees them.
///
/// `#[repr(C)]` fixes the layout, so every process (and every build of this
/// crate) agrees on where each field is. All zeros is a valid value: every
/// count at 0, the lock free.
#[derive(Debug)]
#[repr(C)]
pub struct Shared {
    /// The lock-free counter: only ever changed with `fetch_add`.
    pub count: AtomicU64,
    /// The lock guarding `guarded`: 0 free, 1 held by some process.
    pub lock: AtomicU32,
    /// The counter behind the lock: read and written only by a process that
    /// holds `lock`.
    pub guarded: UnsafeCell<u64>,
}

/// Length of the shared file and of its mapping, in bytes.
pub const SHARED_LEN: usize = size_of::<Shared>();

/// A [`Shared`] struct in a memory-mapped file, shared with every process
/// that maps the same file.
///
/// It is `Send` and `Sync` because [`MmapRaw`] is: the memory is only ever
/// accessed through atomics or under the cross-process lock, the same
/// discipline that makes sharing between threads (not only processes) safe.
#[derive(Debug)]
pub struct SharedCounter {
    /// A shared, read-write mapping of the first [`SHARED_LEN`] bytes of the
    /// file, page-aligned, unmapped when dropped.
    map: MmapRaw,
}

impl SharedCounter {
    /// Creates (or truncates) the file at `path`, sizes it to
    /// [`SHARED_LEN`] zero bytes, and maps it: a fresh counter at 0, lock
    /// free, whatever the file held before.
    ///
    /// Errors: the file cannot be created, sized or mapped.
    pub fn create(path: &Path) -> io::Result<Self> {
        // TODO: `OpenOptions` with read, write, create and truncate; then
        // `set_len(SHARED_LEN)` (the zeros are the initial value); then `map`.
        todo!()
    }

    /// Maps the existing counter file at `path`, made by [`SharedCounter::create`].
    ///
    /// Errors: the file cannot be opened or mapped; a file shorter than
    /// [`SHARED_LEN`] is an error of kind `InvalidData` (mapping it would
    /// kill the process with `SIGBUS` on first use on Unix, and grow the
    /// file on Windows).
    pub fn open(path: &Path) -> io::Result<Self> {
        // TODO: open read-write (no create), check `metadata()?.len()`, map.
        todo!()
    }

    /// Maps the first [`SHARED_LEN`] bytes of `file` (at least that long),
    /// readable, writable and shared with every other mapping of the file.
    ///
    /// The mapping outlives the file handle: closing `file` afterwards is
    /// fine.
    fn map(file: &std::fs::File) -> io::Result<Self> {
        // TODO: `memmap2::MmapOptions::new()`, `.len(SHARED_LEN)`, then
        // `.map_raw(file)`: shared and writable (not `map_copy`, which is
        // private). Its error is already an `io::Error`.
        todo!()
    }

    /// The shared struct.
    fn shared(&self) -> &Shared {
        // Safety: `map` is a live, page-aligned mapping of `SHARED_LEN`
        // bytes (see the field), whose bytes are always a valid `Shared`
        // (any bit pattern is a valid atomic or `u64`), and it lives as long
        // as `&self`. Other processes change it only through atomics or
        // under the lock, which `Shared`'s atomic and `UnsafeCell` fields
        // allow behind `&`.
        unsafe { &*self.map.as_ptr().cast::<Shared>() }
    }

    /// Adds `n` to the lock-free counter and returns its previous value.
    /// Concurrent adds from any number of processes are never lost.
    pub fn add(&self, n: u64) -> u64 {
        // TODO: one atomic read-modify-write, not a load and a store.
        // (Relaxed is enough: the counter guards no other data.)
        todo!()
    }

    /// The lock-free counter's current value.
    pub fn get(&self) -> u64 {
        // TODO: an atomic load.
        todo!()
    }

    /// Adds `n` to the counter behind the lock and returns its previous
    /// value: takes the shared spin lock, reads and writes `guarded`,
    /// releases the lock. Concurrent calls from any number of processes are
    /// never lost. While another process holds the lock, waits (spinning,
    /// and yielding the CPU now and then so a preempted holder can finish).
    pub fn add_locked(&self, n: u64) -> u64 {
        // TODO: take the lock with `SpinGuard::lock` (below), then read and
        // write `*guarded.get()` in an `unsafe` block with a `// Safety:`
        // comment saying why no one else touches it; dropping the guard
        // releases the lock.
        todo!()
    }

    /// The value of the counter behind the lock, read while holding it.
    pub fn get_locked(&self) -> u64 {
        // TODO: take the lock as in `add_locked`, read, release.
        todo!()
    }
}

/// Holds the shared spin lock; releases it when dropped.
struct SpinGuard<'a> {
    /// The lock word, set to 1 by us.
    lock: &'a AtomicU32,
}

impl<'a> SpinGuard<'a> {
    /// Spins until `lock` goes from 0 (free) to 1 (held by us).
    fn lock(lock: &'a AtomicU32) -> Self {
        // TODO: loop on `compare_exchange_weak(0, 1, Acquire, Relaxed)` until
        // it succeeds; between tries `std::hint::spin_loop()`, and every few
        // dozen tries `std::thread::yield_now()` (the holder may be waiting
        // for a core).
        todo!()
    }
}

impl Drop for SpinGuard<'_> {
    fn drop(&mut self) {
        // TODO: mark the lock free again, with `Release` ordering.
        todo!()
    }
}

/// Which of the two counters [`count_in_processes`] exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Increment {
    /// [`SharedCounter::add`]: one atomic `fetch_add` per increment.
    Atomic,
    /// [`SharedCounter::add_locked`]: the cross-process lock.
    Locked,
}

/// Why [`count_in_processes`] failed.
#[derive(Debug)]
pub enum CountError {
    /// Creating or reading the counter file, or starting a worker, failed.
    Io(io::Error),
    /// A worker process did not exit with status 0.
    WorkerFailed {
        /// Its process id.
        pid: u32,
        /// How it ended.
        status: ExitStatus,
    },
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(err) => write!(f, "shared counter: {err}"),
            Self::WorkerFailed { pid, status } => {
                write!(f, "counting worker {pid} failed: {status}")
            }
        }
    }
}

impl std::error::Error for CountError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(err) => Some(err),
            Self::WorkerFailed { .. } => None,
        }
    }
}

/// Creates a fresh counter at `path`, has `processes` worker processes
/// count `each` increments into it at the same time, waits for all of
/// them, and returns the counter's final value (`processes × each` when
/// nothing was lost).
///
/// Each worker is `program increment PATH --times EACH`, plus `--locked`
/// for [`Increment::Locked`] (see `bin/worker.rs`); it needs a null stdin
/// and may inherit stdout and stderr.
///
/// Contract: every worker is started before any is waited for, and every
/// worker is reaped before this returns, even on error.
///
/// Errors: [`CountError::Io`] if the file cannot be created or a worker
/// cannot be started (the ones already started are killed and reaped);
/// [`CountError::WorkerFailed`] for the first worker, in start order, that
/// did not succeed.
pub fn count_in_processes(
    program: &Path,
    path: &Path,
    processes: usize,
    each: u64,
    how: Increment,
) -> Result<u64, CountError> {
    // TODO: `SharedCounter::create`, spawn all the workers, `wait` for each
    // (keep the first failure, but wait for them all), then read the counter
    // with `get` or `get_locked`.
    todo!()
}
